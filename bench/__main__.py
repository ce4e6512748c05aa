"""``make bench`` (``python -m bench``) and ``make bench-quick`` (``--quick``).

Runs the Google-side and local-workbook measurements as jobs, two at a time (the
machine's cores), then the queue of writers on its own; writes ``bench/results.md`` and
``bench/results.json``, and prints PASS or MISS against each target.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

from . import flat, google, report
from .flat import Queue, Timing
from .google import GoogleResult, HistoryCost
from .history import History, history_from_json
from .local import PASSES, Forker, LocalResult, Sample, summarize

T = TypeVar("T")
WORKERS = 2
ACTIONS = ("archive", "summary", "load-save", "read-excel", "validate", "read-all")
"""Every local pass and floor, longest first."""
BIG = 100_000
GOOGLE_SIZES = (1_000, 10_000)


@dataclass(frozen=True)
class Plan:
    """What one mode measures."""

    sizes: tuple[int, ...]  # rows in Log for the per-pass local table
    log_rows: int  # the history workbooks: rows in Log...
    archived: int  # ...and rows in archive tabs behind them
    google_archived: int
    flat_repeats: int
    read_repeats: int
    startup_repeats: int
    writers: int = 12

    def repeats(self, rows: int) -> int:
        """Repeats of each local pass at ``rows``."""
        return 1 if rows >= BIG else 5


FULL = Plan((1_000, 10_000, BIG), 2_000, 98_000, 30_000, 7, 5, 10)
QUICK = Plan((1_000, 10_000), 2_000, 18_000, 10_000, 3, 3, 10)

NOTES = [
    "Jobs run two at a time, one per core: the Google measurements and the workbook"
    " builds beside the timings, and every floor under the same conditions as its pass;"
    " the queue of writers runs last, alone.",
    "Per-pass local table: the median of 5 at 1,000 and 10,000 rows in Log; 1 at 100,000"
    " rows, where one bare openpyxl load+save alone takes a minute or more and `make bench`"
    " must end within 10 minutes on 2 cores.",
    "validate's floor is python-calamine reading every tab: validate reads with it and"
    " patches the package instead of loading and saving through openpyxl. Its other"
    " work is checking each row (pydantic models, normalizers), so it takes several"
    " times a bare read; its targets are now how little history adds (below), not a"
    " ratio to a bare read.",
    "Google calls are measured at 1,000 and 10,000 rows. 100,000 rows are not sent through"
    " the in-memory fake, which copies a sheet on every write and would take longer than"
    " the whole bench; every pass's request count is built from a fixed list of requests,"
    " the same at both sizes (import and archive aside, below: they write in requests of"
    " at most 2 MB). *received* is the bytes of the"
    " response bodies (JSON, before any gzip on the wire).",
    "Wall times vary by a fifth or so from run to run on a shared machine (the load"
    " average at the end of the run is in results.json); each ratio compares a pass with"
    " its floor, or a workbook with history with the same one without, measured"
    " alternately in one job in the same run.",
    "Peak memory of a per-pass measurement is of a process forked from an interpreter that"
    " has already imported sheetlog, pandas and openpyxl, so library code pages it never"
    " touches are not counted (some 30 MB less than a fresh `sheetlog` process).",
    "History workbooks: a year of logging (bench/data.py) split into the newest rows in"
    " Log (2% typed badly) and the older ones closed in `Archive YYYY-MM` tabs by the month"
    " of Resolved At, written with openpyxl's write-only mode on top of the tabs"
    " `sheetlog init` makes (98,000 rows through `sheetlog archive` would take minutes);"
    " Row Hash is left empty.",
    "Whole processes: each command is timed from start to exit as an agent runs it"
    " (the `sheetlog` console script; start-up included), append, update and validate on"
    " a fresh copy of the workbook each time; peak memory is the process's own (spawned"
    " from a bare interpreter, so the bench's memory is not counted in it).",
]


class Runner:
    """A pool of workers, each with its own ``Forker`` for the timed jobs."""

    def __init__(self, workers: int) -> None:
        self.pool = ThreadPoolExecutor(workers)
        self._local = threading.local()
        self._forkers: list[Forker] = []
        self._lock = threading.Lock()
        self.began = time.perf_counter()

    def forker(self) -> Forker:
        """This worker's forker, started on first use."""
        if not hasattr(self._local, "forker"):
            self._local.forker = Forker()
            with self._lock:
                self._forkers.append(self._local.forker)
        forker: Forker = self._local.forker
        return forker

    def submit(self, label: str, work: Callable[[], T]) -> Future[T]:
        """Queue ``work``; print when it ends."""

        def run() -> T:
            began = time.perf_counter()
            result = work()
            self.say(f"{label} ({time.perf_counter() - began:.1f} s)")
            return result

        return self.pool.submit(run)

    def say(self, text: str) -> None:
        """Print ``text`` with the seconds since the start."""
        print(f"[{time.perf_counter() - self.began:6.0f} s] {text}", flush=True)

    def close(self) -> None:
        """Wait for every job and end the forkers."""
        self.pool.shutdown()
        for forker in self._forkers:
            forker.close()


