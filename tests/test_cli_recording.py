"""`sheetlog append`, `update` and `import` as people and scripts run them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheetlog.cli import cli
from sheetlog.cli import progress as cli_module
from sheetlog.cli.progress import progress_bar

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "interactions.csv"
BASE = ["-f", "Customer=ORD789456", "-f", "Agent=Maya", "-f", "Issue Summary=Parcel late"]


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


def test_append_with_fields_prints_the_stored_row(runner: CliRunner) -> None:
    code, out, _ = run(runner, "append", *BASE, "-f", "channel=e-mail", "-f", "Tags=VIP, Refund")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Added to ") and lines[0].endswith("log.xlsx:")
    assert "  Channel: Email" in lines and "  Tags: vip, refund" in lines
    assert "  Status: Open" in lines


def test_append_json_and_stdin_with_json_output(runner: CliRunner) -> None:
    entry = {"Customer": "@jdoe", "Agent": "Sam", "Issue Summary": '=HYPERLINK("http://x","y")'}
    code, out, _ = run(runner, "append", "--json", json.dumps(entry), "--format", "json")
    assert code == 0
    row = json.loads(out)
    assert row["Issue Summary"] == entry["Issue Summary"] and row["Status"] == "Open"
    code, out, _ = run(runner, "append", "--format", "json", stdin=json.dumps(entry))
    assert code == 0 and json.loads(out)["Customer"] == "@jdoe"
    code, out, _ = run(runner, "append", "--json", "-", "-f", "Agent=Kim", stdin=json.dumps(entry))
    assert code == 0 and "  Agent: Kim" in out.splitlines()


def test_bad_append_is_one_line_exit_1_and_nothing_written(runner: CliRunner) -> None:
    before = Path("log.xlsx").read_bytes()
    code, out, err = run(runner, "append", *BASE, "-f", "Contact Start=15/11/23 2pm")
    assert code == 1 and out == ""
    assert err.count("\n") == 1
    assert err.startswith('sheetlog: Contact Start: "15/11/23 2pm" is not YYYY-MM-DD HH:MM UTC')
    assert Path("log.xlsx").read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-f", "Customer"], '"Customer" is not COLUMN=VALUE'),
        (["--json", "[1, 2]"], "must be a JSON object"),
        (["--json", "{oops"], "not valid JSON"),
        (["--json", '{"Tags": ["a"]}'], '"Tags" must be a single text'),
    ],
)
def test_malformed_options_are_usage_errors(
    runner: CliRunner, args: list[str], message: str
) -> None:
    code, _, err = run(runner, "append", *args)
    assert code == 2 and message in err


def test_update_prints_old_and_new_values(runner: CliRunner) -> None:
    _, out, _ = run(runner, "append", *BASE, "--format", "json")
    ticket = json.loads(out)["Ticket ID"]
    code, out, _ = run(runner, "update", ticket, "-f", "Status=Resolved", "-f", "Tags=refund")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"{ticket} (Log row 2):"
    assert lines[1:3] == ["  Status: Open -> Resolved", "  Tags: (empty) -> refund"]
    assert lines[3].startswith("  Resolved At: (empty) -> ")
    code, out, _ = run(runner, "update", ticket, "-f", "status=resolved")
    assert (code, out) == (0, f"{ticket} (Log row 2): nothing to change\n")
    code, out, _ = run(runner, "update", ticket, "-f", "Status=Open", "--format", "json")
    data = json.loads(out)
    assert data["changes"][0] == {"column": "Status", "old": "Resolved", "new": "Open"}
    assert data["values"]["Resolved At"] is None


def test_update_of_an_unknown_ticket_exits_1(runner: CliRunner) -> None:
    code, _, err = run(runner, "update", "T-nope", "-f", "Status=Resolved")
    assert (code, err) == (1, 'sheetlog: no ticket "T-nope" in Log\n')
    code, _, err = run(runner, "update", "T-nope")
    assert code == 2 and "give the values to change" in err


def test_import_of_the_sample_reports_rejections_and_exits_1(runner: CliRunner) -> None:
    code, out, _ = run(runner, "import", str(SAMPLE))
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "Imported 192 rows."
    assert lines[1] == "Rejected 8 rows:"
    assert lines[2].startswith('  line 14: Contact Start: "15/11/23 2pm" is not')
    assert '  line 120: Channel: "fax" is not one of' in out
    code, out, _ = run(runner, "import", str(SAMPLE), "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["added"] == 0 and len(data["skipped"]) == 192
    assert data["rejected"][0]["where"] == "line 14"
    assert data["rejected"][0]["problems"][0]["column"] == "Contact Start"


def test_import_from_stdin_with_mapping_exits_0(runner: CliRunner) -> None:
    lines = [
        {"Id": "ZD-1", "Requester": "Ann", "Subject": "Login fails", "Created": "2025-11-02 08:00"},
        {"Id": "ZD-2", "Requester": "Bo", "Subject": "Refund", "Created": "2025-11-02T09:00Z"},
    ]
    text = "\n".join(json.dumps({**line, "Assignee": "Sam", "Priority": "p2"}) for line in lines)
    maps = [
        *("--map", "Id=Ticket ID", "--map", "Requester=Customer", "--map", "Subject=Issue Summary"),
        *("--map", "Created=Contact Start", "--map", "Assignee=Agent", "--map", "Priority="),
    ]
    code, out, _ = run(runner, "import", "-", *maps, stdin=text)
    assert (code, out) == (0, "Imported 2 rows.\n")
    code, out, _ = run(runner, "import", "-", *maps, stdin=text)
    assert (code, out) == (0, "Imported 0 rows.\nSkipped 2 rows already in the log.\n")
    code, _, err = run(runner, "import", "-", stdin=text)
    assert code == 1 and 'the file\'s "Id", "Requester"' in err


def test_import_all_or_nothing(runner: CliRunner) -> None:
    code, out, _ = run(runner, "import", str(SAMPLE), "--all-or-nothing")
    assert code == 1
    assert out.startswith("Nothing imported: 8 rows rejected (--all-or-nothing)\n")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_shows_only_for_long_runs_at_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    terminal = Terminal()
    monkeypatch.setattr(cli_module.sys, "stderr", terminal)
    with progress_bar(cli_module.PROGRESS_MIN_ROWS, "Checking rows") as progress:
        assert progress is None
    with progress_bar(cli_module.PROGRESS_MIN_ROWS + 1, "Checking rows") as progress:
        assert progress is not None
        progress(cli_module.PROGRESS_MIN_ROWS + 1)
    assert "Checking rows" in terminal.getvalue()
    monkeypatch.setattr(cli_module.sys, "stderr", io.StringIO())  # a pipe or a cron job
    with progress_bar(cli_module.PROGRESS_MIN_ROWS + 1, "Checking rows") as progress:
        assert progress is None


def test_import_refuses_values_under_a_column_without_a_header(
    runner: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "in.csv").write_text(
        "Customer,Agent,Issue Summary,\nAnn,Bo,Late,the note nobody named\n", encoding="utf-8"
    )
    code, _, err = run(runner, "import", str(tmp_path / "in.csv"))
    assert code == 1
    assert err.count("\n") == 1 and "column 4 has no header but holds values" in err
    code, out, _ = run(runner, "find", "--customer", "Ann")
    assert code == 0 and "No rows match" in out  # nothing was imported


def test_import_refuses_two_sources_for_one_column(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_text(
        "Name,Email,Customer,Agent,Issue Summary\nAnn,a@x.org,ann-9,Bo,Late\n", encoding="utf-8"
    )
    args = ("import", str(tmp_path / "in.csv"), "--map", "Name=Customer", "--map", "Email=Customer")
    code, _, err = run(runner, *args)
    assert code == 2
    assert 'both go to column "Customer"' in err and err.count("\n") == 1
    code, out, _ = run(runner, "find", "--customer", "Ann")
    assert code == 0 and "No rows match" in out
