"""The monthly figures managers read, computed with pandas from Log and the archive tabs.

Every row is read through the template's row model, so the figures use canonical
values. A cell that is malformed (or contradicts another cell) leaves its row out
of the figures it would spoil, and only those; ``excluded_rows`` counts the rows
left out of at least one figure, plus the rows whose Contact Start is unusable
(their month is unknown). Months are cut in the template's timezone.

Medians and 90th percentiles are pandas' defaults (linear interpolation between
the closest ranks). Ages at month end are whole days (completed 24-hour periods)
from Contact Start to the first instant of the next month.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pandas as pd

from ..errors import ConfigError
from ..model.messages import messages_tabs, read_messages
from ..model.periods import Month
from ..model.sheetdata import Snapshot, Tab
from ..model.templates import Column, Kind, Template
from ..model.workbook import (
    ARCHIVE_PREFIX,
    LOG_TAB,
    MESSAGES_PREFIX,
    SUMMARY_PREFIX,
    archive_tabs,
    lacking,
    renamed_columns,
)
from ..rules.cells import parse_date, parse_timestamp
from .frame import NOT_SET, SPOILED, log_frame
from .spread import Spread, rounded
from .summary_conversations import Conversations, conversations
from .summary_satisfaction import Satisfaction, satisfaction

AGE_BUCKETS = ("0-2d", "3-7d", "8-30d", ">30d")
AGE_EDGES = (-1, 2, 7, 30, float("inf"))
TOP_TAGS = 10


@dataclass(frozen=True)
class AgentFigures:
    """One agent's month."""

    agent: str
    interactions: int
    resolved: int
    median_hours_to_resolve: float | None


LOG_MARK = "\u241f"
"""Between a log's label and a Ticket ID when several logs are summed up together."""


@dataclass(frozen=True)
class LogFigures:
    """One log's line in a summary of several."""

    log: str
    interactions: int
    backlog_open: int
    median_hours_to_resolve: float | None
    median_first_response_minutes: float | None
    csat: float | None

    @classmethod
    def of(cls, label: str, summary: MonthlySummary) -> LogFigures:
        """The line of the log ``label``, from its own summary."""
        conversations, ratings = summary.conversations, summary.satisfaction
        return cls(
            label,
            summary.interactions,
            summary.backlog_open,
            summary.hours_to_resolve.median,
            conversations.overall.first_response_minutes.median if conversations else None,
            ratings.overall.csat if ratings else None,
        )


