"""The ``sheetlog`` command: thin click commands over the library.

Each command opens a log, calls one library method of the same name and prints
the result. A ``SheetlogError`` becomes one line on stderr and its exit code
(2 for usage, configuration and access problems); ``--debug`` shows the traceback.
Each command lives in a module named for it; importing them registers them on ``cli``.
They import the library inside the command, so ``--help`` starts without it.
"""

from __future__ import annotations

from . import (
    append,
    archive,
    attach,
    casefile,
    checkpoint,
    export,
    find,
    followups,
    forget,
    import_,
    init,
    keygen,
    message,
    proof,
    retention,
    status,
    summary,
    timeline,
    update,
    validate,
    verify,
)
from .group import cli

__all__ = [
    "append",
    "archive",
    "attach",
    "casefile",
    "checkpoint",
    "cli",
    "export",
    "find",
    "followups",
    "forget",
    "import_",
    "init",
    "keygen",
    "main",
    "message",
    "proof",
    "retention",
    "status",
    "summary",
    "timeline",
    "update",
    "validate",
    "verify",
]


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="sheetlog")
