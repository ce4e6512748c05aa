"""``sheetlog validate``: turn a check of the Log into flags in the sheet, fixes and a report.

The flags live in the sheet where people work: the Validation cell of a bad row
lists its problems (errors first, warnings marked "warning:"), and the cells
with errors are highlighted. What was highlighted before is read back from the
old Validation text (each error starts with its column's name), so a pass only
ever un-highlights cells sheetlog itself marked; people's own colours stay.
A row whose flags would not change is not touched, and a pass that would
change nothing writes nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from ..model.ops import MarkCells, Op, SetCells
from ..model.sheetdata import (
    XLSX_CHARS_PER_CELL,
    CellValue,
    Snapshot,
    Stored,
    Tab,
    cell_length,
    fit_cell,
)
from ..model.templates import Column, Template
from ..model.workbook import LOG_TAB, data_rows
from ..render.text import count
from ..rules.cells import typed_cell
from ..rules.logchecks import ERROR, Counted, LogCheck, LogProblem, check_log

WARNING_PREFIX = "warning: "
NOTE_CHARS = 30_000
"""Longest flag or Audit text validate writes into one cell (``sheetdata.cell_length``):
Excel holds 32,767 characters, Google 50,000. (``queries.SPREADSHEET_CELL_LIMIT`` counts cells.)"""


@dataclass(frozen=True)
class Fix:
    """One cell ``--fix`` rewrote: where, and its old and new value."""

    row: int
    ticket_id: str
    column: str
    old: CellValue
    new: Stored
    old_shown: str

    def change(self) -> str:
        """``Status: "Done" -> "Resolved"``: the column, the old and the new value."""
        new = "(cleared)" if self.new is None else f'"{self.new}"'
        return f"{self.column}: {self.old_shown} -> {new}"

    def describe(self) -> str:
        """``row 4 Status: "Done" -> "Resolved"``, the way the report says it."""
        return f"row {self.row} {self.change()}"


@dataclass
class ValidationReport(Counted):
    """What a validate pass found, fixed and wrote."""

    location: str
    rows_checked: int
    problems: list[LogProblem]
    fixes: list[Fix] = field(default_factory=list)
    flagged: list[int] = field(default_factory=list)
    cleared: list[int] = field(default_factory=list)
    written: bool = False
    strict: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """Errors remain, or warnings do under ``strict``."""
        return self.errors > 0 or (self.strict and self.warnings > 0)

    @property
    def exit_code(self) -> int:
        """0 when the log passes, 1 when it does not."""
        return 1 if self.failed else 0

    def to_json(self) -> dict[str, Any]:
        """The documented JSON form: totals and every problem, nothing else."""
        return {
            "rows_checked": self.rows_checked,
            "errors": self.errors,
            "warnings": self.warnings,
            "problems": [
                {
                    "row": p.row,
                    "ticket_id": p.ticket_id,
                    "column": p.column,
                    "severity": p.severity,
                    "code": p.code,
                    "message": p.message,
                }
                for p in self.problems
            ],
        }


@dataclass
class ValidationPlan:
    """The ops one pass would write (fixes, then flags) and the report it leads to."""

    ops: list[Op]
    report: ValidationReport

    def audit_rows(self) -> str:
        """The sheet rows the pass changes, compactly (``2-4, 9``)."""
        touched = {f.row for f in self.report.fixes}
        touched.update(self.report.flagged, self.report.cleared)
        return _cap(_row_ranges(sorted(touched)))

    def audit_details(self) -> str:
        """The Audit line's details: rows checked, errors, warnings, and each fix."""
        report = self.report
        text = (
            f"checked {count(report.rows_checked, 'row')}: {count(report.errors, 'error')},"
            f" {count(report.warnings, 'warning')}, {count(len(report.fixes), 'fix')};"
            f" flagged {count(len(report.flagged), 'row')}, cleared {len(report.cleared)}"
        )
        rows_by_change: dict[str, list[int]] = {}
        for fixed in report.fixes:  # the same fix on many rows is said once
            rows_by_change.setdefault(fixed.change(), []).append(fixed.row)
        if rows_by_change:
            text += "; fixed " + "; ".join(
                f"{'row' if len(rows) == 1 else 'rows'} {_row_ranges(rows)} {change}"
                for change, rows in rows_by_change.items()
            )
        return _cap(text)


