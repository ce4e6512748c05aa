"""The small interface every backend implements, and the data it speaks.

A backend reads the tabs a command needs in one go (``read`` of a ``Scope``) and
applies a list of ``Op`` values in one atomic step (``write``) — one
``spreadsheets.batchUpdate`` on Google, one atomic file save on a local workbook.
Everything above this module (init, append, validate, archive...) only builds ops
from snapshots, so both backends behave the same by construction.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

CellValue = str | int | float | bool | datetime | date | None
"""A cell as a backend reads it: Sheets gives serial numbers for typed dates, xlsx datetimes."""


Stored = str | int | float | None
"""A cell as sheetlog writes it; strings are always stored as literal text."""


@dataclass
class Tab:
    """One tab's values as read: ``rows[0]`` is sheet row 1 (the header); rows are ragged."""

    title: str
    rows: list[list[CellValue]]
    hidden: bool = False
    index: int = 0
    """The tab's position among all tabs (0: first)."""
    frozen_rows: int = 0
    grid_rows: int = 0
    """The rows the tab has allocated (Google counts these against its cell limit)."""
    grid_columns: int = 0
    """The columns the tab has allocated."""

    @property
    def header(self) -> list[str]:
        """The header row as text."""
        return [str(v).strip() if v is not None else "" for v in self.rows[0]] if self.rows else []


@dataclass(frozen=True)
class Scope:
    """What one read returns: tabs named in ``tabs``, tabs whose title starts with one
    of ``prefixes``, or every tab (``everything``). ``columns`` narrows the tabs of a
    prefix to some 0-based columns (other cells read as empty). ``probe`` (titles) and
    ``probe_prefixes`` name tabs whose existence and position are needed, not their rows."""

    tabs: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    columns: tuple[tuple[str, tuple[int, ...]], ...] = ()
    probe: frozenset[str] = frozenset()
    probe_prefixes: tuple[str, ...] = ()
    everything: bool = False

    @classmethod
    def of(cls, *titles: str, prefixes: tuple[str, ...] = (), probe: tuple[str, ...] = ()) -> Scope:
        """Whole tabs by title and by prefix, plus tabs to probe by title."""
        return cls(frozenset(titles), prefixes, probe=frozenset(probe))

    @classmethod
    def all(cls) -> Scope:
        """Every tab, whole."""
        return cls(everything=True)

    def __or__(self, other: Scope) -> Scope:
        return Scope(
            self.tabs | other.tabs,
            tuple(dict.fromkeys(self.prefixes + other.prefixes)),
            tuple(dict(self.columns + other.columns).items()),
            self.probe | other.probe,
            tuple(dict.fromkeys(self.probe_prefixes + other.probe_prefixes)),
            self.everything or other.everything,
        )

    def narrowed(self, prefix: str, columns: tuple[int, ...]) -> Scope:
        """This scope plus the tabs of ``prefix``, only ``columns`` of them."""
        return self | Scope(columns=((prefix, columns),))

    def wants(self, title: str) -> bool:
        """Whether a read of this scope returns ``title``'s rows (all or some columns)."""
        return (
            self.everything
            or title in self.tabs
            or title.startswith(self.prefixes)
            or self.columns_of(title) is not None
        )

    def probes(self, title: str) -> bool:
        """Whether ``title`` is probed (and not read)."""
        found = title in self.probe or title.startswith(self.probe_prefixes)
        return found and not self.wants(title)

    @property
    def by_title(self) -> bool:
        """Whether every tab this scope names is named by its full title (no prefixes)."""
        return not (self.everything or self.prefixes or self.columns or self.probe_prefixes)

    def columns_of(self, title: str) -> tuple[int, ...] | None:
        """The only columns to read of ``title``, or None for all of them."""
        if self.everything or title in self.tabs or title.startswith(self.prefixes):
            return None
        for prefix, columns in self.columns:
            if title.startswith(prefix):
                return columns
        return None


def narrowed(rows: list[list[CellValue]], columns: tuple[int, ...] | None) -> list[list[CellValue]]:
    """``rows`` with only ``columns`` kept below the header row (None: all of them),
    ragged like every read: no trailing empty cells or rows."""
    if columns is None:
        return rows
    kept = [rows[0]] if rows else []
    width = max(columns, default=-1) + 1
    for row in rows[1:]:
        cut: list[CellValue] = [
            row[c] if c in columns and c < len(row) else None for c in range(width)
        ]
        while cut and cut[-1] is None:
            cut.pop()
        kept.append(cut)
    while len(kept) > 1 and not kept[-1]:
        kept.pop()
    return kept


@dataclass
class Snapshot:
    """The tabs one read returned, in tab order, read at one moment."""

    tabs: dict[str, Tab]
    probed: dict[str, Tab] = field(default_factory=dict)
    """Tabs the scope probed: position and header only (``rows`` holds the header)."""

    def tab(self, title: str) -> Tab | None:
        """The tab called ``title``, or None."""
        return self.tabs.get(title)

    def exists(self, title: str) -> bool:
        """Whether ``title`` was read or probed and is there."""
        return title in self.tabs or title in self.probed

    def merged(self, other: Snapshot) -> Snapshot:
        """This snapshot with the tabs ``other`` read added (``other`` wins on a title)."""
        return Snapshot({**self.tabs, **other.tabs}, {**self.probed, **other.probed})

    def position(self, title: str) -> int | None:
        """Where ``title`` stands among all tabs, when read or probed."""
        found = self.tabs.get(title) or self.probed.get(title)
        return None if found is None else found.index


@dataclass
class Layout:
    """The provisioning facts of one tab that ``init`` compares with the template."""

    header: list[str]
    frozen_rows: int = 0
    header_protected: bool = False
    dropdowns: dict[int, tuple[str, ...]] = field(default_factory=dict)
    format_rules: set[int] = field(default_factory=set)
    text_columns: set[int] = field(default_factory=set)


# --- write operations ------------------------------------------------------------------


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


class Backend(ABC):
    """Where a log lives. Implementations translate their errors into SheetlogError."""

    #: Shown to people: a URL or a file path.
    location: str

    @abstractmethod
    def read(self, scope: Scope) -> Snapshot:
        """The values of the tabs ``scope`` names (those that exist), in one read."""

    @abstractmethod
    def read_layout(self, title: str) -> Layout | None:
        """The provisioning facts of one tab, or None when the tab does not exist."""

    @abstractmethod
    def write(self, ops: Sequence[Op]) -> None:
        """Apply ``ops`` atomically: all of them or none (``UncertainWrite``: unknown which)."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """One pass's read-compute-write: a local workbook is locked and saved once at
        its end; Google has no lock (its writes check what they change) and trusts what
        it learned of the tabs only within it."""

    @abstractmethod
    def close(self) -> None:
        """Release locks and connections."""

    #: The largest write, in bytes, the service takes well (Google advises 2 MB); None: no limit.
    write_limit: int | None = None

    def write_size(self, ops: Sequence[Op]) -> int:
        """What ``ops`` cost against ``write_limit``, in bytes (asked only when there is one)."""
        raise NotImplementedError(f"{type(self).__name__} has no write limit")
