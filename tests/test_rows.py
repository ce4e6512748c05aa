"""The per-row model: every problem of a row at once, fixes offered, user input refused whole."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from sheetlog.errors import InvalidRow, TemplateError
from sheetlog.model.templates import Template, load_template, parse_template
from sheetlog.rules.cells import CellValue
from sheetlog.rules.rows import CheckedRow, Problem, row_model
from tests.logdata import entry_dict
from tests.opsdata import orders_dict

STANDARD = load_template("standard")
ORDERS = load_template("orders")

GOOD: dict[str, CellValue] = entry_dict(
    "T-000001",
    "Resolved",
    "2023-11-16 09:00 UTC",
    Customer="ORD789456",
    Contact_Start="2023-11-15 14:30 UTC",
    Contact_End="2023-11-15 14:45 UTC",
    Agent="Ana",
    Issue_Type="Payment",
    Issue_Summary="Charged twice",
    Tags="billing-dispute, refund-delayed",
    **{"Actions & Notes": "Refund issued", "Follow-up Date": "2023-11-20"},
)

GOOD_ORDER: dict[str, CellValue] = orders_dict(
    **{
        "Log ID": "L-1",
        "Logged At": "2023-11-15 14:30 UTC",
        "Customer Name": "Bea",
        "Email": "bea@example.com",
        "Phone": "",
        "Issue Type": "Receipt",
        "Description": "No receipt",
        "Status": "Resolved",
        "Resolution Date": "2023-11-16",
        "Rating": 4,
        "Representative": "Sam",
    }
)


def check(changes: dict[str, CellValue], template: Template = STANDARD) -> CheckedRow:
    """Check the good row of ``template`` with ``changes`` applied."""
    base = GOOD if template is STANDARD else GOOD_ORDER
    return row_model(template).check({**base, **changes})


def codes(checked: CheckedRow) -> list[tuple[str, str]]:
    """(column, code) of each problem, in order."""
    return [(p.column, p.code) for p in checked.problems]


def in_zone(template: Template, zone: str) -> Template:
    """A copy of ``template`` read in another timezone."""
    return Template.model_validate({**template.model_dump(), "timezone": zone})


def test_row_model_is_built_once_per_template() -> None:
    assert row_model(STANDARD) is row_model(STANDARD)
    assert row_model(STANDARD) is not row_model(ORDERS)


def test_a_good_row_has_no_problems_and_its_values_for_every_column() -> None:
    checked = check({"Validation": "Status: bad"})
    assert checked.problems == []
    assert list(checked.values) == STANDARD.header
    assert checked.values["Follow-up Notes"] is None
    assert checked.values["Validation"] == "Status: bad"


def test_google_floats_and_empty_strings_are_already_stored_form() -> None:
    assert check({"Rating": 4.0, "Email": "", "Phone": None}, ORDERS).problems == []


@pytest.mark.parametrize("column", ["Ticket ID", "Customer", "Contact Start", "Agent"])
@pytest.mark.parametrize("value", [None, "", "   "])
def test_required_cells(column: str, value: CellValue) -> None:
    checked = check({column: value})
    shown = "" if value is None else value
    assert checked.problems == [
        Problem(column, "required", f'{column}: "{shown}" is not filled in (required)', value, None)
    ]
    assert checked.values[column] is None


def test_a_missing_required_key_is_required_too() -> None:
    raw = {k: v for k, v in GOOD.items() if k != "Agent"}
    assert codes(row_model(STANDARD).check(raw)) == [("Agent", "required")]


@pytest.mark.parametrize(
    ("column", "value", "code", "fix", "message"),
    [
        (
            "Status",
            "resolved",
            "choice",
            "Resolved",
            'Status: "resolved" is not one of "Open", "Pending", "Escalated", "Resolved", "Closed"'
            ' (fix: "Resolved")',
        ),
        (
            "Channel",
            "e-mail",
            "choice",
            "Email",
            'Channel: "e-mail" is not one of "Live Chat", "Email", "Phone", "Social Media", "Other"'
            ' (fix: "Email")',
        ),
        (
            "Contact Start",
            "2023-11-15T09:30-05:00",
            "format",
            "2023-11-15 14:30 UTC",
            'Contact Start: "2023-11-15T09:30-05:00" is not YYYY-MM-DD HH:MM UTC'
            ' (e.g. 2023-11-15 14:30 UTC) (fix: "2023-11-15 14:30 UTC")',
        ),
        (
            "Contact Start",
            45245.604166666664,
            "format",
            "2023-11-15 14:30 UTC",
            'Contact Start: "2023-11-15 14:30" is not YYYY-MM-DD HH:MM UTC (e.g. 2023-11-15'
            ' 14:30 UTC) (typed as a date; fix: store it as the text "2023-11-15 14:30 UTC")',
        ),
        (
            "Contact Start",
            datetime(2023, 11, 15, 14, 30),
            "format",
            "2023-11-15 14:30 UTC",
            'Contact Start: "2023-11-15 14:30" is not YYYY-MM-DD HH:MM UTC (e.g. 2023-11-15'
            ' 14:30 UTC) (typed as a date; fix: store it as the text "2023-11-15 14:30 UTC")',
        ),
        (
            "Follow-up Date",
            45245.0,
            "format",
            "2023-11-15",
            'Follow-up Date: "2023-11-15" is not YYYY-MM-DD'
            ' (typed as a date; fix: store it as the text "2023-11-15")',
        ),
        (
            "Ticket ID",
            123.0,
            "format",
            "123",
            'Ticket ID: "123" is not an id'
            ' (typed as a number, which drops leading zeros; fix: store it as the text "123")',
        ),
        ("Customer", " Bob ", "format", "Bob", 'Customer: " Bob " is not text (fix: "Bob")'),
        (
            "Tags",
            "Billing Dispute",
            "format",
            "billing-dispute",
            'Tags: "Billing Dispute" is not comma-separated lowercase-hyphenated words'
            ' (e.g. billing-dispute, refund-delayed) (fix: "billing-dispute")',
        ),
        (
            "Follow-up Notes",
            "   ",
            "format",
            "",
            'Follow-up Notes: "   " is not text (fix: clear the cell)',
        ),
    ],
)
def test_fixable_cells_are_errors_with_their_fix(
    column: str, value: CellValue, code: str, fix: str, message: str
) -> None:
    checked = check({column: value})
    assert checked.problems == [Problem(column, code, message, value, fix)]
    assert checked.values[column] == (fix or None)


def test_a_number_stored_as_text_is_fixed_to_the_number() -> None:
    checked = check({"Rating": "4"}, ORDERS)
    assert checked.problems == [
        Problem(
            "Rating",
            "format",
            'Rating: "4" is not a whole number from 1 to 5 (fix: store it as the number 4)',
            "4",
            4,
        )
    ]


@pytest.mark.parametrize(
    ("column", "value", "code", "message"),
    [
        (
            "Contact Start",
            "15/11/23 2pm",
            "format",
            'Contact Start: "15/11/23 2pm" is not YYYY-MM-DD HH:MM UTC (e.g. 2023-11-15 14:30 UTC)'
            " (day/month order is ambiguous: write the year first, YYYY-MM-DD)",
        ),
        (
            "Status",
            "Resloved",
            "choice",
            'Status: "Resloved" is not one of "Open", "Pending", "Escalated", "Resolved", "Closed"'
            ' (did you mean "Resolved"?)',
        ),
        (
            "Follow-up Date",
            "11/20/2023",
            "format",
            'Follow-up Date: "11/20/2023" is not YYYY-MM-DD'
            " (day/month order is ambiguous: write the year first, YYYY-MM-DD)",
        ),
    ],
)
def test_unfixable_cells_have_no_fix(column: str, value: str, code: str, message: str) -> None:
    checked = check({column: value})
    assert checked.problems == [Problem(column, code, message, value, None)]
    assert checked.values[column] is None


def test_zone_less_times_are_read_in_the_template_zone() -> None:
    new_york = in_zone(STANDARD, "America/New_York")
    raw = {
        **GOOD,
        "Contact Start": "2023-11-15 09:30",
        "Contact End": datetime(2023, 11, 15, 9, 45),
    }
    checked = row_model(new_york).check(raw)
    assert [(p.column, p.fix) for p in checked.problems] == [
        ("Contact Start", "2023-11-15 14:30 UTC"),
        ("Contact End", "2023-11-15 14:45 UTC"),
    ]
    assert codes(row_model(STANDARD).check({**raw, "Contact End": None})) == [
        ("Contact Start", "format")  # fixed the same way in UTC: 09:30 UTC
    ]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"Contact End": "2023-11-15 14:30 UTC"}, []),
        ({"Contact End": "2023-11-15 14:29 UTC"}, [("Contact End", "time_order")]),
        ({"Resolved At": "2023-11-14 09:00 UTC"}, [("Resolved At", "time_order")]),
        (
            {"Contact End": "2023-11-15T09:00-05:00"},
            [("Contact End", "format"), ("Contact End", "time_order")],
        ),
        (
            {"Contact Start": "15/11/23 2pm", "Contact End": "2020-01-01 00:00 UTC"},
            [("Contact Start", "format")],
        ),
    ],
)
def test_time_order(changes: dict[str, CellValue], expected: list[tuple[str, str]]) -> None:
    assert codes(check(changes)) == expected


def test_time_order_message() -> None:
    [problem] = check({"Contact End": "2023-11-15 14:00 UTC"}).problems
    assert problem == Problem(
        "Contact End",
        "time_order",
        'Contact End: "2023-11-15 14:00 UTC" is not at or after Contact Start'
        " (2023-11-15 14:30 UTC)",
        "2023-11-15 14:00 UTC",
        None,
    )


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"Status": "Closed", "Resolved At": None}, [("Resolved At", "closed_without_resolved")]),
        ({"Status": "Resolved", "Resolved At": ""}, [("Resolved At", "closed_without_resolved")]),
        (
            {"Status": "done", "Resolved At": None},
            [("Status", "choice"), ("Resolved At", "closed_without_resolved")],
        ),
        ({"Status": "Open", "Resolved At": None}, []),
        ({"Status": "Open"}, [("Status", "resolved_not_closed")]),
        ({"Status": "Escalated"}, [("Status", "resolved_not_closed")]),
        ({"Status": None}, [("Status", "resolved_not_closed")]),
        ({"Status": "Resloved"}, [("Status", "choice")]),
        ({"Status": "Closed", "Resolved At": "yesterday"}, [("Resolved At", "format")]),
    ],
)
def test_closed_tickets_and_resolved_at(
    changes: dict[str, CellValue], expected: list[tuple[str, str]]
) -> None:
    assert codes(check(changes)) == expected


def test_closed_and_resolved_messages() -> None:
    [missing] = check({"Status": "Closed", "Resolved At": None}).problems
    assert missing == Problem(
        "Resolved At",
        "closed_without_resolved",
        'Resolved At: "" is not filled in (required when Status is "Closed")',
        None,
        None,
    )
    [reopened] = check({"Status": "Open"}).problems
    assert reopened == Problem(
        "Status",
        "resolved_not_closed",
        'Status: "Open" is not "Resolved" or "Closed"'
        " (Resolved At is set: close the ticket or clear Resolved At)",
        "Open",
        None,
    )


def test_all_problems_of_a_row_come_at_once() -> None:
    checked = check(
        {
            "Ticket ID": 42.0,
            "Customer": "",
            "Channel": "carrier pigeon",
            "Contact Start": "2023-11-15 14:30 EST",
            "Agent": None,
            "Status": "closed",
            "Resolved At": None,
            "Tags": "a/b",
            "Contact End": "2023-11-15 14:00 UTC",
        }
    )
    assert codes(checked) == [
        ("Ticket ID", "format"),
        ("Customer", "required"),
        ("Channel", "choice"),
        ("Contact Start", "format"),
        ("Agent", "required"),
        ("Status", "choice"),
        ("Tags", "format"),
        ("Resolved At", "closed_without_resolved"),
    ]
    assert [p.fix for p in checked.problems] == ["42", None, None, None, None, "Closed", None, None]


def test_the_managed_column_and_unknown_columns_are_never_checked() -> None:
    checked = check({"Validation": 3.5, "Priority": "urgent!!"})
    assert checked.problems == []
    assert checked.values["Validation"] == "3.5"
    assert "Priority" not in checked.values


def test_orders_template_rules() -> None:
    assert codes(check({"Status": "Resolved", "Resolution Date": None}, ORDERS)) == [
        ("Resolution Date", "closed_without_resolved")
    ]
    assert codes(check({"Status": "Pending"}, ORDERS)) == [("Status", "resolved_not_closed")]
    assert [
        (p.column, p.fix) for p in check({"Rating": "4/5", "Status": "solved"}, ORDERS).problems
    ] == [
        ("Status", "Resolved"),
        ("Rating", 4),
    ]


MIXED = """
name = "mixed"
timezone = "America/New_York"
closed_statuses = ["Done"]
[roles]
id = "ID"
status = "Status"
opened = "Logged At"
resolved = "Resolved On"
validation = "Validation"
[[columns]]
name = "ID"
kind = "id"
[[columns]]
name = "Logged At"
kind = "timestamp"
[[columns]]
name = "Status"
kind = "choice"
choices = ["Open", "Done"]
[[columns]]
name = "Resolved On"
kind = "date"
not_before = "Logged At"
[[columns]]
name = "Validation"
kind = "managed"
"""


@pytest.mark.parametrize(
    ("logged", "resolved", "expected"),
    [
        ("2023-11-15 14:30 UTC", "2023-11-15", []),
        ("2023-11-15 14:30 UTC", "2023-11-14", [("Resolved On", "time_order")]),
        ("2023-11-15 02:00 UTC", "2023-11-14", []),  # 21:00 on the 14th in New York
    ],
)
def test_a_date_against_a_timestamp_compares_days_in_the_template_zone(
    logged: str, resolved: str, expected: list[tuple[str, str]]
) -> None:
    model = row_model(parse_template(MIXED, "mixed.toml"))
    raw = {"ID": "1", "Logged At": logged, "Status": "Done", "Resolved On": resolved}
    assert codes(model.check(raw)) == expected


def test_not_before_must_compare_moments() -> None:
    broken = MIXED.replace('kind = "id"', 'kind = "id"\nnot_before = "Logged At"')
    with pytest.raises(TemplateError, match="not_before compares timestamp or date columns only"):
        parse_template(broken, "broken.toml")


def test_validate_input_normalizes_what_users_give() -> None:
    values = row_model(STANDARD).validate_input(
        {
            "Ticket ID": 123.0,
            "customer": " ORD789456 ",
            "CHANNEL": "email",
            "Contact  Start": "2023-11-15T09:30-05:00",
            "Agent": "Ana",
            "Issue Summary": "Charged twice",
            "Status": "on hold",
            "Tags": "Billing Dispute; refund_delayed",
        }
    )
    assert values == {
        **dict.fromkeys(STANDARD.header),
        "Ticket ID": "123",
        "Customer": "ORD789456",
        "Channel": "Email",
        "Contact Start": "2023-11-15 14:30 UTC",
        "Agent": "Ana",
        "Issue Summary": "Charged twice",
        "Status": "Pending",
        "Tags": "billing-dispute, refund-delayed",
    }
    assert list(values) == STANDARD.header


def test_validate_input_reads_naive_times_in_the_template_zone() -> None:
    new_york = in_zone(STANDARD, "America/New_York")
    raw: dict[str, Any] = {**GOOD, "Contact Start": datetime(2023, 11, 15, 9, 30)}
    assert row_model(new_york).validate_input(raw)["Contact Start"] == "2023-11-15 14:30 UTC"


def test_validate_input_names_an_unknown_column() -> None:
    with pytest.raises(InvalidRow) as caught:
        row_model(STANDARD).validate_input({**GOOD, "Priority": "high", "Custmer": "Bob"})
    columns = ", ".join(STANDARD.header)
    assert [(p.column, p.value, p.expected, p.hint) for p in caught.value.problems] == [
        ("Priority", "high", f"one of the template's columns: {columns}", ""),
        ("Custmer", "Bob", f"one of the template's columns: {columns}", 'did you mean "Customer"?'),
    ]
    assert str(caught.value).startswith(
        'Priority: "high" is not one of the template\'s columns: Ticket ID, Customer, Channel'
    )


def test_validate_input_refuses_a_column_given_twice() -> None:
    with pytest.raises(InvalidRow) as caught:
        row_model(STANDARD).validate_input({**GOOD, "status": "Open"})
    [problem] = caught.value.problems
    assert str(problem) == 'status: "Open" is not given once (also given as "Status")'


def test_validate_input_reports_every_problem_and_writes_nothing() -> None:
    raw = {
        **GOOD,
        "Customer": "",
        "Contact Start": "15/11/23 2pm",
        "Status": "Resloved",
        "Contact End": "2023-11-15 14:00 UTC",
        "Resolved At": "2023-11-15 10:00 UTC",
    }
    with pytest.raises(InvalidRow) as caught:
        row_model(STANDARD).validate_input(raw)
    assert [str(p) for p in caught.value.problems] == [
        'Customer: "" is not filled in (required)',
        'Contact Start: "15/11/23 2pm" is not YYYY-MM-DD HH:MM UTC (e.g. 2023-11-15 14:30 UTC)'
        " (day/month order is ambiguous: write the year first, YYYY-MM-DD)",
        'Status: "Resloved" is not one of "Open", "Pending", "Escalated", "Resolved", "Closed"'
        ' (did you mean "Resolved"?)',
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"Contact End": "2023-11-15 14:00 UTC"},
            'Contact End: "2023-11-15 14:00 UTC" is not at or after Contact Start'
            " (2023-11-15 14:30 UTC)",
        ),
        (
            {"Resolved At": None},
            'Resolved At: "" is not filled in (required when Status is "Resolved")',
        ),
        (
            {"Status": "Open"},
            'Status: "Open" is not "Resolved" or "Closed"'
            " (Resolved At is set: close the ticket or clear Resolved At)",
        ),
    ],
)
def test_validate_input_refuses_cross_field_problems(
    changes: dict[str, CellValue], message: str
) -> None:
    with pytest.raises(InvalidRow) as caught:
        row_model(STANDARD).validate_input({**GOOD, **changes})
    assert [str(p) for p in caught.value.problems] == [message]
