"""`followups` on both backends: overdue, due today or within N days, open tickets only."""

from __future__ import annotations

from datetime import date

import pytest

from sheetlog.errors import ConfigError, InvalidValue
from tests.conftest import LogUnderTest
from tests.logdata import entry, seed
from tests.opsdata import TODAY, one_read, orders_row, seed_orders, seed_sample, tickets


def test_overdue_and_due_today(any_log: LogUnderTest) -> None:
    seed_sample(any_log)
    result = one_read(any_log, lambda: any_log.log.followups(today=TODAY))
    # T-06's follow-up has passed too, but it is closed; T-04's is two days away
    assert tickets(result.overdue) == ["T-03"]
    assert tickets(result.due) == ["T-02"]
    document = result.to_dict()
    assert set(document) == {"overdue", "due"}
    assert document["overdue"][0]["tab"] == "Log"
    assert document["overdue"][0]["Follow-up Date"] == "2025-11-18"


def test_days_widens_the_window_soonest_first(local_log: LogUnderTest) -> None:
    seed_sample(local_log)
    result = local_log.log.followups(days=2, today=TODAY)
    assert tickets(result.due) == ["T-02", "T-04"]
    assert tickets(local_log.log.followups(days=1, today=TODAY).due) == ["T-02"]
    later = local_log.log.followups(today=date(2025, 11, 23))
    assert tickets(later.overdue) == ["T-03", "T-02", "T-04"]
    assert later.due == []


def test_nothing_due_and_overdue_order(local_log: LogUnderTest) -> None:
    seed(
        local_log,
        [
            entry(
                "T-1",
                Contact_Start="2025-11-01 09:00 UTC",
                Contact_End="",
                **{"Follow-up Date": "2025-11-12"},
            ),
            entry(
                "T-2",
                Contact_Start="2025-10-01 09:00 UTC",
                Contact_End="",
                **{"Follow-up Date": "2025-11-12"},
            ),
            entry(
                "T-3",
                Contact_Start="2025-10-01 09:00 UTC",
                Contact_End="",
                **{"Follow-up Date": "2025-11-10"},
            ),
            entry(
                "T-4",
                Contact_Start="2025-10-01 09:00 UTC",
                Contact_End="",
                **{"Follow-up Date": "next week"},
            ),
        ],
    )
    assert tickets(local_log.log.followups(today=date(2025, 11, 15)).overdue) == [
        "T-3",
        "T-2",
        "T-1",
    ]
    quiet = local_log.log.followups(today=date(2025, 11, 1))
    assert (quiet.overdue, quiet.due) == ([], [])


def test_bad_days_and_a_template_without_follow_up_dates(local_log: LogUnderTest) -> None:
    seed_orders(local_log, [orders_row()])
    with pytest.raises(ConfigError, match='the "orders" template has no follow-up date column'):
        local_log.log.followups()
    with pytest.raises(InvalidValue, match="days"):
        local_log.log.followups(days=-1)
