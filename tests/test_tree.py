"""The Merkle tree over archived rows, its signed checkpoints and proofs, on every
backend. Proofs are checked here by an RFC 6962 verifier and an Ed25519 check written in
this file, not by sheetlog's own code."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

import sheetlog
from sheetlog.cli import cli
from sheetlog.errors import ConfigError, NotFoundError
from sheetlog.model.messages import MESSAGES_HEADER
from sheetlog.model.ops import AddTab, AppendRows, DeleteTab, SetCells
from sheetlog.model.signed_note import Signer, open_note
from sheetlog.model.workbook import LEAVES_TAB, TREE_TAB
from sheetlog.passes.proofs import Proof
from tests.conftest import LogUnderTest
from tests.logdata import entry, seed

NOW = dt.datetime(2025, 11, 20, 12, 0, tzinfo=dt.UTC)
TAB = "Archive 2025-09"


# --- an independent RFC 6962 verifier (RFC 6962 §2.1, written from the RFC) ------------


def _h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def mth(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) over leaf *data*, straight from the RFC's recursion."""
    if not leaves:
        return _h(b"")
    if len(leaves) == 1:
        return _h(b"\x00" + leaves[0])
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return _h(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))


def root_from_path(index: int, size: int, leaf: bytes, path: list[bytes]) -> bytes:
    """Walk an audit path up by splitting the range [0, size) as MTH does."""

    def walk(lo: int, hi: int, siblings: list[bytes]) -> bytes:
        if hi - lo == 1:
            assert not siblings, "path too long"
            return _h(b"\x00" + leaf)
        k = 1
        while k * 2 < hi - lo:
            k *= 2
        sibling, rest = siblings[-1], siblings[:-1]
        if index < lo + k:
            return _h(b"\x01" + walk(lo, lo + k, rest) + sibling)
        return _h(b"\x01" + sibling + walk(lo + k, hi, rest))

    return walk(0, size, list(path))


def independent_check(text: str, public_key: bytes, key_name: str) -> dict[str, object]:
    """Check a proof file from its documented layout alone; returns the leaf's values."""
    lines = text.split("\n")
    assert lines[0] == "c2sp.org/tlog-proof@v1"
    leaf = base64.b64decode(lines[1].removeprefix("extra "))
    index = int(lines[2].removeprefix("index "))
    blank = lines.index("", 3)
    path = [base64.b64decode(line) for line in lines[3:blank]]
    note = "\n".join(lines[blank + 1 :])
    body, _, signatures = note.partition("\n\n")
    body += "\n"
    _origin, size, root = body.split("\n")[:3]
    signature_line = next(s for s in signatures.split("\n") if s.startswith(f"— {key_name} "))
    raw = base64.b64decode(signature_line.split(" ")[2])
    key_id = _h(key_name.encode() + b"\n\x01" + public_key)[:4]
    assert raw[:4] == key_id
    Ed25519PublicKey.from_public_bytes(public_key).verify(raw[4:], body.encode())
    assert root_from_path(index, int(size), leaf, path) == base64.b64decode(root)
    document = json.loads(leaf.rpartition(b"\n")[0])
    assert isinstance(document, dict)
    return document


# --- helpers ------------------------------------------------------------------------------


def closed(count: int, start: int = 1) -> list[tuple[str, ...]]:
    return [
        entry(
            f"T-{i}",
            "Resolved",
            f"2025-09-{i + 1:02} 10:00 UTC",
            Contact_Start=f"2025-09-{i:02} 10:00 UTC",
            Contact_End=f"2025-09-{i:02} 10:30 UTC",
            Customer=f"c{i}@example.com",
        )
        for i in range(start, start + count)
    ]


def signed_log(target: LogUnderTest, tmp_path: Path, count: int = 5) -> Signer:
    """A log with a key and ``count`` rows archived and sealed; returns the key."""
    target.log.init()
    target.log.keygen(tmp_path / "log.key", "support-team")
    signer = sheetlog.supportlog.read_signer(tmp_path / "log.key")
    seed(target, closed(count))
    assert target.log.archive(now=NOW, signer=signer).moved == count
    return signer


def problems(target: LogUnderTest, since: str | None = None) -> list[str]:
    return [f"{p.tab}|{p.ticket_id}|{p.problem}" for p in target.log.verify(since=since).problems]


def write(target: LogUnderTest, *ops: object) -> None:
    target.log.backend.write(list(ops))  # type: ignore[arg-type]


