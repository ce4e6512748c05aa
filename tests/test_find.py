"""`find` on both backends: every filter, time order across Log and archives, case files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from sheetlog.errors import ConfigError, InvalidValue
from sheetlog.model.ops import AddTab, AppendRows
from sheetlog.model.sheetdata import Scope, Snapshot
from sheetlog.model.templates import template_text
from sheetlog.passes.frame import log_frame
from sheetlog.passes.queries import Query, find_rows
from tests.conftest import LogUnderTest
from tests.logdata import entry, seed
from tests.opsdata import NOW, one_read, orders_row, seed_orders, seed_sample, tickets


def test_customer_matches_part_of_the_name_any_case_in_time_order_across_tabs(
    any_log: LogUnderTest,
) -> None:
    seed_sample(any_log)
    found = one_read(any_log, lambda: any_log.log.find(customer="jane d", history=True))
    assert tickets(found.rows) == ["T-01", "T-03", "T-06"]
    for found_row in found.rows:  # tab and row point at the row itself
        sheet_row = any_log.values(found_row["tab"])[found_row["row"] - 1]
        assert sheet_row[0] == found_row["Ticket ID"]
    assert [r["tab"] for r in found.rows] == ["Archive 2025-09", "Log", "Log"]
    assert found.rows[1]["Customer"] == "JANE DOE"
    assert found.rows[1]["Actions & Notes"] == "Promised a callback about the refund"
    assert [[line["details"] for line in r["history"]] for r in found.rows] == [
        [],
        ["T-03: Status Open -> Pending"],
        [],
    ]


def test_history_adds_the_audit_lines_naming_the_ticket(local_log: LogUnderTest) -> None:
    seed_sample(local_log)
    found = local_log.log.find(customer="jane", history=True)
    history = {r["Ticket ID"]: [line["details"] for line in r["history"]] for r in found.rows}
    # T-033's line does not belong to T-03; the archive pass writes counts, not tickets
    assert history == {"T-01": [], "T-03": ["T-03: Status Open -> Pending"], "T-06": []}
    line = found.rows[1]["history"][0]
    assert set(line) == {"when", "who", "command", "tab", "rows", "details", "op_id"}
    assert line["command"] == "update"


def test_each_filter(local_log: LogUnderTest) -> None:
    seed_sample(local_log)
    snapshot, settings = local_log.log.read(Scope.all())
    template = settings.template
    frame = log_frame(snapshot, template, as_typed=True)

    def find(**filters: Any) -> list[object]:
        """What ``log.find(**filters)`` returns, over the one read above."""
        return tickets(find_rows(frame, template, Query.build(template, **filters)))

    assert find(ticket="t-04") == ["T-04"]
    assert find(ticket="T-0") == []  # an id is matched whole
    assert find(agent="sam") == ["T-07", "T-04", "T-02"]
    assert find(status="solved") == ["T-01", "T-07"]  # an alias of Resolved
    assert find(status=["Open", "Pending"]) == ["T-05", "T-03", "T-02"]
    assert find(tag="Refund Delayed") == ["T-01", "T-02"]
    assert find(since="2025-11-15", until="2025-11-18") == ["T-03", "T-06"]
    assert find(since="2025-11-19") == ["T-02"]
    assert find(until="2025-09-01") == ["T-05", "T-01"]
    # --text reads the summary and both notes columns, not the customer
    assert find(text="REFUND") == ["T-07", "T-03"]
    assert find(text="blender") == ["T-04"]
    assert find(text="acme") == []
    assert find(agent="jane", status="Open", until="2025-10-01") == ["T-05"]
    assert len(find()) == 7
    assert tickets(local_log.log.find(agent="sam", tag="refund-delayed").rows) == ["T-02"]


def test_dates_are_days_in_the_logs_timezone(local_log: LogUnderTest, tmp_path: Path) -> None:
    text, _ = template_text("standard")
    zoned = tmp_path / "ny.toml"
    zoned.write_text(text.replace('timezone = "UTC"', 'timezone = "America/New_York"'))
    local_log.log.init(str(zoned))
    late = entry(
        "T-1", Contact_Start="2025-11-02 03:30 UTC", Contact_End=""
    )  # 23:30 on November 1st in New York
    morning = entry("T-2", Contact_Start="2025-11-02 12:00 UTC", Contact_End="")
    local_log.log.backend.write([AppendRows("Log", (late, morning))])
    assert tickets(local_log.log.find(since="2025-11-02").rows) == ["T-2"]
    assert tickets(local_log.log.find(until="2025-11-01").rows) == ["T-1"]


def test_a_malformed_cell_is_shown_as_typed_and_sorts_last(local_log: LogUnderTest) -> None:
    seed(
        local_log,
        [
            entry("T-1", Contact_Start="yesterday-ish", Contact_End=""),
            entry("T-2", Contact_Start="2025-11-02 12:00 UTC", Contact_End=""),
        ],
    )
    found = local_log.log.find()
    assert tickets(found.rows) == ["T-2", "T-1"]
    assert found.rows[1]["Contact Start"] == "yesterday-ish"
    assert tickets(local_log.log.find(since="2000-01-01").rows) == ["T-2"]


def test_bad_filters_say_what_is_expected_and_write_nothing(local_log: LogUnderTest) -> None:
    seed_sample(local_log)
    with pytest.raises(ConfigError, match=r'--from "2025-13-01" is not a date: expected'):
        one_read(local_log, lambda: local_log.log.find(since="2025-13-01"))
    with pytest.raises(InvalidValue, match=r'Status: "Lost"'):
        local_log.log.find(status="Lost")
    with pytest.raises(InvalidValue, match=r"Tags"):
        local_log.log.find(tag="not a tag!")


def test_orders_log_has_no_tags_column(local_log: LogUnderTest) -> None:
    seed_orders(local_log, [orders_row()])
    assert tickets(local_log.log.find(customer="jane").rows, "Log ID") == ["L-1"]
    assert tickets(local_log.log.find(text="charged").rows, "Log ID") == ["L-1"]
    with pytest.raises(ConfigError, match='the "orders" template has no tag column'):
        local_log.log.find(tag="refund")


def test_history_of_ids_with_other_characters(local_log: LogUnderTest) -> None:
    seed(
        local_log,
        [
            entry("A.1", Contact_Start="2025-11-01 09:00 UTC", Contact_End=""),
            entry("A.10", Contact_Start="2025-11-02 09:00 UTC", Contact_End=""),
        ],
    )
    local_log.log.commit("update", [], "Log", "2", "A.1: Status Open -> Pending")
    local_log.log.commit("update", [], "Log", "3", "A.10: Status Open -> Pending")
    found = local_log.log.find(history=True)
    assert [[line["details"] for line in r["history"]] for r in found.rows] == [
        ["A.1: Status Open -> Pending"],
        ["A.10: Status Open -> Pending"],
    ]


def test_a_case_file_from_append_and_update(any_log: LogUnderTest) -> None:
    any_log.log.init()
    opened = {"Customer": "ORD789456", "Agent": "Maya Chen", "Issue Summary": "Parcel crushed"}
    ticket = str(any_log.log.append({**opened, "Ticket ID": "HD-1"}, now=NOW)["Ticket ID"])
    any_log.log.append({**opened, "Ticket ID": "HD-11"}, now=NOW)
    any_log.log.update(ticket, {"Status": "Resolved"}, now=NOW)
    found = one_read(any_log, lambda: any_log.log.find(ticket=ticket, history=True))
    (case,) = found.rows
    assert case["Status"] == "Resolved"
    assert [line["command"] for line in case["history"]] == ["append", "update"]
    assert "Status: Open → Resolved" in case["history"][1]["details"]


def _scopes_read(target: LogUnderTest) -> list[Scope]:
    """Record every scope the log's backend reads from now on."""
    backend = target.log.backend
    scopes: list[Scope] = []
    read = backend.read

    def recording(scope: Scope) -> Snapshot:
        scopes.append(scope)
        return read(scope)

    backend.read = recording  # type: ignore[method-assign]
    return scopes


