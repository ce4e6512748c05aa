"""A whole workbook in openpyxl's object model: load it, read it, apply any op, save it.

The local backend's writer for what the package patcher (``xlsxpatch``) does not take:
init, archive, summary, retention. Loading costs the whole file, so everyday writes
avoid it.

Charts: a workbook that Excel, LibreOffice or openpyxl saves again may lose or
mangle its charts, so each chart's spec is kept beside the settings in the
hidden settings tab (columns D:E) and every save draws the charts afresh from it.
"""

from __future__ import annotations

import bisect
import json
import logging
from collections.abc import Iterator
from dataclasses import asdict
from functools import cache, singledispatch
from pathlib import Path
from typing import IO

from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import ConfigError
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
    flag_may_paint,
    refuse_merged,
    unchanged_rows,
)
from ..model.sheetdata import CellValue, Layout, Link, Scope, Snapshot, Tab, narrowed
from ..model.workbook import CHART_COL, CHART_HEADER, CHART_KEY, SETTINGS_TAB

LAST_ROW = 1048576
HEADER_GUARD_TITLE = "sheetlog header"
MARK_COLOR = "F4CCCC"  # the fill of a flagged cell (xlsxpatch writes the same)
CHART_SIZE_CM = (17.0, 8.5)

logger = logging.getLogger("sheetlog")


def load_book(path: Path, shown: Path) -> Workbook:
    """The workbook at ``path`` (a new, empty one when there is no file); ``shown`` names
    it in errors."""
    if not path.exists():
        book = Workbook()
        book.remove(book.active)
        return book
    try:  # opened as a file: a pending temp copy (``.tmp``) is read by its content
        with path.open("rb") as handle:
            return load_workbook(handle, rich_text=False)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ConfigError(f"{shown} is not a readable .xlsx workbook: {exc}") from exc


def save_book(book: Workbook, handle: IO[bytes]) -> None:
    """Save ``book`` into ``handle``, its charts drawn afresh from their specs."""
    _draw_charts(book)
    book.save(handle)


def book_snapshot(book: Workbook, scope: Scope) -> Snapshot:
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
                merged=_merged(sheet),
            )
        elif scope.probes(title):
            probed[title] = Tab(title, [], sheet.sheet_state != "visible", index)
    return Snapshot(tabs, probed)


def book_layout(book: Workbook, title: str) -> Layout | None:
    """The provisioning facts of one tab, or None when there is no such tab."""
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


def _merged(sheet: Worksheet) -> tuple[str, ...]:
    """The sheet's merged ranges in A1 notation."""
    return tuple(str(box) for box in sheet.merged_cells.ranges)


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
    cell.value = str(value) if isinstance(value, str) else value
    if isinstance(value, str):
        cell.data_type = "s"
    if isinstance(value, Link):
        cell.hyperlink = value.url
    if bold:
        cell.font = Font(bold=True)


@cache
def _fill(on: bool) -> PatternFill:
    """The fill of a flagged cell (``on``), or none; one object each, as openpyxl shares them."""
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


def _no_room(sheet: Worksheet, last: int, count: int) -> str:
    """Why ``count`` rows do not fit below row ``last``, the sheet's last with a value."""
    where = next(
        (
            f"{get_column_letter(col)}{last} holds {cell.value!r}"
            for col in range(1, sheet.max_column + 1)
            if (cell := sheet._cells.get((last, col))) is not None and cell.value not in (None, "")
        ),
        f"row {last} holds a value",
    )
    rows = "a row" if count == 1 else f"{count} rows"
    return (
        f'no room for {rows} in the "{sheet.title}" tab: {where}, and a workbook ends at'
        f" row {LAST_ROW}; delete that value (or archive rows) and run again; nothing was written"
    )


def apply(book: Workbook, op: Op) -> None:
    """Apply one op to the in-memory workbook."""
    if isinstance(op, DeleteTab | AddTab):
        _apply_to_book(op, book)
    else:
        _apply_to_sheet(op, book[op.tab], book)


@singledispatch
def _apply_to_book(op: Op, book: Workbook) -> None:
    raise ConfigError(f"a workbook cannot apply {type(op).__name__}")


@_apply_to_book.register
def _delete_tab(op: DeleteTab, book: Workbook) -> None:
    book.remove(book[op.title])
    _forget_charts(book, op.title)


@_apply_to_book.register
def _add_tab(op: AddTab, book: Workbook) -> None:
    sheet = book.create_sheet(op.title, op.index)
    for col, name in enumerate(op.header):
        _set(sheet, 1, col, name, bold=True)
    if op.hidden:
        sheet.sheet_state = "hidden"


