"""Property tests over every normalizer, and a fuzz test over ``append`` and ``import``.

Normalizers: whatever they are given (any text, surrogates and control characters
included, numbers, NaN, booleans, dates, datetimes in any zone, JSON-typed values),
they return a stored value or raise ``InvalidValue``; a stored value normalizes to
itself without a zone, is canonical, holds nothing a cell cannot store, and a stored
timestamp or date parses. Messages are one printable line.

Writes: an arbitrary row given to ``append`` (library and ``--json``) or ``import``
either lands and reads back as what ``append`` returned, or is refused with exactly
one InvalidInput (exit 1, one line) and the workbook still opens in python-calamine
and openpyxl and holds exactly what it held.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

import sheetlog
from sheetlog import SupportLog
from sheetlog.backends.memory import MemoryBackend
from sheetlog.cli import cli
from sheetlog.errors import InvalidInput, InvalidValue
from sheetlog.model.sheetdata import UNSTORABLE, Scope
from sheetlog.model.templates import Column, Kind, load_template
from sheetlog.passes.importfiles import parse_records
from sheetlog.rules.cells import (
    JsonBool,
    JsonFloat,
    JsonInt,
    column_normalizer,
    parse_date,
    parse_timestamp,
)

STANDARD = load_template("standard")
ORDERS = load_template("orders")
COLUMNS = [
    *STANDARD.columns,
    *ORDERS.columns,
    Column(name="Amount", kind=Kind.NUMBER),
    Column(name="Count", kind=Kind.NUMBER, minimum=0, maximum=10),
    Column(name="Stars", kind=Kind.RATING, minimum=1, maximum=5),
]
NOW = datetime(2025, 11, 15, 14, 30, tzinfo=UTC)
FAST = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PURE = settings(FAST, max_examples=200)  # normalizers alone are fast: look harder

# --- what users and spreadsheets give -----------------------------------------------------

ANY_CHAR = st.characters(exclude_categories=())  # surrogates and control characters too
TEXT = st.text(ANY_CHAR, max_size=24)
PRINTABLE = st.text(st.characters(exclude_categories=("Cs", "Cc", "Cn", "Co")), max_size=24)
DIGITS = st.from_regex(r"\A[+-]?[0-9]{1,12}([.,/][0-9]{0,6})?\Z")
MOMENT_TEXT = st.from_regex(
    r"\A ?[0-9]{1,5}[-/.][0-9]{1,2}[-/.][0-9]{1,4}"
    r"([T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.,][0-9]{1,9})?)?)?"
    r" ?([+-][0-9]{2}(:?[0-9]{2})?|Z|UTC|utc|GMT|EST|[ap]m|Europe/Berlin|Mars/Olympus)? ?\Z"
)
CHOICE_TEXT = st.sampled_from(
    ["email", "E-mail", " Live  chat ", "resolved", "Clsoed", "done", "fax", "Other"]
)
TAG_TEXT = st.lists(
    st.sampled_from(["VIP", "refund_delayed", "billing dispute", "a;b", "", "ünï", "x-y"]),
    max_size=4,
).map(", ".join)
ZONES = st.one_of(
    st.none(),
    st.sampled_from([UTC, ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata")]),
    st.timedeltas(-timedelta(hours=23, minutes=59), timedelta(hours=23, minutes=59)).map(
        lambda offset: timezone(offset)
    ),
)
FLOATS = st.floats(allow_nan=True, allow_infinity=True)
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
LONG = st.integers(4290, 4400)  # Python refuses to turn more than 4,300 digits into an int
EDGES = st.one_of(
    LONG.map(lambda n: "9" * n),
    LONG.map(lambda n: f"{'1' * n}/5"),
    LONG.map(lambda n: f"2023-11-15 14:30:00.{'0' * n} UTC"),
    st.just(10**4400),
    MOMENT_TEXT.map(lambda text: text.translate(ARABIC_INDIC)),  # digits that are not ASCII
    st.sampled_from(["2023-11-15 1\u0664:30 UTC", "\u0662\u0660\u0662\u0663-11-15", "٣"]),
)
JSON_TYPED = st.one_of(
    FLOATS.map(lambda f: JsonFloat(json.dumps(f))),
    st.integers(-(10**20), 10**20).map(lambda n: JsonInt(str(n))),
    st.booleans().map(JsonBool),
)
CELL_VALUES = st.one_of(
    TEXT,
    PRINTABLE,
    DIGITS,
    MOMENT_TEXT,
    CHOICE_TEXT,
    TAG_TEXT,
    st.integers(-(10**12), 10**12),
    FLOATS,
    st.booleans(),
    st.none(),
    st.dates(),
    st.datetimes(timezones=ZONES),
    JSON_TYPED,
    EDGES,
)
TZS = st.sampled_from([None, ZoneInfo("UTC"), ZoneInfo("America/New_York")])


def one_line(error: BaseException) -> str:
    """The message of ``error``, which must print and fit one line."""
    message = str(error)
    message.encode("utf-8")  # no lone surrogate: it prints
    assert "\n" not in message and "\r" not in message
    return message


@PURE
@given(column=st.sampled_from(COLUMNS), value=CELL_VALUES, tz=TZS)
def test_every_normalizer_stores_canonically_or_refuses(
    column: Column, value: Any, tz: ZoneInfo | None
) -> None:
    try:
        stored = column_normalizer(column).normalize(value, tz)
    except InvalidValue as refused:
        assert refused.column == column.name
        one_line(refused)
        return
    if stored is None:
        return
    # idempotent, and needs no zone
    assert column_normalizer(column).normalize(stored, None) == stored
    assert type(column_normalizer(column).normalize(stored, None)) is type(stored)
    assert column_normalizer(column).is_canonical(stored)
    if isinstance(stored, str):
        assert UNSTORABLE.search(stored) is None and stored == stored.strip()
        stored.encode("utf-8")
        if column.kind is Kind.TIMESTAMP:
            assert 1990 <= parse_timestamp(stored).year <= NOW.year + 2
        if column.kind is Kind.DATE:
            assert 1990 <= parse_date(stored).year <= date.today().year + 1
    else:
        assert column.kind in (Kind.NUMBER, Kind.RATING)
        assert type(stored) in (int, float)


@PURE
@given(column=st.sampled_from(COLUMNS), text=TEXT)
def test_text_normalizes_or_refuses_naming_the_value_escaped(column: Column, text: str) -> None:
    try:
        stored = column_normalizer(column).normalize(text, ZoneInfo("UTC"))
    except InvalidValue as refused:
        assert one_line(refused).startswith(f"{column.name}: ")
        return
    assert stored is None or UNSTORABLE.search(str(stored)) is None


# --- writes: the library, a local workbook and the memory backend -------------------------

KEYS = st.one_of(
    st.sampled_from([*STANDARD.header, "customer", " Agent ", "Priority"]),
    TEXT,
)
ROW_VALUES = st.one_of(
    TEXT, PRINTABLE, MOMENT_TEXT, CHOICE_TEXT, TAG_TEXT, FLOATS, st.booleans(), st.none()
)
BASE = {"Customer": "Ann", "Agent": "Sam", "Issue Summary": "Parcel late"}
ROWS = st.dictionaries(KEYS, ROW_VALUES, max_size=5).map(
    lambda extra: {**BASE, **extra} if len(extra) % 2 else extra
)


def log_rows(log: SupportLog) -> list[list[Any]]:
    return log.backend.read(Scope.of("Log")).tabs["Log"].rows


def opens(path: Path) -> list[list[Any]]:
    """The Log as both readers see it; both must still open the workbook."""
    book = openpyxl.load_workbook(path, read_only=True)
    by_openpyxl = [list(row) for row in book["Log"].iter_rows(values_only=True)]
    book.close()
    by_calamine = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Log").to_python()
    assert len(by_calamine) == len([r for r in by_openpyxl if any(c is not None for c in r)])
    return by_calamine


def stored(row: dict[str, Any]) -> list[Any]:
    cells = [row[name] for name in STANDARD.header]
    while cells and cells[-1] is None:
        cells.pop()
    return cells


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SupportLog]:
    path = tmp_path_factory.mktemp("fuzz") / "support-log.xlsx"
    log = sheetlog.open(path)
    log.init()
    yield log
    log.close()


def check_append(log: SupportLog, values: dict[str, Any], path: Path | None) -> None:
    before = log_rows(log)
    file_before = path.read_bytes() if path else b""
    try:
        row = log.append(values, now=NOW)
    except InvalidInput as refused:
        one_line(refused)
        assert log_rows(log) == before
        if path:
            assert path.read_bytes() == file_before
            opens(path)
        return
    after = log_rows(log)
    assert after[:-1] == before
    assert after[-1] == stored(row)
    if path:
        assert opens(path)[-1][: len(stored(row))] == [
            "" if cell is None else cell for cell in stored(row)
        ]


@FAST
@given(values=ROWS)
def test_append_on_a_local_workbook_lands_or_changes_nothing(
    workbook: SupportLog, values: dict[str, Any]
) -> None:
    check_append(workbook, values, Path(workbook.location))


@pytest.fixture(scope="module")
def memory() -> SupportLog:
    log = SupportLog(MemoryBackend())
    log.init()
    return log


@FAST
@given(values=ROWS)
def test_append_on_the_memory_backend_lands_or_changes_nothing(
    memory: SupportLog, values: dict[str, Any]
) -> None:
    check_append(memory, values, None)


@settings(FAST, max_examples=30)
@given(rows=st.lists(ROWS, min_size=1, max_size=4))
def test_import_lands_the_valid_rows_and_reports_the_rest(
    workbook: SupportLog, rows: list[dict[str, Any]]
) -> None:
    path = Path(workbook.location)
    before = log_rows(workbook)
    text = "\n".join(json.dumps({**r, "Contact Start": "2025-11-03 09:00 UTC"}) for r in rows)
    try:
        records = parse_records(text, "jsonl")
        result = workbook.import_rows(records, now=NOW)
    except InvalidInput as refused:  # a column the log does not have: nothing imported
        one_line(refused)
        assert log_rows(workbook) == before
        opens(path)
        return
    assert len(result.added) + len(result.skipped) + len(result.rejected) == len(rows)
    for rejected in result.rejected:
        assert rejected.problems
        for problem in rejected.problems:
            one_line(problem)
    after = log_rows(workbook)
    assert after[: len(before)] == before and len(after) == len(before) + len(result.added)
    assert [row[0] for row in after[len(before) :]] == result.added
    assert len(opens(path)) == len(after)


# --- the command line ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz-cli") / "log.xlsx"
    assert CliRunner().invoke(cli, ["init", "--sheet", str(path)]).exit_code == 0
    return path


@settings(FAST, max_examples=30)
@given(values=ROWS)
def test_cli_append_json_is_exit_0_or_one_line_and_exit_1(
    cli_book: Path, values: dict[str, Any]
) -> None:
    before = cli_book.read_bytes()
    rows_before = len(opens(cli_book))
    text = json.dumps(values)  # lone surrogates travel as \\udXXX escapes, NaN as NaN
    result = CliRunner().invoke(cli, ["append", "--json", text, "--sheet", str(cli_book)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    if result.exit_code == 0:
        assert len(opens(cli_book)) == rows_before + 1
        return
    assert result.exit_code == 1, result.output
    assert result.stdout == "" and result.stderr.count("\n") == 1
    assert result.stderr.startswith("sheetlog: ")
    assert cli_book.read_bytes() == before
