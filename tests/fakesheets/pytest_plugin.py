"""pytest fixture: ``fake_sheets`` yields a running FakeSheets and fails the test if any
request broke the discovery documents."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .server import FakeSheets


@pytest.fixture
def fake_sheets() -> Iterator[FakeSheets]:
    """A FakeSheets intercepting requests; asserts ``violations == []`` at teardown."""
    with FakeSheets() as fake:
        yield fake
    assert fake.violations == [], "requests violated the discovery documents:\n" + "\n".join(
        fake.violations
    )
