"""The write operations: what a pass asks a backend to apply, all of one write
atomically. Every pass only builds these from snapshots, so every backend behaves
the same by construction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from ..errors import ConfigError
from .sheetdata import CellValue, Stored, merges_in_rows


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
    hidden: bool = False
    """With a ``header``: the tab it makes is hidden (a tab of sheetlog's own)."""


def comparable(row: Sequence[CellValue]) -> tuple[CellValue, ...]:
    """A row's values without trailing empties, with "" and None alike: how
    ``DeleteRowsIfUnchanged`` compares a row with one read earlier."""
    values = [None if v == "" else v for v in row]
    while values and values[-1] is None:
        values.pop()
    return tuple(values)


@dataclass(frozen=True)
class DeleteRowsIfUnchanged:
    """Delete the rows of ``tab`` that still hold ``rows`` (as read), and no other row.

    ``at``: the sheet row where the read saw each of ``rows``; ``last``: the last row
    with content the read saw. The check and the delete happen in one atomic step; a
    row someone edited after it was read is left alone, and so is one that people
    moved meanwhile (Google: see ``_Requests._delete_if_unchanged``): the archive pass
    sees it still there and keeps it. A row identical to one of ``rows`` that was not
    read at its place (a row pasted twice) is never deleted. Without ``at``, every row
    still equal to one of ``rows`` is deleted, wherever it is.
    """

    tab: str
    rows: tuple[tuple[CellValue, ...], ...]
    at: tuple[int, ...] = ()
    last: int = 0


def unchanged_rows(
    current: Mapping[int, Sequence[CellValue]],
    rows: Sequence[Sequence[CellValue]],
    at: Sequence[int] = (),
) -> set[int]:
    """The sheet rows a ``DeleteRowsIfUnchanged`` of ``rows`` (read ``at``) deletes from
    ``current`` (sheet row: cells), read under the same lock as the op's rows."""
    if at:
        return {
            number
            for number, row in zip(at, rows, strict=True)
            if number in current and comparable(current[number]) == comparable(row)
        }
    expected = {comparable(row) for row in rows}
    return {number for number, cells in current.items() if comparable(cells) in expected}


def flag_may_paint(fill: str | None, flag: str, on: bool) -> bool:
    """Whether ``MarkCells`` changes a cell whose fill is ``fill`` (RRGGBB, None: no fill):
    it highlights only cells with no fill (or the flag's ``flag`` already), and clears only
    the flag's colour."""
    if on:
        return fill is None or fill.upper() == flag
    return fill is not None and fill.upper() == flag


def refuse_merged(merged: Sequence[str], tab: str, doing: str = "move rows") -> None:
    """Refuse to ``doing`` in a tab with merged cells among its data rows: rows moving up
    under a merge lose the cells it covers (a note beside it, say)."""
    ranges = merges_in_rows(list(merged))
    if ranges:
        raise ConfigError(
            f'the "{tab}" tab has merged cells ({", ".join(ranges)}): {doing} would put other'
            " rows' cells under them and lose them; unmerge them (Format > Merge cells >"
            " Unmerge) and run again"
        )


@dataclass(frozen=True)
class MarkCells:
    """Highlight (``on``) or un-highlight cells of one sheet row, e.g. the ones validate flags.

    A person's own cell colours are never lost: a cell that has a fill of its own (not
    the flag's colour) is neither highlighted nor cleared, so the colour stays and the
    Validation cell still names the problem; un-highlighting clears only the flag's
    colour, never one a person gave the cell since (``flag_may_paint``). Every backend
    decides by the cell as it is (Google: as the pass read it)."""

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
