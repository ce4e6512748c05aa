"""How long something took: calendar minutes, or, when the template sets business hours,
only the minutes inside them (working days and hours in the log's timezone, clock
changes included)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from ..model.templates import BusinessHours, Template

Clock = Callable[[datetime, datetime], float]
"""Minutes from a first instant to a second (0 when the second is not later)."""


def clock_of(template: Template) -> Clock:
    """The template's clock: business minutes when it sets business hours, else calendar."""
    hours = template.business_hours
    if hours is None:
        return calendar_minutes
    return lambda start, end: business_minutes(start, end, hours, template.tz)


def clock_name(template: Template) -> str:
    """What the clock counts, for reports: ``calendar`` or the business hours and zone."""
    hours = template.business_hours
    return (
        "calendar" if hours is None else f"business hours {hours.describe()} ({template.timezone})"
    )


def calendar_minutes(start: datetime, end: datetime) -> float:
    """Minutes from ``start`` to ``end``, every minute counted."""
    return max((end - start).total_seconds(), 0.0) / 60


def business_minutes(start: datetime, end: datetime, hours: BusinessHours, tz: ZoneInfo) -> float:
    """Minutes from ``start`` to ``end`` that fall on working days between the opening
    and closing times, both read in ``tz`` (a day a clock change shortens counts short)."""
    if end <= start:
        return 0.0
    total = 0.0
    day = start.astimezone(tz).date()
    last = end.astimezone(tz).date()
    workdays = hours.weekdays
    while day <= last:
        if day.weekday() in workdays:
            # in UTC: two times of one zone subtract as wall clocks, across a clock change too
            opens = datetime.combine(day, hours.start, tz).astimezone(UTC)
            closes = datetime.combine(day, hours.end, tz).astimezone(UTC)
            overlap = min(end, closes) - max(start, opens)
            total += max(overlap.total_seconds(), 0.0)
        day += timedelta(days=1)
    return total / 60
