"""The local workbook backend: an .xlsx file, read with python-calamine.

Writes that only set cells, append rows or add a tab (append, update, validate)
patch the package: only the parts they change are rewritten, every other part is
copied as it is (``xlsxpatch``), so their cost does not grow with the history.
Other writes (init, archive, summary, retention) go through openpyxl.

Safe to share with people who open the file in Excel or LibreOffice: it
refuses to write while their lock file exists, holds a lock of its own so two
sheetlog runs never interleave, notices a file changed behind its back, and
saves atomically (temp file in the same folder, fsync, ``os.replace``). Writes
inside one ``transaction`` go to a temp file (or an in-memory openpyxl workbook)
that replaces the workbook once, at its end, so a pass interrupted halfway leaves
the file exactly as it was.

Charts: a workbook that Excel, LibreOffice or openpyxl saves again may lose or
mangle its charts, so each chart's spec is kept beside the settings in the
hidden settings tab (columns D:E) and every save draws the charts afresh from it.
"""

from __future__ import annotations

import bisect
import json
import logging
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import FileLock, Timeout

from ..errors import AccessError, BackendError, ConfigError, LockedError
from ..workbook import SETTINGS_TAB
from . import xlsxpatch
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
    Scope,
    SetCells,
    SetDropdown,
    SetNumberFormat,
    SetTextFormat,
    SetWidth,
    Snapshot,
    Tab,
    comparable,
    narrowed,
)
from .calamine import calamine_snapshot

if TYPE_CHECKING:  # openpyxl is imported where it is used: append and update never load it
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, LineChart
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet.worksheet import Worksheet

