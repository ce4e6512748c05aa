"""The local workbook backend: an .xlsx file written with openpyxl.

Safe to share with people who open the file in Excel or LibreOffice: it
refuses to write while their lock file exists, holds a lock of its own so two
sheetlog runs never interleave, notices a file changed behind its back, and
saves atomically (temp file in the same folder, fsync, ``os.replace``). Writes
inside one ``transaction`` are applied in memory and saved once, at its end, so
a pass interrupted halfway leaves the file exactly as it was.

Charts: a workbook that Excel, LibreOffice or openpyxl saves again may lose or
mangle its charts, so each chart's spec is kept beside the settings in the
hidden settings tab (columns D:E) and every save draws the charts afresh from it.
"""

from __future__ import annotations

import bisect
import fcntl
import json
import logging
import os
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import AccessError, BackendError, ConfigError, LockedError
from ..workbook import SETTINGS_TAB
from .base import (
    AddChart,
    AddFormatRule,
    AddTab,
    AppendRows,
    Backend,
    CellValue,
    DeleteRowsIfUnchanged,
    DeleteTab,
    FreezeHeader,
    Layout,
    MarkCells,
    Op,
    ProtectHeader,
    SetCells,
    SetDropdown,
    SetNumberFormat,
    SetTextFormat,
    SetWidth,
    Snapshot,
    Tab,
)

LAST_ROW = 1048576
HEADER_GUARD_TITLE = "sheetlog header"
MARK_FILL = PatternFill(start_color="F4CCCC", end_color="F4CCCC", fill_type="solid")
NO_FILL = PatternFill(fill_type=None)
LOCK_WAIT_SECONDS = 10.0
CHART_KEY = "chart:"
CHART_HEADER = ("Chart on tab", "Chart spec")
CHART_COL = 4  # column D of the settings tab (1-based); the settings proper use A:B
CHART_SIZE_CM = (17.0, 8.5)

log = logging.getLogger("sheetlog")


