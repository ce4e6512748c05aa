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

STANDARD = load_template("standard")
ARCHIVE = "Archive 2025-10"
Z = " UTC"


def row(
    ticket: str,
    customer: str,
    channel: str,
    start: str,
    end: str = "",
    agent: str = "",
    issue: str = "",
    status: str = "Open",
    followup: str = "",
    resolved: str = "",
    tags: str = "",
) -> tuple[str, ...]:
    """One row of the standard template (timestamps given without " UTC")."""

    def stamp(text: str) -> str:
        return text + Z if text and text[:4].isdigit() else text

    values = {
        "Ticket ID": ticket,
        "Customer": customer,
        "Channel": channel,
        "Contact Start": stamp(start),
        "Contact End": stamp(end),
        "Agent": agent,
        "Issue Type": issue,
        "Issue Summary": f"issue of {ticket}",
        "Status": status,
        "Follow-up Date": followup,
        "Resolved At": stamp(resolved),
        "Tags": tags,
    }
    return tuple(values.get(name, "") for name in STANDARD.header)


ARCHIVED = (
    row(
        "T-1",
        "Ann",
        "Email",
        "2025-10-01 03:30",
        "",
        "Bob",
        "Payment",
        "Resolved",
        resolved="2025-10-01 05:30",
    ),
    row(
        "T-2",
        "Ann",
        "Email",
        "2025-10-01 04:00",
        "2025-10-01 04:10",
        "Bob",
        "Payment",
        "Resolved",
        resolved="2025-10-01 06:00",
        tags="billing, refund",
    ),
    row(
        "T-3",
        "Carl",
        "Phone",
        "2025-10-02 14:00",
        "2025-10-02 14:30",
        "Bob",
        "Shipping Delay",
        "Closed",
        resolved="2025-10-03 14:00",
        tags="shipping",
    ),
    row(
        "T-4",
        "Dana",
        "Live Chat",
        "2025-10-05 10:00",
        "2025-10-05 10:05",
        "Eve",
        "Refund",
        "Resolved",
        resolved="2025-10-05 16:00",
        tags="refund",
    ),
    row(
        "T-5",
        "Ann",
        "Email",
        "2025-10-10 12:00",
        "",
        "Eve",
        "Payment",
        "Resolved",
        resolved="2025-10-12 12:00",
        tags="billing",
    ),
)

LIVE = (
    row(
        "T-6",
        "Carl",
        "Phone",
        "2025-10-15 09:00",
        "2025-10-15 09:20",
        "Bob",
        "Damaged Item",
        "Open",
        followup="2025-10-20",
        tags="damaged, refund",
    ),
    row(
        "T-7",
        "Fay",
        "Social Media",
        "2025-10-31 20:00",
        "2025-10-31 20:15",
        "Eve",
        "Account",
        "Pending",
        followup="2025-11-05",
    ),
    row(
        "T-8",
        "Gus",
        "Email",
        "2025-11-01 03:00",
        "2025-11-01 03:30",
        "Bob",
        "Other",
        "Resolved",
        resolved="2025-11-02 15:00",
        tags="login",
    ),
    row("T-9", "Hal", "Email", "2025-11-01 05:00", "", "Eve", "Payment", "Open"),
    row(
        "T-10",
        "Ida",
        "Phone",
        "2025-09-20 12:00",
        "",
        "Bob",
        "Refund",
        "Escalated",
        followup="2025-09-25",
    ),
    # A Follow-up Date nobody can read, on a ticket still open at month end.
    row(
        "T-11",
        "Jon",
        "Email",
        "2025-10-26 04:00",
        "",
        "Eve",
        "Account",
        "Open",
        followup="next week",
    ),
    # A channel that is no choice, and a Contact End before the Contact Start.
    row(
        "T-12",
        "Carl",
        "fax",
        "2025-10-20 13:00",
        "2025-10-20 12:00",
        "Bob",
        "Payment",
        "Resolved",
        resolved="2025-10-20 18:00",
        tags="billing",
    ),
    # A Contact Start nobody can read: its month is unknown.
    row("T-13", "Kim", "Email", "yesterday", "", "Eve", "Payment", "Open"),
    # Resolved without a Resolved At.
    row(
        "T-14",
        "Lee",
        "Live Chat",
        "2025-10-28 15:00",
        "2025-10-28 15:45",
        "Eve",
        "Refund",
        "Resolved",
        tags="refund",
    ),
    row(
        "T-15",
        "Ann",
        "Email",
        "2025-10-29 12:00",
        "2025-10-29 12:07",
        "Eve",
        "Payment",
        "Open",
        tags="billing",
    ),
    # Cells typed loosely but readable without a guess: counted as their canonical values.
    row(
        "T-16",
        "Dana",
        "email",
        "2025-10-30 12:00",
        "2025-10-30 12:20",
        "Bob",
        "refund",
        "closed",
        resolved="2025-10-31 00:00",
        tags="Refund Delayed",
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
