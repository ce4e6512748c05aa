"""Normalization of one cell value to the canonical form sheetlog stores.

Every write path (append, update, import), ``validate`` and ``validate --fix`` go
through here, so a value is accepted, fixed or refused the same way everywhere.
A value is only rewritten when its meaning is certain: anything that would need
a guess (day/month order, an abbreviated zone, dropped seconds) is refused with
an ``InvalidValue`` that names the column, the value and the expected format.

Strings are stripped first, which also removes a leading tab or carriage
return; other leading characters (``=``, ``+``, ``-``, ``@``) are kept: storing
them as text, never as a formula, is the backend's job. A string holding a
character no cell can store (``sheetdata.UNSTORABLE``: NUL and other control
characters, lone surrogates, noncharacters) is refused in every column.
"""

from __future__ import annotations

import difflib
import math
import re
import time
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import InvalidValue
from ..model.sheetdata import UNSTORABLE, CellValue, Stored, escape_unstorable
from ..model.templates import Column, Kind, Template

EXPECTED: dict[Kind, str] = {
    Kind.ID: "an id",
    Kind.TEXT: "text",
    Kind.CHOICE: "one of the column's choices",
    Kind.TIMESTAMP: "YYYY-MM-DD HH:MM UTC (e.g. 2023-11-15 14:30 UTC)",
    Kind.DATE: "YYYY-MM-DD",
    Kind.TAGS: "comma-separated lowercase-hyphenated words (e.g. billing-dispute, refund-delayed)",
    Kind.EMAIL: "an email address (name@example.com)",
    Kind.PHONE: "a phone number of at least 7 digits (digits, spaces, + - ( ) .)",
    Kind.NUMBER: "a number (e.g. 12 or 12.5)",
    Kind.RATING: "a whole number within the column's range",
    Kind.MANAGED: "text",
}

# The canonical shapes; the calendar day is then checked by date.fromisoformat (fast, in C).
_CANONICAL_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2} (?:[01]\d|2[0-3]):[0-5]\d UTC", re.ASCII)
_CANONICAL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)  # ASCII digits only: 0-9
_CANONICAL_TAGS = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:, [a-z0-9]+(?:-[a-z0-9]+)*)*")
# Year-first dates are never ambiguous; "-" or "/" as long as both separators agree.
_DATE = re.compile(r"(\d{4})([-/])(\d{1,2})\2(\d{1,2})")
_TIMESTAMP = re.compile(
    r"(\d{4})([-/])(\d{1,2})\2(\d{1,2})(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"\s*(?:([+-])(\d{2}):?(\d{2})?|([A-Za-z][\w+\-/]*))?",
)
_DAY_FIRST = re.compile(r"\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b.*")
_TWELVE_HOUR = re.compile(r".*\d\s*[ap]\.?m\.?", re.IGNORECASE)
_UTC_WORDS = frozenset({"UTC", "GMT", "Z"})
_UTC_ZONE = ZoneInfo("UTC")
_TAG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_TAG_SPLIT = re.compile(r"[,;]")
_TAG_JOINERS = re.compile(r"[\s_-]+")
_EMAIL = re.compile(r"[^@\s]+@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}")
_PHONE = re.compile(r"\+?[0-9 ().-]+")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_FRACTION = re.compile(r"([0-9]+)\s*/\s*([0-9]+)")

_SERIAL_FIRST = 32_874  # the Sheets/Excel serial of 1990-01-01
_SERIAL_END = 73_416  # and of 2101-01-01: the years a log's moments may fall in

_ZONE_HINT = "give the zone as UTC, an offset like -05:00, or a zone name like America/New_York"
_NO_ZONE_HINT = "no time zone given: add UTC or an offset like -05:00"
_CLOCK_HINT = "use the 24-hour clock, e.g. 14:30"
_ORDER_HINT = "day/month order is ambiguous: write the year first, YYYY-MM-DD"
_OFFSET_HINT = "not a real offset: offsets run from -14:00 to +14:00"
_LONGEST_OFFSET = timedelta(hours=14)
_FIRST_YEAR = 1990
"""The first year a support log's moments may fall in; the last is next year."""


class _Refused(Exception):
    """Raised inside a converter; ``normalize`` turns it into an ``InvalidValue``."""

    def __init__(self, hint: str = "") -> None:
        super().__init__(hint)
        self.hint = hint


