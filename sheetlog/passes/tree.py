"""The Merkle tree over the record: every archived row is a leaf of one RFC 6962 tree
per log, sealed by the pass that archives it, and each pass that adds leaves records a
checkpoint (origin, size, root) signed with the log's key.

A leaf is the row's canonical serialization and a random salt::

    {"cells":{<column>:<text>,...},"personal":"<hex>","tab":"<title>","v":"sheetlog-leaf/v1"}
    \\n<32 hex digits of salt>

``cells`` holds every cell but the personal ones and Row Hash, as the chain hashes them;
``personal`` is the PII digest of the row's Row Hash, so anonymizing keeps every leaf (and
every proof) valid. The salt keeps a proof's sibling hashes from confirming a guess of
another row. The hidden ``_sheetlog_leaves`` tab holds, per leaf, its index, tab, Ticket
ID, salt and hash: a proof reads it, never the archive tabs; a pass appends to it and
updates the hidden ``_sheetlog_tree`` tab (the tree's size, frontier and latest
checkpoint), so sealing costs what it adds.
"""

from __future__ import annotations

import base64
import hmac
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..model.merkle import Frontier, leaf_hash
from ..model.ops import AppendRows, Op
from ..model.sheetdata import CellValue, Scope, Snapshot, Tab
from ..model.signed_note import Checkpoint, Signer, Verifier, open_note
from ..model.templates import Template
from ..model.workbook import (
    LEAVES_TAB,
    SIGNING_KEY,
    TREE_TAB,
    data_rows,
    is_archive_title,
    setting_values,
    settings_set_ops,
)
from .evidence import HASH_COLUMN, hashed_text, parse_link

LEAVES_HEADER = ("Leaf", "Tab", "Ticket ID", "Salt", "Hash")
LEAVES_SCOPE = Scope.of(LEAVES_TAB)
TREE_SETTING = "tree"
"""The line of the tree's state: ``<size> <frontier hashes, hex, comma-joined>``."""
DELETED_SETTING = "deleted"
"""The line of the archive tabs ``retention --delete`` removed, whose leaves stay in the
tree without their rows (one title a line)."""
CHECKPOINT_SETTING = "checkpoint"
"""The line of the latest checkpoint, as a note (signed when the log has a key)."""
LEAF_VERSION = "sheetlog-leaf/v1"
SALT_BYTES = 16


def leaf_bytes(
    template: Template, title: str, header: Sequence[str], cells: Sequence[CellValue], pii: str
) -> bytes:
    """A row's canonical serialization (without its salt)."""
    values = {
        name: hashed_text(cells[i] if i < len(cells) else None)
        for i, name in enumerate(header)
        if name
        and name != HASH_COLUMN
        and not (name in template.by_name and template.by_name[name].pii)
    }
    document = {"cells": values, "personal": pii, "tab": title, "v": LEAF_VERSION}
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8")


def salted(data: bytes, salt: str) -> bytes:
    """A leaf's bytes: the serialization, a newline, the salt's hex."""
    return data + b"\n" + salt.encode("ascii")


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
    """One line of the leaves tab."""

    index: int
    tab: str
    ticket: str
    salt: str
    hash: bytes
    row: int = 0
    """The leaves tab's sheet row that holds it (0: not yet written)."""

    def cells(self) -> tuple[CellValue, ...]:
        """Its line of the leaves tab."""
        return (self.index, self.tab, self.ticket, self.salt, self.hash.hex())


def read_leaves(snapshot: Snapshot) -> tuple[list[Leaf], list[str]]:
    """The leaves tab's lines, and each line that is not a leaf (named by its row)."""
    tab = snapshot.tab(LEAVES_TAB)
    leaves: list[Leaf] = []
    problems: list[str] = []
    if tab is None:
        return leaves, problems
    for number, cells in data_rows(tab):
        text = [hashed_text(c) for c in (*cells, *[None] * len(LEAVES_HEADER))][:5]
        try:
            digest = bytes.fromhex(text[4])
            if len(digest) != 32 or not text[0].isdigit():
                raise ValueError
        except ValueError:
            problems.append(f"{LEAVES_TAB} row {number} is not a leaf (edited?)")
            continue
        leaves.append(Leaf(int(text[0]), text[1], text[2], text[3], digest, number))
    return leaves, problems


def frontier(snapshot: Snapshot) -> Frontier | None:
    """The tree's state as its tab keeps it; None before the first pass sealed
    anything. ValueError when the line was edited into nonsense."""
    found = setting_values(snapshot, TREE_SETTING, TREE_TAB)
    if not found:
        return None
    size, _, hashes = found[0].partition(" ")
    if not size.isdigit():
        raise ValueError(f'the "{TREE_SETTING}" line of the "{TREE_TAB}" tab was edited')
    return Frontier(int(size), [bytes.fromhex(h) for h in hashes.split(",") if h])


def row_bytes(
    template: Template, title: str, header: Sequence[str], cells: Sequence[CellValue], salt: str
) -> bytes | None:
    """The leaf bytes of an archived row with ``salt``; None when it has no Row Hash link
    (typed in after archiving)."""
    at = list(header).index(HASH_COLUMN) if HASH_COLUMN in header else None
    link = parse_link(cells[at] if at is not None and at < len(cells) else None)
    if link is None:
        return None
    return salted(leaf_bytes(template, title, header, cells, link.pii), salt)


def row_leaf(
    template: Template, title: str, header: Sequence[str], cells: Sequence[CellValue], salt: str
) -> bytes | None:
    """The leaf hash of an archived row with ``salt`` (None: the row has no link)."""
    data = row_bytes(template, title, header, cells, salt)
    return leaf_hash(data) if data is not None else None


