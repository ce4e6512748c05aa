"""`update` on both backends: only changed cells written, Resolved At stamped and
cleared with the status, Audit with old and new values, refusals that write nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sheetlog.errors import InvalidInput, InvalidRow, NotFoundError
from sheetlog.model.ops import AddTab, SetCells
from sheetlog.model.templates import load_template
from tests.conftest import LogUnderTest

STANDARD = load_template("standard")
HEADER = STANDARD.header
OPENED = datetime(2025, 11, 15, 14, 30, tzinfo=UTC)
LATER = datetime(2025, 11, 16, 9, 5, 31, tzinfo=UTC)
ENTRY = {"Customer": "ORD789456", "Agent": "Maya", "Issue Summary": "Parcel late"}


def cell(log: LogUnderTest, row: int, column: str) -> object:
    cells = log.values("Log")[row - 1]
    position = HEADER.index(column)
    return cells[position] if position < len(cells) else None


def opened(log: LogUnderTest, **extra: str) -> str:
    log.log.init()
    return str(log.log.append({**ENTRY, **extra}, now=OPENED)["Ticket ID"])


def test_closing_stamps_resolved_at_and_audit_keeps_old_and_new(any_log: LogUnderTest) -> None:
    ticket = opened(any_log)
    result = any_log.log.update(
        ticket, {"status": "solved", "Actions & Notes": "Refund issued"}, now=LATER
    )
    assert [(c.column, c.old, c.new) for c in result.changes] == [
        ("Status", "Open", "Resolved"),
        ("Actions & Notes", None, "Refund issued"),
        ("Resolved At", None, "2025-11-16 09:05 UTC"),
    ]
    assert result.row == 2 and result.values["Status"] == "Resolved"
    assert cell(any_log, 2, "Status") == "Resolved"
    assert cell(any_log, 2, "Resolved At") == "2025-11-16 09:05 UTC"
    assert cell(any_log, 2, "Actions & Notes") == "Refund issued"
    audit = any_log.audit()[-1]
    assert audit[2:5] == ["update", "Log", f"{ticket} (row 2)"]
    assert audit[5] == (
        f"{ticket}: Status: Open → Resolved; Actions & Notes: (empty) → Refund issued;"
        " Resolved At: (empty) → 2025-11-16 09:05 UTC"
    )


def test_a_given_resolved_at_is_kept_and_reopening_clears_it(any_log: LogUnderTest) -> None:
    ticket = opened(any_log)
    any_log.log.update(ticket, {"Status": "Closed", "Resolved At": "2025-11-15 16:00Z"})
    assert cell(any_log, 2, "Resolved At") == "2025-11-15 16:00 UTC"
    result = any_log.log.update(ticket, {"Status": "Resolved"}, now=LATER)
    assert [c.column for c in result.changes] == ["Status"]  # already resolved: kept
    assert cell(any_log, 2, "Resolved At") == "2025-11-15 16:00 UTC"
    reopened = any_log.log.update(ticket, {"Status": "Escalated"})
    assert [(c.column, c.new) for c in reopened.changes] == [
        ("Status", "Escalated"),
        ("Resolved At", None),
    ]
    assert cell(any_log, 2, "Resolved At") is None


def test_only_the_changed_cells_are_written(any_log: LogUnderTest) -> None:
    ticket = opened(any_log)
    channel = HEADER.index("Channel")
    any_log.log.backend.write([SetCells("Log", 2, channel, (("email",),))])  # a person typed it
    any_log.log.update(ticket, {"Follow-up Notes": "call Tue"})
    assert cell(any_log, 2, "Channel") == "email"  # left for validate --fix
    assert cell(any_log, 2, "Follow-up Notes") == "call Tue"


def test_nothing_to_change_writes_nothing(any_log: LogUnderTest) -> None:
    ticket = opened(any_log)
    marker = any_log.write_marker()
    result = any_log.log.update(ticket, {"status": "open", "Customer": " ORD789456 "})
    assert result.changes == []
    assert any_log.write_marker() == marker


def test_the_row_is_found_wherever_people_moved_it(any_log: LogUnderTest) -> None:
    ticket = opened(any_log)
    row = tuple(any_log.values("Log")[1])
    other = ("T-x", "Ann", *[None] * (len(row) - 2))
    any_log.log.backend.write(  # someone sorted: the ticket now sits on row 4
        [SetCells("Log", 2, 0, (other,)), SetCells("Log", 4, 0, (row,))]
    )
    result = any_log.log.update(ticket, {"Status": "Pending"})
    assert result.row == 4
    assert cell(any_log, 4, "Status") == "Pending"
    assert any_log.values("Log")[1] == ["T-x", "Ann"]


def test_unknown_archived_and_duplicated_tickets_are_refused(any_log: LogUnderTest) -> None:
    ticket = opened(any_log)
    marker = any_log.write_marker()
    with pytest.raises(NotFoundError, match=r'no ticket "T-nope" in Log$'):
        any_log.log.update("T-nope", {"Status": "Resolved"})
    assert any_log.write_marker() == marker
    any_log.log.backend.write(
        [
            AddTab("Archive 2025-10", tuple(HEADER)),
            SetCells("Archive 2025-10", 2, 0, (("T-old",),)),
            SetCells("Log", 3, 0, ((ticket,),)),
        ]
    )
    marker = any_log.write_marker()
    with pytest.raises(NotFoundError, match='archived in "Archive 2025-10"'):
        any_log.log.update("T-old", {"Status": "Resolved"})
    with pytest.raises(InvalidInput, match="is on rows 2, 3 of Log"):
        any_log.log.update(ticket, {"Status": "Resolved"})
    assert any_log.write_marker() == marker


INVALID_UPDATES = [
    ({"Contact End": "2025-11-15 14:00 UTC"}, "Contact End"),
    ({"Status": "fixed-ish"}, 'Status: "fixed-ish"'),
    ({"Customer": ""}, 'Customer: "" is not filled in'),
    ({"Priority": "high"}, 'Priority: "high" is not one of the template\'s columns'),
    ({"Ticket ID": "T-other"}, "update finds rows by it"),
    ({"Validation": "fine"}, "sheetlog validate writes it"),
]


def test_an_invalid_update_writes_nothing(any_log: LogUnderTest) -> None:
    ticket = opened(any_log)
    before = any_log.values("Log")
    marker = any_log.write_marker()
    for changes, message in INVALID_UPDATES:
        with pytest.raises(InvalidInput) as caught:
            any_log.log.update(ticket, changes)
        assert message in str(caught.value)
    assert any_log.write_marker() == marker
    assert any_log.values("Log") == before


def test_a_malformed_cell_a_person_typed_must_be_fixed_in_the_same_update(
    any_log: LogUnderTest,
) -> None:
    ticket = opened(any_log)
    start = HEADER.index("Contact Start")
    any_log.log.backend.write([SetCells("Log", 2, start, (("15/11/25 2pm",),))])
    with pytest.raises(InvalidRow, match='Contact Start: "15/11/25 2pm"'):
        any_log.log.update(ticket, {"Status": "Pending"})
    any_log.log.update(ticket, {"Status": "Pending", "Contact Start": "2025-11-15 14:00 UTC"})
    assert cell(any_log, 2, "Contact Start") == "2025-11-15 14:00 UTC"


def test_update_costs_one_read_and_one_write_of_the_changed_cells(
    google_log: LogUnderTest,
) -> None:
    fake = google_log.fake
    assert fake is not None
    ticket = opened(google_log)
    fake.calls.clear()
    google_log.log.update(ticket, {"Status": "Resolved", "Follow-up Notes": "none"}, now=LATER)
    assert [c.method_id for c in fake.calls] == [
        "spreadsheets.getByDataFilter",
        "spreadsheets.batchUpdate",
    ]
    body = fake.calls[1].body
    assert body is not None
    log_id = fake.sheet(google_log.spreadsheet_id, "Log")["properties"]["sheetId"]
    cells = [r["updateCells"] for r in body["requests"] if "updateCells" in r]
    written = [w for w in cells if w["start"]["sheetId"] == log_id]
    starts = [(w["start"]["rowIndex"], w["start"]["columnIndex"]) for w in written]
    status, notes = HEADER.index("Status"), HEADER.index("Follow-up Notes")
    assert starts == [(1, status), (1, notes)]  # Follow-up Notes + Resolved At: one run
    assert [len(w["rows"][0]["values"]) for w in written] == [1, 2]
    # the same write puts the status change on the timeline
    (line,) = [m for m in google_log.values("Messages 2025-11")[1:]]
    assert line[0] == ticket and line[2:3] == ["status change"] and line[5] == "Open → Resolved"