@dataclass
class MonthlySummary:
    """The figures of one month; ``to_dict`` is the ``--format json`` document."""

    month: str
    interactions: int
    by_status: dict[str, int]
    by_channel: dict[str, int]
    by_issue_type: dict[str, int]
    by_agent: list[AgentFigures]
    hours_to_resolve: Spread
    handle_minutes: Spread
    backlog_open: int
    backlog_by_age: dict[str, int]
    followups_overdue: int
    top_tags: list[tuple[str, int]]
    repeat_customers: list[tuple[str, int]]
    excluded_rows: int
    label: str = ""
    timezone: str = "UTC"
    per_day: list[tuple[str, int]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    conversations: Conversations | None = None
    satisfaction: Satisfaction | None = None
    by_log: list[LogFigures] = field(default_factory=list)
    tab_title: str = ""
    """Where the summary is written (default ``Summary YYYY-MM``)."""

    @property
    def tab(self) -> str:
        """The title of the tab this summary is written to."""
        return self.tab_title or f"{SUMMARY_PREFIX}{self.month}"

    def to_dict(self) -> dict[str, Any]:
        """The figures as the ``--format json`` document: one key per figure, nested by
        section (``backlog_at_month_end``), lists as objects naming their fields."""
        return {
            "month": self.month,
            "interactions": self.interactions,
            "by_status": self.by_status,
            "by_channel": self.by_channel,
            "by_issue_type": self.by_issue_type,
            "by_agent": [vars(agent) for agent in self.by_agent],
            "hours_to_resolve": vars(self.hours_to_resolve),
            "handle_minutes": vars(self.handle_minutes),
            "backlog_at_month_end": {"open": self.backlog_open, "by_age": self.backlog_by_age},
            "followups_overdue": self.followups_overdue,
            "top_tags": [{"tag": tag, "count": count} for tag, count in self.top_tags],
            "repeat_customers": [
                {"customer": customer, "interactions": count}
                for customer, count in self.repeat_customers
            ],
            "excluded_rows": self.excluded_rows,
            "conversations": self.conversations.to_dict() if self.conversations else None,
            "satisfaction": self.satisfaction.to_dict() if self.satisfaction else None,
            **({"by_log": [vars(line) for line in self.by_log]} if self.by_log else {}),
        }


def archive_titles(first: Month, now: datetime) -> list[str]:
    """The archive tabs that can hold rows of ``first``'s figures: a row contacted in a
    month, or open at its end, is resolved in it or later (tabs go by month resolved),
    up to the month after ``now`` in any timezone."""
    return _monthly(ARCHIVE_PREFIX, first, now)


def messages_titles(first: Month, now: datetime) -> list[str]:
    """The Messages tabs that can hold lines of ``first``'s tickets: from the month
    before it (a line's month is UTC's, the log's zone may be ahead) to the month after
    ``now``."""
    return _monthly(MESSAGES_PREFIX, first.preceding(), now)


def _monthly(prefix: str, first: Month, now: datetime) -> list[str]:
    """The titles ``prefix YYYY-MM`` from ``first`` to the month after ``now``."""
    titles = []
    month, last = first, Month(now.year, now.month).following()
    while (month.year, month.month) <= (last.year, last.month):
        titles.append(f"{prefix}{month}")
        month = month.following()
    return titles


def monthly_summary(
    snapshot: Snapshot, template: Template, month: Month, now: datetime | None = None
) -> MonthlySummary:
    """The figures of ``month`` over Log and the archive tabs read, and the conversation
    figures of its tickets over the Messages tabs read (as of ``now``).

    Refuses a tab whose header lacks a column the figures read: its rows would
    silently count as blank there.
    """
    return combined_summary([("", snapshot)], template, month, now)


def combined_summary(
    logs: Sequence[tuple[str, Snapshot]],
    template: Template,
    month: Month,
    now: datetime | None = None,
) -> MonthlySummary:
    """The figures of ``month`` over several logs read (each a label and its snapshot),
    as if their rows were one log's; with more than one, a line per log too. Tickets
    of different logs stay apart even when they share an id."""
    moment = now or datetime.now(UTC)
    frames, messages, sources = [], [], []
    for label, snapshot in logs:
        tabs = _checked_sources(snapshot, template)
        frame = log_frame(snapshot, template)
        lines = read_messages(messages_tabs(snapshot))
        names = [tab.title for tab in tabs]
        if len(logs) > 1:
            own = template.roles.id
            frame[own] = frame[own].map(lambda ticket, at=label: f"{at}{LOG_MARK}{ticket}")
            lines = [replace(m, ticket=f"{label}{LOG_MARK}{m.ticket}") for m in lines]
            names = [f"{label}: {name}" for name in names]
        frames.append(frame)
        messages += lines
        sources += names
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    figures = _Figures(frame, template, month)
    rating = template.roles.rating  # a rating nobody can read leaves its row out, counted
    rated = figures.kept(rating) if rating else figures.in_month
    summary = figures.summary(sources)
    month_rows = frame[figures.in_month]
    summary.conversations = conversations(month_rows, template, messages, moment)
    summary.satisfaction = satisfaction(frame[rated], template)
    if len(logs) > 1:
        summary.by_log = [
            LogFigures.of(label, monthly_summary(snapshot, template, month, moment))
            for label, snapshot in logs
        ]
    return summary


def _checked_sources(snapshot: Snapshot, template: Template) -> list[Tab]:
    """Log and the archive tabs read; refused when one lacks a column the figures read."""
    roles = {name for name in template.roles.model_dump().values() if name}
    optional = {template.roles.validation, template.roles.rating}  # older tabs lack a Rating
    needed = [name for name in template.header if name in roles - optional]
    sources = [snapshot.tabs[LOG_TAB], *archive_tabs(snapshot)]
    for tab in sources:
        missing = [name for name in needed if name not in tab.header]
        if missing:
            renamed = renamed_columns(template.header, tab.header)
            fix = (
                "rename it back"
                if renamed
                else "restore the header (sheetlog init adds missing columns to Log)"
            )
            raise ConfigError(
                f'the "{tab.title}" tab has no column {lacking(missing, renamed)}; {fix}'
            )
    return sources


class _Figures:
    """One month's figures over one frame; ``left_out`` collects the rows each figure drops."""

    def __init__(self, frame: pd.DataFrame, template: Template, month: Month) -> None:
        self.frame = frame
        self.template = template
        self.month = month
        self.tz = template.tz
        self.end = pd.Timestamp(month.end(template.tz))
        roles = template.roles
        self.opened = self._moments(template.by_name[roles.opened])
        self.left_out = self.opened.isna()
        self.in_month = (self.opened >= pd.Timestamp(month.start(self.tz))) & (
            self.opened < self.end
        )
        resolved = template.by_name[roles.resolved]
        self.resolution_ok = ~self._bad(roles.status) & ~self._bad(roles.resolved)
        self.resolved_at = self._moments(resolved, end_of_day=True)
        self.is_resolved = self.resolution_ok & self.resolved_at.notna()

    def summary(self, sources: list[str]) -> MonthlySummary:
        """Every figure; ``excluded_rows`` is read last, once every figure has dropped its rows."""
        hours = self._hours_to_resolve()
        open_at_end = self._open_at_end()
        return MonthlySummary(
            month=str(self.month),
            interactions=int(self.in_month.sum()),
            by_status=self._counts(self.template.column("status")),
            by_channel=self._counts(self.template.column("channel")),
            by_issue_type=self._counts(self.template.column("issue_type")),
            by_agent=self._agents(hours),
            hours_to_resolve=Spread.of(hours),
            handle_minutes=Spread.of(self._handle_minutes()),
            backlog_open=int(open_at_end.sum()),
            backlog_by_age=self._ages(open_at_end),
            followups_overdue=self._followups_overdue(open_at_end),
            top_tags=self._top_tags(),
            repeat_customers=self._repeat_customers(),
            excluded_rows=self._left_out_so_far(),
            label=self.month.label,
            timezone=self.template.timezone,
            per_day=self._per_day(),
            sources=sources,
        )

    def _left_out_so_far(self) -> int:
        """How many rows the figures computed so far left out (keyword arguments run in order)."""
        return int(self.left_out.sum())

    # --- reading cells ------------------------------------------------------------------

    def _bad(self, name: str | None) -> pd.Series:
        """Rows whose ``name`` cell is malformed or contradicts another cell."""
        if name is None:
            return pd.Series(False, index=self.frame.index)
        return self.frame[SPOILED].map(lambda spoiled: name in spoiled).astype(bool)

    def _malformed(self, name: str) -> pd.Series:
        """Rows whose ``name`` cell holds a value that could not be read (so it is None)."""
        return self._bad(name) & self.frame[name].isna()

    def _moments(self, column: Column, end_of_day: bool = False) -> pd.Series:
        """A timestamp or date column as UTC instants; a date counts from its start in the
        log's zone, or (``end_of_day``) from its end: resolved "that day" is resolved by then."""

        def moment(value: object) -> datetime | None:
            if not isinstance(value, str):
                return None
            if column.kind is Kind.TIMESTAMP:
                return parse_timestamp(value)
            day = parse_date(value) + timedelta(days=1 if end_of_day else 0)
            return datetime.combine(day, time(), self.tz)

        return pd.to_datetime(self.frame[column.name].map(moment), utc=True)

    def kept(self, name: str) -> pd.Series:
        """Rows of the month whose ``name`` cell can be counted; the others are left out."""
        malformed = self.in_month & self._malformed(name)
        self.left_out |= malformed
        return self.in_month & ~malformed

    # --- figures ------------------------------------------------------------------------

    def _counts(self, column: Column | None) -> dict[str, int]:
        """Interactions by a choice column: most first, ties in the template's order."""
        if column is None:
            return {}
        values = self.frame.loc[self.kept(column.name), column.name].fillna(NOT_SET)
        order = {choice: n for n, choice in enumerate(column.choices)}
        counts = values.value_counts()
        ranked = sorted(counts.items(), key=lambda item: (-item[1], order.get(item[0], len(order))))
        return {str(value): int(count) for value, count in ranked}

    def _hours_to_resolve(self) -> pd.Series:
        """Hours from Contact Start to Resolved At of the month's resolved rows."""
        spoiled = self.in_month & ~self.resolution_ok
        self.left_out |= spoiled
        rows = self.in_month & self.is_resolved
        return (self.resolved_at[rows] - self.opened[rows]).dt.total_seconds() / 3600

    def _handle_minutes(self) -> pd.Series:
        """Minutes from Contact Start to Contact End of the month's rows that have an end."""
        ended = self.template.column("ended")
        if ended is None:
            return pd.Series(dtype=float)
        bad = self.in_month & self._bad(ended.name)
        self.left_out |= bad
        end = self._moments(ended)
        rows = self.in_month & ~bad & end.notna()
        return (end[rows] - self.opened[rows]).dt.total_seconds() / 60

    def _agents(self, hours: pd.Series) -> list[AgentFigures]:
        """Per agent: interactions, resolved, median hours to resolve; busiest first."""
        agent = self.template.column("agent")
        if agent is None:
            return []
        rows = self.kept(agent.name)
        table = pd.DataFrame(
            {
                "agent": self.frame.loc[rows, agent.name].fillna(NOT_SET).astype(str),
                "resolved": self.is_resolved[rows],
                "hours": hours.reindex(self.frame.index[rows]),
            }
        )
        grouped = table.groupby("agent").agg(
            interactions=("agent", "size"), resolved=("resolved", "sum"), median=("hours", "median")
        )
        grouped = grouped.reset_index().sort_values(
            ["interactions", "agent"], ascending=[False, True]
        )
        return [
            AgentFigures(str(name), int(count), int(resolved), rounded(median))
            for name, count, resolved, median in zip(
                grouped["agent"],
                grouped["interactions"],
                grouped["resolved"],
                grouped["median"],
                strict=True,
            )
        ]

    def _open_at_end(self) -> pd.Series:
        """Rows started by the month's end and not resolved by then (any month)."""
        started = self.opened.notna() & (self.opened < self.end)
        self.left_out |= started & ~self.resolution_ok
        resolved_by_end = self.resolved_at.notna() & (self.resolved_at < self.end)
        return started & self.resolution_ok & ~resolved_by_end

    def _ages(self, open_at_end: pd.Series) -> dict[str, int]:
        """The open rows by whole days of age at the month's end."""
        days = (self.end - self.opened[open_at_end]).dt.days
        buckets = pd.cut(days, bins=list(AGE_EDGES), labels=list(AGE_BUCKETS))
        counts = buckets.value_counts()
        return {bucket: int(counts.get(bucket, 0)) for bucket in AGE_BUCKETS}

    def _followups_overdue(self, open_at_end: pd.Series) -> int:
        """Open rows at month end whose follow-up fell due before the month's end."""
        followup = self.template.column("followup")
        if followup is None:
            return 0
        bad = open_at_end & self._bad(followup.name)
        self.left_out |= bad
        due = self._moments(followup)
        return int((open_at_end & ~bad & due.notna() & (due < self.end)).sum())

    def _top_tags(self) -> list[tuple[str, int]]:
        """The ten most used tags of the month: most first, then alphabetical."""
        tags = self.template.column("tags")
        if tags is None:
            return []
        cells = self.frame.loc[self.kept(tags.name), tags.name].dropna()
        words = cells.astype(str).str.split(", ").explode()
        ranked = sorted(words.value_counts().items(), key=lambda item: (-item[1], item[0]))
        return [(str(tag), int(count)) for tag, count in ranked[:TOP_TAGS]]

    def _repeat_customers(self) -> list[tuple[str, int]]:
        """Customers with two or more interactions in the month: most first, then by name."""
        customer = self.template.column("customer")
        if customer is None:
            return []
        names = self.frame.loc[self.kept(customer.name), customer.name].dropna().astype(str)
        counts = names.value_counts()
        ranked = sorted(counts[counts >= 2].items(), key=lambda item: (-item[1], item[0]))
        return [(str(name), int(count)) for name, count in ranked]

    def _per_day(self) -> list[tuple[str, int]]:
        """Interactions on every day of the month (days in the log's zone), zeros included."""
        days = self.opened[self.in_month].dt.tz_convert(self.tz).dt.date
        counts = days.value_counts()
        return [(day.isoformat(), int(counts.get(day, 0))) for day in self.month.days()]
