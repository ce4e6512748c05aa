"""``archive --archive-to``: the live log remembers where its archives went and treats
them as its own (uniqueness, find, summary, status, verify), and a pass interrupted after
writing there is finished, not repeated or left in both places."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from google.oauth2.credentials import Credentials

import sheetlog
from sheetlog import SupportLog
from sheetlog.errors import ConfigError, InvalidValue
from sheetlog.model.ops import SetCells
from sheetlog.model.sheetdata import Scope
from sheetlog.model.workbook import SETTINGS_TAB
from sheetlog.passes.archive import STAGING_TAB
from tests.conftest import LogUnderTest, open_google, open_local
from tests.fakesheets import FakeSheets
from tests.logdata import HEADER, entry, seed

NOW = dt.datetime(2025, 11, 20, 12, 0, tzinfo=dt.UTC)


def sample() -> list[tuple[str, ...]]:
    return [
        entry("T-01", "Resolved", "2025-09-02 10:00 UTC"),
        entry("T-02"),
        entry("T-03", "Closed", "2025-10-31 23:30 UTC"),
        entry("T-07", "Resolved", "2025-09-01 11:00 UTC"),
    ]


def tickets(target: LogUnderTest, tab: str = "Log") -> list[str]:
    return [row[0] for row in target.values(tab)[1:] if row and row[0]]


def archived_to(tmp_path: Path, any_log: LogUnderTest) -> SupportLog:
    """The sample, archived into a workbook beside the test's folder."""
    seed(any_log, sample())
    elsewhere = sheetlog.open(tmp_path / "archives" / "archive-2025.xlsx")
    result = any_log.log.archive(now=NOW, archive_to=elsewhere)
    assert result.moved == 3 and tickets(any_log) == ["T-02"]
    return elsewhere


def test_the_live_log_remembers_where_it_archived(any_log: LogUnderTest, tmp_path: Path) -> None:
    archived_to(tmp_path, any_log)
    settings = {row[0]: row[1] for row in any_log.values(SETTINGS_TAB)[1:] if len(row) > 1}
    where = settings["archive_log"]
    if any_log.kind == "local":  # beside a workbook: relative, as a shared folder moves
        assert where == str(Path("archives") / "archive-2025.xlsx")
    else:
        assert Path(where).is_absolute() and where.endswith("archive-2025.xlsx")


def test_archived_tickets_elsewhere_stay_unique(any_log: LogUnderTest, tmp_path: Path) -> None:
    archived_to(tmp_path, any_log)
    log = any_log.log
    again = dict(zip(HEADER, entry("T-01", "Resolved", "2025-09-02 10:00 UTC"), strict=True))
    imported = log.import_rows([again])
    assert imported.added == [] and imported.skipped == [("item 1", "T-01")]
    with pytest.raises(InvalidValue, match=r"T-03.*archive-2025\.xlsx"):
        log.append({"Ticket ID": "T-03", "Customer": "Zed", "Agent": "S", "Issue Summary": "z"})
    any_log.log.backend.write([SetCells("Log", 3, 0, (entry("T-07", "Open"),))])
    report = log.validate(flag=False, now=NOW)
    duplicate = [p for p in report.problems if p.code == "duplicate_id"]
    assert len(duplicate) == 1 and "archive-2025.xlsx" in duplicate[0].message


