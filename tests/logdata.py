"""Small, valid support-log rows for tests, in the standard template's column order."""

from __future__ import annotations

from sheetlog.model.ops import AppendRows
from sheetlog.model.templates import load_template
from tests.conftest import LogUnderTest

HEADER = load_template("standard").header


def entry(ticket: str, status: str = "Open", resolved: str = "", **cells: str) -> tuple[str, ...]:
    """One canonical row; keyword cells use the column name with spaces as underscores."""
    values = {
        "Ticket ID": ticket,
        "Customer": f"customer of {ticket}",
        "Channel": "Email",
        "Contact Start": "2025-09-01 09:00 UTC",
        "Contact End": "2025-09-01 09:20 UTC",
        "Agent": "Jane Adams",
        "Issue Type": "Missing Item",
        "Issue Summary": "Order arrived without the phone case",
        "Status": status,
        "Resolved At": resolved,
    }
    values.update({name.replace("_", " "): value for name, value in cells.items()})
    return tuple(values.get(name, "") for name in HEADER)


def seed(target: LogUnderTest, rows: list[tuple[str, ...]]) -> None:
    """Initialise the log and put ``rows`` under the header, as if typed earlier."""
    target.log.init()
    target.log.backend.write([AppendRows("Log", tuple(rows), after=1)])
