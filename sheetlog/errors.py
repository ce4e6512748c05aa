"""The one error tree of sheetlog.

Every failure a user can meet is a ``SheetlogError``; backends translate their
own exceptions (gspread, google-auth, openpyxl, OS errors) into it at their
boundary, and the CLI turns it into one line on stderr and an exit code.

    SheetlogError                     exit 2 unless a subclass says otherwise
    ├── ConfigError                   bad option, target, template or settings
    │   └── TemplateError             a template file is broken
    ├── AccessError                   credentials missing, sheet not shared, file locked
    │   └── LockedError               the workbook is open in Excel/LibreOffice or another run
    ├── BackendError                  the spreadsheet service failed (after retries)
    │   └── UncertainWrite            a write whose reply was lost: it may have landed
    ├── NotFoundError                 a ticket or tab that does not exist (exit 1)
    └── InvalidInput                  input that does not fit the template (exit 1)
        ├── InvalidValue              one cell value does not fit its column
        └── InvalidRow                several problems in one row
"""

from __future__ import annotations

from .model.sheetdata import escape_unstorable


class SheetlogError(Exception):
    """Base of every error sheetlog raises on purpose."""

    exit_code = 2


class ConfigError(SheetlogError):
    """A usage, option, target or settings problem."""


class TemplateError(ConfigError):
    """A template file that cannot be used; the message names the file and the problem."""


class AccessError(SheetlogError):
    """The log cannot be reached: missing credentials, not shared, no permission."""


class LockedError(AccessError):
    """Someone else holds the workbook: Excel, LibreOffice or another sheetlog run."""


class BackendError(SheetlogError):
    """The spreadsheet service failed in a way retries did not cure."""


class UncertainWrite(BackendError):
    """A write whose reply was lost: the service may or may not have applied it."""


class NotFoundError(SheetlogError):
    """A ticket, row or tab the command names does not exist."""

    exit_code = 1


class InvalidInput(SheetlogError):
    """Input that does not fit the log's template; nothing was written."""

    exit_code = 1

    def __str__(self) -> str:
        """One printable line, whatever the input it quotes holds (a line break, ``\\ud800``)."""
        return escape_unstorable(super().__str__(), breaks=True)


class InvalidValue(InvalidInput):
    """A value that does not fit its column: names the column, the value and the format."""

    def __init__(self, column: str, value: object, expected: str, hint: str = "") -> None:
        self.column = column
        self.value = value
        self.expected = expected
        self.hint = hint
        shown = escape_unstorable(value if isinstance(value, str) else _repr(value), breaks=True)
        message = f'{escape_unstorable(column, breaks=True)}: "{shown}" is not {expected}'
        if hint:
            message += f" ({hint})"
        super().__init__(message)


def _repr(value: object) -> str:
    """``repr(value)``; an int too long for Python to write out is described instead."""
    try:
        return repr(value)
    except ValueError:
        return f"a {type(value).__name__} too long to show"


class InvalidRow(InvalidInput):
    """Every invalid value of one row, reported together."""

    def __init__(self, problems: list[InvalidValue]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))
