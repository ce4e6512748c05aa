"""`sheetlog validate` as a nightly job meets it: exit codes, the table, json, csv, --report."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import sheetlog
from sheetlog.cli import cli
from sheetlog.model.ops import AppendRows
from tests.logdata import entry
from tests.test_validate import GOOD

WORKBOOK = "team.xlsx"
JSON_KEYS = {"rows_checked", "errors", "warnings", "problems"}
PROBLEM_KEYS = {"row", "ticket_id", "column", "severity", "code", "message"}


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    """The CLI run in ``tmp_path``, with no sheetlog settings from the environment."""
    for variable in ("SHEETLOG_SHEET", "SHEETLOG_CREDENTIALS"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def recent(hours: int) -> str:
    """A canonical timestamp ``hours`` ago, so the real clock never makes a row stale."""
    moment = datetime.now(UTC) - timedelta(hours=hours)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def workbook(tmp_path: Path, *rows: tuple[Any, ...]) -> None:
    log = sheetlog.open(tmp_path / WORKBOOK)
    log.init()
    if rows:
        log.backend.write([AppendRows("Log", rows)])


def good(ticket: str, **changes: Any) -> tuple[Any, ...]:
    times = {"Contact_Start": recent(5), "Contact_End": recent(4), "Resolved_At": recent(3)}
    return entry(like=GOOD, Ticket_ID=ticket, **(times | changes))


def invoke(runner: CliRunner, *args: str) -> Any:
    return runner.invoke(cli, ["validate", "--sheet", WORKBOOK, *args])


def test_a_clean_log_exits_0_and_says_so(runner: CliRunner, tmp_path: Path) -> None:
    workbook(tmp_path, good("T-1"), good("T-2"))
    result = invoke(runner)
    assert result.exit_code == 0, result.output
    assert "Checked 2 rows: 0 errors, 0 warnings" in result.output
    assert "nothing written" in result.output


def test_errors_exit_1_with_a_table_and_where_to_look(runner: CliRunner, tmp_path: Path) -> None:
    workbook(tmp_path, good("T-1"), good("T-2", Contact_Start="15/11/23 2pm"))
    result = invoke(runner)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].split() == ["ROW", "TICKET", "ID", "COLUMN", "SEVERITY", "PROBLEM"]
    assert lines[1].startswith("3    T-2        Contact Start  error     Contact Start: ")
    assert "Checked 2 rows: 1 error, 0 warnings" in result.output
    assert "Flagged 1 row, cleared 0: see the Validation column of the Log tab in" in result.output


def test_warnings_exit_0_unless_strict(runner: CliRunner, tmp_path: Path) -> None:
    workbook(tmp_path, good("T-1", Contact_End=""))
    assert invoke(runner).exit_code == 0
    strict = invoke(runner, "--strict")
    assert strict.exit_code == 1
    assert "0 errors, 1 warning (--strict)" in strict.output


def test_json_is_exactly_the_documented_schema(runner: CliRunner, tmp_path: Path) -> None:
    workbook(tmp_path, good("T-1"), good("T-2", Channel="Fax", Contact_End=""))
    result = invoke(runner, "--format", "json", "--no-flag")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert set(data) == JSON_KEYS
    assert (data["rows_checked"], data["errors"], data["warnings"]) == (2, 1, 1)
    assert [set(p) for p in data["problems"]] == [PROBLEM_KEYS, PROBLEM_KEYS]
    assert data["problems"][0] == {
        "row": 3,
        "ticket_id": "T-2",
        "column": "Channel",
        "severity": "error",
        "code": "choice",
        "message": 'Channel: "Fax" is not one of "Live Chat", "Email", "Phone",'
        ' "Social Media", "Other"',
    }
    assert data["problems"][1]["severity"] == "warning"


def test_csv_and_report_file(runner: CliRunner, tmp_path: Path) -> None:
    workbook(tmp_path, good("T-1", Agent=""))
    result = invoke(runner, "--format", "csv", "--report", "report.json")
    assert result.exit_code == 1
    lines = list(csv.reader(io.StringIO(result.output)))
    assert lines == [
        ["row", "ticket_id", "column", "severity", "code", "message"],
        ["2", "T-1", "Agent", "error", "required", 'Agent: "" is not filled in (required)'],
    ]
    report = json.loads((tmp_path / "report.json").read_text())
    assert report == json.loads(invoke(runner, "--format", "json").output)


def test_fix_prints_what_it_fixed_and_what_remains(runner: CliRunner, tmp_path: Path) -> None:
    workbook(tmp_path, good("T-1", Channel="e-mail", Agent=""))
    result = invoke(runner, "--fix")
    assert result.exit_code == 1
    assert 'Fixed 1 cell:\n  row 2 Channel: "e-mail" -> "Email"\n' in result.output
    assert "Checked 1 row: 1 error, 0 warnings" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fix", "--no-flag"], "--fix writes to the sheet, so it cannot go with --no-flag"),
        (["--stale-days", "-1"], "-1 is not in the range 0<=x<=36500"),
        (["--format", "xml"], "'xml' is not one of 'text', 'json', 'csv'"),
    ],
)
def test_usage_problems_exit_2(
    runner: CliRunner, tmp_path: Path, args: list[str], message: str
) -> None:
    workbook(tmp_path)
    result = invoke(runner, *args)
    assert result.exit_code == 2
    assert message in result.output


def test_a_workbook_never_initialised_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    result = invoke(runner)
    assert result.exit_code == 2
    assert 'is not a sheetlog log yet: run "sheetlog init" first' in result.output


def test_an_unwritable_report_file_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    workbook(tmp_path, good("T-1"))
    result = invoke(runner, "--report", str(tmp_path / "missing" / "r.json"))
    assert result.exit_code == 2
    assert "--report" in result.output and "cannot write it" in result.output
