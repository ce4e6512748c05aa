"""What a leaf of the log's Merkle tree is, and the hidden tabs that keep leaves.

A leaf is a record's canonical serialization and a random salt::

    {"cells":{<column>:<text>,...},"personal":"<hex>","tab":"<title>","v":"sheetlog-leaf/v1"}
    \\n<32 hex digits of salt>

``cells`` holds every cell but the personal ones (and an archive row's Row Hash), as the
Row Hash chain writes cells as text; ``personal`` is SHA-256 of ``sheetlog-personal/v1|``,
the salt, ``|`` and the digest of the personal cells (``evidence.personal_digest``): a
proof's holder cannot confirm a guessed email through it, and anonymizing (which keeps
that digest) keeps every leaf, and every proof, valid. The salt also keeps a proof's
sibling hashes from confirming a guess of another record.

Records are archived rows (personal: the template's ``pii`` columns; the digest is the
one their Row Hash holds) and timeline lines (personal: Author). A line is written with
its leaf waiting in ``_sheetlog_unsealed``; the next archive pass gives it its place in
the tree. ``_sheetlog_leaves`` holds every sealed leaf: index, tab, Ticket ID, salt,
hash and (for a timeline line) the personal digest.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ..model.merkle import leaf_hash
from ..model.messages import MESSAGES_HEADER, Message
from ..model.ops import Op
from ..model.sheetdata import CellValue, Snapshot
from ..model.workbook import LEAVES_TAB, MESSAGES_PREFIX, UNSEALED_TAB, data_rows, hidden_rows
from .evidence import HASH_COLUMN, anonymized, hashed_text, parse_link, personal_digest

LEAVES_HEADER = ("Leaf", "Tab", "Ticket ID", "Salt", "Hash", "Personal")
UNSEALED_HEADER = LEAVES_HEADER[1:]
LEAF_VERSION = "sheetlog-leaf/v1"
SALT_BYTES = 16
MESSAGE_PERSONAL = ("Author",)
"""The personal cells of a timeline line."""


def leaf_bytes(
    title: str,
    header: Sequence[str],
    cells: Sequence[CellValue],
    personal: str,
    personal_names: Collection[str],
    salt: str,
) -> bytes:
    """A record's leaf: its canonical serialization (``personal``: the digest of its
    personal cells, committed to with the salt), a newline, the salt's hex."""
    values = {
        name: hashed_text(cells[i] if i < len(cells) else None)
        for i, name in enumerate(header)
        if name and name != HASH_COLUMN and name not in personal_names
    }
    committed = hashlib.sha256(f"sheetlog-personal/v1|{salt}|{personal}".encode()).hexdigest()
    document = {"cells": values, "personal": committed, "tab": title, "v": LEAF_VERSION}
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8") + b"\n" + salt.encode("ascii")


def new_salt() -> str:
    """A fresh random salt, as hex."""
    return secrets.token_hex(SALT_BYTES)


def split_leaf(leaf: bytes) -> tuple[dict[str, object], str]:
    """A leaf's serialization (parsed) and salt; ValueError when it is not a leaf."""
    data, sep, salt = leaf.rpartition(b"\n")
    try:
        document = json.loads(data.decode("utf-8")) if sep else None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError("not a sheetlog leaf") from exc
    if not isinstance(document, dict) or document.get("v") != LEAF_VERSION:
        raise ValueError("not a sheetlog leaf")
    return document, salt.decode("ascii", "replace")


@dataclass(frozen=True)
class Leaf:
    """One leaf as its tab keeps it (index -1: waiting to be sealed)."""

    index: int
    tab: str
    ticket: str
    salt: str
    hash: bytes
    personal: str = ""
    """A timeline line's personal digest (an archived row keeps its own in Row Hash)."""
    row: int = 0
    """The sheet row that holds it (0: not yet written)."""

    def cells(self) -> tuple[CellValue, ...]:
        """Its line of the leaves tab (the unsealed tab: without the index)."""
        line = (self.tab, self.ticket, self.salt, self.hash.hex(), self.personal)
        return line if self.index < 0 else (self.index, *line)


