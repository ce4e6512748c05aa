"""Recording entries: the rows and ops behind ``append``, ``update`` and ``import``.

Pure functions from a snapshot to what to write. Every value goes through the
template's row model (``RowModel.validate_input``), so a row written here is
already canonical and the nightly ``validate`` has nothing to say about it.
Ticket IDs are random rather than max+1, so two machines appending at once
never pick the same one; new rows go in with ``AppendRows``, which lands below
the last row that has any content, from column A.
"""

from __future__ import annotations

import difflib
import secrets
from collections import ChainMap
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..errors import ConfigError, InvalidInput, InvalidRow, InvalidValue, NotFoundError
from ..model.ops import AppendRows, Op, SetCells
from ..model.sheetdata import XLSX_CHARS_PER_CELL, CellValue, Snapshot, Stored, Tab, cell_length
from ..model.templates import Kind, Template
from ..model.workbook import LOG_TAB, archive_tabs, data_rows, row_values
from ..rules.cells import (
    cell_text,
    column_normalizer,
    format_timestamp,
    same_stored,
    ticket_key,
)
from ..rules.rows import row_model

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ID_RANDOM_CHARS = 5

Row = tuple[Stored, ...]


@dataclass(frozen=True)
class Record:
    """One entry given to import: where it came from (line or item number) and its values.

    ``problem`` is set when the entry could not even be read as a row (e.g. extra CSV fields).
    """

    line: int
    values: Mapping[str, CellValue]
    unit: str = "line"
    problem: InvalidValue | None = None

    @property
    def where(self) -> str:
        """ "line 12" or "item 3", as reports show it."""
        return f"{self.unit} {self.line}"


@dataclass(frozen=True)
class Rejected:
    """An import entry that was not written, and every reason why."""

    where: str
    problems: tuple[InvalidValue, ...]


@dataclass(frozen=True)
class Change:
    """One cell an update changed: the value it held and the value it holds now."""

    column: str
    old: CellValue
    new: Stored


@dataclass
class UpdatePlan:
    """What ``update`` writes: the row found, its values after the update, and the cells."""

    ticket: str
    row: int
    values: dict[str, Stored]
    changes: list[Change]
    ops: list[Op]


@dataclass
class ImportPlan:
    """The entries of an import sorted into rows to add, skipped ones and rejected ones."""

    rows: list[dict[str, Stored]] = field(default_factory=list)
    sheet_rows: list[Row] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (where, ticket)
    rejected: list[Rejected] = field(default_factory=list)


# --- ticket ids ---------------------------------------------------------------------------


def new_ticket_id(template: Template, taken: Container[str], now: datetime) -> str:
    """``{prefix}{UTC yymmdd}-{5 random Crockford base32}``, drawn again while it is taken
    (``taken`` holds the ``ticket_key`` of every id in use, or the ids themselves)."""
    day = now.astimezone(UTC).strftime("%y%m%d")
    while True:
        tail = "".join(secrets.choice(CROCKFORD) for _ in range(ID_RANDOM_CHARS))
        ticket = f"{template.id_prefix}{day}-{tail}"
        if ticket_key(ticket) not in taken and ticket not in taken:
            return ticket


def known_tickets(snapshot: Snapshot, template: Template) -> dict[str, str]:
    """Every Ticket ID of Log and the archive tabs, by ``ticket_key`` (case and width
    folded), with where it first is ("Log row 5")."""
    found: dict[str, str] = {}
    for tab in (snapshot.tabs[LOG_TAB], *archive_tabs(snapshot)):
        for number, ticket in _id_rows(tab, template):
            found.setdefault(ticket_key(ticket), f'"{tab.title}" row {number}')
    return found


def _id_rows(tab: Tab, template: Template) -> list[tuple[int, str]]:
    """(sheet row, Ticket ID) of every row of ``tab`` that has one."""
    header = tab.header
    if template.roles.id not in header:
        return []
    position = header.index(template.roles.id)
    found = []
    for number, cells in data_rows(tab):
        ticket = cell_text(cells[position] if position < len(cells) else None)
        if ticket:
            found.append((number, ticket))
    return found


# --- rows ---------------------------------------------------------------------------------


def log_header(snapshot: Snapshot, template: Template) -> list[str]:
    """The Log's header; refuses to write rows while a template column is missing from it."""
    header = snapshot.tabs[LOG_TAB].header
    missing = [name for name in template.header if name not in header]
    if missing:
        raise ConfigError(
            f'the Log header lacks {", ".join(missing)}; restore it or run "sheetlog init"'
        )
    return header


def sheet_row(header: Sequence[str], values: Mapping[str, Stored]) -> Row:
    """A row in the Log's own column order, trailing empty cells dropped."""
    row = [values.get(name) if name else None for name in header]
    while row and row[-1] is None:
        row.pop()
    return tuple(row)


