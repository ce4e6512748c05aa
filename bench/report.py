"""The targets, and ``results.md`` / ``results.json`` (shape fixed so versions compare)."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from .flat import FLAT, FLOOR, HISTORY, NONE, READS, Queue, Timing
from .google import ARCHIVE, IMPORT, GoogleResult, HistoryCost, fits_quota
from .history import History
from .local import LocalResult

HERE = Path(__file__).resolve().parent
LIBRARIES = (
    "sheetlog",
    "openpyxl",
    "python-calamine",
    "pandas",
    "numpy",
    "gspread",
    "google-auth",
    "pydantic",
    "click",
)
FEWER_CALLS = 100.0
BATCHED = (IMPORT, ARCHIVE)
"""Passes that write what they move in requests of at most Google's advised 2 MB."""
WRITE_LIMIT = 2_000_000
MEMORY_MB = 1024.0
BIG = 100_000
LOCAL_LIMITS = {"archive": 2.0, "summary": 1.5}
"""Per-pass time targets against their floors (validate's are the history targets)."""
HISTORY_LIMITS = {
    "append": (1.5, None),
    "update": (1.5, None),
    "message": (1.5, None),
    "validate": (2.5, 1.5),
}
"""(goal, stretch) of a command with history over the same without."""
READ_LIMIT = 2.0
HELP_LIMIT = 3.0
APPEND_MEMORY_MB = 200.0
RECEIVED_LIMITS = {
    "append": (1.25, None),
    "update": (1.25, None),
    "message": (1.25, None),
    "validate": (2.0, 1.25),
}


@dataclass(frozen=True)
class Flat:
    """What history costs: whole processes on the history workbook and without it, the
    queue of writers, and the bytes Google sends with archive tabs and without."""

    history: History
    processes: list[Timing]
    queue: Queue
    google: list[HistoryCost]

    def timing(self, command: str, workbook: str = HISTORY) -> Timing | None:
        """The timing of ``command`` on ``workbook``."""
        return next(
            (t for t in self.processes if t.command == command and t.workbook == workbook), None
        )

    @property
    def rows(self) -> int:
        """Rows of history: Log and archive tabs."""
        return self.history.log_rows + self.history.archived_rows


@dataclass(frozen=True)
class Target:
    """One target, what was measured, and whether it was met."""

    name: str
    target: str
    measured: str
    met: bool

    def to_json(self) -> dict[str, object]:
        """The entry of results.json's "targets" list."""
        return {
            "name": self.name,
            "target": self.target,
            "measured": self.measured,
            "pass": self.met,
        }


def environment(quick: bool) -> dict[str, object]:
    """Where and with what the figures were measured."""
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.system()} {platform.release()} {platform.machine()}",
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "libraries": {name: version(name) for name in LIBRARIES},
        "commit": _commit(),
        "mode": "quick" if quick else "full",
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE
    )
    return done.stdout.strip() or "unknown"


def targets(google: list[GoogleResult], local: list[LocalResult], flat: Flat) -> list[Target]:
    """Every target, checked against this run."""
    out = []
    for name in dict.fromkeys(r.name for r in google):
        sized = sorted((r for r in google if r.name == name), key=lambda r: r.rows)
        calls = ", ".join(f"{r.cost.calls} at {r.rows:,}" for r in sized)
        if name in BATCHED:
            largest = max(r.cost.largest for r in sized)
            out.append(
                Target(
                    f"{name}: calls grow by 2 MB request, never by row",
                    f"every request <= {WRITE_LIMIT:,} bytes",
                    f"largest {largest:,} bytes; calls {calls} rows",
                    largest <= WRITE_LIMIT,
                )
            )
            continue
        out.append(
            Target(
                f"API calls constant in N: {name}",
                "the same number of calls at every size",
                f"{calls} rows",
                len({r.cost.calls for r in sized}) == 1,
            )
        )
    for name, baseline in ((IMPORT, "append_row loop"), (ARCHIVE, "delete_rows loop")):
        small = next((r for r in google if r.name == name and r.rows == 1_000), None)
        if small is not None and small.baseline is not None:
            fewer = small.baseline.calls / small.cost.calls
            out.append(
                Target(
                    f"{name} at 1,000 rows: fewer calls than the {baseline}",
                    f">= {FEWER_CALLS:.0f}x fewer",
                    f"{fewer:.0f}x ({small.cost.calls} vs {small.baseline.calls})",
                    fewer >= FEWER_CALLS,
                )
            )
    for name, limit in LOCAL_LIMITS.items():
        runs = sorted((r for r in local if r.name == name), key=lambda r: r.rows)
        if runs:
            ratios = ", ".join(f"{r.ratio:.2f}x at {r.rows:,}" for r in runs)
            out.append(
                Target(
                    f"{name} time vs {runs[0].floor}",
                    f"<= {limit}x",
                    f"{ratios} rows",
                    all(r.ratio <= limit for r in runs),
                )
            )
    for big in (r for r in local if r.rows == BIG):
        out.append(
            Target(
                f"peak memory of {big.name} at {BIG:,} rows in Log",
                f"<= {MEMORY_MB:.0f} MB",
                f"{big.peak_mb:.0f} MB",
                big.peak_mb <= MEMORY_MB,
            )
        )
    return out + history_targets(flat)


