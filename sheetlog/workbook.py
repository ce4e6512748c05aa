"""The fixed shape of a sheetlog workbook: tab names, the settings tab, the Audit tabs.

Audit lines go to one tab a month (``Audit YYYY-MM``, by UTC date), so adding one
never costs the whole history; a log from before keeps its single ``Audit`` tab,
read beside the monthly ones."""

from __future__ import annotations

import getpass
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from .errors import ConfigError
from .ops import AppendRows
from .sheetdata import CellValue, Scope, Snapshot, Tab
from .templates import Template, parse_template

LOG_TAB = "Log"
LEGACY_AUDIT_TAB = "Audit"
AUDIT_PREFIX = "Audit "
SETTINGS_TAB = "_sheetlog"
ARCHIVE_PREFIX = "Archive "
SUMMARY_PREFIX = "Summary "
TAB_FAMILIES = (ARCHIVE_PREFIX, AUDIT_PREFIX, SUMMARY_PREFIX)
"""Title prefixes of the tabs that come one a month; a read can ask for a whole family."""

SETTINGS_HEADER = ("Setting", "Value")
CHART_KEY = "chart:"
CHART_HEADER = ("Chart on tab", "Chart spec")
CHART_COL = 4  # column D of the settings tab (1-based); the settings proper use A:B
AUDIT_HEADER = ("When", "Who", "Command", "Tab", "Rows", "Details", "Op ID")


@dataclass(frozen=True)
class Settings:
    """What a workbook remembers about itself, so a nightly job needs only ``--sheet``."""

    template: Template
    template_source: str

    def rows(self) -> tuple[tuple[str, str], ...]:
        """The settings tab's data rows."""
        return (
            ("template", self.template.name),
            ("template_version", str(self.template.version)),
            ("timezone", self.template.timezone),
            ("template_toml", self.template_source),
        )


def read_settings(snapshot: Snapshot) -> Settings | None:
    """The settings stored in the workbook, or None when it was never initialised."""
    tab = snapshot.tab(SETTINGS_TAB)
    if tab is None:
        return None
    values = {str(row[0]): str(row[1]) for row in tab.rows[1:] if len(row) >= 2 and row[0]}
    source = values.get("template_toml")
    if not source:
        raise ConfigError(
            f'the hidden "{SETTINGS_TAB}" tab has no template; run "sheetlog init" again'
        )
    return Settings(parse_template(source, f'the "{SETTINGS_TAB}" tab'), source)


BASE_SCOPE = Scope.of(SETTINGS_TAB, probe=(LOG_TAB,))
"""What every command reads: the settings, and whether there is a Log."""

LOG_SCOPE = Scope.of(LOG_TAB)
ARCHIVES_SCOPE = Scope.of(prefixes=(ARCHIVE_PREFIX,))
ID_COLUMN_GUESS = 0
"""Where the archive tabs' Ticket ID usually is (column A in every shipped template)."""


def archived_ids_scope(columns: tuple[int, ...] = (ID_COLUMN_GUESS,)) -> Scope:
    """The Ticket ID column of every archive tab (their header rows come whole)."""
    return Scope().narrowed(ARCHIVE_PREFIX, columns)


def misplaced_ids(snapshot: Snapshot, id_column: str) -> tuple[int, ...]:
    """The columns where archive tabs read narrowed keep their Ticket ID, when it is not
    among the columns read: those tabs need reading again, narrowed to these."""
    found: set[int] = set()
    for title, tab in snapshot.tabs.items():
        header = tab.header
        if title.startswith(ARCHIVE_PREFIX) and id_column in header:
            at = header.index(id_column)
            if at != ID_COLUMN_GUESS:
                found.add(at)
    return tuple(sorted(found))


def require_settings(snapshot: Snapshot, location: str) -> Settings:
    """The stored settings, or a clear error saying to run init first."""
    settings = read_settings(snapshot)
    if settings is None or not snapshot.exists(LOG_TAB):
        raise ConfigError(f'{location} is not a sheetlog log yet: run "sheetlog init" first')
    return settings


def chart_tabs(settings: Tab) -> set[str]:
    """The tabs whose charts the settings tab keeps specs of (a local workbook draws
    them afresh from these on every full save)."""
    at = CHART_COL - 1
    return {
        str(row[at]).removeprefix(CHART_KEY)
        for row in settings.rows[1:]
        if len(row) > at and str(row[at]).startswith(CHART_KEY)
    }


def who() -> str:
    """The person or machine account running this command, for the Audit tab."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def new_op_id() -> str:
    """A unique id for one write, stored in Audit so a lost reply can be checked."""
    return uuid.uuid4().hex


def audit_tab(moment: datetime) -> str:
    """The Audit tab of ``moment``'s month (UTC)."""
    return f"{AUDIT_PREFIX}{moment.astimezone(UTC):%Y-%m}"


AUDIT_SCOPE = Scope.of(LEGACY_AUDIT_TAB, prefixes=(AUDIT_PREFIX,))
"""Every Audit tab: the monthly ones and a log's older single one."""


def audit_entry(
    command: str, tab: str, rows: str, details: str, op_id: str, now: datetime
) -> AppendRows:
    """One Audit line, in the month's tab (created on its first line); every write
    sheetlog makes carries exactly one."""
    moment = now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    line = (moment, who(), command, tab, rows, details, op_id)
    return AppendRows(audit_tab(now), (line,), header=AUDIT_HEADER)


def audit_tabs(snapshot: Snapshot) -> list[Tab]:
    """The Audit tabs read, oldest first (the single tab of an older log leads)."""
    found = [tab for title, tab in snapshot.tabs.items() if title.startswith(AUDIT_PREFIX)]
    legacy = snapshot.tab(LEGACY_AUDIT_TAB)
    return ([legacy] if legacy else []) + sorted(found, key=lambda tab: tab.title)


def audit_op_ids(snapshot: Snapshot) -> set[str]:
    """The op ids recorded in the Audit tabs read (the receipts of applied writes)."""
    column = AUDIT_HEADER.index("Op ID")
    return {
        str(row[column])
        for tab in audit_tabs(snapshot)
        for row in tab.rows[1:]
        if len(row) > column and row[column]
    }


def data_rows(tab: Tab) -> list[tuple[int, list[CellValue]]]:
    """(sheet row number, values) of every row below the header that has any content."""
    found = []
    for index, row in enumerate(tab.rows[1:], start=2):
        if any(v is not None and str(v).strip() != "" for v in row):
            found.append((index, row))
    return found
