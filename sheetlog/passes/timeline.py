"""One ticket's timeline (its messages, status changes and Audit lines in time order) and
the figures derived from it: first response, replies, reopens, one-touch, waits.

Definitions (the README's "Conversations" section sets them beside Zendesk's and
Freshdesk's): time runs from the ticket's Contact Start; internal notes never count as a
response; a reopen is a status change from a closed status to an open one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..model.messages import Message, MessageKind
from ..model.templates import Template
from ..model.workbook import AUDIT_TIME
from ..rules.cells import ticket_key, timestamp_or_none
from .clock import Clock, clock_name, clock_of

WAITING_ON_REQUESTER = frozenset({"Pending"})
"""Statuses in which the agents wait on the requester (Zendesk's agent wait time); the
rest of the open time the requester waits on the agents (its requester wait time)."""


@dataclass(frozen=True)
class TicketFigures:
    """What one ticket's timeline says, in minutes of the template's clock (calendar
    time, or its business hours); None where it cannot say (no agent reply yet, not
    closed, no readable Contact Start)."""

    first_response_minutes: float | None
    agent_replies: int
    reopens: int
    one_touch: bool | None
    full_resolution_minutes: float | None
    requester_wait_minutes: float | None
    agent_wait_minutes: float | None
    messages: int

    def to_dict(self) -> dict[str, Any]:
        """The figures under their names, for ``--format json``."""
        return {
            "first_response_minutes": self.first_response_minutes,
            "agent_replies": self.agent_replies,
            "reopens": self.reopens,
            "one_touch": self.one_touch,
            "full_resolution_minutes": self.full_resolution_minutes,
            "requester_wait_minutes": self.requester_wait_minutes,
            "agent_wait_minutes": self.agent_wait_minutes,
            "messages": self.messages,
        }


@dataclass(frozen=True)
class Event:
    """One line of a timeline: a message, a status change or an Audit line."""

    at: datetime
    what: str
    who: str
    text: str
    channel: str = ""

    def to_dict(self) -> dict[str, str]:
        """The event as text, for ``--format json``."""
        moment = self.at.astimezone(UTC).strftime(AUDIT_TIME)
        return {
            "at": moment,
            "what": self.what,
            "who": self.who,
            "text": self.text,
            "channel": self.channel,
        }


@dataclass
class Timeline:
    """A ticket's row (as ``find`` gives it), its events oldest first, and its figures."""

    ticket: str
    row: dict[str, Any]
    events: list[Event] = field(default_factory=list)
    figures: TicketFigures | None = None
    clock: str = "calendar"
    """What the figures' minutes count (``passes.clock.clock_name``)."""

    def to_dict(self) -> dict[str, Any]:
        """The ``--format json`` document."""
        return {
            "ticket": self.ticket,
            "row": {k: v for k, v in self.row.items() if k not in ("history", "messages")},
            "events": [event.to_dict() for event in self.events],
            "figures": self.figures.to_dict() if self.figures else None,
            "clock": self.clock,
        }


def messages_of(messages: list[Message], ticket: str) -> list[Message]:
    """The lines of ``ticket`` (any case or width), oldest first."""
    key = ticket_key(ticket)
    return sorted((m for m in messages if ticket_key(m.ticket) == key), key=lambda m: m.at)


def build_timeline(
    row: dict[str, Any], messages: list[Message], template: Template, now: datetime
) -> Timeline:
    """The timeline of ``row`` (a ``find`` row with its Audit ``history``): its messages
    and its Audit lines merged in time order, and the figures of its messages."""
    ticket = str(row.get(template.roles.id) or "")
    mine = messages_of(messages, ticket)
    events = [Event(m.at, str(m.kind), m.author, m.text, m.channel) for m in mine]
    status_only = {template.roles.status, template.roles.resolved}
    for line in row.get("history", []):
        moment = _audit_moment(str(line.get("when", "")))
        if moment is None or _repeats(line, status_only):
            continue
        events.append(Event(moment, f"audit: {line['command']}", line["who"], line["details"]))
    events.sort(key=lambda e: e.at)
    created = timestamp_or_none(row.get(template.roles.opened))
    status = row.get(template.roles.status)
    resolved = timestamp_or_none(row.get(template.roles.resolved))
    figures = ticket_figures(template, created, status, resolved, mine, now)
    return Timeline(ticket, row, events, figures, clock_name(template))


def ticket_figures(
    template: Template,
    created: datetime | None,
    status: object,
    resolved: datetime | None,
    messages: list[Message],
    now: datetime,
) -> TicketFigures:
    """The figures of one ticket from its timeline lines (oldest first), its Contact
    Start (``created``), its status now and its Resolved At."""
    replies = [m for m in messages if m.kind is MessageKind.AGENT]
    changes = [(m.at, *pair) for m in messages if (pair := m.status_pair()) is not None]
    closed = template.is_closed(status)
    reopens = sum(
        template.is_closed(old) and not template.is_closed(new) for _, old, new in changes
    )
    if created is None:
        return TicketFigures(None, len(replies), reopens, None, None, None, None, len(messages))
    minutes = clock_of(template)
    first = minutes(created, replies[0].at) if replies else None
    solved_at = [  # a move from one closed status to another (solved, then closed) is no solve
        at for at, old, new in changes if template.is_closed(new) and not template.is_closed(old)
    ]
    end = solved_at[-1] if solved_at else resolved
    full = minutes(created, end) if closed and end is not None else None
    initial = changes[0][1] if changes else status
    until = end if closed else now
    waits = _waits(template, minutes, initial, created, changes, until) if until else (None, None)
    requester, agent = waits
    one_touch = (len(replies) <= 1) if closed else None
    return TicketFigures(
        first, len(replies), reopens, one_touch, full, requester, agent, len(messages)
    )


def _waits(
    template: Template,
    minutes: Clock,
    initial: object,
    created: datetime,
    changes: list[tuple[datetime, str, str]],
    end: datetime,
) -> tuple[float | None, float | None]:
    """Minutes the requester waited on the agents (any open status but a waiting one)
    and the agents on the requester (a waiting status) from ``created`` to ``end``,
    walking the status changes from the ``initial`` status; None when the changes run
    backwards in time."""
    requester = agent = 0.0
    status, since = initial, created
    for at, _, new in [*changes, (end, "", "")]:
        stop = min(at, end)
        if stop < since:
            return None, None
        if not template.is_closed(status):
            if status in WAITING_ON_REQUESTER:
                agent += minutes(since, stop)
            else:
                requester += minutes(since, stop)
        if at >= end:
            break
        status, since = new, at
    return requester, agent


def _repeats(line: dict[str, Any], status_only: set[str]) -> bool:
    """Whether an Audit line says nothing the timeline's own lines do not: a message's,
    or an update that changed only the status (and Resolved At with it), whose status
    change is a line of its own."""
    if line.get("command") == "message":
        return True
    if line.get("command") != "update":
        return False
    _, _, changes = str(line.get("details", "")).partition(": ")
    columns = {part.split(": ", 1)[0] for part in changes.split("; ")}
    return bool(columns) and columns <= status_only


def _audit_moment(text: str) -> datetime | None:
    """An Audit line's When (``YYYY-MM-DD HH:MM:SS UTC``)."""
    try:
        return datetime.strptime(text, AUDIT_TIME).replace(tzinfo=UTC)
    except ValueError:
        return None