def _goal(limit: float, stretch: float | None) -> str:
    return f"<= {limit}x" + (f" (stretch <= {stretch}x)" if stretch is not None else "")


def _stretch(ratio: float, stretch: float | None) -> str:
    if stretch is None:
        return ""
    return "; stretch met" if ratio <= stretch else "; stretch missed"


def history_targets(flat: Flat) -> list[Target]:
    """The targets of what history costs."""
    out = []
    h = flat.history
    shape = f"{h.log_rows:,} in Log + {h.archived_rows:,} archived vs {h.log_rows:,} and none"
    for name in FLAT:
        with_history, without = flat.timing(name, HISTORY), flat.timing(name, NONE)
        if with_history is None or without is None:
            continue
        limit, stretch = HISTORY_LIMITS[name]
        ratio = with_history.seconds / without.seconds
        out.append(
            Target(
                f"`sheetlog {name}` time, {shape}",
                _goal(limit, stretch),
                f"{ratio:.2f}x ({with_history.seconds:.2f} s vs {without.seconds:.2f} s)"
                + _stretch(ratio, stretch),
                ratio <= limit,
            )
        )
    floor = flat.timing(FLOOR)
    for name in READS:
        timing = flat.timing(name)
        if timing is None or floor is None:
            continue
        label = "find --ticket" if name == "find" else name
        ratio = timing.seconds / floor.seconds
        out.append(
            Target(
                f"`sheetlog {label}` time on {flat.rows:,} rows vs python-calamine reading"
                " every tab",
                f"<= {READ_LIMIT}x",
                f"{ratio:.2f}x ({timing.seconds:.2f} s vs {floor.seconds:.2f} s)",
                ratio <= READ_LIMIT,
            )
        )
    helped, click = flat.timing("help", "-"), flat.timing("import-click", "-")
    if helped is not None and click is not None:
        ratio = helped.seconds / click.seconds
        out.append(
            Target(
                '`sheetlog --help` vs `python -c "import click"`',
                f"<= {HELP_LIMIT}x",
                f"{ratio:.2f}x ({helped.seconds:.3f} s vs {click.seconds:.3f} s)",
                ratio <= HELP_LIMIT,
            )
        )
    append = flat.timing("append", HISTORY)
    if append is not None:
        out.append(
            Target(
                f"peak memory of `sheetlog append` with {flat.rows:,} rows of history",
                f"<= {APPEND_MEMORY_MB:.0f} MB",
                f"{append.peak_mb:.0f} MB",
                append.peak_mb <= APPEND_MEMORY_MB,
            )
        )
    for name, (limit, stretch) in RECEIVED_LIMITS.items():
        costs = [c for c in flat.google if c.command == name]
        with_archives = next((c for c in costs if c.archived), None)
        without_archives = next((c for c in costs if not c.archived), None)
        if with_archives is None or without_archives is None:
            continue
        ratio = with_archives.cost.received / without_archives.cost.received
        out.append(
            Target(
                f"Google bytes received by {name}, {with_archives.archived:,} archived rows"
                " vs none",
                _goal(limit, stretch),
                f"{ratio:.2f}x ({with_archives.cost.received:,} vs"
                f" {without_archives.cost.received:,})" + _stretch(ratio, stretch),
                ratio <= limit,
            )
        )
    q = flat.queue
    out.append(
        Target(
            f"{q.writers} `sheetlog append` at once, {q.history_rows:,} rows of history",
            "every one lands, exactly once (Log and Audit)",
            f"{q.log_added} Log rows, {q.audit_added} Audit lines, each ticket once;"
            f" slowest {q.slowest:.1f} s"
            if q.landed_once
            else "; ".join(q.problems),
            q.landed_once,
        )
    )
    return out


