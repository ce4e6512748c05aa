"""sheetlog: a dependable customer-support interaction log in one shared spreadsheet.

import sheetlog
log = sheetlog.open("support-log.xlsx")        # or "gsheet:<ID>" / a Sheets URL
log.init()
"""

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
from .log import InitResult, SupportLog, create, open
from .templates import Column, Kind, Template, load_template
from .validation import ValidationReport

__all__ = [
    "AccessError",
    "BackendError",
    "Column",
    "ConfigError",
    "InitResult",
    "InvalidInput",
    "InvalidRow",
    "InvalidValue",
    "Kind",
    "LockedError",
    "NotFoundError",
    "SheetlogError",
    "SupportLog",
    "Template",
    "TemplateError",
    "ValidationReport",
    "create",
    "load_template",
    "open",
]
