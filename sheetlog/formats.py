"""The file formats and tab sets that ``import`` and ``export`` take.

Kept apart from the modules that read and write them (which load pandas and
pydantic) so the command line can offer them as choices and still start fast.
"""

from __future__ import annotations

from typing import Literal

IMPORT_FORMATS = ("csv", "json", "jsonl")

ExportTabs = Literal["log", "archives", "all"]
ExportFormat = Literal["csv", "json", "parquet"]
EXPORT_TABS: tuple[ExportTabs, ...] = ("log", "archives", "all")
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "json", "parquet")
