"""Business hours: the clock of the timeline's figures when a template sets them —
working days and hours in the log's timezone, calendar time otherwise."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheetlog.errors import TemplateError
from sheetlog.model.ops import AppendRows
from sheetlog.model.templates import BusinessHours, parse_template
from sheetlog.passes.clock import business_minutes, calendar_minutes
from tests.conftest import LogUnderTest
from tests.logdata import entry

NEW_YORK = ZoneInfo("America/New_York")
WEEKDAYS = BusinessHours()  # Mon-Fri 09:00-17:00
STANDARD = (Path(__file__).resolve().parents[1] / "templates" / "standard.toml").read_text()


def local(text: str) -> datetime:
    """A New York wall-clock time."""
    return datetime.fromisoformat(text).replace(tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        ("2025-10-31 16:00", "2025-11-03 10:00", 60 + 60),  # Friday's last hour, Monday's first
        ("2025-11-01 08:00", "2025-11-02 20:00", 0),  # a weekend (and its clock change)
        ("2025-11-03 07:00", "2025-11-03 08:59", 0),  # before opening
        ("2025-11-03 12:00", "2025-11-04 12:00", 5 * 60 + 3 * 60),
        ("2025-11-04 12:00", "2025-11-03 12:00", 0),  # backwards
    ],
)
def test_business_minutes_by_hand(start: str, end: str, minutes: int) -> None:
    assert business_minutes(local(start), local(end), WEEKDAYS, NEW_YORK) == minutes


instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
)


@given(instants, instants, instants)
def test_business_minutes_add_up_and_never_pass_the_calendar(
    a: datetime, b: datetime, c: datetime
) -> None:
    first, middle, last = sorted((a, b, c))
    whole = business_minutes(first, last, WEEKDAYS, NEW_YORK)
    parts = business_minutes(first, middle, WEEKDAYS, NEW_YORK)
    parts += business_minutes(middle, last, WEEKDAYS, NEW_YORK)
    assert whole == pytest.approx(parts)
    assert 0 <= whole <= calendar_minutes(first, last)
    assert whole <= 8 * 60 * ((last - first).days + 2)


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ('days = ["Mon", "Funday"]', "business_hours.days"),
        ('start = "17:00"\nend = "09:00"', "start must come before"),
    ],
)
def test_bad_business_hours_are_refused(table: str, words: str) -> None:
    with pytest.raises(TemplateError, match=words):
        parse_template(f"{STANDARD}\n[business_hours]\n{table}\n", "mine.toml")


def test_the_timeline_counts_business_minutes_when_the_template_sets_them(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    mine = tmp_path / "business.toml"
    mine.write_text(f'{STANDARD}\n[business_hours]\nstart = "09:00"\nend = "17:00"\n')
    any_log.log.init(str(mine))
    opened = entry("T-1", Contact_Start="2025-08-29 16:00 UTC")  # a Friday
    any_log.log.backend.write([AppendRows("Log", (opened,), after=1)])
    any_log.log.message("T-1", "On it", sender="agent", at="2025-09-01 10:00 UTC")  # Monday
    timeline = any_log.log.timeline("T-1", now=datetime(2025, 9, 2, tzinfo=UTC))
    assert timeline.figures is not None
    # Friday 16:00-17:00 and Monday 09:00-10:00, where the calendar counts 66 hours
    assert timeline.figures.first_response_minutes == 120
    assert timeline.clock == "business hours Mon, Tue, Wed, Thu, Fri 09:00-17:00 (UTC)"


def test_a_clock_change_inside_business_hours_counts_the_hour_it_takes() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    night = BusinessHours(days=("Sun",), start="01:00", end="05:00")  # type: ignore[arg-type]
    # Sunday 2025-03-30: clocks go from 02:00 to 03:00, so 01:00-05:00 lasts 3 hours
    start = datetime(2025, 3, 30, tzinfo=berlin)
    end = datetime(2025, 3, 31, tzinfo=berlin)
    assert business_minutes(start, end, night, berlin) == 3 * 60
