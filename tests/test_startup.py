"""Fast start: ``--help`` and ``import sheetlog`` load no heavy library, and an append to
a workbook loads neither pandas nor the Google stack (nor openpyxl). Each check runs in
a fresh interpreter, since this one has long imported everything."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import sheetlog

ROOT = Path(__file__).resolve().parent.parent
HEAVY = {"pandas", "gspread", "google", "openpyxl", "pydantic", "python_calamine", "lxml"}
NOT_FOR_APPEND = {"pandas", "gspread", "google", "openpyxl"}
ENTRY = {"Customer": "ORD789456", "Agent": "Maya", "Issue Summary": "Parcel late"}


def loaded_after(code: str) -> set[str]:
    """The top-level packages a fresh interpreter has imported once ``code`` ran."""
    report = "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    probe = f"{code}\nimport json, sys\n{report}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETLOG_")}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_import_sheetlog_loads_no_heavy_library() -> None:
    assert loaded_after("import sheetlog") & HEAVY == set()


def test_help_loads_no_heavy_library() -> None:
    code = """
from click.testing import CliRunner
from sheetlog.cli import cli
runner = CliRunner()
for args in [["--help"], *([name, "--help"] for name in cli.commands)]:
    result = runner.invoke(cli, args)
    assert result.exit_code == 0 and "Usage:" in result.output, (args, result.output)
"""
    assert loaded_after(code) & HEAVY == set()


@pytest.mark.parametrize("way", ["library", "cli"])
def test_append_to_a_workbook_loads_no_pandas_google_or_openpyxl(tmp_path: Path, way: str) -> None:
    book = tmp_path / "support-log.xlsx"
    with sheetlog.open(book) as support_log:
        support_log.init()
    if way == "library":
        code = f"import sheetlog\nsheetlog.open({str(book)!r}).append({ENTRY!r})"
    else:
        fields = [arg for name, value in ENTRY.items() for arg in ("-f", f"{name}={value}")]
        code = f"""
from click.testing import CliRunner
from sheetlog.cli import cli
result = CliRunner().invoke(cli, ["append", "--sheet", {str(book)!r}, *{fields!r}])
assert result.exit_code == 0, result.output
"""
    assert loaded_after(code) & NOT_FOR_APPEND == set()
    with sheetlog.open(book) as support_log:
        assert [row["Customer"] for row in support_log.find(customer="ORD789456").rows] == [
            "ORD789456"
        ]
