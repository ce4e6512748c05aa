"""``make bench`` (``python -m bench``) and ``make bench-quick`` (``--quick``).

Runs the Google-side and local-workbook measurements as jobs, two at a time (the
machine's cores), writes ``bench/results.md`` and ``bench/results.json``, and prints
PASS or MISS against each target.
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

from . import google, report
from .google import GoogleResult
from .local import PASSES, Forker, LocalResult, Sample, summarize

T = TypeVar("T")
WORKERS = 2
FULL_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000, 10_000)
GOOGLE_SIZES = (1_000, 10_000)
ACTIONS = ("archive", "validate", "load-save", "summary", "read-excel")  # longest first
NOTES = [
    "Jobs run two at a time, one per core: the Google measurements and the workbook"
    " builds beside the timings, and every floor under the same conditions as the passes.",
    "Repeats: the median of 5 at 1,000 and 10,000 rows; 1 at 100,000 rows, where one bare"
    " openpyxl load+save alone takes a minute or two and `make bench` must end within"
    " 10 minutes on 2 cores.",
    "Google calls are measured at 1,000 and 10,000 rows. 100,000 rows are not sent through"
    " the in-memory fake, which copies a sheet on every write and would take longer than"
    " the whole bench; every pass's request count is built from a fixed list of requests,"
    " the same at both sizes (import aside, below).",
    "Wall times vary by a fifth or so from run to run on a shared machine (the load"
    " average at the end of the run is in results.json); each ratio compares a pass with"
    " its floor measured in the same run on the same file.",
    "archive beyond the floor: in a cProfile of archive on 30,000 rows, openpyxl's load"
    " and save take 70% of the time, building the cells of the staging copy (what makes"
    " the pass crash-safe on Google; a local workbook builds it in memory and drops it"
    " unsaved) and of the archive copies 17%, and the checks of every row (the same as"
    " validate's) 9%. Sparing a local workbook the staging copy needs a backend that"
    " says its writes are atomic, a design change left for later.",
    "Peak memory is measured in a process forked from an interpreter that has already"
    " imported sheetlog, pandas and openpyxl, so library code pages it never touches are"
    " not counted (some 30 MB less than a fresh `sheetlog` process).",
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
            print(
                f"[{time.perf_counter() - self.began:6.0f} s] {label}"
                f" ({time.perf_counter() - began:.1f} s)",
                flush=True,
            )
            return result

        return self.pool.submit(run)

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


def run(quick: bool, folder: Path) -> Measured:
    """Every measurement of the bench; the jobs are queued longest first."""
    sizes = QUICK_SIZES if quick else FULL_SIZES
    runner = Runner(WORKERS)
    try:
        builds: dict[int, Future[str]] = {}
        passes: dict[int, Future[str]] = {}
        for rows in sorted(sizes, reverse=True):
            path = folder / f"log-{rows}.xlsx"
            builds[rows] = runner.submit(
                f"built the {rows:,}-row workbook",
                partial(_python, "bench.local", "build", str(rows), str(path)),
            )
            if rows in GOOGLE_SIZES:
                passes[rows] = runner.submit(
                    f"Google passes at {rows:,} rows",
                    partial(_python, "bench.google", "passes", str(rows)),
                )
            if rows == google.BASELINE_ROWS:
                baselines = runner.submit(
                    f"gspread baselines at {rows:,} rows",
                    partial(_python, "bench.google", "baselines", str(rows)),
                )
        samples: dict[int, dict[str, list[Future[Sample]]]] = {}
        for rows in sorted(sizes, reverse=True):
            built = builds[rows], folder / f"log-{rows}.xlsx"
            samples[rows] = {action: [] for action in ACTIONS}
            for repeat in range(1 if rows >= 100_000 else 5):
                for action in ACTIONS:
                    samples[rows][action].append(
                        runner.submit(
                            f"{action} at {rows:,} rows, repeat {repeat + 1}",
                            partial(_timed, runner, *built, action),
                        )
                    )
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
            summary_vs_save[rows] = _median(done["summary"]) / _median(done["load-save"])
    finally:
        runner.close()
    order = {name: n for n, name in enumerate(PASSES)}
    local_results.sort(key=lambda r: (order[r.name], r.rows))
    return Measured(google_results, local_results, summary_vs_save, archived)


def _median(samples: list[Sample]) -> float:
    return statistics.median(sample.seconds for sample in samples)


def _archive_note(results: list[GoogleResult], archived: dict[int, int]) -> str:
    """How many rows one archive pass can move before Google refuses its largest request."""
    rows = max(archived)
    run = next(r for r in results if r.name == google.ARCHIVE and r.rows == rows)
    per_row = run.cost.largest / archived[rows]
    return (
        f"archive sends each moved row in its largest request ({run.cost.largest:,} bytes"
        f" for {archived[rows]:,} rows, ~{per_row:,.0f} bytes a row). Google refuses a"
        f" request over 10,485,760 bytes, so one pass can move about"
        f" {10_485_760 / per_row:,.0f} rows; a first archive of a bigger backlog is done"
        " in steps of `--older-than` (oldest first), and the nightly pass moves a day's rows."
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
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000 rows only")
    parser.add_argument("--out", type=Path, default=report.HERE, help="where results go")
    options = parser.parse_args()
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sheetlog-bench-") as folder:
        measured = run(options.quick, Path(folder))
    google_results, local_results = measured.google, measured.local
    env = report.environment(options.quick)
    env["bench_seconds"] = round(time.perf_counter() - began)
    env["load_average"] = [round(load, 2) for load in os.getloadavg()]
    checked = report.targets(google_results, local_results)
    notes = [
        *NOTES,
        _import_note(google_results),
        _archive_note(google_results, measured.archived),
        _summary_note(measured.summary_vs_save),
    ]
    options.out.mkdir(parents=True, exist_ok=True)
    report.write_json(options.out / "results.json", env, google_results, local_results, checked)
    text = report.markdown(env, google_results, local_results, checked, notes)
    (options.out / "results.md").write_text(text)
    print()
    for target in checked:
        verdict = "PASS" if target.met else "MISS"
        print(f"{verdict}  {target.name}: {target.measured} (target {target.target})")
    print(f"\n{options.out / 'results.md'} and results.json written in {env['bench_seconds']} s")


if __name__ == "__main__":
    main()
