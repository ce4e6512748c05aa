"""Archive tabs kept in another log (``archive --archive-to``), treated as the live log's own.

A live sheet nearing Google's cell limit can archive into another spreadsheet or
workbook. Its archive tabs there still belong to it: the live log remembers where
they are (an ``archive_log`` line in its hidden settings tab, written by the archive
pass in the same write that stages the rows), and every command that looks at
archives reads them beside its own: Ticket IDs stay unique across both (append,
import, update, validate, archive), and ``find``, ``summary``, ``status``, ``export``
and ``verify`` see their rows. A tab read from another log is keyed and titled
``Archive YYYY-MM (<where>)`` and marked with ``Tab.elsewhere``.

A workbook's location is kept relative to the live workbook's folder when both are
local, so a shared folder opened at another path still finds it.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from ..backends.target import parse_target
from ..errors import ConfigError
from ..model.ops import AppendRows
from ..model.sheetdata import Snapshot, Tab
from ..model.workbook import SETTINGS_TAB, is_archive_title, setting_op, setting_values

ARCHIVE_LOG_KEY = "archive_log"
"""The settings line naming a log this one archives to (one line each)."""


def recorded(snapshot: Snapshot) -> list[str]:
    """The logs this one archives to, as its settings tab (read by every command) names them."""
    return setting_values(snapshot, ARCHIVE_LOG_KEY)


def _path(location: str) -> Path | None:
    """The workbook path of a location; None for a spreadsheet (or a log in memory)."""
    try:
        return parse_target(location).path
    except ConfigError:
        return None


def resolved(location: str, live: str) -> str:
    """A recorded location as a log opens it: a relative workbook path is taken from the
    live workbook's folder (``live``: the live log's location)."""
    path = _path(location)
    if path is None:
        return location
    if not path.is_absolute():
        here = _path(live)
        path = (here.parent if here is not None else Path.cwd()) / path
    return str(path.resolve())


def stored(location: str, live: str) -> str:
    """How to record ``location`` (a log's ``location``) in the settings of the log at
    ``live``: relative to its folder when both are workbooks, else as it is."""
    here, there = _path(live), _path(location)
    if here is None or there is None:
        return location
    try:
        return os.path.relpath(there, here.parent)
    except ValueError:  # another drive (Windows)
        return location


def record_op(snapshot: Snapshot, location: str, live: str) -> AppendRows | None:
    """The write that records ``location`` in the settings tab, unless it is there."""
    if snapshot.tab(SETTINGS_TAB) is None:
        return None
    if resolved(location, live) in {resolved(r, live) for r in recorded(snapshot)}:
        return None
    return setting_op(ARCHIVE_LOG_KEY, stored(location, live))


def title(own: str, location: str) -> str:
    """The title a tab of the log at ``location`` goes by in this log's snapshot."""
    return f"{own} ({location})"


def own_title(tab: Tab) -> str:
    """The title a tab read from another log has there."""
    return tab.title.removesuffix(f" ({tab.elsewhere})") if tab.elsewhere else tab.title


def joined(snapshot: Snapshot, theirs: Snapshot, location: str) -> Snapshot:
    """``snapshot`` plus the archive tabs of ``theirs`` (read from the log at ``location``),
    keyed and titled ``title(...)`` and marked as elsewhere; their other tabs are left out."""
    added = {
        title(name, location): replace(tab, title=title(name, location), elsewhere=location)
        for name, tab in theirs.tabs.items()
        if is_archive_title(name)
    }
    return Snapshot({**snapshot.tabs, **added}, dict(snapshot.probed))


def kept_elsewhere(snapshot: Snapshot) -> dict[str, list[str]]:
    """The archive tabs of other logs that ``snapshot`` holds, by location (their titles
    there)."""
    found: dict[str, list[str]] = {}
    for tab in snapshot.tabs.values():
        if tab.elsewhere:
            found.setdefault(tab.elsewhere, []).append(own_title(tab))
    return found