def leaf_of(template: Template, tab: Tab, cells: Sequence[CellValue], leaf: Leaf) -> bytes | None:
    """The bytes of ``leaf`` when the row ``cells`` of ``tab`` is its row, else None."""
    data = row_bytes(template, tab.title, tab.header, cells, leaf.salt)
    return data if data is not None and same_hash(leaf_hash(data), leaf.hash) else None


@dataclass
class Seal:
    """Leaves one write adds to the tree, and the tree's state after them."""

    tree: Frontier
    leaves: list[Leaf] = field(default_factory=list)

    def add_rows(
        self,
        template: Template,
        title: str,
        header: Sequence[str],
        rows: Sequence[Sequence[CellValue]],
    ) -> None:
        """Seal archived rows (each with its Row Hash link) of tab ``title``."""
        id_at = list(header).index(template.roles.id) if template.roles.id in header else 0
        for cells in rows:
            salt = secrets.token_hex(SALT_BYTES)
            digest = row_leaf(template, title, header, cells, salt)
            if digest is None:
                continue
            ticket = hashed_text(cells[id_at] if id_at < len(cells) else None)
            self.leaves.append(Leaf(self.tree.size, title, ticket, salt, digest))
            self.tree.add(digest)

    def checkpoint(self, origin: str) -> Checkpoint:
        """The checkpoint of the tree with these leaves."""
        return Checkpoint(origin, self.tree.size, self.tree.root())

    def ops(self, snapshot: Snapshot, note: str) -> list[Op]:
        """The writes: the leaves, the tree's new state, the checkpoint ``note``."""
        if not self.leaves:
            return []
        state = f"{self.tree.size} {','.join(h.hex() for h in self.tree.hashes)}"
        return [
            AppendRows(LEAVES_TAB, tuple(leaf.cells() for leaf in self.leaves), LEAVES_HEADER),
            *settings_set_ops(snapshot, {TREE_SETTING: state, CHECKPOINT_SETTING: note}, TREE_TAB),
        ]


def legacy_rows(snapshot: Snapshot) -> list[tuple[Tab, list[list[CellValue]]]]:
    """The archive tabs of this log with their chained rows in chain order: what the
    first sealing pass brings into the tree (rows without a link stay out)."""
    found = []
    for title in sorted(snapshot.tabs):
        tab = snapshot.tabs[title]
        if tab.elsewhere or not is_archive_title(title) or HASH_COLUMN not in tab.header:
            continue
        at = tab.header.index(HASH_COLUMN)
        linked = []
        for _, cells in data_rows(tab):
            link = parse_link(cells[at] if at < len(cells) else None)
            if link is not None:
                linked.append((link.seq, cells))
        found.append((tab, [cells for _, cells in sorted(linked, key=lambda pair: pair[0])]))
    return found


def deleted_tabs(snapshot: Snapshot) -> set[str]:
    """The archive tabs retention deleted (their leaves have no rows, by design)."""
    return {
        title
        for value in setting_values(snapshot, DELETED_SETTING, TREE_TAB)
        for title in value.split("\n")
        if title
    }


def deleted_ops(snapshot: Snapshot, titles: Sequence[str]) -> list[Op]:
    """The write that records ``titles`` as deleted by retention (when the tree has
    leaves, which then stay without their rows)."""
    if frontier(snapshot) is None:
        return []
    every = sorted(deleted_tabs(snapshot) | set(titles))
    return settings_set_ops(snapshot, {DELETED_SETTING: "\n".join(every)}, TREE_TAB)


def checkpoint_words(checkpoint: Checkpoint) -> str:
    """``checkpoint 12 <root base64>``: a checkpoint in an Audit line."""
    return f"checkpoint {checkpoint.size} {b64(checkpoint.root)}"


def opened(note: str, keys: Sequence[Verifier]) -> Checkpoint:
    """The checkpoint a note states, its signature checked against ``keys`` (the log's);
    an unsigned note passes only when there are none. ValueError otherwise."""
    text, _, signatures = note.partition("\n\n")
    if not keys:
        return Checkpoint.parse(text.rstrip("\n") + "\n\n")
    if not signatures:
        raise ValueError("it is not signed, and the log has a signing key")
    failures = []
    for key in keys:
        try:
            return Checkpoint.parse(open_note(note, key))
        except ValueError as exc:
            failures.append(str(exc))
    raise ValueError("; ".join(dict.fromkeys(failures)))


def sign(checkpoint: Checkpoint, signer: Signer | None) -> str:
    """The checkpoint as a note: signed by ``signer``, or its bare text."""
    text = checkpoint.text()
    return signer.sign(text) if signer is not None else text


def recorded_keys(snapshot: Snapshot) -> list[Verifier]:
    """The public keys the settings tab records (``keygen``), readable ones only."""
    keys = []
    for value in setting_values(snapshot, SIGNING_KEY):
        try:
            keys.append(Verifier.parse(value))
        except ValueError:
            continue
    return keys


def latest_note(snapshot: Snapshot) -> str | None:
    """The latest checkpoint as recorded (a note, its lines ending in newlines)."""
    found = setting_values(snapshot, CHECKPOINT_SETTING, TREE_TAB)
    return found[0].replace("\r\n", "\n").strip("\n") + "\n" if found else None


def same_hash(a: bytes, b: bytes) -> bool:
    """Hashes compared in constant time."""
    return hmac.compare_digest(a, b)


def b64(data: bytes) -> str:
    """Standard base64 (RFC 4648 §4), as C2SP formats write hashes."""
    return base64.b64encode(data).decode("ascii")
