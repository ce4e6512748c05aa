"""The Merkle tree over the record: every archived row and every timeline line is a leaf
of one RFC 6962 tree per log, sealed by the archive pass, and each write that adds
leaves records a checkpoint (origin, size, root) signed with the log's key.

What a leaf is: ``sheetlog.passes.leaves``. The hidden ``_sheetlog_leaves`` tab holds
every leaf: a proof reads it, never the archive tabs; a pass appends to it and updates
the hidden ``_sheetlog_tree`` tab (the tree's size, frontier and latest checkpoint), so
sealing costs what it adds.
"""

from __future__ import annotations

import base64
import hmac
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from ..errors import BackendError
from ..model.merkle import Frontier, leaf_hash, root
from ..model.messages import MESSAGES_HEADER
from ..model.ops import DeleteRowsIfUnchanged, Op
from ..model.sheetdata import CellValue, Snapshot, Tab
from ..model.signed_note import Checkpoint, Signer, Verifier, open_note
from ..model.templates import Template
from ..model.timestamp import request_timestamp
from ..model.workbook import (
    LEAVES_TAB,
    SETTINGS_TAB,
    SIGNING_KEY,
    TREE_TAB,
    UNSEALED_TAB,
    data_rows,
    hidden_rows,
    is_archive_title,
    setting_values,
    settings_set_ops,
)
from .evidence import HASH_COLUMN, hashed_text, parse_link, personal_digest
from .leaves import (
    LEAVES_HEADER,
    MESSAGE_PERSONAL,
    Leaf,
    in_order,
    is_messages_title,
    new_salt,
    read_leaves,
    record_bytes,
    record_leaf,
)

logger = logging.getLogger("sheetlog")
TREE_SETTING = "tree"
"""The line of the tree's state: ``<size> <frontier hashes, hex, comma-joined>``."""
DELETED_SETTING = "deleted"
"""The line of the archive tabs ``retention --delete`` removed, whose leaves stay in the
tree without their rows: ``<title>@<tree size then>`` a line (a leaf sealed later, in
a tab of that name made again, is checked as any other)."""
TREE_KEPT = "merkle_tree"
"""The settings line saying the log keeps a tree (and where): its tabs may not vanish."""
CHECKPOINT_SETTING = "checkpoint"
"""The line of the latest checkpoint, as a note (signed when the log has a key)."""
TIMESTAMP_SETTING = "timestamp"
"""The line of the latest checkpoint's RFC 3161 timestamp token (base64 DER; "": none)."""


def leaves_root(snapshot: Snapshot) -> bytes:
    """The root of the tree over the leaves tab as read (in index order)."""
    return root([leaf.hash for leaf in in_order(read_leaves(snapshot)[0])])


def integrity_problem(snapshot: Snapshot) -> str | None:
    """Why the tree's tabs and the settings disagree (a tab gone without the other, both
    gone once the log kept a tree), else None. ``snapshot`` read the settings and the
    tree tab and probed the leaves tab; ValueError when the state line was edited."""
    state = frontier(snapshot)
    leaves = snapshot.exists(LEAVES_TAB)
    if state is None and leaves:
        return f"the tree's state (the {TREE_TAB} tab) is gone but its leaves are there"
    if state is not None and state.size and not leaves:
        return f"the tree's leaves (the {LEAVES_TAB} tab) are gone"
    if state is None and setting_values(snapshot, TREE_KEPT):
        return f"the tree's tabs ({TREE_TAB}, {LEAVES_TAB}) are gone"
    return None


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


@dataclass(frozen=True)
class Sealing:
    """How a pass seals: the key that signs its checkpoints and the Time-Stamping
    Authority that timestamps them (each optional)."""

    signer: Signer | None = None
    tsa: str | None = None