def write_json(
    path: Path,
    env: dict[str, object],
    google: list[GoogleResult],
    local: list[LocalResult],
    flat: Flat,
    checked: list[Target],
) -> None:
    """results.json: the shape the first issue fixed, plus what history costs."""
    document = {
        "environment": env,
        "google": [r.to_json() for r in google],
        "local": [r.to_json() for r in local],
        "history": flat.history.to_json(),
        "processes": [t.to_json() for t in flat.processes],
        "queue": flat.queue.to_json(),
        "google_history": [c.to_json() for c in flat.google],
        "targets": [t.to_json() for t in checked],
    }
    path.write_text(json.dumps(document, indent=2) + "\n")


def markdown(
    env: dict[str, object],
    google: list[GoogleResult],
    local: list[LocalResult],
    flat: Flat,
    checked: list[Target],
    notes: list[str],
) -> str:
    """results.md: the tables and how they were measured."""
    libraries = env["libraries"]
    assert isinstance(libraries, dict)
    lines = [
        "# sheetlog benchmark results",
        "",
        f"`make bench{'-quick' if env['mode'] == 'quick' else ''}` on {env['date']},"
        f" commit {env['commit']}: {env['machine']}, {env['cpu']}, {env['cpu_count']} CPUs,"
        f" Python {env['python']}, "
        + ", ".join(f"{name} {v}" for name, v in libraries.items())
        + f". The run took {env['bench_seconds']} s.",
        "",
        "## Targets",
        "",
        *target_table(checked),
        "",
        *history_tables(flat),
        "",
        "## Google Sheets: requests per pass",
        "",
        "Through the fake Sheets v4 API the tests use (every request checked against",
        "Google's discovery document). *bytes* are request bodies, *received* response",
        "bodies; *time at quota* is what the requests take under the 60-requests-per-minute",
        "per-user quota. The baseline is the script a user writes from gspread's",
        "documentation: `append_row` per row for import and append, `get_all_records` then",
        "`update_cell` of the Validation cell of each row with a problem for validate (such",
        "a script rewrites every flag nightly), and the move-row pattern for archive",
        "(`append_row` to the archive tab, then `delete_rows`, per row).",
        "",
        *google_table(google),
        "",
        "\\* scaled linearly from the baseline run at 1,000 rows: its fixed calls (open the",
        "spreadsheet, one read) plus one loop turn per row it writes, flags or moves, the",
        "turns counted on the bigger log itself.",
        "",
        "## Local workbook: time and memory per pass",
        "",
        "Seconds are the median over the repeats of the pass alone (imports done); the floor",
        "is measured in the same run on a copy of the same file: python-calamine reading",
        "every tab for validate, one bare openpyxl load+save for archive (which loads and",
        "saves through openpyxl), `pandas.read_excel` of the Log tab for summary. Peak",
        "memory is the resident peak of the process that ran the pass.",
        "",
        *local_table(local),
        "",
        "## Notes",
        "",
        *(f"- {note}" for note in notes),
        "",
    ]
    return "\n".join(lines)


def target_table(checked: list[Target]) -> list[str]:
    """The targets, one row each."""
    return [
        "| target | goal | measured | |",
        "|---|---|---|---|",
        *(
            f"| {t.name} | {t.target} | {t.measured} | {'PASS' if t.met else 'MISS'} |"
            for t in checked
        ),
    ]


