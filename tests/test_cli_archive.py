"""`sheetlog archive` from the command line: text, JSON, dry run."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

import sheetlog
from sheetlog.cli import cli
from sheetlog.model.sheetdata import Scope
from tests.conftest import open_local
from tests.logdata import entry, seed


def test_archive_cli_text_json_and_dry_run(tmp_path: Path) -> None:
    target = open_local(tmp_path)
    old = entry("T-1", "Resolved", "2020-01-05 10:00 UTC", Contact_Start="2020-01-05 09:00 UTC")
    seed(target, [old, entry("T-2")])
    sheet = str(target.path)
    runner = CliRunner()
    dry = runner.invoke(cli, ["archive", "--dry-run", "--sheet", sheet])
    assert dry.exit_code == 0, dry.output
    assert "Archive 2020-01: would move 1 row" in dry.output
    done = runner.invoke(cli, ["archive", "--sheet", sheet, "--format", "json"])
    assert json.loads(done.output) == {
        "moved": 1,
        "kept_invalid": 0,
        "kept_changed": 0,
        "finished": 0,
        "tabs": {"Archive 2020-01": 1},
        "dry_run": False,
    }
    again = runner.invoke(cli, ["archive", "--sheet", sheet])
    assert "moved 0 rows" in again.output
    assert "Archive 2020-01" in sheetlog.open(sheet).read(Scope.all())[0].tabs


def test_archive_on_a_workbook_that_was_never_initialised_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["archive", "--sheet", str(tmp_path / "none.xlsx")])
    assert result.exit_code == 2
    assert 'is not a sheetlog log yet: run "sheetlog init" first' in result.output
