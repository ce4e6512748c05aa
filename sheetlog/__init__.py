"""sheetlog: a dependable customer-support interaction log in one shared spreadsheet.

import sheetlog
log = sheetlog.open("support-log.xlsx")        # or "gsheet:<ID>" / a Sheets URL
log.init()
log.append({"Customer": "ORD789456", "Agent": "Maya", "Issue Summary": "Parcel late"})

The public names load their modules on first use (PEP 562), so ``import sheetlog``
stays cheap and a command pays only for the libraries it needs.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .errors import (
    AccessError,
    BackendError,
    ConfigError,
    InvalidInput,
    InvalidRow,
    InvalidValue,
    LockedError,
    NotFoundError,
    SheetlogError,
    TemplateError,
)

if TYPE_CHECKING:
    from .archive import ArchiveResult
    from .evidence import Verification
    from .log import ImportResult, InitResult, SupportLog, UpdateResult, create, open
    from .queries import Followups, Found, LogStatus
    from .recording import Change, Record, Rejected
    from .records import read_records
    from .retention import RetentionResult
    from .summary import MonthlySummary
    from .templates import Column, Kind, Template, load_template
    from .validation import ValidationReport

_LAZY = {
    "ArchiveResult": "archive",
    "Change": "recording",
    "Column": "templates",
    "Followups": "queries",
    "Found": "queries",
    "ImportResult": "log",
    "InitResult": "log",
    "Kind": "templates",
    "LogStatus": "queries",
    "MonthlySummary": "summary",
    "Record": "recording",
    "Rejected": "recording",
    "RetentionResult": "retention",
    "SupportLog": "log",
    "Template": "templates",
    "UpdateResult": "log",
    "ValidationReport": "validation",
    "Verification": "evidence",
    "create": "log",
    "load_template": "templates",
    "open": "log",
    "read_records": "records",
}
"""Each public name not defined above, and the submodule that defines it."""

__all__ = [
    "AccessError",
    "ArchiveResult",
    "BackendError",
    "Change",
    "Column",
    "ConfigError",
    "Followups",
    "Found",
    "ImportResult",
    "InitResult",
    "InvalidInput",
    "InvalidRow",
    "InvalidValue",
    "Kind",
    "LockedError",
    "LogStatus",
    "MonthlySummary",
    "NotFoundError",
    "Record",
    "Rejected",
    "RetentionResult",
    "SheetlogError",
    "SupportLog",
    "Template",
    "TemplateError",
    "UpdateResult",
    "ValidationReport",
    "Verification",
    "create",
    "load_template",
    "open",
    "read_records",
]


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use, and keep the name here for the next."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
