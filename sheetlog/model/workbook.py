"""The fixed shape of a sheetlog workbook: tab names, the settings tab, the Audit tabs.

Audit lines go to one tab a month (``Audit YYYY-MM``, by UTC date), so adding one
never costs the whole history; a log from before keeps its single ``Audit`` tab,
read beside the monthly ones."""

from __future__ import annotations

import getpass
import re
import socket
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from ..errors import ConfigError
from .ops import AddTab, AppendRows, Op, SetCells
from .sheetdata import CellValue, Scope, Snapshot, Tab
from .templates import Template, parse_template

LOG_TAB = "Log"
LEGACY_AUDIT_TAB = "Audit"
AUDIT_PREFIX = "Audit "
SETTINGS_TAB = "_sheetlog"
ARCHIVE_PREFIX = "Archive "
SUMMARY_PREFIX = "Summary "
MESSAGES_PREFIX = "Messages "
TAB_FAMILIES = (ARCHIVE_PREFIX, AUDIT_PREFIX, SUMMARY_PREFIX, MESSAGES_PREFIX)
"""Title prefixes of the tabs that come one a month; a read can ask for a whole family."""
ARCHIVE_TITLE = re.compile(r"Archive \d{4}-(?:0[1-9]|1[0-2])")
"""The title of an archive tab, whole: ``Archive YYYY-MM``."""

SETTINGS_HEADER = ("Setting", "Value")
CHART_KEY = "chart:"
CHART_HEADER = ("Chart on tab", "Chart spec")
CHART_COL = 4  # column D of the settings tab (1-based); the settings proper use A:B
AUDIT_HEADER = ("When", "Who", "Command", "Tab", "Rows", "Details", "Op ID")
AUDIT_TIME = "%Y-%m-%d %H:%M:%S UTC"
"""How an Audit line's When is written (UTC, to the second)."""


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


SIGNING_KEY = "signing_key"
"""The settings key of a public key that signs this log's checkpoints (one line each)."""


def setting_values(snapshot: Snapshot, key: str, title: str = SETTINGS_TAB) -> list[str]:
    """Every value the settings tab (or another tab of key-value lines, ``title``) holds
    under ``key``, in order, once each (a key a log keeps several of, such as the logs it
    archives to or its signing keys)."""
    tab = snapshot.tab(title)
    if tab is None:
        return []
    found = [
        str(row[1]).strip()
        for row in tab.rows[1:]
        if len(row) >= 2 and str(row[0]).strip() == key and row[1]
    ]
    return list(dict.fromkeys(found))


def setting_op(key: str, value: str) -> AppendRows:
    """The write that adds the line ``key``, ``value`` under the settings tab's last line
    (an append: two writers adding a line at once each get their own)."""
    return AppendRows(SETTINGS_TAB, ((key, value),))


def _settings_lines(snapshot: Snapshot, title: str = SETTINGS_TAB) -> list[tuple[int, str]]:
    """A key-value tab's data lines that name a key: (sheet row, key)."""
    tab = snapshot.tab(title)
    rows = tab.rows if tab is not None else []
    return [
        (number, str(row[0]).strip())
        for number, row in enumerate(rows, start=1)
        if number > 1 and row and row[0] not in (None, "")
    ]


def settings_set_ops(
    snapshot: Snapshot, values: Mapping[str, str], title: str = SETTINGS_TAB
) -> list[Op]:
    """The writes that make each key of ``values`` hold its value in a key-value tab (a
    hidden one is made when ``snapshot`` saw none): a key it has is written over in its
    (first) line, a new one in a line under the last."""
    where: dict[str, int] = {}
    for number, key in _settings_lines(snapshot, title):
        where.setdefault(key, number)
    ops: list[Op] = []
    if not snapshot.exists(title):
        ops.append(AddTab(title, SETTINGS_HEADER, hidden=True))
    ops += [SetCells(title, where[k], 1, ((v,),)) for k, v in values.items() if k in where]
    new = tuple((k, v) for k, v in values.items() if k not in where)
    if new:  # appended: two writers adding lines at once each get their own
        ops.append(AppendRows(title, new))
    return ops


