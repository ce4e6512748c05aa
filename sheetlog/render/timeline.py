"""How a ticket's timeline reads on a terminal: its events in time order, then its figures."""

from __future__ import annotations

from ..passes.timeline import TicketFigures, Timeline
from .table import table_lines


def render_timeline(timeline: Timeline) -> str:
    """The events, one line each, and the figures below them."""
    where = f"{timeline.row.get('tab')} row {timeline.row.get('row')}"
    lines = [f"{timeline.ticket} ({where})"]
    rows = [
        (event.at.strftime("%Y-%m-%d %H:%M"), event.what, event.who, _one_line(event.text))
        for event in timeline.events
    ]
    lines += [f"  {line}" for line in table_lines(rows)] if rows else ["  (no events)"]
    if timeline.figures is not None:
        lines += [f"Figures ({timeline.clock} time):"]
        lines += [f"  {line}" for line in _figures(timeline.figures)]
    return "\n".join(lines)


def _figures(figures: TicketFigures) -> list[str]:
    one_touch = {True: "yes", False: "no", None: "not closed"}[figures.one_touch]
    return [
        f"first response: {_duration(figures.first_response_minutes)}",
        f"agent replies: {figures.agent_replies}; reopens: {figures.reopens}; "
        f"one-touch: {one_touch}",
        f"full resolution: {_duration(figures.full_resolution_minutes)}",
        f"requester waited: {_duration(figures.requester_wait_minutes)}; "
        f"agents waited on the requester: {_duration(figures.agent_wait_minutes)}",
    ]


def _duration(minutes: float | None) -> str:
    """``1 d 2 h 5 min``; a dash when there is no figure."""
    if minutes is None:
        return "-"
    whole = round(minutes)
    days, rest = divmod(whole, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "", f"{mins} min"]
    return " ".join(part for part in parts if part)


def _one_line(text: str) -> str:
    """A message as one terminal line, cut at 80 characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= 80 else flat[:79] + "…"
