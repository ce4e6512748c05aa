"""``SupportLog``: the library's face. Each pass lives in its own module; this class
opens the backend, reads, and commits writes with an Audit receipt.

Passes beyond recording rows (archive, summary, find, export...) and the Google
backend are imported by the methods that use them: an append to a workbook never
loads pandas, gspread or google-auth.
"""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, TypeAlias
from zoneinfo import ZoneInfo

from .backends.base import Backend
from .backends.target import parse_target
from .errors import (
    BackendError,
    ConfigError,
    InvalidInput,
    NotFoundError,
    SheetlogError,
    UncertainWrite,
)
from .model import periods
from .model.merkle import Frontier
from .model.messages import MESSAGES_SCOPE, Message
from .model.ops import AppendRows, DeleteTab, Op, refuse_merged
from .model.periods import Month
from .model.sheetdata import (
    CellValue,
    Link,
    Scope,
    Snapshot,
    Stored,
    Tab,
    escape_unstorable,
    fit_cell,
)
from .model.templates import DEFAULT_TEMPLATE, Template, parse_template, template_text
from .model.workbook import (
    ARCHIVE_PREFIX,
    ARCHIVES_SCOPE,
    AUDIT_SCOPE,
    BASE_SCOPE,
    EVERY_TAB_SIZED,
    ID_COLUMN_GUESS,
    ID_INDEX_SCOPE,
    ID_INDEX_TAB,
    LEAVES_TAB,
    LOG_SCOPE,
    LOG_TAB,
    MESSAGES_PREFIX,
    SETTINGS_TAB,
    SIGNING_KEY,
    SUMMARY_PREFIX,
    TREE_TAB,
    UNSEALED_TAB,
    Settings,
    archived_ids_scope,
    audit_entry,
    audit_op_ids,
    audit_tab,
    data_rows,
    indexed_archives,
    is_archive_title,
    misplaced_ids,
    new_op_id,
    read_settings,
    renamed_log,
    require_settings,
    row_values,
    setting_op,
    setting_values,
    settings_set_ops,
)
from .passes.batching import batches
from .passes.record import (
    Change,
    Record,
    Rejected,
    describe_changes,
    names_ticket,
    plan_append,
    plan_import,
    plan_update,
)
from .rules.cells import ticket_key, timestamp_or_none

if TYPE_CHECKING:
    import pandas as pd
    from google.auth.credentials import Credentials

    from .model.formats import ExportFormat, ExportTabs
    from .model.signed_note import Signer, Verifier
    from .passes import archive as archiving
    from .passes import queries
    from .passes.archive import ArchiveResult
    from .passes.casefile import CaseFile
    from .passes.evidence import ChainProblem, Verification
    from .passes.forget import ForgetResult
    from .passes.proofs import Proof
    from .passes.retention import RetentionResult
    from .passes.summary import MonthlySummary
    from .passes.timeline import Timeline
    from .passes.tree import Recorded, Seal, Sealing
    from .passes.validate import ValidationReport

logger = logging.getLogger("sheetlog")
MESSAGES_PROBE = Scope(probe_prefixes=(MESSAGES_PREFIX,)) | Scope.of(probe=(UNSEALED_TAB,))
"""Which Messages tabs there are (a line of any month lands in its tab in the same write),
and whether the tab of leaves waiting to be sealed is there."""

SEAL_PROBE = (ID_INDEX_TAB, LEAVES_TAB)
EARLIER = (ARCHIVE_PREFIX, MESSAGES_PREFIX)
"""The tabs whose records a log's first tree takes in: archived rows, timeline lines."""
"""What a write that archives rows needs to know exists: the indexes it appends to."""

CredentialsArg: TypeAlias = "str | os.PathLike[str] | Credentials | None"
WRITE_ATTEMPTS = 3


@dataclass(frozen=True)
class InitResult:
    """What ``init`` did: the lines a person reads, and where the log is."""

    location: str
    changes: list[str]


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


@dataclass
class HelpdeskImport:
    """What ``import_helpdesk`` did: the tickets (as ``import_rows`` reports them), the
    statuses it brought up to date, the messages it added, and what the export itself
    left out (a repeated ticket id; a deleted ticket; a message of a ticket not in it)."""

    tickets: ImportResult
    updated: list[str]
    messages: int
    duplicates: list[str]
    skipped: list[str]

    @property
    def complete(self) -> bool:
        """Whether every ticket landed or was already in the log."""
        return self.tickets.complete


def receipts_tab() -> str:
    """The Audit tab a write made now leaves its receipt in."""
    return audit_tab(datetime.now(UTC))


