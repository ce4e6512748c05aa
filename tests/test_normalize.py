"""Normalization of single cells: every accepted form, every refusal and its message."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from sheetlog.errors import InvalidValue
from sheetlog.model.templates import Column, Kind, load_template
from sheetlog.rules.cells import (
    EXPECTED,
    CellValue,
    Stored,
    column_normalizer,
    format_timestamp,
    parse_date,
    parse_timestamp,
)

STANDARD = load_template("standard").by_name
ORDERS = load_template("orders").by_name
AMOUNT = Column(name="Amount", kind=Kind.NUMBER)
COUNT = Column(name="Count", kind=Kind.NUMBER, minimum=0)
UTC_ZONE = ZoneInfo("UTC")
NEW_YORK = ZoneInfo("America/New_York")
TS = EXPECTED[Kind.TIMESTAMP]
ORDER = "day/month order is ambiguous: write the year first, YYYY-MM-DD"
NO_ZONE = "no time zone given: add UTC or an offset like -05:00"


def refused(column: Column, value: CellValue, tz: ZoneInfo | None = UTC_ZONE) -> InvalidValue:
    """The InvalidValue that normalizing ``value`` raises."""
    with pytest.raises(InvalidValue) as caught:
        column_normalizer(column).normalize(value, tz)
    return caught.value


@pytest.mark.parametrize(
    ("value", "tz", "stored"),
    [
        ("2023-11-15 14:30 UTC", UTC_ZONE, "2023-11-15 14:30 UTC"),
        ("  2023-11-15 14:30 UTC \n", None, "2023-11-15 14:30 UTC"),
        ("2023-11-15T09:30-05:00", UTC_ZONE, "2023-11-15 14:30 UTC"),
        ("2023-11-15T09:30-05:00", None, "2023-11-15 14:30 UTC"),
        ("2023-11-15T09:30:00-05:00", UTC_ZONE, "2023-11-15 14:30 UTC"),
        ("2023-11-15T09:30:00.000000-05:00", UTC_ZONE, "2023-11-15 14:30 UTC"),
        ("2023-11-15 09:30-0500", UTC_ZONE, "2023-11-15 14:30 UTC"),
        ("2023-11-15 9:30 -05", UTC_ZONE, "2023-11-15 14:30 UTC"),
        ("2023-11-15T20:00+05:30", UTC_ZONE, "2023-11-15 14:30 UTC"),
        ("2023-11-16T01:30+11:00", UTC_ZONE, "2023-11-15 14:30 UTC"),
        ("2023-11-15T14:30Z", None, "2023-11-15 14:30 UTC"),
        ("2023-11-15T14:30:00Z", None, "2023-11-15 14:30 UTC"),
        ("2023-11-15 14:30 GMT", None, "2023-11-15 14:30 UTC"),
        ("2023-11-15 14:30 utc", None, "2023-11-15 14:30 UTC"),
        ("2023-11-15 14:30 Z", None, "2023-11-15 14:30 UTC"),
        ("2023-11-15 15:30 Europe/Berlin", None, "2023-11-15 14:30 UTC"),
        ("2023-07-15 16:30 Europe/Berlin", None, "2023-07-15 14:30 UTC"),
        ("2023-11-15 14:30", UTC_ZONE, "2023-11-15 14:30 UTC"),
        ("2023-11-15 14:30:00", UTC_ZONE, "2023-11-15 14:30 UTC"),
        ("2023-11-15 09:30", NEW_YORK, "2023-11-15 14:30 UTC"),
        ("2023-07-15 10:30", NEW_YORK, "2023-07-15 14:30 UTC"),
        ("2023/11/15 14:30 UTC", None, "2023-11-15 14:30 UTC"),
        ("2023-11-5 14:30 UTC", None, "2023-11-05 14:30 UTC"),
        (datetime(2023, 11, 15, 9, 30, tzinfo=NEW_YORK), None, "2023-11-15 14:30 UTC"),
        (datetime(2023, 11, 15, 14, 30, tzinfo=UTC), None, "2023-11-15 14:30 UTC"),
        (datetime(2023, 11, 15, 14, 30), UTC_ZONE, "2023-11-15 14:30 UTC"),
        (datetime(2023, 11, 15, 9, 30), NEW_YORK, "2023-11-15 14:30 UTC"),
        (45245.604166666664, UTC_ZONE, "2023-11-15 14:30 UTC"),
        (45245.395833333336, NEW_YORK, "2023-11-15 14:30 UTC"),
        (45245, UTC_ZONE, "2023-11-15 00:00 UTC"),
    ],
)
def test_timestamp_forms_become_canonical(
    value: CellValue, tz: ZoneInfo | None, stored: str
) -> None:
    assert column_normalizer(STANDARD["Contact Start"]).normalize(value, tz) == stored


@pytest.mark.parametrize(
    ("value", "tz", "hint"),
    [
        ("03/04/2025 10:00", UTC_ZONE, ORDER),
        ("15/11/23 2pm", UTC_ZONE, ORDER),
        ("15.11.2023 14:30", UTC_ZONE, ORDER),
        ("2023-11-15", UTC_ZONE, "a time of day is needed"),
        (date(2023, 11, 15), UTC_ZONE, "a time of day is needed"),
        ("2023-11-15 2pm", UTC_ZONE, "use the 24-hour clock, e.g. 14:30"),
        ("2023-11-15 2:30 PM", UTC_ZONE, "use the 24-hour clock, e.g. 14:30"),
        (
            "2023-11-15 14:30 EST",
            UTC_ZONE,
            '"EST" is not a zone sheetlog can trust: give the zone as UTC, an offset like -05:00,'
            " or a zone name like America/New_York",
        ),
        (
            "2023-11-15 14:30 Mars/Olympus",
            UTC_ZONE,
            'unknown time zone "Mars/Olympus": give the zone as UTC, an offset like -05:00,'
            " or a zone name like America/New_York",
        ),
        ("2023-11-15 14:30:05 UTC", UTC_ZONE, "seconds are not kept"),
        ("2023-11-15T14:30:00.5Z", UTC_ZONE, "seconds are not kept"),
        (datetime(2023, 11, 15, 14, 30, 5, tzinfo=UTC), UTC_ZONE, "seconds are not kept"),
        (45245.60417, UTC_ZONE, "seconds are not kept"),
        ("2023-11-15 14:30", None, NO_ZONE),
        (datetime(2023, 11, 15, 14, 30), None, NO_ZONE),
        (45245.604166666664, None, NO_ZONE),
        (
            "2023-03-12 02:30",
            NEW_YORK,
            "a daylight-saving change skips or repeats that local time: add an offset",
        ),
        (
            "2023-11-05 01:30",
            NEW_YORK,
            "a daylight-saving change skips or repeats that local time: add an offset",
        ),
        ("2023-02-30 14:30 UTC", UTC_ZONE, "not a real date"),
        ("2023-11-15 25:00 UTC", UTC_ZONE, "not a real date or time"),
        (
            "2023-11-15T14:30+24:00",
            UTC_ZONE,
            "not a real offset: offsets run from -14:00 to +14:00",
        ),
        (123.0, UTC_ZONE, "a spreadsheet date number outside the years 1990-2100"),
        (80000, UTC_ZONE, "a spreadsheet date number outside the years 1990-2100"),
        ("Nov 15, 2023 14:30", UTC_ZONE, ""),
        (True, UTC_ZONE, ""),
    ],
)
def test_timestamp_refusals_name_column_value_and_format(
    value: CellValue, tz: ZoneInfo | None, hint: str
) -> None:
    error = refused(STANDARD["Contact Start"], value, tz)
    assert (error.column, error.value, error.expected, error.hint) == (
        "Contact Start",
        value,
        TS,
        hint,
    )


def test_timestamp_refusal_message() -> None:
    error = refused(STANDARD["Contact Start"], "15/11/23 2pm")
    assert str(error) == (
        'Contact Start: "15/11/23 2pm" is not YYYY-MM-DD HH:MM UTC (e.g. 2023-11-15 14:30 UTC)'
        " (day/month order is ambiguous: write the year first, YYYY-MM-DD)"
    )


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("2023-11-15", "2023-11-15"),
        (" 2023-11-15 ", "2023-11-15"),
        ("2023-11-5", "2023-11-05"),
        ("2023/11/15", "2023-11-15"),
        (date(2023, 11, 15), "2023-11-15"),
        (datetime(2023, 11, 15), "2023-11-15"),
        (45245, "2023-11-15"),
        (45245.0, "2023-11-15"),
    ],
)
def test_date_forms_become_canonical(value: CellValue, stored: str) -> None:
    assert column_normalizer(STANDARD["Follow-up Date"]).normalize(value, None) == stored


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("11/15/2023", "day/month order is ambiguous: write the year first, YYYY-MM-DD"),
        ("15.11.2023", "day/month order is ambiguous: write the year first, YYYY-MM-DD"),
        ("2023-11-15 14:30 UTC", "a date only, without a time"),
        ("2023-11-15T00:00", "a date only, without a time"),
        (datetime(2023, 11, 15, 14, 30), "a date only, without a time"),
        (45245.5, "a date only, without a time"),
        ("2023-02-30", "not a real date"),
        ("2023-13-01", "not a real date"),
        (10, "a spreadsheet date number outside the years 1990-2100"),
        ("2023/11-15", ""),
        ("tomorrow", ""),
        (False, ""),
    ],
)
def test_date_refusals(value: CellValue, hint: str) -> None:
    error = refused(STANDARD["Follow-up Date"], value)
    assert (error.column, error.value, error.expected, error.hint) == (
        "Follow-up Date",
        value,
        "YYYY-MM-DD",
        hint,
    )


@pytest.mark.parametrize(
    ("column", "value", "stored"),
    [
        ("Status", "Resolved", "Resolved"),
        ("Status", "resolved", "Resolved"),
        ("Status", "  RESOLVED ", "Resolved"),
        ("Status", "solved", "Resolved"),
        ("Status", "Done", "Resolved"),
        ("Status", "on hold", "Pending"),
        ("Status", "On   Hold", "Pending"),
        ("Status", "ONHOLD", "Pending"),
        ("Channel", "email", "Email"),
        ("Channel", "E-Mail", "Email"),
        ("Channel", "live chat", "Live Chat"),
        ("Channel", "LiveChat", "Live Chat"),
        ("Channel", "Live \t Chat", "Live Chat"),
        ("Channel", "chat", "Live Chat"),
        ("Channel", "social  media", "Social Media"),
        ("Issue Type", "missing receipt", "Receipt"),
        ("Issue Type", "order discrepancy", "Order Discrepancy"),
    ],
)
def test_choices_match_case_space_and_aliases(column: str, value: str, stored: str) -> None:
    assert column_normalizer(STANDARD[column]).normalize(value, None) == stored


@pytest.mark.parametrize(
    ("column", "value", "hint"),
    [
        ("Status", "Resloved", 'did you mean "Resolved"?'),
        ("Status", "Clsoed", 'did you mean "Closed"?'),
        ("Status", "escalted", 'did you mean "Escalated"?'),
        ("Channel", "Emial", 'did you mean "Email"?'),
        ("Channel", "telephon", 'did you mean "Phone"?'),
        ("Status", "Cancelled", ""),
        ("Status", "x", ""),
        ("Channel", 3, ""),
    ],
)
def test_choice_refusals_suggest_only_one_close_choice(
    column: str, value: CellValue, hint: str
) -> None:
    error = refused(STANDARD[column], value)
    assert (error.column, error.value, error.expected, error.hint) == (
        column,
        value,
        column_normalizer(STANDARD[column]).expected,
        hint,
    )


def test_choice_refusal_message() -> None:
    assert str(refused(STANDARD["Status"], "Resloved")) == (
        'Status: "Resloved" is not one of "Open", "Pending", "Escalated", "Resolved", "Closed"'
        ' (did you mean "Resolved"?)'
    )


def test_choices_that_clash_when_folded_are_never_guessed() -> None:
    column = Column(
        name="Size",
        kind=Kind.CHOICE,
        choices=("Big Box", "BigBox"),
        aliases={"large": "Big Box", "LARGE": "BigBox"},
    )
    assert column_normalizer(column).normalize("BigBox", None) == "BigBox"
    assert refused(column, "bigbox").column == "Size"
    assert refused(column, "large").column == "Size"


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("billing-dispute, refund-delayed", "billing-dispute, refund-delayed"),
        ("Billing Dispute, refund_delayed", "billing-dispute, refund-delayed"),
        ("billing-dispute;refund-delayed", "billing-dispute, refund-delayed"),
        ("a,,b, ", "a, b"),
        ("VIP, vip, Vip", "vip"),
        ("refund, vip, refund", "refund, vip"),
        ("multi  word -- tag", "multi-word-tag"),
        ("2024", "2024"),
        (2024, "2024"),
        (" , ; ", None),
    ],
)
def test_tags(value: CellValue, stored: Stored) -> None:
    assert column_normalizer(STANDARD["Tags"]).normalize(value, None) == stored


@pytest.mark.parametrize(
    ("value", "bad"),
    [
        ("billing, café", "café"),
        ("billing/dispute", "billing/dispute"),
        ("ok, -leading", "-leading"),
        ("refund!", "refund!"),
    ],
)
def test_tag_refusals_name_the_bad_tag(value: str, bad: str) -> None:
    error = refused(STANDARD["Tags"], value)
    assert (error.column, error.value, error.expected, error.hint) == (
        "Tags",
        value,
        EXPECTED[Kind.TAGS],
        f'"{bad}" is not a lowercase-hyphenated word',
    )


@pytest.mark.parametrize(
    ("column", "value", "stored"),
    [
        ("Ticket ID", 123.0, "123"),
        ("Ticket ID", 123, "123"),
        ("Ticket ID", "00123", "00123"),
        ("Ticket ID", "  T-1 ", "T-1"),
        ("Customer", 12.5, "12.5"),
        ("Customer", True, "TRUE"),
        ("Customer", datetime(2023, 11, 15), "2023-11-15"),
        ("Customer", datetime(2023, 11, 15, 14, 30), "2023-11-15 14:30"),
        ("Customer", date(2023, 11, 15), "2023-11-15"),
        ("Customer", '=HYPERLINK("x")', '=HYPERLINK("x")'),
        ("Customer", "+44 20 7946 0958", "+44 20 7946 0958"),
        ("Customer", "-5 stars", "-5 stars"),
        ("Customer", "@bob", "@bob"),
        ("Customer", "\t=cmd", "=cmd"),
        ("Issue Summary", "line one\nline  two", "line one\nline  two"),
        ("Validation", " Status: bad ", "Status: bad"),
    ],
)
def test_text_and_ids(column: str, value: CellValue, stored: str) -> None:
    assert column_normalizer(STANDARD[column]).normalize(value, None) == stored


EVERY_KIND = [
    STANDARD["Ticket ID"],
    STANDARD["Customer"],
    STANDARD["Status"],
    STANDARD["Contact Start"],
    STANDARD["Follow-up Date"],
    STANDARD["Tags"],
    STANDARD["Validation"],
    ORDERS["Email"],
    ORDERS["Phone"],
    ORDERS["Rating"],
    AMOUNT,
]


@pytest.mark.parametrize("column", EVERY_KIND, ids=lambda c: c.kind.value)
@pytest.mark.parametrize("value", [None, "", "   ", "\t\n", float("nan")], ids=repr)
def test_empty_is_none_for_every_kind(column: Column, value: CellValue) -> None:
    assert column_normalizer(column).normalize(value, UTC_ZONE) is None


@pytest.mark.parametrize(
    ("column", "value", "stored"),
    [
        (ORDERS["Email"], " Bob@Example.COM ", "Bob@example.com"),
        (ORDERS["Email"], "first.last+tag@mail.example.co.uk", "first.last+tag@mail.example.co.uk"),
        (ORDERS["Phone"], "+1 (555) 123-4567", "+1 (555) 123-4567"),
        (ORDERS["Phone"], "555.123.4567", "555.123.4567"),
        (ORDERS["Phone"], "+44  20 7946\t0958", "+44 20 7946 0958"),
        (ORDERS["Phone"], 4420794609, "4420794609"),
        (ORDERS["Phone"], 5551234567.0, "5551234567"),
        (AMOUNT, 12, 12),
        (AMOUNT, 12.0, 12),
        (AMOUNT, "12", 12),
        (AMOUNT, " 12.5 ", 12.5),
        (AMOUNT, "-3", -3),
        (AMOUNT, "1e3", 1000),
        (AMOUNT, ".5", 0.5),
        (ORDERS["Rating"], 4, 4),
        (ORDERS["Rating"], 4.0, 4),
        (ORDERS["Rating"], "4", 4),
        (ORDERS["Rating"], "5.0", 5),
        (ORDERS["Rating"], "4/5", 4),
        (ORDERS["Rating"], "4 / 5", 4),
        (ORDERS["Rating"], 1, 1),
    ],
)
def test_email_phone_number_rating(column: Column, value: CellValue, stored: Stored) -> None:
    result = column_normalizer(column).normalize(value, None)
    assert (result, type(result)) == (stored, type(stored))


@pytest.mark.parametrize(
    ("column", "value", "format_name", "hint"),
    [
        (ORDERS["Email"], "bob", EXPECTED[Kind.EMAIL], ""),
        (ORDERS["Email"], "bob@example", EXPECTED[Kind.EMAIL], ""),
        (ORDERS["Email"], "bob @example.com", EXPECTED[Kind.EMAIL], ""),
        (ORDERS["Email"], "a@b@example.com", EXPECTED[Kind.EMAIL], ""),
        (ORDERS["Phone"], "123-45", EXPECTED[Kind.PHONE], ""),
        (ORDERS["Phone"], "call me", EXPECTED[Kind.PHONE], ""),
        (ORDERS["Phone"], "555-1234 x12", EXPECTED[Kind.PHONE], ""),
        (ORDERS["Phone"], "555+1234567", EXPECTED[Kind.PHONE], ""),
        (
            AMOUNT,
            "1,234.5",
            "a number (e.g. 12 or 12.5)",
            "no thousands separators or decimal commas: write 1234.5",
        ),
        (
            AMOUNT,
            "12,5",
            "a number (e.g. 12 or 12.5)",
            "no thousands separators or decimal commas: write 1234.5",
        ),
        (AMOUNT, "twelve", "a number (e.g. 12 or 12.5)", ""),
        (AMOUNT, True, "a number (e.g. 12 or 12.5)", ""),
        (AMOUNT, float("inf"), "a number (e.g. 12 or 12.5)", ""),
        (AMOUNT, "1e999", "a number (e.g. 12 or 12.5)", ""),
        (AMOUNT, date(2023, 11, 15), "a number (e.g. 12 or 12.5)", ""),
        (COUNT, -1, "a number of at least 0", ""),
        (ORDERS["Rating"], 6, "a whole number from 1 to 5", ""),
        (ORDERS["Rating"], 0, "a whole number from 1 to 5", ""),
        (ORDERS["Rating"], 4.5, "a whole number from 1 to 5", ""),
        (ORDERS["Rating"], "4.5", "a whole number from 1 to 5", ""),
        (ORDERS["Rating"], "four", "a whole number from 1 to 5", ""),
        (
            ORDERS["Rating"],
            "4/10",
            "a whole number from 1 to 5",
            "a fraction counts only out of the column's maximum",
        ),
        (ORDERS["Rating"], "6/5", "a whole number from 1 to 5", ""),
    ],
)
def test_email_phone_number_rating_refusals(
    column: Column, value: CellValue, format_name: str, hint: str
) -> None:
    error = refused(column, value)
    assert (error.column, error.value, error.expected, error.hint) == (
        column.name,
        value,
        format_name,
        hint,
    )


def test_rating_refusal_message() -> None:
    assert str(refused(ORDERS["Rating"], 6)) == 'Rating: "6" is not a whole number from 1 to 5'


@pytest.mark.parametrize(
    ("column", "value", "canonical"),
    [
        (STANDARD["Contact Start"], "2023-11-15 14:30 UTC", True),
        (STANDARD["Contact Start"], "2023-11-15T14:30Z", False),
        (STANDARD["Contact Start"], "2023-11-15 14:30", False),
        (STANDARD["Contact Start"], "15/11/23 2pm", False),
        (STANDARD["Contact Start"], 45245.604166666664, False),
        (STANDARD["Contact Start"], None, True),
        (STANDARD["Contact Start"], "", True),
        (STANDARD["Contact Start"], "  ", False),
        (STANDARD["Status"], "Resolved", True),
        (STANDARD["Status"], "resolved", False),
        (STANDARD["Ticket ID"], "123", True),
        (STANDARD["Ticket ID"], 123, False),
        (STANDARD["Ticket ID"], 123.0, False),
        (STANDARD["Customer"], " Bob", False),
        (STANDARD["Customer"], "=1+1", True),
        (STANDARD["Follow-up Date"], "2023-11-15", True),
        (STANDARD["Follow-up Date"], datetime(2023, 11, 15), False),
        (STANDARD["Tags"], "a, b", True),
        (STANDARD["Tags"], "a,b", False),
        (STANDARD["Tags"], "a, a", False),
        (ORDERS["Rating"], 4, True),
        (ORDERS["Rating"], 4.0, True),  # Google reads every number as a float
        (ORDERS["Rating"], "4", False),
        (ORDERS["Rating"], True, False),
        (ORDERS["Email"], "bob@example.com", True),
        (ORDERS["Email"], "bob@Example.com", False),
        (AMOUNT, 12.5, True),
    ],
)
def test_is_canonical(column: Column, value: CellValue, canonical: bool) -> None:
    assert column_normalizer(column).is_canonical(value) is canonical


def test_parse_timestamp_reads_only_the_canonical_form() -> None:
    assert parse_timestamp("2023-11-15 14:30 UTC") == datetime(2023, 11, 15, 14, 30, tzinfo=UTC)
    for text in ("2023-11-15T14:30Z", "2023-11-15 14:30", "2023-02-30 14:30 UTC", "x"):
        with pytest.raises(ValueError):
            parse_timestamp(text)


def test_parse_date_reads_only_the_canonical_form() -> None:
    assert parse_date("2023-11-15") == date(2023, 11, 15)
    for text in ("2023/11/15", "2023-11-5", "2023-02-30", "20231115"):
        with pytest.raises(ValueError):
            parse_date(text)


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2023, 11, 15, 14, 30, tzinfo=UTC), "2023-11-15 14:30 UTC"),
        (datetime(2023, 11, 15, 9, 30, tzinfo=NEW_YORK), "2023-11-15 14:30 UTC"),
        (datetime(2023, 11, 15, 14, 30, 59, 999, tzinfo=UTC), "2023-11-15 14:30 UTC"),
    ],
)
def test_format_timestamp(moment: datetime, text: str) -> None:
    assert format_timestamp(moment) == text
    assert parse_timestamp(text) == moment.replace(second=0, microsecond=0)


def test_format_timestamp_needs_a_zone() -> None:
    with pytest.raises(ValueError):
        format_timestamp(datetime(2023, 11, 15, 14, 30))


@pytest.mark.parametrize(
    ("column", "text"),
    [
        (STANDARD["Status"], 'one of "Open", "Pending", "Escalated", "Resolved", "Closed"'),
        (ORDERS["Rating"], "a whole number from 1 to 5"),
        (STANDARD["Contact Start"], "YYYY-MM-DD HH:MM UTC (e.g. 2023-11-15 14:30 UTC)"),
        (STANDARD["Follow-up Date"], "YYYY-MM-DD"),
        (AMOUNT, "a number (e.g. 12 or 12.5)"),
    ],
)
def test_expected_is_spelled_per_column(column: Column, text: str) -> None:
    assert column_normalizer(column).expected == text


def test_each_column_normalizer_is_built_once() -> None:
    column = STANDARD["Status"]
    assert column_normalizer(column) is column_normalizer(column)
    assert column_normalizer(column) is not column_normalizer(STANDARD["Channel"])