class LocalBackend(Backend):
    """A log kept in one .xlsx file."""

    def __init__(self, path: Path) -> None:
        self.path = path.expanduser().resolve()
        self.location = str(self.path)
        self._book: Workbook | None = None
        self._stamp: tuple[int, int] | None = None
        self._lock_depth = 0
        self._lock_file: Any = None
        self._dirty = False

    # --- locking ----------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the lock across a read-compute-write; save once if anything was written."""
        self._acquire()
        try:
            yield
            if self._lock_depth == 1 and self._dirty and self._book is not None:
                self._refuse_if_open_elsewhere()
                self._check_unchanged()
                self._save(self._book)
        finally:
            self._release()

    def _acquire(self) -> None:
        self._lock_depth += 1
        if self._lock_depth > 1:
            return
        lock_path = self.path.with_name(f".{self.path.name}.sheetlog-lock")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(lock_path, "a+")  # noqa: SIM115 - held until release
        except OSError as exc:
            self._lock_depth -= 1
            raise AccessError(f"cannot open {lock_path}: {exc.strerror}") from exc
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    handle.close()
                    self._lock_depth -= 1
                    raise LockedError(
                        f"another sheetlog run is using {self.path}; try again when it ends"
                    ) from None
                time.sleep(0.1)
        self._lock_file = handle

    def _release(self) -> None:
        self._lock_depth -= 1
        if self._lock_depth == 0:
            self._book = None
            self._dirty = False
            if self._lock_file is not None:
                fcntl.flock(self._lock_file, fcntl.LOCK_UN)
                self._lock_file.close()
                self._lock_file = None

    def _refuse_if_open_elsewhere(self) -> None:
        """Excel and LibreOffice leave lock files while a person has the workbook open."""
        for name in (f"~${self.path.name}", f".~lock.{self.path.name}#"):
            if (self.path.parent / name).exists():
                raise LockedError(
                    f"{self.path} is open in Excel or LibreOffice ({name} exists);"
                    " close it there and run again"
                )

    # --- reading ----------------------------------------------------------------------

    def _load(self) -> Workbook:
        if self._book is not None:
            return self._book
        if not self.path.exists():
            book = Workbook()
            book.remove(book.active)
            self._stamp = None
        else:
            try:
                stat = self.path.stat()
                book = load_workbook(self.path, rich_text=False)
            except (InvalidFileException, KeyError, OSError, ValueError) as exc:
                raise ConfigError(f"{self.path} is not a readable .xlsx workbook: {exc}") from exc
            self._stamp = (stat.st_mtime_ns, stat.st_size)
        if self._lock_depth:
            self._book = book
        return book

    def read(self) -> Snapshot:
        book = self._load()
        tabs = {}
        for sheet in book.worksheets:
            tabs[sheet.title] = Tab(
                title=sheet.title,
                rows=_sheet_rows(sheet),
                hidden=sheet.sheet_state != "visible",
                frozen_rows=_frozen_rows(sheet),
                grid_rows=sheet.max_row,
                grid_columns=sheet.max_column,
            )
        return Snapshot(tabs)

    def read_layout(self, title: str) -> Layout | None:
        book = self._load()
        if title not in book.sheetnames:
            return None
        sheet = book[title]
        rows = _sheet_rows(sheet, limit=1)
        layout = Layout(header=[str(v) if v is not None else "" for v in (rows[0] if rows else [])])
        layout.frozen_rows = _frozen_rows(sheet)
        for rule in sheet.data_validations.dataValidation:
            cells = _columns_from_row(str(rule.sqref), 2)
            if rule.type == "custom" and rule.errorTitle == HEADER_GUARD_TITLE:
                layout.header_protected = True
            elif rule.type == "list" and rule.formula1 and cells:
                choices = tuple(rule.formula1.strip('"').split(","))
                for col in cells:
                    layout.dropdowns[col] = choices
        for cf_range in sheet.conditional_formatting:
            if any(r.type == "expression" for r in cf_range.rules):
                layout.format_rules.update(_columns_from_row(str(cf_range.sqref), 2))
        for letter, dim in sheet.column_dimensions.items():
            if dim.number_format == "@":
                first = dim.min or column_index_from_string(letter)
                layout.text_columns.update(range(first - 1, dim.max or first))
        return layout

    # --- writing ----------------------------------------------------------------------

    def write(self, ops: Sequence[Op]) -> None:
        with self.transaction():
            self._refuse_if_open_elsewhere()
            book = self._load()
            try:
                for op in ops:
                    _apply(book, op)
            except BaseException:
                self._book = None  # the in-memory copy is half-changed: drop it all
                self._dirty = False
                raise
            self._dirty = True

    def _check_unchanged(self) -> None:
        """Refuse to overwrite a file that someone saved after we read it."""
        if self._stamp is None:
            if self.path.exists():
                raise BackendError(f"{self.path} appeared while sheetlog was working; run again")
            return
        stat = self.path.stat()
        if (stat.st_mtime_ns, stat.st_size) != self._stamp:
            raise BackendError(
                f"{self.path} was changed by another program while sheetlog was working;"
                " nothing was written, run again"
            )

    def _save(self, book: Workbook) -> None:
        folder = self.path.parent
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, replaced atomically
            dir=folder, prefix=f".{self.path.stem}.", suffix=".tmp", delete=False
        )
        tmp = Path(handle.name)
        try:
            with handle:
                _draw_charts(book)
                book.save(handle)
                handle.flush()
                os.fsync(handle.fileno())
            if self.path.exists():
                os.chmod(tmp, self.path.stat().st_mode & 0o777)
            os.replace(tmp, self.path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        stat = self.path.stat()
        self._stamp = (stat.st_mtime_ns, stat.st_size)


def _sheet_rows(sheet: Worksheet, limit: int | None = None) -> list[list[CellValue]]:
    """A sheet's values, ragged like the Sheets API: no trailing empty cells or rows.

    Read from the cells the sheet holds: openpyxl's ``iter_rows`` would create a cell
    object for every blank position of the grid, costing time and memory on big logs.
    """
    last = sheet.max_row if limit is None else min(limit, sheet.max_row)
    rows: list[list[CellValue]] = [[] for _ in range(last)]
    for (r, c), cell in sheet._cells.items():
        value = cell._value
        if r > last or value is None or value == "":
            continue
        row = rows[r - 1]
        if len(row) < c:
            row.extend([None] * (c - len(row)))
        row[c - 1] = value
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _frozen_rows(sheet: Worksheet) -> int:
    pane = sheet.freeze_panes
    return range_boundaries(pane)[1] - 1 if pane else 0


def _columns_from_row(sqref: str, row: int) -> set[int]:
    """0-based columns of a multi-range reference that cover sheet row ``row``."""
    cols: set[int] = set()
    for part in sqref.split():
        min_col, min_row, max_col, max_row = range_boundaries(part)
        if min_col and min_row is not None and min_row <= row <= (max_row or LAST_ROW):
            cols.update(range(min_col - 1, (max_col or min_col)))
    return cols


def _set(sheet: Worksheet, row: int, col: int, value: CellValue, bold: bool = False) -> None:
    """Write one cell; text stays text even when it looks like a formula."""
    cell = sheet.cell(row=row, column=col + 1)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)