def parse_timestamp(text: str) -> datetime:
    """Read a canonical ``YYYY-MM-DD HH:MM UTC`` string as an aware UTC datetime."""
    if _CANONICAL_TIMESTAMP.fullmatch(text) is None:
        raise ValueError(f'"{text}" is not {EXPECTED[Kind.TIMESTAMP]}')
    return datetime.fromisoformat(text[:16]).replace(tzinfo=UTC)


def parse_date(text: str) -> date:
    """Read a canonical ``YYYY-MM-DD`` string as a date."""
    if _CANONICAL_DATE.fullmatch(text) is None:
        raise ValueError(f'"{text}" is not {EXPECTED[Kind.DATE]}')
    return date.fromisoformat(text)


def local_day(value: Any, kind: Kind, template: Template) -> date | None:
    """The calendar day of a canonical date or timestamp cell in the log's zone, or None."""
    if not isinstance(value, str):
        return None
    try:
        if kind is Kind.TIMESTAMP:
            return parse_timestamp(value).astimezone(template.tz).date()
        return parse_date(value)
    except ValueError:
        return None


def timestamp_or_none(value: object) -> datetime | None:
    """A canonical timestamp cell as an aware datetime; None for anything else (an empty
    cell, a date, text kept as typed)."""
    if not isinstance(value, str):
        return None
    try:
        return parse_timestamp(value)
    except ValueError:
        return None


