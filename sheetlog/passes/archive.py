"""``sheetlog archive``: move closed, old rows from Log into ``Archive YYYY-MM`` tabs.

A support log is evidence, so the move is built to survive being killed at any
point and people typing, inserting and sorting while it runs:

1. read every tab (one call);
2. stage: copy the chosen rows into a hidden staging tab AND delete them from
   Log only if they are still exactly as read, where they were read
   (``DeleteRowsIfUnchanged``), in one atomic write — a row someone edited or
   moved meanwhile stays in Log, and so does any row identical to one of them;
3. read again to see which staged rows really left Log;
4. finish: append those to their archive tabs, drop the staging tab, and write
   the Audit line, in one atomic write (with ``--archive-to``, two: the other
   workbook's archive tabs first, then this one's staging tab).

A pass killed after step 2 leaves rows only in the staging tab; the next pass
finishes them first (a row already in its archive tab, or back in Log, is not
copied again), so every row ends up exactly once in Log or in one archive tab.
With ``--archive-to``, a pass whose write here failed after the other log's
(a workbook whose save failed) leaves rows in Log that are already archived
there: the next pass takes them out of Log (``landed``) instead of keeping them
as duplicates; both count as ``finished``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..errors import ConfigError
from ..model.ops import AddTab, AppendRows, DeleteRowsIfUnchanged, Op, SetCells, comparable
from ..model.sheetdata import CellValue, Snapshot, Tab
from ..model.templates import Kind, Template
from ..model.workbook import (
    ARCHIVE_PREFIX,
    ID_INDEX_HEADER,
    ID_INDEX_TAB,
    LOG_TAB,
    data_rows,
    id_index_rows,
    row_values,
)
from ..rules.cells import cell_text, parse_date, parse_timestamp
from ..rules.logchecks import LogRow, check_log, header_problem
from .archive_to import kept_elsewhere
from .archive_to import title as elsewhere_title
from .evidence import HASH_COLUMN, chain_head, chain_rows, parse_link
from .provision import new_tab_ops
from .tree import Seal, checkpoint_words

if TYPE_CHECKING:
    from ..model.signed_note import Checkpoint

STAGING_TAB = "_sheetlog_moving"
STAGING_EXTRA = ("Archive Tab", "Pass")
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([hdw]?)\s*$")
_UNIT_HOURS = {"h": 1, "d": 24, "w": 24 * 7, "": 24}


def parse_age(text: str) -> timedelta:
    """``0``, ``36h``, ``30d``, ``2w`` (a bare number is days)."""
    match = _AGE.match(text)
    if not match:
        raise ConfigError(
            f'--older-than "{text}": expected a number of hours, days or weeks, e.g. 36h, 7d, 2w'
        )
    return timedelta(hours=float(match.group(1)) * _UNIT_HOURS[match.group(2)])


@dataclass
class ArchiveResult:
    """What a pass moved, where, and what it kept back."""

    kept_invalid: int = 0
    kept_changed: int = 0
    tabs: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False
    heads: dict[str, str] = field(default_factory=dict)
    finished: int = 0
    """Rows an interrupted pass had already written to their archive tab, which this
    pass took out of Log or the staging tab (``finished_line``)."""
    checkpoint: Checkpoint | None = None
    """The tree's checkpoint after the last write that added leaves."""
    note: str = ""
    """That checkpoint as a note (signed when the log has a key)."""

    @property
    def moved(self) -> int:
        """Rows moved (on a dry run: that would move), over all archive tabs."""
        return sum(self.tabs.values())

    def add(self, found: Finish) -> None:
        """Count in what step 4 of one batch found (``finish_ops``)."""
        for title, count in found.tabs.items():
            self.tabs[title] = self.tabs.get(title, 0) + count
        self.heads.update(found.heads)
        self.kept_changed += found.kept_changed
        self.finished += found.finished

    def to_dict(self) -> dict[str, object]:
        """The ``--format json`` document."""
        return {
            "moved": self.moved,
            "kept_invalid": self.kept_invalid,
            "kept_changed": self.kept_changed,
            "finished": self.finished,
            "tabs": dict(sorted(self.tabs.items())),
        }

    @property
    def finished_line(self) -> str:
        """``finished an interrupted pass: 3 rows`` (empty when there was none)."""
        if not self.finished:
            return ""
        return f"finished an interrupted pass: {self.finished} row{'s' * (self.finished != 1)}"


