"""``SupportLog``: the library's face. Each pass lives in its own module; this class
opens the backend, reads, and commits writes with an Audit receipt."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType

from google.auth.credentials import Credentials

from .backends.base import Backend, Op, Snapshot
from .backends.gauth import DRIVE_FILE_SCOPE, SHEETS_SCOPE, load_credentials
from .backends.google import GoogleBackend, UncertainWrite
from .backends.local import LocalBackend
from .errors import BackendError, ConfigError
from .provision import plan_init
from .target import parse_target
from .templates import DEFAULT_TEMPLATE, Template, parse_template, template_text
from .validation import ValidationReport, plan_validation
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
        if fix and not flag:
            raise ConfigError("--fix writes to the sheet, so it cannot go with --no-flag")
        if stale_days < 0:
            raise ConfigError(f"--stale-days must be 0 or more, not {stale_days}")
        moment = now or datetime.now(UTC)
        if moment.tzinfo is None:
            raise ConfigError("validate needs an aware 'now' (with a time zone)")
        with self.backend.transaction():
            snapshot, settings = self.read()
            plan = plan_validation(
                snapshot, settings.template, moment, stale_days, self.location, fix, flag, strict
            )
            if plan.ops:
                self.commit("validate", plan.ops, LOG_TAB, plan.audit_rows(), plan.audit_details())
                plan.report.written = True
        return plan.report


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