@dataclass
class Seal:
    """Leaves one write adds to the tree, and the tree's state after them."""

    tree: Frontier
    sealing: Sealing = Sealing()
    """How the checkpoint is signed and timestamped (the log's key, when it has one)."""
    leaves: list[Leaf] = field(default_factory=list)
    unsealed: list[Leaf] = field(default_factory=list)
    """Waiting leaves (of timeline lines) this write seals and takes off their tab."""

    def add_rows(
        self,
        template: Template,
        title: str,
        header: Sequence[str],
        rows: Sequence[Sequence[CellValue]],
    ) -> None:
        """Seal archived rows (each with its Row Hash link) or timeline lines of tab
        ``title``."""
        line = is_messages_title(title)
        id_name = MESSAGES_HEADER[0] if line else template.roles.id
        id_at = list(header).index(id_name) if id_name in header else 0
        for cells in rows:
            personal = personal_digest(header, cells, MESSAGE_PERSONAL) if line else ""
            leaf = Leaf(self.tree.size, title, "", new_salt(), b"", personal)
            data = record_bytes(title, header, cells, leaf, template.pii_names)
            if data is None:
                continue
            ticket = hashed_text(cells[id_at] if id_at < len(cells) else None)
            self._add(replace(leaf, ticket=ticket, hash=leaf_hash(data)))

    def add_unsealed(self, waiting: Sequence[Leaf]) -> None:
        """Seal leaves written with timeline lines, in the order they were written."""
        for leaf in waiting:
            self._add(replace(leaf, index=self.tree.size, row=0))
        self.unsealed += waiting

    def _add(self, leaf: Leaf) -> None:
        self.leaves.append(leaf)
        self.tree.add(leaf.hash)

    def checkpoint(self, origin: str) -> Checkpoint:
        """The checkpoint of the tree with these leaves."""
        return Checkpoint(origin, self.tree.size, self.tree.root())

    def ops(self, snapshot: Snapshot, recorded: Mapping[str, str]) -> list[Op]:
        """The writes: the leaves, the waiting ones taken off their tab (those still as
        read), the tree's new state, the checkpoint as ``recorded`` (``checkpoint_lines``);
        a log's first tree is noted in its settings, so losing both tabs shows."""
        state = f"{self.tree.size} {','.join(h.hex() for h in self.tree.hashes)}"
        rows = tuple(leaf.cells() for leaf in self.leaves)
        ops = hidden_rows(snapshot, LEAVES_TAB, LEAVES_HEADER, rows) if rows else []
        if frontier(snapshot) is None and snapshot.exists(SETTINGS_TAB):
            ops += settings_set_ops(snapshot, {TREE_KEPT: f"{TREE_TAB}, {LEAVES_TAB}"})
        if self.unsealed:
            waiting = snapshot.tabs[UNSEALED_TAB]
            cells = tuple(leaf.cells() for leaf in self.unsealed)
            at = tuple(leaf.row for leaf in self.unsealed)
            ops.append(DeleteRowsIfUnchanged(UNSEALED_TAB, cells, at, len(waiting.rows)))
        values = {TREE_SETTING: state, **recorded}
        return [*ops, *settings_set_ops(snapshot, values, TREE_TAB)]


def legacy_rows(
    snapshot: Snapshot, template: Template, waiting: Sequence[Leaf]
) -> list[tuple[Tab, list[list[CellValue]]]]:
    """What the first sealing pass brings into the tree: the archive tabs of this log
    with their chained rows in chain order (rows without a link stay out), then the
    timeline lines no ``waiting`` leaf stands for (written before lines had leaves)."""
    found = []
    for title in sorted(snapshot.tabs):
        tab = snapshot.tabs[title]
        if is_messages_title(title):
            pii = template.pii_names
            mine = [leaf for leaf in waiting if leaf.tab == title]
            lines = [
                cells
                for _, cells in data_rows(tab)
                if not any(record_leaf(title, tab.header, cells, w, pii) for w in mine)
            ]
            found.append((tab, lines))
            continue
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


def deleted_tabs(snapshot: Snapshot) -> dict[str, int]:
    """The archive tabs retention deleted, each with the tree's size then: their leaves
    below it have no rows, by design."""
    found: dict[str, int] = {}
    for value in setting_values(snapshot, DELETED_SETTING, TREE_TAB):
        for line in value.split("\n"):
            title, _, size = line.rpartition("@")
            if title and size.isdigit():
                found[title] = max(found.get(title, 0), int(size))
    return found


