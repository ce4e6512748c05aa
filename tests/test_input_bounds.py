"""Input that parses but cannot be meant: years outside 1990 .. next year, UTC offsets
beyond ±14:00, JSON values that are not text where a column wants text, JSON objects
that give a key twice. Each is one line naming the column and value; exit 1."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from sheetlog.cli import cli
from sheetlog.errors import InvalidInput, InvalidValue
from sheetlog.model.ops import SetCells
from sheetlog.model.templates import Column, Kind, load_template
from sheetlog.passes.importfiles import parse_records
from sheetlog.rules.cells import column_normalizer
from sheetlog.rules.rows import row_model
from tests.conftest import LogUnderTest

STANDARD = load_template("standard")
ORDERS = load_template("orders")
START = STANDARD.by_name["Contact Start"]
FOLLOW_UP = STANDARD.by_name["Follow-up Date"]
UTC_ZONE = ZoneInfo("UTC")
NOW = datetime(2025, 11, 15, 14, 30, tzinfo=UTC)
NEXT = datetime.now(UTC).year + 1
YEARS = f"a year from 1990 to {NEXT}"
ENTRY = {"Customer": "ORD789456", "Agent": "Maya", "Issue Summary": "Parcel late"}
CHECKED = {**ENTRY, "Ticket ID": "HD-1", "Status": "Open"}


def refused(column: Column, value: object) -> InvalidValue:
    with pytest.raises(InvalidValue) as caught:
        column_normalizer(column).normalize(value, UTC_ZONE)  # type: ignore[arg-type]
    return caught.value


# --- years and offsets ------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01 00:00 UTC",
        "1989-12-31 23:59 UTC",
        "9999-12-31 00:00 UTC",
        f"{NEXT + 1}-01-01 00:00 UTC",
        "1989-12-31T23:59Z",
        "9999-12-31T10:00+02:00",
        "1989-06-01 12:00",
        datetime(1989, 12, 31, 12, 0, tzinfo=UTC),
        datetime(NEXT + 1, 1, 1, 12, 0),
        (date(NEXT + 1, 6, 1) - date(1899, 12, 30)).days,
    ],
)
def test_timestamps_outside_the_year_window_are_refused(value: object) -> None:
    error = refused(START, value)
    assert error.column == "Contact Start" and error.hint == YEARS


@pytest.mark.parametrize(
    "value",
    ["0001-01-01", "1989-12-31", "9999-12-31", f"{NEXT + 1}-01-01", "1900/1/1", date(1066, 10, 14)],
)
def test_dates_outside_the_year_window_are_refused(value: object) -> None:
    assert refused(FOLLOW_UP, value).hint == YEARS


@pytest.mark.parametrize(
    ("column", "value", "stored"),
    [
        (START, "1990-01-01 00:00 UTC", "1990-01-01 00:00 UTC"),
        (START, f"{NEXT}-12-31 23:59 UTC", f"{NEXT}-12-31 23:59 UTC"),
        (START, "1990-01-01T05:00+05:00", "1990-01-01 00:00 UTC"),
        (FOLLOW_UP, "1990-01-01", "1990-01-01"),
        (FOLLOW_UP, f"{NEXT}-12-31", f"{NEXT}-12-31"),
    ],
)
def test_the_window_s_edges_are_kept(column: Column, value: str, stored: str) -> None:
    assert column_normalizer(column).normalize(value, UTC_ZONE) == stored


@pytest.mark.parametrize(
    "value",
    [
        "2023-11-15T14:30+14:01",
        "2023-11-15T14:30-14:30",
        "2023-11-15 14:30 +23:59",
        "2023-11-15T14:30+05:60",
        "2023-11-15T14:30+24:00",
    ],
)
def test_offsets_beyond_14_hours_are_refused(value: str) -> None:
    assert refused(START, value).hint == "not a real offset: offsets run from -14:00 to +14:00"


def test_an_aware_datetime_with_an_impossible_offset_is_refused() -> None:
    moment = datetime(2023, 11, 15, 14, 30, tzinfo=timezone(timedelta(hours=20)))
    assert refused(START, moment).hint == "not a real offset: offsets run from -14:00 to +14:00"


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("2023-11-15T14:30+14:00", "2023-11-15 00:30 UTC"),
        ("2023-11-15T14:30-12:00", "2023-11-16 02:30 UTC"),
    ],
)
def test_the_real_extremes_of_offsets_are_kept(value: str, stored: str) -> None:
    assert column_normalizer(START).normalize(value, UTC_ZONE) == stored


def test_a_resolved_at_in_year_one_creates_no_archive_tab(any_log: LogUnderTest) -> None:
    any_log.log.init()
    with pytest.raises(InvalidInput, match='Resolved At: "0001-01-01 00:00 UTC"'):
        any_log.log.append(
            {**ENTRY, "Status": "Resolved", "Resolved At": "0001-01-01 00:00 UTC"}, now=NOW
        )
    with pytest.raises(InvalidInput, match='Contact Start: "9999-12-31 00:00 UTC"'):
        any_log.log.append({**ENTRY, "Contact Start": "9999-12-31 00:00 UTC"}, now=NOW)
    assert any_log.values("Log") == [STANDARD.header]


def test_validate_flags_a_typed_year_outside_the_window(any_log: LogUnderTest) -> None:
    any_log.log.init()
    row = any_log.log.append(ENTRY, now=NOW)
    ticket = str(row["Ticket ID"])
    at = STANDARD.header.index("Follow-up Date")
    any_log.log.backend.write([SetCells("Log", 2, at, (("2999-01-01",),))])
    report = any_log.log.validate(flag=False, now=NOW)
    assert [(p.ticket_id, p.column) for p in report.problems if p.severity == "error"] == [
        (ticket, "Follow-up Date")
    ]


# --- JSON values ------------------------------------------------------------------------


def json_row(text: str) -> dict[str, object]:
    """The first record of a JSON Lines text, checked by the standard row model."""
    record = parse_records(text, "jsonl")[0]
    assert record.problem is None
    return row_model(STANDARD).validate_input(record.values)  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("pair", "column", "shown"),
    [
        ('"Customer": 1e400', "Customer", "1e400"),
        ('"Customer": NaN', "Customer", "NaN"),
        ('"Customer": -Infinity', "Customer", "-Infinity"),
        ('"Customer": true', "Customer", "true"),
        ('"Customer": 42', "Customer", "42"),
        ('"Contact Start": 45245.604166666664', "Contact Start", "45245.604166666664"),
        ('"Contact Start": 45245', "Contact Start", "45245"),
        ('"Follow-up Date": 45245', "Follow-up Date", "45245"),
        ('"Status": false', "Status", "false"),
        ('"Tags": 7', "Tags", "7"),
    ],
)
def test_json_values_that_are_not_text_are_refused_where_text_is_wanted(
    pair: str, column: str, shown: str
) -> None:
    base = {
        "Customer": "Ann",
        "Agent": "Sam",
        "Issue Summary": "x",
        "Contact Start": "2025-11-03 09:00 UTC",
    }
    base.pop(column, None)
    text = json.dumps(base)[:-1] + ", " + pair + "}"
    record = parse_records(text, "jsonl")[0]
    with pytest.raises(InvalidInput) as caught:
        row_model(STANDARD).validate_input(record.values)
    message = str(caught.value)
    assert f'{column}: "{shown}" is not ' in message
    assert "JSON" in message and "\n" not in message


def test_json_numbers_are_taken_where_the_column_takes_numbers() -> None:
    model = row_model(ORDERS)
    base = {
        "Customer Name": "Ann",
        "Issue Type": "Payment",
        "Description": "x",
        "Logged At": "2025-11-03 09:00 UTC",
        "Representative": "Sam",
        "Status": "Open",
    }
    rating = next(c.name for c in ORDERS.columns if c.kind is Kind.RATING)
    text = json.dumps({**base, rating: 4, "Log ID": 12345})
    values = model.validate_input(parse_records(text, "jsonl")[0].values)
    assert values[rating] == 4 and type(values[rating]) is int
    assert values["Log ID"] == "12345"
    for bad in ("4.5", "true", "NaN", "1e400"):
        text = json.dumps(base)[:-1] + f', "{rating}": {bad}}}'
        with pytest.raises(InvalidInput, match=rating):
            model.validate_input(parse_records(text, "jsonl")[0].values)
    text = json.dumps(base)[:-1] + ', "Log ID": 1.5}'
    with pytest.raises(InvalidInput, match=r'Log ID: "1\.5"'):
        model.validate_input(parse_records(text, "jsonl")[0].values)


def test_python_values_given_to_the_library_are_unchanged() -> None:
    """Only JSON input is held to text: a library caller's datetime or number still works."""
    values = row_model(STANDARD).validate_input(
        {**CHECKED, "Contact Start": datetime(2025, 11, 3, 9, 0, tzinfo=UTC), "Customer": 42}
    )
    assert values["Contact Start"] == "2025-11-03 09:00 UTC" and values["Customer"] == "42"


