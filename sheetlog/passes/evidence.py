"""Tamper evidence for archive tabs: a hash chain per tab, checked by ``verify``.

Each row the archive pass writes gets a ``Row Hash`` cell ``SEQ:PII:HASH``:

- ``SEQ`` numbers the rows of the tab 1, 2, 3…, so a deleted, inserted or
  reordered row shows as a gap or a step backwards;
- ``PII`` is SHA-256 over the row's personal cells (the template's ``pii``
  columns), so ``retention --anonymize`` can replace those cells without breaking
  anything: the chain commits to ``PII``, not to them. The value that replaces a
  cell is derived from ``PII`` and the column (``anonymized``), so ``verify`` checks
  it too: only that row's own anonymized value passes, never any ``anon:`` text;
- ``HASH`` is SHA-256 over the previous row's ``HASH``, ``SEQ``, ``PII`` and the
  row's other cells, so an edited row no longer matches its own hash.

What this proves, and what it cannot: anyone with edit rights can recompute a
whole chain after changing a row. ``verify --digest`` prints one line naming
every chain's head; stored somewhere else (an email, a ticket), it catches that
later, because a rebuilt chain has different heads (``verify --against LINE``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from ..model.sheetdata import CellValue, Snapshot, Tab
from ..model.templates import Template
from ..model.workbook import ARCHIVE_PREFIX, data_rows, is_archive

HASH_COLUMN = "Row Hash"
ANON_PREFIX = "anon:"
DIGEST_PREFIX = "sheetlog-digest/v1"


def hashed_text(value: CellValue) -> str:
    """A cell as the text the row hashes cover. Kept apart from ``cells.cell_text``: it does
    not strip, and any change to it would break ``verify`` on chains already written."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pii_digest(template: Template, header: Sequence[str], row: Sequence[CellValue]) -> str:
    """SHA-256 over the row's personal cells (the template's ``pii`` columns)."""
    return personal_digest(header, row, template.pii_names)


def personal_digest(header: Sequence[str], row: Sequence[CellValue], names: Collection[str]) -> str:
    """SHA-256 over the cells of the columns ``names``, by column name."""
    cells = {
        name: hashed_text(row[i] if i < len(row) else None)
        for i, name in enumerate(header)
        if name in names
    }
    return _sha(json.dumps(sorted(cells.items()), ensure_ascii=False))


def row_hash(
    template: Template,
    header: Sequence[str],
    row: Sequence[CellValue],
    seq: int,
    pii: str,
    prev: str,
) -> str:
    """The chain hash of one row: previous hash, sequence, PII digest, other cells."""
    cells = sorted(
        (name, hashed_text(row[i] if i < len(row) else None))
        for i, name in enumerate(header)
        if name and name != HASH_COLUMN and name not in template.pii_names
    )
    body = json.dumps([prev, seq, pii, cells], ensure_ascii=False, separators=(",", ":"))
    return _sha(body)


@dataclass(frozen=True)
class Link:
    """A parsed ``Row Hash`` cell."""

    seq: int
    pii: str
    hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.pii}:{self.hash}"


def parse_link(value: CellValue) -> Link | None:
    """The link in a Row Hash cell, or None when the cell is not one."""
    parts = hashed_text(value).split(":")
    if len(parts) != 3 or not parts[0].isdigit() or len(parts[1]) != 64 or len(parts[2]) != 64:
        return None
    return Link(int(parts[0]), parts[1], parts[2])


def chain_head(tab: Tab) -> Link | None:
    """The last link of a tab's chain (its highest sequence, wherever a sort put it), or
    None for an empty/unchained tab."""
    if HASH_COLUMN not in tab.header:
        return None
    at = tab.header.index(HASH_COLUMN)
    last = None
    for _, cells in data_rows(tab):
        link = parse_link(cells[at] if at < len(cells) else None)
        if link is not None and (last is None or link.seq > last.seq):
            last = link
    return last


