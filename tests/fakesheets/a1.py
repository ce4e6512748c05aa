"""A1 notation: column letters, range parsing and formatting."""

from __future__ import annotations

import re
from dataclasses import dataclass

_REF = re.compile(r"^\$?([A-Za-z]{0,3})\$?(\d*)(?::\$?([A-Za-z]{0,3})\$?(\d*))?$")
_PLAIN_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CELLISH = re.compile(r"^([A-Za-z]{1,3}\d+|R\d*C\d*)$", re.IGNORECASE)


def col_letters(index: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA'."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def col_index(letters: str) -> int:
    """'A' -> 0, 'AA' -> 26."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def quote_title(title: str) -> str:
    """Quote a sheet title the way Google echoes it in ranges."""
    if _PLAIN_TITLE.match(title) and not _CELLISH.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


@dataclass
class Bounds:
    """Half-open, zero-based bounds; None means unbounded on that side."""

    r0: int | None = None
    r1: int | None = None
    c0: int | None = None
    c1: int | None = None

    @property
    def single_cell(self) -> bool:
        r0, c0 = self.r0, self.c0
        return r0 is not None and c0 is not None and self.r1 == r0 + 1 and self.c1 == c0 + 1


def split_range(text: str) -> tuple[str | None, str | None]:
    """Split ``'My Sheet'!A1:B2`` into (title, ref); unquoted text without ``!`` is ambiguous
    and returned as (None, text)."""
    if text.startswith("'"):
        i, title = 1, ""
        while i < len(text):
            if text[i] == "'":
                if text[i + 1 : i + 2] == "'":
                    title += "'"
                    i += 2
                    continue
                break
            title += text[i]
            i += 1
        rest = text[i + 1 :]
        if rest == "":
            return title, None
        if not rest.startswith("!"):
            raise ValueError(text)
        return title, rest[1:] or None
    if "!" in text:
        title, ref = text.rsplit("!", 1)
        return title, ref or None
    return None, text


def parse_ref(ref: str) -> Bounds | None:
    """Parse ``A1``, ``A1:B2``, ``A:B``, ``1:3``, ``A5:B``; None when not a cell reference."""
    m = _REF.match(ref.strip())
    if not m:
        return None
    c0s, r0s, c1s, r1s = m.groups()
    second = ref.find(":") >= 0
    if not (c0s or r0s) or (second and not (c1s or r1s)):
        return None
    if not second:
        if not (c0s and r0s):
            return None
        c, r = col_index(c0s), int(r0s) - 1
        return Bounds(r, r + 1, c, c + 1) if r >= 0 else None
    b = Bounds()
    rows = [int(x) - 1 for x in (r0s, r1s) if x]
    cols = [col_index(x) for x in (c0s, c1s) if x]
    if any(x < 0 for x in rows):
        return None
    if r0s and r1s:
        b.r0, b.r1 = min(rows), max(rows) + 1
    elif r0s and c1s and not r1s:  # A5:B
        b.r0 = rows[0]
    elif r1s:  # A:B5
        b.r0, b.r1 = 0, rows[0] + 1
    if c0s and c1s:
        b.c0, b.c1 = min(cols), max(cols) + 1
    elif c0s or c1s:
        if not (r0s and r1s):
            return None
        b.c0 = cols[0]
    return b


def format_range(title: str, b: Bounds) -> str:
    """Format bounded bounds as Google echoes them (``Log!A1:C3`` / ``Log!B2``)."""
    assert None not in (b.r0, b.r1, b.c0, b.c1)
    r0, r1, c0, c1 = b.r0 or 0, b.r1 or 0, b.c0 or 0, b.c1 or 0
    start = f"{col_letters(c0)}{r0 + 1}"
    if r1 - r0 == 1 and c1 - c0 == 1:
        return f"{quote_title(title)}!{start}"
    return f"{quote_title(title)}!{start}:{col_letters(c1 - 1)}{r1}"
