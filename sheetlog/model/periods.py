"""Days, months and ages as options give them: one parser each, shared by the library
and the command line (``sheetlog.cli.params``), each with a sane range, so a typo never
reaches date arithmetic as an overflow or a traceback.

Standard library only: the command line parses its options with it before it loads
anything heavy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ..errors import ConfigError

FIRST_YEAR = 1900
LAST_YEAR = 2999
"""The years a day or month option may name."""
MAX_DAYS = 36_500
"""About a hundred years: the longest age or number of days an option takes."""
MAX_MONTHS = 1_200

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([hdw]?)\s*$")
_UNIT_HOURS = {"h": 1, "d": 24, "w": 24 * 7, "": 24}
_POLICY = re.compile(r"^\s*(\d+)\s*([my])\s*$")


def _years(option: str, text: str, year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ConfigError(f'{option} "{text}" is out of range: years {FIRST_YEAR} to {LAST_YEAR}')


def parse_day(text: str, option: str) -> date:
    """``YYYY-MM-DD`` as a date; ``option`` names it in the error."""
    day = None
    if _DAY.fullmatch(text.strip()):
        try:
            day = date.fromisoformat(text.strip())
        except ValueError:
            day = None
    if day is None:
        raise ConfigError(f'{option} "{text}" is not a date: expected YYYY-MM-DD (e.g. 2025-11-15)')
    _years(option, text, day.year)
    return day


def check_span(since: date | None, until: date | None, first: str, last: str) -> None:
    """A ConfigError when the days ``since`` .. ``until`` are given the wrong way round."""
    if since is not None and until is not None and since > until:
        raise ConfigError(
            f"{first} {since} is later than {last} {until}: give the earlier day first"
        )


def days_after(day: date, days: int, option: str = "--days") -> date:
    """``day`` plus ``days`` days, or a ConfigError past the calendar's end."""
    if not 0 <= days <= MAX_DAYS:
        raise ConfigError(f"{option} {days}: expected 0 to {MAX_DAYS} days")
    try:
        return day + timedelta(days=days)
    except OverflowError:
        raise ConfigError(f"{option} {days} from {day} goes past the year 9999") from None


def parse_age(value: str | timedelta, option: str = "--older-than") -> timedelta:
    """``0``, ``36h``, ``30d``, ``2w`` (a bare number is days), up to ``MAX_DAYS``."""
    if isinstance(value, timedelta):
        age = value
    else:
        match = _AGE.match(value)
        if not match:
            raise ConfigError(
                f'{option} "{value}": expected a number of hours, days or weeks, e.g. 36h, 7d, 2w'
            )
        try:
            age = timedelta(hours=float(match.group(1)) * _UNIT_HOURS[match.group(2)])
        except OverflowError:
            age = timedelta.max
    if not timedelta(0) <= age <= timedelta(days=MAX_DAYS):
        raise ConfigError(
            f'{option} "{value}" is out of range: 0 to {MAX_DAYS}d (about a hundred years)'
        )
    return age


def parse_months(value: str | int, option: str = "--older-than") -> int:
    """``24m`` or ``2y`` as a number of months, up to ``MAX_MONTHS``."""
    if isinstance(value, int):
        months = value
    else:
        match = _POLICY.match(value)
        if not match:
            raise ConfigError(f'{option} "{value}": expected months or years, e.g. 24m or 2y')
        months = int(match.group(1)) * (12 if match.group(2) == "y" else 1)
    if not 0 <= months <= MAX_MONTHS:
        raise ConfigError(
            f'{option} "{value}" is out of range: 0 to {MAX_MONTHS}m ({MAX_MONTHS // 12}y)'
        )
    return months


@dataclass(frozen=True)
class Month:
    """One calendar month."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str | Month, option: str = "--month") -> Month:
        """``YYYY-MM``, or a ConfigError saying so."""
        if isinstance(text, Month):
            return text
        match = _MONTH.fullmatch(text.strip())
        if match is None or not 1 <= int(match[2]) <= 12:
            raise ConfigError(f'{option} "{text}" is not a month: expected YYYY-MM (e.g. 2025-10)')
        _years(option, text, int(match[1]))
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def before(cls, now: datetime, tz: ZoneInfo) -> Month:
        """The calendar month before the one ``now`` falls in, in ``tz``."""
        local = now.astimezone(tz)
        return cls(local.year - 1, 12) if local.month == 1 else cls(local.year, local.month - 1)

    def start(self, tz: ZoneInfo) -> datetime:
        """The month's first instant in ``tz``."""
        return datetime(self.year, self.month, 1, tzinfo=tz)

    def preceding(self) -> Month:
        """The calendar month before."""
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def following(self) -> Month:
        """The next calendar month."""
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def end(self, tz: ZoneInfo) -> datetime:
        """The first instant after the month in ``tz`` (the next month's start)."""
        return self.following().start(tz)

    def days(self) -> list[date]:
        """Every calendar day of the month."""
        first, after = date(self.year, self.month, 1), self.following()
        count = (date(after.year, after.month, 1) - first).days
        return [first + timedelta(days=n) for n in range(count)]

    @property
    def label(self) -> str:
        """``October 2025``."""
        return date(self.year, self.month, 1).strftime("%B %Y")

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
