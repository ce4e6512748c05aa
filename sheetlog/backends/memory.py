"""A log held in memory: every op applied to plain lists, with no file and no network.

For fast tests of the passes (the way httpx ships ``MockTransport``) and for scripts
that want a scratch log. It keeps the same promises as the real backends: a write
applies all of its ops or none, a transaction keeps other threads out, and it
records the layout facts (drop-downs, rules, marks, charts) ``init`` and the tests
look at.
"""

from __future__ import annotations

import copy
import hashlib
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..errors import BackendError
from ..model.ops import (
    AddChart,
    AddFormatRule,
    AddTab,
    AppendRows,
    DeleteRowsIfUnchanged,
    DeleteTab,
    FreezeHeader,
    MarkCells,
    Op,
    ProtectHeader,
    SetCells,
    SetDropdown,
    SetNumberFormat,
    SetTextFormat,
    SetWidth,
    refuse_merged,
    unchanged_rows,
)
from ..model.sheetdata import XLSX_CHARS_PER_CELL, CellValue, Layout, Scope, Snapshot, Tab, narrowed
from .base import Backend


@dataclass
class Sheet:
    """One tab as the memory backend holds it."""

    rows: list[list[CellValue]]
    hidden: bool = False
    layout: Layout = field(default_factory=lambda: Layout(header=[]))
    marked: set[tuple[int, int]] = field(default_factory=set)
    """(sheet row, 0-based column) of the highlighted cells."""
    fills: dict[tuple[int, int], str] = field(default_factory=dict)
    """Colours (RRGGBB) people gave cells, by (sheet row, 0-based column): flags leave them."""
    bold: set[tuple[int, int]] = field(default_factory=set)
    widths: dict[int, int] = field(default_factory=dict)
    number_formats: dict[tuple[int, int], str] = field(default_factory=dict)
    charts: list[AddChart] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    """Merged ranges (A1), as a test sets them: the memory backend never merges cells."""


class MemoryBackend(Backend):
    """A log in a dict of tabs, in tab order."""

    chars_per_cell = XLSX_CHARS_PER_CELL  # the smaller limit: what passes here fits both

    def __init__(self, location: str = "memory:") -> None:
        self.location = location
        self.sheets: dict[str, Sheet] = {}
        self.writes = 0
        """How many writes landed (each one atomic)."""
        self.files: dict[str, dict[str, bytes]] = {}
        """Attachments: folder, then name, then bytes."""
        self._lock = threading.RLock()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Keep other threads' reads and writes out for a read-compute-write."""
        with self._lock:
            yield

    def close(self) -> None:
        """Nothing to release: no file, no connection (like httpx's ``MockTransport``)."""

    def store_attachment(self, name: str, data: bytes, folder: str | None) -> tuple[str, str]:
        """Kept in ``files``, by folder and name."""
        folder = folder or "attachments"
        self.files.setdefault(folder, {})[name] = data
        return f"{self.location}{folder}/{name}", folder

    def stored_attachments(self, folder: str) -> dict[str, str]:
        """Each kept file, hashed again."""
        kept = self.files.get(folder, {})
        return {name: hashlib.sha256(data).hexdigest() for name, data in kept.items()}

    def read(self, scope: Scope) -> Snapshot:
        with self._lock:
            tabs: dict[str, Tab] = {}
            probed: dict[str, Tab] = {}
            for index, (title, sheet) in enumerate(self.sheets.items()):
                tab = Tab(title, [], sheet.hidden, index, sheet.layout.frozen_rows)
                tab.merged = tuple(sheet.merged)
                tab.grid_rows = len(sheet.rows)
                tab.grid_columns = max(map(len, sheet.rows), default=0)
                if scope.wants(title):
                    rows = [list(row) for row in _ragged(sheet.rows)]
                    tab.rows = narrowed(rows, scope.columns_of(title))
                    tabs[title] = tab
                elif scope.probes(title):
                    probed[title] = tab
            return Snapshot(tabs, probed)

    def read_layout(self, title: str) -> Layout | None:
        with self._lock:
            sheet = self.sheets.get(title)
            if sheet is None:
                return None
            layout = copy.deepcopy(sheet.layout)
            layout.header = [str(v) if v is not None else "" for v in _ragged(sheet.rows)[0]]
            return layout

    def write(self, ops: Sequence[Op]) -> None:
        """Apply ``ops`` to a copy and keep it only when every op applied."""
        with self._lock:
            sheets = copy.deepcopy(self.sheets)
            for op in ops:
                _apply(sheets, op)
            self.sheets = sheets
            self.writes += 1