def hidden_rows(
    snapshot: Snapshot, title: str, header: tuple[str, ...], rows: tuple[tuple[CellValue, ...], ...]
) -> list[Op]:
    """Append ``rows`` to a hidden tab of sheetlog's own, made with them when missing
    (a tab another writer made meanwhile is found and written to, not made twice);
    ``snapshot`` read or probed it, so Google need not look it up."""
    if snapshot.exists(title):
        return [AppendRows(title, rows)]
    return [AppendRows(title, rows, header=header, hidden=True)]


BASE_SCOPE = Scope.of(SETTINGS_TAB, probe=(LOG_TAB,))
"""What every command reads: the settings, and whether there is a Log."""

LOG_SCOPE = Scope.of(LOG_TAB)
ARCHIVES_SCOPE = Scope.of(prefixes=(ARCHIVE_PREFIX,))
ID_COLUMN_GUESS = 0
"""Where the archive tabs' Ticket ID usually is (column A in every shipped template)."""


def is_archive_title(title: str) -> bool:
    """Whether ``title`` names an archive tab: exactly ``Archive YYYY-MM``. Reads select
    candidates by ``ARCHIVE_PREFIX``; what they return is filtered by this (a person's own
    ``Archive notes`` tab is read, and is no archive)."""
    return ARCHIVE_TITLE.fullmatch(title) is not None


def is_archive(tab: Tab) -> bool:
    """Whether a tab read is an archive tab: titled ``Archive YYYY-MM``, or an archive tab
    of another log this one archives to (``Tab.elsewhere``, see ``SupportLog.archive``)."""
    return bool(tab.elsewhere) or is_archive_title(tab.title)


def archive_tabs(snapshot: Snapshot) -> list[Tab]:
    """The archive tabs read (``is_archive``), in tab order; those of another log this one
    archives to come last."""
    return [tab for tab in snapshot.tabs.values() if is_archive(tab)]


ID_INDEX_TAB = "_sheetlog_ids"
ID_INDEX_HEADER = ("Archive tab", "First row", "Ticket IDs")
ID_INDEX_CHARS = 30_000  # a cell of the index: under both xlsx's and Google's limit
LEAVES_TAB = "_sheetlog_leaves"
"""The hidden tab of the Merkle tree's leaves (``sheetlog.passes.tree``)."""
UNSEALED_TAB = "_sheetlog_unsealed"
"""The hidden tab of leaves written with timeline lines, until a pass seals them."""
TREE_TAB = "_sheetlog_tree"
"""The hidden tab of the tree's state and latest checkpoint, key-value lines."""
ID_INDEX_SCOPE = Scope.of(ID_INDEX_TAB) | Scope(probe_prefixes=(ARCHIVE_PREFIX,))
"""The index of archived Ticket IDs, and which archive tabs there are."""
EVERY_TAB_SIZED = Scope(probe_prefixes=("",), sized=True)
"""Every tab's position and size, without its rows."""


def id_index_rows(title: str, first_row: int, ids: list[str]) -> list[tuple[str, int, str]]:
    """Index lines for ``ids``, the Ticket IDs of ``title``'s rows from ``first_row`` on,
    one after another: one line per cell's worth of them."""
    lines: list[tuple[str, int, str]] = []
    start, used = first_row, 0
    chunk: list[str] = []
    for offset, ticket in enumerate(ids):
        if chunk and used + len(ticket) + 1 > ID_INDEX_CHARS:
            lines.append((title, start, "\n".join(chunk)))
            start, chunk, used = first_row + offset, [], 0
        chunk.append(ticket)
        used += len(ticket) + 1
    if chunk:
        lines.append((title, start, "\n".join(chunk)))
    return lines


def indexed_archives(snapshot: Snapshot, id_column: str) -> tuple[dict[str, Tab], list[str]]:
    """The archive tabs there are (read or probed), as tabs holding only their Ticket ID
    column, built from the index where it covers a tab from its first row on without a
    gap (the archive pass indexes every row it moves); and the titles it does not cover,
    whose Ticket IDs must be read from the tabs."""
    present = {
        title: tab.index
        for title, tab in {**snapshot.probed, **snapshot.tabs}.items()
        if is_archive_title(title)
    }
    spans: dict[str, list[tuple[int, list[str]]]] = {}
    index = snapshot.tab(ID_INDEX_TAB)
    for cells in index.rows[1:] if index is not None else []:
        if len(cells) < 3 or str(cells[0]) not in present:
            continue
        try:  # Google reads every number back as a float
            first = int(cells[1]) if isinstance(cells[1], int | float) else int(str(cells[1]))
        except (TypeError, ValueError, OverflowError):
            continue
        spans.setdefault(str(cells[0]), []).append((first, str(cells[2]).split("\n")))
    built: dict[str, Tab] = {}
    for title, found in spans.items():
        rows: list[list[CellValue]] = [[id_column]]
        for first, ids in sorted(found):
            if first != len(rows) + 1:
                break  # a gap: rows the index does not hold
            rows += [[ticket] for ticket in ids]
        else:
            built[title] = Tab(title, rows, index=present[title])
    return built, sorted(set(present) - set(built))


