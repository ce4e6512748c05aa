"""The Google backend through gspread against the fake API: call budgets, access
errors, bounded retries, and lost replies that must not apply a write twice."""

from __future__ import annotations

from datetime import UTC, datetime

import gspread
import pytest
from google.oauth2.credentials import Credentials

import sheetlog
from sheetlog.errors import AccessError, BackendError
from sheetlog.model.workbook import audit_tab
from tests.conftest import LogUnderTest
from tests.fakesheets import FakeSheets


def test_init_uses_three_calls_then_two_reads_and_no_write(google_log: LogUnderTest) -> None:
    fake = google_log.fake
    assert fake is not None
    google_log.log.init()
    assert [c.method_id for c in fake.calls] == [
        "spreadsheets.get",
        "spreadsheets.batchUpdate",
    ]  # a sheet with no Log tab needs no layout read
    fake.calls.clear()
    assert google_log.log.init().changes == []
    assert [c.method_id for c in fake.calls] == ["spreadsheets.get", "spreadsheets.get"]


def test_adopting_a_sheet_with_a_log_tab_uses_at_most_three_calls(
    fake: FakeSheets, creds: Credentials
) -> None:
    sid = fake.create_spreadsheet("Team", tabs=["Log"])
    fake.set_values(sid, "Log", [["Ticket ID", "Customer"], ["T-1", "Ann"]])
    result = sheetlog.open(f"gsheet:{sid}", credentials=creds).init()
    assert "added columns Channel" in result.changes[0]
    assert len(fake.calls) == 3
    assert fake.values(sid, "Log")[1] == ["T-1", "Ann"]


def test_init_writes_text_rules_and_dropdowns_the_sheets_way(google_log: LogUnderTest) -> None:
    fake = google_log.fake
    assert fake is not None
    google_log.log.init()
    (write,) = [c for c in fake.calls if c.method_id == "spreadsheets.batchUpdate"]
    kinds = [next(iter(r)) for r in write.body["requests"]]  # type: ignore[index]
    assert kinds.count("setDataValidation") == 3
    assert kinds.count("addConditionalFormatRule") == 4
    assert "addProtectedRange" in kinds
    sheet = fake.sheet(google_log.spreadsheet_id, "Log")
    (protected,) = sheet["protectedRanges"]
    assert protected["warningOnly"] is True


def test_gsheet_new_creates_shares_and_initialises(fake: FakeSheets, creds: Credentials) -> None:
    log = sheetlog.create("Support Log", credentials=creds, share=["lead@example.com:reader"])
    log.init()
    assert log.location.startswith("https://docs.google.com/spreadsheets/d/")
    sid = log.location.split("/d/")[1].split("/")[0]
    assert {"Log", audit_tab(datetime.now(UTC)), "_sheetlog"} <= set(fake.titles(sid))
    (permission,) = fake.permissions(sid)
    assert permission["emailAddress"] == "lead@example.com"
    assert permission["role"] == "reader"
    assert [c.method_id for c in fake.calls][:1] == ["spreadsheets.create"]


def test_not_shared_says_who_to_share_with(fake: FakeSheets) -> None:
    sid = fake.create_spreadsheet("Private", tabs=["Sheet1"])
    fake.deny(sid)
    robot = Credentials(token="t")
    robot.service_account_email = "svc@proj.iam.gserviceaccount.com"  # type: ignore[attr-defined]
    with pytest.raises(AccessError) as caught:
        sheetlog.open(f"gsheet:{sid}", credentials=robot).init()
    assert (
        f"spreadsheet {sid} not found or not shared with svc@proj.iam.gserviceaccount.com"
        in str(caught.value)
    )
    assert "share it with that address" in str(caught.value)
    # the mapped error keeps Google's own, for --debug
    assert isinstance(caught.value.__cause__, gspread.exceptions.APIError)
    assert caught.value.__cause__.code in (403, 404)


def test_unknown_spreadsheet_is_an_access_error(fake: FakeSheets, creds: Credentials) -> None:
    with pytest.raises(AccessError, match="not found or not shared"):
        sheetlog.open("gsheet:doesNotExist123", credentials=creds).init()


def test_throttled_and_failing_requests_are_retried_with_a_cap(
    google_log: LogUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    fake = google_log.fake
    assert fake is not None
    fake.inject(status=429, times=2, when=lambda c: c.method_id == "spreadsheets.batchUpdate")
    fake.inject(status=503, times=1, when=lambda c: c.method_id == "spreadsheets.get")
    google_log.log.init()
    statuses = [(c.method_id, c.status) for c in fake.calls]
    assert statuses == [
        ("spreadsheets.get", 503),
        ("spreadsheets.get", 200),
        ("spreadsheets.batchUpdate", 429),
        ("spreadsheets.batchUpdate", 429),
        ("spreadsheets.batchUpdate", 200),
    ]
    assert sum("retry" in r.message for r in caplog.records) == 3


def test_retries_stop_at_the_cap(google_log: LogUnderTest) -> None:
    fake = google_log.fake
    assert fake is not None
    fake.inject(status=429, times=50)
    with pytest.raises(BackendError, match="quota"):
        google_log.log.init()
    assert len(fake.calls) == 6  # RetryPolicy.attempts


def test_a_write_whose_reply_was_lost_is_not_applied_twice(google_log: LogUnderTest) -> None:
    fake = google_log.fake
    assert fake is not None
    fake.inject(
        status=503,
        times=1,
        apply_first=True,
        when=lambda c: c.method_id == "spreadsheets.batchUpdate",
    )
    google_log.log.init()
    assert [c.method_id for c in fake.calls].count("spreadsheets.batchUpdate") == 1
    assert len(google_log.audit()) == 2
    assert google_log.values("Log") == [list(sheetlog.load_template().header)]


def test_a_write_that_failed_without_applying_is_sent_again(google_log: LogUnderTest) -> None:
    fake = google_log.fake
    assert fake is not None
    fake.inject(status=500, times=1, when=lambda c: c.method_id == "spreadsheets.batchUpdate")
    google_log.log.init()
    assert [c.method_id for c in fake.calls].count("spreadsheets.batchUpdate") == 2
    assert len(google_log.audit()) == 2