def _python(*args: str) -> str:
    """Run ``python -m ARGS`` and return what it printed."""
    done = subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"python -m {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


@dataclass
class Measured:
    """Everything one run measured, plus the facts the notes quote."""

    google: list[GoogleResult]
    local: list[LocalResult]
    summary_vs_save: dict[int, float]  # rows -> summary seconds / load+save seconds
    archived: dict[int, int]  # rows -> rows the Google archive pass moved
    history: History
    processes: list[Timing]
    queue: Queue
    google_history: list[HistoryCost]


def run(plan: Plan, folder: Path) -> Measured:
    """Every measurement of the bench; the jobs are queued longest first, every build
    before the jobs that wait for it."""
    runner = Runner(WORKERS)
    big, bare = folder / "history.xlsx", folder / "no-history.xlsx"
    sizes = str(plan.log_rows), str(plan.archived)
    try:
        builds: dict[int, Future[str]] = {}
        largest = max(plan.sizes)
        builds[largest] = _build(runner, largest, folder)  # its passes take longest
        built = {
            flat.HISTORY: runner.submit(
                f"built {plan.log_rows:,} rows in Log + {plan.archived:,} archived",
                partial(_python, "bench.history", "build", *sizes, str(big)),
            ),
            flat.NONE: runner.submit(
                f"built the same {plan.log_rows:,} rows in Log, no archives",
                partial(_python, "bench.history", "bare", *sizes, str(bare)),
            ),
        }
        passes = {rows: _google_passes(runner, rows) for rows in GOOGLE_SIZES[1:]}
        baselines = runner.submit(
            f"gspread baselines at {google.BASELINE_ROWS:,} rows",
            partial(_python, "bench.google", "baselines", str(google.BASELINE_ROWS)),
        )
        google_history = runner.submit(
            f"Google bytes with {plan.google_archived:,} archived rows",
            partial(
                _python, "bench.google", "history", str(plan.log_rows), str(plan.google_archived)
            ),
        )
        passes[GOOGLE_SIZES[0]] = _google_passes(runner, GOOGLE_SIZES[0])
        for rows in sorted(plan.sizes, reverse=True)[1:]:
            builds[rows] = _build(runner, rows, folder)
        samples: dict[int, dict[str, list[Future[Sample]]]] = {}
        jobs: list[Future[list[Timing]]] = []
        for rows in sorted(plan.sizes, reverse=True):
            source = builds[rows], folder / f"log-{rows}.xlsx"
            samples[rows] = {action: [] for action in ACTIONS}
            for repeat in range(plan.repeats(rows)):
                for action in ACTIONS:
                    samples[rows][action].append(
                        runner.submit(
                            f"{action} at {rows:,} rows, repeat {repeat + 1}",
                            partial(_timed, runner, *source, action),
                        )
                    )
                if rows == largest and repeat == 0:  # after the longest passes
                    jobs = _history_jobs(runner, plan, built, big, bare)
        found = google.baselines_from_json(baselines.result())
        google_results = []
        archived = {}
        for rows in sorted(passes):
            results, turns = google.passes_from_json(passes[rows].result())
            google_results += google.with_baselines(results, turns, found)
            archived[rows] = turns[google.ARCHIVE]
        local_results = []
        summary_vs_save = {}
        for rows in sorted(samples):
            measured = samples[rows].items()
            done = {action: [f.result() for f in futures] for action, futures in measured}
            local_results += summarize(rows, done)
            if "summary" in done:
                summary_vs_save[rows] = _median(done["summary"]) / _median(done["load-save"])
        processes = [timing for job in jobs for timing in job.result()]
        history = history_from_json(built[flat.HISTORY].result())
        costs = google.history_from_json(google_history.result())
    finally:
        runner.close()
    runner.say(f"{plan.writers} appends at once, alone")
    queue = flat.queue(big, history, plan.writers)
    runner.say(f"the {plan.writers} appends ended (slowest {queue.slowest:.1f} s)")
    order = {name: n for n, name in enumerate(PASSES)}
    local_results.sort(key=lambda r: (order[r.name], r.rows))
    return Measured(
        google_results,
        local_results,
        summary_vs_save,
        archived,
        history,
        processes,
        queue,
        costs,
    )


