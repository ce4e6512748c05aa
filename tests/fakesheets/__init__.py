"""A stateful in-memory fake of the Google Sheets v4 REST API (plus Drive v3
permissions.create), mounted with ``responses`` and validated against Google's discovery
documents.

Get the ``fake_sheets`` fixture (asserts no discovery violations at teardown) with
``pytest_plugins = ["tests.fakesheets.pytest_plugin"]`` in a conftest or test module, or use it
directly::

    with FakeSheets() as fake:
        sid = fake.create_spreadsheet("Support Log", tabs=["Log"])
"""

from .person import Person
from .server import Call, FakeSheets

__all__ = ["Call", "FakeSheets", "Person"]
