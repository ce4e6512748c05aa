"""sheetlog: a dependable customer-support interaction log in one shared spreadsheet.

import sheetlog
log = sheetlog.open("support-log.xlsx")        # or "gsheet:<ID>" / a Sheets URL
log.init()
log.append({"Customer": "ORD789456", "Agent": "Maya", "Issue Summary": "Parcel late"})
"""

from .archive import ArchiveResult
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
from .evidence import Verification
from .log import ImportResult, InitResult, SupportLog, UpdateResult, create, open
from .queries import Followups, Found, LogStatus
from .recording import Change, Record, Rejected
from .records import read_records
from .retention import RetentionResult
from .summary import MonthlySummary
from .templates import Column, Kind, Template, load_template
from .validation import ValidationReport

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