def _comparable(row: Sequence[CellValue]) -> tuple[CellValue, ...]:
    """A row's values without trailing empties, with "" and None alike."""
    values = [None if v == "" else v for v in row]
    while values and values[-1] is None:
        values.pop()
    return tuple(values)


def _delete_rows(sheet: Worksheet, doomed: set[int]) -> None:
    """Delete many rows in one pass over the cells (openpyxl's delete_rows is per block).

    Cells below a deleted row move up with their values and styles; row heights too.
    """
    if not doomed:
        return
    gone = sorted(doomed)
    moved = {}
    for (row, col), cell in sorted(sheet._cells.items()):
        if row in doomed:
            continue
        new_row = row - bisect.bisect_left(gone, row)
        cell.row = new_row
        moved[(new_row, col)] = cell
    sheet._cells = moved
    heights = {}
    for row, dim in sheet.row_dimensions.items():
        if row not in doomed:
            heights[row - bisect.bisect_left(gone, row)] = dim
    sheet.row_dimensions.clear()
    for row, dim in heights.items():
        dim.index = row
        sheet.row_dimensions[row] = dim


def _last_content_row(sheet: Worksheet) -> int:
    """The last sheet row that holds a value (formats and validations do not count);
    looks cells up without creating them, as ``sheet[row]`` would."""
    cells = sheet._cells
    for row in range(sheet.max_row, 0, -1):
        for col in range(1, sheet.max_column + 1):
            cell = cells.get((row, col))
            if cell is not None and cell._value not in (None, ""):
                return row
    return 0


def _apply(book: Workbook, op: Op) -> None:
    """Apply one op to the in-memory workbook."""
    if isinstance(op, DeleteTab):
        book.remove(book[op.title])
        _forget_charts(book, op.title)
        return
    if isinstance(op, AddTab):
        sheet = book.create_sheet(op.title, op.index)
        for col, name in enumerate(op.header):
            _set(sheet, 1, col, name, bold=True)
        if op.hidden:
            sheet.sheet_state = "hidden"
        return
    sheet = book[op.tab]
    letter = get_column_letter(getattr(op, "col", 0) + 1)
    match op:
        case SetCells(row=row, col=col, values=values, bold=bold):
            for r, line in enumerate(values):
                for c, value in enumerate(line):
                    _set(sheet, row + r, col + c, value, bold)
        case AppendRows(rows=appended):
            start = _last_content_row(sheet) + 1
            for r, cells in enumerate(appended):
                for c, cell in enumerate(cells):
                    _set(sheet, start + r, c, cell)
        case DeleteRowsIfUnchanged(rows=rows):
            expected = {_comparable(row) for row in rows}
            doomed = {
                number
                for number, values in enumerate(_sheet_rows(sheet)[1:], 2)
                if _comparable(values) in expected
            }
            _delete_rows(sheet, doomed)
        case MarkCells(row=row, cols=cols, on=on):
            for col in cols:
                sheet.cell(row=row, column=col + 1).fill = MARK_FILL if on else NO_FILL
        case FreezeHeader():
            sheet.freeze_panes = "A2"
        case ProtectHeader(message=message):
            guard = DataValidation(
                type="custom",
                formula1="FALSE",
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle=HEADER_GUARD_TITLE,
                error=message,
            )
            guard.add(f"A1:{get_column_letter(max(sheet.max_column, 1))}1")
            sheet.add_data_validation(guard)
        case SetDropdown(choices=choices):
            listed = ",".join(choices)
            if len(listed) > 255:
                raise ConfigError(
                    f"the choices of column {letter} are longer than Excel's 255-character"
                    " drop-down limit; shorten them"
                )
            dropdown = DataValidation(
                type="list",
                formula1=f'"{listed}"',
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle="sheetlog",
                error=f"Choose one of: {', '.join(choices)}",
            )
            dropdown.add(f"{letter}2:{letter}{LAST_ROW}")
            sheet.add_data_validation(dropdown)
        case AddFormatRule(formula=formula):
            sheet.conditional_formatting.add(
                f"{letter}2:{letter}{LAST_ROW}",
                FormulaRule(formula=[formula.removeprefix("=")], fill=MARK_FILL),
            )
        case SetTextFormat():
            sheet.column_dimensions[letter].number_format = "@"
        case SetWidth(chars=chars):
            sheet.column_dimensions[letter].width = chars + 2
        case SetNumberFormat(row=row, col=col, rows=rows, cols=cols, pattern=pattern):
            for line in sheet.iter_rows(row, row + rows - 1, col + 1, col + cols):
                for cell in line:
                    cell.number_format = pattern
        case AddChart():
            _remember_chart(book, op)