def format_timestamp(moment: datetime) -> str:
    """Write an aware datetime in the canonical form; seconds are dropped (for "now")."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a timestamp needs a time zone")
    utc = moment.astimezone(UTC)
    return f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d} {utc.hour:02d}:{utc.minute:02d} UTC"


def cell_text(value: CellValue) -> str:
    """A raw cell as the stripped text a person reads ("" when empty): a number typed as
    1234 reads back as 1234.0 on Google, and shows as 1234."""
    if isinstance(value, float) and (value.is_integer() or math.isnan(value)):
        return "" if math.isnan(value) else str(int(value))
    return "" if value is None else str(value).strip()


def ticket_key(value: CellValue) -> str:
    """What Ticket IDs are compared by, everywhere (uniqueness, import, update, find):
    ``HD-10001``, ``hd-10001`` and the same in full-width letters and digits (U+FF21...)
    are one ticket. NFKC
    folds width, casefold folds case; the stored text is never rewritten."""
    text = cell_text(value)
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def same_stored(raw: CellValue, stored: Stored) -> bool:
    """Whether a raw cell already holds exactly ``stored``.

    An empty cell may read as ""; a spreadsheet number has no int/float distinction
    (Google reads every number as a float), so 4.0 holds the stored 4.
    """
    if stored is None:
        return raw is None or raw == ""
    if isinstance(stored, str):
        return isinstance(raw, str) and raw == stored
    return isinstance(raw, int | float) and not isinstance(raw, bool) and raw == stored


def typed_cell(column: Column, value: object) -> tuple[str, str] | None:
    """A cell the spreadsheet typed (a date, a number, TRUE/FALSE) as a person sees it, and
    what it was typed as; None for text and empty cells. Problems quote this, not 45245.6."""
    if not isinstance(value, int | float | date):
        return None  # text and empty cells are what they look like
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, bool):
        return _as_text(value), "typed as TRUE/FALSE"
    if isinstance(value, date):
        return _as_text(value), "typed as a date"
    moments = (Kind.TIMESTAMP, Kind.DATE)
    if column.kind in moments and _SERIAL_FIRST <= value < _SERIAL_END:
        return _as_text(_serial_moment(value).replace(microsecond=0)), "typed as a date"
    if column.kind in (Kind.ID, Kind.PHONE):
        return _as_text(value), "typed as a number, which drops leading zeros"
    return _as_text(value), "typed as a number"


class JsonInt(int):
    """An integer as a JSON document typed it (an import file, ``--json``): a column whose
    kind takes numbers takes it, and an id column; any other column refuses it."""

    literal: str

    def __new__(cls, literal: str) -> JsonInt:
        number = super().__new__(cls, literal)
        number.literal = literal
        return number


class JsonFloat(float):
    """A JSON number with a fraction or exponent, or NaN/Infinity, as typed: only a column
    whose kind takes numbers takes it, and only when it is finite."""

    literal: str

    def __new__(cls, literal: str) -> JsonFloat:
        number = super().__new__(cls, literal)
        number.literal = literal
        return number

    def __repr__(self) -> str:
        return self.literal


class JsonBool(int):
    """A JSON true/false: no column takes it (a text column would store "TRUE")."""

    literal: str

    def __new__(cls, flag: bool) -> JsonBool:
        value = super().__new__(cls, flag)
        value.literal = "true" if flag else "false"
        return value

    def __repr__(self) -> str:
        return self.literal


_NUMBER_KINDS = (Kind.NUMBER, Kind.RATING)
_JSON_HINT = "a JSON number: give it as text, in quotes"


class ColumnNormalizer:
    """The normalization of one column, with its lookups and messages built once."""

    def __init__(self, column: Column) -> None:
        self.column = column
        self.expected = _expected_for(column)
        self._convert: Callable[[str | int | float | bool | date, ZoneInfo | None], Stored]
        self._convert = {
            Kind.ID: _to_text,
            Kind.TEXT: _to_text,
            Kind.MANAGED: _to_text,
            Kind.CHOICE: self._to_choice,
            Kind.TIMESTAMP: _to_timestamp,
            Kind.DATE: _to_date,
            Kind.TAGS: _to_tags,
            Kind.EMAIL: _to_email,
            Kind.PHONE: _to_phone,
            Kind.NUMBER: self._to_number,
            Kind.RATING: self._to_rating,
        }[column.kind]
        self._choices = frozenset(column.choices)
        self._folded = _folded_choices(column)

    def normalize(self, value: CellValue, tz: ZoneInfo | None) -> Stored:
        """The canonical stored form of ``value``, or ``InvalidValue`` when it needs a guess."""
        if value is None:
            return None
        if isinstance(value, JsonInt | JsonFloat | JsonBool):
            value = self._from_json(value)
        if isinstance(value, str):
            text = value.strip()
            if not text:
                return None
            unstorable = UNSTORABLE.search(text)
            if unstorable is not None:
                held = escape_unstorable(unstorable[0])
                hint = f"it holds {held}, which a spreadsheet cannot store"
                raise InvalidValue(self.column.name, value, self.expected, hint)
            converted: str | int | float | bool | date = text
        elif isinstance(value, float) and math.isnan(value):
            return None  # how pandas reads an empty CSV cell
        else:
            converted = value
        try:
            return self._convert(converted, tz)
        except _Refused as refused:
            raise InvalidValue(self.column.name, value, self.expected, refused.hint) from None

    def _from_json(self, value: JsonInt | JsonFloat | JsonBool) -> int | float:
        """A number JSON typed, as a plain number for a column whose kind takes one;
        refused elsewhere (1e400, NaN, true, a date serial are not text or a moment)."""
        if isinstance(value, JsonBool):
            hint = "a JSON true/false: give it as text, in quotes"
        elif isinstance(value, JsonFloat) and not math.isfinite(value):
            hint = "not a finite number" if self.column.kind in _NUMBER_KINDS else _JSON_HINT
        elif self.column.kind in _NUMBER_KINDS:
            return int(value) if isinstance(value, JsonInt) else float(value)
        elif self.column.kind is Kind.ID and isinstance(value, JsonInt):
            return int(value)  # a helpdesk's numeric ticket id
        else:
            hint = _JSON_HINT
        raise InvalidValue(self.column.name, value.literal, self.expected, hint)

    def is_canonical(self, value: CellValue) -> bool:
        """Whether ``value`` is already exactly its stored form."""
        try:
            return same_stored(value, self.normalize(value, None))
        except InvalidValue:
            return False

    def _to_choice(self, value: str | int | float | bool | date, tz: ZoneInfo | None) -> str:
        """Exact choice, else case/space-insensitive choice or alias; "did you mean" otherwise."""
        text = _as_text(value)
        if text in self._choices:
            return text
        hit = self._folded.get(_fold(text))
        if hit is not None:
            return hit
        # Cutoff 0.7, not difflib's 0.6: at 0.6 "clsoed" is also near the alias "solved".
        close = difflib.get_close_matches(_fold(text), self._folded, len(self._folded) or 1, 0.7)
        suggestions = {self._folded[key] for key in close}
        if len(suggestions) == 1:
            raise _Refused(f'did you mean "{suggestions.pop()}"?')
        raise _Refused()

    def _to_number(self, value: str | int | float | bool | date, tz: ZoneInfo | None) -> Stored:
        """An int when integral, else a float, within the column's bounds."""
        number = _as_number(value)
        self._check_bounds(number)
        return number

    def _to_rating(self, value: str | int | float | bool | date, tz: ZoneInfo | None) -> int:
        """A whole number within the bounds; "4/5" counts only when 5 is the maximum."""
        fraction = _FRACTION.fullmatch(value) if isinstance(value, str) else None
        if fraction is not None:
            if self.column.maximum is None or _whole(fraction[2]) != self.column.maximum:
                raise _Refused("a fraction counts only out of the column's maximum")
            number: int | float = _whole(fraction[1])
        else:
            number = _as_number(value)
        if isinstance(number, float):
            raise _Refused()
        self._check_bounds(number)
        return number

    def _check_bounds(self, number: int | float) -> None:
        """Refuse a number outside the column's minimum..maximum."""
        low, high = self.column.minimum, self.column.maximum
        if (low is not None and number < low) or (high is not None and number > high):
            raise _Refused()


