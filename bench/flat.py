"""Does a command cost what it touches? Whole ``sheetlog`` processes on a workbook with a
long history (a short Log, months of archive tabs) beside the same Log with none, each
pair measured alternately in one job so both see the same machine; the read-only
commands against a floor process that reads every tab with python-calamine; start-up
against ``python -c "import click"``; and a dozen writers queueing on one workbook.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .history import NEW_ENTRY, History, Run, finish, sheetlog_command, start, timed

FLAT = ("append", "update", "message", "validate")
"""The commands timed with history and without (each on a fresh copy)."""
READS = ("find", "status")
FLOOR = "read-every-tab"
STARTUP = ("help", "import-click")
HISTORY, NONE = "history", "no history"


@dataclass(frozen=True)
class Timing:
    """One process measured ``repeats`` times: median seconds, the largest peak memory."""

    command: str
    workbook: str
    seconds: float
    peak_mb: float
    repeats: int

    @classmethod
    def of(cls, name: str, workbook: str, runs: Sequence[Run]) -> Timing:
        return cls(
            name,
            workbook,
            statistics.median(r.seconds for r in runs),
            max(r.peak_mb for r in runs),
            len(runs),
        )

    def to_json(self) -> dict[str, object]:
        """The entry of results.json's "processes" list."""
        return {
            "command": self.command,
            "workbook": self.workbook,
            "seconds": round(self.seconds, 3),
            "peak_mb": round(self.peak_mb, 1),
            "repeats": self.repeats,
        }


def flatness(
    name: str, big: Path, small: Path, histories: dict[str, History], repeats: int
) -> list[Timing]:
    """``name`` on a fresh copy of the workbook with history, then of the one without,
    ``repeats`` times."""
    runs: dict[str, list[Run]] = {HISTORY: [], NONE: []}
    for _ in range(repeats):
        runs[HISTORY].append(timed(name, big, histories[HISTORY], fresh=True))
        runs[NONE].append(timed(name, small, histories[NONE], fresh=True))
    return [Timing.of(name, which, found) for which, found in runs.items()]


def reads(big: Path, history: History, repeats: int) -> list[Timing]:
    """find and status on the workbook with history, and the floor that reads every tab."""
    runs: dict[str, list[Run]] = {name: [] for name in (*READS, FLOOR)}
    for _ in range(repeats):
        for name in runs:
            runs[name].append(timed(name, big, history, fresh=False))
    return [Timing.of(name, HISTORY, found) for name, found in runs.items()]


def startup(repeats: int) -> list[Timing]:
    """``sheetlog --help`` and ``python -c "import click"``, alternately."""
    nothing = History(0, 0, 0, "", "")
    runs: dict[str, list[Run]] = {name: [] for name in STARTUP}
    for _ in range(repeats):
        for name in STARTUP:
            runs[name].append(timed(name, Path("."), nothing, fresh=False))
    return [Timing.of(name, "-", found) for name, found in runs.items()]


@dataclass
class Queue:
    """``writers`` appends started at once on one workbook, and what landed."""

    writers: int
    history_rows: int
    seconds: list[float] = field(default_factory=list)
    tickets: list[str] = field(default_factory=list)
    log_added: int = 0
    audit_added: int = 0
    problems: list[str] = field(default_factory=list)
    wall: float = 0.0
    """From starting the first writer to the last one's exit, as the bench saw it."""

    @property
    def landed_once(self) -> bool:
        """Every writer succeeded, each ticket is once in Log and once in Audit."""
        return not self.problems

    @property
    def slowest(self) -> float:
        return max(self.seconds, default=0.0)

    def to_json(self) -> dict[str, object]:
        """results.json's "queue" entry."""
        return {
            "writers": self.writers,
            "history_rows": self.history_rows,
            "slowest_seconds": round(self.slowest, 3),
            "fastest_seconds": round(min(self.seconds, default=0.0), 3),
            "all_done_seconds": round(self.wall, 3),
            "log_rows_added": self.log_added,
            "audit_lines_added": self.audit_added,
            "landed_once": self.landed_once,
            "problems": self.problems,
        }


def queue(original: Path, history: History, writers: int) -> Queue:
    """Start ``writers`` ``sheetlog append`` processes at once on a copy of ``original``;
    then count the Log rows and Audit lines, and each printed ticket in both."""
    result = Queue(writers, history.log_rows + history.archived_rows)
    with tempfile.TemporaryDirectory(dir=original.parent, prefix="queue-") as folder:
        work = Path(folder) / original.name
        work.write_bytes(original.read_bytes())
        before = _contents(work)
        runs: list[Run | None] = [None] * writers
        began = time.perf_counter()
        started = []
        for n in range(writers):
            entry = {**NEW_ENTRY, "Issue Summary": f"Queued writer {n + 1}"}
            argv = [*sheetlog_command(), "append", "--sheet", str(work)]
            started.append(start([*argv, "--json", json.dumps(entry), "--format", "json"]))

        def reap(n: int) -> None:  # a thread each, so that no pipe waits on another
            runs[n] = finish(started[n], None)

        threads = [threading.Thread(target=reap, args=(n,)) for n in range(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        result.wall = time.perf_counter() - began
        after = _contents(work)
    for n, done in enumerate(runs):
        assert done is not None
        result.seconds.append(done.seconds)
        if done.code != 0:
            result.problems.append(f"writer {n + 1} exited {done.code}: {done.err.strip()}")
            continue
        result.tickets.append(str(json.loads(done.out)["Ticket ID"]))
    result.log_added = len(after.log) - len(before.log)
    result.audit_added = len(after.audit) - len(before.audit)
    for ticket in result.tickets:
        in_log = after.log.count(ticket)
        in_audit = sum(1 for line in after.audit if line == ("append", ticket))
        if (in_log, in_audit) != (1, 1):
            result.problems.append(f"{ticket}: {in_log} times in Log, {in_audit} in Audit")
    if len(set(result.tickets)) != len(result.tickets):
        result.problems.append("two writers printed the same ticket id")
    if (result.log_added, result.audit_added) != (writers, writers):
        result.problems.append(
            f"{result.log_added} Log rows and {result.audit_added} Audit lines added,"
            f" for {writers} writers"
        )
    return result


@dataclass(frozen=True)
class _Contents:
    log: list[str]  # the Ticket ID of each Log row
    audit: list[tuple[str, str]]  # (command, rows) of each Audit line


def _contents(path: Path) -> _Contents:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    log: list[str] = []
    audit: list[tuple[str, str]] = []
    for name in book.sheet_names:
        if name == "Log":
            rows = book.get_sheet_by_name(name).to_python()[1:]
            log = [str(row[0]) for row in rows if any(v not in ("", None) for v in row)]
        elif name == "Audit" or name.startswith("Audit "):
            rows = book.get_sheet_by_name(name).to_python()[1:]
            audit += [(str(row[2]), str(row[4])) for row in rows if len(row) > 4 and row[0]]
    return _Contents(log, audit)