def without_tree(target: LogUnderTest) -> None:
    """Drop the tree's tabs and the settings line that says the log keeps one: a log as
    it was before trees (or an editor who knows what sheetlog checks)."""
    settings = target.values("_sheetlog")
    at = next(i for i, row in enumerate(settings, 1) if row and row[0] == "merkle_tree")
    write(
        target,
        DeleteTab(LEAVES_TAB),
        DeleteTab(TREE_TAB),
        SetCells("_sheetlog", at, 0, (("", ""),)),
    )


# --- tests --------------------------------------------------------------------------------


def test_a_proof_checks_with_an_independent_verifier(any_log: LogUnderTest, tmp_path: Path) -> None:
    signer = signed_log(any_log, tmp_path, 7)
    for ticket in ("T-1", "T-4", "T-7"):
        text = any_log.log.proof(ticket).text()
        document = independent_check(text, signer.verifier.key, "support-team")
        cells = document["cells"]
        assert isinstance(cells, dict) and cells["Ticket ID"] == ticket
        assert "Customer" not in cells  # personal cells enter through their digest
        assert document["tab"] == TAB
        checked = sheetlog.check_proof(text, str(signer.verifier))
        assert checked.checkpoint.size == 7 and checked.row["cells"] == cells
    leaves = any_log.values(LEAVES_TAB)[1:]
    assert [int(float(row[0])) for row in leaves] == list(range(7))
    assert len({row[3] for row in leaves}) == 7  # a salt per row
    assert any_log.log.verify().ok


def test_the_tree_root_is_rfc6962_over_the_leaf_bytes(
    local_log: LogUnderTest, tmp_path: Path
) -> None:
    signed_log(local_log, tmp_path, 5)
    data = [
        base64.b64decode(local_log.log.proof(f"T-{i}").text().split("\n")[1][6:])
        for i in range(1, 6)
    ]
    note = local_log.log.checkpoint().note
    assert note.split("\n")[1] == "5"
    assert base64.b64decode(note.split("\n")[2]) == mth(data)


