"""A small fixed data set for the monthly summary, its figures worked out by hand.

The log's timezone is America/New_York (EDT, UTC-4, all of October 2025), so
October 2025 runs from 2025-10-01 04:00 UTC to 2025-11-01 04:00 UTC: T-1
(2025-10-01 03:30 UTC) belongs to September and T-8 (2025-11-01 03:00 UTC) to
October. The expected figures are in tests/test_summary_figures.py, with the
arithmetic beside each one.
"""

from __future__ import annotations

from pathlib import Path

from sheetlog import SupportLog
from sheetlog.model.ops import AddTab, AppendRows
from sheetlog.model.templates import load_template, template_text
from tests.logdata import entry

STANDARD = load_template("standard")
ARCHIVE = "Archive 2025-10"


ARCHIVED = (
    entry(
        "T-1",
        "Resolved",
        "2025-10-01 05:30 UTC",
        Customer="Ann",
        Contact_Start="2025-10-01 03:30 UTC",
        Contact_End="",
        Agent="Bob",
        Issue_Type="Payment",
    ),
    entry(
        "T-2",
        "Resolved",
        "2025-10-01 06:00 UTC",
        Customer="Ann",
        Contact_Start="2025-10-01 04:00 UTC",
        Contact_End="2025-10-01 04:10 UTC",
        Agent="Bob",
        Issue_Type="Payment",
        Tags="billing, refund",
    ),
    entry(
        "T-3",
        "Closed",
        "2025-10-03 14:00 UTC",
        Customer="Carl",
        Channel="Phone",
        Contact_Start="2025-10-02 14:00 UTC",
        Contact_End="2025-10-02 14:30 UTC",
        Agent="Bob",
        Issue_Type="Shipping Delay",
        Tags="shipping",
    ),
    entry(
        "T-4",
        "Resolved",
        "2025-10-05 16:00 UTC",
        Customer="Dana",
        Channel="Live Chat",
        Contact_Start="2025-10-05 10:00 UTC",
        Contact_End="2025-10-05 10:05 UTC",
        Agent="Eve",
        Issue_Type="Refund",
        Tags="refund",
    ),
    entry(
        "T-5",
        "Resolved",
        "2025-10-12 12:00 UTC",
        Customer="Ann",
        Contact_Start="2025-10-10 12:00 UTC",
        Contact_End="",
        Agent="Eve",
        Issue_Type="Payment",
        Tags="billing",
    ),
)

LIVE = (
    entry(
        "T-6",
        Customer="Carl",
        Channel="Phone",
        Contact_Start="2025-10-15 09:00 UTC",
        Contact_End="2025-10-15 09:20 UTC",
        Agent="Bob",
        Issue_Type="Damaged Item",
        Tags="damaged, refund",
        **{"Follow-up Date": "2025-10-20"},
    ),
    entry(
        "T-7",
        "Pending",
        Customer="Fay",
        Channel="Social Media",
        Contact_Start="2025-10-31 20:00 UTC",
        Contact_End="2025-10-31 20:15 UTC",
        Agent="Eve",
        Issue_Type="Account",
        **{"Follow-up Date": "2025-11-05"},
    ),
    entry(
        "T-8",
        "Resolved",
        "2025-11-02 15:00 UTC",
        Customer="Gus",
        Contact_Start="2025-11-01 03:00 UTC",
        Contact_End="2025-11-01 03:30 UTC",
        Agent="Bob",
        Issue_Type="Other",
        Tags="login",
    ),
    entry(
        "T-9",
        Customer="Hal",
        Contact_Start="2025-11-01 05:00 UTC",
        Contact_End="",
        Agent="Eve",
        Issue_Type="Payment",
    ),
    entry(
        "T-10",
        "Escalated",
        Customer="Ida",
        Channel="Phone",
        Contact_Start="2025-09-20 12:00 UTC",
        Contact_End="",
        Agent="Bob",
        Issue_Type="Refund",
        **{"Follow-up Date": "2025-09-25"},
    ),
    # A Follow-up Date nobody can read, on a ticket still open at month end.
    entry(
        "T-11",
        Customer="Jon",
        Contact_Start="2025-10-26 04:00 UTC",
        Contact_End="",
        Agent="Eve",
        Issue_Type="Account",
        **{"Follow-up Date": "next week"},
    ),
    # A channel that is no choice, and a Contact End before the Contact Start.
    entry(
        "T-12",
        "Resolved",
        "2025-10-20 18:00 UTC",
        Customer="Carl",
        Channel="fax",
        Contact_Start="2025-10-20 13:00 UTC",
        Contact_End="2025-10-20 12:00 UTC",
        Agent="Bob",
        Issue_Type="Payment",
        Tags="billing",
    ),
    # A Contact Start nobody can read: its month is unknown.
    entry(
        "T-13",
        Customer="Kim",
        Contact_Start="yesterday",
        Contact_End="",
        Agent="Eve",
        Issue_Type="Payment",
    ),
    # Resolved without a Resolved At.
    entry(
        "T-14",
        "Resolved",
        Customer="Lee",
        Channel="Live Chat",
        Contact_Start="2025-10-28 15:00 UTC",
        Contact_End="2025-10-28 15:45 UTC",
        Agent="Eve",
        Issue_Type="Refund",
        Tags="refund",
    ),
    entry(
        "T-15",
        Customer="Ann",
        Contact_Start="2025-10-29 12:00 UTC",
        Contact_End="2025-10-29 12:07 UTC",
        Agent="Eve",
        Issue_Type="Payment",
        Tags="billing",
    ),
    # Cells typed loosely but readable without a guess: counted as their canonical values.
    entry(
        "T-16",
        "closed",
        "2025-10-31 00:00 UTC",
        Customer="Dana",
        Channel="email",
        Contact_Start="2025-10-30 12:00 UTC",
        Contact_End="2025-10-30 12:20 UTC",
        Agent="Bob",
        Issue_Type="refund",
        Tags="Refund Delayed",
    ),
)


def new_york_template(folder: Path) -> Path:
    """The standard template with timezone America/New_York, as a file init can read."""
    text, _ = template_text("standard")
    assert 'timezone = "UTC"' in text
    path = folder / "standard-new-york.toml"
    path.write_text(text.replace('timezone = "UTC"', 'timezone = "America/New_York"'))
    return path


def fill(log: SupportLog, folder: Path) -> None:
    """Initialise ``log`` in New York time and store the data set in Log and an archive tab."""
    log.init(str(new_york_template(folder)))
    log.backend.write(
        [
            AddTab(ARCHIVE, tuple(STANDARD.header)),
            AppendRows(ARCHIVE, ARCHIVED),
            AppendRows("Log", LIVE),
        ]
    )
