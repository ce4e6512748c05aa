"""Google reads and writes under each reading of what the API leaves open, and on a log
whose tabs carry no tags yet (made before tags): the same answers, the calls promised."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from google.oauth2.credentials import Credentials

import sheetlog
from sheetlog.model.ops import AppendRows
from sheetlog.model.workbook import audit_tab
from tests.conftest import LogUnderTest, open_google
from tests.fakesheets import FakeSheets, batch
from tests.fakesheets.server import Call
from tests.logdata import entry, seed

NOW = dt.datetime(2025, 11, 20, 12, 0, tzinfo=dt.UTC)
READ, WRITE = "spreadsheets.getByDataFilter", "spreadsheets.batchUpdate"
LIST = "spreadsheets.get"


READINGS = {
    "ranged-sheets-only": {},
    "every-sheet": {"every_sheet": True},
    "formats-are-data": {"formats_are_data": True},
}


@pytest.fixture(params=list(READINGS))
def reading(request: pytest.FixtureRequest, creds: Credentials) -> Iterator[LogUnderTest]:
    """A fresh Google log under one reading: a ranged read leaves the sheets outside its
    ranges out, or returns them without data; appendCells writes below values only, or
    below formats and data validations too."""
    with FakeSheets(**READINGS[request.param]) as fake:
        yield open_google(fake, creds)
        assert fake.violations == []


def calls(target: LogUnderTest) -> list[str]:
    assert target.fake is not None
    found = [call.method_id for call in target.fake.calls]
    target.fake.calls.clear()
    return found


def archived_log(target: LogUnderTest) -> None:
    """Two tickets archived to September, one live ticket and one open."""
    seed(
        target,
        [
            entry("T-01", "Resolved", "2025-09-02 10:00 UTC"),
            entry("T-02", "Closed", "2025-09-03 10:00 UTC"),
            entry("T-03", "Resolved", "2025-11-19 08:00 UTC"),
            entry("T-04"),
        ],
    )
    assert target.log.archive(now=NOW).moved == 2


def test_every_pass_answers_alike_under_both_readings(reading: LogUnderTest) -> None:
    archived_log(reading)
    calls(reading)
    row = reading.log.append({"Customer": "Ann", "Agent": "Bo", "Issue Summary": "Late"})
    assert calls(reading) == [READ, WRITE]
    reading.log.update("T-04", {"Status": "Pending"})
    assert calls(reading) == [READ, WRITE]
    report = reading.log.validate(now=NOW)
    assert calls(reading) in ([READ], [READ, WRITE])
    assert report.errors == 0
    found = reading.log.find(ticket="T-01", history=True)
    assert [r["tab"] for r in found.rows] == ["Archive 2025-09"]
    assert calls(reading) == [READ, READ]  # Log and the index; then the tab holding it
    assert {r["Ticket ID"] for r in reading.log.find().rows} == {
        "T-01",
        "T-02",
        "T-03",
        "T-04",
        row["Ticket ID"],
    }
    assert reading.log.verify().ok


def test_an_archived_id_given_again_is_refused_naming_its_tab(reading: LogUnderTest) -> None:
    archived_log(reading)
    with pytest.raises(sheetlog.InvalidValue, match="Archive 2025-09"):
        reading.log.append(
            {"Ticket ID": "T-02", "Customer": "Ann", "Agent": "Bo", "Issue Summary": "Late"}
        )
    with pytest.raises(sheetlog.NotFoundError, match='archived in "Archive 2025-09"'):
        reading.log.update("T-01", {"Status": "Open"})


def test_a_log_from_before_tags_lists_its_tabs_until_a_write_tags_them(
    reading: LogUnderTest, creds: Credentials
) -> None:
    archived_log(reading)
    fake = reading.fake
    assert fake is not None
    fake.book(reading.spreadsheet_id).metadata.clear()  # as a log made before tags
    stale = sheetlog.open(f"gsheet:{reading.spreadsheet_id}", credentials=creds)
    calls(reading)
    assert [r["Ticket ID"] for r in stale.find(ticket="T-02").rows] == ["T-02"]
    # no tags: list the tabs, read by range; once for Log and the index, once for the tab
    assert calls(reading) == [READ, LIST, LIST, LIST, LIST]
    stale.append({"Customer": "Ann", "Agent": "Bo", "Issue Summary": "Late"})
    assert calls(reading) == [LIST, LIST, WRITE]  # known untagged: listed; the write tags all
    fresh = sheetlog.open(f"gsheet:{reading.spreadsheet_id}", credentials=creds)
    assert [r["Ticket ID"] for r in fresh.find(ticket="T-02").rows] == ["T-02"]
    assert calls(reading) == [READ, READ]


def test_a_month_tab_another_writer_adds_meanwhile_is_written_once(
    reading: LogUnderTest,
) -> None:
    fake = reading.fake
    assert fake is not None
    reading.log.init()
    month = audit_tab(dt.datetime.now(dt.UTC))
    book = fake.book(reading.spreadsheet_id)
    batch.delete_sheet(book, {"sheetId": book.by_title(month).id})  # as at a month's start
    raced = {"done": False}

    def another_writer_first(call: Call) -> None:
        if call.method_id == WRITE and not raced["done"]:
            raced["done"] = True
            batch.add_sheet(fake.book(reading.spreadsheet_id), {"properties": {"title": month}})

    fake.before_request(another_writer_first)
    calls(reading)
    row = reading.log.append({"Customer": "Ann", "Agent": "Bo", "Issue Summary": "Late"})
    assert calls(reading) == [READ, WRITE, LIST, WRITE]  # refused whole, listed, sent again
    assert [r[0] for r in reading.values("Log")[1:]] == [row["Ticket ID"]]
    assert [line[2] for line in reading.values(month)] == ["append"]


def test_rows_land_under_the_last_row_read_whatever_counts_as_data(
    reading: LogUnderTest,
) -> None:
    """init puts drop-downs and formats on every row of Log's grid: whether appendCells
    counts them as data or not, rows go right under the table."""
    archived_log(reading)
    row = reading.log.append({"Customer": "Ann", "Agent": "Bo", "Issue Summary": "Late"})
    imported = reading.log.import_rows(
        [{"Customer": "Cy", "Agent": "Bo", "Issue Summary": "Lost"}], now=NOW
    )
    tickets = [r[0] if r else None for r in reading.values("Log")]
    assert tickets == ["Ticket ID", "T-03", "T-04", row["Ticket ID"], *imported.added]
    archive = reading.values("Archive 2025-09")
    assert [r[0] for r in archive] == ["Ticket ID", "T-01", "T-02"]


def test_the_first_rows_keep_the_rules_init_provisioned(reading: LogUnderTest) -> None:
    """Rows inserted right under a lone header would push the rules and drop-downs that
    start at row 2 down with the rows below them: a second init would add them again."""
    reading.log.init()
    reading.log.append({"Customer": "Ann", "Agent": "Bo", "Issue Summary": "Late"})
    reading.log.append({"Customer": "Cy", "Agent": "Bo", "Issue Summary": "Lost"})
    assert reading.log.init().changes == []
    layout = reading.log.backend.read_layout("Log")
    assert layout is not None and layout.format_rules and layout.dropdowns


def test_validate_knows_archived_ids_from_the_index_the_archive_pass_keeps(
    reading: LogUnderTest,
) -> None:
    archived_log(reading)
    index = reading.values("_sheetlog_ids")
    assert index[0] == ["Archive tab", "First row", "Ticket IDs"]
    assert [line[0] for line in index[1:]] == ["Archive 2025-09"]
    assert str(index[1][2]).split("\n") == ["T-01", "T-02"]
    reading.log.backend.write([AppendRows("Log", (entry("T-02"),), after=3)])  # pasted back
    calls(reading)
    report = reading.log.validate(now=NOW)
    assert calls(reading) == [READ, WRITE]  # the index, not the archive tabs, is read
    assert any(
        "T-02" in p.message and "Archive 2025-09" in p.message and "row 3" in p.message
        for p in report.problems
    ), [p.message for p in report.problems]
