"""A collaborator editing in the browser: direct state edits, never logged as API calls."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from . import cells
from .a1 import Bounds, parse_ref
from .state import ROWS, Sheet, Spreadsheet


class Person:
    """Edits a spreadsheet the way the Sheets UI would (USER_ENTERED typing, row moves)."""

    def __init__(self, book: Callable[[], Spreadsheet]) -> None:
        self._book = book

    def _sheet(self, tab: str) -> Sheet:
        sheet = self._book().by_title(tab)
        if sheet is None:
            raise KeyError(f"no sheet titled {tab!r}")
        return sheet

    @staticmethod
    def _coords(a1: str) -> tuple[int, int]:
        b = parse_ref(a1)
        if b is None or not b.single_cell:
            raise ValueError(f"not a single cell: {a1!r}")
        return b.r0 or 0, b.c0 or 0

    def type(self, tab: str, a1: str, text: Any) -> None:
        """Type into a cell (USER_ENTERED; a TEXT number format keeps the text; "" clears)."""
        r, c = self._coords(a1)
        cells.set_value(self._sheet(tab).cell(r, c), text, user_entered=True)

    def note(self, tab: str, a1: str, text: str) -> None:
        """Attach a note (Insert > Note); "" removes it."""
        r, c = self._coords(a1)
        cell = self._sheet(tab).cell(r, c)
        if text:
            cell["note"] = text
        else:
            cell.pop("note", None)

    def merge(self, tab: str, a1: str) -> None:
        """Format > Merge cells > Merge all, over an A1 range (``H2:I2``)."""
        sheet = self._sheet(tab)
        bounds = parse_ref(a1)
        if bounds is None:
            raise ValueError(f"not a range: {a1!r}")
        self._book().merge(sheet, sheet.clamp(bounds))

    def insert_rows(self, tab: str, before_row: int, rows: Sequence[Sequence[Any]]) -> None:
        """Insert rows above 1-based ``before_row`` and type ``rows`` into them."""
        sheet = self._sheet(tab)
        start = before_row - 1
        # "Insert rows above": the new rows take the formatting of the row they push down
        self._book().insert_dim(sheet, ROWS, start, len(rows), before=start >= sheet.n_rows)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if value is not None and value != "":
                    cells.set_value(sheet.cell(start + i, j), value, user_entered=True)

    def delete_rows(self, tab: str, first_row: int, count: int = 1) -> None:
        """Delete ``count`` rows starting at 1-based ``first_row``."""
        self._book().delete_dim(self._sheet(tab), ROWS, first_row - 1, first_row - 1 + count)

    def sort(self, tab: str, column: int, descending: bool = False) -> None:
        """Data > Sort sheet with a header row: rows 2..end by a 0-based column."""
        sheet = self._sheet(tab)
        bounds = Bounds(1, sheet.n_rows, 0, sheet.n_cols)
        self._book().sort_rows(sheet, bounds, [(column, descending)])

    def clear_row(self, tab: str, row: int) -> None:
        """Select a 1-based row and press Delete: values go, formats and notes stay."""
        sheet = self._sheet(tab)
        for c in range(len(sheet.rows[row - 1])):
            cell = sheet.cell(row - 1, c)
            for key in cells.VALUE_KEYS:
                cell.pop(key, None)
        sheet.trim()
