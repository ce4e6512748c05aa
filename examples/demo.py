"""`make demo`: the whole sheetlog cycle on a local workbook, through the real CLI.

The sample helpdesk export (examples/interactions.csv, September to November 2025) is
re-dated relative to today first, as a live log would be: closed cases end yesterday,
open ones are under two weeks old with their follow-ups still ahead. So the nightly
validate shows the mistakes people typed, not every old case as "open too long".
"""

from __future__ import annotations

import csv
import json
import re
import shlex
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo"
WORKBOOK = DEMO / "support-log.xlsx"
SAMPLE = ROOT / "examples" / "interactions.csv"
REDATED = DEMO / "interactions.csv"
TODAY = datetime.now(UTC).date()
SAMPLE_MONTH = f"{(TODAY.replace(day=1) - timedelta(days=1)):%Y-%m}"  # last month: a full one
DATED_COLUMNS = ("Contact Start", "Contact End", "Follow-up Date", "Resolved At")
OPEN_STATUSES = {"open", "pending", "escalated"}
STALE_DAYS = 14  # validate's default: an open case older than this is flagged
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def days_ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def sheetlog(*args: str, check: bool = True) -> int:
    """Run one sheetlog command against the demo workbook, echoing it first."""
    command = ["sheetlog", *args, "--sheet", str(WORKBOOK)]
    shown = shlex.join(command[:-2]).replace(str(ROOT) + "/", "")
    print(f"\n$ {shown} --sheet demo/{WORKBOOK.name}", flush=True)
    done = subprocess.run([sys.executable, "-m", "sheetlog", *command[1:]], cwd=ROOT)
    if check and done.returncode != 0:
        sys.exit(done.returncode)
    return done.returncode


def main() -> None:
    shutil.rmtree(DEMO, ignore_errors=True)
    DEMO.mkdir()
    redate_sample()
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
            datetime.combine(days_ago(5), time(9, 5)),
            "",
            "Sam Ortiz",
            "Payment",
            "Charged in the wrong currency",
            "",
            "Open",
            str(days_ago(-1)),
        ],
        [
            "HD-10002",
            "Grace Mensah",
            "Email",
            f"{days_ago(1)} 10:00 UTC",
            f"{days_ago(1)} 09:00 UTC",
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
    print("\n# Signed evidence: a key pair, a checkpoint signed with it, one ticket's proof,")
    print("# checked offline with the public key alone.")
    key = DEMO / "demo-signing.key"
    sheetlog("keygen", "--signing-key", str(key), "--name", "demo-support")
    sheetlog("checkpoint", "--signing-key", str(key))
    archived = first_archived_ticket()
    proof = DEMO / f"{archived}.tlog-proof"
    sheetlog("proof", archived, "-o", str(proof))
    public = DEMO / "demo-signing.pub"
    public.write_text(signer_public_key(key) + "\n", encoding="utf-8")
    print(f"\n$ sheetlog check-proof demo/{proof.name} --key demo/{public.name}", flush=True)
    subprocess.run(
        [sys.executable, "-m", "sheetlog", "check-proof", str(proof), "--key", str(public)],
        cwd=ROOT,
        check=True,
    )


def first_archived_ticket() -> str:
    """A ticket the archive pass moved (the first row of the first archive tab)."""
    book = openpyxl.load_workbook(WORKBOOK, read_only=True)
    title = next(name for name in book.sheetnames if name.startswith("Archive "))
    rows = book[title].iter_rows(min_row=2, max_row=2, values_only=True)
    return str(next(rows)[0])


def signer_public_key(path: Path) -> str:
    """The public half of the key file keygen wrote (what keygen printed)."""
    from sheetlog.model.signed_note import Signer

    return str(Signer.parse(path.read_text(encoding="utf-8")).verifier)


def day_to_day() -> None:
    """How the log stands, one customer's case file across Log and the archive tabs, and
    one open ticket's conversation: its messages, and what its timeline says."""
    sheetlog("status", check=False)
    sheetlog("find", "--customer", "ORD873251", "--history", check=False)
    sheetlog("message", "HD-10007", "Is my vase being replaced?")
    sheetlog("message", "HD-10007", "--from", "agent", "Replacement shipped today")
    sheetlog("timeline", "HD-10007")


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
    print("\n# A helpdesk export (examples/interactions.csv, re-dated to end yesterday): valid")
    print("# rows land in one write; malformed ones are reported by line and the command")
    print("# exits 1 (the demo carries on).")
    sheetlog("import", str(REDATED), check=False)
    print("\n# Importing the same file again adds nothing.")
    sheetlog("import", str(REDATED), check=False)
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
        "Contact Start": f"{days_ago(2)}T09:30-05:00",
        "Agent": "Sam Ortiz",
        "Issue Type": "Payment",
        "Issue Summary": "Card charged twice",
        "Status": "Pending",
    }
    sheetlog("append", "--json", json.dumps(entry))
    print("\n# Resolve a ticket: Resolved At is stamped, Audit keeps old and new values.")
    sheetlog("update", "HD-10001", "-f", "Status=Resolved", "-f", "Follow-up Notes=Parcel found")


def redate_sample() -> None:
    """Write examples/interactions.csv to demo/, its dates moved relative to today: each
    row keeps its own times and gaps, and every malformed value stays malformed."""
    with SAMPLE.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = list(reader.fieldnames or []), list(reader)
    closed = [r for r in rows if not is_open(r)]
    latest = max(
        d for r in closed for c in DATED_COLUMNS if c != "Follow-up Date" for d in days(r[c])
    )
    shift = days_ago(1) - latest  # closed cases end yesterday
    starts = [d for r in rows if is_open(r) for d in days(r["Contact Start"])[:1]]
    first, last = min(starts), max(starts)
    for row in rows:
        by = open_shift(row, first, last) if is_open(row) else shift
        for column in DATED_COLUMNS:
            row[column] = _DAY.sub(lambda m, by=by: moved(m[0], by), row[column])
    with REDATED.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        writer.writerows(rows)


def open_shift(row: dict[str, str], first: date, last: date) -> timedelta:
    """Open cases spread over the last two weeks, in their order, follow-ups still ahead."""
    start = days(row["Contact Start"])
    if not start:
        return timedelta(0)
    span = max((last - first).days, 1)
    day = days_ago(STALE_DAYS - 1) + timedelta(
        days=round((start[0] - first).days / span * (STALE_DAYS - 3))
    )
    followup = days(row["Follow-up Date"])
    if followup:  # not passed yet: at the latest due today
        day = max(day, TODAY - (followup[0] - start[0]))
    return day - start[0]


def is_open(row: dict[str, str]) -> bool:
    return row["Status"].strip().lower() in OPEN_STATUSES


def days(text: str) -> list[date]:
    """The valid YYYY-MM-DD days in ``text``."""
    found = []
    for match in _DAY.findall(text):
        try:
            found.append(date.fromisoformat(match))
        except ValueError:
            continue
    return found


def moved(text: str, by: timedelta) -> str:
    try:
        return str(date.fromisoformat(text) + by)
    except ValueError:
        return text


if __name__ == "__main__":
    main()
