"""The data sheetlog reads and backends speak: cell values, tabs as read, the scope of
a read and the snapshot it returns, and the provisioning facts of a tab."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

CellValue = str | int | float | bool | datetime | date | None
"""A cell as a backend reads it: Sheets gives serial numbers for typed dates, xlsx datetimes."""


Stored = str | int | float | None
"""A cell as sheetlog writes it; strings are always stored as literal text."""


class Link(str):
    """Text that opens ``url`` when clicked: a hyperlink cell, which reads back as its
    text. Backends write it as the spreadsheet's own link, never a formula (Google: a
    link on the text; a workbook: the sheet's <hyperlink> to an external target)."""

    url: str

    def __new__(cls, text: str, url: str) -> Link:
        made = super().__new__(cls, text)
        made.url = url
        return made

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]
        """What a copy is made from (``copy.deepcopy``, pickling)."""
        return str(self), self.url


XLSX_CHARS_PER_CELL = 32_767
"""The most characters one cell holds in Excel (and so in a workbook people open in it)."""
SHEETS_CHARS_PER_CELL = 50_000
"""The most characters one cell holds in Google Sheets."""

_NONCHARACTERS = r"\ufdd0-\ufdef" + "".join(
    rf"\U{plane:04x}fffe\U{plane:04x}ffff" for plane in range(17)
)
_UNSTORABLE = rf"\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff{_NONCHARACTERS}"
UNSTORABLE = re.compile(f"[{_UNSTORABLE}]")
"""Characters no cell can hold: XML 1.0 has no NUL or C0 controls but tab, LF and CR,
no lone surrogates, and Unicode's noncharacters (U+FDD0-U+FDEF, U+xFFFE, U+xFFFF) are
not for interchange; an .xlsx holding one no longer opens."""


def cell_length(text: str) -> int:
    """The length of ``text`` as Excel and Google Sheets count it: UTF-16 code units, so a
    character beyond U+FFFF (an emoji) counts twice."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def fit_cell(text: str, limit: int) -> str:
    """``text`` cut to fit a cell of ``limit`` (``cell_length``), saying how much was cut."""
    if cell_length(text) <= limit:
        return text
    kept = text.encode("utf-16-le", "surrogatepass")[: 2 * (limit - 40)]
    cut = kept.decode("utf-16-le", "ignore")  # a pair split at the end is dropped
    return f"{cut}… ({cell_length(text) - cell_length(cut)} more characters)"


_UNSTORABLE_OR_BREAK = re.compile(rf"[{_UNSTORABLE}\n\r\x85\u2028\u2029]")


def escape_unstorable(text: str, breaks: bool = False) -> str:
    """``text`` with every unstorable character written as its escape (``\\ud800``), so a
    message that quotes it can be printed and stored; with ``breaks``, line breaks too
    (``\\n``), so the message stays one line."""
    return (_UNSTORABLE_OR_BREAK if breaks else UNSTORABLE).sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    if code in (0x0A, 0x0D):
        return "\\n" if code == 0x0A else "\\r"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


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
    merged: tuple[str, ...] = ()
    """The tab's merged cell ranges, in A1 notation (``H2:I2``), as read."""
    elsewhere: str = ""
    """Set on an archive tab that another log holds (``archive --archive-to``): that log's
    location. The snapshot keys such a tab by its ``title``, which names both."""

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
    sized: bool = False
    """Whether the probed tabs' sizes are wanted too (a workbook measures them apart)."""

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
            self.sized or other.sized,
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


_A1_BOX = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?")


def a1_box(top: int, left: int, bottom: int, right: int) -> str:
    """The A1 range of 1-based rows ``top``..``bottom`` and 0-based columns ``left``..``right``
    (both inclusive): ``H2:I2``; one cell is ``H2``."""

    def letters(col: int) -> str:
        name, col = "", col + 1
        while col:
            col, rest = divmod(col - 1, 26)
            name = chr(65 + rest) + name
        return name

    first, second = f"{letters(left)}{top}", f"{letters(right)}{bottom}"
    return first if first == second else f"{first}:{second}"


def merges_in_rows(merged: tuple[str, ...] | list[str], first_row: int = 2) -> list[str]:
    """The merged ranges that reach sheet row ``first_row`` or below (by default the data
    rows): deleting or moving rows under them misplaces cells (openpyxl, Excel files)."""
    found = []
    for box in merged:
        match = _A1_BOX.fullmatch(box.strip())
        if match is None or max(int(match[2]), int(match[4] or match[2])) >= first_row:
            found.append(box)
    return found


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

    def without(self, title: str) -> Snapshot:
        """This snapshot as if ``title`` were gone (a tab the pass itself deleted)."""
        tabs = {t: tab for t, tab in self.tabs.items() if t != title}
        return Snapshot(tabs, {t: tab for t, tab in self.probed.items() if t != title})

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
