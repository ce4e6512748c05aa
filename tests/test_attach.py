"""`attach`: files kept once by their SHA-256 beside the log, linked from a timeline line
sealed into the tree; `verify` names a kept file that went missing or changed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheetlog.cli import cli
from sheetlog.errors import InvalidInput, NotFoundError
from sheetlog.model.sheetdata import Link
from tests.conftest import LogUnderTest
from tests.logdata import entry, seed
from tests.office import convert
from tests.test_tree import NOW, signed_log


def files(tmp_path: Path) -> tuple[Path, Path]:
    label = tmp_path / "RMA label.pdf"
    label.write_bytes(b"%PDF-1.4 a label")
    photo = tmp_path / "photo.PNG"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n pixels")
    return label, photo


def kept(target: LogUnderTest) -> dict[str, bytes]:
    """Every attachment the log keeps, by stored name, straight from where it is kept."""
    backend = target.log.backend
    if target.fake is not None:
        return {f["name"]: f["content"] for f in target.fake.drive_files() if "content" in f}
    if target.path is not None:
        folder = target.path.parent / "support-log-attachments"
        return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.exists() else {}
    return {name: data for store in backend.files.values() for name, data in store.items()}  # type: ignore[attr-defined]


def test_files_are_kept_by_hash_and_linked_from_the_timeline(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    any_log.log.init()
    seed(any_log, [entry("T-1", "Open")])
    label, photo = files(tmp_path)
    lines = any_log.log.attach("T-1", [label, photo], at="2025-09-01 12:00")
    digest = hashlib.sha256(label.read_bytes()).hexdigest()
    assert lines[0].text == f"attached RMA label.pdf (16 bytes, sha256 {digest})"
    assert isinstance(lines[0].attachment, Link) and lines[0].attachment == "RMA label.pdf"
    stored = kept(any_log)
    assert stored[f"{digest}.pdf"] == label.read_bytes()
    photo_digest = hashlib.sha256(photo.read_bytes()).hexdigest()
    assert stored[f"{photo_digest}.png"] == photo.read_bytes()
    messages = any_log.values("Messages 2025-09")
    assert [row[5] for row in messages[1:]] == [lines[0].text, lines[1].text]
    assert [row[6] for row in messages[1:]] == ["RMA label.pdf", "photo.PNG"]  # reads as text
    assert [row[2] for row in messages[1:]] == ["internal note"] * 2
    assert any_log.log.verify().ok
    any_log.log.attach("T-1", [label], at="2025-09-02 12:00")  # the same bytes: kept once
    assert len(kept(any_log)) == 2


def test_a_missing_or_changed_attachment_is_named_by_verify(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    signer = signed_log(any_log, tmp_path, 1)
    label, photo = files(tmp_path)
    any_log.log.attach("T-1", [label, photo], at="2025-09-03 12:00")  # an archived ticket
    any_log.log.archive(now=NOW, signer=signer)
    assert any_log.log.verify().ok
    digest = hashlib.sha256(label.read_bytes()).hexdigest()
    photo_digest = hashlib.sha256(photo.read_bytes()).hexdigest()
    if any_log.fake is not None:
        ids = {f["name"]: f["id"] for f in any_log.fake.drive_files()}
        any_log.fake.replace_drive_bytes(ids[f"{digest}.pdf"], b"%PDF-1.4 another label")
        any_log.fake.trash_drive_file(ids[f"{photo_digest}.png"])
    elif any_log.path is not None:
        folder = any_log.path.parent / "support-log-attachments"
        (folder / f"{digest}.pdf").write_bytes(b"%PDF-1.4 another label")
        (folder / f"{photo_digest}.png").unlink()
    else:
        store = next(iter(any_log.log.backend.files.values()))  # type: ignore[attr-defined]
        store[f"{digest}.pdf"] = b"%PDF-1.4 another label"
        del store[f"{photo_digest}.png"]
    found = [(p.ticket_id, p.problem) for p in any_log.log.verify().problems]
    changed = hashlib.sha256(b"%PDF-1.4 another label").hexdigest()
    assert found == [
        ("T-1", f"attachment RMA label.pdf was changed: its bytes hash to sha256 {changed}"),
        (
            "T-1",
            f"attachment photo.PNG is missing (no {photo_digest}.png where the log keeps them)",
        ),
    ]


def test_bad_files_and_tickets_write_nothing(any_log: LogUnderTest, tmp_path: Path) -> None:
    any_log.log.init()
    seed(any_log, [entry("T-1", "Open")])
    label, _ = files(tmp_path)
    before = any_log.write_marker()
    unreadable = r'FILE: ".*nowhere.pdf" is not a file sheetlog can read'
    with pytest.raises(InvalidInput, match=unreadable):
        any_log.log.attach("T-1", [label, tmp_path / "nowhere.pdf"])
    with pytest.raises(NotFoundError, match='no ticket "T-404"'):
        any_log.log.attach("T-404", [label])
    big = tmp_path / "big.bin"
    big.write_bytes(b"\0" * 1024)
    from sheetlog.passes.attachments import read_files

    with pytest.raises(InvalidInput, match="a file of at most 0 MB"):
        read_files([big], limit=100)
    assert any_log.write_marker() == before
    assert kept(any_log) == {}


def test_a_workbook_link_is_a_hyperlink_not_a_formula(
    local_log: LogUnderTest, tmp_path: Path
) -> None:
    local_log.log.init()
    seed(local_log, [entry("T-1", "Open")])
    label, photo = files(tmp_path)
    local_log.log.attach("T-1", [label], at="2025-09-01 12:00")
    local_log.log.attach("T-1", [photo], at="2025-09-01 12:05")  # a second, patched in
    assert local_log.path is not None
    sheet = openpyxl.load_workbook(local_log.path)["Messages 2025-09"]
    cells = [sheet["G2"], sheet["G3"]]
    assert [c.value for c in cells] == ["RMA label.pdf", "photo.PNG"]  # text, not formulas
    digests = [hashlib.sha256(f.read_bytes()).hexdigest() for f in (label, photo)]
    assert [c.hyperlink.target for c in cells] == [
        f"support-log-attachments/{digests[0]}.pdf",
        f"support-log-attachments/{digests[1]}.png",
    ]


def test_libreoffice_keeps_the_links(
    local_log: LogUnderTest, soffice: list[str], tmp_path: Path
) -> None:
    local_log.log.init()
    seed(local_log, [entry("T-1", "Open")])
    label, photo = files(tmp_path)
    local_log.log.attach("T-1", [label, photo], at="2025-09-01 12:00")
    assert local_log.path is not None
    saved = tmp_path / "saved"
    convert(soffice, local_log.path, "xlsx", saved)  # opened in LibreOffice and saved
    sheet = openpyxl.load_workbook(saved / local_log.path.name)["Messages 2025-09"]
    targets = [c.hyperlink.target for c in (sheet["G2"], sheet["G3"])]
    digests = [hashlib.sha256(f.read_bytes()).hexdigest() for f in (label, photo)]
    assert targets == [  # relative to where it was saved: the same files
        f"../support-log-attachments/{digests[0]}.pdf",
        f"../support-log-attachments/{digests[1]}.png",
    ]


def test_cli_attach(local_log: LogUnderTest, tmp_path: Path) -> None:
    local_log.log.init()
    seed(local_log, [entry("T-1", "Open")])
    label, _ = files(tmp_path)
    result = CliRunner().invoke(
        cli, ["attach", "T-1", str(label), "--from", "customer", "--sheet", str(local_log.path)]
    )
    assert result.exit_code == 0, result.output
    assert "T-1: attached RMA label.pdf (16 bytes, sha256 " in result.output
    result = CliRunner().invoke(
        cli, ["attach", "T-1", str(tmp_path / "no.pdf"), "--sheet", str(local_log.path)]
    )
    assert result.exit_code == 1 and "no.pdf" in result.output


def test_google_a_changed_copy_of_a_file_attached_twice_is_named(
    google_log: LogUnderTest, tmp_path: Path
) -> None:
    google_log.log.init()
    seed(google_log, [entry("T-1", "Open")])
    label, _ = files(tmp_path)
    google_log.log.attach("T-1", [label], at="2025-09-01 12:00")
    google_log.log.attach("T-1", [label], at="2025-09-02 12:00")
    assert google_log.fake is not None
    digest = hashlib.sha256(label.read_bytes()).hexdigest()
    copies = [f for f in google_log.fake.drive_files() if f["name"] == f"{digest}.pdf"]
    assert len(copies) == 2
    google_log.fake.replace_drive_bytes(copies[0]["id"], b"%PDF-1.4 forged")
    found = [p.problem for p in google_log.log.verify().problems]
    assert found and all("was changed" in p for p in found)
