"""Day-to-day questions over one read of the log: ``find``, ``followups`` and ``status``.

Pure functions over a snapshot, the rows frame of ``frame.log_frame`` and the
template; none of them writes. Rows come back as row objects: column → canonical
value (a malformed cell as typed), plus ``tab`` and ``row`` (the sheet row).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

from ..errors import ConfigError, InvalidValue
from ..model import periods
from ..model.messages import Message, messages_tabs, read_messages
from ..model.sheetdata import Snapshot
from ..model.templates import Column, Kind, Template
from ..model.workbook import AUDIT_HEADER, LOG_TAB, archive_tabs, audit_tabs, data_rows
from ..rules.cells import column_normalizer, local_day, ticket_key
from .frame import opened_at, records
from .summary import AGE_BUCKETS, AGE_EDGES

SPREADSHEET_CELL_LIMIT = 10_000_000
CELL_WARNING = 0.8
LAST_CHANGES = 5
AUDIT_KEYS = tuple(name.lower().replace(" ", "_") for name in AUDIT_HEADER)
_WORD = re.compile(r"[\w-]+")

Row = dict[str, Any]


def parse_day(value: date | str | None, name: str) -> date | None:
    """A ``YYYY-MM-DD`` option as a date; a ConfigError naming the option otherwise."""
    if value is None or isinstance(value, date):
        return value
    return periods.parse_day(value, name)


def text_columns(template: Template) -> list[str]:
    """The free-text columns ``--text`` searches: text columns other than customer and agent."""
    people = {template.roles.customer, template.roles.agent}
    return [c.name for c in template.columns if c.kind is Kind.TEXT and c.name not in people]


@dataclass(frozen=True, kw_only=True)
class Query:
    """What ``find`` looks for; every filter given must match (text ones ignore case)."""

    ticket: str | None = None
    customer: str | None = None
    agent: str | None = None
    status: tuple[str, ...] = ()
    tag: str | None = None
    since: date | None = None
    until: date | None = None
    text: str | None = None

    @classmethod
    def build(
        cls,
        template: Template,
        *,
        ticket: str | None = None,
        customer: str | None = None,
        agent: str | None = None,
        status: str | Sequence[str] = (),
        tag: str | None = None,
        since: date | str | None = None,
        until: date | str | None = None,
        text: str | None = None,
    ) -> Query:
        """A query with statuses and tags in canonical form; bad values raise InvalidValue."""
        statuses = (status,) if isinstance(status, str) else tuple(status)
        status_column = template.by_name[template.roles.status]
        first, last = parse_day(since, "--from"), parse_day(until, "--to")
        periods.check_span(first, last, "--from", "--to")
        return cls(
            ticket=ticket.strip() if ticket else None,
            customer=customer,
            agent=agent,
            status=tuple(str(_canonical(status_column, s, template)) for s in statuses),
            tag=str(_canonical(_role(template, "tags", "tag"), tag, template)) if tag else None,
            since=first,
            until=last,
            text=text,
        )


def _canonical(column: Column, value: str, template: Template) -> object:
    """``value`` as the column stores it (aliases and case folded), or InvalidValue."""
    return column_normalizer(column).normalize(value, template.tz)


def _role(template: Template, role: str, what: str) -> Column:
    """The column playing ``role``; a ConfigError when this template has none."""
    column = template.column(role)
    if column is None:
        raise ConfigError(f'the "{template.name}" template has no {what} column')
    return column


def _contains(series: pd.Series, needle: str) -> pd.Series:
    """Rows whose cell contains ``needle``, ignoring case."""
    return series.map(lambda v: isinstance(v, str) and needle.casefold() in v.casefold())


def in_dates(
    frame: pd.DataFrame, template: Template, since: date | None, until: date | None
) -> pd.Series:
    """Rows whose Contact Start falls on ``since``..``until`` (inclusive, in the log's zone).

    With either bound given, a row whose Contact Start cannot be read does not match.
    """
    if since is None and until is None:
        return pd.Series(True, index=frame.index)
    opened = template.by_name[template.roles.opened]
    days = frame[opened.name].map(lambda v: local_day(v, opened.kind, template))
    return days.map(
        lambda d: d is not None and (since is None or d >= since) and (until is None or d <= until)
    ).astype(bool)


def in_time_order(frame: pd.DataFrame, template: Template) -> pd.DataFrame:
    """Rows by Contact Start (unreadable ones last), then by tab and sheet row."""
    tab_order = {title: n for n, title in enumerate(dict.fromkeys(frame["tab"]))}
    keys = pd.DataFrame(
        {
            "moment": opened_at(frame, template),
            "tab": frame["tab"].map(tab_order),
            "row": frame["row"],
        },
        index=frame.index,
    )
    return frame.loc[keys.sort_values(["moment", "tab", "row"], na_position="last").index]


@dataclass
class Found:
    """The rows ``find`` matched, in time order, and the template that names their columns."""

    rows: list[Row]
    template: Template
    messages: list[Message] = field(default_factory=list)
    """With ``history``: the timeline lines of the rows' tickets, oldest first."""


def find_rows(frame: pd.DataFrame, template: Template, query: Query) -> list[Row]:
    """The rows matching every filter of ``query``, in time order."""
    roles = template.roles
    keep = in_dates(frame, template, query.since, query.until)
    if query.ticket:
        wanted = ticket_key(query.ticket)
        keep &= frame[roles.id].map(lambda v: isinstance(v, str) and ticket_key(v) == wanted)
    if query.customer:
        keep &= _contains(frame[_role(template, "customer", "customer").name], query.customer)
    if query.agent:
        keep &= _contains(frame[_role(template, "agent", "agent").name], query.agent)
    if query.status:
        keep &= frame[roles.status].isin(query.status)
    if query.tag:
        wanted_tags = set(query.tag.split(", "))
        column = _role(template, "tags", "tag").name
        keep &= frame[column].map(
            lambda v: isinstance(v, str) and wanted_tags <= set(v.split(", "))
        )
    if query.text:
        hits = pd.Series(False, index=frame.index)
        for name in text_columns(template):
            hits |= _contains(frame[name], query.text)
        keep &= hits
    return records(in_time_order(frame[keep.astype(bool)], template))


def audit_lines(snapshot: Snapshot) -> list[Row]:
    """Every Audit line, oldest first, as an object keyed ``when``, ``who``, ... ``op_id``."""
    lines = []
    for tab in audit_tabs(snapshot):
        for _, cells in data_rows(tab):
            texts = ["" if v is None else str(v) for v in cells]
            texts += [""] * (len(AUDIT_KEYS) - len(texts))
            lines.append(dict(zip(AUDIT_KEYS, texts, strict=False)))
    return lines


def mentions(line: Row, ticket: str) -> bool:
    """Whether an Audit line's Details or Rows name ``ticket`` as a whole word (any case)."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(ticket)}(?![\w-])", re.IGNORECASE)
    return bool(pattern.search(line["details"]) or pattern.search(line["rows"]))


def attach_history(rows: list[Row], snapshot: Snapshot, template: Template) -> list[Message]:
    """Give each row a ``history``: the Audit lines that name its ticket, oldest first,
    and its ``messages``: its timeline lines; return those lines.

    Lines are indexed by their words once, so a whole-log case file stays linear.
    """
    timeline: dict[str, list[Message]] = defaultdict(list)
    for message in read_messages(messages_tabs(snapshot)):
        timeline[ticket_key(message.ticket)].append(message)
    found: list[Message] = []
    for key in dict.fromkeys(ticket_key(row.get(template.roles.id)) for row in rows):
        found += timeline.get(key, [])  # a ticket in Log and an archive tab: its lines once
    for row in rows:
        mine = timeline.get(ticket_key(row.get(template.roles.id)), [])
        row["messages"] = [message.to_dict() for message in mine]
    lines = audit_lines(snapshot)
    by_word: dict[str, list[Row]] = defaultdict(list)
    for line in lines:
        for word in dict.fromkeys(_WORD.findall(f"{line['rows']} {line['details']}".casefold())):
            by_word[word].append(line)
    for row in rows:
        ticket = str(row.get(template.roles.id) or "")
        if _WORD.fullmatch(ticket):
            row["history"] = list(by_word.get(ticket.casefold(), []))
        else:
            row["history"] = [line for line in lines if ticket and mentions(line, ticket)]
    return sorted(found, key=lambda m: m.at)


# --- followups ----------------------------------------------------------------------------


@dataclass
class Followups:
    """Open tickets with a follow-up due: past (``overdue``) or from today to ``until``."""

    today: date
    until: date
    template: Template
    overdue: list[Row] = field(default_factory=list)
    due: list[Row] = field(default_factory=list)

    def to_dict(self) -> dict[str, list[Row]]:
        """The ``--format json`` document."""
        return {"overdue": self.overdue, "due": self.due}


def due_followups(frame: pd.DataFrame, template: Template, today: date, days: int) -> Followups:
    """Open rows whose follow-up date is before ``today`` or within ``days`` days of it,
    soonest first; a row whose status cannot be read counts as open (a callback is kept)."""
    if days < 0:
        raise InvalidValue("days", str(days), "a number of days, 0 or more")
    followup = _role(template, "followup", "follow-up date")
    result = Followups(today, periods.days_after(today, days), template)
    closed = frame[template.roles.status].map(template.is_closed).astype(bool)
    due_day = frame[followup.name].map(lambda v: local_day(v, followup.kind, template))
    chosen = frame.assign(_due=due_day)[~closed & due_day.notna()]
    chosen = chosen[chosen["_due"] <= result.until]
    ordered = in_time_order(chosen, template)
    ordered = ordered.loc[ordered["_due"].sort_values(kind="stable").index]
    for row, due in zip(records(ordered.drop(columns="_due")), ordered["_due"], strict=True):
        (result.overdue if due < today else result.due).append(row)
    return result


# --- status -------------------------------------------------------------------------------


@dataclass
class LogStatus:
    """How the log stands; ``to_dict`` is the ``--format json`` document."""

    log_rows: int
    open: int
    open_by_age: dict[str, int]
    archive_tabs: dict[str, int]
    cells_used: int
    cell_limit: int
    last_changes: list[Row]
    open_unknown_age: int = 0

    @property
    def cells_share(self) -> float:
        """The share of Google's cell limit in use (0..1)."""
        return self.cells_used / self.cell_limit

    @property
    def near_limit(self) -> bool:
        """From 80% of the cell limit on, it is time to archive elsewhere."""
        return self.cells_share >= CELL_WARNING

    def to_dict(self) -> dict[str, Any]:
        """The ``--format json`` document: one key per figure."""
        return {
            "log_rows": self.log_rows,
            "open": self.open,
            "open_by_age": self.open_by_age,
            "archive_tabs": self.archive_tabs,
            "cells_used": self.cells_used,
            "cell_limit": self.cell_limit,
            "last_changes": self.last_changes,
        }


def cells_used(snapshot: Snapshot) -> int:
    """Every tab's allocated grid (rows x columns), read or probed, hidden tabs too: what
    Google counts against its limit, not the cells holding values. Other logs' tabs
    count in their own."""
    tabs = {**snapshot.probed, **snapshot.tabs}.values()
    return sum(tab.grid_rows * tab.grid_columns for tab in tabs if not tab.elsewhere)


def log_status(
    snapshot: Snapshot, frame: pd.DataFrame, template: Template, now: datetime, cells: int
) -> LogStatus:
    """Rows and open tickets of Log by age at ``now``, archive tabs (their rows: the
    Ticket IDs ``snapshot`` holds of each), ``cells`` in use, the last Audit lines."""
    live = frame[frame["tab"] == LOG_TAB]
    open_rows = live[~live[template.roles.status].map(template.is_closed).astype(bool)]
    opened = opened_at(open_rows, template).dropna()
    ages = [max((now - moment.to_pydatetime()).days, 0) for moment in opened]
    by_age = dict.fromkeys(AGE_BUCKETS, 0)
    for age in ages:
        by_age[_bucket(age)] += 1
    return LogStatus(
        log_rows=len(live),
        open=len(open_rows),
        open_by_age=by_age,
        archive_tabs={tab.title: len(data_rows(tab)) for tab in archive_tabs(snapshot)},
        cells_used=cells,
        cell_limit=SPREADSHEET_CELL_LIMIT,
        last_changes=audit_lines(snapshot)[-LAST_CHANGES:][::-1],
        open_unknown_age=len(open_rows) - len(ages),
    )


def _bucket(days: int) -> str:
    """The age bucket of a whole number of days."""
    return next(b for b, limit in zip(AGE_BUCKETS, AGE_EDGES[1:], strict=True) if days <= limit)
