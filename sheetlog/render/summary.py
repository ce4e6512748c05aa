"""How a monthly summary reads: titled sections, printed on the terminal here and
written to the tab ``Summary YYYY-MM`` by ``passes.summary_tab``."""

from __future__ import annotations

from dataclasses import dataclass

from ..model.ops import ChartKind
from ..model.sheetdata import Stored
from ..passes.spread import Spread
from ..passes.summary import LogFigures, MonthlySummary
from ..passes.summary_conversations import ConversationFigures, Conversations
from ..passes.summary_satisfaction import Satisfaction
from .table import table_lines

NO_DATA = "no data"


@dataclass(frozen=True)
class Section:
    """One titled table; ``decimals`` are its columns shown with one decimal; a chart of
    it, if any, floats right of the tables in slot ``chart_slot`` (0 at the top);
    ``terse`` tables leave out their rows of 0 on the terminal."""

    title: str
    header: tuple[str, ...]
    rows: list[tuple[Stored, ...]]
    decimals: tuple[int, ...] = ()
    chart: ChartKind | None = None
    chart_slot: int = 0
    terse: bool = False


def sections(summary: MonthlySummary) -> list[Section]:
    """The summary as a manager reads it, top to bottom."""
    return [
        Section(
            "Overview",
            ("Figure", "Value"),
            [
                ("Interactions", summary.interactions),
                ("Open at month end", summary.backlog_open),
                ("Follow-ups overdue at month end", summary.followups_overdue),
                ("Repeat customers", len(summary.repeat_customers)),
                ("Rows left out (malformed values)", summary.excluded_rows),
            ],
        ),
        Section(
            "Time to resolve and handle time",
            ("Measure", "Median", "90th percentile"),
            [
                ("Hours to resolve", *_spread(summary.hours_to_resolve)),
                ("Handle minutes", *_spread(summary.handle_minutes)),
            ],
            decimals=(1, 2),
        ),
        Section(
            "Open at month end, by age",
            ("Age", "Open"),
            list(summary.backlog_by_age.items()),
        ),
        Section("By status", ("Status", "Interactions"), list(summary.by_status.items())),
        Section(
            "By channel",
            ("Channel", "Interactions"),
            list(summary.by_channel.items()),
            chart="column",
            chart_slot=1,
        ),
        Section(
            "By issue type", ("Issue type", "Interactions"), list(summary.by_issue_type.items())
        ),
        Section(
            "By agent",
            ("Agent", "Interactions", "Resolved", "Median hours to resolve"),
            [
                (a.agent, a.interactions, a.resolved, _number(a.median_hours_to_resolve))
                for a in summary.by_agent
            ],
            decimals=(3,),
        ),
        Section("Top tags", ("Tag", "Interactions"), list(summary.top_tags)),
        Section("Repeat customers", ("Customer", "Interactions"), list(summary.repeat_customers)),
        Section(
            "Interactions per day",
            ("Day", "Interactions"),
            list(summary.per_day),
            chart="column",  # a count a day: bars, never a curve between days
            terse=True,
        ),
        *_conversations(summary.conversations),
        *_satisfaction(summary.satisfaction),
        *_by_log(summary.by_log),
    ]


def _by_log(lines: list[LogFigures]) -> list[Section]:
    """A summary of several logs: each one's own headline figures."""
    if not lines:
        return []
    header = (
        "Log",
        "Interactions",
        "Open at month end",
        "Median hours to resolve",
        "Median first response, min",
        "CSAT %",
    )
    rows: list[tuple[Stored, ...]] = [
        (
            line.log,
            line.interactions,
            line.backlog_open,
            _number(line.median_hours_to_resolve),
            _number(line.median_first_response_minutes),
            _percent(line.csat),
        )
        for line in lines
    ]
    return [Section("By log", header, rows, decimals=(3, 4, 5))]


def _satisfaction(found: Satisfaction | None) -> list[Section]:
    """CSAT (rated 4 or 5) and the mean rating, all and per agent and channel."""
    if found is None:
        return []
    header = ("Rated", "CSAT %", "Mean rating")
    rows: list[tuple[Stored, ...]] = [
        (
            f"{kind}{figures.group}",
            figures.rated,
            _percent(figures.csat),
            _number(figures.mean_rating),
        )
        for kind, groups in (
            ("", [found.overall]),
            ("Agent: ", found.by_agent),
            ("Channel: ", found.by_channel),
        )
        for figures in groups
    ]
    rows.append(("Unrated", found.unrated, "", ""))
    return [Section("Satisfaction (Rating 1-5)", ("Group", *header), rows, decimals=(2, 3))]


CONVERSATION_HEADER = (
    "Tickets",
    "First response, median min",
    "90th percentile",
    "Full resolution, median h",
    "90th percentile",
    "One-touch %",
    "Reopened %",
    "Replies per ticket",
)


def _conversations(found: Conversations | None) -> list[Section]:
    """The conversation figures of the tickets with a timeline: all of them and per agent,
    then per channel; the count of tickets without one."""
    if found is None:
        return []
    rows = {"agent": found.by_agent, "channel": found.by_channel}
    made = [
        Section(
            f"Conversations by {what} (tickets with messages; {found.clock} time)",
            (what.capitalize(), *CONVERSATION_HEADER),
            [_conversation_row(figures) for figures in (found.overall, *groups)],
            decimals=(2, 3, 4, 5, 6, 7, 8),
        )
        for what, groups in rows.items()
    ]
    counted_apart = ("Tickets without messages (not in these figures)", found.without_messages)
    made.append(Section("Conversations: counted apart", ("Figure", "Value"), [counted_apart]))
    return made


def _conversation_row(figures: ConversationFigures) -> tuple[Stored, ...]:
    return (
        figures.group,
        figures.tickets,
        *_spread(figures.first_response_minutes),
        *_spread(figures.full_resolution_hours),
        _percent(figures.one_touch_rate),
        _percent(figures.reopen_rate),
        _number(figures.replies_per_ticket),
    )


def _percent(share: float | None) -> Stored:
    return NO_DATA if share is None else round(share * 100, 1)


def heading(summary: MonthlySummary) -> tuple[str, str]:
    """The title line and the line saying where the figures come from."""
    title = f"Support summary: {summary.label} ({summary.timezone})"
    source = f"Contacts started in {summary.label}, from {', '.join(summary.sources)}."
    if summary.excluded_rows:
        source += (
            f" {summary.excluded_rows} rows were left out of some figures (malformed values:"
            ' run "sheetlog validate" to see them).'
        )
    return title, source


def render_text(summary: MonthlySummary) -> str:
    """The summary as terminal text: the heading, then each section as an aligned table."""
    lines = list(heading(summary))
    for section in sections(summary):
        lines += ["", section.title]
        rows = [row for row in section.rows if not (section.terse and row[-1] == 0)]
        if not rows:
            lines.append("  none")
            continue
        table = [section.header, *(tuple(_terminal_text(v) for v in row) for row in rows)]
        numbers = range(1, len(section.header))  # every column but the first is right-aligned
        lines += ["  " + line.rstrip() for line in table_lines(table, right=numbers)]
    return "\n".join(lines)


def _spread(spread: Spread) -> tuple[Stored, Stored]:
    return _number(spread.median), _number(spread.p90)


def _number(value: float | None) -> Stored:
    """A figure for a cell: the number, or words when there is no data."""
    return NO_DATA if value is None else value


def _terminal_text(value: Stored) -> str:
    """A cell as terminal text: one decimal for fractions."""
    if isinstance(value, float):
        return f"{value:.1f}"
    return "" if value is None else str(value)