def deleted_ops(snapshot: Snapshot, titles: Sequence[str]) -> list[Op]:
    """The write that records ``titles`` as deleted by retention at the tree's size now
    (when the tree has leaves, which then stay without their rows); ValueError when the
    tree's state line was edited."""
    state = frontier(snapshot)
    if state is None:
        return []
    every = {**deleted_tabs(snapshot), **dict.fromkeys(titles, state.size)}
    lines = "\n".join(f"{title}@{size}" for title, size in sorted(every.items()))
    return settings_set_ops(snapshot, {DELETED_SETTING: lines}, TREE_TAB)


def checkpoint_words(note: str) -> str:
    """A checkpoint in an Audit line, whole: ``checkpoint 12 <root> (<origin>)`` and its
    signature lines, from which the signed note is written again (Audit keeps every
    checkpoint; the tree tab only the latest)."""
    text, _, signatures = note.partition("\n\n")
    head = Checkpoint.parse(text.rstrip("\n") + "\n\n")
    signed = " ".join(line for line in signatures.splitlines() if line)
    words = f"checkpoint {head.size} {b64(head.root)} ({head.origin})"
    return f"{words} signed {signed}" if signed else words


def opened(note: str, keys: Sequence[Verifier]) -> Checkpoint:
    """The checkpoint a note states, its signature checked against ``keys`` (the log's);
    an unsigned note passes only when there are none. ValueError otherwise."""
    text, _, signatures = note.partition("\n\n")
    if not keys:
        return Checkpoint.parse(text.rstrip("\n") + "\n\n")
    if not signatures:
        raise ValueError(
            "it is not signed, and the log has a signing key"
            " (sign it: sheetlog checkpoint --signing-key KEY)"
        )
    failures = []
    for key in keys:
        try:
            return Checkpoint.parse(open_note(note, key))
        except ValueError as exc:
            failures.append(str(exc))
    raise ValueError("; ".join(dict.fromkeys(failures)))


def checkpoint_lines(note: str, tsa: str | None, required: bool = True) -> dict[str, str]:
    """The tree tab's lines of a new checkpoint: its note and, with ``tsa`` (a Time-Stamping
    Authority's URL), the token of a timestamp over the note's bytes (one request). Not
    ``required`` (a pass whose rows are already moving), an authority that fails leaves
    the checkpoint without a token, with a warning: ``checkpoint --tsa`` adds one later."""
    token = ""
    if tsa:
        try:
            token = b64(request_timestamp(note.encode("utf-8"), tsa))
        except BackendError as exc:
            if required:
                raise
            logger.warning("%s; the checkpoint is kept without a timestamp", exc)
    return {CHECKPOINT_SETTING: note, TIMESTAMP_SETTING: token}


@dataclass(frozen=True)
class Recorded:
    """The latest checkpoint as the log keeps it: its note, what the note states (its
    signature checked against the log's keys) and its RFC 3161 timestamp token, if any."""

    note: str
    head: Checkpoint
    timestamp: bytes | None = None

    def to_dict(self) -> dict[str, object]:
        """The ``--format json`` document."""
        return {
            "origin": self.head.origin,
            "tree_size": self.head.size,
            "root": b64(self.head.root),
            "signed": "\n\n" in self.note,
            "note": self.note,
            "timestamp": b64(self.timestamp) if self.timestamp else None,
        }


def latest(snapshot: Snapshot) -> Recorded | None:
    """The latest checkpoint (None: nothing sealed yet); ValueError when its note is
    not one, or not signed by a key the log records."""
    note = latest_note(snapshot)
    if note is None:
        return None
    return Recorded(note, opened(note, recorded_keys(snapshot)), latest_timestamp(snapshot))


def latest_timestamp(snapshot: Snapshot) -> bytes | None:
    """The latest checkpoint's RFC 3161 token, if it has one."""
    found = setting_values(snapshot, TIMESTAMP_SETTING, TREE_TAB)
    return base64.b64decode(found[0], validate=True) if found else None


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
