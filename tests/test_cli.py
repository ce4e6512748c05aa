"""The CLI as people and cron jobs meet it: help, output, exit codes, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from sheetlog.cli import cli


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    for variable in ("SHEETLOG_SHEET", "SHEETLOG_CREDENTIALS", "GOOGLE_APPLICATION_CREDENTIALS"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(
        "sheetlog.backends.gauth.DEFAULT_SERVICE_ACCOUNT_FILENAME", tmp_path / "none" / "sa.json"
    )
    monkeypatch.setattr(
        "sheetlog.backends.gauth.DEFAULT_AUTHORIZED_USER_FILENAME", tmp_path / "none" / "au.json"
    )
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def test_every_command_has_help_with_examples(runner: CliRunner) -> None:
    assert isinstance(cli, click.Group)
    for name in cli.commands:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Examples:" in result.output, f"{name} --help has no examples"
        offline = name == "check-proof"  # checks a file against a key, without the log
        assert ("--sheet TARGET" in result.output) != offline, name


def test_init_then_init_again_says_nothing_to_change(runner: CliRunner) -> None:
    first = runner.invoke(cli, ["init", "--sheet", "team.xlsx"])
    assert first.exit_code == 0, first.output
    assert 'created tab "Log" with 16 columns' in first.output
    assert "added drop-downs on Channel, Issue Type, Status" in first.output
    second = runner.invoke(cli, ["init", "--sheet", "team.xlsx"])
    assert second.exit_code == 0
    assert second.output.strip().endswith("team.xlsx: nothing to change")


def test_default_target_is_support_log_xlsx_and_env_var_overrides(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert runner.invoke(cli, ["init"]).exit_code == 0
    assert (tmp_path / "support-log.xlsx").exists()
    monkeypatch.setenv("SHEETLOG_SHEET", str(tmp_path / "other.xlsx"))
    assert runner.invoke(cli, ["init"]).exit_code == 0
    assert (tmp_path / "other.xlsx").exists()


def test_init_json_output(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["init", "--sheet", "t.xlsx", "--format", "json"])
    data = json.loads(result.output)
    assert data["created"] is False
    assert data["location"].endswith("t.xlsx")
    assert 'created tab "Log" with 16 columns' in data["changes"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["init", "--sheet", "notes.txt"],
            'sheetlog: --sheet "notes.txt": expected a Google Sheets URL',
        ),
        (["init", "--template", "fancy", "--sheet", "t.xlsx"], 'unknown template "fancy"'),
        (
            ["init", "--sheet", "t.xlsx", "--share", "a@x.com"],
            "--share only works with --sheet gsheet:new",
        ),
    ],
)
def test_configuration_problems_exit_2_with_one_line(
    runner: CliRunner, args: list[str], message: str
) -> None:
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_google_target_without_credentials_names_every_place_it_looked(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["init", "--sheet", "gsheet:1AbCdEf"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line]
    assert len(lines) == 1
    for place in (
        "$SHEETLOG_CREDENTIALS (not set)",
        "$GOOGLE_APPLICATION_CREDENTIALS (not set)",
        "gspread's default service account",
        "gspread's default authorized user",
    ):
        assert place in lines[0]


def test_broken_credentials_file_is_named(runner: CliRunner, tmp_path: Path) -> None:
    key = tmp_path / "key.json"
    key.write_text('{"type": "service_account"}')
    result = runner.invoke(cli, ["init", "--sheet", "gsheet:1AbC", "--credentials", str(key)])
    assert result.exit_code == 2
    assert f"{key}: incomplete service_account key" in result.output


def test_debug_shows_the_traceback(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--debug", "init", "--sheet", "notes.txt"])
    assert result.exit_code == 1  # the exception escapes to the runner
    assert result.exception is not None
