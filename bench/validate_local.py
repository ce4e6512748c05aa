"""How long ``validate`` takes on a big local workbook, against one bare openpyxl load+save.

    python -m bench.validate_local [ROWS]     # default 100,000 rows of the standard template

The target is a pass that writes flags in at most 1.5x the bare load+save of the
same file: sheetlog loads the workbook once, checks it, and saves it once.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook

import sheetlog
from sheetlog.templates import load_template

TARGET = 1.5
MALFORMED_EVERY = 1000
NOW = datetime(2024, 1, 10, 12, 0, tzinfo=UTC)


def build(path: Path, rows: int) -> None:
    """A provisioned standard log with ``rows`` rows; one in MALFORMED_EVERY is typed badly."""
    sheetlog.open(path).init()
    book = load_workbook(path)
    sheet = book["Log"]
    header = load_template("standard").header
    start = datetime(2023, 1, 1, 9, 0, tzinfo=UTC)
    for n in range(rows):
        opened = start + timedelta(minutes=5 * n)
        line = {
            "Ticket ID": f"T-{n:06d}",
            "Customer": f"ORD{100000 + n}",
            "Channel": ("Email", "Live Chat", "Phone")[n % 3],
            "Contact Start": opened.strftime("%Y-%m-%d %H:%M UTC"),
            "Contact End": (opened + timedelta(minutes=20)).strftime("%Y-%m-%d %H:%M UTC"),
            "Agent": ("Ann", "Bo", "Cy")[n % 3],
            "Issue Type": "Payment",
            "Issue Summary": "Customer was charged twice for one order",
            "Actions & Notes": "Refund issued",
            "Status": "Resolved",
            "Resolved At": (opened + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M UTC"),
            "Tags": "billing-dispute, refund",
        }
        if n % MALFORMED_EVERY == 0:
            line.update({"Contact Start": "15/11/23 2pm", "Status": "Done", "Channel": "fax"})
        sheet.append([line.get(name) for name in header])
    book.save(path)


def timed(action: str, work: Callable[[], None]) -> float:
    """Seconds one call of ``work`` takes, printed as it ends."""
    began = time.perf_counter()
    work()
    seconds = time.perf_counter() - began
    print(f"  {action:<42} {seconds:7.2f} s", flush=True)
    return seconds


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory(prefix="sheetlog-bench-") as folder:
        original = Path(folder) / "log.xlsx"
        print(f"building a {rows:,}-row standard log ...", flush=True)
        build(original, rows)
        print(f"  {original.stat().st_size / 1e6:.1f} MB")
        bare, checked = Path(folder) / "bare.xlsx", Path(folder) / "validate.xlsx"
        shutil.copy(original, bare)
        shutil.copy(original, checked)

        def load_save() -> None:
            load_workbook(bare).save(bare)

        report = None

        def validate() -> None:
            nonlocal report
            report = sheetlog.open(checked).validate(now=NOW)

        floor = timed("bare openpyxl load + save (the floor)", load_save)
        spent = timed("sheetlog validate, writing flags", validate)
        assert report is not None and report.written
        print(
            f"  {report.rows_checked:,} rows, {report.errors:,} errors, "
            f"{len(report.flagged):,} rows flagged"
        )
        ratio = spent / floor
        verdict = "ok" if ratio <= TARGET else f"over the {TARGET}x target"
        print(f"ratio {ratio:.2f}x ({verdict})")


if __name__ == "__main__":
    main()
