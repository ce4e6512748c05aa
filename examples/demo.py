"""`make demo`: the whole sheetlog cycle on a local workbook, through the real CLI."""

from __future__ import annotations

import json
import shlex
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
    print(f"\n$ {shlex.join(command[:-2])} --sheet demo/{WORKBOOK.name}", flush=True)
    done = subprocess.run([sys.executable, "-m", "sheetlog", *command[1:]], cwd=ROOT)
    if check and done.returncode != 0:
        sys.exit(done.returncode)
    return done.returncode


def main() -> None:
    shutil.rmtree(DEMO, ignore_errors=True)
    DEMO.mkdir()
    sheetlog("init")
    sheetlog("init")
    record_entries()
    validate_demo()
    print(f"\nThe demo workbook is {WORKBOOK}")
    print("Open it in Excel or LibreOffice: frozen header, drop-downs on Channel, Issue Type,")
    print("Status; the Audit tab lists every write.")
    summarize_last_month()


def summarize_last_month() -> None:
    """End with the summary managers read: last month's (the default), and its tab."""
    month = (datetime.now(UTC).replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    if sheetlog("summary", "--month", month, check=False) == 0:
        print(f'\nOpen the tab "Summary {month}" of {WORKBOOK}: figures, then two charts.')


def validate_demo() -> None:
    """The nightly pass on the demo log; it exits 1 when it flags rows, which is expected."""
    code = sheetlog("validate", check=False)
    if code > 1:
        sys.exit(code)
    print(
        "validate flags malformed rows in the sheet: in the Log tab, the Validation"
        " column says what is wrong and the cells at fault are highlighted."
    )


def record_entries() -> None:
    """Import a helpdesk export, log two interactions, resolve a ticket."""
    print("\n# A helpdesk export: valid rows land in one write; malformed ones are reported")
    print("# by line and the command exits 1 (the demo carries on).")
    sheetlog("import", "examples/interactions.csv", check=False)
    print("\n# Importing the same file again adds nothing.")
    sheetlog("import", "examples/interactions.csv", check=False)
    print("\n# Log an interaction: values are normalized (email -> Email, tags, times).")
    sheetlog(
        "append",
        *("-f", "Customer=ORD789456", "-f", "Channel=email", "-f", "Agent=Maya Chen"),
        *("-f", "Issue Type=damaged", "-f", "Issue Summary=Parcel arrived crushed"),
        *("-f", "Tags=Damaged In Transit; VIP"),
    )
    entry = {
        "Customer": "@sky_walker88",
        "Channel": "Live Chat",
        "Contact Start": "2025-11-28T09:30-05:00",
        "Agent": "Sam Ortiz",
        "Issue Type": "Payment",
        "Issue Summary": "Card charged twice",
        "Status": "Pending",
    }
    sheetlog("append", "--json", json.dumps(entry))
    print("\n# Resolve a ticket: Resolved At is stamped, Audit keeps old and new values.")
    sheetlog("update", "HD-10001", "-f", "Status=Resolved", "-f", "Follow-up Notes=Parcel found")


if __name__ == "__main__":
    main()