def column_normalizer(column: Column) -> ColumnNormalizer:
    """The normalizer of ``column``, built once per column object (``Column.normalizer``)."""
    return column.normalizer


def _expected_for(column: Column) -> str:
    """The expected-format text of a column: choices and bounds spelled out."""
    if column.kind is Kind.CHOICE:
        return "one of " + ", ".join(f'"{choice}"' for choice in column.choices)
    if column.kind in (Kind.NUMBER, Kind.RATING):
        what = "a whole number" if column.kind is Kind.RATING else "a number"
        low, high = column.minimum, column.maximum
        if low is not None and high is not None:
            return f"{what} from {low:g} to {high:g}"
        if low is not None:
            return f"{what} of at least {low:g}"
        if high is not None:
            return f"{what} of at most {high:g}"
        return what if column.kind is Kind.RATING else EXPECTED[Kind.NUMBER]
    return EXPECTED[column.kind]


def _fold(text: str) -> str:
    """The case- and space-insensitive key a choice or alias is matched by."""
    return "".join(text.split()).casefold()


def _folded_choices(column: Column) -> dict[str, str]:
    """Folded choice and alias keys -> canonical choice; keys that clash are left out."""
    folded: dict[str, str] = {}
    clashing: set[str] = set()
    for choice in column.choices:
        key = _fold(choice)
        if folded.get(key, choice) != choice:
            clashing.add(key)
        folded[key] = choice
    alias_keys: dict[str, str] = {}
    for alias, target in column.aliases.items():
        key = _fold(alias)
        if alias_keys.get(key, target) != target:
            clashing.add(key)
        alias_keys[key] = target
    for key, target in alias_keys.items():
        folded.setdefault(key, target)  # a choice's own spelling wins over an alias
    return {key: choice for key, choice in folded.items() if key not in clashing}