def too_long(values: Mapping[str, Stored], names: Iterable[str], limit: int) -> list[InvalidValue]:
    """The problems of the ``names`` of ``values`` longer than one cell holds (``limit``,
    counted as ``cell_length``): the column, a start of the value, its length, the limit."""
    found = []
    for name in names:
        value = values.get(name)
        # cell_length is at most twice len: shorter strings cannot be over
        if isinstance(value, str) and 2 * len(value) > limit and cell_length(value) > limit:
            length = cell_length(value)
            hint = f"{length:,} characters; a cell holds at most {limit:,}"
            found.append(InvalidValue(name, value[:20] + "…", "text that fits in one cell", hint))
    return found


def _refuse(problems: list[InvalidValue]) -> None:
    """Raise the one problem, or every problem of the row together."""
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise InvalidRow(problems)


def _blank(value: CellValue) -> bool:
    """An empty cell, or one holding only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


class Entries:
    """Turns user input into canonical rows for one snapshot: defaults, new ids, checks."""

    def __init__(self, template: Template, taken: Container[str], now: datetime) -> None:
        self.template = template
        self.model = row_model(template)
        self.taken = taken
        self.now = now

    def make(self, raw: Mapping[str, CellValue], stamp_now: bool) -> tuple[dict[str, Stored], bool]:
        """The canonical row for ``raw`` and whether its Ticket ID was generated.

        Blank Ticket ID and Status get a new id and the first status; with
        ``stamp_now`` (append) a blank Contact Start, and Resolved At of a closed
        ticket, are now. Raises InvalidRow/InvalidValue when the row does not fit.
        """
        roles = self.template.roles
        given: dict[str, CellValue] = {}
        for key, value in raw.items():
            name = self.model.column_name(key)
            if name is not None and not _blank(value):
                given[name] = value
        if roles.validation in given:
            raise InvalidValue(
                roles.validation,
                given[roles.validation],
                "left empty",
                "sheetlog validate writes it",
            )
        defaults: dict[str, CellValue] = {}
        if roles.id not in given:
            defaults[roles.id] = new_ticket_id(self.template, self.taken, self.now)
        if roles.status not in given:
            defaults[roles.status] = self.template.by_name[roles.status].choices[0]
        if stamp_now and roles.opened not in given:
            defaults[roles.opened] = self.now_value(roles.opened)
        if stamp_now and roles.resolved not in given and self.closes(given.get(roles.status)):
            defaults[roles.resolved] = self.now_value(roles.resolved)
        kept = {k: v for k, v in raw.items() if self.model.column_name(k) not in defaults}
        return self.model.validate_input({**kept, **defaults}), roles.id in defaults

    def closes(self, status: CellValue) -> bool:
        """Whether a status as given (any spelling the template accepts) closes a ticket."""
        column = self.template.by_name[self.template.roles.status]
        try:
            return self.template.is_closed(column_normalizer(column).normalize(status, None))
        except InvalidValue:
            return False  # validate_input reports it

    def now_value(self, name: str) -> str:
        """Now, as column ``name`` stores it (a timestamp, or a date in the template's zone)."""
        if self.template.by_name[name].kind is Kind.DATE:
            return self.now.astimezone(self.template.tz).date().isoformat()
        return format_timestamp(self.now)


# --- append -------------------------------------------------------------------------------


def names_ticket(template: Template, raw: Mapping[str, CellValue]) -> bool:
    """Whether ``raw`` brings its own Ticket ID (a new one is drawn otherwise)."""
    model = row_model(template)
    return any(
        model.column_name(key) == template.roles.id and cell_text(value)
        for key, value in raw.items()
    )


def plan_append(
    snapshot: Snapshot,
    template: Template,
    raw: Mapping[str, CellValue],
    now: datetime,
    chars_per_cell: int = XLSX_CHARS_PER_CELL,
) -> tuple[dict[str, Stored], AppendRows]:
    """The canonical row for ``raw`` and the op that adds it below the last row of Log;
    a value longer than a cell of the backend holds (``chars_per_cell``) is refused."""
    header = log_header(snapshot, template)
    taken = known_tickets(snapshot, template)
    values, _ = Entries(template, taken, now).make(raw, stamp_now=True)
    _refuse(too_long(values, values, chars_per_cell))
    ticket = str(values[template.roles.id])
    if ticket_key(ticket) in taken:
        where = taken[ticket_key(ticket)]
        raise InvalidValue(
            template.roles.id, ticket, "a Ticket ID not used yet", f"it is on {where}"
        )
    after = len(snapshot.tabs[LOG_TAB].rows)  # the last row with content, as read
    return values, AppendRows(LOG_TAB, (sheet_row(header, values),), after=after)


# --- update -------------------------------------------------------------------------------


def find_ticket(snapshot: Snapshot, template: Template, ticket: str) -> tuple[int, list[CellValue]]:
    """The sheet row and cells of ``ticket`` (any case or width) in Log; NotFoundError when
    it is not there."""
    log_tab = snapshot.tabs[LOG_TAB]
    key = ticket_key(ticket)
    rows = [number for number, found in _id_rows(log_tab, template) if ticket_key(found) == key]
    if len(rows) > 1:
        listed = ", ".join(str(r) for r in rows)
        raise InvalidInput(
            f'{template.roles.id} "{ticket}" is on rows {listed} of Log; make it unique first'
            ' ("sheetlog validate" lists duplicates)'
        )
    if not rows:
        archived = [
            tab.title
            for tab in archive_tabs(snapshot)
            if any(ticket_key(found) == key for _, found in _id_rows(tab, template))
        ]
        where = f'; it is archived in "{archived[0]}"' if archived else ""
        raise NotFoundError(f'no ticket "{ticket}" in Log{where}')
    number = rows[0]
    return number, log_tab.rows[number - 1]


def plan_update(
    snapshot: Snapshot,
    template: Template,
    ticket: str,
    changes: Mapping[str, CellValue],
    now: datetime,
    chars_per_cell: int = XLSX_CHARS_PER_CELL,
) -> UpdatePlan:
    """The cells to write so ``ticket``'s row holds ``changes``, validated as a whole row.

    Moving to a closed status stamps Resolved At (unless given); moving out clears it.
    A new value longer than a cell of the backend holds (``chars_per_cell``) is refused.
    """
    header = log_header(snapshot, template)
    entries = Entries(template, (), now)
    roles = template.roles
    number, cells = find_ticket(snapshot, template, ticket.strip())
    ticket = cell_text(row_values(header, cells).get(roles.id))  # as stored
    raw = {k: v for k, v in row_values(header, cells).items() if k in template.by_name}
    merged: dict[str, CellValue] = dict(raw)
    asked: list[str] = []
    for key, value in changes.items():
        name = entries.model.column_name(key) or key
        merged[name] = value
        asked.append(name)
    if roles.id in asked and ticket_key(merged[roles.id]) != ticket_key(ticket):
        raise InvalidValue(roles.id, merged[roles.id], f'"{ticket}"', "update finds rows by it")
    if roles.validation in asked:
        raise InvalidValue(
            roles.validation, merged[roles.validation], "left alone", "sheetlog validate writes it"
        )
    if roles.status in asked and roles.resolved not in asked:
        closing = entries.closes(merged[roles.status])
        if closing and _blank(raw.get(roles.resolved)):
            merged[roles.resolved] = entries.now_value(roles.resolved)
            asked.append(roles.resolved)
        elif not closing and not _blank(raw.get(roles.resolved)):
            merged[roles.resolved] = None
            asked.append(roles.resolved)
    values = entries.model.validate_input(merged)
    done = [
        Change(name, raw.get(name), values[name])
        for name in dict.fromkeys(asked)
        if not same_stored(raw.get(name), values[name])
    ]
    _refuse(too_long(values, [c.column for c in done], chars_per_cell))
    positions = sorted((header.index(c.column), c.new) for c in done)
    return UpdatePlan(ticket, number, values, done, _cell_runs(number, positions))


def _cell_runs(row: int, cells: list[tuple[int, Stored]]) -> list[Op]:
    """One SetCells per run of adjacent columns of one sheet row."""
    ops: list[Op] = []
    run: list[tuple[int, Stored]] = []
    for col, value in [*cells, (-2, None)]:
        if run and col != run[-1][0] + 1:
            ops.append(SetCells(LOG_TAB, row, run[0][0], (tuple(v for _, v in run),)))
            run = []
        run.append((col, value))
    return ops


def describe_changes(changes: Sequence[Change]) -> str:
    """``Status: Open → Resolved; Resolved At: (empty) → 2025-01-02 10:00 UTC``."""

    def shown(value: CellValue) -> str:
        return "(empty)" if _blank(value) else str(value)

    return "; ".join(f"{c.column}: {shown(c.old)} → {shown(c.new)}" for c in changes)


# --- import -------------------------------------------------------------------------------


def plan_import(
    snapshot: Snapshot,
    template: Template,
    records: Sequence[Record],
    mapping: Mapping[str, str],
    now: datetime,
    progress: Callable[[int], None] | None = None,
    chars_per_cell: int = XLSX_CHARS_PER_CELL,
) -> ImportPlan:
    """Sort ``records`` into canonical rows to add, rows already in the log, and rejections.

    A row is already in the log when its Ticket ID is in Log or an archive, or,
    without a Ticket ID, when a row with the same values is: so importing the
    same file twice adds nothing. A row with a value longer than a cell of the
    backend holds (``chars_per_cell``) is rejected.
    """
    header = log_header(snapshot, template)
    _check_columns(template, records, mapping)
    taken = known_tickets(snapshot, template)
    in_file: dict[str, str] = {}
    entries = Entries(template, ChainMap(in_file, taken), now)
    seen: set[Row] | None = None
    plan = ImportPlan()
    for record in records:
        if progress is not None:
            progress(1)
        if record.problem is not None:
            plan.rejected.append(Rejected(record.where, (record.problem,)))
            continue
        raw = {mapping.get(k, k): v for k, v in record.values.items() if mapping.get(k, k)}
        try:
            values, generated = entries.make(raw, stamp_now=False)
        except InvalidRow as bad:
            plan.rejected.append(Rejected(record.where, tuple(bad.problems)))
            continue
        except InvalidValue as bad:
            plan.rejected.append(Rejected(record.where, (bad,)))
            continue
        overlong = too_long(values, values, chars_per_cell)
        if overlong:
            plan.rejected.append(Rejected(record.where, tuple(overlong)))
            continue
        ticket = str(values[template.roles.id])
        key = ticket_key(ticket)
        if generated:
            seen = _contents(snapshot, template) if seen is None else seen
            if _content(template, values) in seen:
                plan.skipped.append((record.where, ""))
                continue
        elif key in taken:
            plan.skipped.append((record.where, ticket))
            continue
        elif key in in_file:
            problem = InvalidValue(
                template.roles.id, ticket, "unique in the file", f"also on {in_file[key]}"
            )
            plan.rejected.append(Rejected(record.where, (problem,)))
            continue
        in_file[key] = record.where
        if seen is not None:
            seen.add(_content(template, values))
        plan.rows.append(values)
        plan.sheet_rows.append(sheet_row(header, values))
    return plan


def _check_columns(
    template: Template, records: Sequence[Record], mapping: Mapping[str, str]
) -> None:
    """Refuse a file whose columns (after ``mapping``) the template does not have, up front."""
    model = row_model(template)
    keys = dict.fromkeys(k for r in records for k in r.values)
    for source, target in mapping.items():
        if source not in keys:
            raise ConfigError(f'mapping "{source}": the file has no column "{source}"')
        if target and model.column_name(target) is None:
            raise ConfigError(
                f'mapping "{source}={target}": "{target}" is not a column of the log'
                f" ({', '.join(template.header)})"
            )
    sources: dict[str, str] = {}
    holding = {k for r in records for k, v in r.values.items() if v not in (None, "")}
    for key in (k for k in keys if k in holding):
        column = model.column_name(mapping.get(key, key) or "") if mapping.get(key, key) else None
        if column is not None and sources.setdefault(column, key) != key:
            # a --map that doubles a column is a usage error; a file naming one twice, bad input
            error = ConfigError if {key, sources[column]} & set(mapping) else InvalidInput
            raise error(
                f'the file\'s "{sources[column]}" and "{key}" both go to column "{column}":'
                f' drop one (--map "{key}=") or map it elsewhere; nothing was imported'
            )
    unknown = [
        k for k in keys if mapping.get(k, k) and model.column_name(mapping.get(k, k)) is None
    ]
    if unknown:
        first = unknown[0]
        close = difflib.get_close_matches(first, template.header, n=1)
        names = ", ".join(f'"{k}"' for k in unknown)
        verb = "are not columns" if len(unknown) > 1 else "is not a column"
        raise InvalidInput(
            f"the file's {names} {verb} of the log: map each to a column"
            f' (--map "{first}={close[0] if close else "COLUMN"}") or drop it (--map "{first}=");'
            " nothing was imported"
        )


def _content(template: Template, values: Mapping[str, Stored]) -> Row:
    """A row's values without its Ticket ID and Validation: how id-less duplicates are found."""
    skip = (template.roles.id, template.roles.validation)
    return tuple(values.get(name) for name in template.header if name not in skip)


def _contents(snapshot: Snapshot, template: Template) -> set[Row]:
    """The contents of every row of Log and the archives, normalized."""
    model = row_model(template)
    found: set[Row] = set()
    for tab in (snapshot.tabs[LOG_TAB], *archive_tabs(snapshot)):
        for _, cells in data_rows(tab):
            raw = {k: v for k, v in row_values(tab.header, cells).items() if k in template.by_name}
            found.add(_content(template, model.check(raw).values))
    return found
