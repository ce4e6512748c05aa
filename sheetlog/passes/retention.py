"""``sheetlog retention``: archive tabs past the retention policy are anonymized or deleted.

Anonymizing replaces each personal cell (the template's ``pii`` columns) with a
value derived from the digest of those cells that the Row Hash chain commits to
(``evidence.anonymized``), so ``verify`` still passes afterwards, and checks it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from ..errors import ConfigError
from ..model.ops import DeleteTab, Op, SetCells
from ..model.sheetdata import Snapshot
from ..model.templates import Template
from ..model.workbook import ARCHIVE_PREFIX, data_rows, is_archive_title
from .evidence import ANON_PREFIX, anonymized, row_pii

_POLICY = re.compile(r"^\s*(\d+)\s*([my])\s*$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_months(text: str) -> int:
    """``24m`` or ``2y`` as a number of months."""
    match = _POLICY.match(text)
    if not match:
        raise ConfigError(f'--older-than "{text}": expected months or years, e.g. 24m or 2y')
    return int(match.group(1)) * (12 if match.group(2) == "y" else 1)


@dataclass
class RetentionResult:
    """Which archive tabs were past the policy and what was done to them."""

    action: str
    tabs: list[str] = field(default_factory=list)
    cells: int = 0
    dry_run: bool = False

    def to_dict(self) -> dict[str, object]:
        """The ``--format json`` document."""
        return {
            "action": self.action,
            "tabs": self.tabs,
            "cells": self.cells,
            "dry_run": self.dry_run,
        }


def expired_tabs(snapshot: Snapshot, months: int, now: datetime, template: Template) -> list[str]:
    """Archive tabs whose whole month ended more than ``months`` months before ``now``."""
    local = now.astimezone(template.tz)
    current = local.year * 12 + local.month - 1
    found = []
    for title, tab in snapshot.tabs.items():
        match = _MONTH.match(title.removeprefix(ARCHIVE_PREFIX))
        if (
            is_archive_title(title)
            and not tab.elsewhere
            and match
            and current - (int(match.group(1)) * 12 + int(match.group(2)) - 1) > months
        ):
            found.append(title)
    return sorted(found)


def anonymize_ops(
    snapshot: Snapshot, template: Template, titles: list[str]
) -> tuple[list[Op], int]:
    """SetCells replacing every personal cell of ``titles`` not yet anonymized."""
    ops: list[Op] = []
    for title in titles:
        tab = snapshot.tabs[title]
        personal = [i for i, name in enumerate(tab.header) if name in template.pii_names]
        for number, cells in data_rows(tab):
            pii = row_pii(template, tab.header, cells)
            for col in personal:
                value = cells[col] if col < len(cells) else None
                if value not in (None, "") and not str(value).startswith(ANON_PREFIX):
                    stand_in = anonymized(pii, tab.header[col])
                    ops.append(SetCells(title, number, col, ((stand_in,),)))
    return ops, len(ops)


def delete_ops(titles: list[str]) -> list[Op]:
    """Remove whole archive tabs."""
    return [DeleteTab(title) for title in titles]
