"""Fixtures: a fresh local log and a fresh fake-Google log, and one ``any_log`` over both."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from google.oauth2.credentials import Credentials

import sheetlog
from sheetlog import SupportLog
from sheetlog.backends.memory import MemoryBackend
from sheetlog.model.sheetdata import Scope
from sheetlog.model.workbook import AUDIT_HEADER
from tests.fakesheets import FakeSheets

pytest_plugins = ("tests.office", "tests.tsa")  # the soffice and tsa fixtures


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries back off for real in production; in tests they must not sleep."""
    monkeypatch.setattr("sheetlog.backends.gauth.sleep", lambda seconds: None)


@pytest.fixture
def fake() -> Iterator[FakeSheets]:
    """The fake Sheets API; every request must match Google's discovery document."""
    with FakeSheets() as sheets:
        yield sheets
        assert sheets.violations == [], "requests that break the Sheets v4 discovery document"


@pytest.fixture
def creds() -> Credentials:
    """Credentials that never refresh: the fake does not check tokens."""
    return Credentials(token="fake-token")


@dataclass
class LogUnderTest:
    """A log on one backend plus the way to look behind it."""

    kind: str
    log: SupportLog
    fake: FakeSheets | None = None
    spreadsheet_id: str = ""
    path: Path | None = None

    def values(self, tab: str) -> list[list[Any]]:
        """What the tab holds, straight from the store (not through sheetlog)."""
        if self.fake is not None:
            return self.fake.values(self.spreadsheet_id, tab)
        if isinstance(self.log.backend, MemoryBackend):
            return self.log.backend.read(Scope.of(tab)).tabs[tab].rows
        assert self.path is not None
        sheet = openpyxl.load_workbook(self.path)[tab]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        for row in rows:
            while row and row[-1] is None:
                row.pop()
        while rows and not rows[-1]:
            rows.pop()
        return rows

    def audit(self) -> list[list[Any]]:
        """The Audit header and every Audit line, across the monthly tabs, oldest first."""
        tabs = sorted(t for t in self.titles() if t == "Audit" or t.startswith("Audit "))
        lines = [row for title in tabs for row in self.values(title)[1:]]
        return [list(AUDIT_HEADER), *lines]

    def titles(self) -> list[str]:
        """The tab titles, in order."""
        if self.fake is not None:
            return self.fake.titles(self.spreadsheet_id)
        if isinstance(self.log.backend, MemoryBackend):
            return list(self.log.backend.sheets)
        assert self.path is not None
        return openpyxl.load_workbook(self.path).sheetnames

    def write_marker(self) -> int:
        """A number that changes whenever the store is written (batchUpdates, file saves)."""
        if self.fake is not None:
            return self.fake.count("spreadsheets.batchUpdate")
        if isinstance(self.log.backend, MemoryBackend):
            return self.log.backend.writes
        assert self.path is not None
        return self.path.stat().st_mtime_ns if self.path.exists() else 0


def open_local(tmp_path: Path) -> LogUnderTest:
    path = tmp_path / "support-log.xlsx"
    return LogUnderTest("local", sheetlog.open(path), path=path)


def open_google(fake: FakeSheets, creds: Credentials) -> LogUnderTest:
    sid = fake.create_spreadsheet("Support Log", tabs=["Sheet1"])
    return LogUnderTest("google", sheetlog.open(f"gsheet:{sid}", credentials=creds), fake, sid)


@pytest.fixture(params=["local", "google", "memory"])
def any_log(request: pytest.FixtureRequest, tmp_path: Path) -> LogUnderTest:
    """The same test on every backend: the contract suite."""
    if request.param == "local":
        return open_local(tmp_path)
    if request.param == "memory":
        return LogUnderTest("memory", SupportLog(MemoryBackend()))
    return open_google(request.getfixturevalue("fake"), request.getfixturevalue("creds"))


@pytest.fixture
def google_log(fake: FakeSheets, creds: Credentials) -> LogUnderTest:
    """A fresh, uninitialised log on the fake Google API."""
    return open_google(fake, creds)


@pytest.fixture
def local_log(tmp_path: Path) -> LogUnderTest:
    """A fresh, uninitialised local workbook."""
    return open_local(tmp_path)
