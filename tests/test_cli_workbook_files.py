"""Workbooks sheetlog cannot use, files it leaves on disk and their permissions: one line
and exit 2 instead of a traceback, nothing changed, nothing left behind."""

from __future__ import annotations

import os
import stat
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from sheetlog.backends.local import STALE_TEMP_SECONDS
from sheetlog.cli import cli
from sheetlog.model.workbook import LEGACY_AUDIT_TAB, audit_tab

ENTRY = ["-f", "Customer=ORD789456", "-f", "Agent=Maya", "-f", "Issue Summary=Parcel late"]


def invoke(book: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--sheet", str(book)])


def one_line(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert result.stdout == ""
    return lines[0]


def workbook(tmp_path: Path) -> Path:
    book = tmp_path / "support-log.xlsx"
    assert invoke(book, "init").exit_code == 0
    assert invoke(book, "append", *ENTRY).exit_code == 0
    return book


def log_rows(book: Path) -> int:
    return openpyxl.load_workbook(book)["Log"].max_row


# --- files that are not workbooks ----------------------------------------------------------


def _empty(path: Path, good: bytes) -> None:
    path.touch()


def _csv(path: Path, good: bytes) -> None:
    path.write_text("Ticket ID,Customer\nT-1,Ann\n")


def _truncated(path: Path, good: bytes) -> None:
    path.write_bytes(good[: len(good) // 2])


@pytest.mark.parametrize("spoil", [_empty, _csv, _truncated], ids=["0-byte", "csv", "truncated"])
@pytest.mark.parametrize("command", [["init"], ["append", *ENTRY], ["validate"], ["status"]])
def test_a_file_that_is_no_workbook_is_one_line(
    tmp_path: Path, spoil: object, command: list[str]
) -> None:
    good = workbook(tmp_path / "good").read_bytes()
    path = tmp_path / "x.xlsx"
    spoil(path, good)  # type: ignore[operator]
    before = path.read_bytes()
    assert "is not a readable .xlsx workbook" in one_line(invoke(path, *command))
    assert path.read_bytes() == before


# --- files and folders sheetlog may not write ------------------------------------------------


def test_a_read_only_workbook_is_refused_and_kept(tmp_path: Path) -> None:
    book = workbook(tmp_path)
    os.chmod(book, 0o444)
    try:
        before = book.read_bytes()
        rows = tmp_path / "rows.csv"
        rows.write_text(
            "Customer,Agent,Issue Summary,Contact Start\nAnn,Sam,Late,2025-11-02 08:00\n"
        )
        for command in (["append", *ENTRY], ["import", str(rows)]):
            line = one_line(invoke(book, *command))
            assert line == f"sheetlog: {book} is read-only; nothing was written", command
        assert book.read_bytes() == before
        assert stat.S_IMODE(book.stat().st_mode) == 0o444
        assert invoke(book, "find", "--customer", "ORD789456").exit_code == 0  # reading is fine
    finally:
        os.chmod(book, 0o644)


def test_a_folder_it_cannot_write_in_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = workbook(tmp_path)
    before = book.read_bytes()

    def denied(*args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", denied)  # as in a read-only folder
    line = one_line(invoke(book, "append", *ENTRY))
    assert line == (f"sheetlog: cannot write in {tmp_path}: Permission denied; nothing was written")
    assert book.read_bytes() == before


def test_a_rename_the_folder_refuses_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = workbook(tmp_path)
    before = book.read_bytes()

    def denied(source: object, target: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", denied)
    line = one_line(invoke(book, "append", *ENTRY))
    assert line == f"sheetlog: cannot write {book}: Permission denied; nothing was written"
    assert book.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]


# --- workbook states -------------------------------------------------------------------------


@pytest.mark.parametrize("tab", ["monthly", LEGACY_AUDIT_TAB])
def test_a_deleted_audit_tab_comes_back_on_the_next_write(tmp_path: Path, tab: str) -> None:
    book = workbook(tmp_path)
    wb = openpyxl.load_workbook(book)
    if tab == LEGACY_AUDIT_TAB:  # a log from before the monthly tabs, its one Audit tab gone
        wb.create_sheet(LEGACY_AUDIT_TAB)
    for title in [t for t in wb.sheetnames if t.startswith("Audit")]:
        wb.remove(wb[title])
    wb.save(book)
    appended = invoke(book, "append", *ENTRY)
    assert appended.exit_code == 0, appended.output
    summed = invoke(book, "summary", "--month", "2025-10")
    assert summed.exit_code == 0, summed.output
    lines = list(openpyxl.load_workbook(book)[audit_tab(datetime.now(UTC))].values)
    assert lines[0][:3] == ("When", "Who", "Command")
    assert [line[2] for line in lines[1:]] == ["append", "summary"]


def test_a_stray_value_in_the_last_row_is_one_line(tmp_path: Path) -> None:
    book = workbook(tmp_path)
    wb = openpyxl.load_workbook(book)
    wb["Log"].cell(1048576, 3, "stray")
    wb.save(book)
    before = book.read_bytes()
    line = one_line(invoke(book, "append", *ENTRY))
    assert line.startswith("sheetlog: no room for a row in the \"Log\" tab: C1048576 holds 'stray'")
    assert "delete that value (or archive rows) and run again; nothing was written" in line
    csv_file = tmp_path / "rows.csv"
    csv_file.write_text(
        "Customer,Agent,Issue Summary,Contact Start\n"
        "Ann,Sam,Late,2025-11-02 08:00\nBo,Sam,Lost,2025-11-02 09:00\n"
    )
    assert "no room for 2 rows" in one_line(invoke(book, "import", str(csv_file)))
    assert book.read_bytes() == before


# --- what is left on disk --------------------------------------------------------------------


def test_a_new_workbook_gets_the_umask_s_permissions(tmp_path: Path) -> None:
    old = os.umask(0o002)  # a shared folder's teammates can open and write it
    try:
        book = tmp_path / "team" / "support-log.xlsx"
        assert invoke(book, "init").exit_code == 0
        assert stat.S_IMODE(book.stat().st_mode) == 0o664
        lock = book.with_name(f".{book.name}.sheetlog-lock")  # teammates' runs lock it too
        assert stat.S_IMODE(lock.stat().st_mode) == 0o664
        os.umask(0o077)
        private = tmp_path / "mine.xlsx"
        assert invoke(private, "init").exit_code == 0
        assert stat.S_IMODE(private.stat().st_mode) == 0o600
    finally:
        os.umask(old)
    os.chmod(book, 0o640)  # a mode someone chose is kept on every later write
    assert invoke(book, "append", *ENTRY).exit_code == 0
    assert stat.S_IMODE(book.stat().st_mode) == 0o640


def test_the_next_write_removes_temp_files_a_killed_run_left(tmp_path: Path) -> None:
    book = workbook(tmp_path)
    old = time.time() - STALE_TEMP_SECONDS - 60
    stale = tmp_path / ".support-log.k1ll3d_9.tmp"
    fresh = tmp_path / ".support-log.running1.tmp"  # another run's, still at work
    other = tmp_path / ".support-log-2.abcdefgh.tmp"  # another workbook's
    mine = tmp_path / "support-log.abcdefgh.tmp"  # not sheetlog's name
    for path in (stale, fresh, other, mine):
        path.write_bytes(b"PK half a package")
        os.utime(path, (old, old))
    os.utime(fresh, None)
    assert invoke(book, "append", *ENTRY).exit_code == 0
    assert not stale.exists()
    assert fresh.exists() and other.exists() and mine.exists()


def test_a_mistyped_path_leaves_no_folder_and_no_lock_file(tmp_path: Path) -> None:
    workbook(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    for target in (tmp_path / "suport-log.xlsx", tmp_path / "no" / "such" / "log.xlsx"):
        for command in (["append", *ENTRY], ["validate"], ["archive"], ["summary"]):
            line = one_line(invoke(target, *command))
            assert (
                line == f'sheetlog: {target} is not a sheetlog log yet: run "sheetlog init" first'
            )
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_init_still_makes_the_folder_of_a_new_workbook(tmp_path: Path) -> None:
    book = tmp_path / "new" / "folder" / "support-log.xlsx"
    assert invoke(book, "init").exit_code == 0
    assert invoke(book, "append", *ENTRY).exit_code == 0
    assert log_rows(book) == 2
