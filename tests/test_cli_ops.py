"""`find`, `followups`, `status` and `export` from the command line, on both backends."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sheetlog.cli import cli
from tests.conftest import LogUnderTest
from tests.opsdata import seed_sample

COMMANDS = ("find", "followups", "status", "export")


@pytest.fixture
def sheet(local_log: LogUnderTest) -> str:
    """The sample log in a workbook: its --sheet."""
    seed_sample(local_log)
    return str(local_log.path)


def invoke(sheet: str, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--sheet", sheet])


def test_each_command_has_examples() -> None:
    for name in COMMANDS:
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Examples:" in result.output and "--sheet TARGET" in result.output, name


def test_find_prints_a_case_file(sheet: str) -> None:
    result = invoke(sheet, "find", "--ticket", "T-03", "--history")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("T-03  2025-11-15 10:00 UTC  Pending  Jane Adams  JANE DOE")
    assert lines[0].endswith("(Log row 3)")
    assert "    Actions & Notes: Promised a callback about the refund" in lines
    assert "    History (1 Audit line):" in lines
    assert lines[-2].endswith("update  T-03: Status Open -> Pending")
    assert lines[-1] == "1 row (Log 1)"


def test_find_json_is_a_list_of_row_objects(sheet: str) -> None:
    result = invoke(sheet, "find", "--customer", "JANE", "--status", "resolved", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["Ticket ID"], r["tab"], r["row"]) for r in rows] == [("T-01", "Archive 2025-09", 2)]
    nothing = invoke(sheet, "find", "--customer", "nobody")
    assert (nothing.exit_code, nothing.output) == (0, "No rows match.\n")


def test_find_with_a_bad_date_is_a_usage_error_in_one_line(sheet: str) -> None:
    result = invoke(sheet, "find", "--from", "15/11/2025")
    assert result.exit_code == 2
    assert result.output == (
        'sheetlog: --from "15/11/2025" is not a date: expected YYYY-MM-DD (e.g. 2025-11-15)\n'
    )


def test_followups_exit_1_when_overdue_grouped_by_agent(sheet: str) -> None:
    result = invoke(sheet, "followups", "--today", "2025-11-20", "--days", "2")
    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [
        "Jane Adams",
        "  OVERDUE 2025-11-18  T-03  JANE DOE  (Log row 3)",
        "Sam Lee",
        "  due     2025-11-20  T-02  Bob Stone  (Log row 2)",
        "  due     2025-11-22  T-04  Acme Corp  (Log row 4)",
        "1 overdue, 2 due by 2025-11-22",
    ]
    document = json.loads(
        invoke(sheet, "followups", "--today", "2025-11-20", "--format", "json").output
    )
    assert [r["Ticket ID"] for r in document["overdue"]] == ["T-03"]
    assert [r["Ticket ID"] for r in document["due"]] == ["T-02"]


def test_followups_exit_0_when_nothing_is_overdue(sheet: str) -> None:
    result = invoke(sheet, "followups", "--today", "2025-11-01")
    assert (result.exit_code, result.output) == (0, "0 overdue, 0 due today\n")
    assert invoke(sheet, "followups", "--today", "tomorrow").exit_code == 2  # usage


def test_status_text_and_json(sheet: str) -> None:
    text = invoke(sheet, "status")
    assert text.exit_code == 0, text.output
    assert "Log: 5 rows, 4 open" in text.output
    assert "  Archive 2025-09: 1 row" in text.output
    assert "of Google's 10,000,000-cell limit" in text.output
    assert "update  T-033: Customer Ann -> Anne" in text.output
    document = json.loads(invoke(sheet, "status", "--format", "json").output)
    assert document["log_rows"] == 5
    assert document["archive_tabs"] == {"Archive 2025-09": 1, "Archive 2025-10": 1}


def test_export_csv_to_stdout_and_files(sheet: str, tmp_path: Path) -> None:
    result = invoke(sheet, "export", "--tabs", "archives", "--redact")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["Ticket ID"], r["Customer"]) for r in rows] == [("T-01", "J***"), ("T-07", "C***")]
    target = tmp_path / "out.json"
    written = invoke(sheet, "export", "--from", "2025-11-19", "--output", str(target))
    assert written.exit_code == 0, written.output
    assert [r["Ticket ID"] for r in json.loads(target.read_text())] == ["T-02"]
    binary = invoke(sheet, "export", "--format", "parquet")
    assert binary.exit_code == 2
    assert "--format parquet needs --output FILE" in binary.output


def test_the_commands_on_google(google_log: LogUnderTest, monkeypatch: pytest.MonkeyPatch) -> None:
    seed_sample(google_log)
    for command in ("followups", "find"):
        monkeypatch.setattr(f"sheetlog.cli.{command}.open_log", lambda *_: google_log.log)
    sheet = "gsheet:the-log"
    overdue = invoke(sheet, "followups", "--today", "2025-11-20", "--format", "json")
    assert overdue.exit_code == 1
    assert [r["Ticket ID"] for r in json.loads(overdue.output)["overdue"]] == ["T-03"]
    found = json.loads(invoke(sheet, "find", "--customer", "jane", "--format", "json").output)
    assert [(r["Ticket ID"], r["tab"]) for r in found] == [
        ("T-01", "Archive 2025-09"),
        ("T-03", "Log"),
        ("T-06", "Log"),
    ]
