"""Every check of the Log against its template, for ``validate`` and ``archive``.

Row-level rules come from the template's row model (``rows.py``); this module
adds what needs the whole log: the header, Ticket IDs unique across Log and
the archive tabs, and the warnings that depend on today's date.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..model.sheetdata import CellValue, Snapshot, Stored, Tab
from ..model.templates import Kind, Template
from ..model.workbook import LOG_TAB, archive_tabs, data_rows, row_values
from .cells import cell_text, local_day, parse_timestamp, ticket_key
from .rows import CheckedRow, row_model

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class LogProblem:
    """One problem at one sheet row (row 1 is the header)."""

    row: int
    ticket_id: str
    column: str
    severity: str
    code: str
    message: str
    fix: Stored | None = None


@dataclass
class LogRow:
    """A Log row as read: its sheet row, raw cells by column, and its check."""

    row: int
    raw: dict[str, CellValue]
    checked: CheckedRow

    @property
    def values(self) -> dict[str, Stored]:
        """Canonical values (None where empty or invalid)."""
        return self.checked.values


class Counted:
    """Error and warning totals of a ``problems`` list, for LogCheck and the validate report."""

    problems: list[LogProblem]

    @property
    def errors(self) -> int:
        """How many error-severity problems."""
        return tally(self.problems, ERROR)

    @property
    def warnings(self) -> int:
        """How many warnings."""
        return tally(self.problems, WARNING)


@dataclass
class LogCheck(Counted):
    """The result of checking the Log: rows by sheet row, and every problem found."""

    header: list[str]
    positions: dict[str, int]
    rows: list[LogRow]
    problems: list[LogProblem] = field(default_factory=list)

    def by_row(self) -> dict[int, list[LogProblem]]:
        """Problems grouped by sheet row."""
        grouped: dict[int, list[LogProblem]] = defaultdict(list)
        for problem in self.problems:
            grouped[problem.row].append(problem)
        return grouped

    def rows_with_errors(self) -> set[int]:
        """Sheet rows that have at least one error."""
        return {p.row for p in self.problems if p.severity == ERROR}


def tally(problems: list[LogProblem], severity: str) -> int:
    """How many of ``problems`` have ``severity``."""
    return sum(p.severity == severity for p in problems)


def header_problem(template: Template, header: list[str]) -> str | None:
    """One sentence for a header that no longer matches the template, or None."""
    present = [name for name in header if name]
    missing = [name for name in template.header if name not in present]
    if missing:
        unknown = [name for name in present if name not in template.by_name]
        renamed = f" (renamed to {', '.join(repr(u) for u in unknown)}?)" if unknown else ""
        return f"the header lacks {', '.join(repr(m) for m in missing)}{renamed}; restore it"
    order = [name for name in header if name in template.by_name]
    if order != list(template.header):
        return "the template's columns were moved; put them back in the template's order"
    return None


def check_log(
    snapshot: Snapshot, template: Template, now: datetime, stale_days: int = 14
) -> LogCheck:
    """Check every Log row; ``now`` (aware) decides the date-dependent warnings."""
    tab = snapshot.tabs[LOG_TAB]
    header = tab.header
    model = row_model(template)
    result = LogCheck(header, {name: i for i, name in enumerate(header) if name}, [])
    trouble = header_problem(template, header)
    if trouble:
        result.problems.append(LogProblem(1, "", "", ERROR, "header", f"Log header: {trouble}"))
    id_column = template.roles.id
    for number, cells in data_rows(tab):
        raw = row_values(header, cells)
        if not _has_data(raw, template.roles.validation):
            continue  # only an old flag is left on an emptied row: not a row to check
        checked = model.check(raw)
        result.rows.append(LogRow(number, raw, checked))
        ticket = str(checked.values.get(id_column) or cell_text(raw.get(id_column)))
        for problem in checked.problems:
            if problem.column and problem.column not in result.positions:
                continue  # the header problem already says so, once
            result.problems.append(
                LogProblem(
                    number,
                    ticket,
                    problem.column,
                    problem.severity,
                    problem.code,
                    problem.message,
                    problem.fix,
                )
            )
        result.problems.extend(_warnings(template, number, ticket, checked, now, stale_days))
    if tab.merged:
        result.problems.append(
            LogProblem(
                1,
                "",
                "",
                WARNING,
                "merged_cells",
                f"Log has merged cells ({', '.join(tab.merged)}): sheetlog reads one value a"
                " cell, and archive moves no rows while cells below the header are merged;"
                " unmerge them",
            )
        )
    result.problems.extend(_duplicate_ids(template, result.rows, archive_tabs(snapshot)))
    result.problems.sort(key=lambda p: (p.row, p.severity != ERROR))
    return result


def _duplicate_ids(template: Template, rows: list[LogRow], archives: list[Tab]) -> list[LogProblem]:
    """Ticket IDs used by more than one row of Log and the archive tabs; ids that differ
    only in case or width (``ticket_key``) are one ticket."""
    column = template.roles.id
    places: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        ticket = row.values.get(column)
        if ticket:
            places[ticket_key(ticket)].append(f"row {row.row}")
    for tab in archives:
        position = tab.header.index(column) if column in tab.header else 0
        for number, cells in data_rows(tab):
            key = ticket_key(cells[position] if position < len(cells) else None)
            if key:
                places[key].append(f'"{tab.title}" row {number}')
    found = []
    for row in rows:
        ticket = row.values.get(column)
        if ticket and len(places[ticket_key(ticket)]) > 1:
            here = f"row {row.row}"
            others = ", ".join(p for p in places[ticket_key(ticket)] if p != here)
            found.append(
                LogProblem(
                    row.row,
                    str(ticket),
                    column,
                    ERROR,
                    "duplicate_id",
                    f'{column}: "{ticket}" is also used in {others}',
                )
            )
    return found


def _warnings(
    template: Template,
    number: int,
    ticket: str,
    checked: CheckedRow,
    now: datetime,
    stale_days: int,
) -> list[LogProblem]:
    """Follow-up date passed on an open ticket; open too long; closed without an end time."""
    values = checked.values
    closed = template.is_closed(values.get(template.roles.status))
    found = []
    followup = template.column("followup")
    if followup and not closed and isinstance(values.get(followup.name), str):
        due = local_day(values[followup.name], followup.kind, template)
        if due is not None and due < now.astimezone(template.tz).date():
            found.append(
                LogProblem(
                    number,
                    ticket,
                    followup.name,
                    WARNING,
                    "followup_overdue",
                    f"{followup.name}: {values[followup.name]} has passed and the ticket is open",
                )
            )
    opened = values.get(template.roles.opened)
    if not closed and isinstance(opened, str):
        age = now - parse_timestamp(opened)
        if age > timedelta(days=stale_days):
            found.append(
                LogProblem(
                    number,
                    ticket,
                    template.roles.status,
                    WARNING,
                    "stale",
                    # No day count: the flag must read the same tomorrow, or every
                    # nightly pass would rewrite it.
                    f"{template.roles.status}: open since"
                    f" {local_day(opened, Kind.TIMESTAMP, template)}"
                    f" (more than {stale_days} days)",
                )
            )
    ended = template.column("ended")
    if (
        closed
        and ended
        and values.get(ended.name) is None
        and not _has_problem(checked, ended.name)
    ):
        found.append(
            LogProblem(
                number,
                ticket,
                ended.name,
                WARNING,
                "no_contact_end",
                f"{ended.name} is empty on a closed ticket",
            )
        )
    return found


def _has_data(raw: dict[str, CellValue], validation: str) -> bool:
    """Whether a row holds anything besides its Validation cell."""
    return any(
        value is not None and str(value).strip() != ""
        for name, value in raw.items()
        if name != validation
    )


def _has_problem(checked: CheckedRow, column: str) -> bool:
    return any(p.column == column for p in checked.problems)
