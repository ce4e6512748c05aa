"""Parse ``--sheet TARGET``: a Google Sheets URL, ``gsheet:ID``, or a path to an .xlsx file."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError

DEFAULT_WORKBOOK = "support-log.xlsx"
NEW = "new"
_URL = re.compile(r"^https://docs\.google\.com/spreadsheets/d/([A-Za-z0-9_-]+)")


@dataclass(frozen=True)
class Target:
    """Where a log lives: exactly one of ``spreadsheet_id`` and ``path`` is set."""

    spreadsheet_id: str | None = None
    path: Path | None = None

    @property
    def is_new(self) -> bool:
        """``gsheet:new``: a spreadsheet init should create."""
        return self.spreadsheet_id == NEW


def parse_target(text: str | os.PathLike[str] | None) -> Target:
    """Read a target, falling back to $SHEETLOG_SHEET and then ./support-log.xlsx."""
    raw = str(text) if text is not None else os.environ.get("SHEETLOG_SHEET") or DEFAULT_WORKBOOK
    raw = raw.strip()
    match = _URL.match(raw)
    if match:
        return Target(spreadsheet_id=match.group(1))
    if raw.startswith("gsheet:"):
        key = raw.removeprefix("gsheet:")
        if not re.fullmatch(r"[A-Za-z0-9_-]+", key):
            raise ConfigError(f'--sheet "{raw}": expected gsheet:<spreadsheet id> or gsheet:new')
        return Target(spreadsheet_id=key)
    if raw.lower().endswith(".xlsx"):
        return Target(path=Path(raw))
    raise ConfigError(
        f'--sheet "{raw}": expected a Google Sheets URL'
        " (https://docs.google.com/spreadsheets/d/<ID>/...), gsheet:<ID>, gsheet:new,"
        " or a path ending in .xlsx"
    )
