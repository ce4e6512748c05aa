"""Ticket IDs that differ only in letter case or character width (``hd-10001`` beside
``HD-10001``, ``HD-10004`` in full-width letters) name one ticket everywhere: append's collision
check, import's dedup, validate's uniqueness, update's lookup and ``find --ticket``.
What is stored is never rewritten."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sheetlog.errors import InvalidInput, InvalidValue
from sheetlog.model.ops import AddTab, AppendRows
from sheetlog.model.templates import load_template
from sheetlog.passes.record import new_ticket_id
from sheetlog.rules.cells import ticket_key
from tests.conftest import LogUnderTest

STANDARD = load_template("standard")
NOW = datetime(2025, 11, 20, 12, 0, tzinfo=UTC)
ENTRY = {
    "Customer": "Ann",
    "Agent": "Maya",
    "Issue Summary": "Parcel late",
    "Contact Start": "2025-11-18 09:00 UTC",
}


WIDE_HD = "\uff28\uff24"  # full-width "HD", as a Japanese keyboard types it


def wide(text: str) -> str:
    """``text`` in full-width characters (letters and digits)."""
    return "".join(chr(ord(ch) + 0xFEE0) if ch.isalnum() else ch for ch in text)


def ids(log: LogUnderTest, tab: str = "Log") -> list[object]:
    return [row[0] for row in log.values(tab)[1:]]


def test_the_key_folds_case_and_width_only() -> None:
    assert ticket_key("HD-10001") == ticket_key("hd-10001") == ticket_key(" Hd-10001 ")
    assert ticket_key(wide("HD-10004")) == ticket_key("HD-10004")
    assert ticket_key(10001.0) == ticket_key(10001) == ticket_key("10001")
    assert ticket_key("HD-10001") != ticket_key("HD-1000l")
    assert ticket_key("T-1") != ticket_key("T1")
    assert ticket_key(None) == ticket_key("") == ""


def test_generated_ids_avoid_a_taken_id_in_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    draws = iter("7K3QZ" + "AAAAA")
    monkeypatch.setattr("sheetlog.passes.record.secrets.choice", lambda _: next(draws))
    taken = {ticket_key("t-251120-7k3qz")}
    assert new_ticket_id(STANDARD, taken, NOW) == "T-251120-AAAAA"


def test_append_refuses_an_id_that_differs_only_in_case_or_width(any_log: LogUnderTest) -> None:
    any_log.log.init()
    any_log.log.append({**ENTRY, "Ticket ID": "HD-10001"}, now=NOW)
    any_log.log.backend.write(
        [
            AddTab("Archive 2025-10", tuple(STANDARD.header)),
            AppendRows("Archive 2025-10", ((WIDE_HD + "-10004",),)),
        ]
    )
    with pytest.raises(InvalidValue, match='it is on "Log" row 2'):
        any_log.log.append({**ENTRY, "Ticket ID": "hd-10001"}, now=NOW)
    with pytest.raises(InvalidValue, match='it is on "Archive 2025-10" row 2'):
        any_log.log.append({**ENTRY, "Ticket ID": "HD-10004"}, now=NOW)
    assert ids(any_log) == ["HD-10001"]


def test_import_skips_rows_already_in_the_log_in_another_case(any_log: LogUnderTest) -> None:
    any_log.log.init()
    any_log.log.append({**ENTRY, "Ticket ID": "HD-10001"}, now=NOW)
    rows = [
        {**ENTRY, "Ticket ID": "hd-10001"},
        {**ENTRY, "Ticket ID": WIDE_HD + "-10002"},
        {**ENTRY, "Ticket ID": "hd-10002", "Customer": "Bo"},
    ]
    result = any_log.log.import_rows(rows, now=NOW)
    assert result.added == [WIDE_HD + "-10002"]  # stored as given
    assert result.skipped == [("item 1", "hd-10001")]
    (rejected,) = result.rejected
    assert rejected.where == "item 3" and "also on item 2" in str(rejected.problems[0])
    assert ids(any_log) == ["HD-10001", WIDE_HD + "-10002"]


def test_validate_flags_ids_that_differ_only_in_case_or_width(any_log: LogUnderTest) -> None:
    any_log.log.init()
    any_log.log.append({**ENTRY, "Ticket ID": "HD-10001"}, now=NOW)
    any_log.log.append({**ENTRY, "Ticket ID": "HD-10004"}, now=NOW)
    header = tuple(STANDARD.header)
    typed = [
        ("hd-10001", "Bo", "", "2025-11-18 10:00 UTC", "", "Sam", "", "x", "", "Open"),
        ("HD-10005", "Cy", "", "2025-11-18 10:00 UTC", "", "Sam", "", "x", "", "Open"),
    ]
    any_log.log.backend.write(
        [
            AppendRows("Log", tuple(typed)),
            AddTab("Archive 2025-10", header),
            AppendRows("Archive 2025-10", ((WIDE_HD + "-10004",),)),
        ]
    )
    report = any_log.log.validate(flag=False, now=NOW)
    duplicates = [(p.row, p.message) for p in report.problems if p.code == "duplicate_id"]
    assert duplicates == [
        (2, 'Ticket ID: "HD-10001" is also used in row 4'),
        (3, 'Ticket ID: "HD-10004" is also used in "Archive 2025-10" row 2'),
        (4, 'Ticket ID: "hd-10001" is also used in row 2'),
    ]
    assert ids(any_log) == ["HD-10001", "HD-10004", "hd-10001", "HD-10005"]  # not rewritten


def test_update_finds_the_ticket_in_any_case_or_width(any_log: LogUnderTest) -> None:
    any_log.log.init()
    any_log.log.append({**ENTRY, "Ticket ID": "HD-10001"}, now=NOW)
    result = any_log.log.update("hd-10001", {"Status": "Pending"}, now=NOW)
    assert (result.ticket, result.row) == ("HD-10001", 2)
    result = any_log.log.update(wide("HD-10001"), {"Status": "Open"}, now=NOW)
    assert result.ticket == "HD-10001" and result.changes[0].new == "Open"
    assert ids(any_log) == ["HD-10001"]
    any_log.log.backend.write([AppendRows("Log", (("hd-10001", "Bo"),))])
    with pytest.raises(InvalidInput, match="is on rows 2, 3 of Log"):
        any_log.log.update("Hd-10001", {"Status": "Pending"}, now=NOW)


def test_find_by_ticket_ignores_case_and_width(any_log: LogUnderTest) -> None:
    any_log.log.init()
    any_log.log.append({**ENTRY, "Ticket ID": WIDE_HD + "-10004"}, now=NOW)
    any_log.log.append({**ENTRY, "Ticket ID": "HD-10005"}, now=NOW)
    for asked in ("HD-10004", "hd-10004", WIDE_HD + "-10004"):
        found = any_log.log.find(ticket=asked)
        assert [r["Ticket ID"] for r in found.rows] == [WIDE_HD + "-10004"]
