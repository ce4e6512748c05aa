"""The file formats and tab sets that ``import`` and ``export`` take.

Kept apart from the modules that read and write them (which load pandas and
pydantic) so the command line can offer them as choices and still start fast.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

IMPORT_FORMATS = ("csv", "json", "jsonl")
HELPDESKS = ("zendesk", "freshdesk", "zammad")
"""The helpdesks whose exports ``import --from`` reads without a map."""

ExportTabs = Literal["log", "archives", "all"]
ExportFormat = Literal["csv", "json", "parquet"]
EXPORT_TABS: tuple[ExportTabs, ...] = ("log", "archives", "all")
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "json", "parquet")

FILE_SUFFIXES = frozenset(
    {"csv", "tsv", "json", "jsonl", "ndjson", "parquet", "xlsx", "xlsm", "xls", "ods", "numbers"}
)
"""Suffixes that name a file format: an output file must not name another than it holds."""
WORKBOOK_SUFFIXES = frozenset({"xlsx", "xlsm", "xls", "ods", "numbers"})


def check_output(path: Path, fmt: str, option: str, log_path: Path | None = None) -> None:
    """Refuse to write ``fmt`` to ``path`` when it is the log's workbook (``log_path``),
    any other sheetlog workbook, or a file whose suffix names another format: a report
    or an export must never replace a workbook."""
    from ..errors import ConfigError

    shown = f'{option} "{path}"'
    if log_path is not None and _same_file(path, log_path):
        raise ConfigError(f"{shown} is the log itself: write to another file")
    if _is_sheetlog_workbook(path):
        raise ConfigError(f"{shown} is a sheetlog workbook: write to another file")
    suffix = path.suffix.lower().lstrip(".")
    if suffix in FILE_SUFFIXES and suffix != fmt:
        kind = "a workbook" if suffix in WORKBOOK_SUFFIXES else f"a .{suffix} file"
        raise ConfigError(f"{shown}: this writes {fmt.upper()}, not {kind}; name the file .{fmt}")


def _same_file(path: Path, other: Path) -> bool:
    try:
        if path.exists() and other.exists():
            return os.path.samefile(path, other)
        return path.expanduser().resolve() == other.expanduser().resolve()
    except OSError:
        return False


def _is_sheetlog_workbook(path: Path) -> bool:
    """Whether ``path`` is an existing workbook with sheetlog's hidden settings tab."""
    try:
        with open(path, "rb") as handle:
            if handle.read(4) != b"PK\x03\x04":  # not a zip package: not a workbook
                return False
    except OSError:
        return False
    from python_calamine import CalamineError, CalamineWorkbook

    from .workbook import SETTINGS_TAB

    try:
        return SETTINGS_TAB in CalamineWorkbook.from_path(str(path)).sheet_names
    except (CalamineError, OSError, ValueError):
        return False
