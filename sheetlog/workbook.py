"""The fixed shape of a sheetlog workbook: tab names, the settings tab, the Audit tab."""

from __future__ import annotations

import getpass
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from .backends.base import AppendRows, CellValue, Snapshot, Tab
from .errors import ConfigError
from .templates import Template, parse_template

LOG_TAB = "Log"
AUDIT_TAB = "Audit"
SETTINGS_TAB = "_sheetlog"
ARCHIVE_PREFIX = "Archive "
SUMMARY_PREFIX = "Summary "

SETTINGS_HEADER = ("Setting", "Value")
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


def require_settings(snapshot: Snapshot, location: str) -> Settings:
    """The stored settings, or a clear error saying to run init first."""
    settings = read_settings(snapshot)
    if settings is None or snapshot.tab(LOG_TAB) is None:
        raise ConfigError(f'{location} is not a sheetlog log yet: run "sheetlog init" first')
    return settings


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


def audit_entry(
    command: str, tab: str, rows: str, details: str, op_id: str, now: datetime | None = None
) -> AppendRows:
    """One Audit line; every write sheetlog makes carries exactly one."""
    moment = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M:%S UTC")
    return AppendRows(AUDIT_TAB, ((moment, who(), command, tab, rows, details, op_id),))


def audit_op_ids(snapshot: Snapshot) -> set[str]:
    """The op ids already recorded in Audit (the receipts of applied writes)."""
    tab = snapshot.tab(AUDIT_TAB)
    if tab is None:
        return set()
    column = AUDIT_HEADER.index("Op ID")
    return {str(row[column]) for row in tab.rows[1:] if len(row) > column and row[column]}


def data_rows(tab: Tab) -> list[tuple[int, list[CellValue]]]:
    """(sheet row number, values) of every row below the header that has any content."""
    found = []
    for index, row in enumerate(tab.rows[1:], start=2):
        if any(v is not None and str(v).strip() != "" for v in row):
            found.append((index, row))
    return found
