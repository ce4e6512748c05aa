"""LibreOffice as people have it, for tests that check it opens what sheetlog writes:
headless conversions to CSV (one file per tab) and to .xlsx (a person's save)."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
CSV_ALL_SHEETS = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


@pytest.fixture
def soffice(tmp_path: Path) -> list[str]:
    """The LibreOffice command with a profile of its own; skips where it is absent."""
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed")
    return [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless"]


def convert(soffice: list[str], path: Path, to: str, folder: Path) -> None:
    """Convert ``path`` with LibreOffice (``to``: an extension or a filter string)."""
    subprocess.run(
        [*soffice, "--convert-to", to, "--outdir", str(folder), str(path)],
        check=True,
        capture_output=True,
        timeout=300,
    )


def tabs_as_csv(soffice: list[str], path: Path, folder: Path) -> dict[str, list[list[str]]]:
    """Every tab of the workbook as LibreOffice reads it, by title."""
    convert(soffice, path, CSV_ALL_SHEETS, folder)
    found = {}
    for written in folder.glob(f"{path.stem}-*.csv"):
        with open(written, newline="", encoding="utf-8") as handle:
            found[written.stem.removeprefix(f"{path.stem}-")] = list(csv.reader(handle))
    return found