def _as_text(value: str | int | float | bool | date) -> str:
    """The text a cell shows: 123.0 (a spreadsheet's "00123") reads as "123"."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        if value.tzinfo is None and value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(" ", timespec="seconds" if value.second else "minutes")
    if isinstance(value, date):
        return value.isoformat()
    try:
        return str(value)
    except ValueError:  # an int of more digits than Python turns into text
        raise _Refused("too many digits") from None


def _whole(digits: str) -> int:
    """The int a string of digits spells; refused beyond the 4,300 digits Python reads."""
    try:
        return int(digits)
    except ValueError:
        raise _Refused("too many digits") from None


def _to_text(value: str | int | float | bool | date, tz: ZoneInfo | None) -> str:
    """Text, id and managed cells: the stripped text."""
    return value if isinstance(value, str) else _as_text(value)


def _as_number(value: str | int | float | bool | date) -> int | float:
    """An int or a finite float from a number or a plain numeric string."""
    if isinstance(value, bool | date):
        raise _Refused()
    if isinstance(value, str):
        if _INTEGER.fullmatch(value):
            return _whole(value)
        if not _DECIMAL.fullmatch(value):
            if "," in value:
                raise _Refused("no thousands separators or decimal commas: write 1234.5")
            raise _Refused()
        value = float(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _Refused()
        return int(value) if value.is_integer() else value
    return value


def _to_timestamp(value: str | int | float | bool | date, tz: ZoneInfo | None) -> str:
    """Any unambiguous moment -> ``YYYY-MM-DD HH:MM UTC``."""
    if isinstance(value, str):
        if _CANONICAL_TIMESTAMP.fullmatch(value):
            _check_day(value[:10])
            return value
        return _from_utc(_timestamp_from_text(value, tz))
    if isinstance(value, bool):
        raise _Refused()
    if isinstance(value, datetime):
        _check_no_seconds(value)
        offset = value.utcoffset() if value.tzinfo is not None else None
        if offset is not None:
            _check_offset(abs(offset))
            return _from_utc(value)
        return _from_utc(_localize(value, tz))
    if isinstance(value, date):
        raise _Refused("a time of day is needed")
    return _from_utc(_localize(_from_serial(value), tz))


def _timestamp_from_text(text: str, tz: ZoneInfo | None) -> datetime:
    """Parse a non-canonical timestamp string to an aware datetime, or refuse it."""
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        raise _Refused(_why_not_timestamp(text))
    year, _, month, day, hour, minute, second, fraction, sign, off_h, off_m, zone = match.groups()
    if (second and int(second)) or (fraction and any(int(digit) for digit in fraction)):
        raise _Refused("seconds are not kept")
    try:
        naive = datetime(int(year), int(month), int(day), int(hour), int(minute))
    except ValueError:
        raise _Refused("not a real date or time") from None
    if sign:
        if int(off_m or 0) >= 60:
            raise _Refused(_OFFSET_HINT)
        offset = timedelta(hours=int(off_h), minutes=int(off_m or 0))
        _check_offset(offset)
        return naive.replace(tzinfo=timezone(-offset if sign == "-" else offset))
    if zone and zone.upper() in ("AM", "PM"):
        raise _Refused(_CLOCK_HINT)
    if zone:
        return _localize(naive, _zone_named(zone))
    return _localize(naive, tz)


def _why_not_timestamp(text: str) -> str:
    """The hint for a string that is no timestamp form at all."""
    if _DAY_FIRST.fullmatch(text):
        return _ORDER_HINT
    if _DATE.fullmatch(text):
        return "a time of day is needed"
    if _TWELVE_HOUR.match(text):
        return _CLOCK_HINT
    return ""


def _zone_named(word: str) -> ZoneInfo:
    """UTC/GMT/Z or an Area/Location IANA name; abbreviations like EST are ambiguous."""
    if word.upper() in _UTC_WORDS:
        return _UTC_ZONE
    if "/" not in word:
        raise _Refused(f'"{word}" is not a zone sheetlog can trust: {_ZONE_HINT}')
    try:
        return ZoneInfo(word)
    except (ZoneInfoNotFoundError, ValueError):
        raise _Refused(f'unknown time zone "{word}": {_ZONE_HINT}') from None


def _localize(naive: datetime, zone: ZoneInfo | None) -> datetime:
    """Read a wall-clock time in ``zone``; refuse none, or a time a DST change skips or repeats."""
    if zone is None:
        raise _Refused(_NO_ZONE_HINT)
    first = naive.replace(tzinfo=zone)
    if first.utcoffset() != naive.replace(tzinfo=zone, fold=1).utcoffset():
        raise _Refused("a daylight-saving change skips or repeats that local time: add an offset")
    return first


def _check_offset(offset: timedelta) -> None:
    """Refuse an offset from UTC no place on Earth uses (beyond +-14:00, e.g. +23:59)."""
    if offset > _LONGEST_OFFSET:
        raise _Refused(_OFFSET_HINT)


def _check_no_seconds(moment: datetime) -> None:
    """Refuse a moment with seconds: dropping them would change the timeline."""
    if moment.second or moment.microsecond:
        raise _Refused("seconds are not kept")


def _from_utc(moment: datetime) -> str:
    """The canonical text of an aware moment whose seconds are known to be zero."""
    try:
        text = format_timestamp(moment)
    except OverflowError:
        raise _Refused("not a real date or time") from None
    _check_year(int(text[:4]))
    return text


def _from_serial(serial: int | float) -> datetime:
    """A Sheets/Excel serial in the years 1990-2100 as a naive wall-clock datetime."""
    if not _SERIAL_FIRST <= serial < _SERIAL_END:
        raise _Refused("a spreadsheet date number outside the years 1990-2100")
    moment = _serial_moment(serial)
    _check_no_seconds(moment)
    return moment


def _serial_moment(serial: int | float) -> datetime:
    """A Sheets/Excel serial (days since 1899-12-30) as a naive datetime, rounded to the
    millisecond, which only removes the floating-point noise of the serial."""
    from openpyxl.utils.datetime import from_excel  # not at import: append never loads it

    moment: datetime = from_excel(serial)
    return moment


def _to_date(value: str | int | float | bool | date, tz: ZoneInfo | None) -> str:
    """Any unambiguous calendar day -> ``YYYY-MM-DD``, in the years a log's moments fall in."""
    day = _day_text(value)
    _check_year(int(day[:4]))
    return day


