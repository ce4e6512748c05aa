"""Bad option values and output files are usage errors on every command: one line on
stderr, exit 2, nothing read or written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from sheetlog.cli import cli
from sheetlog.cli import retention as retention_cli
from sheetlog.errors import ConfigError
from tests.conftest import LogUnderTest
from tests.opsdata import seed_sample


@pytest.fixture
def sheet(local_log: LogUnderTest) -> str:
    """The sample log (with two archive tabs) in a workbook: its --sheet."""
    seed_sample(local_log)
    return str(local_log.path)


def invoke(sheet: str, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, [*args, "--sheet", sheet], input=stdin)


def one_line(result: Result) -> str:
    """The single line a refused command prints (to stderr; nothing to stdout)."""
    assert result.stdout == "", result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("sheetlog: ")
    return lines[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["find", "--from", "2025-13-01"],
            '--from "2025-13-01" is not a date: expected YYYY-MM-DD',
        ),
        (["find", "--to", "yesterday"], '--to "yesterday" is not a date: expected YYYY-MM-DD'),
        (["export", "--from", "2025-02-30"], '--from "2025-02-30" is not a date'),
        (["export", "--to", "2025-11"], '--to "2025-11" is not a date'),
        (["followups", "--today", "2025-11-31"], '--today "2025-11-31" is not a date'),
        (["followups", "--days", "999999999"], "999999999 is not in the range 0<=x<=36500"),
        (["followups", "--days", "-1"], "-1 is not in the range 0<=x<=36500"),
        (
            ["followups", "--today", "9999-12-31", "--days", "5"],
            '--today "9999-12-31" is out of range: years 1900 to 2999',
        ),
        (
            ["summary", "--month", "0000-01"],
            '--month "0000-01" is out of range: years 1900 to 2999',
        ),
        (
            ["summary", "--month", "9999-12"],
            '--month "9999-12" is out of range: years 1900 to 2999',
        ),
        (["summary", "--month", "2025-13"], '--month "2025-13" is not a month: expected YYYY-MM'),
        (
            ["archive", "--older-than", "99999999d"],
            '--older-than "99999999d" is out of range: 0 to 36500d',
        ),
        (["archive", "--older-than", "1e400h"], '--older-than "1e400h": expected a number of'),
        (["validate", "--stale-days", "99999999999"], "is not in the range 0<=x<=36500"),
        (
            ["retention", "--older-than", "99999999999999999999y", "--delete", "--yes"],
            '--older-than "99999999999999999999y" is out of range: 0 to 1200m',
        ),
        (["retention", "--older-than", "soon", "--anonymize"], "expected months or years"),
        (
            ["find", "--from", "2025-12-01", "--to", "2025-11-01"],
            "--from 2025-12-01 is later than --to 2025-11-01: give the earlier day first",
        ),
        (
            ["export", "--from", "2025-12-01", "--to", "2025-11-01"],
            "--from 2025-12-01 is later than --to 2025-11-01",
        ),
        (["find", "--frm", "2025-11-01"], "No such option '--frm'"),
        (["import"], "Missing argument 'FILE|-'"),
    ],
)
def test_a_bad_option_value_is_a_usage_error_in_one_line(
    sheet: str, args: list[str], message: str
) -> None:
    before = Path(sheet).read_bytes()
    result = invoke(sheet, *args)
    assert result.exit_code == 2, result.output
    assert message in one_line(result)
    assert "Traceback" not in result.output
    assert Path(sheet).read_bytes() == before


def test_dates_months_and_ages_at_their_limits_still_work(sheet: str) -> None:
    assert invoke(sheet, "find", "--from", "2025-11-01", "--to", "2025-11-01").exit_code == 0
    assert invoke(sheet, "followups", "--today", "2999-12-31", "--days", "36500").exit_code == 1
    assert invoke(sheet, "summary", "--month", "1900-01", "--no-write").exit_code == 0
    assert invoke(sheet, "archive", "--older-than", "36500d", "--dry-run").exit_code == 0


def test_the_library_refuses_the_same_values_with_a_config_error(sheet: str) -> None:
    import sheetlog

    log = sheetlog.open(sheet)
    with pytest.raises(ConfigError, match="is out of range"):
        log.archive(older_than="99999999d")
    with pytest.raises(ConfigError, match="is out of range"):
        log.summary("9999-12", write=False)
    with pytest.raises(ConfigError, match="goes past the year 9999"):
        from datetime import date

        log.followups(days=5, today=date(9999, 12, 31))
    with pytest.raises(ConfigError, match="later than"):
        log.find(since="2025-12-01", until="2025-11-01")


# --- output files: never the workbook, never a suffix the command does not write ---------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "-o", "{log}"], '--output "{log}" is the log itself: write to another file'),
        (["export", "-o", "out.xlsx"], '--output "out.xlsx": this writes CSV, not a workbook'),
        (
            ["export", "--format", "json", "-o", "out.csv"],
            '--output "out.csv": this writes JSON, not a .csv file; name the file .json',
        ),
        (["export", "-o", "other.bin"], '--output "other.bin" is a sheetlog workbook'),
        (["validate", "--report", "{log}"], '--report "{log}" is the log itself'),
        (["validate", "--report", "t.xlsx"], '--report "t.xlsx": this writes JSON, not a workbook'),
        (["validate", "--report", "r.csv"], "this writes JSON, not a .csv file"),
        (["validate", "--report", "other.bin"], '--report "other.bin" is a sheetlog workbook'),
    ],
)
def test_an_output_file_that_would_replace_a_workbook_is_refused(
    sheet: str, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    folder = Path(sheet).parent
    monkeypatch.chdir(folder)
    shutil.copy(sheet, folder / "other.bin")  # another sheetlog workbook, however named
    others = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    args = [arg.replace("{log}", sheet) for arg in args]
    result = invoke(sheet, *args)
    assert result.exit_code == 2, result.output
    assert message.replace("{log}", sheet) in one_line(result)
    after = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    assert after == others  # nothing written, not even the log's flags


def test_output_files_of_the_right_kind_are_written(
    sheet: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(Path(sheet).parent)
    assert invoke(sheet, "export", "-o", "rows.csv").exit_code == 0
    assert Path("rows.csv").read_text().startswith("Ticket ID,")
    assert invoke(sheet, "export", "-o", "rows.txt", "--format", "json").exit_code == 0
    assert json.loads(Path("rows.txt").read_text())
    assert invoke(sheet, "validate", "--no-flag", "--report", "report.json").exit_code in (0, 1)
    assert "rows_checked" in json.loads(Path("report.json").read_text())


def test_an_export_to_a_missing_folder_is_one_line(sheet: str, tmp_path: Path) -> None:
    result = invoke(sheet, "export", "-o", str(tmp_path / "missing" / "rows.csv"))
    assert result.exit_code == 2
    assert "cannot write it: No such file or directory" in one_line(result)


# --- retention --delete: whole tabs go only on a clear yes --------------------------------


def archive_tabs(sheet: str) -> list[str]:
    return [t for t in openpyxl.load_workbook(sheet).sheetnames if t.startswith("Archive ")]


def test_delete_without_yes_off_a_terminal_deletes_nothing(sheet: str) -> None:
    before = Path(sheet).read_bytes()
    assert archive_tabs(sheet) == ["Archive 2025-09", "Archive 2025-10"]
    result = invoke(sheet, "retention", "--older-than", "0m", "--delete")
    assert result.exit_code == 2
    assert "add --yes to confirm" in one_line(result)
    assert Path(sheet).read_bytes() == before


def test_delete_with_yes_deletes_and_a_dry_run_needs_none(sheet: str) -> None:
    dry = invoke(sheet, "retention", "--older-than", "0m", "--delete", "--dry-run")
    assert dry.exit_code == 0 and "would delete: Archive 2025-09, Archive 2025-10" in dry.output
    assert len(archive_tabs(sheet)) == 2
    done = invoke(sheet, "retention", "--older-than", "0m", "--delete", "--yes")
    assert done.exit_code == 0 and "deleted: Archive 2025-09, Archive 2025-10" in done.output
    assert archive_tabs(sheet) == []


def test_delete_on_a_terminal_lists_the_tabs_and_asks(
    sheet: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retention_cli, "on_terminal", lambda: True)
    before = Path(sheet).read_bytes()
    declined = invoke(sheet, "retention", "--older-than", "0m", "--delete", stdin="n\n")
    assert declined.exit_code == 1
    assert "Would delete 2 archive tab(s): Archive 2025-09, Archive 2025-10" in declined.stderr
    assert "Delete them for good?" in declined.stderr
    assert Path(sheet).read_bytes() == before
    agreed = invoke(sheet, "retention", "--older-than", "0m", "--delete", stdin="y\n")
    assert agreed.exit_code == 0, agreed.output
    assert archive_tabs(sheet) == []


def test_delete_removes_only_the_tabs_that_were_confirmed(sheet: str) -> None:
    import sheetlog

    log = sheetlog.open(sheet)
    result = log.retention(0, "delete", only=["Archive 2025-09"])
    assert result.tabs == ["Archive 2025-09"]
    assert archive_tabs(sheet) == ["Archive 2025-10"]
