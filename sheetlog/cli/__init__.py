"""The ``sheetlog`` command: thin click commands over the library.

Each command opens a log, calls one library method of the same name and prints
the result. A ``SheetlogError`` becomes one line on stderr and its exit code
(2 for usage, configuration and access problems); ``--debug`` shows the traceback.
Commands live in modules by purpose; importing them registers them on ``cli``.
They import the library inside the command, so ``--help`` starts without it.
"""

from __future__ import annotations

from . import evidence, nightly, recording, reports, setup
from .group import cli

__all__ = ["cli", "evidence", "main", "nightly", "recording", "reports", "setup"]


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="sheetlog")