LAST_ROW = 1048576
HEADER_GUARD_TITLE = "sheetlog header"
MARK_COLOR = "F4CCCC"  # the fill of a flagged cell (xlsxpatch writes the same)
LOCK_WAIT_SECONDS = 120.0
"""How long a writer queues for the lock: a dozen agents appending at once all land."""
LOCK_POLL_SECONDS = 0.02
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
        self._pending: Path | None = None
        self._stamp: tuple[int, int] | None = None
        self._stamped = False
        self._lock_depth = 0
        self._lock: FileLock | None = None
        self._dirty = False

    # --- locking ----------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the lock across a read-compute-write; save once if anything was written."""
        self._acquire()
        try:
            yield
            if self._lock_depth == 1 and self._dirty and self._book is not None:
                self._pending = self._saved(self._book)
            if self._lock_depth == 1 and self._pending is not None:
                self._refuse_if_open_elsewhere()
                self._check_unchanged()
                self._replace(self._pending)
                self._pending = None
        finally:
            self._release()

    def _acquire(self) -> None:
        """Take the workbook's lock (a lock file beside it, on Linux, macOS and Windows);
        writers queue for it up to ``LOCK_WAIT_SECONDS``."""
        self._lock_depth += 1
        if self._lock_depth > 1:
            return
        lock_path = self.path.with_name(f".{self.path.name}.sheetlog-lock")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock = FileLock(lock_path)
            lock.acquire(timeout=LOCK_WAIT_SECONDS, poll_interval=LOCK_POLL_SECONDS)
        except Timeout:
            self._lock_depth -= 1
            raise LockedError(
                f"another sheetlog run is using {self.path}; try again when it ends"
            ) from None
        except OSError as exc:
            self._lock_depth -= 1
            raise AccessError(f"cannot open {lock_path}: {exc.strerror}") from exc
        self._lock = lock

    def _release(self) -> None:
        self._lock_depth -= 1
        if self._lock_depth == 0:
            self._book = None
            self._dirty = False
            self._stamped = False
            if self._pending is not None:
                self._pending.unlink(missing_ok=True)
                self._pending = None
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    def _refuse_if_open_elsewhere(self) -> None:
        """Excel and LibreOffice leave lock files while a person has the workbook open."""
        for name in (f"~${self.path.name}", f".~lock.{self.path.name}#"):
            if (self.path.parent / name).exists():
                raise LockedError(
                    f"{self.path} is open in Excel or LibreOffice ({name} exists);"
                    " close it there and run again"
                )

    # --- reading ----------------------------------------------------------------------

    @property
    def _source(self) -> Path:
        """The file reads and writes start from: this transaction's pending writes, if any."""
        return self._pending or self.path

    def _note_stamp(self) -> None:
        """Remember the file as first seen in this transaction, to notice others' saves."""
        if self._stamped:
            return
        self._stamp = _stamp(self.path)
        self._stamped = self._lock_depth > 0

    def _load(self) -> Workbook:
        if self._book is not None:
            return self._book
        from openpyxl import Workbook, load_workbook
        from openpyxl.utils.exceptions import InvalidFileException

        self._note_stamp()
        source = self._source
        if not source.exists():
            book = Workbook()
            book.remove(book.active)
        else:
            try:
                book = load_workbook(source, rich_text=False)
            except (InvalidFileException, KeyError, OSError, ValueError) as exc:
                raise ConfigError(f"{self.path} is not a readable .xlsx workbook: {exc}") from exc
        if self._lock_depth:
            self._book = book
        return book

    def read(self, scope: Scope) -> Snapshot:
        if self._book is not None:
            return _book_snapshot(self._book, scope)
        self._note_stamp()
        source = self._source
        if not source.exists():
            return Snapshot({})
        return calamine_snapshot(source, scope, self.path)

    def read_layout(self, title: str) -> Layout | None:
        from openpyxl.utils import column_index_from_string

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
            source = self._source
            if self._book is None and source.exists() and xlsxpatch.patchable(ops):
                self._note_stamp()
                try:
                    if not _charts_lost(source):
                        self._patch(with_new_tabs(ops, xlsxpatch.titles(source)))
                        return
                except ValueError as exc:  # a workbook the patcher cannot edit safely
                    log.info("writing %s through openpyxl: %s", self.path, exc)
            book = self._load()
            try:
                for op in with_new_tabs(ops, book.sheetnames):
                    _apply(book, op)
            except BaseException:
                self._book = None  # the in-memory copy is half-changed: drop it all
                self._dirty = False
                raise
            self._dirty = True

    def _patch(self, ops: Sequence[Op]) -> None:
        """Write ``ops`` into a new temp copy of the package; it becomes the pending file."""
        handle = self._temp()
        target = Path(handle.name)
        try:
            with handle:
                xlsxpatch.patch(self._source, handle, ops)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        if self._pending is not None:
            self._pending.unlink(missing_ok=True)
        self._pending = target

    def _check_unchanged(self) -> None:
        """Refuse to overwrite a file that someone saved after we read it."""
        now = _stamp(self.path)
        if self._stamp is None and now is not None:
            raise BackendError(f"{self.path} appeared while sheetlog was working; run again")
        if now != self._stamp:
            raise BackendError(
                f"{self.path} was changed by another program while sheetlog was working;"
                " nothing was written, run again"
            )

    def _temp(self) -> Any:
        """A new temp file beside the workbook (same folder: ``os.replace`` stays atomic)."""
        return tempfile.NamedTemporaryFile(
            dir=self.path.parent, prefix=f".{self.path.stem}.", suffix=".tmp", delete=False
        )

    def _saved(self, book: Workbook) -> Path:
        """Save ``book`` (charts drawn afresh) to a temp file, which replaces any pending one."""
        handle = self._temp()
        target = Path(handle.name)
        try:
            with handle:
                _draw_charts(book)
                book.save(handle)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        if self._pending is not None:
            self._pending.unlink(missing_ok=True)
        return target

    def _replace(self, pending: Path) -> None:
        """Make ``pending`` the workbook: fsync it, keep the mode, rename, fsync the folder."""
        try:
            with open(pending, "rb+") as handle:
                os.fsync(handle.fileno())
            if self.path.exists():
                os.chmod(pending, self.path.stat().st_mode & 0o777)
            os.replace(pending, self.path)
        except BaseException:
            pending.unlink(missing_ok=True)
            raise
        if hasattr(os, "O_DIRECTORY"):  # POSIX: make the rename itself durable
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        self._stamp = _stamp(self.path)


