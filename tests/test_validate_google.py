"""`validate` on Google Sheets: the call budget whatever the size, and a sheet typed by people."""

from __future__ import annotations

from datetime import UTC, datetime

from google.oauth2.credentials import Credentials
from openpyxl.utils import get_column_letter

import sheetlog
from sheetlog.model.ops import AppendRows
from tests.conftest import LogUnderTest
from tests.fakesheets import FakeSheets
from tests.logdata import entry
from tests.test_validate import COL, GOOD, HEADER, NOW, highlighted, validation_cell

GET = "spreadsheets.getByDataFilter"
WRITE = "spreadsheets.batchUpdate"


def methods(fake: FakeSheets) -> list[str]:
    return [call.method_id for call in fake.calls]


def test_a_pass_costs_two_calls_when_it_flags_and_one_when_nothing_changes(
    google_log: LogUnderTest,
) -> None:
    fake = google_log.fake
    assert fake is not None
    rows = [entry(like=GOOD, Ticket_ID=f"T-{n}") for n in range(500)]
    for n in range(0, 500, 50):  # every 50th row malformed, every 100th also fixable
        rows[n] = entry(
            like=GOOD, Ticket_ID=f"T-{n}", Contact_Start="15/11/23 2pm", Channel="e-mail"
        )
    google_log.log.init()
    google_log.log.backend.write([AppendRows("Log", tuple(rows))])
    fake.calls.clear()
    report = google_log.log.validate(now=NOW)
    assert methods(fake) == [GET, WRITE]
    assert (report.rows_checked, report.errors, len(report.flagged)) == (500, 20, 10)
    fake.calls.clear()
    assert not google_log.log.validate(now=NOW).written
    assert methods(fake) == [GET]
    fake.calls.clear()
    fixed = google_log.log.validate(now=NOW, fix=True)
    assert methods(fake) == [GET, WRITE]
    assert (len(fixed.fixes), fixed.errors) == (10, 10)


def test_flags_move_with_rows_a_person_sorts(google_log: LogUnderTest) -> None:
    fake = google_log.fake
    assert fake is not None
    google_log.log.init()
    google_log.log.backend.write(
        [
            AppendRows(
                "Log",
                (
                    entry(like=GOOD, Ticket_ID="T-1", Channel="Fax"),
                    entry(like=GOOD, Ticket_ID="T-2"),
                ),
            )
        ]
    )
    google_log.log.validate(now=NOW)
    fake.person(google_log.spreadsheet_id).sort("Log", COL["Ticket ID"], descending=True)
    assert validation_cell(google_log, 3).startswith('Channel: "Fax"')
    assert highlighted(google_log, 3) == {"Channel"}
    fake.calls.clear()
    assert not google_log.log.validate(now=NOW).written
    assert methods(fake) == [GET]


def test_a_sheet_typed_by_people_is_read_as_typed_and_fixed(
    fake: FakeSheets, creds: Credentials
) -> None:
    """USER_ENTERED typing makes dates serial numbers and "00123" the number 123; the API
    omits trailing blank cells; a renamed header is one problem."""
    sid = fake.create_spreadsheet("Team", tabs=["Log"])
    person = fake.person(sid)
    for col, name in enumerate(HEADER[:-1]):  # the team's sheet predates the Validation column
        person.type("Log", f"{get_column_letter(col + 1)}1", name)
    typed = {
        "Ticket ID": "00123",
        "Customer": "Ann",
        "Channel": "email",
        "Contact Start": "2023-11-15 14:30",
        "Agent": "Bo",
        "Issue Type": "Payment",
        "Issue Summary": "Charged twice",
        "Status": "Open",
        "Follow-up Date": "2023-11-25",
    }
    for name, text in typed.items():
        person.type("Log", f"{get_column_letter(COL[name] + 1)}2", text)
    log = sheetlog.open(f"gsheet:{sid}", credentials=creds)
    assert "added column Validation" in log.init().changes[0]
    assert fake.values(sid, "Log")[1][COL["Contact Start"]] == 45245.604166666664
    report = log.validate(now=NOW)
    assert [p.message for p in report.problems] == [
        'Ticket ID: "123" is not an id'
        ' (typed as a number, which drops leading zeros; fix: store it as the text "123")',
        'Channel: "email" is not one of "Live Chat", "Email", "Phone", "Social Media", "Other"'
        ' (fix: "Email")',
        'Contact Start: "2023-11-15 14:30" is not YYYY-MM-DD HH:MM UTC (e.g. 2023-11-15 14:30'
        ' UTC) (typed as a date; fix: store it as the text "2023-11-15 14:30 UTC")',
        'Follow-up Date: "2023-11-25" is not YYYY-MM-DD'
        ' (typed as a date; fix: store it as the text "2023-11-25")',
    ]
    assert report.problems[0].ticket_id == "123"
    fixed = log.validate(now=NOW, fix=True)
    assert fixed.problems == [] and len(fixed.fixes) == 4
    assert fake.values(sid, "Log")[1] == [
        "123",
        "Ann",
        "Email",
        "2023-11-15 14:30 UTC",
        None,
        "Bo",
        "Payment",
        "Charged twice",
        None,
        "Open",
        "2023-11-25",
    ]
    person.type("Log", "B1", "Client")
    fake.calls.clear()
    renamed = log.validate(now=datetime(2023, 11, 16, tzinfo=UTC))
    assert [(p.row, p.code) for p in renamed.problems] == [(1, "header")]
    assert "renamed to 'Client'?" in renamed.problems[0].message
    assert renamed.exit_code == 1 and methods(fake) == [GET]