def test_json_readers_keep_strings_and_nulls_as_they_are() -> None:
    values = json_row(
        '{"Ticket ID": "HD-1", "Customer": "Ann", "Agent": "Sam", "Issue Summary": "x",'
        ' "Tags": null, "Status": "Open", "Contact Start": "2025-11-03 09:00 UTC"}'
    )
    assert values["Customer"] == "Ann" and values["Tags"] is None


def test_duplicate_json_keys_reject_the_record() -> None:
    text = '{"Customer": "Ann", "Customer": "Bo", "Agent": "Sam"}\n{"Customer": "Cy"}'
    first, second = parse_records(text, "jsonl")
    assert first.problem is not None and second.problem is None
    assert str(first.problem) == (
        'Customer: "Bo" is not given once in a JSON object (the key appears twice)'
    )
    array = parse_records('[{"A": 1, "A": 2}, {"A": 3}]', "json")
    assert array[0].problem is not None and array[1].problem is None


def test_an_import_of_json_lines_rejects_bad_values_row_by_row(any_log: LogUnderTest) -> None:
    any_log.log.init()
    base = {**ENTRY, "Contact Start": "2025-11-03 09:00 UTC"}
    lines = [
        json.dumps({**base, "Ticket ID": "HD-1"}),
        json.dumps({**base, "Ticket ID": "HD-2"})[:-1] + ', "Customer": "again"}',
        json.dumps({**base, "Ticket ID": "HD-3", "Contact Start": 45245.6}),
        json.dumps({**base, "Ticket ID": "HD-4", "Customer": True}),
        json.dumps({**base, "Ticket ID": "HD-5"}),
    ]
    result = any_log.log.import_rows(parse_records("\n".join(lines), "jsonl"), now=NOW)
    assert result.added == ["HD-1", "HD-5"]
    assert [r.where for r in result.rejected] == ["line 2", "line 3", "line 4"]
    assert [row[0] for row in any_log.values("Log")[1:]] == ["HD-1", "HD-5"]