def history_tables(flat: Flat) -> list[str]:
    """What history costs: whole processes, Google bytes, the queue of writers."""
    h = flat.history
    lines = [
        "## What history costs",
        "",
        "Whole `sheetlog` processes (start-up included) on a workbook with",
        f"{h.log_rows:,} rows in Log and {h.archived_rows:,} archived in {h.archive_tabs}"
        " `Archive YYYY-MM` tabs, and on",
        f"the same {h.log_rows:,} rows in Log with no archive tabs; median of the repeats,",
        "measured alternately in one job. append adds a row, update closes an open ticket",
        "of Log, validate flags the Log (errors and warnings in the Validation column),",
        "each on a fresh copy; find looks up one archived ticket. The floor of find and",
        "status is a `python -c` process reading every tab with python-calamine.",
        "",
        "| command | workbook | repeats | seconds | ratio | peak MB |",
        "|---|---|--:|--:|--:|--:|",
    ]
    floor = flat.timing(FLOOR)
    for t in flat.processes:
        ratio = "-"
        if t.command in FLAT and t.workbook == HISTORY:
            without = flat.timing(t.command, NONE)
            ratio = f"{t.seconds / without.seconds:.2f}x" if without else "-"
        elif t.command in READS and floor is not None:
            ratio = f"{t.seconds / floor.seconds:.2f}x"
        elif t.command == "help":
            click = flat.timing("import-click", "-")
            ratio = f"{t.seconds / click.seconds:.2f}x" if click else "-"
        shown = {
            HISTORY: f"{flat.rows:,} rows of history",
            NONE: f"{h.log_rows:,} in Log, none archived",
        }.get(t.workbook, "-")
        lines.append(
            f"| {_command_name(t.command)} | {shown} | {t.repeats} | {t.seconds:.2f}"
            f" | {ratio} | {t.peak_mb:.0f} |"
        )
    q = flat.queue
    lines += [
        "",
        f"Queueing writers: {q.writers} `sheetlog append` processes started at once on a"
        f" copy of the workbook with {q.history_rows:,} rows of history: {q.log_added} Log"
        f" rows and {q.audit_added} Audit lines added, "
        + ("each ticket printed exactly once in both" if q.landed_once else "; ".join(q.problems))
        + f". The fastest took {min(q.seconds, default=0):.1f} s, the slowest"
        f" {q.slowest:.1f} s (all done in {q.wall:.1f} s): each holds the workbook's lock"
        " for its read and write; the rest is start-up, on as many cores as the machine has,"
        " and waiting for the lock.",
        "",
        "Google, through the fake: the same Log with archive tabs (created through",
        "sheetlog's backend, so tagged as its own) and without; *received* is the bytes of",
        "the response bodies.",
        "",
        "| command | rows in Log | archived rows | calls | bytes sent | bytes received"
        " | ratio received |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for c in flat.google:
        bare = next((o for o in flat.google if o.command == c.command and not o.archived), None)
        ratio = (
            f"{c.cost.received / bare.cost.received:.2f}x"
            if c.archived and bare is not None and bare.cost.received
            else "-"
        )
        lines.append(
            f"| {c.command} | {c.log_rows:,} | {c.archived:,} | {c.cost.calls}"
            f" | {c.cost.bytes:,} | {c.cost.received:,} | {ratio} |"
        )
    return lines


def _command_name(command: str) -> str:
    return {
        "find": "`sheetlog find --ticket`",
        FLOOR: "floor: python-calamine, every tab",
        "help": "`sheetlog --help`",
        "import-click": '`python -c "import click"`',
    }.get(command, f"`sheetlog {command}`")


def google_table(google: list[GoogleResult]) -> list[str]:
    """Requests per pass, beside the gspread baselines."""
    lines = [
        "| pass | rows | calls | bytes | received | largest request | time at quota"
        " | baseline calls | baseline bytes | baseline time at quota | fewer calls |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in google:
        head = (
            f"| {r.name} | {r.rows:,} | {r.cost.calls} | {r.cost.bytes:,} | {r.cost.received:,}"
            f" | {r.cost.largest:,} | {fits_quota(r.cost)}"
        )
        if r.baseline is None:
            lines.append(f"{head} | - | - | - | - |")
            continue
        star = "*" if r.extrapolated else ""
        lines.append(
            f"{head} | {r.baseline.calls:,}{star} | {r.baseline.bytes:,}{star}"
            f" | {fits_quota(r.baseline)}{star} | {r.baseline.calls / r.cost.calls:,.0f}x |"
        )
    return lines


def local_table(local: list[LocalResult]) -> list[str]:
    """Time and memory per pass against its floor."""
    return [
        "| pass | rows | repeats | seconds | floor | floor seconds | ratio | peak MB"
        " | floor peak MB |",
        "|---|--:|--:|--:|---|--:|--:|--:|--:|",
        *(
            f"| {r.name} | {r.rows:,} | {r.repeats} | {r.seconds:.2f} | {r.floor}"
            f" | {r.floor_seconds:.2f} | {r.ratio:.2f}x | {r.peak_mb:.0f} | {r.floor_peak_mb:.0f} |"
            for r in local
        ),
    ]