# --- charts, kept as specs in the settings tab ------------------------------------------


def _chart_store(book: Workbook) -> Worksheet:
    """The settings tab, whose columns D:E hold the chart specs."""
    if SETTINGS_TAB not in book.sheetnames:
        raise ConfigError(f'the workbook has no "{SETTINGS_TAB}" tab: run "sheetlog init" first')
    store = book[SETTINGS_TAB]
    for offset, name in enumerate(CHART_HEADER):
        _set(store, 1, CHART_COL - 1 + offset, name, bold=True)
    return store


def _chart_rows(store: Worksheet) -> Iterator[tuple[int, str]]:
    """(sheet row, tab title) of every stored chart spec."""
    for row in range(2, store.max_row + 1):
        key = store.cell(row=row, column=CHART_COL).value
        if isinstance(key, str) and key.startswith(CHART_KEY):
            yield row, key.removeprefix(CHART_KEY)


def _remember_chart(book: Workbook, op: AddChart) -> None:
    """Store the chart's spec in the first free row of the settings tab's chart columns."""
    store = _chart_store(book)
    row = 2
    while store.cell(row=row, column=CHART_COL).value not in (None, ""):
        row += 1
    _set(store, row, CHART_COL - 1, CHART_KEY + op.tab)
    _set(store, row, CHART_COL, json.dumps(asdict(op), ensure_ascii=False))


def _forget_charts(book: Workbook, title: str) -> None:
    """Drop the stored charts of a deleted tab."""
    if SETTINGS_TAB not in book.sheetnames:
        return
    store = book[SETTINGS_TAB]
    for row, tab in list(_chart_rows(store)):
        if tab == title:
            for col in (CHART_COL, CHART_COL + 1):
                store.cell(row=row, column=col).value = None


def _draw_charts(book: Workbook) -> None:
    """Draw every stored chart afresh on its tab, replacing what a reload kept of it."""
    if SETTINGS_TAB not in book.sheetnames:
        return
    store = book[SETTINGS_TAB]
    drawn: set[str] = set()
    for row, tab in _chart_rows(store):
        if tab not in book.sheetnames:
            continue
        text = store.cell(row=row, column=CHART_COL + 1).value
        try:
            data = json.loads(str(text))
            spec = AddChart(**{**data, "value_cols": tuple(data["value_cols"])})
        except (TypeError, ValueError, KeyError):
            log.warning(
                'the chart spec in row %d of the "%s" tab is damaged; skipped', row, SETTINGS_TAB
            )
            continue
        sheet = book[tab]
        if tab not in drawn:
            sheet._charts = []  # openpyxl has no public way to remove a chart
            drawn.add(tab)
        sheet.add_chart(
            _chart(sheet, spec), f"{get_column_letter(spec.anchor_col + 1)}{spec.anchor_row}"
        )


def _chart(sheet: Worksheet, spec: AddChart) -> BarChart | LineChart:
    """An openpyxl chart over the spec's block of ``sheet``."""
    chart = LineChart() if spec.kind == "line" else BarChart()
    chart.title = spec.title
    chart.x_axis.title = spec.x_title or None
    chart.y_axis.title = spec.y_title or None
    chart.x_axis.delete = False  # openpyxl 3.1 hides both axes unless told otherwise
    chart.y_axis.delete = False
    for col in spec.value_cols:
        values = Reference(sheet, min_col=col + 1, min_row=spec.header_row, max_row=spec.last_row)
        chart.add_data(values, titles_from_data=True)
    chart.set_categories(
        Reference(
            sheet,
            min_col=spec.category_col + 1,
            min_row=spec.header_row + 1,
            max_row=spec.last_row,
        )
    )
    if len(spec.value_cols) == 1:
        chart.legend = None
    chart.width, chart.height = CHART_SIZE_CM
    return chart
