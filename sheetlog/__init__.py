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
    from .model.templates import Column, Kind, Template, load_template
    from .passes.archive import ArchiveResult
    from .passes.evidence import Verification
    from .passes.forget import ForgetResult
    from .passes.importfiles import read_records
    from .passes.proofs import check_proof
    from .passes.queries import Followups, Found, LogStatus
    from .passes.record import Change, Record, Rejected
    from .passes.retention import RetentionResult
    from .passes.summary import MonthlySummary
    from .passes.validate import ValidationReport
    from .supportlog import (
        ImportResult,
        InitResult,
        SupportLog,
        UpdateResult,
        create,
        open,
        rollup,
    )

_LAZY = {
    "ArchiveResult": "passes.archive",
    "Change": "passes.record",
    "Column": "model.templates",
    "Followups": "passes.queries",
    "ForgetResult": "passes.forget",
    "Found": "passes.queries",
    "ImportResult": "supportlog",
    "InitResult": "supportlog",
    "Kind": "model.templates",
    "LogStatus": "passes.queries",
    "MonthlySummary": "passes.summary",
    "Record": "passes.record",
    "Rejected": "passes.record",
    "RetentionResult": "passes.retention",
    "SupportLog": "supportlog",
    "Template": "model.templates",
    "UpdateResult": "supportlog",
    "ValidationReport": "passes.validate",
    "Verification": "passes.evidence",
    "create": "supportlog",
    "load_template": "model.templates",
    "open": "supportlog",
    "read_records": "passes.importfiles",
    "check_proof": "passes.proofs",
    "rollup": "supportlog",
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
    "ForgetResult",
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
    "check_proof",
    "create",
    "load_template",
    "open",
    "read_records",
    "rollup",
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