def chain_rows(
    template: Template,
    header: Sequence[str],
    rows: Sequence[Sequence[CellValue]],
    head: Link | None,
) -> list[tuple[CellValue, ...]]:
    """``rows`` (under ``header``, which ends with Row Hash) with their Row Hash filled in."""
    at = list(header).index(HASH_COLUMN)
    seq, prev = (head.seq, head.hash) if head else (0, "")
    chained = []
    for row in rows:
        seq += 1
        values = list(row) + [None] * (len(header) - len(row))
        values[at] = None
        pii = pii_digest(template, header, values)
        prev = row_hash(template, header, values, seq, pii, prev)
        values[at] = str(Link(seq, pii, prev))
        chained.append(tuple(values))
    return chained


@dataclass(frozen=True)
class ChainProblem:
    """One archived row that no longer matches its chain."""

    tab: str
    row: int
    ticket_id: str
    problem: str


@dataclass
class Verification:
    """The result of ``verify``: rows checked and every problem found."""

    checked: int = 0
    problems: list[ChainProblem] = field(default_factory=list)
    heads: dict[str, Link] = field(default_factory=dict)
    tree_size: int = 0
    """How many leaves the log's Merkle tree has (``sheetlog.passes.tree``)."""

    @property
    def ok(self) -> bool:
        """True when every chain is intact."""
        return not self.problems

    def to_dict(self) -> dict[str, object]:
        """The ``--format json`` document."""
        return {
            "ok": self.ok,
            "checked": self.checked,
            "tree_size": self.tree_size,
            "problems": [p.__dict__ for p in self.problems],
        }


def verify(snapshot: Snapshot, template: Template) -> Verification:
    """Recompute every archive tab's chain and name each row that breaks it."""
    result = Verification()
    for tab in snapshot.tabs.values():
        if is_archive(tab) and HASH_COLUMN in tab.header:
            _verify_tab(template, tab, result)
    return result


def _verify_tab(template: Template, tab: Tab, result: Verification) -> None:
    """Check each row against its own link and its chain predecessor (the row whose
    sequence comes before, wherever it stands): a sorted tab's rows are each named
    reordered, and still checked; only sequences found nowhere in the tab were deleted."""
    header = tab.header
    at = header.index(HASH_COLUMN)
    id_at = header.index(template.roles.id) if template.roles.id in header else 0
    rows = [
        (number, cells, parse_link(cells[at] if at < len(cells) else None))
        for number, cells in data_rows(tab)
    ]
    first_at: dict[int, int] = {}  # sequence -> the sheet row that holds it first
    for number, _, link in rows:
        if link is not None:
            first_at.setdefault(link.seq, number)
    hashes = {number: link.hash for number, _, link in rows if link is not None}
    previous = 0  # the sequence of the row above
    for number, cells, link in rows:
        result.checked += 1
        ticket = hashed_text(cells[id_at] if id_at < len(cells) else None)

        def report(problem: str, row: int = number, ticket: str = ticket) -> None:
            result.problems.append(ChainProblem(tab.title, row, ticket, problem))

        if link is None:
            report("inserted after archiving (no valid Row Hash)")
            continue
        head = result.heads.get(tab.title)
        if head is None or link.seq > head.seq:
            result.heads[tab.title] = link
        if first_at[link.seq] != number:
            report(f"copied: sequence {link.seq} is already in row {first_at[link.seq]}")
            continue
        if link.seq > 1 and link.seq - 1 not in first_at:
            low = link.seq - 1
            while low > 1 and low - 1 not in first_at:
                low -= 1
            missing = str(low) if low == link.seq - 1 else f"{low}-{link.seq - 1}"
            report(f"row(s) {missing} of this chain were deleted before it")
        if link.seq < previous:
            report(f"reordered: sequence {link.seq} after {previous}")
        previous = link.seq
        if link.seq > 1 and link.seq - 1 not in first_at:
            continue  # its predecessor is gone: said above, and its hash cannot be checked
        prev = hashes[first_at[link.seq - 1]] if link.seq > 1 else ""
        if not _pii_matches(template, header, cells, link):
            report("a personal cell was edited after archiving")
        elif row_hash(template, header, cells, link.seq, link.pii, prev) != link.hash:
            report("edited after archiving")


