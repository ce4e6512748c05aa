"""The monthly summary's conversation figures: for the month's tickets that have a
timeline, first response and full resolution (median and 90th percentile), one-touch
and reopen rates and replies per ticket, over all of them, per agent and per channel.
Tickets without messages keep the summary's other figures and are counted apart.

Each ticket's figures are ``passes.timeline.ticket_figures`` (the README's
"Conversations" table); rates are shares of the tickets they can apply to: one-touch
of the closed ones, reopens of all."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from ..model.messages import Message
from ..model.templates import Template
from ..rules.cells import ticket_key, timestamp_or_none
from .clock import clock_name
from .frame import group_labels
from .spread import Spread, rounded
from .timeline import ticket_figures

ALL = "All"


@dataclass(frozen=True)
class ConversationFigures:
    """One group's figures (``group``: All, an agent or a channel)."""

    group: str
    tickets: int
    first_response_minutes: Spread
    full_resolution_hours: Spread
    one_touch_rate: float | None
    reopen_rate: float | None
    replies_per_ticket: float | None

    def to_dict(self) -> dict[str, Any]:
        """The figures under their names, spreads as ``{"median", "p90"}``."""
        return {
            "group": self.group,
            "tickets": self.tickets,
            "first_response_minutes": vars(self.first_response_minutes),
            "full_resolution_hours": vars(self.full_resolution_hours),
            "one_touch_rate": self.one_touch_rate,
            "reopen_rate": self.reopen_rate,
            "replies_per_ticket": self.replies_per_ticket,
        }


@dataclass(frozen=True)
class Conversations:
    """The month's conversation figures; ``without_messages``: tickets counted apart."""

    overall: ConversationFigures
    by_agent: list[ConversationFigures]
    by_channel: list[ConversationFigures]
    without_messages: int
    clock: str = "calendar"
    """What the time figures count (``passes.clock.clock_name``)."""

    def to_dict(self) -> dict[str, Any]:
        """The ``conversations`` part of the summary's JSON document."""
        return {
            "overall": self.overall.to_dict(),
            "by_agent": [figures.to_dict() for figures in self.by_agent],
            "by_channel": [figures.to_dict() for figures in self.by_channel],
            "without_messages": self.without_messages,
            "clock": self.clock,
        }


def conversations(
    rows: pd.DataFrame, template: Template, messages: list[Message], now: datetime
) -> Conversations:
    """The figures of the tickets in ``rows`` (the month's, as ``log_frame`` reads them)
    that have timeline lines among ``messages``."""
    roles = template.roles
    timeline: dict[str, list[Message]] = defaultdict(list)
    for message in sorted(messages, key=lambda m: m.at):
        timeline[ticket_key(message.ticket)].append(message)
    per_ticket = []
    without = 0
    agents, channels = group_labels(rows, roles.agent), group_labels(rows, roles.channel)
    for index, row in rows.iterrows():
        lines = timeline.get(ticket_key(row[roles.id]), [])
        if not lines:
            without += 1
            continue
        figures = ticket_figures(
            template,
            timestamp_or_none(row[roles.opened]),
            row[roles.status],
            timestamp_or_none(row[roles.resolved]),
            lines,
            now,
        )
        per_ticket.append(
            {
                "agent": agents.at[index],
                "channel": channels.at[index],
                "first": figures.first_response_minutes,
                "resolution": (
                    None
                    if figures.full_resolution_minutes is None
                    else figures.full_resolution_minutes / 60
                ),
                "one_touch": figures.one_touch,
                "reopened": figures.reopens > 0,
                "replies": figures.agent_replies,
            }
        )
    table = pd.DataFrame(
        per_ticket,
        columns=["agent", "channel", "first", "resolution", "one_touch", "reopened", "replies"],
    )
    return Conversations(
        _figures(ALL, table),
        _grouped(table, "agent"),
        _grouped(table, "channel"),
        without,
        clock_name(template),
    )


def _grouped(table: pd.DataFrame, column: str) -> list[ConversationFigures]:
    """One group's figures per value of ``column``: most tickets first, then by name."""
    groups = [_figures(str(name), part) for name, part in table.groupby(column, sort=True)]
    return sorted(groups, key=lambda figures: (-figures.tickets, figures.group))


def _figures(group: str, table: pd.DataFrame) -> ConversationFigures:
    closed = table["one_touch"].dropna()
    return ConversationFigures(
        group,
        len(table),
        Spread.of(table["first"].astype(float)),
        Spread.of(table["resolution"].astype(float)),
        _share(closed.astype(bool).sum(), len(closed)),
        _share(table["reopened"].astype(bool).sum(), len(table)),
        rounded(table["replies"].mean()) if len(table) else None,
    )


def _share(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` as a fraction to three places; None of nothing."""
    return round(int(part) / whole, 3) if whole else None
