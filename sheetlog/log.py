"""``SupportLog``: the library's face. Each pass lives in its own module; this class
opens the backend, reads, and commits writes with an Audit receipt."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType

from google.auth.credentials import Credentials

from .backends.base import AppendRows, Backend, CellValue, Op, Snapshot, Stored
from .backends.gauth import DRIVE_FILE_SCOPE, SHEETS_SCOPE, load_credentials
from .backends.google import GoogleBackend, UncertainWrite
from .backends.local import LocalBackend
from .errors import BackendError, ConfigError
from .provision import plan_init
from .recording import (
    Change,
    Record,
    Rejected,
    chunk_rows,
    describe_changes,
    plan_append,
    plan_import,
    plan_update,
)
from .target import parse_target
from .templates import DEFAULT_TEMPLATE, Template, parse_template, template_text
from .workbook import (
    LOG_TAB,
    Settings,
    audit_entry,
    audit_op_ids,
    new_op_id,
    read_settings,
    require_settings,
)

log = logging.getLogger("sheetlog")

CredentialsArg = str | os.PathLike[str] | Credentials | None
WRITE_ATTEMPTS = 3


@dataclass(frozen=True)
class InitResult:
    """What ``init`` did: the lines a person reads, and where the log is."""

    location: str
    changes: list[str]
    created: bool = False


@dataclass(frozen=True)
class UpdateResult:
    """What ``update`` did: the row it found, the cells it changed, and the row as stored now."""

    ticket: str
    row: int
    changes: list[Change]
    values: dict[str, Stored]


@dataclass(frozen=True)
class ImportResult:
    """What ``import_rows`` did: tickets added, entries already in the log, entries rejected."""

    added: list[str]
    skipped: list[tuple[str, str]]
    rejected: list[Rejected]
    writes: int

    @property
    def complete(self) -> bool:
        """Whether every entry landed or was already in the log."""
        return not self.rejected


class SupportLog:
    """One support log, in a Google spreadsheet or a local workbook."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    @property
    def location(self) -> str:
        """The spreadsheet URL or the workbook path."""
        return self.backend.location

    def __enter__(self) -> SupportLog:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the backend."""
        self.backend.close()

    # --- shared plumbing ----------------------------------------------------------------

    def read(self) -> tuple[Snapshot, Settings]:
        """Every tab, and the settings of an initialised log (or a clear error)."""
        snapshot = self.backend.read()
        return snapshot, require_settings(snapshot, self.location)

    def commit(self, command: str, ops: Sequence[Op], tab: str, rows: str, details: str) -> None:
        """Apply ``ops`` atomically with one Audit line that doubles as a receipt.

        When Google's reply to the write is lost, the Audit tab is read back: the
        receipt says whether the write landed, so a retry never applies it twice.
        """
        op_id = new_op_id()
        batch = [*ops, audit_entry(command, tab, rows, details, op_id)]
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                self.backend.write(batch)
                return
            except UncertainWrite as exc:
                log.warning("%s; checking whether it landed", exc)
                if op_id in audit_op_ids(self.backend.read()):
                    return
                if attempt == WRITE_ATTEMPTS:
                    raise BackendError(f"{exc}; it did not land after {attempt} tries") from None

    # --- passes -------------------------------------------------------------------------

    def init(self, template: str | None = None) -> InitResult:
        """Provision the workbook for ``template`` (default: the stored one, else standard).

        Idempotent: a second run plans nothing and writes nothing.
        """
        with self.backend.transaction():
            snapshot = self.backend.read()
            chosen, source = _init_template(snapshot, template)
            changes = plan_init(chosen, source, snapshot, self.backend.read_layout(LOG_TAB))
            if changes:
                ops = [op for change in changes for op in change.ops]
                details = "; ".join(c.description for c in changes)
                self.commit("init", ops, LOG_TAB, "", details)
        return InitResult(self.location, [c.description for c in changes])

    # --- recording: append, update, import ---------------------------------------------

    def append(
        self, values: Mapping[str, CellValue], *, now: datetime | None = None
    ) -> dict[str, Stored]:
        """Add one interaction below the last row of Log, normalized; returns the stored row.

        A blank Ticket ID, Contact Start and Status become a new id, now and Open;
        a closed ticket without Resolved At is resolved now. ``now`` sets the clock.
        """
        moment = now or datetime.now(UTC)
        with self.backend.transaction():
            snapshot, settings = self.read()
            row, op = plan_append(snapshot, settings.template, values, moment)
            ticket = str(row[settings.template.roles.id])
            self.commit("append", [op], LOG_TAB, ticket, f"added {ticket}")
        return row

    def update(
        self, ticket: str, changes: Mapping[str, CellValue], *, now: datetime | None = None
    ) -> UpdateResult:
        """Change cells of ``ticket``'s Log row; Audit records each old and new value.

        Only changed cells are written. Moving to a closed status stamps Resolved At
        (unless given), moving out clears it. The cells are written at the row read
        just before: a person sorting Log in that same instant could misdirect them.
        """
        moment = now or datetime.now(UTC)
        with self.backend.transaction():
            snapshot, settings = self.read()
            plan = plan_update(snapshot, settings.template, ticket, changes, moment)
            if plan.changes:
                details = f"{plan.ticket}: {describe_changes(plan.changes)}"
                self.commit("update", plan.ops, LOG_TAB, f"{plan.ticket} (row {plan.row})", details)
        return UpdateResult(plan.ticket, plan.row, plan.changes, plan.values)

    def import_rows(
        self,
        records: Sequence[Record | Mapping[str, CellValue]],
        *,
        mapping: Mapping[str, str] | None = None,
        all_or_nothing: bool = False,
        source: str = "",
        now: datetime | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> ImportResult:
        """Add every valid entry to Log in one write (split under 2 MB a request on Google).

        ``mapping`` renames the file's columns (``{"Subject": "Issue Summary"}``; "" drops
        one). Entries already in the log are skipped; invalid ones are rejected and
        reported, and with ``all_or_nothing`` nothing is written when any is.
        ``progress(1)`` is called after each entry is checked.
        """
        entries = [
            r if isinstance(r, Record) else Record(number, r, "item")
            for number, r in enumerate(records, start=1)
        ]
        with self.backend.transaction():
            snapshot, settings = self.read()
            template = settings.template
            plan = plan_import(
                snapshot, template, entries, mapping or {}, now or datetime.now(UTC), progress
            )
            if all_or_nothing and plan.rejected:
                return ImportResult([], plan.skipped, plan.rejected, 0)
            chunks = chunk_rows(plan.sheet_rows, self.backend.write_size, self.backend.write_limit)
            tickets = [str(row[template.roles.id]) for row in plan.rows]
            done = 0
            for number, chunk in enumerate(chunks, start=1):
                part = tickets[done : done + len(chunk)]
                done += len(chunk)
                details = f"imported {len(chunk)} rows from {source or 'records'}"
                if len(chunks) > 1:
                    details += f" (part {number} of {len(chunks)})"
                details += (
                    f"; {len(plan.skipped)} already in the log, {len(plan.rejected)} rejected"
                )
                span = part[0] if len(part) == 1 else f"{part[0]} … {part[-1]}"
                self.commit("import", [AppendRows(LOG_TAB, tuple(chunk))], LOG_TAB, span, details)
        return ImportResult(tickets, plan.skipped, plan.rejected, len(chunks))


def _init_template(snapshot: Snapshot, name: str | None) -> tuple[Template, str]:
    """The template init provisions: the one named, else the stored one, else standard."""
    if name is None:
        stored = read_settings(snapshot)
        if stored is not None:
            return stored.template, stored.template_source
        name = DEFAULT_TEMPLATE
    text, path = template_text(name)
    return parse_template(text, path), text


def _google_credentials(credentials: CredentialsArg, scopes: list[str]) -> tuple[Credentials, str]:
    if isinstance(credentials, Credentials):
        acting = getattr(credentials, "service_account_email", None) or "the given credentials"
        return credentials, str(acting)
    return load_credentials(credentials, scopes)


def open(
    target: str | os.PathLike[str] | None = None, credentials: CredentialsArg = None
) -> SupportLog:
    """Open the log at ``target`` (URL, ``gsheet:ID`` or ``.xlsx`` path; default $SHEETLOG_SHEET
    or ./support-log.xlsx). Nothing is read until a method needs it."""
    where = parse_target(target)
    if where.path is not None:
        return SupportLog(LocalBackend(where.path))
    assert where.spreadsheet_id is not None
    if where.is_new:
        raise ConfigError('gsheet:new only works with "sheetlog init" (it creates the spreadsheet)')
    creds, acting = _google_credentials(credentials, [SHEETS_SCOPE])
    return SupportLog(GoogleBackend(where.spreadsheet_id, creds, acting))


def create(title: str, credentials: CredentialsArg = None, share: Sequence[str] = ()) -> SupportLog:
    """Create a new Google spreadsheet called ``title`` and share it (``email[:role]``)."""
    creds, acting = _google_credentials(credentials, [SHEETS_SCOPE, DRIVE_FILE_SCOPE])
    backend = GoogleBackend.create(title, creds, acting)
    for entry in share:
        email, _, role = entry.partition(":")
        backend.share(email, role or "writer")
    return SupportLog(backend)
