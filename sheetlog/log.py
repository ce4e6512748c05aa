"""``SupportLog``: the library's face. Each pass lives in its own module; this class
opens the backend, reads, and commits writes with an Audit receipt.

Passes beyond recording rows (archive, summary, find, export...) and the Google
backend are imported by the methods that use them: an append to a workbook never
loads pandas, gspread or google-auth.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, TypeAlias
from zoneinfo import ZoneInfo

from .backends.base import Backend
from .batching import batches
from .errors import BackendError, ConfigError, NotFoundError, UncertainWrite
from .ops import AppendRows, DeleteTab, Op
from .recording import (
    Change,
    Record,
    Rejected,
    describe_changes,
    names_ticket,
    plan_append,
    plan_import,
    plan_update,
)
from .sheetdata import CellValue, Scope, Snapshot, Stored
from .target import parse_target
from .templates import DEFAULT_TEMPLATE, Template, parse_template, template_text
from .workbook import (
    ARCHIVES_SCOPE,
    AUDIT_SCOPE,
    BASE_SCOPE,
    ID_COLUMN_GUESS,
    LOG_SCOPE,
    LOG_TAB,
    SUMMARY_PREFIX,
    Settings,
    archived_ids_scope,
    audit_entry,
    audit_op_ids,
    audit_tab,
    misplaced_ids,
    new_op_id,
    read_settings,
    require_settings,
)

if TYPE_CHECKING:
    import pandas as pd
    from google.auth.credentials import Credentials

    from . import archive as archiving
    from . import queries
    from .archive import ArchiveResult
    from .evidence import Verification
    from .formats import ExportFormat, ExportTabs
    from .retention import RetentionResult
    from .summary import MonthlySummary
    from .validation import ValidationReport

log = logging.getLogger("sheetlog")

CredentialsArg: TypeAlias = "str | os.PathLike[str] | Credentials | None"
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


def receipts_tab() -> str:
    """The Audit tab a write made now leaves its receipt in."""
    return audit_tab(datetime.now(UTC))


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

    def read(self, scope: Scope) -> tuple[Snapshot, Settings]:
        """The tabs of ``scope`` and the settings of an initialised log (or a clear error)."""
        probe = Scope.of(probe=(receipts_tab(),))  # where the receipt goes
        snapshot = self.backend.read(scope | BASE_SCOPE | probe)
        return snapshot, require_settings(snapshot, self.location)

    def commit(self, command: str, ops: Sequence[Op], tab: str, rows: str, details: str) -> None:
        """Apply ``ops`` atomically with one Audit line that doubles as a receipt.

        When Google's reply to the write is lost, the month's Audit tab is read back: the
        receipt says whether the write landed, so a retry never applies it twice.
        """
        op_id = new_op_id()
        now = datetime.now(UTC)
        batch = [*ops, audit_entry(command, tab, rows, details, op_id, now)]
        receipts = Scope.of(audit_tab(now))
        self.write_once(batch, receipts, lambda snapshot: op_id in audit_op_ids(snapshot))

    def write_once(
        self, ops: Sequence[Op], receipts: Scope, landed: Callable[[Snapshot], bool]
    ) -> None:
        """Write ``ops``; after a lost reply, read ``receipts`` and ask ``landed`` before
        sending again."""
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                self.backend.write(ops)
                return
            except UncertainWrite as exc:
                log.warning("%s; checking whether it landed", exc)
                if landed(self.backend.read(receipts)):
                    return
                if attempt == WRITE_ATTEMPTS:
                    raise BackendError(f"{exc}; it did not land after {attempt} tries") from None

    def _archived_ids(
        self, snapshot: Snapshot, settings: Settings, again: bool = False
    ) -> Snapshot:
        """``snapshot`` with the Ticket ID column of every archive tab: read now (``again``),
        and read again narrowed to the right column where a tab keeps it elsewhere."""
        if again:
            snapshot = snapshot.merged(self.backend.read(archived_ids_scope()))
        columns = misplaced_ids(snapshot, settings.template.roles.id)
        if columns:
            again_scope = archived_ids_scope((ID_COLUMN_GUESS, *columns))
            snapshot = snapshot.merged(self.backend.read(again_scope))
        return snapshot

    # --- passes -------------------------------------------------------------------------

    def archive(
        self,
        older_than: str | timedelta = "7d",
        dry_run: bool = False,
        now: datetime | None = None,
        archive_to: SupportLog | None = None,
    ) -> ArchiveResult:
        """Move closed rows resolved before ``now - older_than`` into ``Archive YYYY-MM`` tabs.

        Crash-safe and idempotent; see ``sheetlog.archive`` for how. On Google a pass
        costs 4 calls whatever the number of rows, unless the rows to move exceed one
        request's advised 2 MB: then each further batch of them costs 4 more (stage,
        read, finish, read). A workbook is saved once.
        ``archive_to`` puts the archive tabs in another log (for a live sheet nearing
        Google's cell limit), with the same guarantees.
        """
        from . import archive as archiving

        age = archiving.parse_age(older_than) if isinstance(older_than, str) else older_than
        moment = now or datetime.now(UTC)
        # the archived Ticket IDs (rows repeating one are kept back as errors); the target
        # tabs themselves are read once the rows to move are known
        scope = LOG_SCOPE | Scope.of(archiving.STAGING_TAB) | archived_ids_scope()
        with self.backend.transaction():
            snapshot, settings = self.read(scope)
            snapshot = self._archived_ids(snapshot, settings)
            template = settings.template
            chosen, kept_invalid = archiving.choose(snapshot, template, moment, age)
            result = archiving.ArchiveResult(kept_invalid=kept_invalid, dry_run=dry_run)
            if dry_run:
                result.tabs = archiving.count_targets(chosen)
                result.moved = len(chosen)
                return result
            header = snapshot.tabs[LOG_TAB].header
            parts = batches(
                self.backend,
                chosen,
                lambda rows: archiving.stage_ops(header, list(rows), "", None),
            ) or [[]]  # no new rows: still finish what an interrupted pass staged
            for batch in parts:
                leftover = archiving.staged_rows(snapshot, template)  # an interrupted pass's
                targets = Scope.of(*sorted({row.tab for row in (*batch, *leftover)}))
                if batch:
                    snapshot = self._stage(snapshot, header, batch, scope | targets)
                elif leftover:
                    snapshot = snapshot.merged(self.backend.read(targets))
                pending = archiving.staged_rows(snapshot, template)
                if pending:
                    self._finish_archive(snapshot, template, pending, result, archive_to)
                    if len(parts) > 1:
                        snapshot = self.read(scope)[0]
        return result

    def verify(self, against: str | None = None) -> Verification:
        """Recompute every archive tab's Row Hash chain (one read); ``against`` is a digest
        line taken earlier, whose chain heads must still be there unchanged."""
        from . import evidence

        snapshot, settings = self.read(ARCHIVES_SCOPE)
        result = evidence.verify(snapshot, settings.template)
        if against:
            for problem in evidence.check_digest(snapshot, against):
                result.problems.append(evidence.ChainProblem("", 0, "", problem))
        return result

    def retention(
        self,
        older_than: str = "24m",
        action: str = "anonymize",
        dry_run: bool = False,
        key: bytes | None = None,
        now: datetime | None = None,
    ) -> RetentionResult:
        """Anonymize (``action="anonymize"``) or delete (``"delete"``) archive tabs whose
        month is older than the policy; one read and one atomic write."""
        from . import retention

        if action not in ("anonymize", "delete"):
            raise ConfigError("retention needs --anonymize or --delete")
        months = retention.parse_months(older_than)
        with self.backend.transaction():
            snapshot, settings = self.read(ARCHIVES_SCOPE)
            template = settings.template
            titles = retention.expired_tabs(snapshot, months, now or datetime.now(UTC), template)
            result = retention.RetentionResult(action, titles, dry_run=dry_run)
            if action == "delete":
                ops = retention.delete_ops(titles)
            else:
                ops, result.cells = retention.anonymize_ops(
                    snapshot, template, titles, key or secrets.token_bytes(32)
                )
            if ops and not dry_run:
                details = f"{action} {', '.join(titles)} (older than {older_than})"
                self.commit("retention", ops, ", ".join(titles), str(result.cells), details)
        return result

    def _stage(
        self, snapshot: Snapshot, header: list[str], batch: list[archiving.Staged], scope: Scope
    ) -> Snapshot:
        """Archive step 2 for one batch (copy to staging, delete from Log if unchanged);
        returns the log as it is afterwards (step 3)."""
        from . import archive as archiving

        pass_id = new_op_id()
        staging_tab = snapshot.tab(archiving.STAGING_TAB)
        ops = archiving.stage_ops(header, batch, pass_id, staging_tab)
        staging = Scope.of(archiving.STAGING_TAB)
        self.write_once(ops, staging, lambda snap: pass_id in archiving.staged_passes(snap))
        return self.read(scope)[0]

    def _finish_archive(
        self,
        snapshot: Snapshot,
        template: Template,
        pending: list[archiving.Staged],
        result: ArchiveResult,
        archive_to: SupportLog | None,
    ) -> None:
        """Append staged rows to their archive tabs (here or elsewhere), then drop staging."""
        from . import archive as archiving

        drop = DeleteTab(archiving.STAGING_TAB)
        if archive_to is None:
            ops = archiving.finish_ops(snapshot, snapshot, template, pending, result)
            # staging goes first: the same atomic write, but a local workbook frees its
            # rows before their archive copies are made
            self.commit(
                "archive", [drop, *ops], LOG_TAB, str(result.moved), archiving.describe(result)
            )
            return
        with archive_to.backend.transaction():
            targets = Scope.of(*sorted({row.tab for row in pending}), probe=(receipts_tab(),))
            elsewhere = archive_to.backend.read(targets)
            ops = archiving.finish_ops(snapshot, elsewhere, template, pending, result)
            details = f"from {self.location}: {archiving.describe(result)}"
            archive_to.commit("archive", ops, LOG_TAB, str(result.moved), details)
        details = f"to {archive_to.location}: {archiving.describe(result)}"
        self.commit("archive", [drop], LOG_TAB, str(result.moved), details)

    def init(self, template: str | None = None) -> InitResult:
        """Provision the workbook for ``template`` (default: the stored one, else standard).

        Idempotent: a second run plans nothing and writes nothing.
        """
        from .provision import plan_init

        with self.backend.transaction():
            snapshot = self.backend.read(Scope.all())
            chosen, source = _init_template(snapshot, template)
            changes = plan_init(chosen, source, snapshot, self.backend.read_layout(LOG_TAB))
            if changes:
                ops = [op for change in changes for op in change.ops]
                details = "; ".join(c.description for c in changes)
                self.commit("init", ops, LOG_TAB, "", details)
        return InitResult(self.location, [c.description for c in changes])

    # --- monthly summary ----------------------------------------------------------------

    def summary(self, month: str | None = None, write: bool = True) -> MonthlySummary:
        """The figures of ``month`` (``YYYY-MM``; default: last month in the log's timezone)
        over Log and the archive tabs; ``write`` also writes or replaces ``Summary YYYY-MM``.

        Costs one read, plus one atomic write (the tab, its charts and the Audit line).
        """
        from .summary import Month, archive_titles, monthly_summary
        from .summary_report import summary_ops

        chosen = Month.parse(month) if month is not None else None
        now = datetime.now(UTC)
        # last month in the log's zone is known once the settings are read: from the
        # month before last in UTC, any zone's is covered
        first = chosen or Month.before(now, ZoneInfo("UTC")).preceding()
        scope = LOG_SCOPE | Scope.of(*archive_titles(first, now))
        scope |= Scope(probe_prefixes=(SUMMARY_PREFIX,))
        with self.backend.transaction():
            snapshot, settings = self.read(scope)
            template = settings.template
            figures = monthly_summary(snapshot, template, chosen or Month.before(now, template.tz))
            if write:
                details = (
                    f"{figures.label}: {figures.interactions} interactions,"
                    f" {figures.backlog_open} open at month end,"
                    f" {figures.excluded_rows} rows left out"
                )
                self.commit(
                    "summary", summary_ops(figures, snapshot, now), figures.tab, "", details
                )
        return figures

    def to_dataframe(self, include_archives: bool = True) -> pd.DataFrame:
        """Every row of Log (and the archive tabs) as canonical values, one column per
        template column, plus ``tab`` and ``row`` (the sheet row): for your own analysis."""
        from .frame import SPOILED, log_frame

        snapshot, settings = self.read(
            LOG_SCOPE | (ARCHIVES_SCOPE if include_archives else LOG_SCOPE)
        )
        frame = log_frame(snapshot, settings.template, include_archives)
        return frame.drop(columns=SPOILED)

    # --- day-to-day: find, followups, status, export (one read each, no write) --------

    def find(
        self,
        ticket: str | None = None,
        customer: str | None = None,
        agent: str | None = None,
        status: str | Sequence[str] = (),
        tag: str | None = None,
        since: date | str | None = None,
        until: date | str | None = None,
        text: str | None = None,
        history: bool = False,
    ) -> queries.Found:
        """Rows of Log and the archive tabs matching every filter given, in Contact Start order.

        ``customer``, ``agent`` and ``text`` (the free-text columns) match a part of the
        cell, ignoring case; ``since``/``until`` are days (``YYYY-MM-DD``, inclusive) in the
        log's timezone. Each row object (in ``.rows``) holds its values plus ``tab`` and
        ``row``; ``history`` adds the Audit lines that name its ticket. One read.
        """
        from . import queries
        from .frame import log_frame

        snapshot, settings = self.read(
            LOG_SCOPE | ARCHIVES_SCOPE | (AUDIT_SCOPE if history else LOG_SCOPE)
        )
        template = settings.template
        query = queries.Query.build(
            template, ticket, customer, agent, status, tag, since, until, text
        )
        frame = log_frame(snapshot, template, as_typed=True)
        rows = queries.find_rows(frame, template, query)
        if history:
            queries.attach_history(rows, snapshot, template)
        return queries.Found(rows, template)

    def followups(self, days: int = 0, today: date | None = None) -> queries.Followups:
        """Open tickets whose follow-up date has passed (``overdue``) or falls between
        ``today`` (default: today in the log's timezone) and ``days`` days later. One read."""
        from . import queries
        from .frame import log_frame

        snapshot, settings = self.read(LOG_SCOPE)
        template = settings.template
        day = today or datetime.now(template.tz).date()
        frame = log_frame(snapshot, template, as_typed=True)
        return queries.due_followups(frame, template, day, days)

    def status(self, now: datetime | None = None) -> queries.LogStatus:
        """Rows in Log, open tickets by age, archive tabs, cells used against Google's
        limit and the last Audit lines. One read."""
        from . import queries
        from .frame import log_frame

        snapshot, settings = self.read(Scope.all())
        frame = log_frame(snapshot, settings.template, include_archives=False)
        return queries.log_status(snapshot, frame, settings.template, now or datetime.now(UTC))

    def export(
        self,
        path: str | os.PathLike[str] | None = None,
        fmt: ExportFormat | None = None,
        tabs: ExportTabs = "all",
        since: date | str | None = None,
        until: date | str | None = None,
        redact: bool = False,
    ) -> pd.DataFrame:
        """The rows of ``tabs`` (log, archives or all) with Contact Start in the date range,
        in time order, as a DataFrame (template columns, then ``tab`` and ``row``);
        ``redact`` masks the template's personal columns. With ``path``, also writes it
        as ``fmt`` (default: from the suffix; CSV is neutralized against formulas). One read.
        """
        from . import export as exporting
        from . import queries

        first, last = queries.parse_day(since, "from"), queries.parse_day(until, "to")
        snapshot, settings = self.read(LOG_SCOPE | (LOG_SCOPE if tabs == "log" else ARCHIVES_SCOPE))
        frame = exporting.export_frame(snapshot, settings.template, tabs, first, last, redact)
        if path is not None:
            where = Path(path)
            exporting.write(frame, exporting.format_for(where, fmt), where)
        return frame

    # --- validate ---------------------------------------------------------------------

    def validate(
        self,
        fix: bool = False,
        flag: bool = True,
        strict: bool = False,
        stale_days: int = 14,
        now: datetime | None = None,
    ) -> ValidationReport:
        """Check every Log row; flag bad rows in the sheet and, with ``fix``, rewrite what
        normalizes without guessing. One read; one write only when flags or values change.

        ``strict`` makes warnings fail the report; ``flag=False`` only reads.
        """
        from .validation import plan_validation

        if fix and not flag:
            raise ConfigError("--fix writes to the sheet, so it cannot go with --no-flag")
        if stale_days < 0:
            raise ConfigError(f"--stale-days must be 0 or more, not {stale_days}")
        moment = now or datetime.now(UTC)
        if moment.tzinfo is None:
            raise ConfigError("validate needs an aware 'now' (with a time zone)")
        with self.backend.transaction():
            snapshot, settings = self.read(LOG_SCOPE | archived_ids_scope())
            snapshot = self._archived_ids(snapshot, settings)
            plan = plan_validation(
                snapshot, settings.template, moment, stale_days, self.location, fix, flag, strict
            )
            if plan.ops:
                self.commit("validate", plan.ops, LOG_TAB, plan.audit_rows(), plan.audit_details())
                plan.report.written = True
        return plan.report

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
            snapshot, settings = self.read(LOG_SCOPE)
            if names_ticket(settings.template, values):
                snapshot = self._archived_ids(snapshot, settings, again=True)
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
            snapshot, settings = self.read(LOG_SCOPE)
            try:
                plan = plan_update(snapshot, settings.template, ticket, changes, moment)
            except NotFoundError:  # say where it went, if it was archived
                snapshot = self._archived_ids(snapshot, settings, again=True)
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
            snapshot, settings = self.read(LOG_SCOPE | ARCHIVES_SCOPE)
            template = settings.template
            plan = plan_import(
                snapshot, template, entries, mapping or {}, now or datetime.now(UTC), progress
            )
            if all_or_nothing and plan.rejected:
                return ImportResult([], plan.skipped, plan.rejected, 0)
            chunks = batches(
                self.backend, plan.sheet_rows, lambda rows: [AppendRows(LOG_TAB, tuple(rows))]
            )
            end = len(snapshot.tabs[LOG_TAB].rows)  # the last row with content, as read
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
                rows = AppendRows(LOG_TAB, tuple(chunk), after=end)
                end += len(chunk)
                self.commit("import", [rows], LOG_TAB, span, details)
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
    from google.auth.credentials import Credentials

    from .backends.gauth import load_credentials

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
        from .backends.local import LocalBackend

        return SupportLog(LocalBackend(where.path))
    assert where.spreadsheet_id is not None
    if where.is_new:
        raise ConfigError('gsheet:new only works with "sheetlog init" (it creates the spreadsheet)')
    from .backends.gauth import SHEETS_SCOPE
    from .backends.google import GoogleBackend

    creds, acting = _google_credentials(credentials, [SHEETS_SCOPE])
    return SupportLog(GoogleBackend(where.spreadsheet_id, creds, acting))


def create(title: str, credentials: CredentialsArg = None, share: Sequence[str] = ()) -> SupportLog:
    """Create a new Google spreadsheet called ``title`` and share it (``email[:role]``)."""
    from .backends.gauth import DRIVE_FILE_SCOPE, SHEETS_SCOPE
    from .backends.google import GoogleBackend

    creds, acting = _google_credentials(credentials, [SHEETS_SCOPE, DRIVE_FILE_SCOPE])
    backend = GoogleBackend.create(title, creds, acting)
    for entry in share:
        email, _, role = entry.partition(":")
        backend.share(email, role or "writer")
    return SupportLog(backend)
