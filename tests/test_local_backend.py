"""The local workbook backend: locks, atomic saves, text stays text, ragged reads."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from pathlib import Path
from typing import BinaryIO

import openpyxl
import pytest

from sheetlog.backends import xlsxpatch
from sheetlog.backends.local import LocalBackend
from sheetlog.errors import AccessError, BackendError, LockedError
from sheetlog.model.ops import AddTab, AppendRows, DeleteRowsIfUnchanged, MarkCells, Op, SetCells
from sheetlog.model.sheetdata import Scope


@pytest.fixture
def book(tmp_path: Path) -> LocalBackend:
    backend = LocalBackend(tmp_path / "log.xlsx")
    backend.write([AddTab("Log", ("A", "B", "C"))])
    return backend


@pytest.mark.parametrize("lock_name", ["~$log.xlsx", ".~lock.log.xlsx#"])
def test_refuses_to_write_while_office_has_the_file_open(
    book: LocalBackend, lock_name: str
) -> None:
    (book.path.parent / lock_name).write_text("someone")
    before = book.path.read_bytes()
    with pytest.raises(LockedError, match="open in Excel or LibreOffice"):
        book.write([AppendRows("Log", (("x",),))])
    assert book.path.read_bytes() == before


def _hold_lock(
    path: str, ready: multiprocessing.synchronize.Event, done: multiprocessing.synchronize.Event
) -> None:  # type: ignore[name-defined]
    backend = LocalBackend(Path(path))
    with backend.transaction():
        ready.set()
        done.wait(10)


def test_a_second_run_waits_then_refuses_while_another_holds_the_lock(
    book: LocalBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sheetlog.backends.local.LOCK_WAIT_SECONDS", 0.3)
    ctx = multiprocessing.get_context("fork")
    ready, done = ctx.Event(), ctx.Event()
    other = ctx.Process(target=_hold_lock, args=(str(book.path), ready, done))
    other.start()
    try:
        assert ready.wait(5)
        with pytest.raises(LockedError, match="another sheetlog run"):
            book.write([AppendRows("Log", (("x",),))])
    finally:
        done.set()
        other.join(5)
    book.write([AppendRows("Log", (("x",),))])
    assert book.read(Scope.all()).tabs["Log"].rows[-1] == ["x"]


@pytest.mark.parametrize("writer", ["patch", "openpyxl"])
def test_a_failed_save_leaves_the_file_and_folder_as_they_were(
    book: LocalBackend, monkeypatch: pytest.MonkeyPatch, writer: str
) -> None:
    before = book.path.read_bytes()

    def explode(self: object, target: BinaryIO, *args: object) -> None:
        target.write(b"PK half a package")
        raise OSError("disk full")

    if writer == "patch":
        monkeypatch.setattr(xlsxpatch, "patch", lambda source, target, ops: explode(0, target))
        op: Op = AppendRows("Log", (("x",),))
    else:
        monkeypatch.setattr(openpyxl.Workbook, "save", explode)
        op = DeleteRowsIfUnchanged("Log", (("nothing",),))  # only openpyxl deletes rows
    with pytest.raises(AccessError, match=r"log\.xlsx: disk full; nothing was written"):
        book.write([op])
    assert book.path.read_bytes() == before
    assert sorted(
        p.name for p in book.path.parent.iterdir() if not p.name.startswith(".log.xlsx.sheetlog")
    ) == ["log.xlsx"]


def test_refuses_to_overwrite_a_file_saved_by_someone_else_meanwhile(book: LocalBackend) -> None:
    with pytest.raises(BackendError, match="changed by another program"), book.transaction():
        book.read(Scope.all())
        other = openpyxl.load_workbook(book.path)
        other["Log"]["A5"] = "typed in Excel"
        other.save(book.path)
        book.write([AppendRows("Log", (("x",),))])
    assert openpyxl.load_workbook(book.path)["Log"]["A5"].value == "typed in Excel"


def test_text_that_looks_like_a_formula_is_stored_as_text(book: LocalBackend) -> None:
    evil = ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)", '=IMPORTXML("http://x","//a")']
    book.write([AppendRows("Log", (tuple(evil),))])
    sheet = openpyxl.load_workbook(book.path)["Log"]
    assert [c.data_type for c in sheet[2]] == ["s"] * len(evil)
    assert [c.value for c in sheet[2]] == evil


def test_reads_are_ragged_and_typed_cells_come_back_typed(book: LocalBackend) -> None:
    sheet_book = openpyxl.load_workbook(book.path)
    sheet = sheet_book["Log"]
    sheet["A2"] = dt.datetime(2023, 11, 15, 14, 30)
    sheet["B2"] = 123
    sheet["A4"] = "after a blank row"
    sheet["C9"].number_format = "@"  # a format alone is not content
    sheet_book.save(book.path)
    rows = book.read(Scope.all()).tabs["Log"].rows
    assert rows == [
        ["A", "B", "C"],
        [dt.datetime(2023, 11, 15, 14, 30), 123],
        [],
        ["after a blank row"],
    ]


def test_append_goes_below_the_last_row_with_content(book: LocalBackend) -> None:
    book.write([SetCells("Log", 2, 0, (("one",),)), SetCells("Log", 4, 2, (("far note",),))])
    book.write([AppendRows("Log", (("two", "b"),))])
    rows = book.read(Scope.all()).tabs["Log"].rows
    assert rows[4] == ["two", "b"]
    assert rows[3] == [None, None, "far note"]


def test_writes_in_one_transaction_are_saved_once_or_not_at_all(book: LocalBackend) -> None:
    before = book.path.read_bytes()
    with pytest.raises(RuntimeError), book.transaction():
        book.write([AppendRows("Log", (("first",),))])
        assert book.read(Scope.all()).tabs["Log"].rows[-1] == ["first"]  # visible inside the pass
        assert book.path.read_bytes() == before  # not saved yet
        raise RuntimeError("killed between two steps")
    assert book.path.read_bytes() == before
    with book.transaction():
        book.write([AppendRows("Log", (("one",),))])
        book.write([AppendRows("Log", (("two",),))])
    assert [r[0] for r in book.read(Scope.all()).tabs["Log"].rows[1:]] == ["one", "two"]


def test_conditional_delete_removes_unchanged_rows_and_keeps_styles_in_place(
    book: LocalBackend,
) -> None:
    rows = tuple((f"T-{i}", f"c{i}") for i in range(1, 8))
    book.write([AppendRows("Log", rows), MarkCells("Log", 6, (1,), True)])
    book.write([DeleteRowsIfUnchanged("Log", (rows[0], rows[2], rows[3], ("T-6", "edited")))])
    assert [r[0] for r in book.read(Scope.all()).tabs["Log"].rows[1:]] == [
        "T-2",
        "T-5",
        "T-6",
        "T-7",
    ]
    sheet = openpyxl.load_workbook(book.path)["Log"]
    assert sheet["A3"].value == "T-5"
    assert sheet["B3"].fill.fgColor.rgb.endswith("F4CCCC")  # the mark moved up with T-5