@dataclass(frozen=True)
class Staged:
    """One row on its way to an archive tab: its Log header values and target tab."""

    values: tuple[CellValue, ...]
    tab: str
    ticket: str
    resolved: str
    row: int = 0
    """The Log row where the read saw it (0: read from the staging tab)."""


@dataclass
class Stage:
    """One staging write: rows to stage, rows an interrupted pass already archived
    (``landed``: only taken out of Log), and ops that go with them (a settings line)."""

    rows: list[Staged]
    landed: list[Staged]
    extra: list[Op]


def archive_tab_for(template: Template, resolved: str) -> str:
    """``Archive YYYY-MM`` by the month Resolved At falls in, in the log's timezone."""
    return f"{ARCHIVE_PREFIX}{_resolved_moment(template, resolved).astimezone(template.tz):%Y-%m}"


def _resolved_moment(template: Template, value: str) -> datetime:
    column = template.by_name[template.roles.resolved]
    if column.kind is Kind.DATE:
        day = parse_date(value)
        return datetime(day.year, day.month, day.day, tzinfo=template.tz)
    return parse_timestamp(value)


def choose(
    snapshot: Snapshot,
    template: Template,
    now: datetime,
    older_than: timedelta,
    landed: Collection[int] = (),
) -> tuple[list[Staged], int]:
    """Rows to move (closed, resolved before the cutoff, no errors); how many kept as invalid.
    ``landed``: sheet rows an interrupted pass already archived (``landed``), left out."""
    check = check_log(snapshot, template, now)
    trouble = header_problem(template, check.header)
    if trouble:
        raise ConfigError(f"Log header: {trouble} (run sheetlog validate); nothing was archived")
    cutoff = now - older_than
    bad_rows = check.rows_with_errors()
    chosen: list[Staged] = []
    kept_invalid = 0
    for row in check.rows:
        if row.row in landed or not _is_due(template, row, cutoff):
            continue
        if row.row in bad_rows:
            kept_invalid += 1
            continue
        resolved = str(row.values[template.roles.resolved])
        values = tuple(row.raw.get(name) for name in check.header)
        ticket = str(row.values[template.roles.id])
        target = archive_tab_for(template, resolved)
        chosen.append(Staged(values, target, ticket, resolved, row.row))
    return chosen, kept_invalid


def located(snapshot: Snapshot, rows: list[Staged]) -> list[Staged]:
    """``rows`` with the Log rows where ``snapshot`` holds them now (a batch after the
    first one moved); rows no longer there as they were are left out."""
    tab = snapshot.tabs[LOG_TAB]
    header = tab.header
    where: dict[tuple[CellValue, ...], list[int]] = defaultdict(list)
    for number, cells in data_rows(tab):
        values = tuple(row_values(header, cells).get(name) for name in header)
        where[comparable(values)].append(number)
    found = []
    for row in rows:
        places = where.get(comparable(row.values))
        if places:
            found.append(replace(row, row=places.pop(0)))
    return found


def _is_due(template: Template, row: LogRow, cutoff: datetime) -> bool:
    """Closed and resolved before the cutoff; a closed row whose Resolved At is missing or
    unreadable counts too (it has errors, so it is kept back and counted, not moved)."""
    if not template.is_closed(row.values.get(template.roles.status)):
        return False
    resolved = row.values.get(template.roles.resolved)
    return not isinstance(resolved, str) or _resolved_moment(template, resolved) < cutoff


def stage_ops(
    header: list[str],
    rows: list[Staged],
    pass_id: str,
    staging: Tab | None,
    log: Tab,
    landed: Sequence[Staged] = (),
) -> list[Op]:
    """Step 2: copy to the staging tab (``staging`` as read, None: none yet) and delete
    from Log (``log`` as read: rows are deleted where it saw them) if unchanged, together;
    ``landed`` rows (already in their archive tab) are only deleted."""
    ops: list[Op] = []
    if staging is None and rows:
        ops.append(AddTab(STAGING_TAB, (*header, *STAGING_EXTRA), hidden=True))
    width = len(header)
    staged = tuple((*_padded(r.values, width), r.tab, pass_id) for r in rows)
    # delete first: in one atomic write the order changes nothing but the peak memory of
    # a local workbook, which never holds the moving rows twice
    going = [*rows, *landed]
    at = tuple(r.row for r in going)
    values = tuple(r.values for r in going)
    ops.append(DeleteRowsIfUnchanged(LOG_TAB, values, at, len(log.rows)))
    if rows:
        ops.append(AppendRows(STAGING_TAB, staged, after=last_row(staging)))
    return ops


