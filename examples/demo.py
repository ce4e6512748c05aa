"""`make demo`: the whole sheetlog cycle on a local workbook, through the real CLI."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo"
WORKBOOK = DEMO / "support-log.xlsx"
SAMPLE_MONTH = "2025-10"  # examples/interactions.csv covers September to November 2025


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
    people_type_into_the_sheet()
    validate_demo()
    archive_demo()
    summarize(SAMPLE_MONTH)
    day_to_day()
    print(f"\nThe demo workbook is {WORKBOOK}")
    print("Open it in Excel or LibreOffice: frozen header, drop-downs on Channel, Issue Type,")
    print("Status; the Validation column and red cells show what people got wrong;")
    print(f'"Archive YYYY-MM" tabs hold closed cases; "Summary {SAMPLE_MONTH}" the month;')
    print("the Audit tab lists every write.")


def people_type_into_the_sheet() -> None:
    """Agents typing straight into the workbook, the way people do (no sheetlog involved)."""
    book = openpyxl.load_workbook(WORKBOOK)
    log = book["Log"]
    typed = [
        [
            "HD-20001",
            "Ola Nordmann",
            "e-mail",
            "15/11/23 2pm",
            "",
            "Maya Chen",
            "Refund",
            "Refund not received",
            "",
            "done",
        ],
        [
            "HD-20002",
            "",
            "Phone",
            datetime(2025, 10, 14, 9, 5),
            "",
            "Sam Ortiz",
            "Payment",
            "Charged in the wrong currency",
            "",
            "Open",
            "2025-10-20",
        ],
        [
            "HD-10002",
            "Grace Mensah",
            "Email",
            "2025-11-20 10:00 UTC",
            "2025-11-20 09:00 UTC",
            "Alex Kim",
            "Receipt",
            "Asked again for the VAT receipt",
            "",
            "Closed",
        ],
    ]
    for row in typed:
        log.append(row)
    book.save(WORKBOOK)
    print("\n# Meanwhile, agents typed three rows straight into the sheet (a date typed as a")
    print("# date, a day/month timestamp, a status 'done', a missing customer, a reused id).")


def archive_demo() -> None:
    """The second half of the nightly job: closed cases move to dated archive tabs."""
    sheetlog("archive", "--dry-run")
    sheetlog("archive")
    sheetlog("verify")
    sheetlog("verify", "--digest")
    print("# Store that digest line outside the sheet: verify --against proves nothing changed.")


def day_to_day() -> None:
    """How the log stands, and one customer's case file across Log and the archive tabs."""
    sheetlog("status", check=False)
    sheetlog("find", "--customer", "ORD873251", "--history", check=False)


def summarize(month: str) -> None:
    """End with the summary managers read, and say which tab to open."""
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
