"""The write operations: what a pass asks a backend to apply, all of one write
atomically. Every pass only builds these from snapshots, so every backend behaves
the same by construction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .sheetdata import CellValue, Stored


@dataclass(frozen=True)
class AddTab:
    """Create a tab whose first row is ``header`` (bold); hidden tabs hold settings.

    ``room``: empty rows below the header for people to type into; a Google tab has no
    other spare rows (each allocated cell counts against the spreadsheet's limit)."""

    title: str
    header: tuple[str, ...]
    hidden: bool = False
    index: int | None = None
    room: int = 0


@dataclass(frozen=True)
class SetCells:
    """Write a rectangle of values; top-left at sheet ``row`` (1-based) and ``col`` (0-based)."""

    tab: str
    row: int
    col: int
    values: tuple[tuple[Stored, ...], ...]
    bold: bool = False


@dataclass(frozen=True)
class AppendRows:
    """Write rows directly below the last row that has any content, from column A.

    ``after``: that row as the read saw it. Given, the rows go right under it (rows
    inserted there, so a row a person started typing meanwhile moves down); Google
    does not say whether cells holding only a format or a drop-down count as content,
    and with ``after`` that question never arises. With a ``header``, a missing tab is
    first created with it (bold), as ``AddTab``."""

    tab: str
    rows: tuple[tuple[CellValue, ...], ...]
    header: tuple[str, ...] | None = None
    after: int | None = None


def comparable(row: Sequence[CellValue]) -> tuple[CellValue, ...]:
    """A row's values without trailing empties, with "" and None alike: how
    ``DeleteRowsIfUnchanged`` compares a row with one read earlier."""
    values = [None if v == "" else v for v in row]
    while values and values[-1] is None:
        values.pop()
    return tuple(values)


@dataclass(frozen=True)
class DeleteRowsIfUnchanged:
    """Delete the rows of ``tab`` whose cells still equal one of ``rows`` (as read).

    The check and the delete happen in one atomic step, wherever people have
    moved the rows meanwhile; a row someone edited after it was read is left alone.
    """

    tab: str
    rows: tuple[tuple[CellValue, ...], ...]


@dataclass(frozen=True)
class MarkCells:
    """Highlight (``on``) or un-highlight cells of one sheet row, e.g. the ones validate flags."""

    tab: str
    row: int
    cols: tuple[int, ...]
    on: bool


@dataclass(frozen=True)
class DeleteTab:
    """Remove a whole tab."""

    title: str


@dataclass(frozen=True)
class FreezeHeader:
    """Freeze the first row."""

    tab: str


@dataclass(frozen=True)
class ProtectHeader:
    """Warn a person who edits the header row (a warning, not a lock)."""

    tab: str
    message: str


@dataclass(frozen=True)
class SetDropdown:
    """An in-cell drop-down on a column's data rows; other input gets a warning."""

    tab: str
    col: int
    choices: tuple[str, ...]


@dataclass(frozen=True)
class AddFormatRule:
    """Mark a malformed cell of a timestamp/date column as a person types it."""

    tab: str
    col: int
    formula: str


@dataclass(frozen=True)
class SetTextFormat:
    """Give a column the text number format so typed dates stay text."""

    tab: str
    col: int


@dataclass(frozen=True)
class SetWidth:
    """Set a column's width, in characters."""

    tab: str
    col: int
    chars: int


# --- summary tabs: number formats and charts -------------------------------------------


@dataclass(frozen=True)
class SetNumberFormat:
    """Show the numbers of a rectangle of cells with ``pattern`` (e.g. ``0.0``)."""

    tab: str
    row: int
    col: int
    rows: int
    cols: int
    pattern: str


ChartKind = Literal["column", "line"]


@dataclass(frozen=True)
class AddChart:
    """A chart of a block of the tab's own cells, its top-left corner at ``anchor_*``.

    Sheet row ``header_row`` (1-based) names the series; the rows below it, to
    ``last_row``, hold the categories (column ``category_col``, 0-based) and the
    values (``value_cols``). ``kind`` is "column" or "line".
    """

    tab: str
    kind: ChartKind
    title: str
    header_row: int
    last_row: int
    category_col: int
    value_cols: tuple[int, ...]
    anchor_row: int
    anchor_col: int
    x_title: str = ""
    y_title: str = ""


Op = (
    AddTab
    | DeleteTab
    | SetCells
    | AppendRows
    | DeleteRowsIfUnchanged
    | MarkCells
    | FreezeHeader
    | ProtectHeader
    | SetDropdown
    | AddFormatRule
    | SetTextFormat
    | SetWidth
    | SetNumberFormat
    | AddChart
)