# --- the command line -------------------------------------------------------------------


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.delenv("SHEETLOG_SHEET", raising=False)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["init", "--sheet", "log.xlsx"]).exit_code == 0
    return runner


def run(runner: CliRunner, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(cli, [*args, "--sheet", "log.xlsx"], input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"Customer": "Ann", "Agent": "S", "Issue Summary": "z", "Customer": "Bo"}',
            'sheetlog: Customer: "Bo" is not given once in a JSON object (the key appears twice)\n',
        ),
        (
            '{"Customer": 1e400, "Agent": "S", "Issue Summary": "z"}',
            'sheetlog: Customer: "1e400" is not text (a JSON number: give it as text, in quotes)\n',
        ),
        (
            '{"Customer": NaN, "Agent": "S", "Issue Summary": "z"}',
            'sheetlog: Customer: "NaN" is not text (a JSON number: give it as text, in quotes)\n',
        ),
        (
            '{"Customer": true, "Agent": "S", "Issue Summary": "z"}',
            'sheetlog: Customer: "true" is not text'
            " (a JSON true/false: give it as text, in quotes)\n",
        ),
        (
            '{"Customer": "Ann", "Agent": "S", "Issue Summary": "z", "Contact Start": 45245.6}',
            'sheetlog: Contact Start: "45245.6" is not YYYY-MM-DD HH:MM UTC (e.g. 2023-11-15'
            " 14:30 UTC) (a JSON number: give it as text, in quotes)\n",
        ),
        (
            '{"Customer": "Ann", "Agent": "S", "Issue Summary": "z",'
            ' "Contact Start": "2023-11-15T14:30+23:59"}',
            'sheetlog: Contact Start: "2023-11-15T14:30+23:59" is not YYYY-MM-DD HH:MM UTC'
            " (e.g. 2023-11-15 14:30 UTC) (not a real offset: offsets run from -14:00 to +14:00)\n",
        ),
    ],
)
def test_cli_bad_json_values_are_one_line_exit_1(
    runner: CliRunner, text: str, message: str
) -> None:
    before = Path("log.xlsx").read_bytes()
    assert run(runner, "append", "--json", text) == (1, "", message)
    assert run(runner, "append", stdin=text) == (1, "", message)
    assert Path("log.xlsx").read_bytes() == before