def landed(snapshot: Snapshot, template: Template, theirs: Snapshot) -> list[Staged]:
    """Log rows that an archive tab of another log (``theirs``: those tabs read whole,
    elsewhere-titled) holds already, cell for cell but the Validation flags: rows of a
    ``--archive-to`` pass whose last write, on the live log, did not land. They are
    taken out of Log (not archived twice); a row edited since stays, a duplicate."""
    log = snapshot.tabs[LOG_TAB]
    header = log.header
    id_column, flags = template.roles.id, template.roles.validation
    compared = [name for name in header if name and name != flags]
    archived: dict[str, list[tuple[str, tuple[CellValue, ...]]]] = defaultdict(list)
    for tab in theirs.tabs.values():
        if id_column not in tab.header:
            continue
        for _, cells in data_rows(tab):
            kept = row_values(tab.header, cells)
            entry = (tab.title, comparable(tuple(kept.get(name) for name in compared)))
            archived[cell_text(kept.get(id_column))].append(entry)
    rows = [(number, row_values(header, cells)) for number, cells in data_rows(log)]
    counts = Counter(cell_text(raw.get(id_column)) for _, raw in rows)
    found = []
    for number, raw in rows:
        ticket = cell_text(raw.get(id_column))
        if not ticket or counts[ticket] != 1:
            continue
        mine = comparable(tuple(raw.get(name) for name in compared))
        for title, theirs_values in archived.get(ticket, []):
            if theirs_values == mine:
                values = tuple(raw.get(name) for name in header)
                resolved = cell_text(raw.get(template.roles.resolved))
                found.append(Staged(values, title, ticket, resolved, number))
                break
    return found


def archived_again(snapshot: Snapshot, template: Template) -> dict[str, list[str]]:
    """The archive tabs of other logs (by location, their titles there) whose Ticket IDs
    (read narrowed) include one Log holds: where ``landed`` rows can be."""
    in_log = tickets_in(snapshot.tab(LOG_TAB), template.roles.id)
    found: dict[str, list[str]] = defaultdict(list)
    for location, titles in kept_elsewhere(snapshot).items():
        for own in titles:
            tab = snapshot.tabs[elsewhere_title(own, location)]
            if tickets_in(tab, template.roles.id) & in_log:
                found[location].append(own)
    return dict(found)


def tickets_elsewhere(snapshot: Snapshot, template: Template) -> set[str]:
    """The Ticket IDs the archive tabs of other logs hold (as ``snapshot`` read them)."""
    return {
        ticket
        for tab in snapshot.tabs.values()
        if tab.elsewhere
        for ticket in tickets_in(tab, template.roles.id)
    }


def last_row(tab: Tab | None) -> int:
    """The last sheet row with content of a tab as read (1, its header, for a new tab)."""
    return max(len(tab.rows), 1) if tab is not None else 1


def _padded(values: tuple[CellValue, ...], width: int) -> tuple[CellValue, ...]:
    return values + (None,) * (width - len(values))


def staged_rows(snapshot: Snapshot, template: Template) -> list[Staged]:
    """Rows waiting in the staging tab (from this pass, or one that was interrupted)."""
    tab = snapshot.tab(STAGING_TAB)
    if tab is None:
        return []
    header = tab.header
    width = len(header) - len(STAGING_EXTRA)
    id_at = header.index(template.roles.id)
    resolved_at = header.index(template.roles.resolved)
    found = []
    for _, cells in data_rows(tab):
        values = _padded(tuple(cells), len(header))
        found.append(
            Staged(
                values[:width],
                str(values[width]),
                cell_text(values[id_at]),
                cell_text(values[resolved_at]),
            )
        )
    return found


def staged_passes(snapshot: Snapshot) -> set[str]:
    """Pass ids present in the staging tab: the receipt of a staging write."""
    tab = snapshot.tab(STAGING_TAB)
    if tab is None:
        return set()
    at = len(tab.header) - 1
    return {str(cells[at]) for _, cells in data_rows(tab) if len(cells) > at}


def tickets_in(tab: Tab | None, id_column: str) -> set[str]:
    """Every Ticket ID in a tab."""
    if tab is None or id_column not in tab.header:
        return set()
    at = tab.header.index(id_column)
    return {
        cell_text(cells[at])
        for _, cells in data_rows(tab)
        if at < len(cells) and cells[at] not in (None, "")
    }


