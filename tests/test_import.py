"""`import` on both backends: valid rows in one write, rejected ones reported by line,
repeats skipped, column mapping, all-or-nothing; on Google the call budget and the
2 MB split. Also the file readers (CSV, JSON array, JSON Lines)."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sheetlog.errors import ConfigError, InvalidInput
from sheetlog.model.templates import load_template
from sheetlog.passes.importfiles import parse_records, read_records
from sheetlog.passes.record import Record
from tests.conftest import LogUnderTest

STANDARD = load_template("standard")
HEADER = STANDARD.header
NOW = datetime(2025, 11, 20, 12, 0, tzinfo=UTC)

EXPORT = """\
Ticket ID,Customer,Channel,Contact Start,Agent,Issue Summary,Status,Resolved At,Tags
HD-1,Ann Lee,e-mail,2025-11-03 09:15,Maya,Parcel late,open,,Shipping
HD-2,@jdoe,chat,2025-11-03T10:00-05:00,Sam,"Refund, partial",done,2025-11-04 08:00 UTC,
HD-3,ORD789456,fax,2025-11-03 11:00,Sam,Wrong size,Open,,
HD-4,,Phone,15/11/23 2pm,Maya,Damaged box,Open,,

HD-5,Bo Chen,Phone,2025-11-04 12:00,Maya,"Two-line
summary",Pending,,
"""


def export(tmp_path: Path, text: str = EXPORT, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def column(log: LogUnderTest, name: str) -> list[object]:
    position = HEADER.index(name)
    return [row[position] if position < len(row) else None for row in log.values("Log")[1:]]


def test_valid_rows_land_in_one_write_and_bad_ones_are_reported_by_line(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    any_log.log.init()
    result = any_log.log.import_rows(read_records(export(tmp_path)), now=NOW)
    assert result.added == ["HD-1", "HD-2", "HD-5"]
    assert result.writes == 1 and not result.complete
    assert [(r.where, [p.column for p in r.problems]) for r in result.rejected] == [
        ("line 4", ["Channel"]),
        ("line 5", ["Customer", "Contact Start"]),
    ]
    assert 'Contact Start: "15/11/23 2pm"' in str(result.rejected[1].problems[1])
    assert column(any_log, "Ticket ID") == ["HD-1", "HD-2", "HD-5"]
    assert column(any_log, "Channel") == ["Email", "Live Chat", "Phone"]
    assert column(any_log, "Contact Start") == [
        "2025-11-03 09:15 UTC",
        "2025-11-03 15:00 UTC",
        "2025-11-04 12:00 UTC",
    ]
    assert column(any_log, "Status") == ["Open", "Resolved", "Pending"]
    assert column(any_log, "Issue Summary")[2] == "Two-line\nsummary"
    audit = any_log.audit()[-1]
    assert audit[2:5] == ["import", "Log", "HD-1 … HD-5"]
    assert audit[5].startswith("imported 3 rows from ")
    assert audit[5].endswith("; 0 already in the log, 2 rejected")


def test_importing_the_same_file_twice_adds_nothing(any_log: LogUnderTest, tmp_path: Path) -> None:
    any_log.log.init()
    path = export(tmp_path)
    any_log.log.import_rows(read_records(path), now=NOW)
    marker = any_log.write_marker()
    again = any_log.log.import_rows(read_records(path), now=NOW)
    assert again.added == [] and again.writes == 0
    assert [ticket for _, ticket in again.skipped] == ["HD-1", "HD-2", "HD-5"]
    assert any_log.write_marker() == marker
    assert len(any_log.values("Log")) == 4


def test_rows_without_ticket_ids_are_matched_by_content(any_log: LogUnderTest) -> None:
    any_log.log.init()
    rows = [
        {
            "Customer": "Ann",
            "Agent": "Maya",
            "Issue Summary": "x",
            "Contact Start": "2025-11-01 10:00Z",
        },
        {
            "Customer": "Bo",
            "Agent": "Maya",
            "Issue Summary": "y",
            "Contact Start": "2025-11-01 11:00Z",
        },
    ]
    first = any_log.log.import_rows(rows, now=NOW)
    assert len(first.added) == 2 and first.added[0].startswith("T-251120-")
    again = any_log.log.import_rows([*rows, {**rows[0], "Issue Summary": "z"}], now=NOW)
    assert [where for where, _ in again.skipped] == ["item 1", "item 2"]
    assert len(again.added) == 1
    assert len(any_log.values("Log")) == 4


def test_a_ticket_id_twice_in_the_file_rejects_the_second(any_log: LogUnderTest) -> None:
    any_log.log.init()
    row = {"Ticket ID": "HD-9", "Customer": "Ann", "Agent": "M", "Issue Summary": "x"}
    row["Contact Start"] = "2025-11-01 10:00Z"
    result = any_log.log.import_rows([row, {**row, "Customer": "Bo"}], now=NOW)
    assert result.added == ["HD-9"]
    (rejected,) = result.rejected
    assert rejected.where == "item 2"
    assert "also on item 1" in str(rejected.problems[0])


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    any_log.log.init()
    marker = any_log.write_marker()
    result = any_log.log.import_rows(read_records(export(tmp_path)), all_or_nothing=True)
    assert result.added == [] and len(result.rejected) == 2 and result.writes == 0
    assert any_log.write_marker() == marker
    assert any_log.values("Log") == [HEADER]


def test_mapping_renames_and_drops_a_helpdesk_export_s_columns(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    any_log.log.init()
    text = (
        "Id,Requester,Subject,Created,Assignee,Priority\n"
        "ZD-1,Ann,Login fails,2025-11-02 08:00,Sam,high\n"
    )
    records = read_records(export(tmp_path, text))
    unknown = '"Id", "Requester", "Subject", "Created", "Assignee", "Priority" are not columns'
    with pytest.raises(InvalidInput, match=unknown):
        any_log.log.import_rows(records)
    mapping = {
        "Id": "Ticket ID",
        "Requester": "Customer",
        "Subject": "Issue Summary",
        "Created": "contact start",
        "Assignee": "Agent",
        "Priority": "",
    }
    result = any_log.log.import_rows(records, mapping=mapping)
    assert result.added == ["ZD-1"] and result.complete
    assert column(any_log, "Issue Summary") == ["Login fails"]
    with pytest.raises(ConfigError, match='the file has no column "Subjct"'):
        any_log.log.import_rows(records, mapping={**mapping, "Subjct": "Issue Summary"})
    with pytest.raises(ConfigError, match='"Summary" is not a column of the log'):
        any_log.log.import_rows(records, mapping={**mapping, "Subject": "Summary"})


def test_progress_is_reported_once_per_row(any_log: LogUnderTest, tmp_path: Path) -> None:
    any_log.log.init()
    ticks: list[int] = []
    any_log.log.import_rows(read_records(export(tmp_path)), progress=ticks.append)
    assert ticks == [1] * 5


# --- Google only: call budget and the 2 MB split ----------------------------------------------


def rows(count: int, summary_chars: int) -> list[Record]:
    return [
        Record(
            n + 2,
            {
                "Ticket ID": f"HD-{n}",
                "Customer": f"Customer {n}",
                "Agent": "Maya",
                "Contact Start": "2025-11-01 10:00 UTC",
                "Issue Summary": "x" * summary_chars,
            },
        )
        for n in range(count)
    ]


def test_import_costs_one_read_and_one_write(google_log: LogUnderTest) -> None:
    fake = google_log.fake
    assert fake is not None
    google_log.log.init()
    fake.calls.clear()
    result = google_log.log.import_rows(rows(300, 40))
    assert len(result.added) == 300
    assert [c.method_id for c in fake.calls] == [
        "spreadsheets.getByDataFilter",
        "spreadsheets.batchUpdate",
    ]


def test_a_big_import_is_split_under_the_request_limit(google_log: LogUnderTest) -> None:
    fake = google_log.fake
    assert fake is not None
    google_log.log.init()
    limit = 120_000  # a small stand-in for Google's 2 MB, to keep the test quick
    google_log.log.backend.write_limit = limit
    fake.calls.clear()
    result = google_log.log.import_rows(rows(200, 1500))
    writes = [c for c in fake.calls if c.method_id == "spreadsheets.batchUpdate"]
    payload = sum(c.bytes for c in writes)
    assert result.writes == len(writes) >= 3
    assert all(c.bytes < limit for c in writes)
    assert len(fake.calls) <= 2 + math.ceil(payload / limit)
    assert [r[0] for r in google_log.values("Log")[1:]] == [f"HD-{n}" for n in range(200)]
    audit = google_log.audit()[2:]
    assert [r[2] for r in audit] == ["import"] * len(writes)
    assert sum(int(r[5].split()[1]) for r in audit) == 200  # "imported N rows from ..."
    assert all(f"of {len(writes)})" in r[5] for r in audit)


# --- reading files ----------------------------------------------------------------------------


def test_csv_records_keep_their_starting_line() -> None:
    records = parse_records(EXPORT, "csv")
    assert [r.line for r in records] == [2, 3, 4, 5, 7]
    assert records[1].values["Issue Summary"] == "Refund, partial"
    bad = parse_records("A,B\n1,2,3\n", "csv")[0]
    assert bad.problem is not None and "extra fields" in str(bad.problem)


def test_json_and_jsonl_records(tmp_path: Path) -> None:
    items = [{"Customer": "Ann", "Ticket ID": 12}, {"Customer": "Bo", "Tags": ["a"]}]
    array = read_records(export(tmp_path, json.dumps(items), "x.json"))
    assert (array[0].where, dict(array[0].values)) == ("item 1", items[0])
    assert array[1].problem is not None
    lines = "\n".join(json.dumps(i) for i in items[:1]) + "\n\n" + json.dumps({"Customer": "Cy"})
    jsonl = parse_records(lines, "jsonl")
    assert [r.where for r in jsonl] == ["line 1", "line 3"]
    with pytest.raises(InvalidInput, match="line 2 is not valid JSON"):
        parse_records('{"a": 1}\n{oops\n', "jsonl")
    with pytest.raises(InvalidInput, match="must be an array of objects"):
        parse_records('{"a": 1}', "json")
