"""Small, valid support-log rows for tests, in the standard template's column order."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sheetlog.model.ops import AppendRows
from sheetlog.model.templates import load_template
from tests.conftest import LogUnderTest

HEADER = load_template("standard").header


DEFAULTS: dict[str, str] = {
    "Ticket ID": "T-1",
    "Customer": "customer of T-1",
    "Channel": "Email",
    "Contact Start": "2025-09-01 09:00 UTC",
    "Contact End": "2025-09-01 09:20 UTC",
    "Agent": "Jane Adams",
    "Issue Type": "Missing Item",
    "Issue Summary": "Order arrived without the phone case",
    "Status": "Open",
}


def entry_dict(
    ticket: str | None = None,
    status: str | None = None,
    resolved: str | None = None,
    *,
    like: Mapping[str, Any] | None = None,
    **cells: Any,
) -> dict[str, Any]:
    """The one builder of standard-template Log rows, as a dict in header order.

    The canonical row, then ``like`` (a row or partial row to start from), then
    ``ticket``/``status``/``resolved`` when given, then ``cells``. Column names in
    ``like`` and ``cells`` may use underscores for spaces (``Contact_End=""``), or be
    given exactly (``**{"Actions & Notes": "..."}``); an unknown column is an error.
    Without ``like``, Customer defaults to "customer of <ticket>".
    """
    values = dict(DEFAULTS)
    if ticket is not None:
        values["Customer"] = f"customer of {ticket}"
    for changes in (like or {}), _given(ticket, status, resolved), cells:
        for name, value in changes.items():
            column = name.replace("_", " ")
            if column not in HEADER:
                raise KeyError(f"no column {column!r} in the standard template")
            values[column] = value
    return {name: values.get(name, "") for name in HEADER}


def entry(
    ticket: str | None = None,
    status: str | None = None,
    resolved: str | None = None,
    *,
    like: Mapping[str, Any] | None = None,
    **cells: Any,
) -> tuple[Any, ...]:
    """The row of :func:`entry_dict` as a tuple in header order."""
    return tuple(entry_dict(ticket, status, resolved, like=like, **cells).values())


def _given(ticket: str | None, status: str | None, resolved: str | None) -> dict[str, str]:
    named = {"Ticket ID": ticket, "Status": status, "Resolved At": resolved}
    return {name: value for name, value in named.items() if value is not None}


def seed(target: LogUnderTest, rows: list[tuple[str, ...]]) -> None:
    """Initialise the log and put ``rows`` under the header, as if typed earlier."""
    target.log.init()
    target.log.backend.write([AppendRows("Log", tuple(rows), after=1)])