def _google_passes(runner: Runner, rows: int) -> Future[str]:
    """Queue the Google passes on a log of ``rows``."""
    return runner.submit(
        f"Google passes at {rows:,} rows", partial(_python, "bench.google", "passes", str(rows))
    )


def _build(runner: Runner, rows: int, folder: Path) -> Future[str]:
    """Queue the build of the workbook with ``rows`` in Log."""
    return runner.submit(
        f"built the {rows:,}-row workbook",
        partial(_python, "bench.local", "build", str(rows), str(folder / f"log-{rows}.xlsx")),
    )


def _history_jobs(
    runner: Runner, plan: Plan, built: dict[str, Future[str]], big: Path, bare: Path
) -> list[Future[list[Timing]]]:
    """Queue the whole-process measurements, longest first."""
    jobs = [
        runner.submit(
            f"find and status with {plan.log_rows + plan.archived:,} rows of history",
            partial(_reads, built, big, plan.read_repeats),
        )
    ]
    for name in ("validate", "append", "update", "message"):
        jobs.append(
            runner.submit(
                f"{name} with and without history",
                partial(_flatness, built, name, big, bare, plan.flat_repeats),
            )
        )
    jobs.append(runner.submit("sheetlog --help", partial(flat.startup, plan.startup_repeats)))
    return jobs


def _histories(built: dict[str, Future[str]]) -> dict[str, History]:
    return {which: history_from_json(future.result()) for which, future in built.items()}


def _flatness(
    built: dict[str, Future[str]], name: str, big: Path, bare: Path, repeats: int
) -> list[Timing]:
    return flat.flatness(name, big, bare, _histories(built), repeats)


def _reads(built: dict[str, Future[str]], big: Path, repeats: int) -> list[Timing]:
    return flat.reads(big, _histories(built)[flat.HISTORY], repeats)


def _median(samples: list[Sample]) -> float:
    return statistics.median(sample.seconds for sample in samples)


def _archive_note(results: list[GoogleResult], archived: dict[int, int]) -> str:
    """How archive's calls and bytes grow: one staged batch per 2 MB of rows moved."""
    parts = []
    for rows in sorted(archived):
        run = next(r for r in results if r.name == google.ARCHIVE and r.rows == rows)
        parts.append(
            f"{archived[rows]:,} rows moved at {rows:,} in {run.cost.calls} calls"
            f" ({run.cost.bytes:,} bytes sent, largest request {run.cost.largest:,};"
            f" {run.cost.received:,} bytes received)"
        )
    return (
        "archive moves rows in batches that keep each request under Google's advised 2 MB,"
        " each batch staged and finished on its own (4 calls): "
        + "; ".join(parts)
        + ". Each batch reads the Log and the archive tabs again, so what archive receives"
        " grows with the rows moved times the size of the log; the nightly pass moves a"
        " day's rows in one batch."
    )


