"""A value longer than one cell of the backend holds (32,767 characters in a workbook,
50,000 in Google Sheets) is refused before anything is written, naming the column, its
length and the limit; validate --fix never writes one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sheetlog.backends.google import GoogleBackend
from sheetlog.backends.local import LocalBackend
from sheetlog.backends.memory import MemoryBackend
from sheetlog.errors import InvalidInput
from sheetlog.model.ops import SetCells
from sheetlog.model.sheetdata import SHEETS_CHARS_PER_CELL, XLSX_CHARS_PER_CELL, cell_length
from sheetlog.model.templates import load_template
from tests.conftest import LogUnderTest

STANDARD = load_template("standard")
NOW = datetime(2025, 11, 15, 14, 30, tzinfo=UTC)
ENTRY = {"Customer": "ORD789456", "Agent": "Maya", "Issue Summary": "Parcel late"}


def limit_of(log: LogUnderTest) -> int:
    return SHEETS_CHARS_PER_CELL if log.kind == "google" else XLSX_CHARS_PER_CELL


def test_each_backend_says_how_much_a_cell_holds() -> None:
    assert LocalBackend.chars_per_cell == XLSX_CHARS_PER_CELL == 32_767
    assert GoogleBackend.chars_per_cell == SHEETS_CHARS_PER_CELL == 50_000
    assert MemoryBackend.chars_per_cell == XLSX_CHARS_PER_CELL  # the smaller of the two


def test_length_is_counted_as_the_spreadsheets_count_it() -> None:
    assert cell_length("abc") == 3
    assert cell_length("é") == 1
    assert cell_length("\U0001f600") == 2  # one emoji is two UTF-16 units


def test_append_at_the_limit_lands_and_one_more_is_refused(any_log: LogUnderTest) -> None:
    any_log.log.init()
    limit = limit_of(any_log)
    marker = any_log.write_marker()
    with pytest.raises(InvalidInput) as caught:
        any_log.log.append({**ENTRY, "Actions & Notes": "n" * (limit + 1)}, now=NOW)
    message = str(caught.value)
    assert message.startswith('Actions & Notes: "nnnnnnnnnnnnnnnnnnnn…" is not ')
    assert f"{limit + 1:,} characters" in message and f"{limit:,}" in message
    assert "\n" not in message and len(message) < 300
    assert any_log.write_marker() == marker
    row = any_log.log.append({**ENTRY, "Actions & Notes": "n" * limit}, now=NOW)
    assert any_log.values("Log")[1][8] == "n" * limit == row["Actions & Notes"]


def test_an_emoji_counts_twice(memory_log: LogUnderTest) -> None:
    memory_log.log.init()
    with pytest.raises(InvalidInput, match="32,768 characters"):
        memory_log.log.append({**ENTRY, "Actions & Notes": "\U0001f600" * 16_384}, now=NOW)


def test_update_refuses_and_writes_nothing(any_log: LogUnderTest) -> None:
    any_log.log.init()
    ticket = str(any_log.log.append(ENTRY, now=NOW)["Ticket ID"])
    before = any_log.values("Log")
    audit = len(any_log.audit())
    too_long = "x" * (limit_of(any_log) + 10)
    with pytest.raises(InvalidInput, match="Issue Summary"):
        any_log.log.update(ticket, {"Issue Summary": too_long}, now=NOW)
    assert any_log.values("Log") == before and len(any_log.audit()) == audit


def test_update_with_long_old_and_new_values_keeps_the_audit_line_in_one_cell(
    any_log: LogUnderTest,
) -> None:
    any_log.log.init()
    limit = limit_of(any_log)
    long = "a" * (limit - 100)
    ticket = str(any_log.log.append({**ENTRY, "Actions & Notes": long}, now=NOW)["Ticket ID"])
    any_log.log.update(ticket, {"Actions & Notes": "b" * (limit - 100)}, now=NOW)
    assert any_log.values("Log")[1][8] == "b" * (limit - 100)
    details = any_log.audit()[-1][5]
    assert details.startswith(f"{ticket}: Actions & Notes: aaa")
    assert cell_length(details) <= limit


def test_import_rejects_the_long_row_and_lands_the_others(any_log: LogUnderTest) -> None:
    any_log.log.init()
    base = {**ENTRY, "Contact Start": "2025-11-03 09:00 UTC"}
    rows = [
        {**base, "Ticket ID": "HD-1"},
        {**base, "Ticket ID": "HD-2", "Issue Summary": "s" * (limit_of(any_log) + 1)},
        {**base, "Ticket ID": "HD-3"},
    ]
    result = any_log.log.import_rows(rows, now=NOW)
    assert result.added == ["HD-1", "HD-3"]
    (rejected,) = result.rejected
    assert rejected.where == "item 2" and rejected.problems[0].column == "Issue Summary"
    assert [row[0] for row in any_log.values("Log")[1:]] == ["HD-1", "HD-3"]


def test_validate_fix_does_not_write_a_value_over_the_limit(memory_log: LogUnderTest) -> None:
    memory_log.log.init()
    ticket = str(memory_log.log.append(ENTRY, now=NOW)["Ticket ID"])
    at = STANDARD.header.index("Tags")
    # Typed tags that normalize longer than they are: "a;b" becomes "a, b".
    typed = ";".join(f"t{n:04d}" for n in range(5_000))
    assert len(typed) <= XLSX_CHARS_PER_CELL < len(typed.replace(";", ", "))
    memory_log.log.backend.write([SetCells("Log", 2, at, ((typed,),))])
    channel = STANDARD.header.index("Channel")
    memory_log.log.backend.write([SetCells("Log", 2, channel, (("email",),))])
    report = memory_log.log.validate(fix=True, now=NOW)
    assert [(f.ticket_id, f.column) for f in report.fixes] == [(ticket, "Channel")]
    row = memory_log.values("Log")[1]
    assert row[at] == typed and row[channel] == "Email"
    assert any(p.column == "Tags" for p in report.problems)


@pytest.fixture
def memory_log() -> LogUnderTest:
    from sheetlog import SupportLog

    return LogUnderTest("memory", SupportLog(MemoryBackend()))
