"""A small log for the day-to-day commands (find, followups, status, export), and their budget."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from sheetlog.model.ops import AppendRows
from sheetlog.model.templates import load_template
from tests.conftest import LogUnderTest
from tests.logdata import entry, seed

NOW = datetime(2025, 11, 20, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
ORDERS_HEADER = load_template("orders").header
T = TypeVar("T")


def sample() -> list[tuple[str, ...]]:
    """Seven tickets: two are old enough to archive (into 2025-09 and 2025-10)."""
    return [
        entry(
            "T-01",
            "Resolved",
            "2025-09-02 10:00 UTC",
            Contact_Start="2025-09-01 09:00 UTC",
            Contact_End="",
            Customer="Jane Doe",
            Tags="refund-delayed",
        ),
        entry(
            "T-02",
            Contact_Start="2025-11-19 08:00 UTC",
            Contact_End="",
            Customer="Bob Stone",
            Agent="Sam Lee",
            Tags="billing-dispute, refund-delayed",
            **{"Follow-up Date": "2025-11-20"},
        ),
        entry(
            "T-03",
            "Pending",
            Contact_Start="2025-11-15 10:00 UTC",
            Contact_End="",
            Customer="JANE DOE",
            **{
                "Actions & Notes": "Promised a callback about the refund",
                "Follow-up Date": "2025-11-18",
            },
        ),
        entry(
            "T-04",
            "Escalated",
            Contact_Start="2025-11-01 10:00 UTC",
            Contact_End="",
            Customer="Acme Corp",
            Agent="Sam Lee",
            **{"Follow-up Date": "2025-11-22", "Follow-up Notes": "Call back re: damaged blender"},
        ),
        entry("T-05", Contact_Start="2025-08-01 10:00 UTC", Contact_End="", Customer="Zed"),
        entry(
            "T-06",
            "Closed",
            "2025-11-19 09:00 UTC",
            Contact_Start="2025-11-18 09:00 UTC",
            Contact_End="",
            Customer="Jane Doe",
            **{"Follow-up Date": "2025-11-10"},
        ),
        entry(
            "T-07",
            "Resolved",
            "2025-10-05 12:00 UTC",
            Contact_Start="2025-10-05 08:00 UTC",
            Contact_End="",
            Customer="Carol",
            Agent="Sam Lee",
            **{"Issue Summary": "Refund not received"},
        ),
    ]


def seed_sample(target: LogUnderTest) -> None:
    """The sample, with T-01 and T-07 archived (as a nightly job would) and two Audit lines."""
    seed(target, sample())
    target.log.archive(now=NOW)
    target.log.commit("update", [], "Log", "3", "T-03: Status Open -> Pending")
    target.log.commit("update", [], "Log", "9", "T-033: Customer Ann -> Anne")


def orders_row(**cells: Any) -> tuple[Any, ...]:
    """A valid orders-template row as a tuple in header order; ``cells`` by exact column name."""
    return tuple(orders_dict(**cells).values())


def orders_dict(**cells: Any) -> dict[str, Any]:
    """The one builder of orders-template rows, as a dict in header order; ``cells`` by
    exact column name (an unknown one is an error)."""
    if unknown := set(cells) - set(ORDERS_HEADER):
        raise KeyError(f"no column {sorted(unknown)} in the orders template")
    values = {
        "Log ID": "L-1",
        "Logged At": "2025-11-03 09:00 UTC",
        "Customer Name": "Jane Doe",
        "Email": "jane.doe@example.com",
        "Phone": "+1 555-123-4534",
        "Issue Type": "Payment",
        "Description": "Charged twice",
        "Status": "Pending",
        "Representative": "Sam Lee",
        **cells,
    }
    return {name: values.get(name, "") for name in ORDERS_HEADER}


def seed_orders(target: LogUnderTest, rows: list[tuple[str, ...]]) -> None:
    """An orders log holding ``rows``."""
    target.log.init("orders")
    target.log.backend.write([AppendRows("Log", tuple(rows))])


def one_read(target: LogUnderTest, action: Callable[[], T], calls: int = 1) -> T:
    """Run ``action`` and check it wrote nothing and, on Google, cost ``calls`` reads
    (``spreadsheets.getByDataFilter`` or ``spreadsheets.get``)."""
    if target.fake is not None:
        target.fake.calls.clear()
    before = target.write_marker()
    result = action()
    if target.fake is not None:
        methods = [call.method_id for call in target.fake.calls]
        assert len(methods) == calls, methods
        assert set(methods) <= {"spreadsheets.getByDataFilter", "spreadsheets.get"}
    assert target.write_marker() == before
    return result


def tickets(rows: list[dict[str, object]], column: str = "Ticket ID") -> list[object]:
    """The ticket ids of row objects, in order."""
    return [r[column] for r in rows]