@singledispatch
def _apply_to_sheet(op: Op, sheet: Worksheet, book: Workbook) -> None:
    raise ConfigError(f"a workbook cannot apply {type(op).__name__}")


@_apply_to_sheet.register
def _set_cells(op: SetCells, sheet: Worksheet, book: Workbook) -> None:
    for r, line in enumerate(op.values):
        for c, value in enumerate(line):
            _set(sheet, op.row + r, op.col + c, value, op.bold)


@_apply_to_sheet.register
def _append_rows(op: AppendRows, sheet: Worksheet, book: Workbook) -> None:
    start = _last_content_row(sheet) + 1
    if start + len(op.rows) - 1 > LAST_ROW:
        raise ConfigError(_no_room(sheet, start - 1, len(op.rows)))
    for r, cells in enumerate(op.rows):
        for c, cell in enumerate(cells):
            _set(sheet, start + r, c, cell)


@_apply_to_sheet.register
def _delete_unchanged(op: DeleteRowsIfUnchanged, sheet: Worksheet, book: Workbook) -> None:
    refuse_merged(_merged(sheet), sheet.title, "deleting rows")  # merges stay where they are
    current = dict(enumerate(_sheet_rows(sheet)[1:], 2))
    _delete_rows(sheet, unchanged_rows(current, op.rows, op.at))


@_apply_to_sheet.register
def _mark_cells(op: MarkCells, sheet: Worksheet, book: Workbook) -> None:
    for col in op.cols:
        cell = sheet.cell(row=op.row, column=col + 1)
        if flag_may_paint(_fill_rgb(cell.fill), MARK_COLOR, op.on):  # a person's colour stays
            cell.fill = _fill(op.on)


def _fill_rgb(fill: PatternFill) -> str | None:
    """A cell's fill: None for none, ``RRGGBB`` for a solid colour, else its kind."""
    kind = getattr(fill, "fill_type", None) or getattr(fill, "type", None)
    if kind in (None, "none"):
        return None
    colour = getattr(fill, "fgColor", None)
    if kind == "solid" and colour is not None and colour.type == "rgb" and colour.rgb:
        return str(colour.rgb)[-6:].upper()
    return str(kind)


@_apply_to_sheet.register
def _freeze_header(op: FreezeHeader, sheet: Worksheet, book: Workbook) -> None:
    sheet.freeze_panes = "A2"


@_apply_to_sheet.register
def _protect_header(op: ProtectHeader, sheet: Worksheet, book: Workbook) -> None:
    guard = DataValidation(
        type="custom",
        formula1="FALSE",
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle=HEADER_GUARD_TITLE,
        error=op.message,
    )
    guard.add(f"A1:{get_column_letter(max(sheet.max_column, 1))}1")
    sheet.add_data_validation(guard)


@_apply_to_sheet.register
def _set_dropdown(op: SetDropdown, sheet: Worksheet, book: Workbook) -> None:
    letter = get_column_letter(op.col + 1)
    listed = ",".join(op.choices)
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
        error=f"Choose one of: {', '.join(op.choices)}",
    )
    dropdown.add(f"{letter}2:{letter}{LAST_ROW}")
    sheet.add_data_validation(dropdown)


@_apply_to_sheet.register
def _add_format_rule(op: AddFormatRule, sheet: Worksheet, book: Workbook) -> None:
    letter = get_column_letter(op.col + 1)
    sheet.conditional_formatting.add(
        f"{letter}2:{letter}{LAST_ROW}",
        FormulaRule(formula=[op.formula.removeprefix("=")], fill=_fill(True)),
    )


@_apply_to_sheet.register
def _set_text_format(op: SetTextFormat, sheet: Worksheet, book: Workbook) -> None:
    sheet.column_dimensions[get_column_letter(op.col + 1)].number_format = "@"


@_apply_to_sheet.register
def _set_width(op: SetWidth, sheet: Worksheet, book: Workbook) -> None:
    sheet.column_dimensions[get_column_letter(op.col + 1)].width = op.chars + 2


@_apply_to_sheet.register
def _set_number_format(op: SetNumberFormat, sheet: Worksheet, book: Workbook) -> None:
    for line in sheet.iter_rows(op.row, op.row + op.rows - 1, op.col + 1, op.col + op.cols):
        for cell in line:
            cell.number_format = op.pattern


@_apply_to_sheet.register
def _add_chart(op: AddChart, sheet: Worksheet, book: Workbook) -> None:
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
            logger.warning(
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
    for series in chart.series:  # straight segments: a smoothed curve overshoots its points
        series.smooth = False
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