def plan_validation(
    snapshot: Snapshot,
    template: Template,
    now: datetime,
    stale_days: int,
    location: str,
    fix: bool = False,
    flag: bool = True,
    strict: bool = False,
    chars_per_cell: int = XLSX_CHARS_PER_CELL,
) -> ValidationPlan:
    """Check the Log, settle the certain fixes, and plan the flags of what remains; a fix
    longer than a cell of the backend holds (``chars_per_cell``) is left unwritten."""
    check = check_log(snapshot, template, now, stale_days)
    fixes = planned_fixes(check, template, chars_per_cell) if fix else []
    ops: list[Op] = [
        SetCells(LOG_TAB, f.row, check.positions[f.column], ((f.new,),)) for f in fixes
    ]
    if fixes:
        snapshot = with_fixes(snapshot, check.positions, fixes)
        check = check_log(snapshot, template, now, stale_days)
    report = ValidationReport(location, len(check.rows), check.problems, fixes, strict=strict)
    validation = template.roles.validation
    if not flag:
        report.notes.append("--no-flag: nothing was written")
    elif validation not in check.positions:
        report.notes.append(f'flags not written: the Log tab has no "{validation}" column')
    else:
        ops.extend(_flag_ops(check, snapshot.tabs[LOG_TAB], validation, report))
    return ValidationPlan(ops, report)


def planned_fixes(
    check: LogCheck, template: Template, chars_per_cell: int = XLSX_CHARS_PER_CELL
) -> list[Fix]:
    """Every certain fix the check found, for cells of columns the header still has, that
    fits in one cell (tags "a;b" grow into "a, b")."""
    by_row = {row.row: row for row in check.rows}
    fixes = []
    for p in check.problems:
        if p.fix is None or p.column not in check.positions or p.row not in by_row:
            continue
        if isinstance(p.fix, str) and cell_length(p.fix) > chars_per_cell:
            continue
        old = by_row[p.row].raw.get(p.column)
        shown = _quoted(template.by_name[p.column], old)
        new = None if p.fix == "" else p.fix  # "" means: clear the cell
        fixes.append(Fix(p.row, p.ticket_id, p.column, old, new, shown))
    return fixes


def with_fixes(snapshot: Snapshot, positions: dict[str, int], fixes: list[Fix]) -> Snapshot:
    """The snapshot as it will read once ``fixes`` are written, to check again."""
    log = snapshot.tabs[LOG_TAB]
    rows = list(log.rows)
    for f in fixes:
        col = positions[f.column]
        line = list(rows[f.row - 1])
        line.extend([None] * (col + 1 - len(line)))
        line[col] = f.new
        rows[f.row - 1] = line
    return Snapshot({**snapshot.tabs, LOG_TAB: replace(log, rows=rows)})


def flag_text(problems: list[LogProblem]) -> str:
    """The Validation cell of a row: its problems, errors first, warnings marked."""
    ordered = sorted(problems, key=lambda p: p.severity != ERROR)
    parts = [p.message if p.severity == ERROR else WARNING_PREFIX + p.message for p in ordered]
    return _cap("; ".join(parts))


def flagged_columns(text: str, names: list[str]) -> set[str]:
    """The columns a Validation text flags as errors: the ones that start one of its parts."""
    return {name for name in names if text.startswith(f"{name}:") or f"; {name}:" in text}


def _flag_ops(check: LogCheck, tab: Tab, validation: str, report: ValidationReport) -> list[Op]:
    """Rewrite the Validation cells and highlights of the rows whose flags change."""
    col = check.positions[validation]
    names = list(check.positions)
    current = {
        number: cells[col]
        for number, cells in data_rows(tab)
        if col < len(cells) and cells[col] not in (None, "")
    }
    by_row = check.by_row()
    ops: list[Op] = []
    for number in sorted(set(current) | {row for row in by_row if row > 1}):
        problems = by_row.get(number, [])
        wanted = flag_text(problems)
        old = current.get(number)
        if wanted == ("" if old is None else old):
            continue
        ops.append(SetCells(LOG_TAB, number, col, ((wanted or None,),)))
        marked = {
            check.positions[p.column]
            for p in problems
            if p.severity == ERROR and p.column in check.positions
        }
        before = flagged_columns(old, names) if isinstance(old, str) else set()
        unmarked = {check.positions[name] for name in before} - marked
        if marked:
            ops.append(MarkCells(LOG_TAB, number, tuple(sorted(marked)), on=True))
        if unmarked:
            ops.append(MarkCells(LOG_TAB, number, tuple(sorted(unmarked)), on=False))
        (report.flagged if wanted else report.cleared).append(number)
    return ops


def _quoted(column: Column, value: CellValue) -> str:
    """A cell value quoted as a person sees it; a typed cell says what it was typed as."""
    typed = typed_cell(column, value)
    if typed is not None:
        return f'"{typed[0]}" ({typed[1]})'
    return f'"{"" if value is None else value}"'


def _row_ranges(rows: list[int]) -> str:
    """``[2, 3, 4, 9]`` as ``2-4, 9``."""
    spans: list[list[int]] = []
    for row in rows:
        if spans and row == spans[-1][1] + 1:
            spans[-1][1] = row
        else:
            spans.append([row, row])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def _cap(text: str) -> str:
    """Text short enough for one cell in Excel and Google Sheets."""
    return fit_cell(text, NOTE_CHARS)
