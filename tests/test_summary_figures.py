"""The monthly figures against hand-computed expectations (tests/summary_data.py).

October 2025 in New York ends at 2025-11-01 04:00 UTC; ages at month end count
whole days up to that instant. Percentiles use linear interpolation (pandas'
default): the p90 of n sorted values sits at position 0.9 * (n - 1).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sheetlog.errors import ConfigError
from sheetlog.model.messages import MESSAGES_HEADER
from sheetlog.model.ops import AppendRows, SetCells
from sheetlog.model.templates import load_template
from sheetlog.passes.summary import Month
from tests.conftest import LogUnderTest
from tests.opsdata import one_read, orders_row
from tests.summary_data import ARCHIVE, ARCHIVED, LIVE, STANDARD, fill

NEW_YORK = ZoneInfo("America/New_York")

EXPECTED = {
    "month": "2025-10",
    # In October (New York): T-2..T-5 (archive), T-6, T-7, T-8 (03:00 UTC on Nov 1 is
    # 23:00 on Oct 31), T-11, T-12, T-14, T-15, T-16. Not: T-1 (Sep 30, 23:30 in New
    # York), T-9 (Nov 1, 01:00), T-10 (September), T-13 (unreadable start).
    "interactions": 12,
    "by_status": {"Resolved": 6, "Open": 3, "Closed": 2, "Pending": 1},
    # T-12's "fax" is left out; ties follow the template's order (Live Chat before Phone).
    "by_channel": {"Email": 6, "Live Chat": 2, "Phone": 2, "Social Media": 1},
    "by_issue_type": {
        "Payment": 4,
        "Refund": 3,
        "Account": 2,
        "Shipping Delay": 1,
        "Damaged Item": 1,
        "Other": 1,
    },
    "by_agent": [
        # Bob: T-2, T-3, T-6, T-8, T-12, T-16; resolved in 2, 24, 36, 5, 12 hours -> median 12.
        {"agent": "Bob", "interactions": 6, "resolved": 5, "median_hours_to_resolve": 12.0},
        # Eve: T-4, T-5, T-7, T-11, T-14, T-15; resolved in 6 and 48 hours (T-14 has no
        # Resolved At, so it is left out) -> median 27.
        {"agent": "Eve", "interactions": 6, "resolved": 2, "median_hours_to_resolve": 27.0},
    ],
    # Sorted: 2, 5, 6, 12, 24, 36, 48. Median 12; p90 at 5.4: 36 + 0.4 * (48 - 36) = 40.8.
    "hours_to_resolve": {"median": 12.0, "p90": 40.8},
    # T-12's end is before its start and T-5, T-11 have none. Sorted: 5, 7, 10, 15, 20,
    # 20, 30, 30, 45. Median 20; p90 at 7.2: 30 + 0.2 * (45 - 30) = 33.
    "handle_minutes": {"median": 20.0, "p90": 33.0},
    "backlog_at_month_end": {
        # T-7 (8 hours), T-8 (1 hour; resolved only on Nov 2), T-15 (2 days 16 hours),
        # T-11 (6 days), T-6 (16 days 19 hours), T-10 (41 days 16 hours).
        "open": 6,
        "by_age": {"0-2d": 3, "3-7d": 1, "8-30d": 1, ">30d": 1},
    },
    # T-6 (due Oct 20) and T-10 (Sep 25); T-7's is Nov 5; T-11's cannot be read.
    "followups_overdue": 2,
    "top_tags": [
        {"tag": "billing", "count": 4},
        {"tag": "refund", "count": 4},
        {"tag": "damaged", "count": 1},
        {"tag": "login", "count": 1},
        {"tag": "refund-delayed", "count": 1},
        {"tag": "shipping", "count": 1},
    ],
    # Ann: T-2, T-5, T-15 (T-1 is September's); Carl: T-3, T-6, T-12; Dana: T-4, T-16.
    "repeat_customers": [
        {"customer": "Ann", "interactions": 3},
        {"customer": "Carl", "interactions": 3},
        {"customer": "Dana", "interactions": 2},
    ],
    # T-13 (month unknown), T-12 (channel, handle time), T-14 (time to resolve, backlog),
    # T-11 (follow-ups overdue).
    "excluded_rows": 4,
    # no ticket has a timeline here: all 12 of the month are counted apart
    "conversations": {
        "overall": {
            "group": "All",
            "tickets": 0,
            "first_response_minutes": {"median": None, "p90": None},
            "full_resolution_hours": {"median": None, "p90": None},
            "one_touch_rate": None,
            "reopen_rate": None,
            "replies_per_ticket": None,
        },
        "by_agent": [],
        "by_channel": [],
        "without_messages": 12,
        "clock": "calendar",
    },
    # nobody rated a ticket here: all 12 are unrated
    "satisfaction": {
        "overall": {"group": "All", "rated": 0, "csat": None, "mean_rating": None},
        "by_agent": [],
        "by_channel": [],
        "unrated": 12,
    },
}


def _line(ticket: str, at: str, kind: str, text: str = "text") -> tuple[str, ...]:
    return (ticket, f"2025-{at} UTC", kind, "someone", "", text, "")


TIMELINES = (
    # T-2 (Bob, Email; opened 10-01 04:00, resolved 06:00): first reply after 30 min
    _line("T-2", "10-01 04:05", "customer message"),
    _line("T-2", "10-01 04:30", "agent reply"),
    # T-3 (Bob, Phone; opened 10-02 14:00): a note never counts; resolved, reopened,
    # closed for good on 10-03 14:00 (24 h after it opened); two replies
    _line("T-3", "10-02 14:10", "agent reply"),
    _line("T-3", "10-02 14:15", "internal note"),
    _line("T-3", "10-02 18:00", "status change", "Open → Resolved"),
    _line("T-3", "10-02 20:00", "status change", "Resolved → Open"),
    _line("T-3", "10-03 09:00", "agent reply"),
    _line("T-3", "10-03 14:00", "status change", "Open → Closed"),
    # T-4 (Eve, Live Chat; opened 10-05 10:00, resolved 16:00): only a note, no reply
    _line("T-4", "10-05 10:05", "internal note"),
    # T-6 (Bob, Phone; opened 10-15 09:00, still open): first reply after 90 min
    _line("T-6", "10-15 09:00", "customer message"),
    _line("T-6", "10-15 10:30", "agent reply"),
)

CONVERSATIONS = {
    # first responses 30 (T-2), 10 (T-3), 90 (T-6): median 30; p90 at 1.8: 30 + 0.8 * 60.
    # full resolution 2 (T-2), 24 (T-3), 6 (T-4) hours: median 6; p90 6 + 0.8 * 18.
    # one-touch: T-2 and T-4 of the closed T-2, T-3, T-4; reopened: T-3 of 4;
    # replies 1 + 2 + 0 + 1 over 4 tickets.
    "overall": {
        "group": "All",
        "tickets": 4,
        "first_response_minutes": {"median": 30.0, "p90": 78.0},
        "full_resolution_hours": {"median": 6.0, "p90": 20.4},
        "one_touch_rate": 0.667,
        "reopen_rate": 0.25,
        "replies_per_ticket": 1.0,
    },
    "by_agent": [
        # Bob: T-2, T-3, T-6. Resolution 2, 24: median 13, p90 2 + 0.9 * 22.
        {
            "group": "Bob",
            "tickets": 3,
            "first_response_minutes": {"median": 30.0, "p90": 78.0},
            "full_resolution_hours": {"median": 13.0, "p90": 21.8},
            "one_touch_rate": 0.5,
            "reopen_rate": 0.333,
            "replies_per_ticket": 1.33,
        },
        {
            "group": "Eve",
            "tickets": 1,
            "first_response_minutes": {"median": None, "p90": None},
            "full_resolution_hours": {"median": 6.0, "p90": 6.0},
            "one_touch_rate": 1.0,
            "reopen_rate": 0.0,
            "replies_per_ticket": 0.0,
        },
    ],
    "by_channel": [
        # Phone: T-3, T-6. First responses 10, 90: median 50, p90 10 + 0.9 * 80.
        {
            "group": "Phone",
            "tickets": 2,
            "first_response_minutes": {"median": 50.0, "p90": 82.0},
            "full_resolution_hours": {"median": 24.0, "p90": 24.0},
            "one_touch_rate": 0.0,
            "reopen_rate": 0.5,
            "replies_per_ticket": 1.5,
        },
        {
            "group": "Email",
            "tickets": 1,
            "first_response_minutes": {"median": 30.0, "p90": 30.0},
            "full_resolution_hours": {"median": 2.0, "p90": 2.0},
            "one_touch_rate": 1.0,
            "reopen_rate": 0.0,
            "replies_per_ticket": 1.0,
        },
        {
            "group": "Live Chat",
            "tickets": 1,
            "first_response_minutes": {"median": None, "p90": None},
            "full_resolution_hours": {"median": 6.0, "p90": 6.0},
            "one_touch_rate": 1.0,
            "reopen_rate": 0.0,
            "replies_per_ticket": 0.0,
        },
    ],
    "without_messages": 8,
    "clock": "calendar",
}


def test_figures_match_the_hand_computed_ones(any_log: LogUnderTest, tmp_path: Path) -> None:
    fill(any_log.log, tmp_path)
    summary = any_log.log.summary("2025-10", write=False)
    assert summary.to_dict() == EXPECTED
    assert summary.tab == "Summary 2025-10"
    assert summary.sources == ["Log", ARCHIVE]


def test_conversation_figures_match_the_hand_computed_ones(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    fill(any_log.log, tmp_path)
    any_log.log.backend.write([AppendRows("Messages 2025-10", TIMELINES, header=MESSAGES_HEADER)])
    summary = one_read(any_log, lambda: any_log.log.summary("2025-10", write=False))
    assert summary.to_dict()["conversations"] == CONVERSATIONS


def test_satisfaction_matches_the_hand_computed_figures(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    fill(any_log.log, tmp_path)
    rating = STANDARD.header.index("Rating")
    typed = [  # as people type them: seed 004's "4/5" reads as 4; "excellent" as none
        ("Archive 2025-10", 3, 5),  # T-2, Bob, Email
        ("Archive 2025-10", 4, 2),  # T-3, Bob, Phone
        ("Archive 2025-10", 5, 4),  # T-4, Eve, Live Chat
        ("Log", 2, "4/5"),  # T-6, Bob, Phone
        ("Log", 8, "excellent"),  # T-12 (left out already: its channel is "fax")
        ("Log", 11, "great"),  # T-15: left out of the ratings, and counted
    ]
    any_log.log.backend.write([SetCells(tab, row, rating, ((v,),)) for tab, row, v in typed])
    summary = any_log.log.summary("2025-10", write=False)
    assert summary.to_dict()["satisfaction"] == {
        # rated 5, 2, 4, 4: three of four are 4 or more; mean 15 / 4
        "overall": {"group": "All", "rated": 4, "csat": 0.75, "mean_rating": 3.75},
        "by_agent": [
            # Bob: 5, 2, 4 -> 2 of 3, mean 11 / 3
            {"group": "Bob", "rated": 3, "csat": 0.667, "mean_rating": 3.67},
            {"group": "Eve", "rated": 1, "csat": 1.0, "mean_rating": 4.0},
        ],
        "by_channel": [
            {"group": "Phone", "rated": 2, "csat": 0.5, "mean_rating": 3.0},
            {"group": "Email", "rated": 1, "csat": 1.0, "mean_rating": 5.0},
            {"group": "Live Chat", "rated": 1, "csat": 1.0, "mean_rating": 4.0},
        ],
        "unrated": 6,  # ten rows of the month with a readable Rating cell, four rated
    }
    assert summary.excluded_rows == EXPECTED["excluded_rows"] + 1


def test_interactions_per_day_are_new_york_days(local_log: LogUnderTest, tmp_path: Path) -> None:
    fill(local_log.log, tmp_path)
    per_day = dict(local_log.log.summary("2025-10", write=False).per_day)
    assert len(per_day) == 31 and sum(per_day.values()) == 12
    assert per_day["2025-10-01"] == 1  # T-2 at 00:00 New York; T-1 is September's
    assert per_day["2025-10-31"] == 2  # T-7 and T-8 (23:00 New York)
    assert per_day["2025-10-03"] == 0


def test_a_month_without_rows_has_zeros_and_nulls(local_log: LogUnderTest, tmp_path: Path) -> None:
    fill(local_log.log, tmp_path)
    figures = local_log.log.summary("2024-01", write=False).to_dict()
    assert figures["interactions"] == 0
    assert figures["by_status"] == {} and figures["by_agent"] == []
    assert figures["hours_to_resolve"] == {"median": None, "p90": None}
    assert figures["handle_minutes"] == {"median": None, "p90": None}
    assert figures["backlog_at_month_end"] == {
        "open": 0,
        "by_age": {"0-2d": 0, "3-7d": 0, "8-30d": 0, ">30d": 0},
    }
    assert figures["excluded_rows"] == 1  # T-13, whose month nobody knows


def test_default_month_is_the_previous_one_in_the_logs_zone() -> None:
    # 03:30 UTC on Nov 1 is still Oct 31 in New York: "last month" is September.
    assert Month.before(datetime(2025, 11, 1, 3, 30, tzinfo=UTC), NEW_YORK) == Month(2025, 9)
    assert Month.before(datetime(2025, 11, 1, 4, 30, tzinfo=UTC), NEW_YORK) == Month(2025, 10)
    assert Month.before(datetime(2026, 1, 15, tzinfo=UTC), NEW_YORK) == Month(2025, 12)


def test_default_month_is_used_when_none_is_given(local_log: LogUnderTest, tmp_path: Path) -> None:
    fill(local_log.log, tmp_path)
    summary = local_log.log.summary(write=False)
    assert summary.month == str(Month.before(datetime.now(UTC), NEW_YORK))


@pytest.mark.parametrize("text", ["2025-13", "2025-1", "October", "2025-10-01"])
def test_a_malformed_month_is_refused(local_log: LogUnderTest, tmp_path: Path, text: str) -> None:
    fill(local_log.log, tmp_path)
    with pytest.raises(ConfigError, match=f'--month "{text}" is not a month: expected YYYY-MM'):
        local_log.log.summary(text, write=False)


def test_to_dataframe_gives_canonical_values_with_tab_and_row(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    fill(any_log.log, tmp_path)
    frame = any_log.log.to_dataframe()
    assert list(frame.columns) == [*load_template("standard").header, "tab", "row"]
    assert len(frame) == len(LIVE) + len(ARCHIVED)
    loose = frame[frame["Ticket ID"] == "T-16"].iloc[0]
    assert (loose["Channel"], loose["Status"], loose["Tags"]) == (
        "Email",
        "Closed",
        "refund-delayed",
    )
    assert (loose["tab"], loose["row"]) == ("Log", 12)
    assert set(frame[frame["tab"] == ARCHIVE]["row"]) == {2, 3, 4, 5, 6}
    live_only = any_log.log.to_dataframe(include_archives=False)
    assert list(live_only["Ticket ID"]) == [r[0] for r in LIVE]


def test_a_resolution_date_counts_at_the_end_of_its_day(local_log: LogUnderTest) -> None:
    local_log.log.init("orders")
    line = orders_row(
        **{
            "Logged At": "2025-10-05 10:00 UTC",
            "Customer Name": "Ann",
            "Email": "",
            "Phone": "",
            "Description": "charged twice",
            "Status": "Resolved",
            "Resolution Date": "2025-10-06",
            "Representative": "Bob",
        }
    )
    local_log.log.backend.write([AppendRows("Log", (line,))])
    figures = local_log.log.summary("2025-10", write=False).to_dict()
    # Resolved "on Oct 6" counts as resolved by 2025-10-07 00:00 UTC: 38 hours.
    assert figures["hours_to_resolve"] == {"median": 38.0, "p90": 38.0}
    assert figures["by_channel"] == {} and figures["handle_minutes"]["median"] is None
    assert figures["by_agent"] == [
        {"agent": "Bob", "interactions": 1, "resolved": 1, "median_hours_to_resolve": 38.0}
    ]


def test_a_log_without_a_column_the_figures_read_is_refused(
    local_log: LogUnderTest, tmp_path: Path
) -> None:
    fill(local_log.log, tmp_path)
    local_log.log.backend.write([SetCells("Log", 1, 2, (("Chanel",),))])
    renamed = r"""the "Log" tab has no column 'Channel' \(renamed to 'Chanel'\?\); rename it back"""
    with pytest.raises(ConfigError, match=renamed):
        local_log.log.summary("2025-10", write=False)