def test_find_summary_status_export_and_verify_see_them(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    elsewhere = archived_to(tmp_path, any_log)
    log = any_log.log
    found = log.find(ticket="T-01").rows
    assert len(found) == 1 and "archive-2025.xlsx" in found[0]["tab"]
    assert log.summary("2025-09", write=False).by_status["Resolved"] == 2
    assert sum(log.status(now=NOW).archive_tabs.values()) == 3
    assert sorted(log.export(tabs="archives")["Ticket ID"]) == ["T-01", "T-03", "T-07"]
    assert log.verify().checked == 3 and log.verify().ok
    elsewhere.backend.write([SetCells("Archive 2025-09", 2, 7, (("rewritten",),))])
    problems = log.verify().problems
    assert [(p.ticket_id, p.problem) for p in problems] == [("T-07", "edited after archiving")]


def test_a_digest_of_chains_elsewhere_checks_them(any_log: LogUnderTest, tmp_path: Path) -> None:
    from sheetlog.passes.evidence import digest_line

    elsewhere = archived_to(tmp_path, any_log)
    line = digest_line(any_log.log.verify().heads)
    assert any_log.log.verify(against=line).ok
    elsewhere.backend.write([SetCells("Archive 2025-10", 2, 7, (("rewritten",),))])
    assert not any_log.log.verify(against=line).ok


def test_a_missing_archive_workbook_is_named(any_log: LogUnderTest, tmp_path: Path) -> None:
    archived_to(tmp_path, any_log)
    (tmp_path / "archives" / "archive-2025.xlsx").unlink()
    fresh = SupportLog(any_log.log.backend)
    with pytest.raises(ConfigError, match=r"archive-2025\.xlsx.*missing"):
        fresh.find(ticket="T-01")


class Killed(Exception):
    """The live log's last write never landed."""


def test_a_workbook_whose_save_failed_after_the_archive_write_is_finished_next_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = open_local(tmp_path)
    seed(live, sample())
    elsewhere = sheetlog.open(tmp_path / "archive-2025.xlsx")
    real = os.replace
    live_path = live.path

    def fail_for_the_live_log(source: Any, destination: Any) -> None:
        if Path(destination) == live_path:
            raise Killed("disk full")  # the backend drops its pending file
        real(source, destination)

    with monkeypatch.context() as patched:
        patched.setattr(os, "replace", fail_for_the_live_log)
        with pytest.raises(Killed):
            live.log.archive(now=NOW, archive_to=elsewhere)
    assert sorted(tickets(live)) == ["T-01", "T-02", "T-03", "T-07"]  # in both, for now
    flags = [  # as a validate that knew of the archive would have flagged them
        SetCells("Log", row, HEADER.index("Validation"), (("Ticket ID: also archived",),))
        for row, ticket in enumerate(tickets(live), start=2)
        if ticket != "T-02"
    ]
    live.log.backend.write(flags)
    again = live.log.archive(now=NOW, archive_to=elsewhere)
    assert again.finished == 3 and again.moved == 0 and again.kept_invalid == 0
    assert again.finished_line == "finished an interrupted pass: 3 rows"
    assert tickets(live) == ["T-02"]
    assert not live.log.validate(flag=False, now=NOW).errors
    assert sorted(r["Ticket ID"] for r in live.log.find().rows) == ["T-01", "T-02", "T-03", "T-07"]
    assert "finished an interrupted pass: 3 rows" in live.audit()[-1][5]


@pytest.mark.parametrize("again_with_archive_to", [True, False])
def test_a_google_log_killed_before_its_last_write_finishes_next_pass(
    fake: FakeSheets, creds: Credentials, tmp_path: Path, again_with_archive_to: bool
) -> None:
    live = open_google(fake, creds)
    seed(live, sample())
    elsewhere = sheetlog.open(tmp_path / "archive-2025.xlsx")
    fake.calls.clear()

    def kill(call: Any) -> None:
        writes = [c for c in fake.calls if c.method_id == "spreadsheets.batchUpdate"]
        if call.method_id == "spreadsheets.batchUpdate" and len(writes) == 2:
            raise Killed("killed before the live log's last write")

    fake.before_request(kill)
    with pytest.raises(Killed):
        live.log.archive(now=NOW, archive_to=elsewhere)
    fake.clear_request_hooks()
    assert STAGING_TAB in live.titles()
    reopened = sheetlog.open(f"gsheet:{live.spreadsheet_id}", credentials=creds)
    destination = elsewhere if again_with_archive_to else None
    again = reopened.archive(now=NOW, archive_to=destination)
    assert (again.finished, again.moved) == (3, 0)
    assert STAGING_TAB not in live.titles() and tickets(live) == ["T-02"]
    theirs = elsewhere.backend.read(Scope.all())
    assert sorted(
        str(r[0])
        for t in theirs.tabs.values()
        if t.title.startswith("Archive ")
        for r in t.rows[1:]
    ) == ["T-01", "T-03", "T-07"]
    assert not [t for t in live.titles() if t.startswith("Archive ")]


def test_the_live_log_still_archives_in_four_calls(
    fake: FakeSheets, creds: Credentials, tmp_path: Path
) -> None:
    live = open_google(fake, creds)
    seed(live, sample())
    elsewhere = sheetlog.open(tmp_path / "archive-2025.xlsx")
    fake.calls.clear()
    assert live.log.archive(now=NOW, archive_to=elsewhere).moved == 3
    assert [c.method_id for c in fake.calls] == [
        "spreadsheets.getByDataFilter",
        "spreadsheets.batchUpdate",
        "spreadsheets.getByDataFilter",
        "spreadsheets.batchUpdate",
    ]


def test_rows_archived_elsewhere_are_sealed_there_and_verified_from_here(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    elsewhere = archived_to(tmp_path, any_log)
    theirs = elsewhere.backend.read(Scope.of("_sheetlog_leaves", "_sheetlog_tree"))
    leaves = theirs.tabs["_sheetlog_leaves"].rows[1:]
    assert sorted(str(row[2]) for row in leaves) == ["T-01", "T-03", "T-07"]
    result = any_log.log.verify()
    assert result.ok, result.problems
    # a row there edited, its chain rebuilt: the tree there names it, from here
    rows = elsewhere.backend.read(Scope.of("Archive 2025-09")).tabs["Archive 2025-09"].rows
    header = [str(h) for h in rows[0]]
    from sheetlog.model.templates import load_template
    from sheetlog.passes.evidence import chain_rows

    forged = [list(r) + [None] * (len(header) - len(r)) for r in rows[1:]]
    forged[0][header.index("Issue Summary")] = "rewritten elsewhere"
    rebuilt = chain_rows(load_template(), header, [[*r[:-1], None] for r in forged], None)
    elsewhere.backend.write([SetCells("Archive 2025-09", 2, 0, tuple(tuple(r) for r in rebuilt))])
    found = [(p.tab, p.problem) for p in any_log.log.verify().problems]
    assert any(
        tab == f"Archive 2025-09 ({elsewhere.location})" and "does not match its leaf" in what
        for tab, what in found
    ), found
