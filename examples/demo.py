"""`make demo`: the whole sheetlog cycle on a local workbook, through the real CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo"
WORKBOOK = DEMO / "support-log.xlsx"


def sheetlog(*args: str, check: bool = True) -> int:
    """Run one sheetlog command against the demo workbook, echoing it first."""
    command = ["sheetlog", *args, "--sheet", str(WORKBOOK)]
    print(f"\n$ {' '.join(command[:-2])} --sheet demo/{WORKBOOK.name}", flush=True)
    done = subprocess.run([sys.executable, "-m", "sheetlog", *command[1:]], cwd=ROOT)
    if check and done.returncode != 0:
        sys.exit(done.returncode)
    return done.returncode


def main() -> None:
    shutil.rmtree(DEMO, ignore_errors=True)
    DEMO.mkdir()
    sheetlog("init")
    sheetlog("init")
    print(f"\nThe demo workbook is {WORKBOOK}")
    print(
        "Open it in Excel or LibreOffice: frozen header, drop-downs on Channel, Issue Type, Status."
    )
    day_to_day()
    summarize_last_month()


def day_to_day() -> None:
    """How the log stands, and one customer's case file across Log and the archive tabs."""
    sheetlog("status", check=False)
    sheetlog("find", "--customer", "ORD789456", "--history", check=False)


def summarize_last_month() -> None:
    """End with the summary managers read: last month's (the default), and its tab."""
    month = (datetime.now(UTC).replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    if sheetlog("summary", "--month", month, check=False) == 0:
        print(f'\nOpen the tab "Summary {month}" of {WORKBOOK}: figures, then two charts.')


if __name__ == "__main__":
    main()