def _ragged(rows: list[list[CellValue]]) -> list[list[CellValue]]:
    """Rows as every backend reads them: no trailing empty cells or rows, "" as empty."""
    found = []
    for row in rows:
        cells = [None if v == "" else v for v in row]
        while cells and cells[-1] is None:
            cells.pop()
        found.append(cells)
    while found and not found[-1]:
        found.pop()
    return found


def _put(sheet: Sheet, row: int, col: int, value: CellValue) -> None:
    """Write one cell (sheet row 1-based, column 0-based), growing the grid."""
    while len(sheet.rows) < row:
        sheet.rows.append([])
    cells = sheet.rows[row - 1]
    if len(cells) <= col:
        cells.extend([None] * (col + 1 - len(cells)))
    cells[col] = None if value == "" else value


def _last_content_row(sheet: Sheet) -> int:
    return len(_ragged(sheet.rows))


def _sheet(sheets: dict[str, Sheet], title: str) -> Sheet:
    if title not in sheets:
        raise BackendError(f'tab "{title}" does not exist in {list(sheets)}')
    return sheets[title]


def _apply(sheets: dict[str, Sheet], op: Op) -> None:
    """Apply one op to ``sheets`` (a copy the caller keeps only if every op applies)."""
    if isinstance(op, AppendRows) and op.header is not None and op.tab not in sheets:
        _apply(sheets, AddTab(op.tab, op.header, hidden=op.hidden))
    match op:
        case AddTab(title=title, header=header, hidden=hidden, index=index):
            if title in sheets:
                raise BackendError(f'a tab called "{title}" already exists')
            items = list(sheets.items())
            at = len(items) if index is None else index
            items.insert(
                at,
                (title, Sheet([list(header)], hidden, bold={(1, c) for c in range(len(header))})),
            )
            sheets.clear()
            sheets.update(items)
        case DeleteTab(title=title):
            _sheet(sheets, title)
            del sheets[title]
        case SetCells(tab=tab, row=row, col=col, values=values, bold=bold):
            sheet = _sheet(sheets, tab)
            for r, line in enumerate(values):
                for c, value in enumerate(line):
                    _put(sheet, row + r, col + c, value)
                    if bold:
                        sheet.bold.add((row + r, col + c))
        case AppendRows(tab=tab, rows=appended):
            sheet = _sheet(sheets, tab)
            start = _last_content_row(sheet) + 1
            for r, cells in enumerate(appended):
                for c, cell in enumerate(cells):
                    _put(sheet, start + r, c, cell)
        case DeleteRowsIfUnchanged(tab=tab, rows=rows, at=at):
            sheet = _sheet(sheets, tab)
            refuse_merged(sheet.merged, tab, "deleting rows")
            doomed = unchanged_rows({n: row for n, row in enumerate(sheet.rows[1:], 2)}, rows, at)
            sheet.rows = [row for n, row in enumerate(sheet.rows, 1) if n not in doomed]
        case MarkCells(tab=tab, row=row, cols=cols, on=on):
            sheet = _sheet(sheets, tab)
            for col in cols:
                if (row, col) not in sheet.fills:  # a person's colour: left as it is
                    (sheet.marked.add if on else sheet.marked.discard)((row, col))
        case FreezeHeader(tab=tab):
            _sheet(sheets, tab).layout.frozen_rows = 1
        case ProtectHeader(tab=tab):
            _sheet(sheets, tab).layout.header_protected = True
        case SetDropdown(tab=tab, col=col, choices=choices):
            _sheet(sheets, tab).layout.dropdowns[col] = choices
        case AddFormatRule(tab=tab, col=col):
            _sheet(sheets, tab).layout.format_rules.add(col)
        case SetTextFormat(tab=tab, col=col):
            _sheet(sheets, tab).layout.text_columns.add(col)
        case SetWidth(tab=tab, col=col, chars=chars):
            _sheet(sheets, tab).widths[col] = chars
        case SetNumberFormat(tab=tab, row=row, col=col, rows=height, cols=width, pattern=p):
            formats = _sheet(sheets, tab).number_formats
            for r in range(row, row + height):
                for c in range(col, col + width):
                    formats[(r, c)] = p
        case AddChart(tab=tab):
            _sheet(sheets, tab).charts.append(op)
