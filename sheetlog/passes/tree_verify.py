"""``verify`` of the Merkle tree: every leaf in order, its row unchanged, the root the
latest checkpoint signed, and (``--since``) that the log only grew since a checkpoint
someone kept."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ..model.merkle import consistency_proof, root, verify_consistency
from ..model.sheetdata import Snapshot
from ..model.signed_note import Verifier
from ..model.templates import Template
from ..model.timestamp import check_timestamp
from ..model.workbook import LEAVES_TAB, UNSEALED_TAB, data_rows, is_archive_title
from .evidence import HASH_COLUMN, ChainProblem, Verification, hashed_text
from .leaves import Leaf, in_order, is_messages_title, read_leaves, record_leaf
from .tree import (
    b64,
    deleted_tabs,
    frontier,
    integrity_problem,
    latest_note,
    latest_timestamp,
    opened,
    recorded_keys,
    same_hash,
)


def verify_tree(
    snapshot: Snapshot,
    template: Template,
    result: Verification,
    keys: Sequence[Verifier] | None = None,
) -> None:
    """Add to ``result`` each way the tree no longer matches the log: leaves missing,
    reordered or edited, rows changed since they were sealed (once the chain check has
    not already named them), rows gone, a checkpoint that does not match or is not
    signed by ``keys`` (default: those the log records, which its editors can change)."""
    leaves, malformed = read_leaves(snapshot)
    report = result.problems.append
    for problem in malformed:
        report(ChainProblem(LEAVES_TAB, 0, "", problem))
    ordered = in_order(leaves)  # a person sorting the tab changes nothing
    for place, leaf in enumerate(ordered):
        if leaf.index != place:
            what = "missing" if leaf.index > place else "there twice"
            report(ChainProblem(LEAVES_TAB, leaf.row, leaf.ticket, f"leaf {place} is {what}"))
            break
    hashes = [leaf.hash for leaf in ordered]
    result.tree_size = len(hashes)
    _check_state(snapshot, hashes, result, keys)
    _check_rows(snapshot, template, ordered, result)


def _check_state(
    snapshot: Snapshot,
    hashes: list[bytes],
    result: Verification,
    keys: Sequence[Verifier] | None,
) -> None:
    """The leaves hash to the root the tree's state and its latest checkpoint record."""
    report = result.problems.append
    try:
        state = frontier(snapshot)
        problem = integrity_problem(snapshot)
    except ValueError as exc:
        report(ChainProblem("", 0, "", str(exc)))
        return
    if problem:
        report(ChainProblem("", 0, "", problem))
        return
    size = state.size if state is not None else 0
    if size != len(hashes) or (state is not None and not same_hash(state.root(), root(hashes))):
        report(
            ChainProblem(
                LEAVES_TAB, 0, "", f"the leaves do not hash to the tree of {size} last sealed"
            )
        )
    note = latest_note(snapshot)
    if note is None:
        return
    try:
        checkpoint = opened(note, recorded_keys(snapshot) if keys is None else keys)
    except ValueError as exc:
        report(ChainProblem("", 0, "", f"the latest checkpoint: {exc}"))
        return
    if checkpoint.size > len(hashes) or not same_hash(
        checkpoint.root, root(hashes[: checkpoint.size])
    ):
        report(ChainProblem("", 0, "", "the leaves do not hash to the latest checkpoint's root"))
    try:  # binascii.Error, a token that is not base64, is a ValueError too
        token = latest_timestamp(snapshot)
        if token:
            check_timestamp(token, note.encode("utf-8"))
    except ValueError as exc:
        report(ChainProblem("", 0, "", f"the latest checkpoint's timestamp: {exc}"))


