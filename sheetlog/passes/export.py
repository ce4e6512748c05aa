"""``export``: Log and/or the archive tabs to CSV, JSON or Parquet, optionally redacted.

Redaction masks the columns the template marks ``pii = true``: an email keeps its
first letter and domain (``j***@example.com``), a phone keeps its leading digits
and the last two of the subscriber number (``+1 555-***-**34``), other text keeps
its first letter (``J***``). CSV output is neutralized against formula injection
(OWASP): a text cell beginning with ``=``, ``+``, ``-``, ``@``, tab, CR or LF gets a
leading apostrophe, so a spreadsheet that opens the file shows it as text.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ConfigError
from ..model.formats import EXPORT_FORMATS, ExportFormat, ExportTabs
from ..model.formats import EXPORT_TABS as TABS
from ..model.sheetdata import Snapshot
from ..model.templates import Column, Kind, Template
from ..model.workbook import LOG_TAB, archive_tabs
from .frame import SPOILED, log_frame, records
from .queries import in_dates, in_time_order

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
MASK = "***"
SUBSCRIBER_DIGITS = 7  # the masked tail of a phone number; its last two digits stay
KEPT_DIGITS = 2
_EMAIL = re.compile(r"([^@\s]+)@([^@\s]+\.[^@\s]+)")


def export_frame(
    snapshot: Snapshot,
    template: Template,
    tabs: ExportTabs = "all",
    since: date | None = None,
    until: date | None = None,
    redact: bool = False,
) -> pd.DataFrame:
    """The rows of the chosen tabs whose Contact Start falls in the date range, in time
    order: one column per template column, then ``tab`` and ``row``."""
    if tabs not in TABS:
        raise ConfigError(f'tabs "{tabs}" is not one of {", ".join(TABS)}')
    frame = log_frame(snapshot, template, include_archives=tabs != "log", as_typed=True)
    if tabs == "archives":
        frame = frame[frame["tab"].isin([tab.title for tab in archive_tabs(snapshot)])]
    elif tabs == "log":
        frame = frame[frame["tab"] == LOG_TAB]
    frame = in_time_order(frame[in_dates(frame, template, since, until)], template)
    frame = frame.drop(columns=SPOILED).reset_index(drop=True)
    if redact:
        for column in template.columns:
            if column.pii:
                masked = [mask(column, value) for value in frame[column.name]]
                frame[column.name] = pd.Series(masked, index=frame.index, dtype=object)
    return frame


def mask(column: Column, value: Any) -> Any:
    """A personal value masked by its shape; empty cells stay empty."""
    if not isinstance(value, str) or not value:
        return value
    email = _EMAIL.fullmatch(value.strip())
    if email:
        return f"{email[1][0]}{MASK}@{email[2]}"
    if column.kind is Kind.PHONE and sum(ch.isdigit() for ch in value) > KEPT_DIGITS:
        return mask_phone(value)
    return f"{value.strip()[0]}{MASK}"


def mask_phone(phone: str) -> str:
    """Mask the subscriber number (the last 7 digits) but its last two; keep the layout."""
    digits = sum(ch.isdigit() for ch in phone)
    first_masked = max(digits - SUBSCRIBER_DIGITS, 0)
    last_masked = digits - KEPT_DIGITS
    shown, seen = [], 0
    for ch in phone:
        if ch.isdigit():
            shown.append("*" if first_masked <= seen < last_masked else ch)
            seen += 1
        else:
            shown.append(ch)
    return "".join(shown)


def neutralize(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, made inert with a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def render(frame: pd.DataFrame, fmt: ExportFormat) -> str:
    """The frame as CSV (neutralized) or JSON text (a list of row objects)."""
    if fmt == "csv":
        buffer = io.StringIO()
        frame.map(neutralize).to_csv(buffer, index=False)
        return buffer.getvalue()
    if fmt == "json":
        return json.dumps(records(frame), indent=2, ensure_ascii=False, default=str) + "\n"
    raise ConfigError("Parquet is binary: give a file to write it to (--output FILE)")


def write(frame: pd.DataFrame, fmt: ExportFormat, path: Path) -> None:
    """Write the frame to ``path`` as CSV, JSON or Parquet; a failure is a ConfigError."""
    if fmt == "parquet" and find_spec("pyarrow") is None:  # pandas writes Parquet through it
        raise ConfigError(
            'Parquet export needs pyarrow: pip install "sheetlog[parquet]"'
            " (or export --format csv or json)"
        )
    try:
        if fmt != "parquet":
            path.write_text(render(frame, fmt), encoding="utf-8")
        else:
            _as_uniform_types(frame).to_parquet(path, index=False)
    except OSError as exc:
        raise ConfigError(f'--output "{path}": cannot write it: {exc.strerror or exc}') from exc


def format_for(path: Path | None, fmt: ExportFormat | None) -> ExportFormat:
    """The format asked for, else the one the file's suffix names, else CSV."""
    if fmt is not None:
        return fmt
    suffix = path.suffix.lower().lstrip(".") if path is not None else ""
    for name in EXPORT_FORMATS:
        if suffix == name:
            return name
    return "csv"


def _as_uniform_types(frame: pd.DataFrame) -> pd.DataFrame:
    """Parquet wants one type per column: a column mixing numbers and text (a cell kept
    as typed) becomes text."""
    fixed = frame.copy()
    for name in fixed.columns:
        if len({isinstance(v, str) for v in fixed[name] if v is not None}) > 1:
            fixed[name] = fixed[name].map(lambda v: None if v is None else str(v))
    return fixed