def _pii_matches(
    template: Template, header: Sequence[str], cells: Sequence[CellValue], link: Link
) -> bool:
    """Personal cells match the digest (as archived: a Log row ``forget`` anonymized is
    archived with its stand-ins); once retention or ``forget`` anonymized the archived row,
    each one holds the row's own anonymized value (or stays empty, as retention leaves an
    empty cell)."""
    if pii_digest(template, header, cells) == link.pii:
        return True
    personal = [
        (name, hashed_text(cells[i] if i < len(cells) else None))
        for i, name in enumerate(header)
        if name in template.pii_names
    ]
    anonymous = any(value.startswith(ANON_PREFIX) for _, value in personal)
    return anonymous and all(value in ("", anonymized(link.pii, name)) for name, value in personal)


def digest_line(heads: dict[str, Link]) -> str:
    """One line naming every chain head, to be stored outside the spreadsheet."""
    parts = [  # a tab of another log this one archives to is "2025-09%20(<where>)"
        f"{quote(title.removeprefix(ARCHIVE_PREFIX), safe='/:()')}@{link.seq}"
        for title, link in sorted(heads.items())
    ]
    joined = "\n".join(f"{title}\t{link}" for title, link in sorted(heads.items()))
    return f"{DIGEST_PREFIX} {' '.join(parts)} sha256:{_sha(joined)}"


def check_digest(snapshot: Snapshot, line: str) -> list[str]:
    """Differences between a stored digest line and the chains as they are now."""
    words = line.split()
    if len(words) < 2 or words[0] != DIGEST_PREFIX or not words[-1].startswith("sha256:"):
        return [f'not a sheetlog digest line: "{line}"']
    heads: dict[str, Link] = {}
    problems: list[str] = []
    for word in words[1:-1]:
        month, _, seq_text = word.rpartition("@")
        title = f"{ARCHIVE_PREFIX}{unquote(month)}"
        tab = snapshot.tab(title)
        link = _link_at(tab, int(seq_text)) if tab is not None and seq_text.isdigit() else None
        if link is None:
            problems.append(f"{title}: row {seq_text} of its chain is gone")
        else:
            heads[title] = link
    if not problems and digest_line(heads) != line:
        problems.append("the chains were rewritten since this digest was taken")
    return problems


def _link_at(tab: Tab, seq: int) -> Link | None:
    at = tab.header.index(HASH_COLUMN) if HASH_COLUMN in tab.header else None
    if at is None:
        return None
    for _, cells in data_rows(tab):
        link = parse_link(cells[at] if at < len(cells) else None)
        if link is not None and link.seq == seq:
            return link
    return None


def anonymized(pii: str, column: str) -> str:
    """What stands in for the ``column`` cell of a row whose personal cells hash to ``pii``
    (the PII part of its Row Hash): derived from what the chain commits to, so ``verify``
    recomputes it, and no easier to reverse than that digest, which the sheet shows anyway."""
    return ANON_PREFIX + _sha(f"sheetlog-anon/v1|{pii}|{column}")[:16]


def row_pii(template: Template, header: Sequence[str], row: Sequence[CellValue]) -> str:
    """The PII digest a row's chain link commits to; a row without a valid link (typed in
    after archiving) gets the digest of its cells as they are."""
    at = list(header).index(HASH_COLUMN) if HASH_COLUMN in header else None
    link = parse_link(row[at] if at is not None and at < len(row) else None)
    return link.pii if link is not None else pii_digest(template, header, row)