def with_new_tabs(ops: Sequence[Op], titles: Sequence[str]) -> list[Op]:
    """``ops`` with an ``AddTab`` before each ``AppendRows`` whose tab is still missing."""
    present = set(titles)
    found: list[Op] = []
    for op in ops:
        if isinstance(op, AddTab):
            present.add(op.title)
        if isinstance(op, AppendRows) and op.header is not None and op.tab not in present:
            found.append(AddTab(op.tab, op.header))
            present.add(op.tab)
        found.append(op)
    return found


def _charts_lost(source: Path) -> bool:
    """Whether a tab whose charts the settings tab keeps has lost them (another program
    saved the workbook without them): openpyxl's save then draws them afresh."""
    settings = calamine_snapshot(source, Scope.of(SETTINGS_TAB), source).tab(SETTINGS_TAB)
    if settings is None:
        return False
    key_at = CHART_COL - 1
    charted = {
        str(row[key_at]).removeprefix(CHART_KEY)
        for row in settings.rows[1:]
        if len(row) > key_at and str(row[key_at]).startswith(CHART_KEY)
    }
    titles = set(xlsxpatch.titles(source))
    return bool((charted & titles) - xlsxpatch.drawn(source))


def _stamp(path: Path) -> tuple[int, int] | None:
    """What tells a file's saves apart: modification time and size (None: no file)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def _book_snapshot(book: Workbook, scope: Scope) -> Snapshot:
    """The tabs of ``scope`` from an openpyxl workbook loaded for this transaction."""
    tabs: dict[str, Tab] = {}
    probed: dict[str, Tab] = {}
    for index, sheet in enumerate(book.worksheets):
        title = sheet.title
        if scope.wants(title):
            rows = narrowed(_sheet_rows(sheet), scope.columns_of(title))
            tabs[title] = Tab(
                title=title,
                rows=rows,
                hidden=sheet.sheet_state != "visible",
                index=index,
                frozen_rows=_frozen_rows(sheet),
                grid_rows=sheet.max_row,
                grid_columns=sheet.max_column,
            )
        elif scope.probes(title):
            probed[title] = Tab(title, [], sheet.sheet_state != "visible", index)
    return Snapshot(tabs, probed)


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
    from openpyxl.utils import range_boundaries

    pane = sheet.freeze_panes
    return range_boundaries(pane)[1] - 1 if pane else 0


def _columns_from_row(sqref: str, row: int) -> set[int]:
    """0-based columns of a multi-range reference that cover sheet row ``row``."""
    from openpyxl.utils import range_boundaries

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
        from openpyxl.styles import Font

        cell.font = Font(bold=True)


@cache
def _fill(on: bool) -> PatternFill:
    """The fill of a flagged cell (``on``), or none; one object each, as openpyxl shares them."""
    from openpyxl.styles import PatternFill

    if on:
        return PatternFill(start_color=MARK_COLOR, end_color=MARK_COLOR, fill_type="solid")
    return PatternFill(fill_type=None)


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
    from openpyxl.utils import get_column_letter

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
            expected = {comparable(row) for row in rows}
            doomed = {
                number
                for number, values in enumerate(_sheet_rows(sheet)[1:], 2)
                if comparable(values) in expected
            }
            _delete_rows(sheet, doomed)
        case MarkCells(row=row, cols=cols, on=on):
            for col in cols:
                sheet.cell(row=row, column=col + 1).fill = _fill(on)
        case FreezeHeader():
            sheet.freeze_panes = "A2"
        case ProtectHeader(message=message):
            from openpyxl.worksheet.datavalidation import DataValidation

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
            from openpyxl.worksheet.datavalidation import DataValidation

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
            from openpyxl.formatting.rule import FormulaRule

            sheet.conditional_formatting.add(
                f"{letter}2:{letter}{LAST_ROW}",
                FormulaRule(formula=[formula.removeprefix("=")], fill=_fill(True)),
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
    from openpyxl.utils import get_column_letter

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
    from openpyxl.chart import BarChart, LineChart, Reference

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