def _check_rows(
    snapshot: Snapshot, template: Template, leaves: list[Leaf], result: Verification
) -> None:
    """Each archived row with a chain link, and each timeline line sealed, hashes to a
    leaf of its tab and Ticket ID; each leaf has its record."""
    moved = ("reordered", "row(s)")  # only where its content changed is a row named once
    named = {(p.tab, p.row) for p in result.problems if not p.problem.startswith(moved)}
    by_key: dict[tuple[str, str], list[Leaf]] = defaultdict(list)
    for leaf in leaves:
        by_key[(leaf.tab, leaf.ticket)].append(leaf)
    waiting: dict[tuple[str, str], list[Leaf]] = defaultdict(list)
    for leaf in read_leaves(snapshot, UNSEALED_TAB)[0]:
        waiting[(leaf.tab, leaf.ticket)].append(leaf)
    used: set[int] = set()
    report = result.problems.append
    pii = template.pii_names
    for tab in snapshot.tabs.values():
        archived = is_archive_title(tab.title) and HASH_COLUMN in tab.header
        if tab.elsewhere or not (archived or is_messages_title(tab.title)):
            continue
        header = tab.header
        id_column = template.roles.id if archived else "Ticket ID"
        id_at = header.index(id_column) if id_column in header else 0
        for number, cells in data_rows(tab):
            ticket = hashed_text(cells[id_at] if id_at < len(cells) else None)
            candidates = by_key.get((tab.title, ticket), [])
            match = next(
                (
                    leaf
                    for leaf in candidates
                    if leaf.index not in used
                    and record_leaf(tab.title, header, cells, leaf, pii) is not None
                ),
                None,
            )
            if match is not None:
                used.add(match.index)
            elif not archived and any(
                record_leaf(tab.title, header, cells, leaf, pii) is not None
                for leaf in waiting.get((tab.title, ticket), [])
            ):
                continue  # a line written since the last pass: its leaf waits to be sealed
            elif (tab.title, number) not in named and leaves:
                free = [leaf for leaf in candidates if leaf.index not in used]
                what = (
                    f"does not match its leaf {free[0].index}: the row, or the leaf's"
                    " salt or hash, changed since it was sealed"
                    if free
                    else "is not in the tree, and no leaf waits for it (typed in, or"
                    " edited before the pass that seals it)"
                )
                report(ChainProblem(tab.title, number, ticket, what))
    gone = deleted_tabs(snapshot)
    for leaf in leaves:
        if leaf.index in used or leaf.index < gone.get(leaf.tab, 0):
            continue
        if (leaf.tab, leaf.ticket) in {(p.tab, p.ticket_id) for p in result.problems}:
            continue  # its row was named above
        where = leaf.tab if snapshot.exists(leaf.tab) else f"{leaf.tab} (the tab is gone)"
        report(ChainProblem(where, 0, leaf.ticket, f"leaf {leaf.index}: its row is gone"))


def since(snapshot: Snapshot, note: str, keys: Sequence[Verifier] | None = None) -> list[str]:
    """Why the log is not an extension of the checkpoint ``note`` (one kept elsewhere):
    a signature that fails, fewer leaves, or a consistency proof from its tree to
    today's that does not check. Empty when the log only grew."""
    text = note.replace("\r\n", "\n").strip("\n") + "\n"
    try:  # a checkpoint kept before the log had a key is unsigned: its tree still counts
        signed = "\n\n" in text
        trusted = recorded_keys(snapshot) if keys is None else keys
        checkpoint = opened(text, trusted if signed else [])
    except ValueError as exc:
        return [f"--since: {exc}"]
    hashes = [leaf.hash for leaf in in_order(read_leaves(snapshot)[0])]
    if checkpoint.size > len(hashes):
        return [
            f"--since: the tree has {len(hashes)} leaves, fewer than the {checkpoint.size}"
            " of the checkpoint: leaves were removed"
        ]
    proof = consistency_proof(checkpoint.size, hashes)
    if not verify_consistency(checkpoint.size, len(hashes), proof, checkpoint.root, root(hashes)):
        return [
            f"--since: the log was rewritten since the checkpoint of {checkpoint.size} leaves"
            f" (root {b64(checkpoint.root)}): its first {checkpoint.size} leaves hash otherwise"
        ]
    return []