def archived_ids_scope(columns: tuple[int, ...] = (ID_COLUMN_GUESS,)) -> Scope:
    """The Ticket ID column of every archive tab (their header rows come whole)."""
    return Scope().narrowed(ARCHIVE_PREFIX, columns)


def misplaced_ids(snapshot: Snapshot, id_column: str) -> tuple[int, ...]:
    """The columns where archive tabs read narrowed keep their Ticket ID, when it is not
    among the columns read: those tabs need reading again, narrowed to these."""
    found: set[int] = set()
    for tab in snapshot.tabs.values():
        header = tab.header
        if is_archive(tab) and id_column in header:
            at = header.index(id_column)
            if at != ID_COLUMN_GUESS:
                found.add(at)
    return tuple(sorted(found))


def require_settings(snapshot: Snapshot, location: str) -> Settings:
    """The stored settings, or a clear error saying to run init first."""
    settings = read_settings(snapshot)
    if settings is not None and not snapshot.exists(LOG_TAB):
        raise ConfigError(
            f'{location} has no "{LOG_TAB}" tab: run "sheetlog init" to add an empty one'
        )
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
    moment = now.astimezone(UTC).strftime(AUDIT_TIME)
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


def row_values(header: list[str], row: list[CellValue]) -> dict[str, CellValue]:
    """A ragged row as {column name: value} by header position."""
    return {name: (row[i] if i < len(row) else None) for i, name in enumerate(header) if name}


# --- what a person renamed: a header column, the Log tab ---------------------------------


def renamed_columns(expected: Sequence[str], header: Sequence[str]) -> dict[str, str]:
    """For each column of ``expected`` that ``header`` lacks, the header name it seems
    renamed to: one spelled the same but for case and spaces, else the only name
    ``expected`` does not know standing between the columns that flank it there."""
    names = [str(name).strip() for name in header]
    known = set(expected)
    strangers = [name for name in names if name and name not in known]
    found: dict[str, str] = {}
    for at, column in enumerate(expected):
        if column in names:
            continue
        same = [n for n in strangers if n.casefold().split() == column.casefold().split()]
        if not same:
            before = max((names.index(c) for c in expected[:at] if c in names), default=-1)
            after = min((names.index(c) for c in expected[at + 1 :] if c in names), default=None)
            same = [n for n in names[before + 1 : after] if n in strangers]
        if len(same) == 1 and same[0] not in found.values():
            found[column] = same[0]
    return found


def lacking(missing: Sequence[str], renamed: Mapping[str, str]) -> str:
    """``'Customer' (renamed to 'Client'?), 'Tags'``: missing columns, with their new names."""
    return ", ".join(
        f"{name!r} (renamed to {renamed[name]!r}?)" if name in renamed else repr(name)
        for name in missing
    )


def renamed_log(snapshot: Snapshot, expected: Sequence[str]) -> str | None:
    """When a tab read looks like the Log renamed (not one of sheetlog's own tabs, with a
    header holding the template's first column and most of its others), a sentence that
    names it; else None."""
    own = (ARCHIVE_PREFIX, AUDIT_PREFIX, SUMMARY_PREFIX, LEGACY_AUDIT_TAB, SETTINGS_TAB)
    found = []
    for title, tab in snapshot.tabs.items():
        if title == LOG_TAB or title.startswith(own) or tab.elsewhere:
            continue
        header = set(tab.header)
        if expected and expected[0] in header and 2 * len(header & set(expected)) > len(expected):
            found.append(f'"{title}"')
    if not found:
        return None
    if len(found) == 1:
        return f'the {LOG_TAB} tab seems renamed to {found[0]}: rename it back to "{LOG_TAB}"'
    return (
        f"the {LOG_TAB} tab seems renamed: {', '.join(found)} all look like it;"
        f' rename the right one back to "{LOG_TAB}"'
    )
