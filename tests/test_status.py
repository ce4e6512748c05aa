"""`status` on both backends: rows, open by age, archive tabs, cells, the last changes."""

from __future__ import annotations

import re
import zipfile
from datetime import timedelta
from pathlib import Path

import openpyxl
from google.oauth2.credentials import Credentials

import sheetlog
from sheetlog.model.sheetdata import Scope
from sheetlog.render.queries import render_status
from sheetlog.rules.cells import format_timestamp
from tests.conftest import LogUnderTest
from tests.fakesheets import FakeSheets
from tests.logdata import entry, seed
from tests.opsdata import NOW, one_read, seed_sample


def test_figures(any_log: LogUnderTest) -> None:
    seed_sample(any_log)
    # on Google: the tabs listed with their sizes, then Log, Audit and the index read
    status = one_read(any_log, lambda: any_log.log.status(now=NOW), calls=2)
    document = status.to_dict()
    assert list(document) == [
        "log_rows",
        "open",
        "open_by_age",
        "archive_tabs",
        "cells_used",
        "cell_limit",
        "last_changes",
    ]
    assert document["log_rows"] == 5
    assert document["open"] == 4
    assert document["open_by_age"] == {"0-2d": 1, "3-7d": 1, "8-30d": 1, ">30d": 1}
    assert document["archive_tabs"] == {"Archive 2025-09": 1, "Archive 2025-10": 1}
    assert document["cell_limit"] == 10_000_000
    changes = document["last_changes"]
    assert [line["command"] for line in changes] == ["update", "update", "archive", "init"]
    assert changes[0]["details"] == "T-033: Customer Ann -> Anne"  # the newest first
    assert "warning" not in render_status(status)
    # cells: every tab's allocated grid
    used = document["cells_used"]
    if any_log.fake is not None:
        expected = sum(
            sheet["properties"]["gridProperties"]["rowCount"]
            * sheet["properties"]["gridProperties"]["columnCount"]
            for sheet in (any_log.fake.sheet(any_log.spreadsheet_id, t) for t in any_log.titles())
        )
    elif any_log.path is not None:
        book = openpyxl.load_workbook(any_log.path)
        expected = sum(sheet.max_row * sheet.max_column for sheet in book.worksheets)
    else:
        snapshot = any_log.log.backend.read(Scope.all())
        expected = sum(tab.grid_rows * tab.grid_columns for tab in snapshot.tabs.values())
    assert used == expected > 0


def test_open_tickets_by_whole_days_of_age(local_log: LogUnderTest) -> None:
    ages = [
        timedelta(days=2, hours=23),
        timedelta(days=3),
        timedelta(days=7, hours=23),
        timedelta(days=8),
        timedelta(days=30, hours=23),
        timedelta(days=31),
        -timedelta(hours=1),  # a clock a little ahead counts as new
    ]
    rows = [
        entry(f"T-{n}", Contact_Start=format_timestamp(NOW - age), Contact_End="")
        for n, age in enumerate(ages)
    ]
    seed(
        local_log,
        [
            *rows,
            entry("T-x", Contact_Start="not a time", Contact_End=""),
            entry("T-c", "Closed", Contact_Start="2025-01-01 09:00 UTC", Contact_End=""),
        ],
    )
    status = local_log.log.status(now=NOW)
    assert status.open_by_age == {"0-2d": 2, "3-7d": 2, "8-30d": 2, ">30d": 1}
    assert (status.log_rows, status.open, status.open_unknown_age) == (9, 8, 1)
    assert "(1 open with no readable Contact Start)" in render_status(status)


def test_a_warning_from_80_percent_of_googles_cell_limit(
    fake: FakeSheets, creds: Credentials
) -> None:
    sid = fake.create_spreadsheet("Big", tabs=["Sheet1"], rows=8_000, cols=1_000)
    log = sheetlog.open(f"gsheet:{sid}", credentials=creds)
    log.init()
    status = log.status(now=NOW)
    assert status.cells_used >= 8_000_000
    assert "warning: the spreadsheet is past 80% of Google's cell limit" in render_status(status)


def test_tabs_saved_without_a_declared_size_are_measured(tmp_path: Path) -> None:
    path = tmp_path / "log.xlsx"
    sheetlog.open(path).init()
    book = openpyxl.load_workbook(path)
    notes = book.create_sheet("Notes")
    for n in range(1, 302):
        notes.append([n, "x", None, f"note {n}"])
    book.save(path)
    expected = sum(sheet.max_row * sheet.max_column for sheet in book.worksheets)
    # as a program that declares no used range (openpyxl's write-only mode) saves it
    data = {}
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            data[name] = package.read(name)
    stripped = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in data.items():
            if name.startswith("xl/worksheets/sheet"):
                content, count = re.subn(rb"<dimension [^>]*/>", b"", content)
                stripped += count
            package.writestr(name, content)
    assert stripped == len(book.worksheets)
    assert sheetlog.open(path).status(now=NOW).cells_used == expected
