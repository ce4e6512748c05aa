"""The local workbook side: wall time and peak memory of validate, archive and summary,
each against a floor measured in the same run on the same file: python-calamine reading
every tab (validate: it reads with calamine and patches the package), one bare openpyxl
load+save (archive, which loads and saves through openpyxl) and ``pandas.read_excel``
(summary).

Every measurement runs in its own process, forked from a lean interpreter that has
already imported everything (``Forker``): only the action is timed, and the kernel's
peak resident memory of that process is reported, so no pass's memory counts against
another's.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from .data import Log, generate
from .history import write_workbook

PASSES = ("validate", "archive", "summary")
FLOORS = {"validate": "read-all", "archive": "load-save", "summary": "read-excel"}
FLOOR_NAMES = {
    "read-all": "python-calamine, every tab",
    "load-save": "openpyxl load+save",
    "read-excel": "pandas.read_excel",
}


@dataclass(frozen=True)
class LocalResult:
    """One pass at one size: median seconds, the floor's median, and the pass's peak memory."""

    name: str
    rows: int
    seconds: float
    floor_seconds: float
    peak_mb: float
    floor_peak_mb: float
    repeats: int
    floor: str

    @property
    def ratio(self) -> float:
        """How many floors the pass takes."""
        return self.seconds / self.floor_seconds

    def to_json(self) -> dict[str, object]:
        """The entry of results.json's "local" list."""
        return {
            "pass": self.name,
            "rows": self.rows,
            "seconds": round(self.seconds, 3),
            "floor_seconds": round(self.floor_seconds, 3),
            "ratio": round(self.ratio, 3),
            "peak_mb": round(self.peak_mb, 1),
            "floor": self.floor,
        }


def build_workbook(path: Path, log: Log) -> None:
    """A provisioned standard log holding ``log``'s rows, malformed ones as people typed
    them (written in openpyxl's write-only mode: ``history.write_workbook``)."""
    write_workbook(path, log, [])


@dataclass(frozen=True)
class Sample:
    """One measurement: seconds of the action alone, and the peak memory of its process."""

    seconds: float
    peak_mb: float


def summarize(rows: int, samples: dict[str, list[Sample]]) -> list[LocalResult]:
    """Median seconds per pass and floor; the largest peak memory seen."""
    results = []
    for name in (name for name in PASSES if name in samples):
        floor = FLOORS[name]
        results.append(
            LocalResult(
                name,
                rows,
                statistics.median(s.seconds for s in samples[name]),
                statistics.median(s.seconds for s in samples[floor]),
                max(s.peak_mb for s in samples[name]),
                max(s.peak_mb for s in samples[floor]),
                len(samples[name]),
                FLOOR_NAMES[floor],
            )
        )
    return results


def action_args(log: Log) -> dict[str, str]:
    """The argument each action takes on ``log``'s workbook."""
    return {
        "validate": log.validate_now.isoformat(),
        "archive": log.archive_now().isoformat(),
        "summary": log.month,
        "read-all": "",
        "load-save": "",
        "read-excel": "",
    }


class Forker:
    """A lean interpreter with sheetlog, pandas and openpyxl imported that forks one fresh
    child per measurement: no start-up cost, and no measurement sees another's memory."""

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.local", "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def measure(self, action: str, original: Path, arg: str) -> Sample:
        """Run ``action`` on a fresh copy of ``original`` (the copy is not timed)."""
        work = original.with_name(f"{original.stem}-{action}-{id(self)}.xlsx")
        shutil.copy(original, work)
        try:
            assert self._process.stdin is not None and self._process.stdout is not None
            self._process.stdin.write(json.dumps([action, str(work), arg]) + "\n")
            self._process.stdin.flush()
            answer = json.loads(self._process.stdout.readline() or "{}")
        finally:
            work.unlink(missing_ok=True)
        if "seconds" not in answer:
            raise RuntimeError(f"bench.local {action} on {original.name} failed: {answer}")
        return Sample(answer["seconds"], answer["peak_mb"])

    def close(self) -> None:
        """End the interpreter."""
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._process.wait()


# --- the child's side ----------------------------------------------------------------


def _load_save(path: Path, arg: str) -> None:
    load_workbook(path).save(path)


def _read_all(path: Path, arg: str) -> None:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()


def _read_excel(path: Path, arg: str) -> None:
    import pandas as pd

    pd.read_excel(path, sheet_name="Log", dtype=str, engine="openpyxl")


def _validate(path: Path, arg: str) -> None:
    import sheetlog

    report = sheetlog.open(path).validate(now=datetime.fromisoformat(arg))
    assert report.written and report.errors, "the bench log should have rows to flag"


def _archive(path: Path, arg: str) -> None:
    import sheetlog

    result = sheetlog.open(path).archive(older_than="7d", now=datetime.fromisoformat(arg))
    assert result.moved, "the bench log should have rows to archive"


def _summary(path: Path, arg: str) -> None:
    import sheetlog

    figures = sheetlog.open(path).summary(arg)
    assert figures.interactions, "the bench month should have interactions"


ACTIONS: dict[str, Callable[[Path, str], None]] = {
    "read-all": _read_all,
    "load-save": _load_save,
    "read-excel": _read_excel,
    "validate": _validate,
    "archive": _archive,
    "summary": _summary,
}


def serve() -> None:
    """Answer each ``[action, path, arg]`` line on stdin from a forked child: its seconds
    (timed in the child) and its peak resident memory (from the kernel, via wait4)."""
    import pandas  # noqa: F401 - imported once, before any clock starts
    import python_calamine  # noqa: F401

    import sheetlog  # noqa: F401

    for line in sys.stdin:
        action, path, arg = json.loads(line)
        reading, writing = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(reading)
            _child(ACTIONS[action], Path(path), arg, writing)
        os.close(writing)
        with os.fdopen(reading) as pipe:
            answer = json.loads(pipe.read() or "{}")
        _, _, usage = os.wait4(pid, 0)
        answer["peak_mb"] = usage.ru_maxrss / 1024
        print(json.dumps(answer), flush=True)


def _child(action: Callable[[Path, str], None], path: Path, arg: str, writing: int) -> None:
    """The forked child: time the action, write the result, and leave without cleanup."""
    code = 0
    try:
        began = time.perf_counter()
        action(path, arg)
        answer: dict[str, object] = {"seconds": time.perf_counter() - began}
    except BaseException as exc:  # reported to the parent, which raises
        answer, code = {"error": f"{type(exc).__name__}: {exc}"}, 1
    with os.fdopen(writing, "w") as pipe:
        pipe.write(json.dumps(answer))
    os._exit(code)


def build(rows: int, path: Path) -> None:
    """``python -m bench.local build ROWS PATH``: write the workbook, print the actions' args."""
    log = generate(rows)
    build_workbook(path, log)
    print(json.dumps(action_args(log)))


def main() -> None:
    """``serve``, or ``build ROWS PATH``."""
    if sys.argv[1] == "serve":
        serve()
    else:
        build(int(sys.argv[2]), Path(sys.argv[3]))


if __name__ == "__main__":
    main()