@dataclass
class Finish:
    """What step 4 of one batch found: its ops, the rows each archive tab gets and the
    tab's new chain head, and how many staged rows it kept back or found already done."""

    ops: list[Op] = field(default_factory=list)
    tabs: dict[str, int] = field(default_factory=dict)
    heads: dict[str, str] = field(default_factory=dict)
    kept_changed: int = 0
    finished: int = 0


def finish_ops(
    snapshot: Snapshot,
    destination: Snapshot,
    template: Template,
    staged: list[Staged],
    done: Collection[str] = (),
    seal: Seal | None = None,
) -> Finish:
    """Step 4: the ops that append staged rows that left Log to their archive tabs in
    ``destination`` (this workbook's snapshot, or the one given by ``--archive-to``).
    A staged row already in its archive tab, or in ``done`` (Ticket IDs another log this
    one archives to holds), was archived by an interrupted pass: it counts as finished.
    ``seal`` (the destination's tree) takes the appended rows as leaves."""
    found = Finish()
    in_log = tickets_in(snapshot.tab(LOG_TAB), template.roles.id)
    log_header = snapshot.tabs[LOG_TAB].header
    staging_header = list(snapshot.tabs[STAGING_TAB].header[: -len(STAGING_EXTRA)])
    archived: dict[str, set[str]] = {}
    by_tab: dict[str, list[Staged]] = defaultdict(list)
    latest = {row.ticket: row for row in staged}  # a ticket staged twice: the newer copy wins
    for row in latest.values():
        if row.tab not in archived:
            archived[row.tab] = tickets_in(destination.tab(row.tab), template.roles.id)
        if row.ticket in in_log:
            found.kept_changed += 1
        elif row.ticket in archived[row.tab] or row.ticket in done:
            found.finished += 1
        else:
            by_tab[row.tab].append(row)
    index: list[tuple[str, int, str]] = []  # the archived Ticket IDs, for validate
    for title in sorted(by_tab):
        rows = sorted(by_tab[title], key=lambda r: _resolved_moment(template, r.resolved))
        existing = destination.tab(title)
        header = existing.header if existing is not None else [*log_header, HASH_COLUMN]
        if existing is None:
            found.ops.extend(new_tab_ops(template, title, header))
        missing = [n for n in (*staging_header, HASH_COLUMN) if n and n not in header]
        if missing:
            found.ops.append(SetCells(title, 1, len(header), (tuple(missing),), bold=True))
            header = header + missing
        ordered = [_reorder(r.values, staging_header, header) for r in rows]
        head = chain_head(existing) if existing is not None else None
        chained = chain_rows(template, header, ordered, head)
        found.ops.append(AppendRows(title, tuple(chained), after=last_row(existing)))
        if seal is not None:
            seal.add_rows(template, title, header, chained)
        at = header.index(template.roles.id)
        ids = [str(row[at]) if at < len(row) and row[at] is not None else "" for row in chained]
        index += id_index_rows(title, last_row(existing) + 1, ids)
        found.heads[title] = str(parse_link(chained[-1][header.index(HASH_COLUMN)]))
        found.tabs[title] = len(rows)
    if index:
        if not destination.exists(ID_INDEX_TAB):
            found.ops.append(AddTab(ID_INDEX_TAB, ID_INDEX_HEADER, hidden=True))
        found.ops.append(AppendRows(ID_INDEX_TAB, tuple(index)))
    return found


def _reorder(
    values: tuple[CellValue, ...], source: list[str], target: list[str]
) -> tuple[CellValue, ...]:
    """Values of a row under ``source`` header, rearranged for the ``target`` header."""
    by_name = dict(zip(source, values, strict=False))
    return tuple(by_name.get(name) for name in target)


def describe(result: ArchiveResult) -> str:
    """The Audit details of a pass."""
    parts = [f"moved {result.moved} rows"]
    parts += [f"{count} to {tab}" for tab, count in sorted(result.tabs.items())]
    if result.finished:
        parts.append(result.finished_line)
    if result.kept_invalid:
        parts.append(f"kept {result.kept_invalid} with validation errors")
    if result.kept_changed:
        parts.append(f"kept {result.kept_changed} changed during the pass")
    parts += [f"chain head {tab}: {head}" for tab, head in sorted(result.heads.items())]
    if result.note:
        parts.append(checkpoint_words(result.note))
    return "; ".join(parts)


def count_targets(rows: list[Staged]) -> dict[str, int]:
    """How many rows go to each archive tab (for --dry-run)."""
    return dict(Counter(r.tab for r in rows))
