"""A semicolon-delimited CSV (what Excel saves in much of Europe) is named as such, not
reported as one unknown column; ``import --delimiter ';'`` reads it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sheetlog.cli import cli
from sheetlog.errors import ConfigError
from sheetlog.passes.importfiles import parse_records, read_records

SEMICOLONS = """\
Ticket ID;Customer;Agent;Issue Summary;Contact Start
HD-1;Ann Lee;Maya;Parcel late, again;2025-11-03 09:15 UTC
HD-2;"Bo; Chen";Sam;Refund;2025-11-03 10:00 UTC
"""


def test_a_semicolon_file_is_named_as_such() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_records(SEMICOLONS, "csv", "export.csv")
    assert str(caught.value) == (
        "export.csv: this file looks semicolon-delimited: use --delimiter ';'"
    )


def test_the_delimiter_option_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(SEMICOLONS, encoding="utf-8")
    records = read_records(path, delimiter=";")
    assert [r.values["Customer"] for r in records] == ["Ann Lee", "Bo; Chen"]
    assert records[0].values["Issue Summary"] == "Parcel late, again"
    path.write_text(SEMICOLONS.replace(";", "\t"), encoding="utf-8")
    assert read_records(path, delimiter="\t")[1].values["Customer"] == "Bo\t Chen"


def test_a_comma_file_with_a_semicolon_in_a_header_is_read_as_commas() -> None:
    records = parse_records("Customer,Notes; more\nAnn,x\n", "csv")
    assert records[0].values == {"Customer": "Ann", "Notes; more": "x"}


@pytest.mark.parametrize("bad", ["", ";;", "ab"])
def test_a_delimiter_is_one_character(bad: str) -> None:
    with pytest.raises(ConfigError, match="one character"):
        parse_records(SEMICOLONS, "csv", delimiter=bad)


def test_a_delimiter_is_for_csv_only() -> None:
    with pytest.raises(ConfigError, match="--delimiter is for CSV"):
        parse_records('{"a": "b"}', "jsonl", delimiter=";")


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.delenv("SHEETLOG_SHEET", raising=False)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["init", "--sheet", "log.xlsx"]).exit_code == 0
    Path("export.csv").write_text(SEMICOLONS, encoding="utf-8")
    Path("tabs.tsv").write_text(SEMICOLONS.replace(";", "\t"), encoding="utf-8")
    return runner


def test_cli_import_names_the_delimiter_and_takes_the_option(runner: CliRunner) -> None:
    before = Path("log.xlsx").read_bytes()
    result = runner.invoke(cli, ["import", "export.csv", "--sheet", "log.xlsx"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "sheetlog: export.csv: this file looks semicolon-delimited: use --delimiter ';'\n"
    )
    assert Path("log.xlsx").read_bytes() == before
    result = runner.invoke(cli, ["import", "export.csv", "--delimiter", ";", "--sheet", "log.xlsx"])
    assert (result.exit_code, result.stdout) == (0, "Imported 2 rows.\n")
    args = ["import", "tabs.tsv", "--input-format", "csv", "--delimiter", "tab"]
    result = runner.invoke(cli, [*args, "--sheet", "log.xlsx"])
    assert (result.exit_code, result.stdout) == (
        0,
        "Imported 0 rows.\nSkipped 2 rows already in the log.\n",
    )


def test_cli_import_help_documents_the_option(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["import", "--help"])
    assert "--delimiter" in result.stdout and "semicolon" in result.stdout