class SupportLog:
    """One support log, in a Google spreadsheet or a local workbook."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._archive_to: dict[str, SupportLog] = {}  # the logs it archives to, by location
        self._opened: list[SupportLog] = []  # those of them it opened itself

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
        """Release the backend (and those of the logs it archives to that it opened)."""
        for other in self._opened:
            other.close()
        self.backend.close()

    # --- shared plumbing ----------------------------------------------------------------

    def read(self, scope: Scope) -> tuple[Snapshot, Settings]:
        """The tabs of ``scope`` and the settings of an initialised log (or a clear error)."""
        probe = Scope.of(probe=(receipts_tab(),))  # where the receipt goes
        snapshot = self.backend.read(scope | BASE_SCOPE | probe)
        if not snapshot.exists(LOG_TAB):
            self._refuse_renamed_log(snapshot)
        return snapshot, require_settings(snapshot, self.location)

    def _refuse_renamed_log(self, snapshot: Snapshot) -> None:
        """A log whose Log tab a person renamed says so, rather than "not a log yet" (which
        would lead to ``init`` and a second, empty Log). Reads every tab's header row."""
        settings = read_settings(snapshot)
        if settings is None:
            return
        headers = self.backend.read(Scope().narrowed("", ()))
        renamed = renamed_log(headers, settings.template.header)
        if renamed:
            raise ConfigError(f"{self.location}: {renamed}")

    def commit(self, command: str, ops: Sequence[Op], tab: str, rows: str, details: str) -> None:
        """Apply ``ops`` atomically with one Audit line that doubles as a receipt.

        When Google's reply to the write is lost, the month's Audit tab is read back: the
        receipt says whether the write landed, so a retry never applies it twice.
        """
        op_id = new_op_id()
        now = datetime.now(UTC)
        # long old and new values; a file name no cell can hold (undecodable bytes)
        details = fit_cell(escape_unstorable(details), self.backend.chars_per_cell)
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
                logger.warning("%s; checking whether it landed", exc)
                if landed(self.backend.read(receipts)):
                    return
                if attempt == WRITE_ATTEMPTS:
                    raise BackendError(f"{exc}; it did not land after {attempt} tries") from None

    def _archived_ids(
        self,
        snapshot: Snapshot,
        settings: Settings,
        again: bool = False,
        archive_to: SupportLog | None = None,
    ) -> Snapshot:
        """``snapshot`` with the Ticket ID column of every archive tab: read now (``again``),
        and read again narrowed to the right column where a tab keeps it elsewhere; the
        archive tabs of the logs this one archives to too (``sheetlog.passes.archive_to``)."""
        from .passes import archive_to as elsewhere

        if again:
            snapshot = snapshot.merged(self.backend.read(ID_INDEX_SCOPE))
        snapshot = _ids_where_kept(self.backend, snapshot, settings)
        for other in self._archive_logs(snapshot, archive_to):
            theirs = other.backend.read(ID_INDEX_SCOPE)
            theirs = _ids_where_kept(other.backend, theirs, settings)
            snapshot = elsewhere.joined(snapshot, theirs, other.location)
        return snapshot

    def _archives_holding(self, snapshot: Snapshot, settings: Settings, ticket: str) -> Snapshot:
        """``snapshot`` (holding ``ID_INDEX_SCOPE``) plus the archive tabs, here and in the
        logs this one archives to, that may hold ``ticket`` (a ``ticket_key``), read
        whole: those the index places it in, and those it does not cover."""
        from .passes import archive_to as elsewhere

        found = _tabs_holding(self.backend, snapshot, settings, ticket)
        for other in self._archive_logs(snapshot):
            theirs = _tabs_holding(
                other.backend, other.backend.read(ID_INDEX_SCOPE), settings, ticket
            )
            found = elsewhere.joined(found, theirs, other.location)
        return Snapshot({**snapshot.tabs, **found.tabs}, dict(snapshot.probed))

    def _with_archives_elsewhere(self, snapshot: Snapshot, scope: Scope) -> Snapshot:
        """``snapshot`` plus the archive tabs ``scope`` reads in each log this one archives
        to (``sheetlog.passes.archive_to``): one read of each of them."""
        from .passes import archive_to as elsewhere

        for other in self._archive_logs(snapshot):
            snapshot = elsewhere.joined(snapshot, other.backend.read(scope), other.location)
        return snapshot

    def _archive_logs(
        self, snapshot: Snapshot, archive_to: SupportLog | None = None
    ) -> list[SupportLog]:
        """The logs this one archives to, as its settings tab (in ``snapshot``) names them,
        each opened once; plus ``archive_to``, the one a pass is archiving to now."""
        from .passes import archive_to as elsewhere

        if archive_to is not None:
            self._archive_to[archive_to.location] = archive_to
        found: dict[str, SupportLog] = {}
        for location in elsewhere.recorded(snapshot):
            where = elsewhere.resolved(location, self.location)
            if where == self.location:
                continue
            if where not in self._archive_to:
                self._archive_to[where] = self._open_archive_log(location, where)
            found[self._archive_to[where].location] = self._archive_to[where]
        if archive_to is not None:
            found[archive_to.location] = archive_to
        return list(found.values())

    def _open_archive_log(self, location: str, where: str) -> SupportLog:
        """Open a log this one archives to (its credentials, when both are on Google)."""
        target = parse_target(where)
        recorded = (
            f'this log archives to {location} (an "archive_log" line of its hidden settings tab)'
        )
        if target.path is not None and not target.path.exists():
            raise ConfigError(
                f"{recorded}, which is missing: put it back, or remove that line if it is"
                " gone for good"
            )
        credentials = None
        if target.spreadsheet_id is not None:
            credentials = getattr(getattr(self.backend, "http", None), "auth", None)
        try:
            other = open(where, credentials=credentials)
        except SheetlogError as exc:
            raise ConfigError(f"{recorded}, which cannot be opened: {exc}") from exc
        self._opened.append(other)
        return other

    # --- passes -------------------------------------------------------------------------

    def archive(
        self,
        older_than: str | timedelta = "7d",
        dry_run: bool = False,
        now: datetime | None = None,
        archive_to: SupportLog | None = None,
        signer: Signer | None = None,
        tsa: str | None = None,
    ) -> ArchiveResult:
        """Move closed rows resolved before ``now - older_than`` into ``Archive YYYY-MM`` tabs.

        Crash-safe and idempotent; see ``sheetlog.passes.archive`` for how. On Google a pass
        costs 4 calls whatever the number of rows, unless the rows to move exceed one
        request's advised 2 MB: then each further batch of them costs 4 more (stage,
        read, finish, read). A workbook is saved once.
        ``archive_to`` puts the archive tabs in another log (for a live sheet nearing
        Google's cell limit), with the same guarantees: this log remembers it and treats
        its archive tabs as its own (``sheetlog.passes.archive_to``), and a pass whose last write
        here failed after the rows reached it is finished by the next (``finished``).
        Log rows may not sit under merged cells while rows move (refused, naming them).
        Each row archived becomes a leaf of the log's Merkle tree in the same write, and
        each write that adds leaves records a checkpoint signed by ``signer`` (required
        once ``keygen`` recorded a key; see ``sheetlog.passes.tree``) and, with ``tsa``
        (a Time-Stamping Authority's URL), timestamped by it (one request a checkpoint).
        The first pass brings rows archived before the tree existed into it.
        """
        from .passes import archive as archiving
        from .passes.tree import Sealing

        sealing = Sealing(signer, tsa)
        age = periods.parse_age(older_than)
        moment = now or datetime.now(UTC)
        # the archived Ticket IDs (rows repeating one are kept back as errors); the target
        # tabs themselves are read once the rows to move are known
        scope = LOG_SCOPE | Scope.of(archiving.STAGING_TAB, TREE_TAB, probe=(LEAVES_TAB,))
        scope |= ID_INDEX_SCOPE
        with self.backend.transaction():
            first = Scope.of(UNSEALED_TAB) | Scope(probe_prefixes=EARLIER)
            snapshot, settings = self.read(scope | first)
            if not dry_run:  # timeline lines written since, earlier rows: sealed first
                self._seal_waiting(settings.template, sealing, snapshot)
                if archive_to is not None:
                    archive_to._seal_waiting(settings.template, sealing, strict=False)
            snapshot = self._archived_ids(snapshot, settings, archive_to=archive_to)
            template = settings.template
            landed = self._landed(snapshot, template, archive_to)  # an interrupted pass's
            done = archiving.tickets_elsewhere(snapshot, template)
            chosen, kept_invalid = archiving.choose(
                snapshot, template, moment, age, {row.row for row in landed}
            )
            log_tab = snapshot.tabs[LOG_TAB]
            if chosen or landed:  # rows moving up under a merge lose the cells it covers
                refuse_merged(log_tab.merged, LOG_TAB, "archiving (it deletes rows)")
            result = archiving.ArchiveResult(kept_invalid=kept_invalid, dry_run=dry_run)
            if dry_run:
                result.tabs = archiving.count_targets(chosen)
                result.finished = len(landed)
                return result
            header = log_tab.header
            remember = self._remember_archive_log(snapshot, archive_to)
            sized_as = new_op_id()  # each batch's pass id is as long: its rows carry it
            parts = batches(
                self.backend,
                chosen,
                lambda rows: archiving.stage_ops(header, list(rows), sized_as, None, log_tab),
            ) or [[]]  # no new rows: still finish what an interrupted pass staged
            for batch in parts:
                leftover = archiving.staged_rows(snapshot, template)  # an interrupted pass's
                titles = sorted({row.tab for row in (*batch, *leftover)})
                targets = Scope.of(*titles, TREE_TAB, probe=SEAL_PROBE)
                if batch or landed:
                    step = archiving.Stage(batch, landed, remember)
                    snapshot = self._stage(snapshot, template, step, scope | targets, result)
                    landed, remember = [], []
                elif leftover:
                    snapshot = snapshot.merged(self.backend.read(targets))
                pending = archiving.staged_rows(snapshot, template)
                if pending:
                    self._finish_archive(
                        snapshot, template, pending, result, archive_to, done, sealing
                    )
                    # Log is as the stage's read left it; the next batch reads its targets
                    snapshot = snapshot.without(archiving.STAGING_TAB)
        return result

    def _landed(
        self, snapshot: Snapshot, template: Template, archive_to: SupportLog | None
    ) -> list[archiving.Staged]:
        """Log rows a log this one archives to holds already, cell for cell: an
        ``--archive-to`` pass wrote them there and died before the live log's write.
        Reads whole only the tabs of those logs that hold one of Log's Ticket IDs."""
        from .passes import archive as archiving
        from .passes import archive_to as elsewhere

        wanted = archiving.archived_again(snapshot, template)
        if not wanted:
            return []
        logs = {other.location: other for other in self._archive_logs(snapshot, archive_to)}
        whole = Snapshot({})
        for location, titles in wanted.items():
            theirs = logs[location].backend.read(Scope.of(*titles))
            whole = elsewhere.joined(whole, theirs, location)
        return archiving.landed(snapshot, template, whole)

    def _seal(self, snapshot: Snapshot, sealing: Sealing, strict: bool = True) -> Seal:
        """This log's tree as ``snapshot`` (its settings) holds it, ready to take leaves
        and sealed as ``sealing`` says. Refuses a key the log does not record, and no key
        once it records one; not ``strict`` (a log archived to), a log recording no key
        keeps unsigned checkpoints."""
        from .passes import tree

        signer = sealing.signer
        try:
            state = tree.frontier(snapshot)
            problem = tree.integrity_problem(snapshot)
        except ValueError as exc:
            state, problem = None, str(exc)
        if problem:
            raise ConfigError(
                f"{self.location}: {problem}; nothing was sealed (run sheetlog verify; put"
                " the tab back from the file's or the spreadsheet's version history)"
            )
        keys = tree.recorded_keys(snapshot)
        if signer is None and keys:
            raise ConfigError(
                f"{self.location} signs its checkpoints ({keys[0]}): give its private key"
                " with --signing-key or $SHEETLOG_SIGNING_KEY; nothing was archived"
            )
        if signer is not None and not keys and not strict:
            signer = None
        if signer is not None and signer.verifier not in keys:
            raise ConfigError(
                f"--signing-key: {signer.verifier} is not a key of {self.location}"
                " (sheetlog keygen records one); nothing was archived"
            )
        kept = replace(sealing, signer=signer)
        return tree.Seal(state if state is not None else Frontier(), kept)

    def _sealed_ops(self, snapshot: Snapshot, seal: Seal, result: ArchiveResult) -> list[Op]:
        """The writes that record ``seal``'s leaves and its checkpoint (none without
        leaves); the checkpoint goes to ``result`` and so to the Audit line."""
        from .passes import tree

        if not seal.leaves and tree.frontier(snapshot) is not None:
            return []
        signer, tsa = seal.sealing.signer, seal.sealing.tsa
        origin = signer.name if signer is not None else _key_name(self.location)
        checkpoint = seal.checkpoint(origin)
        result.checkpoint, result.note = checkpoint, tree.sign(checkpoint, signer)
        return seal.ops(snapshot, tree.checkpoint_lines(result.note, tsa, required=False))

    def _seal_waiting(
        self,
        template: Template,
        sealing: Sealing,
        snapshot: Snapshot | None = None,
        strict: bool = True,
    ) -> int:
        """Seal what waits for this log's tree, in one write: the timeline lines written
        since the last pass, and (once) the rows archived before the log had a tree.
        ``snapshot``: a read of the settings, the tree, the waiting leaves, whether the
        leaves tab is there and which archive tabs there are (without it, one read makes
        it); returns how many. One write, and one more read the first time."""
        from .passes import leaves, tree
        from .passes.archive import ArchiveResult

        with self.backend.transaction():
            if snapshot is None:
                scope = Scope.of(SETTINGS_TAB, TREE_TAB, UNSEALED_TAB, probe=(LEAVES_TAB,))
                snapshot = self.backend.read(scope | Scope(probe_prefixes=EARLIER))
            seal = self._seal(snapshot, sealing, strict)
            titles = [
                title
                for title in [*snapshot.tabs, *snapshot.probed]
                if is_archive_title(title) or title.startswith(MESSAGES_PREFIX)
            ]
            earlier = titles if tree.frontier(snapshot) is None else []
            waiting, _ = leaves.read_leaves(snapshot, UNSEALED_TAB)
            if not (earlier or waiting):
                return 0
            if earlier:  # the one read of every archive tab a log ever needs
                scope = Scope.of(SETTINGS_TAB, TREE_TAB, UNSEALED_TAB, *earlier)
                snapshot = self.backend.read(scope | Scope.of(probe=(LEAVES_TAB,)))
            waiting = leaves.read_leaves(snapshot, UNSEALED_TAB)[0]
            for tab, rows in tree.legacy_rows(snapshot, template, waiting):
                seal.add_rows(template, tab.title, tab.header, rows)
            seal.add_unsealed(waiting)
            result = ArchiveResult()
            ops = self._sealed_ops(snapshot, seal, result)
            if ops:
                before = len(seal.leaves) - len(seal.unsealed)
                what = [f"{before} records written before the tree"] * bool(earlier)
                what += [f"{len(seal.unsealed)} timeline lines"] * bool(seal.unsealed)
                details = f"sealed {' and '.join(what)} into the tree; " + (
                    tree.checkpoint_words(result.note)
                )
                self.commit("archive", ops, LEAVES_TAB, str(len(seal.leaves)), details)
            return len(seal.leaves)

    def _remember_archive_log(self, snapshot: Snapshot, archive_to: SupportLog | None) -> list[Op]:
        """The settings line that makes this log remember ``archive_to``, if it does not yet;
        written with the first rows staged, before any row reaches the other log."""
        from .passes import archive_to as elsewhere

        if archive_to is None:
            return []
        op = elsewhere.record_op(snapshot, archive_to.location, self.location)
        return [op] if op is not None else []

    def verify(
        self, against: str | None = None, since: str | None = None, key: str | None = None
    ) -> Verification:
        """Recompute every archive tab's Row Hash chain and the Merkle tree over archived
        rows and timeline lines (one read): each leaf against its record, the root
        against the latest checkpoint and its signature. ``against`` is a digest line
        taken earlier, whose chain heads must still be there unchanged; ``since``, a
        checkpoint kept earlier, of which the tree must be an extension (a consistency
        proof). ``key``: the public key the checkpoints must be signed by, as its owner
        gave it (the keys the log records are in the sheet, where editors can change
        them). The logs this one archives to are read once each, their trees (which seal
        the rows archived there) checked too."""
        from .model.signed_note import Verifier
        from .passes import archive_to as elsewhere
        from .passes import evidence, tree_verify

        try:
            keys = [Verifier.parse(key)] if key else None
        except ValueError as exc:
            raise ConfigError(f"--key: {exc} (the public key keygen printed)") from None
        scope = ARCHIVES_SCOPE | MESSAGES_SCOPE | Scope.of(LEAVES_TAB, TREE_TAB, UNSEALED_TAB)
        snapshot, settings = self.read(scope)
        theirs: list[tuple[str, Snapshot]] = []
        for other in self._archive_logs(snapshot):
            read = other.backend.read(ARCHIVES_SCOPE | Scope.of(SETTINGS_TAB, LEAVES_TAB, TREE_TAB))
            snapshot = elsewhere.joined(snapshot, read, other.location)
            theirs.append((other.location, read))
        result = evidence.verify(snapshot, settings.template)
        tree_verify.verify_tree(snapshot, settings.template, result, keys)
        for location, read in theirs:
            there = evidence.Verification()
            tree_verify.verify_tree(read, settings.template, there)
            named = {(p.tab, p.row) for p in result.problems}  # by the chain: said once
            retitled = [replace(p, tab=f"{p.tab} ({location})") for p in there.problems]
            result.problems += [p for p in retitled if not p.row or (p.tab, p.row) not in named]
        result.problems += self._attachment_problems(snapshot)
        found = evidence.check_digest(snapshot, against) if against else []
        found += tree_verify.since(snapshot, since, keys) if since else []
        result.problems += [evidence.ChainProblem("", 0, "", problem) for problem in found]
        return result

    def _attachment_problems(self, snapshot: Snapshot) -> list[ChainProblem]:
        """Each file a timeline line attached that is no longer kept as it was sealed
        (every kept file hashed again: one listing on Google, each file read locally)."""
        from .passes import attachments

        refs = attachments.referenced(snapshot)
        if not refs:
            return []
        kept = setting_values(snapshot, attachments.FOLDER_SETTING)
        stored = self.backend.stored_attachments(kept[0]) if kept else {}
        return attachments.problems(refs, stored)

    def retention(
        self,
        older_than: str | int = "24m",
        action: str = "anonymize",
        dry_run: bool = False,
        now: datetime | None = None,
        only: Sequence[str] | None = None,
    ) -> RetentionResult:
        """Anonymize (``action="anonymize"``) or delete (``"delete"``) archive tabs whose
        month is older than the policy; one read and one atomic write. ``only`` limits the
        pass to these tabs (the ones a person confirmed after a dry run). An anonymized
        cell derives from its row's Row Hash, so ``verify`` checks it
        (``sheetlog.passes.evidence.anonymized``)."""
        from .passes import retention, tree

        if action not in ("anonymize", "delete"):
            raise ConfigError("retention needs --anonymize or --delete")
        months = periods.parse_months(older_than)
        with self.backend.transaction():
            snapshot, settings = self.read(ARCHIVES_SCOPE | Scope.of(TREE_TAB))
            template = settings.template
            titles = retention.expired_tabs(snapshot, months, now or datetime.now(UTC), template)
            titles = [title for title in titles if only is None or title in only]
            result = retention.RetentionResult(action, titles, dry_run=dry_run)
            if action == "delete":
                try:
                    ops = retention.delete_ops(titles) + tree.deleted_ops(snapshot, titles)
                except ValueError as exc:
                    raise ConfigError(f"{self.location}: {exc}; run sheetlog verify") from None
            else:
                ops, result.cells = retention.anonymize_ops(snapshot, template, titles)
            if ops and not dry_run:
                details = f"{action} {', '.join(titles)} (older than {months}m)"
                self.commit("retention", ops, ", ".join(titles), str(result.cells), details)
        return result

    def forget(self, customer: str, dry_run: bool = False) -> ForgetResult:
        """Erase one customer: anonymize the personal cells of every row whose customer
        cell is ``customer`` (stripped, ignoring case) in Log and the archive tabs, and the
        Author of their tickets' timeline lines that ``customer`` wrote, with values derived
        from what the Row Hash chain and the tree commit to: ``verify`` and proofs made
        before still pass (``sheetlog.passes.forget``). NotFoundError when no row has it.

        One read (Log, the archive and Messages tabs), plus one of each log this one
        archives to; one atomic write with an Audit line that names no customer (first,
        one in each of those logs that holds their rows: a rerun finishes a failed one).
        """
        from .passes import forget
        from .passes.archive import STAGING_TAB

        with self.backend.transaction(), ExitStack() as others:
            staging = Scope.of(probe=(STAGING_TAB,))
            snapshot, settings = self.read(LOG_SCOPE | ARCHIVES_SCOPE | MESSAGES_SCOPE | staging)
            if snapshot.exists(STAGING_TAB):  # rows of an interrupted pass, not yet archived
                raise ConfigError(
                    f"{self.location}: an archive pass was interrupted and its rows wait in"
                    f' the hidden "{STAGING_TAB}" tab; run sheetlog archive first, then forget'
                )
            logs = {other.location: other for other in self._archive_logs(snapshot)}
            for other in logs.values():  # held until their writes, as this one is
                others.enter_context(other.backend.transaction())
            snapshot = self._with_archives_elsewhere(snapshot, ARCHIVES_SCOPE)
            plan = forget.plan(snapshot, settings.template, customer)
            plan.result.dry_run = dry_run
            if dry_run:
                return plan.result
            mine = plan.ops.pop("", [])
            for location, ops in plan.ops.items():
                theirs = ", ".join(sorted({op.tab for op in ops}))
                details = f"forgot a customer of {self.location}: {len(ops)} cells in {theirs}"
                logs[location].commit("forget", ops, theirs, str(len(ops)), details)
            changed = {**plan.result.cells, **plan.result.authors}
            details = f"forgot a customer: {plan.result.describe()}"
            self.commit("forget", mine, ", ".join(changed), str(sum(changed.values())), details)
        return plan.result

    def _stage(
        self,
        snapshot: Snapshot,
        template: Template,
        step: archiving.Stage,
        scope: Scope,
        result: ArchiveResult,
    ) -> Snapshot:
        """Archive step 2 for one batch (copy to staging, delete from Log if unchanged);
        returns the log as it is afterwards (step 3)."""
        from .passes import archive as archiving

        pass_id = new_op_id()
        staging_tab = snapshot.tab(archiving.STAGING_TAB)
        log_tab = snapshot.tabs[LOG_TAB]
        batch = archiving.located(snapshot, step.rows)  # where this snapshot holds them
        if not (batch or step.landed):
            return snapshot
        ops = [
            *step.extra,
            *archiving.stage_ops(log_tab.header, batch, pass_id, staging_tab, log_tab, step.landed),
        ]
        if batch:
            staging = Scope.of(archiving.STAGING_TAB)
            self.write_once(ops, staging, lambda snap: pass_id in archiving.staged_passes(snap))
        else:  # only rows already archived leave Log: the Audit line is the write's receipt
            where = ", ".join(sorted({row.tab for row in step.landed}))
            details = f"finished an interrupted pass: {len(step.landed)} rows (already in {where})"
            self.commit("archive", ops, LOG_TAB, str(len(step.landed)), details)
        snapshot = self.read(scope)[0]
        in_log = archiving.tickets_in(snapshot.tab(LOG_TAB), template.roles.id)
        result.finished += sum(row.ticket not in in_log for row in step.landed)
        return snapshot

    def _finish_archive(
        self,
        snapshot: Snapshot,
        template: Template,
        pending: list[archiving.Staged],
        result: ArchiveResult,
        archive_to: SupportLog | None,
        done: set[str],
        sealing: Sealing,
    ) -> None:
        """Append staged rows to their archive tabs (here or elsewhere) as leaves of that
        log's tree, then drop staging; ``done``: the Ticket IDs of the logs this one
        archives to (already archived)."""
        from .passes import archive as archiving

        drop = DeleteTab(archiving.STAGING_TAB)
        if archive_to is None:
            seal = self._seal(snapshot, sealing)
            found = archiving.finish_ops(snapshot, snapshot, template, pending, done, seal)
            found.ops += self._sealed_ops(snapshot, seal, result)
            result.add(found)
            # staging goes first: the same atomic write, but a local workbook frees its
            # rows before their archive copies are made
            self.commit(
                "archive",
                [drop, *found.ops],
                LOG_TAB,
                str(result.moved),
                archiving.describe(result),
            )
            return
        with archive_to.backend.transaction():
            titles = sorted({row.tab for row in pending})
            targets = Scope.of(*titles, SETTINGS_TAB, TREE_TAB, probe=(receipts_tab(), *SEAL_PROBE))
            elsewhere = archive_to.backend.read(targets)
            seal = archive_to._seal(elsewhere, sealing, strict=False)
            found = archiving.finish_ops(snapshot, elsewhere, template, pending, done, seal)
            found.ops += archive_to._sealed_ops(elsewhere, seal, result)
            result.add(found)
            details = f"from {self.location}: {archiving.describe(result)}"
            archive_to.commit("archive", found.ops, LOG_TAB, str(result.moved), details)
        details = f"to {archive_to.location}: {archiving.describe(result)}"
        self.commit("archive", [drop], LOG_TAB, str(result.moved), details)

    def init(self, template: str | None = None) -> InitResult:
        """Provision the workbook for ``template`` (default: the stored one, else standard).

        Idempotent: a second run plans nothing and writes nothing.
        """
        from .passes.provision import plan_init

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

    def summary(self, month: str | Month | None = None, write: bool = True) -> MonthlySummary:
        """The figures of ``month`` (``YYYY-MM``; default: last month in the log's timezone)
        over Log and the archive tabs; ``write`` also writes or replaces ``Summary YYYY-MM``.

        Costs one read, plus one atomic write (the tab, its charts and the Audit line).
        """
        from .passes.summary import monthly_summary

        now = datetime.now(UTC)
        chosen = Month.parse(month) if month is not None else None
        with self.backend.transaction():
            snapshot, settings = self.summary_snapshot(chosen, now)
            template = settings.template
            month_asked = chosen or Month.before(now, template.tz)
            figures = monthly_summary(snapshot, template, month_asked, now)
            if write:
                self.write_summary(figures, snapshot, now)
        return figures

    def summary_snapshot(self, month: Month | None, now: datetime) -> tuple[Snapshot, Settings]:
        """What a summary of ``month`` (None: last month in the log's zone) reads, in one
        read: Log, the archive and Messages tabs its rows can be in, and where the
        summary tabs are."""
        from .passes.summary import archive_titles, messages_titles

        # last month in the log's zone is known once the settings are read: from the
        # month before last in UTC, any zone's is covered
        first = month or Month.before(now, ZoneInfo("UTC")).preceding()
        scope = LOG_SCOPE | Scope.of(*archive_titles(first, now))
        scope |= Scope.of(*messages_titles(first, now))  # where their timelines can be
        scope |= Scope(probe_prefixes=(SUMMARY_PREFIX,))
        snapshot, settings = self.read(scope)
        snapshot = self._with_archives_elsewhere(snapshot, Scope.of(*archive_titles(first, now)))
        return snapshot, settings

    def write_summary(self, figures: MonthlySummary, snapshot: Snapshot, now: datetime) -> None:
        """Write (or replace, at its place) the tab of ``figures``, one atomic write;
        ``snapshot``: this log as read, with where its summary tabs are."""
        from .passes.summary_tab import summary_ops

        details = (
            f"{figures.label}: {figures.interactions} interactions,"
            f" {figures.backlog_open} open at month end,"
            f" {figures.excluded_rows} rows left out"
        )
        self.commit("summary", summary_ops(figures, snapshot, now), figures.tab, "", details)

    def to_dataframe(self, include_archives: bool = True) -> pd.DataFrame:
        """Every row of Log (and the archive tabs) as canonical values, one column per
        template column, plus ``tab`` and ``row`` (the sheet row): for your own analysis."""
        from .passes.frame import SPOILED, log_frame

        snapshot, settings = self.read(
            LOG_SCOPE | (ARCHIVES_SCOPE if include_archives else LOG_SCOPE)
        )
        if include_archives:
            snapshot = self._with_archives_elsewhere(snapshot, ARCHIVES_SCOPE)
        frame = log_frame(snapshot, settings.template, include_archives)
        return frame.drop(columns=SPOILED)

    # --- day-to-day: find, followups, status, export (one read each, no write) --------

    def find(
        self,
        *,
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
        ``row``; ``history`` adds the Audit lines that name its ticket. One read; with
        ``ticket``, two: the archived-ID index first, then only the archive tabs that
        hold the ticket (and those the index does not cover).
        """
        from .passes import queries
        from .passes.frame import log_frame

        audit = AUDIT_SCOPE | MESSAGES_SCOPE if history else LOG_SCOPE
        if ticket:
            snapshot, settings = self.read(LOG_SCOPE | ID_INDEX_SCOPE | audit)
        else:
            snapshot, settings = self.read(LOG_SCOPE | ARCHIVES_SCOPE | audit)
            snapshot = self._with_archives_elsewhere(snapshot, ARCHIVES_SCOPE)
        template = settings.template
        query = queries.Query.build(
            template,
            ticket=ticket,
            customer=customer,
            agent=agent,
            status=status,
            tag=tag,
            since=since,
            until=until,
            text=text,
        )
        wanted = ticket_key(query.ticket) if query.ticket else None
        if wanted is not None:
            snapshot = self._archives_holding(snapshot, settings, wanted)
        frame = log_frame(snapshot, template, as_typed=True, ticket=wanted)
        rows = queries.find_rows(frame, template, query)
        if history:
            return queries.Found(rows, template, queries.attach_history(rows, snapshot, template))
        return queries.Found(rows, template)

    def timeline(self, ticket: str, *, now: datetime | None = None) -> Timeline:
        """``ticket``'s messages, status changes and Audit lines in time order, and the
        figures they give (first response, replies, reopens, one-touch, waits); reads as
        ``find --ticket --history`` does."""
        from .passes.timeline import build_timeline

        found = self.find(ticket=ticket, history=True)
        if not found.rows:
            raise NotFoundError(f'no ticket "{ticket}" in Log or the archive tabs')
        if len(found.rows) > 1:
            places = ", ".join(f"{row['tab']} row {row['row']}" for row in found.rows)
            raise InvalidInput(f'ticket "{ticket}" is on {places}; make it unique first')
        moment = now or datetime.now(UTC)
        return build_timeline(found.rows[0], found.messages, found.template, moment)

    def followups(self, days: int = 0, today: date | None = None) -> queries.Followups:
        """Open tickets whose follow-up date has passed (``overdue``) or falls between
        ``today`` (default: today in the log's timezone) and ``days`` days later. One read."""
        from .passes import queries
        from .passes.frame import log_frame

        snapshot, settings = self.read(LOG_SCOPE)
        template = settings.template
        day = today or datetime.now(template.tz).date()
        frame = log_frame(snapshot, template, as_typed=True)
        return queries.due_followups(frame, template, day, days)

    def status(self, now: datetime | None = None) -> queries.LogStatus:
        """Rows in Log, open tickets by age, archive tabs, cells used against Google's
        limit and the last Audit lines. Reads Log, Audit and the archived-ID index (archive
        tabs are counted there, and only the tabs it does not cover are read); every other
        tab is only sized."""
        from .passes import queries
        from .passes.frame import log_frame

        scope = LOG_SCOPE | AUDIT_SCOPE | ID_INDEX_SCOPE | EVERY_TAB_SIZED
        snapshot, settings = self.read(scope)
        cells = queries.cells_used(snapshot)
        snapshot = self._archived_ids(snapshot, settings)
        frame = log_frame(snapshot, settings.template, include_archives=False)
        moment = now or datetime.now(UTC)
        return queries.log_status(snapshot, frame, settings.template, moment, cells)

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
        from .model.formats import check_output
        from .passes import export as exporting
        from .passes import queries

        first, last = queries.parse_day(since, "--from"), queries.parse_day(until, "--to")
        periods.check_span(first, last, "--from", "--to")
        target = None
        if path is not None:  # never over the workbook itself, nor a file of another format
            target = (Path(path), exporting.format_for(Path(path), fmt))
            check_output(*target, "--output", Path(self.location))
        snapshot, settings = self.read(LOG_SCOPE | (LOG_SCOPE if tabs == "log" else ARCHIVES_SCOPE))
        if tabs != "log":
            snapshot = self._with_archives_elsewhere(snapshot, ARCHIVES_SCOPE)
        frame = exporting.export_frame(snapshot, settings.template, tabs, first, last, redact)
        if target is not None:
            exporting.write(frame, target[1], target[0])
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
        from .passes.validate import plan_validation

        if fix and not flag:
            raise ConfigError("--fix writes to the sheet, so it cannot go with --no-flag")
        if not 0 <= stale_days <= periods.MAX_DAYS:
            raise ConfigError(
                f"--stale-days must be 0 or more and at most {periods.MAX_DAYS}, not {stale_days}"
            )
        moment = now or datetime.now(UTC)
        if moment.tzinfo is None:
            raise ConfigError("validate needs an aware 'now' (with a time zone)")
        with self.backend.transaction():
            snapshot, settings = self.read(LOG_SCOPE | ID_INDEX_SCOPE)
            snapshot = self._archived_ids(snapshot, settings)
            plan = plan_validation(
                snapshot,
                settings.template,
                moment,
                stale_days,
                self.location,
                fix,
                flag,
                strict,
                chars_per_cell=self.backend.chars_per_cell,
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
            limit = self.backend.chars_per_cell
            row, op = plan_append(snapshot, settings.template, values, moment, limit)
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
        from .passes.messages import status_change_ops

        moment = now or datetime.now(UTC)
        with self.backend.transaction():
            snapshot, settings = self.read(LOG_SCOPE | MESSAGES_PROBE)
            limit = self.backend.chars_per_cell
            try:
                plan = plan_update(snapshot, settings.template, ticket, changes, moment, limit)
            except NotFoundError:  # say where it went, if it was archived
                snapshot = self._archived_ids(snapshot, settings, again=True)
                plan = plan_update(snapshot, settings.template, ticket, changes, moment, limit)
            if plan.changes:
                details = f"{plan.ticket}: {describe_changes(plan.changes)}"
                status = settings.template.roles.status  # the timeline records its changes
                timeline = status_change_ops(snapshot, plan.ticket, plan.changes, status, moment)
                ops = [*plan.ops, *timeline]
                self.commit("update", ops, LOG_TAB, f"{plan.ticket} (row {plan.row})", details)
        return UpdateResult(plan.ticket, plan.row, plan.changes, plan.values)

    def message(
        self,
        ticket: str,
        text: str,
        *,
        sender: str = "customer",
        at: str | datetime | None = None,
        author: str | None = None,
        channel: str | None = None,
        now: datetime | None = None,
    ) -> Message:
        """Add one line to ``ticket``'s timeline: a customer message, an agent reply or an
        internal note (``sender``: customer, agent, note). ``at`` (default now) may not
        come before the ticket's Contact Start; author and channel default to the
        ticket's Customer or Agent and Channel. An archived ticket takes messages too.
        One read and one write (and one more read to find an archived ticket's row)."""
        from .passes.messages import messages_ops, plan_message

        moment = now or datetime.now(UTC)
        with self.backend.transaction():
            snapshot, settings = self.read(LOG_SCOPE | MESSAGES_PROBE)
            template = settings.template
            values = self._ticket_values(snapshot, settings, ticket)
            limit = self.backend.chars_per_cell
            line = plan_message(template, values, text, sender, at, moment, author, channel, limit)
            details = f"{line.kind} on {line.ticket} at {line.cells()[1]}"
            ops = messages_ops(snapshot, [line])
            self.commit("message", ops, line.tab, line.ticket, details)
        return line

    def _ticket_values(
        self, snapshot: Snapshot, settings: Settings, ticket: str
    ) -> dict[str, CellValue]:
        """The cells of ``ticket``'s row in Log (read) or, one read more, its archive tab
        (found through the index); NotFoundError when neither holds it."""
        from .passes.messages import ticket_values

        try:
            return ticket_values(snapshot, settings.template, ticket)
        except NotFoundError:
            found = snapshot.merged(self.backend.read(ID_INDEX_SCOPE))
            found = self._archives_holding(found, settings, ticket_key(ticket))
            return ticket_values(found, settings.template, ticket)

    def attach(
        self,
        ticket: str,
        paths: Sequence[str | os.PathLike[str]],
        *,
        sender: str = "note",
        at: str | datetime | None = None,
        now: datetime | None = None,
    ) -> list[Message]:
        """Attach files to ``ticket``: each is kept once, by its SHA-256, beside the log (a
        workbook's folder, a Drive folder beside the spreadsheet) and a timeline line
        (``sender``: note by default, customer or agent) says so with a link to it. The
        line is sealed into the tree with the hash; ``verify`` checks the bytes. One read,
        one upload a file (on Google), one write."""
        from .passes import attachments
        from .passes.messages import messages_ops, plan_message

        files = attachments.read_files([Path(p) for p in paths])  # before anything is kept
        moment = now or datetime.now(UTC)
        with self.backend.transaction():
            snapshot, settings = self.read(LOG_SCOPE | MESSAGES_PROBE)
            template = settings.template
            values = self._ticket_values(snapshot, settings, ticket)
            limit = self.backend.chars_per_cell
            planned = [
                plan_message(template, values, f.said(), sender, at, moment, None, None, limit)
                for f in files
            ]
            kept = setting_values(snapshot, attachments.FOLDER_SETTING)
            folder = kept[0] if kept else None
            lines = []
            for file, line in zip(files, planned, strict=True):
                link, folder = self.backend.store_attachment(file.stored_name, file.data, folder)
                lines.append(replace(line, attachment=Link(file.name, link)))
            ops = messages_ops(snapshot, lines)
            if not kept and folder is not None:
                ops.append(setting_op(attachments.FOLDER_SETTING, folder))
            names = ", ".join(f.name for f in files)
            details = f"{lines[0].ticket}: attached {names}"
            self.commit("attach", ops, lines[0].tab, lines[0].ticket, details)
        return lines

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
            snapshot = self._with_archives_elsewhere(snapshot, ARCHIVES_SCOPE)
            template = settings.template
            plan = plan_import(
                snapshot,
                template,
                entries,
                mapping or {},
                now or datetime.now(UTC),
                progress,
                self.backend.chars_per_cell,
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

    def keygen(self, key_file: str | os.PathLike[str], name: str | None = None) -> Verifier:
        """Make the key pair that signs this log's checkpoints: the private key goes to
        ``key_file`` (created, readable by its owner only; never into the sheet), the
        public key to the settings tab, and is returned. ``name`` defaults to the log's
        (file name or spreadsheet id). A file that exists is refused, never overwritten."""
        from .model.signed_note import Signer

        path = Path(key_file)
        try:
            signer = Signer.generate(name or _key_name(self.location))
        except ValueError as exc:
            raise ConfigError(f"--name: {exc}") from None
        try:  # created readable by its owner only (O_EXCL: never over another key)
            handle = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            raise ConfigError(f"{path} exists: a signing key is never overwritten") from None
        except OSError as exc:
            raise ConfigError(f"cannot write {path}: {exc.strerror}") from None
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(f"{signer}\n")
        try:
            with self.backend.transaction():
                self.read(Scope())  # an initialised log, or a clear error
                op = setting_op(SIGNING_KEY, str(signer.verifier))
                self.commit("keygen", [op], SETTINGS_TAB, "", f"signing key {signer.verifier}")
        except BaseException:
            path.unlink(missing_ok=True)  # no private key whose public half was not kept
            raise
        return signer.verifier

    def checkpoint(self, signer: Signer | None = None, tsa: str | None = None) -> Recorded:
        """The latest checkpoint of the log's tree, as a note (one read). With ``signer``
        (a key the log records), the tree's head is signed now and recorded: the way to
        sign a tree sealed before the log had a key, or to sign it again with a new one;
        with ``tsa`` too, timestamped by that Time-Stamping Authority."""
        from .passes import tree

        with self.backend.transaction():
            if tsa and signer is None:
                raise ConfigError(
                    "--tsa timestamps a checkpoint as it is signed: give --signing-key too"
                )
            leaves = Scope.of(LEAVES_TAB) if signer is not None else Scope.of(probe=(LEAVES_TAB,))
            snapshot, _ = self.read(Scope.of(TREE_TAB) | leaves)
            if signer is None:
                try:
                    found = tree.latest(snapshot)
                except ValueError as exc:
                    problem = f"the latest checkpoint: {exc}; run sheetlog verify"
                    raise ConfigError(f"{self.location}: {problem}") from None
                if found is None:
                    raise NotFoundError(f"{self.location}: {_NOTHING_SEALED}")
                return found
            seal = self._seal(snapshot, tree.Sealing(signer, tsa))
            if not seal.tree.size:
                raise NotFoundError(f"{self.location}: {_NOTHING_SEALED}")
            if not tree.same_hash(seal.tree.root(), tree.leaves_root(snapshot)):
                raise ConfigError(
                    f"{self.location}: the tree's state does not match its leaves, so it is"
                    " not signed; run sheetlog verify"
                )
            checkpoint = seal.checkpoint(signer.name)
            note = tree.sign(checkpoint, signer)
            lines = tree.checkpoint_lines(note, tsa)
            ops = settings_set_ops(snapshot, lines, TREE_TAB)
            self.commit("checkpoint", ops, TREE_TAB, "", tree.checkpoint_words(note))
        token = lines[tree.TIMESTAMP_SETTING]
        return tree.Recorded(note, checkpoint, base64.b64decode(token) if token else None)

    def proof(self, ticket: str, line: int | None = None) -> Proof:
        """The evidence of an archived ticket's row that checks offline (``check_proof``):
        the row and its salt, its place in the tree, the audit path and the latest signed
        checkpoint; with ``line`` (from 1), of the ticket's sealed timeline line of that
        number instead (in the order they were sealed). Two reads (the tree, then the
        record's tab); refuses a record that no longer matches its leaf, and a checkpoint
        not signed yet."""
        return self._proof(*self.read(Scope.of(LEAVES_TAB, TREE_TAB)), ticket, line)

    def _proof(
        self, snapshot: Snapshot, settings: Settings, ticket: str, line: int | None = None
    ) -> Proof:
        """``proof`` over a read of the tree and its leaves: one more read, the row's tab."""
        from .model import merkle
        from .passes import leaves, proofs, tree

        ordered = leaves.in_order(leaves.read_leaves(snapshot)[0])
        kind = leaves.is_messages_title if line is not None else is_archive_title
        mine = [
            leaf
            for leaf in ordered
            if kind(leaf.tab) and ticket_key(leaf.ticket) == ticket_key(ticket)
        ]
        if line is not None and not 1 <= line <= len(mine):
            raise NotFoundError(
                f"{ticket} has {len(mine)} timeline lines in the tree of {self.location}, no"
                f" line {line} (the archive pass seals lines written since the last one)"
            )
        if not mine:
            raise NotFoundError(
                f"{ticket} has no archived row in the tree of {self.location}: a proof covers"
                " archived rows (sheetlog archive seals them)"
            )
        leaf = mine[line - 1] if line is not None else mine[-1]  # archived again: the latest
        if leaf.index < tree.deleted_tabs(snapshot).get(leaf.tab, 0):
            raise NotFoundError(
                f"{ticket}: retention deleted {leaf.tab}, its row with it; its leaf stays in"
                " the tree, but a proof needs the row"
            )
        note = tree.latest_note(snapshot)
        keys = tree.recorded_keys(snapshot)
        if note is None or "\n\n" not in note or not keys:
            raise ConfigError(
                f"{self.location}: the latest checkpoint is not signed, so no one could check"
                " a proof: run sheetlog keygen, then sheetlog checkpoint --signing-key KEY"
            )
        archived = self.read(Scope.of(leaf.tab))[0].tab(leaf.tab) or Tab(leaf.tab, [])
        pii = settings.template.pii_names
        found = (
            leaves.record_leaf(leaf.tab, archived.header, cells, leaf, pii)
            for _, cells in data_rows(archived)
        )
        data = next((data for data in found if data is not None), None)
        if data is None:
            raise ConfigError(
                f"{ticket}: its row in {leaf.tab} no longer matches its leaf {leaf.index}"
                " (run sheetlog verify); no proof was made"
            )
        hashes = [entry.hash for entry in ordered]
        try:
            checkpoint = tree.opened(note, keys)
        except ValueError as exc:
            raise ConfigError(f"{self.location}: the latest checkpoint: {exc}") from None
        covered = hashes[: checkpoint.size]
        if (
            leaf.index >= checkpoint.size
            or [entry.index for entry in ordered[: checkpoint.size]] != list(range(len(covered)))
            or not tree.same_hash(merkle.root(covered), checkpoint.root)
        ):
            raise ConfigError(
                f"{self.location}: the leaves no longer hash to the latest checkpoint (of"
                f" {checkpoint.size}), so a proof of leaf {leaf.index} would not check; run"
                " sheetlog verify"
            )
        return proofs.build(data, leaf.index, covered, note)

    def casefile(self, ticket: str, *, now: datetime | None = None) -> CaseFile:
        """What the log holds on ``ticket``, for an arbitrator: its rows (Log and archive),
        its timeline lines, the Audit lines naming it, and the proof of its archived row
        when the latest checkpoint is signed (else why there is none). At most four reads:
        those of ``find --ticket --history`` (one for a ticket only Log holds, else two),
        the tree, and the archived row's tab for its proof."""
        from .passes import casefile, tree

        found = self.find(ticket=ticket, history=True)
        if not found.rows:
            raise NotFoundError(f'no ticket "{ticket}" in Log or the archive tabs')
        snapshot, settings = self.read(Scope.of(LEAVES_TAB, TREE_TAB))
        keys = tree.recorded_keys(snapshot)
        proof, why = None, ""
        try:
            proof = casefile.case_proof(self._proof(snapshot, settings, ticket), keys)
        except (NotFoundError, ConfigError) as exc:  # not archived, or not signed: say why
            why = str(exc)
        moment = now or datetime.now(UTC)
        return casefile.gather(found, self.location, moment, proof, why)

    def import_helpdesk(
        self,
        paths: Sequence[str | os.PathLike[str]],
        helpdesk: str,
        *,
        account_zone: str | None = None,
        all_or_nothing: bool = False,
        now: datetime | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> HelpdeskImport:
        """Import a helpdesk's export (``zendesk``, ``freshdesk``, ``zammad``; its API JSON
        or UI CSV, tickets and conversations in one or several files) without a map:
        new tickets become Log rows, a ticket already in Log whose status changed is
        updated (Audit and the timeline record it), and messages not yet on the timeline
        are added. Importing the same export again adds nothing. ``account_zone``: the
        zone of times the export writes without an offset (default: the log's)."""
        from .passes.helpdesk import read_exports

        moment = now or datetime.now(UTC)
        _, settings = self.read(Scope())  # the settings: the log's zone
        zone = ZoneInfo(account_zone) if account_zone else settings.template.tz
        export = read_exports([Path(path) for path in paths], helpdesk, zone)
        records = [Record(n, row, "ticket") for n, row in enumerate(export.rows, start=1)]
        names = ", ".join(Path(path).name for path in paths)
        tickets = self.import_rows(
            records,
            all_or_nothing=all_or_nothing,
            source=f"{helpdesk} export {names}",
            now=moment,
            progress=progress,
        )
        result = HelpdeskImport(tickets, [], 0, export.duplicates, export.skipped)
        if all_or_nothing and tickets.rejected:
            return result
        timed = {ticket_key(m.ticket) for m in export.messages if m.status_pair() is not None}
        result.updated, refused = self._helpdesk_statuses(export.rows, helpdesk, moment, timed)
        result.skipped += refused
        rejected = {
            ticket_key(row.get("Ticket ID")) for row in _rejected_rows(export.rows, tickets)
        }
        wanted = {ticket_key(row.get("Ticket ID")) for row in export.rows} - rejected
        result.messages = self._add_messages(export.messages, wanted, f"{helpdesk} export {names}")
        return result

    def _helpdesk_statuses(
        self,
        rows: Sequence[Mapping[str, CellValue]],
        helpdesk: str,
        moment: datetime,
        timed: set[str],
    ) -> tuple[list[str], list[str]]:
        """Bring the Status (and Resolved At) of Log's tickets up to what ``rows`` say, in
        one write: the tickets changed, and those that could not be (a row Log holds
        twice, or whose other cells no longer pass). ``timed`` (``ticket_key``s): tickets
        whose status changes the export itself times, so none is added for them."""
        from .passes.messages import status_change_ops

        with self.backend.transaction():
            snapshot, settings = self.read(LOG_SCOPE | MESSAGES_PROBE)
            template = settings.template
            roles = template.roles
            current = _statuses(snapshot, template)
            ops: list[Op] = []
            changed: list[str] = []
            refused: list[str] = []
            notes: list[str] = []
            for row in rows:
                key = ticket_key(row.get(roles.id))
                if key not in current or current[key] == row.get(roles.status):
                    continue  # archived, not imported, or no change: nothing to write
                wanted = {
                    roles.status: row.get(roles.status),
                    roles.resolved: row.get(roles.resolved),
                }
                try:
                    plan = plan_update(snapshot, template, str(row.get(roles.id)), wanted, moment)
                except InvalidInput as problem:
                    refused.append(f"{row.get(roles.id)}: status not updated ({problem})")
                    continue
                ops += plan.ops
                if key not in timed:  # when the helpdesk resolved it, if it says
                    when = timestamp_or_none(plan.values.get(roles.resolved)) or moment
                    ops += status_change_ops(
                        snapshot, plan.ticket, plan.changes, roles.status, when
                    )
                changed.append(plan.ticket)
                notes.append(f"{plan.ticket}: {describe_changes(plan.changes)}")
            if ops:
                details = f"from the {helpdesk} export: " + "; ".join(notes)
                self.commit("import", ops, LOG_TAB, ", ".join(changed), details)
        return changed, refused

    def _add_messages(self, messages: Sequence[Message], tickets: set[str], source: str) -> int:
        """Append the ``messages`` of ``tickets`` that the timeline does not hold yet, in
        writes under the backend's request limit; how many were added."""
        from .passes.messages import messages_ops, new_messages, storable

        limit = self.backend.chars_per_cell
        lines = [storable(message, limit) for message in messages]  # before any write
        months = Scope.of(*sorted({line.tab for line in lines}), probe=(UNSEALED_TAB,))
        with self.backend.transaction():
            snapshot, _ = self.read(months)
            fresh = new_messages(snapshot, lines, tickets)
            read = snapshot  # parts are sized with the ops as the first would write them
            for part in batches(self.backend, fresh, lambda part: messages_ops(read, part)):
                details = f"imported {len(part)} messages from {source}"
                span = f"{part[0].ticket} … {part[-1].ticket}" if len(part) > 1 else part[0].ticket
                self.commit("import", messages_ops(snapshot, part), "Messages", span, details)
                snapshot = snapshot.merged(Snapshot({UNSEALED_TAB: Tab(UNSEALED_TAB, [])}))
        return len(fresh)


def _statuses(snapshot: Snapshot, template: Template) -> dict[str, CellValue]:
    """Each Log ticket's Status, by ``ticket_key``."""
    tab, roles = snapshot.tabs[LOG_TAB], template.roles
    found: dict[str, CellValue] = {}
    for _, cells in data_rows(tab):
        values = row_values(tab.header, cells)
        found.setdefault(ticket_key(values.get(roles.id)), values.get(roles.status))
    return found


_NOTHING_SEALED = "no checkpoint yet: the first archive pass seals the archived rows"


def read_signer(path: str | os.PathLike[str]) -> Signer:
    """The signing key in a file ``keygen`` wrote; a clear error when it is not one."""
    from .model.signed_note import Signer

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"--signing-key {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        text = ""
    try:
        return Signer.parse(text)
    except ValueError as exc:
        raise ConfigError(
            f"--signing-key {path}: {exc} (a file sheetlog keygen wrote: PRIVATE+KEY+...)"
        ) from None


def _key_name(location: str) -> str:
    """A signing key's default name: the workbook's file name or the spreadsheet's id,
    spaces and "+" made dashes (a note key name holds neither)."""
    name = _short_name(location)
    return "sheetlog-" + "".join("-" if c.isspace() or c == "+" else c for c in name)


def _short_name(location: str) -> str:
    """A log's name for people: its workbook's file name, or its spreadsheet's id."""
    return location.split("/d/")[1].split("/")[0] if "/d/" in location else Path(location).name


def _rejected_rows(
    rows: Sequence[Mapping[str, CellValue]], result: ImportResult
) -> list[Mapping[str, CellValue]]:
    """The export rows ``import_rows`` rejected (``ticket N``: the Nth row)."""
    numbers = {int(r.where.split()[-1]) for r in result.rejected if r.where.startswith("ticket ")}
    return [row for n, row in enumerate(rows, start=1) if n in numbers]


def _tabs_holding(
    backend: Backend, snapshot: Snapshot, settings: Settings, ticket: str
) -> Snapshot:
    """The archive tabs of ``backend`` where ``snapshot``'s index places ``ticket`` (a
    ``ticket_key``), and those it does not cover, read whole (no read when none)."""
    built, uncovered = indexed_archives(snapshot, settings.template.roles.id)
    titles = [
        title
        for title, tab in built.items()
        if any(ticket_key(cells[0]) == ticket for cells in tab.rows[1:] if cells)
    ]
    titles += uncovered
    return backend.read(Scope.of(*titles)) if titles else Snapshot({})


def _ids_where_kept(backend: Backend, snapshot: Snapshot, settings: Settings) -> Snapshot:
    """``snapshot`` (of ``backend``, holding ``ID_INDEX_SCOPE``) with every archive tab's
    Ticket IDs: from the index where it covers a tab, else read from the tab, narrowed to
    its Ticket ID column (read again where a tab keeps it in another column)."""
    id_column = settings.template.roles.id
    built, uncovered = indexed_archives(snapshot, id_column)
    snapshot = snapshot.merged(Snapshot(built))
    if uncovered:  # tabs from before the index: their Ticket ID columns (one read)
        read = backend.read(archived_ids_scope())
        snapshot = snapshot.merged(Snapshot({t: read.tabs[t] for t in uncovered if t in read.tabs}))
        columns = misplaced_ids(snapshot, id_column)
        if columns:
            read = backend.read(archived_ids_scope((ID_COLUMN_GUESS, *columns)))
            snapshot = snapshot.merged(
                Snapshot({t: read.tabs[t] for t in uncovered if t in read.tabs})
            )
    return snapshot


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
    from .backends.gauth import DRIVE_FILE_SCOPE, SHEETS_SCOPE
    from .backends.google import GoogleBackend

    # drive.file: the attachments sheetlog uploads and the folder it makes, nothing else
    creds, acting = _google_credentials(credentials, [SHEETS_SCOPE, DRIVE_FILE_SCOPE])
    return SupportLog(GoogleBackend(where.spreadsheet_id, creds, acting))


def rollup(
    logs: Sequence[SupportLog | str | os.PathLike[str]],
    month: str | Month | None = None,
    *,
    to: SupportLog | str | os.PathLike[str] | None = None,
    credentials: CredentialsArg = None,
) -> MonthlySummary:
    """One monthly summary across several logs of the same template and timezone (local
    and Google mixed), with a line per log; with ``to``, written there as the tab
    ``Summary YYYY-MM (N logs)``. One read of each log, one write to ``to``."""
    if len(logs) < 2:
        raise ConfigError("a summary across logs needs two logs or more (--sheet A --sheet B)")
    now = datetime.now(UTC)
    chosen = Month.parse(month) if month is not None else None
    with ExitStack() as mine:  # the logs opened here are closed here

        def opened(log: SupportLog | str | os.PathLike[str]) -> SupportLog:
            if isinstance(log, SupportLog):
                return log
            return mine.enter_context(open(log, credentials))

        read = [(log.location, *log.summary_snapshot(chosen, now)) for log in map(opened, logs)]
        return _rolled_up(read, chosen, now, opened(to) if to is not None else None)


def _rolled_up(
    read: list[tuple[str, Snapshot, Settings]],
    chosen: Month | None,
    now: datetime,
    target: SupportLog | None,
) -> MonthlySummary:
    """The summary of the logs ``read`` (location, snapshot, settings), written to
    ``target`` when given."""
    from .passes.summary import combined_summary

    template = read[0][2].template
    for location, _, settings in read[1:]:
        other = settings.template
        if (other.name, other.timezone) != (template.name, template.timezone):
            raise ConfigError(
                f"{location} keeps the {other.name} template in {other.timezone}, and"
                f" {read[0][0]} the {template.name} template in {template.timezone}:"
                " only logs of one template and timezone can be summed up together"
            )
    labels = _labels([location for location, _, _ in read])
    logs_read = [(label, snapshot) for label, (_, snapshot, _) in zip(labels, read, strict=True)]
    figures = combined_summary(logs_read, template, chosen or Month.before(now, template.tz), now)
    figures.tab_title = f"{figures.tab} ({len(read)} logs)"
    if target is not None:
        with target.backend.transaction():
            scope = Scope(probe_prefixes=(SUMMARY_PREFIX,)) | Scope.of(probe=(figures.tab,))
            snapshot, _ = target.read(scope)
            target.write_summary(figures, snapshot, now)
    return figures


def _labels(locations: Sequence[str]) -> list[str]:
    """Short names for logs: a workbook's file name, a spreadsheet's id; numbered when two
    are the same."""
    names = [_short_name(location) for location in locations]
    return [
        name if names.count(name) == 1 else f"{n}. {name}" for n, name in enumerate(names, start=1)
    ]


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
