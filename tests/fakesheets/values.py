"""spreadsheets.values.*: ragged reads, writes, append with table detection, clears."""

from __future__ import annotations

from typing import Any

from . import cells
from .a1 import Bounds, col_letters, format_range
from .errors import Invalid
from .state import COLUMNS, ROWS, Json, RequestError, Sheet, Spreadsheet


def _matrix(sheet: Sheet, b: Bounds, major: str) -> list[list[Json | None]]:
    """Cells of clamped bounds without trailing blank cells/rows (or columns)."""
    r0, r1, c0, c1 = b.r0 or 0, b.r1 or 0, b.c0 or 0, b.c1 or 0
    out: list[list[Json | None]] = []
    for r in range(r0, min(r1, sheet.last_data_row() + 1)):
        out.append(list(sheet.rows[r][c0:c1]))
    if major == COLUMNS:
        width = max((len(row) for row in out), default=0)
        out = [[row[c] if c < len(row) else None for row in out] for c in range(width)]
    for line in out:
        while line and cells.is_blank(line[-1]):
            line.pop()
    while out and not out[-1]:
        out.pop()
    return out


def read(
    book: Spreadsheet,
    text: str,
    render: str = "FORMATTED_VALUE",
    dt_render: str = "SERIAL_NUMBER",
    major: str = ROWS,
) -> Json:
    """A ValueRange as values.get returns it (ragged; ``values`` omitted when empty)."""
    sheet, b = book.resolve(text)
    b = sheet.clamp(b)
    major = COLUMNS if major == COLUMNS else ROWS
    rendered = [
        [cells.render(c, render, dt_render) for c in line] for line in _matrix(sheet, b, major)
    ]
    out: Json = {"range": format_range(sheet.title, b), "majorDimension": major}
    if rendered:
        out["values"] = rendered
    return out


def _rows_of(values: Any, major: str) -> list[list[Any]]:
    if values is None:
        return []
    if not isinstance(values, list) or not all(isinstance(v, list) for v in values):
        raise Invalid("Invalid values: expected a list of lists")
    for i, row in enumerate(values):
        for j, v in enumerate(row):
            if v is not None and not isinstance(v, str | int | float | bool):
                raise Invalid(f"Invalid values[{i}][{j}]: {type(v).__name__}_value")
    if major != COLUMNS:
        return values
    height = max((len(col) for col in values), default=0)
    return [[col[r] if r < len(col) else None for col in values] for r in range(height)]


def _put(
    book: Spreadsheet, sheet: Sheet, r0: int, c0: int, rows: list[list[Any]], user_entered: bool
) -> Json:
    """Write rows at (r0, c0) and build the UpdateValuesResponse."""
    height, width = len(rows), max((len(row) for row in rows), default=0)
    if r0 + height > sheet.n_rows or c0 + width > sheet.n_cols:
        raise Invalid(sheet.limit_message(Bounds(r0, r0 + height, c0, c0 + max(width, 1))))
    touched: set[tuple[int, int]] = set()
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is not None:
                cells.set_value(sheet.cell(r0 + i, c0 + j), value, user_entered)
                touched.add((i, j))
    sheet.trim()
    out: Json = {"spreadsheetId": book.id}
    if touched:
        out["updatedRange"] = format_range(sheet.title, Bounds(r0, r0 + height, c0, c0 + width))
        out["updatedRows"] = len({i for i, _ in touched})
        out["updatedColumns"] = len({j for _, j in touched})
        out["updatedCells"] = len(touched)
    return out


def write(
    book: Spreadsheet, text: str, values: Any, major: str, user_entered: bool
) -> tuple[Sheet, Json]:
    """values.update semantics: a single-cell (or whole-sheet) range only anchors the data."""
    sheet, b = book.resolve(text)
    rows = _rows_of(values, major)
    r0, c0 = b.r0 or 0, b.c0 or 0
    if not b.single_cell:
        height, width = len(rows), max((len(row) for row in rows), default=0)
        if b.r1 is not None and r0 + height > b.r1:
            raise Invalid(
                f"Requested writing within range [{text}], but tried writing to row [{b.r1 + 1}]"
            )
        if b.c1 is not None and c0 + width > b.c1:
            raise Invalid(
                f"Requested writing within range [{text}], but tried writing to column "
                f"[{col_letters(b.c1)}]"
            )
    return sheet, _put(book, sheet, r0, c0, rows, user_entered)


def find_table(sheet: Sheet, search: Bounds) -> Bounds | None:
    """The "table" values.append writes under: the 4-connected block of non-blank cells that
    holds the last non-blank cell (row-major) of the search range, searched over the sheet."""
    r0, r1, c0, c1 = search.r0 or 0, search.r1 or 0, search.c0 or 0, search.c1 or 0
    last: tuple[int, int] | None = None
    for r in range(min(r1, sheet.last_data_row() + 1) - 1, r0 - 1, -1):
        row = sheet.rows[r]
        for c in range(min(c1, len(row)) - 1, c0 - 1, -1):
            if not cells.is_blank(row[c]):
                last = (r, c)
                break
        if last:
            break
    if last is None:
        return None
    seen, stack = {last}, [last]
    while stack:
        r, c = stack.pop()
        for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
            if (nr, nc) not in seen and not cells.is_blank(sheet.get(nr, nc)):
                seen.add((nr, nc))
                stack.append((nr, nc))
    rs, cs = [r for r, _ in seen], [c for _, c in seen]
    return Bounds(min(rs), max(rs) + 1, min(cs), max(cs) + 1)


def append(
    book: Spreadsheet, text: str, values: Any, major: str, user_entered: bool, insert_rows: bool
) -> tuple[Sheet, Json]:
    """values.append: write after the detected table, starting at the table's first column."""
    sheet, b = book.resolve(text)
    search = sheet.clamp(b)
    rows = _rows_of(values, major)
    table = find_table(sheet, search)
    r0, c0 = (table.r1 or 0, table.c0 or 0) if table else (search.r0 or 0, search.c0 or 0)
    height, width = len(rows), max((len(row) for row in rows), default=0)
    try:
        if insert_rows and height:
            book.insert_dim(sheet, ROWS, r0, height, before=r0 > 0)
        elif r0 + height > sheet.n_rows:
            book.insert_dim(sheet, ROWS, sheet.n_rows, r0 + height - sheet.n_rows, before=True)
        if c0 + width > sheet.n_cols:
            book.insert_dim(sheet, COLUMNS, sheet.n_cols, c0 + width - sheet.n_cols, before=True)
    except RequestError as e:
        raise Invalid(str(e)) from None
    out: Json = {"spreadsheetId": book.id}
    if table:
        out["tableRange"] = format_range(sheet.title, table)
    out["updates"] = _put(book, sheet, r0, c0, rows, user_entered)
    return sheet, out


def clear(book: Spreadsheet, text: str) -> str:
    """Clear values only (formats, notes and validation stay); returns the cleared range."""
    sheet, b = book.resolve(text)
    b = sheet.clamp(b)
    for r in range(b.r0 or 0, min(b.r1 or 0, sheet.last_data_row() + 1)):
        for c in range(b.c0 or 0, min(b.c1 or 0, len(sheet.rows[r]))):
            cell = sheet.cell(r, c)
            for key in cells.VALUE_KEYS:
                cell.pop(key, None)
    sheet.trim()
    return format_range(sheet.title, b)