def read_leaves(snapshot: Snapshot, title: str = LEAVES_TAB) -> tuple[list[Leaf], list[str]]:
    """The leaves of tab ``title`` (sealed, or ``UNSEALED_TAB``) in sheet order, and each
    line that is not a leaf (named by its row)."""
    tab = snapshot.tab(title)
    sealed = title == LEAVES_TAB
    leaves: list[Leaf] = []
    problems: list[str] = []
    for number, cells in data_rows(tab) if tab is not None else []:
        text = [hashed_text(c) for c in (*cells, *[None] * len(LEAVES_HEADER))]
        if not sealed:
            text = ["-1", *text]
        try:
            digest = bytes.fromhex(text[4])
            if len(digest) != 32 or not text[0].lstrip("-").isdigit():
                raise ValueError
        except ValueError:
            problems.append(f"{title} row {number} is not a leaf (edited?)")
            continue
        leaves.append(Leaf(int(text[0]), text[1], text[2], text[3], digest, text[5], number))
    return leaves, problems


def in_order(leaves: Sequence[Leaf]) -> list[Leaf]:
    """Leaves in the tree's order: by index (whatever order their tab's rows are in)."""
    return sorted(leaves, key=lambda leaf: (leaf.index, leaf.row))


def is_messages_title(title: str) -> bool:
    """Whether ``title`` names a timeline tab (``Messages YYYY-MM``)."""
    return title.startswith(MESSAGES_PREFIX)


def record_bytes(
    title: str,
    header: Sequence[str],
    cells: Sequence[CellValue],
    leaf: Leaf,
    pii: Collection[str],
) -> bytes | None:
    """The bytes ``leaf`` has if the record ``cells`` (of tab ``title``) is its record,
    computed with its salt; None for an archived row without a Row Hash link (typed in
    after archiving). ``pii``: the template's personal columns (archived rows)."""
    if is_messages_title(title):
        personal = personal_digest(header, cells, MESSAGE_PERSONAL)
        if _forgotten(header, cells, leaf.personal):
            personal = leaf.personal  # forgotten: the digest the leaf kept stands
        return leaf_bytes(title, header, cells, personal, MESSAGE_PERSONAL, leaf.salt)
    at = list(header).index(HASH_COLUMN) if HASH_COLUMN in header else None
    link = parse_link(cells[at] if at is not None and at < len(cells) else None)
    if link is None:
        return None
    return leaf_bytes(title, header, cells, link.pii, pii, leaf.salt)


def _forgotten(header: Sequence[str], cells: Sequence[CellValue], personal: str) -> bool:
    """Whether a timeline line's personal cells each hold exactly the value ``forget``
    derives from ``personal`` (its leaf's digest); any other ``anon:`` text does not stand."""
    named = [
        (name, hashed_text(c))
        for name, c in zip(header, cells, strict=False)
        if name in MESSAGE_PERSONAL
    ]
    return bool(named) and all(value == anonymized(personal, name) for name, value in named)


def record_leaf(
    title: str, header: Sequence[str], cells: Sequence[CellValue], leaf: Leaf, pii: Collection[str]
) -> bytes | None:
    """``record_bytes`` when they hash to ``leaf``'s hash, else None."""
    data = record_bytes(title, header, cells, leaf, pii)
    return data if data is not None and leaf_hash(data) == leaf.hash else None


def unsealed_ops(snapshot: Snapshot, messages: Sequence[Message]) -> list[Op]:
    """The leaves of timeline lines being written, waiting for the next pass to seal
    them (in the same write as the lines; ``snapshot`` probed ``UNSEALED_TAB``)."""
    rows = []
    for message in messages:
        cells = message.cells()
        personal = personal_digest(MESSAGES_HEADER, cells, MESSAGE_PERSONAL)
        salt = new_salt()
        data = leaf_bytes(message.tab, MESSAGES_HEADER, cells, personal, MESSAGE_PERSONAL, salt)
        digest = leaf_hash(data)
        rows.append(Leaf(-1, message.tab, message.ticket, salt, digest, personal).cells())
    return hidden_rows(snapshot, UNSEALED_TAB, UNSEALED_HEADER, tuple(rows))