def test_tampering_is_named_by_verify_and_by_check_proof(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    signer = signed_log(any_log, tmp_path, 5)
    key = str(signer.verifier)
    text = any_log.log.proof("T-3").text()
    header = any_log.values(TAB)[0]
    rows = any_log.values(TAB)
    # a row edited, its Row Hash chain rebuilt by someone who knows how: only the tree sees it
    from sheetlog.model.templates import load_template
    from sheetlog.passes.evidence import HASH_COLUMN, chain_rows

    template = load_template("standard")
    edited = [list(r) for r in rows[1:]]
    edited[2][header.index("Issue Summary")] = "Customer never asked for a refund"
    rechained = chain_rows(template, header, [[*r[:-1], None] for r in edited], None)
    write(any_log, SetCells(TAB, 2, 0, tuple(tuple(r) for r in rechained)))
    found = problems(any_log)
    assert any("T-3|does not match its leaf 2" in p for p in found), found
    assert not any("T-1|" in p or "T-5|" in p for p in found)
    with pytest.raises(ConfigError, match="no longer matches its leaf 2"):
        any_log.log.proof("T-3")
    write(any_log, SetCells(TAB, 2, 0, tuple(tuple(r) for r in rows[1:])))  # put back
    assert any_log.log.verify().ok and HASH_COLUMN in header

    # the salt of a leaf edited
    leaves = any_log.values(LEAVES_TAB)
    write(any_log, SetCells(LEAVES_TAB, 3, 3, (("00" * 16,),)))
    assert any("T-2|does not match its leaf 1" in p for p in problems(any_log))
    write(any_log, SetCells(LEAVES_TAB, 3, 3, ((leaves[2][3],),)))
    # rows of the leaves tab sorted by a person: harmless, the index is the order
    write(any_log, SetCells(LEAVES_TAB, 2, 0, (tuple(leaves[2]), tuple(leaves[1]))))
    assert any_log.log.verify().ok
    sheetlog.check_proof(any_log.log.proof("T-1").text(), key)
    write(any_log, SetCells(LEAVES_TAB, 2, 0, (tuple(leaves[1]), tuple(leaves[2]))))
    # two leaves' places swapped (their order is the tree's)
    write(any_log, SetCells(LEAVES_TAB, 2, 0, ((1,), (0,))))
    found = problems(any_log)
    assert any("do not hash to the tree of 5" in p for p in found), found
    assert any("latest checkpoint's root" in p for p in found), found
    with pytest.raises(ConfigError, match="no longer hash to the latest checkpoint"):
        any_log.log.proof("T-4")
    write(any_log, SetCells(LEAVES_TAB, 2, 0, ((0,), (1,))))
    assert any_log.log.verify().ok
    # a leaf deleted from the tab
    write(any_log, SetCells(LEAVES_TAB, 3, 0, (tuple("" for _ in leaves[2]),)))
    assert any("leaf 1 is missing" in p for p in problems(any_log))
    write(any_log, SetCells(LEAVES_TAB, 3, 0, (tuple(leaves[2]),)))
    assert any_log.log.verify().ok

    # the proof file: its row, its place, its signature
    proof = Proof.parse(text)
    changed_row = proof.leaf.replace(b"T-3", b"T-9")
    for tampered, why in (
        (Proof(changed_row, proof.index, proof.path, proof.note), "the row"),
        (Proof(proof.leaf, proof.index + 1, proof.path, proof.note), "the row"),
        (Proof(proof.leaf, proof.index, proof.path[::-1], proof.note), "the row"),
        (Proof(proof.leaf, proof.index, proof.path, proof.note.replace("\n5\n", "\n6\n")), "sign"),
    ):
        with pytest.raises(ValueError, match=why):
            sheetlog.check_proof(tampered.text(), key)
    other = Signer.generate("support-team").verifier
    with pytest.raises(ValueError, match="signature"):
        sheetlog.check_proof(text, str(other))


def test_a_second_pass_extends_the_tree_and_verify_since_proves_it_only_grew(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    signer = signed_log(any_log, tmp_path, 3)
    first = any_log.log.checkpoint().note
    seed(any_log, closed(2, start=10))
    assert any_log.log.archive(now=NOW, signer=signer).moved == 2
    second = any_log.log.checkpoint().note
    assert second.split("\n")[1] == "5" and first.split("\n")[1] == "3"
    assert problems(any_log, since=first) == []
    assert problems(any_log, since=second) == []
    # an editor with the key rewrites the past: drops the tree, edits a row, re-seals
    header = any_log.values(TAB)[0]
    without_tree(any_log)
    write(any_log, SetCells(TAB, 2, header.index("Issue Summary"), (("rewritten",),)))
    any_log.log.archive(now=NOW, signer=signer)  # brings every archived row in again
    assert any_log.log.checkpoint().head.size == 5
    found = problems(any_log, since=first)
    assert any("rewritten since the checkpoint of 3 leaves" in p for p in found), found


def test_rows_archived_before_the_tree_are_brought_in_by_the_next_pass(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    any_log.log.init()
    seed(any_log, closed(4))
    any_log.log.archive(now=NOW)
    without_tree(any_log)  # as a log made before trees
    assert any_log.log.verify().tree_size == 0
    any_log.log.archive(now=NOW)  # nothing to move: still seals what is archived
    assert [row[2] for row in any_log.values(LEAVES_TAB)[1:]] == ["T-1", "T-2", "T-3", "T-4"]
    result = any_log.log.verify()
    assert result.ok and result.tree_size == 4
    assert (
        "sealed 4 records written before the tree into the tree; checkpoint 4 "
        in any_log.audit()[-1][5]
    )


def test_a_log_with_a_key_refuses_to_archive_unsigned_or_with_another_key(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    any_log.log.init()
    any_log.log.keygen(tmp_path / "log.key", "team")
    seed(any_log, closed(2))
    before = any_log.write_marker()
    with pytest.raises(ConfigError, match="give its private key"):
        any_log.log.archive(now=NOW)
    with pytest.raises(ConfigError, match="is not a key of"):
        any_log.log.archive(now=NOW, signer=Signer.generate("team"))
    assert any_log.write_marker() == before
    assert len(any_log.values("Log")) == 3


def test_an_unsigned_tree_is_signed_later_by_checkpoint(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    any_log.log.init()
    seed(any_log, closed(3))
    any_log.log.archive(now=NOW)
    assert "\n\n" not in any_log.log.checkpoint().note  # sealed, not signed: no key yet
    with pytest.raises(ConfigError, match="not signed"):
        any_log.log.proof("T-2")
    any_log.log.keygen(tmp_path / "k.key", "team")
    signer = sheetlog.supportlog.read_signer(tmp_path / "k.key")
    assert any("not signed" in p for p in problems(any_log))
    note = any_log.log.checkpoint(signer).note
    assert note.startswith("team\n3\n") and "\n\n— team " in note
    assert any_log.log.verify().ok
    sheetlog.check_proof(any_log.log.proof("T-2").text(), str(signer.verifier))


def test_retention_deleting_a_tab_keeps_the_tree_valid(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    signer = signed_log(any_log, tmp_path, 3)
    any_log.log.retention("24m", action="delete", now=dt.datetime(2028, 1, 1, tzinfo=dt.UTC))
    assert TAB not in any_log.titles()
    result = any_log.log.verify()
    assert result.ok and result.tree_size == 3
    seed(any_log, closed(1, start=20))
    any_log.log.archive(now=NOW, signer=signer)
    assert any_log.log.verify().ok


def test_a_deleted_archive_row_is_named_by_its_leaf(any_log: LogUnderTest, tmp_path: Path) -> None:
    signed_log(any_log, tmp_path, 3)
    rows = any_log.values(TAB)
    write(any_log, SetCells(TAB, 3, 0, (tuple(rows[3]), tuple([""] * len(rows[3])))))
    found = problems(any_log)
    assert any("T-2|leaf 1: its row is gone" in p for p in found), found


def test_unknown_ticket_and_empty_tree(local_log: LogUnderTest, tmp_path: Path) -> None:
    local_log.log.init()
    with pytest.raises(NotFoundError, match="no checkpoint yet"):
        local_log.log.checkpoint()
    signed_log(local_log, tmp_path, 1)
    with pytest.raises(NotFoundError, match="T-404 has no archived row"):
        local_log.log.proof("T-404")


def test_google_proof_costs_two_reads(google_log: LogUnderTest, tmp_path: Path) -> None:
    signed_log(google_log, tmp_path, 4)
    assert google_log.fake is not None
    google_log.fake.calls.clear()
    google_log.log.proof("T-2")
    methods = [c.method_id for c in google_log.fake.calls]
    assert len(methods) == 2 and "spreadsheets.batchUpdate" not in methods
    google_log.fake.calls.clear()
    google_log.log.checkpoint()
    assert len(google_log.fake.calls) == 1


def test_cli_proof_round_trip(local_log: LogUnderTest, tmp_path: Path) -> None:
    signer = signed_log(local_log, tmp_path, 2)
    sheet = ["--sheet", str(local_log.path)]
    runner = CliRunner()
    out = tmp_path / "T-2.tlog-proof"
    result = runner.invoke(cli, ["proof", "T-2", "-o", str(out), *sheet])
    assert result.exit_code == 0, result.output
    pub = tmp_path / "support.pub"
    pub.write_text(f"{signer.verifier}\n")
    result = runner.invoke(cli, ["check-proof", str(out), "--key", str(pub)])
    assert result.exit_code == 0, result.output
    assert "proven: leaf 1 of the tree of 2 that support-team signed" in result.output
    assert "  Ticket ID: T-2" in result.output
    out.write_text(out.read_text().replace("\nindex 1\n", "\nindex 0\n"))
    result = runner.invoke(cli, ["check-proof", str(out), "--key", str(pub)])
    assert result.exit_code == 1 and "NOT proven" in result.output
    checkpoint = tmp_path / "cp.txt"
    result = runner.invoke(cli, ["checkpoint", *sheet])
    checkpoint.write_text(result.output)
    result = runner.invoke(cli, ["verify", "--since", str(checkpoint), *sheet])
    assert result.exit_code == 0, result.output
    assert "and a tree of 2 leaves: intact" in result.output
    result = runner.invoke(cli, ["checkpoint", "--format", "json", *sheet])
    assert '"tree_size": 2' in result.output and '"signed": true' in result.output


def test_timeline_lines_wait_then_are_sealed_by_the_next_pass(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    signer = signed_log(any_log, tmp_path, 2)
    seed(any_log, [entry("T-50", "Open")])
    any_log.log.message("T-50", "Where is my parcel?", at="2025-09-01 10:00")
    any_log.log.message("T-1", "Thanks, all good now", at="2025-09-05 10:00")  # archived
    any_log.log.update("T-50", {"Status": "Pending"})
    waiting = any_log.values("_sheetlog_unsealed")[1:]
    assert [row[1] for row in waiting] == ["T-50", "T-1", "T-50"]
    assert any_log.log.verify().ok  # lines not sealed yet are not problems
    any_log.log.archive(now=NOW, signer=signer)
    assert any_log.values("_sheetlog_unsealed")[1:] == []
    result = any_log.log.verify()
    assert result.ok and result.tree_size == 5
    assert "sealed 3 timeline lines into the tree" in str(any_log.audit())
    # a sealed line edited, another deleted: each named by its leaf
    tab = "Messages 2025-09"
    lines = any_log.values(tab)
    at = next(i for i, row in enumerate(lines) if row[0] == "T-1") + 1
    write(any_log, SetCells(tab, at, 5, (("Still waiting, please refund",),)))
    found = problems(any_log)
    assert any(p.startswith(f"{tab}|T-1|does not match its leaf 3") for p in found), found
    write(any_log, SetCells(tab, at, 5, ((lines[at - 1][5],),)))
    assert any_log.log.verify().ok
    write(any_log, SetCells(tab, at, 0, (tuple("" for _ in lines[at - 1]),)))
    assert any(f"{tab}|T-1|leaf 3: its row is gone" in p for p in problems(any_log))


def test_a_tsa_timestamps_each_checkpoint(any_log: LogUnderTest, tmp_path: Path, tsa: Any) -> None:
    from sheetlog.model.timestamp import check_timestamp

    any_log.log.init()
    any_log.log.keygen(tmp_path / "log.key", "support-team")
    signer = sheetlog.supportlog.read_signer(tmp_path / "log.key")
    seed(any_log, closed(2))
    any_log.log.archive(now=NOW, signer=signer, tsa=tsa.url)
    recorded = any_log.log.checkpoint()
    assert recorded.timestamp is not None
    made = check_timestamp(recorded.timestamp, recorded.note.encode(), tsa.roots_pem)
    assert abs((made - dt.datetime.now(dt.UTC)).total_seconds()) < 120
    assert any_log.log.verify().ok
    # a token over something else, put in its place, is named
    again = any_log.log.checkpoint(signer, tsa.url)  # signed and timestamped anew
    assert again.timestamp is not None and again.timestamp != recorded.timestamp
    from sheetlog.model.timestamp import request_timestamp

    other = base64.b64encode(request_timestamp(b"another note", tsa.url)).decode()
    rows = any_log.values(TREE_TAB)
    at = next(i for i, row in enumerate(rows, 1) if row[0] == "timestamp")
    write(any_log, SetCells(TREE_TAB, at, 1, ((other,),)))
    assert any("the latest checkpoint's timestamp" in p for p in problems(any_log))


def test_an_unreachable_tsa_leaves_the_checkpoint_without_a_token(
    local_log: LogUnderTest, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import socket

    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    local_log.log.init()
    seed(local_log, closed(2))
    url = f"http://127.0.0.1:{port}/tsr"
    assert local_log.log.archive(now=NOW, tsa=url).moved == 2  # rows moving: not held back
    assert f"127.0.0.1:{port}" in caplog.text and "without a timestamp" in caplog.text
    assert local_log.log.checkpoint().timestamp is None
    assert local_log.log.verify().ok
    with pytest.raises(ConfigError, match="give --signing-key too"):
        local_log.log.checkpoint(tsa=url)
    local_log.log.keygen(tmp_path / "k.key", "team")
    signer = sheetlog.supportlog.read_signer(tmp_path / "k.key")
    with pytest.raises(sheetlog.BackendError, match=f"127.0.0.1:{port}"):
        local_log.log.checkpoint(signer, url)  # asked for: a failure is an error


def test_a_lost_tree_tab_stops_sealing_and_is_named(any_log: LogUnderTest, tmp_path: Path) -> None:
    signer = signed_log(any_log, tmp_path, 2)
    seed(any_log, closed(1, start=30))
    for gone in (TREE_TAB, LEAVES_TAB):
        kept = {title: any_log.values(title) for title in (TREE_TAB, LEAVES_TAB)}
        write(any_log, DeleteTab(gone))
        assert any("is gone" in p or "are gone" in p for p in problems(any_log))
        before = any_log.write_marker()
        with pytest.raises(ConfigError, match="nothing was sealed"):
            any_log.log.archive(now=NOW, signer=signer)
        assert any_log.write_marker() == before
        write(any_log, AddTab(gone, tuple(kept[gone][0]), hidden=True))
        write(any_log, AppendRows(gone, tuple(tuple(r) for r in kept[gone][1:])))
        assert any_log.log.verify().ok
    write(any_log, DeleteTab(LEAVES_TAB), DeleteTab(TREE_TAB))  # both: the settings remember
    assert any("the tree's tabs" in p for p in problems(any_log))


def test_verify_since_an_unsigned_checkpoint_kept_before_the_key(
    local_log: LogUnderTest, tmp_path: Path
) -> None:
    local_log.log.init()
    seed(local_log, closed(2))
    local_log.log.archive(now=NOW)
    kept = local_log.log.checkpoint().note  # unsigned: the log had no key yet
    local_log.log.keygen(tmp_path / "k.key", "team")
    signer = sheetlog.supportlog.read_signer(tmp_path / "k.key")
    local_log.log.checkpoint(signer)
    seed(local_log, closed(1, start=40))
    local_log.log.archive(now=NOW, signer=signer)
    assert problems(local_log, since=kept) == []
    forged = kept.replace(kept.split("\n")[2], base64.b64encode(b"\0" * 32).decode())
    assert any("rewritten since the checkpoint of 2" in p for p in problems(local_log, forged))
    result = CliRunner().invoke(
        cli, ["verify", "--since", "checkpont.txt", "--sheet", str(local_log.path)]
    )
    assert result.exit_code == 2 and "--since checkpont.txt: no such file" in result.output


def test_an_edited_row_moved_elsewhere_is_still_named(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    from sheetlog.model.templates import load_template
    from sheetlog.passes.evidence import chain_rows

    signed_log(any_log, tmp_path, 5)
    rows = any_log.values(TAB)
    header = rows[0]
    edited = [list(r) for r in rows[1:]]
    edited[2][header.index("Issue Summary")] = "Never promised a refund"
    rechained = chain_rows(
        load_template("standard"), header, [[*r[:-1], None] for r in edited], None
    )
    order = [0, 1, 3, 4, 2]  # T-3, edited and rechained, moved to the bottom
    write(any_log, SetCells(TAB, 2, 0, tuple(tuple(rechained[i]) for i in order)))
    found = problems(any_log)
    assert any("reordered" in p for p in found)
    assert any("T-3|does not match its leaf 2" in p for p in found), found


def test_archive_tabs_with_nothing_to_seal_are_read_once(
    google_log: LogUnderTest, tmp_path: Path
) -> None:
    google_log.log.init()
    write(google_log, AddTab("Archive 2024-01", ("Ticket ID", "Row Hash")))  # an empty tab
    assert google_log.fake is not None
    google_log.log.archive(now=NOW)  # seals nothing, but writes the empty tree once
    google_log.fake.calls.clear()
    google_log.log.archive(now=NOW)
    whole = {"metadataKey": "sheetlog.tab", "metadataValue": "Archive 2024-01"}
    asked = [
        f["developerMetadataLookup"]
        for c in google_log.fake.calls
        for f in (c.body or {}).get("dataFilters", [])
    ]
    assert whole not in asked  # the tab is not read whole again to seal it
    assert "spreadsheets.batchUpdate" not in [c.method_id for c in google_log.fake.calls]


def test_google_archive_seals_waiting_lines_in_one_more_write(
    google_log: LogUnderTest, tmp_path: Path
) -> None:
    signer = signed_log(google_log, tmp_path, 3)
    seed(google_log, closed(2, start=10))
    google_log.log.message("T-10", "Where is it?", at="2025-09-10 11:00")
    assert google_log.fake is not None
    google_log.fake.calls.clear()
    google_log.log.message("T-10", "Still waiting", at="2025-09-10 11:05")
    assert len(google_log.fake.calls) == 2  # a message: one read, one write
    google_log.fake.calls.clear()
    google_log.log.archive(now=NOW, signer=signer)
    methods = [c.method_id for c in google_log.fake.calls]
    assert methods.count("spreadsheets.batchUpdate") == 3 and len(methods) == 5, methods
    assert google_log.log.verify().tree_size == 3 + 2 + 2


def test_lines_waiting_to_be_sealed_are_checked_against_their_leaves(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    signer = signed_log(any_log, tmp_path, 2)
    any_log.log.message("T-1", "Thanks", at="2025-09-05 10:00")
    any_log.log.archive(now=NOW, signer=signer)  # sealed
    any_log.log.message("T-1", "One more thing", at="2025-09-06 10:00")  # waits, same tab
    assert any_log.log.verify().ok
    tab = "Messages 2025-09"
    lines = any_log.values(tab)
    write(any_log, SetCells(tab, len(lines), 5, (("One more thing, edited",),)))
    found = problems(any_log)
    assert any(f"{tab}|T-1|is not in the tree, and no leaf waits for it" in p for p in found)
    write(any_log, SetCells(tab, len(lines), 5, (("One more thing",),)))
    assert any_log.log.verify().ok
    waiting = any_log.values("_sheetlog_unsealed")
    write(any_log, SetCells("_sheetlog_unsealed", 2, 0, (tuple("" for _ in waiting[1]),)))
    any_log.log.archive(now=NOW, signer=signer)  # its leaf gone: the line is not sealed
    assert any("no leaf waits for it" in p for p in problems(any_log))


def test_lines_written_before_the_tree_join_it_on_the_first_pass(any_log: LogUnderTest) -> None:
    any_log.log.init()
    seed(any_log, closed(2))
    line = ("T-1", "2025-09-02 09:00 UTC", "customer message", "c1", "Email", "Hello", "")
    write(any_log, AppendRows("Messages 2025-09", (line,), header=MESSAGES_HEADER))
    any_log.log.archive(now=NOW)
    leaves = any_log.values(LEAVES_TAB)[1:]
    assert sorted(str(row[1]) for row in leaves) == [TAB, TAB, "Messages 2025-09"]
    assert any_log.log.verify().ok
    write(any_log, SetCells("Messages 2025-09", 2, 5, (("Hello, edited",),)))
    assert any("does not match its leaf" in p for p in problems(any_log))


def test_verify_key_catches_a_signing_key_swapped_in_the_sheet(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    signer = signed_log(any_log, tmp_path, 2)
    owner_key = str(signer.verifier)
    assert any_log.log.verify(key=owner_key).ok
    # an editor makes a key of their own, records it in place of the owner's, re-signs
    forger = Signer.generate("support-team")
    settings = any_log.values("_sheetlog")
    at = next(i for i, row in enumerate(settings, 1) if row[0] == "signing_key")
    write(any_log, SetCells("_sheetlog", at, 1, ((str(forger.verifier),),)))
    any_log.log.checkpoint(forger)
    assert any_log.log.verify().ok  # the sheet's own keys vouch for the forgery
    found = [p.problem for p in any_log.log.verify(key=owner_key).problems]
    assert any("the latest checkpoint" in p for p in found), found
    with pytest.raises(ConfigError, match="--key"):
        any_log.log.verify(key="not a key")


def test_a_timeline_line_has_its_own_proof(any_log: LogUnderTest, tmp_path: Path) -> None:
    signer = signed_log(any_log, tmp_path, 2)
    any_log.log.message("T-2", "The parcel never came", at="2025-09-02 11:00")
    any_log.log.message("T-2", "Refund sent", sender="agent", at="2025-09-02 12:00")
    any_log.log.archive(now=NOW, signer=signer)
    text = any_log.log.proof("T-2", line=2).text()
    document = independent_check(text, signer.verifier.key, "support-team")
    cells = document["cells"]
    assert isinstance(cells, dict) and cells["Text"] == "Refund sent"
    assert "Author" not in cells and document["tab"] == "Messages 2025-09"
    checked = sheetlog.check_proof(text, str(signer.verifier))
    assert checked.row["cells"] == cells
    with pytest.raises(NotFoundError, match="has 2 timeline lines"):
        any_log.log.proof("T-2", line=3)
    with pytest.raises(NotFoundError, match="has 0 timeline lines"):
        any_log.log.proof("T-1", line=1)


def test_audit_keeps_every_signed_checkpoint(any_log: LogUnderTest, tmp_path: Path) -> None:
    signer = signed_log(any_log, tmp_path, 3)
    seed(any_log, closed(1, start=10))
    any_log.log.archive(now=NOW, signer=signer)
    said = [
        m
        for line in any_log.audit()[1:]
        if (m := re.search(r"checkpoint (\d+) (\S+) \((\S+)\) signed (— .*)$", str(line[5])))
    ]
    assert [m[1] for m in said] == ["3", "4"]
    for m in said:  # each one is the signed note, written again from its Audit line
        note = f"{m[3]}\n{m[1]}\n{m[2]}\n\n{m[4]}\n"
        assert open_note(note, signer.verifier).startswith(f"{m[3]}\n{m[1]}\n")