def _summary_note(summary_vs_save: dict[int, float]) -> str:
    """Why summary cannot meet a target set against a read: it writes its tab."""
    ratios = ", ".join(f"{ratio:.2f}x at {rows:,}" for rows, ratio in summary_vs_save.items())
    return (
        "summary writes its tab into the workbook, so openpyxl must load the whole workbook"
        " (not in its read-only mode, which pandas uses) and save it again: that floor alone"
        " is about twice a `pandas.read_excel` of the Log tab. Against one bare openpyxl"
        f" load+save of the same file, summary takes {ratios} rows."
    )


def _received_note(costs: list[HistoryCost]) -> str:
    """What validate receives per archived row (it must know every archived Ticket ID)."""
    with_history = next(c for c in costs if c.command == "validate" and c.archived)
    without = next(c for c in costs if c.command == "validate" and not c.archived)
    extra = with_history.cost.received - without.cost.received
    per_row = extra / with_history.archived
    return (
        "validate must know every archived Ticket ID (a row repeating one is an error):"
        f" {extra:,} more bytes received for {with_history.archived:,} archived rows,"
        f" ~{per_row:.0f} bytes a row, against"
        f" ~{without.cost.received / without.log_rows:.0f} bytes a Log row (read whole)."
        " The stretch goal (1.25x) needs under ~"
        f"{0.25 * without.cost.received / with_history.archived:.0f} bytes an archived row"
        " at this ratio of archived to Log rows."
    )


def _timed(runner: Runner, build: Future[str], path: Path, action: str) -> Sample:
    """One timed action on a fresh copy of the built workbook, once it is built."""
    args = json.loads(build.result())
    return runner.forker().measure(action, path, args[action])


def _import_note(results: list[GoogleResult]) -> str:
    """Why import's calls grow: one write per 2 MB, in rows of this log."""
    biggest = max((r for r in results if r.name == google.IMPORT), key=lambda r: r.rows)
    per_write = 2_000_000 / (biggest.cost.bytes / biggest.rows)
    return (
        "import writes in requests of at most 2 MB (Google's advised payload size), so its"
        f" calls grow with the size of the file: one write per ~{per_write:,.0f} rows of"
        " this log, never one per row."
    )


def main() -> None:
    """Measure, write the results, print the targets; exit 1 when one is missed."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="1,000 and 10,000 rows in Log only; 18,000 archived rows of history"
        " (10,000 on Google) instead of 98,000 (30,000); fewer repeats",
    )
    parser.add_argument("--out", type=Path, default=report.HERE, help="where results go")
    options = parser.parse_args()
    plan = QUICK if options.quick else FULL
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sheetlog-bench-") as folder:
        measured = run(plan, Path(folder))
    env = report.environment(options.quick)
    env["bench_seconds"] = round(time.perf_counter() - began)
    env["load_average"] = [round(load, 2) for load in os.getloadavg()]
    flats = report.Flat(
        measured.history, measured.processes, measured.queue, measured.google_history
    )
    checked = report.targets(measured.google, measured.local, flats)
    notes = [
        *NOTES,
        _import_note(measured.google),
        _archive_note(measured.google, measured.archived),
        _summary_note(measured.summary_vs_save),
        _received_note(measured.google_history),
    ]
    options.out.mkdir(parents=True, exist_ok=True)
    report.write_json(
        options.out / "results.json", env, measured.google, measured.local, flats, checked
    )
    text = report.markdown(env, measured.google, measured.local, flats, checked, notes)
    (options.out / "results.md").write_text(text)
    print()
    for target in checked:
        verdict = "PASS" if target.met else "MISS"
        print(f"{verdict}  {target.name}: {target.measured} (target {target.target})")
    print(f"\n{options.out / 'results.md'} and results.json written in {env['bench_seconds']} s")


if __name__ == "__main__":
    main()
