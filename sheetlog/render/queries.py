"""The text that ``find``, ``followups`` and ``status`` print for people."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from ..model.templates import Template
from ..passes.queries import Followups, Found, LogStatus, Row, text_columns
from .text import count

NO_AGENT = "(no agent)"
DETAILS_SHOWN = 100


def _where(row: Row) -> str:
    return f"{row['tab']} row {row['row']}"


def _cell(row: Row, name: str | None) -> str:
    value = row.get(name) if name else None
    return "" if value is None else str(value)


def _headline(row: Row, template: Template) -> str:
    """Ticket, Contact Start, status, agent, customer, and where the row is."""
    roles = template.roles
    parts = [_cell(row, roles.id), _cell(row, roles.opened), _cell(row, roles.status)]
    parts += [_cell(row, roles.agent), _cell(row, roles.customer)]
    return "  ".join(part for part in parts if part) + f"  ({_where(row)})"


def _audit_line(line: dict[str, Any], shorten: bool = False) -> str:
    """When, who, which command, and the details (cut to one screen line if ``shorten``)."""
    details = line["details"]
    if shorten and len(details) > DETAILS_SHOWN:
        details = details[: DETAILS_SHOWN - 1] + "…"
    parts = (line["when"], line["who"], line["command"], details)
    return "  ".join(part for part in parts if part)


def render_find(found: Found) -> str:
    """Each row's headline, its free-text cells, and its history when asked for."""
    rows, template = found.rows, found.template
    if not rows:
        return "No rows match."
    lines = []
    for row in rows:
        lines.append(_headline(row, template))
        lines += [f"    {name}: {row[name]}" for name in text_columns(template) if row.get(name)]
        if "history" in row:
            lines.append(f"    History ({count(len(row['history']), 'Audit line')}):")
            lines += [f"      {_audit_line(line)}" for line in row["history"]]
        if row.get("messages"):
            lines.append(f"    Messages ({count(len(row['messages']), 'line')}):")
            lines += [
                f"      {m['at']}  {m['kind']}  {m['author']}  {m['text']}" for m in row["messages"]
            ]
    tabs = Counter(str(row["tab"]) for row in rows)
    places = ", ".join(f"{tab} {count}" for tab, count in tabs.items())
    lines.append(f"{count(len(rows), 'row')} ({places})")
    return "\n".join(lines)


def render_followups(result: Followups) -> str:
    """Follow-ups grouped by agent, overdue first; a total line at the end."""
    template = result.template
    followup = template.roles.followup
    by_agent: dict[str, list[str]] = defaultdict(list)
    for label, rows in (("OVERDUE", result.overdue), ("due", result.due)):
        for row in rows:
            agent = _cell(row, template.roles.agent) or NO_AGENT
            summary = [_cell(row, template.roles.id), _cell(row, template.roles.customer)]
            by_agent[agent].append(
                f"  {label:<7} {_cell(row, followup)}  {'  '.join(p for p in summary if p)}"
                f"  ({_where(row)})"
            )
    lines = []
    for agent in sorted(by_agent):
        lines += [agent, *by_agent[agent]]
    lines.append(
        f"{len(result.overdue)} overdue, {len(result.due)} due"
        f" {'today' if result.until == result.today else f'by {result.until}'}"
    )
    return "\n".join(lines)


def render_status(status: LogStatus) -> str:
    """The figures, a warning near Google's cell limit, and the last Audit lines."""
    lines = [f"Log: {count(status.log_rows, 'row')}, {status.open} open"]
    ages = ", ".join(f"{bucket} {count}" for bucket, count in status.open_by_age.items())
    lines.append(f"Open by age: {ages}")
    if status.open_unknown_age:
        lines.append(f"  ({status.open_unknown_age} open with no readable Contact Start)")
    if status.archive_tabs:
        lines.append("Archive tabs:")
        lines += [f"  {title}: {count(rows, 'row')}" for title, rows in status.archive_tabs.items()]
    else:
        lines.append("Archive tabs: none")
    lines.append(
        f"Cells: {status.cells_used:,} of Google's {status.cell_limit:,}-cell limit"
        f" ({status.cells_share:.1%})"
    )
    if status.near_limit:
        lines.append(
            "warning: the spreadsheet is past 80% of Google's cell limit;"
            " archive to another spreadsheet (sheetlog archive --archive-to)"
        )
    lines.append("Last changes:")
    lines += [f"  {_audit_line(line, shorten=True)}" for line in status.last_changes] or ["  none"]
    return "\n".join(lines)
