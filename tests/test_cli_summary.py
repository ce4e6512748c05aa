"""``sheetlog summary`` as a manager and a script meet it."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import sheetlog
from sheetlog.cli import cli
from tests.summary_data import fill
from tests.test_summary_figures import EXPECTED


@pytest.fixture
def workbook(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """A local log holding the hand-computed data set; the working folder is tmp_path."""
    monkeypatch.delenv("SHEETLOG_SHEET", raising=False)
    monkeypatch.chdir(tmp_path)
    with sheetlog.open(tmp_path / "team.xlsx") as log:
        fill(log, tmp_path)
    return "team.xlsx"


def test_summary_prints_sections_and_writes_the_tab(workbook: str) -> None:
    result = CliRunner().invoke(cli, ["summary", "--month", "2025-10", "--sheet", workbook])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Support summary: October 2025 (America/New_York)"
    for line in (
        "  Interactions                         12",
        "  Hours to resolve    12.0             40.8",
        "  Handle minutes      20.0             33.0",
        "  >30d      1",
        "  Bob               6         5                     12.0",
        "  Eve               6         2                     27.0",
        "  refund-delayed             1",
        "  2025-10-31             2",
    ):
        assert line in lines
    assert not any(line.startswith("  2025-10-03") for line in lines)  # days without contacts
    assert lines[-1].startswith('Wrote the tab "Summary 2025-10" in ')
    assert lines[-1].endswith("team.xlsx")
    assert "Summary 2025-10" in openpyxl.load_workbook(workbook).sheetnames


def test_json_prints_exactly_the_figures_and_no_write_writes_nothing(workbook: str) -> None:
    before = Path(workbook).stat().st_mtime_ns
    args = ["summary", "--month", "2025-10", "--no-write", "--format", "json", "--sheet", workbook]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == EXPECTED
    assert Path(workbook).stat().st_mtime_ns == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--sheet", "{workbook}", "--month", "2025-13"],
            'sheetlog: --month "2025-13" is not a month: expected YYYY-MM (e.g. 2025-10)',
        ),
        (["--sheet", "empty.xlsx"], 'is not a sheetlog log yet: run "sheetlog init" first'),
        (["--sheet", "{workbook}", "--to", "x.xlsx"], "--to writes a summary of several logs"),
        (["--sheet", "{workbook}", "--sheet", "{workbook}"], "say where to write the summary"),
    ],
)
def test_problems_exit_2_with_one_line(workbook: str, args: list[str], message: str) -> None:
    given = [arg.format(workbook=workbook) for arg in args]
    result = CliRunner().invoke(cli, ["summary", *given])
    assert result.exit_code == 2
    assert len(result.output.splitlines()) == 1
    assert message in result.output