def _day_text(value: str | int | float | bool | date) -> str:
    """Any unambiguous calendar day -> ``YYYY-MM-DD``."""
    if isinstance(value, str):
        if _CANONICAL_DATE.fullmatch(value):
            _check_day(value)
            return value
        match = _DATE.fullmatch(value)
        if match is None:
            if _DAY_FIRST.fullmatch(value):
                raise _Refused(_ORDER_HINT)
            if _TIMESTAMP.fullmatch(value):
                raise _Refused("a date only, without a time")
            raise _Refused()
        try:
            day = date(int(match[1]), int(match[3]), int(match[4]))
        except ValueError:
            raise _Refused("not a real date") from None
        return day.isoformat()
    if isinstance(value, bool):
        raise _Refused()
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise _Refused("a date only, without a time")
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    moment = _from_serial(value)
    if moment.time() != datetime.min.time():
        raise _Refused("a date only, without a time")
    return moment.date().isoformat()


def _check_day(text: str) -> None:
    """Refuse a canonically shaped day that is not on the calendar (2023-02-30), or
    outside the years a log's moments fall in."""
    try:
        date.fromisoformat(text)
    except ValueError:
        raise _Refused("not a real date") from None
    _check_year(int(text[:4]))


def _check_year(year: int) -> None:
    """Refuse a year before 1990 or after next year: a typo (0001, 9999, 2205), not a
    moment a support log records, and it would name an archive tab "Archive 1-01"."""
    last = _last_year()
    if not _FIRST_YEAR <= year <= last:
        raise _Refused(f"a year from {_FIRST_YEAR} to {last}")


_LAST_YEAR = [0.0, 0]  # [until this time.time(), the last year accepted]


def _last_year() -> int:
    """Next year (UTC), worked out again only once the current year has ended."""
    now = time.time()
    if now >= _LAST_YEAR[0]:
        this_year = datetime.now(UTC).year
        _LAST_YEAR[:] = [datetime(this_year + 1, 1, 1, tzinfo=UTC).timestamp(), this_year + 1]
    return int(_LAST_YEAR[1])


def _to_tags(value: str | int | float | bool | date, tz: ZoneInfo | None) -> Stored:
    """Lower-case hyphenated tags, de-duplicated in first-seen order, joined by ", "."""
    if isinstance(value, str) and _CANONICAL_TAGS.fullmatch(value):
        tags = value.split(", ")
        if len(set(tags)) == len(tags):
            return value
    seen: dict[str, None] = {}
    for part in _TAG_SPLIT.split(_as_text(value)):
        tag = _TAG_JOINERS.sub("-", part.strip().lower())
        if not tag:
            continue
        if not _TAG.fullmatch(tag):
            raise _Refused(f'"{part.strip()}" is not a lowercase-hyphenated word')
        seen[tag] = None
    return ", ".join(seen) or None


def _to_email(value: str | int | float | bool | date, tz: ZoneInfo | None) -> str:
    """``local@domain.tld`` with the domain lower-cased."""
    local, _, domain = _as_text(value).rpartition("@")
    address = f"{local}@{domain.lower()}"
    if not _EMAIL.fullmatch(address):
        raise _Refused()
    return address


def _to_phone(value: str | int | float | bool | date, tz: ZoneInfo | None) -> str:
    """Digits with + ( ) - . and single spaces; at least 7 digits."""
    phone = " ".join(_as_text(value).split())
    if not _PHONE.fullmatch(phone) or sum(ch.isdigit() for ch in phone) < 7:
        raise _Refused()
    return phone
