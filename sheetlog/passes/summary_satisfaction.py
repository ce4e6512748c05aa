"""The monthly summary's satisfaction figures, from the template's Rating column (1 to 5):
CSAT, the share of rated tickets rated 4 or 5 (a helpdesk's good/bad imports as 5/1, so
this is good ÷ (good + bad)), and the mean rating; over all, per agent, per channel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..model.templates import Template
from .frame import group_labels
from .spread import rounded

SATISFIED = 4
"""The lowest rating that counts as satisfied."""


@dataclass(frozen=True)
class SatisfactionFigures:
    """One group's ratings (``group``: All, an agent or a channel)."""

    group: str
    rated: int
    csat: float | None
    mean_rating: float | None

    def to_dict(self) -> dict[str, Any]:
        """The figures under their names."""
        return vars(self).copy()


@dataclass(frozen=True)
class Satisfaction:
    """The month's ratings; ``unrated``: tickets without one."""

    overall: SatisfactionFigures
    by_agent: list[SatisfactionFigures]
    by_channel: list[SatisfactionFigures]
    unrated: int

    def to_dict(self) -> dict[str, Any]:
        """The ``satisfaction`` part of the summary's JSON document."""
        return {
            "overall": self.overall.to_dict(),
            "by_agent": [figures.to_dict() for figures in self.by_agent],
            "by_channel": [figures.to_dict() for figures in self.by_channel],
            "unrated": self.unrated,
        }


def satisfaction(rows: pd.DataFrame, template: Template) -> Satisfaction | None:
    """The ratings of ``rows`` (the month's with a readable Rating cell; the summary
    leaves the others out and counts them); None when the template has no Rating column."""
    roles = template.roles
    if roles.rating is None:
        return None
    ratings = pd.to_numeric(rows[roles.rating], errors="coerce")
    table = pd.DataFrame(
        {
            "agent": group_labels(rows, roles.agent),
            "channel": group_labels(rows, roles.channel),
            "rating": ratings,
        }
    )
    rated = table[table["rating"].notna()]
    return Satisfaction(
        _figures("All", rated),
        _grouped(rated, "agent"),
        _grouped(rated, "channel"),
        int(table["rating"].isna().sum()),
    )


def _grouped(table: pd.DataFrame, column: str) -> list[SatisfactionFigures]:
    groups = [_figures(str(name), part) for name, part in table.groupby(column, sort=True)]
    return sorted(groups, key=lambda figures: (-figures.rated, figures.group))


def _figures(group: str, table: pd.DataFrame) -> SatisfactionFigures:
    count = len(table)
    if not count:
        return SatisfactionFigures(group, 0, None, None)
    happy = int((table["rating"] >= SATISFIED).sum())
    return SatisfactionFigures(
        group, count, round(happy / count, 3), rounded(table["rating"].mean())
    )
