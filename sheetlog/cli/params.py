"""The option types of every command that takes a day, a month, an age or a number of
days: each value is parsed once, here, by the library's own parser (``sheetlog.model.periods``),
and a bad one is a usage error (exit 2) naming the option, before anything is opened."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, NoReturn

import click

from ..errors import ConfigError
from ..model import periods
from ..model.periods import Month


class OptionProblem(click.BadParameter):
    """A bad option value, said in one line that already names the option."""

    def format_message(self) -> str:
        return self.message


if TYPE_CHECKING:  # click 8.2+ types ParamType by its value; older releases do not
    _ParamType = click.ParamType[Any, Any]
else:
    _ParamType = click.ParamType


class _Periodic(_ParamType):
    """Shared by the types below: the option's name, and a ConfigError made a usage error."""

    @staticmethod
    def option(param: click.Parameter | None) -> str:
        if param is None:
            return "value"
        return max(param.opts, key=len) if param.opts else str(param.name)

    @staticmethod
    def refuse(
        exc: ConfigError, param: click.Parameter | None, ctx: click.Context | None
    ) -> NoReturn:
        raise OptionProblem(str(exc), ctx, param) from None


class DayType(_Periodic):
    """``YYYY-MM-DD`` → ``date``."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return periods.parse_day(str(value), self.option(param))
        except ConfigError as exc:
            self.refuse(exc, param, ctx)


class MonthType(_Periodic):
    """``YYYY-MM`` → ``Month``."""

    name = "YYYY-MM"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Month:
        try:
            return Month.parse(
                value if isinstance(value, Month) else str(value), self.option(param)
            )
        except ConfigError as exc:
            self.refuse(exc, param, ctx)


class AgeType(_Periodic):
    """``0``, ``36h``, ``30d``, ``2w`` → ``timedelta`` (archive ages)."""

    name = "AGE"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> timedelta:
        try:
            return periods.parse_age(
                value if isinstance(value, timedelta) else str(value), self.option(param)
            )
        except ConfigError as exc:
            self.refuse(exc, param, ctx)


class MonthsType(_Periodic):
    """``24m``, ``5y`` → a number of months (retention policies)."""

    name = "AGE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        try:
            return periods.parse_months(
                value if isinstance(value, int) else str(value), self.option(param)
            )
        except ConfigError as exc:
            self.refuse(exc, param, ctx)


DAY = DayType()
MONTH = MonthType()
AGE = AgeType()
MONTHS = MonthsType()
DAYS = click.IntRange(min=0, max=periods.MAX_DAYS)
"""A number of days (``followups --days``, ``validate --stale-days``)."""


def check_span(since: date | None, until: date | None) -> None:
    """``--from`` after ``--to`` is a usage error."""
    try:
        periods.check_span(since, until, "--from", "--to")
    except ConfigError as exc:
        raise OptionProblem(str(exc), param_hint="--from") from None