def test_an_archived_ticket_is_read_from_the_tab_the_index_places_it_in(
    any_log: LogUnderTest,
) -> None:
    seed_sample(any_log)
    tabs = {
        title: [str(cells[0]) for cells in any_log.values(title)[1:]]
        for title in any_log.titles()
        if title.startswith("Archive ")
    }
    (home,) = [title for title, ids in tabs.items() if "T-01" in ids]
    (other,) = set(tabs) - {home}
    scopes = _scopes_read(any_log)
    found = one_read(any_log, lambda: any_log.log.find(ticket="t-01"), calls=2)
    assert [(r["Ticket ID"], r["tab"]) for r in found.rows] == [("T-01", home)]
    assert any(scope.wants(home) for scope in scopes)
    assert not any(scope.wants(other) for scope in scopes)


def test_an_archive_tab_the_index_does_not_cover_is_searched_whole(
    any_log: LogUnderTest,
) -> None:
    seed_sample(any_log)
    header = tuple(str(name) for name in any_log.values("Log")[0])
    made_by_hand = [
        AddTab("Archive 2024-01", (*header, "Row Hash")),
        AppendRows(
            "Archive 2024-01",
            (entry("T-99", Contact_Start="2024-01-05 10:00 UTC", Contact_End=""),),
        ),
    ]
    any_log.log.backend.write(made_by_hand)
    found = any_log.log.find(ticket="T-99")
    assert [(r["Ticket ID"], r["tab"]) for r in found.rows] == [("T-99", "Archive 2024-01")]
    assert tickets(any_log.log.find(ticket="T-07").rows) == ["T-07"]


def test_a_ticket_in_log_and_an_archive_tab_lists_its_lines_once(
    local_log: LogUnderTest,
) -> None:
    now = dt.datetime(2025, 11, 20, 12, 0, tzinfo=dt.UTC)
    local_log.log.init()
    seed(local_log, [entry("T-1", "Resolved", "2025-09-02 10:00 UTC")])
    local_log.log.message("T-1", "Thanks", at="2025-09-01 12:00")
    local_log.log.archive(now=now)
    seed(local_log, [entry("T-1", "Open")])  # typed again into Log
    found = local_log.log.find(customer="customer of T-1", history=True)
    assert len(found.rows) == 2
    assert [m.text for m in found.messages] == ["Thanks"]
