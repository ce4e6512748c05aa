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

from .google import ARCHIVE, IMPORT, GoogleResult, fits_quota
from .local import LocalResult

HERE = Path(__file__).resolve().parent
LIBRARIES = ("sheetlog", "openpyxl", "pandas", "numpy", "gspread", "google-auth", "pydantic")
FEWER_CALLS = 100.0
MEMORY_MB = 1024.0
BIG = 100_000
LOCAL_LIMITS = {"validate": 1.5, "archive": 2.0, "summary": 1.5}


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


def targets(google: list[GoogleResult], local: list[LocalResult]) -> list[Target]:
    """Every target of the issue, checked against this run."""
    out = []
    for name in dict.fromkeys(r.name for r in google):
        sized = sorted((r for r in google if r.name == name), key=lambda r: r.rows)
        calls = ", ".join(f"{r.cost.calls} at {r.rows:,}" for r in sized)
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
                f"peak memory of {big.name} at {BIG:,} rows",
                f"<= {MEMORY_MB:.0f} MB",
                f"{big.peak_mb:.0f} MB",
                big.peak_mb <= MEMORY_MB,
            )
        )
    return out


def write_json(
    path: Path,
    env: dict[str, object],
    google: list[GoogleResult],
    local: list[LocalResult],
    checked: list[Target],
) -> None:
    """results.json, in the shape the issue fixes."""
    document = {
        "environment": env,
        "google": [r.to_json() for r in google],
        "local": [r.to_json() for r in local],
        "targets": [t.to_json() for t in checked],
    }
    path.write_text(json.dumps(document, indent=2) + "\n")


def markdown(
    env: dict[str, object],
    google: list[GoogleResult],
    local: list[LocalResult],
    checked: list[Target],
    notes: list[str],
) -> str:
    """results.md: the three tables and how they were measured."""
    libraries = env["libraries"]
    assert isinstance(libraries, dict)
    lines = [
        "# sheetlog benchmark results",
        "",
        f"`make bench{'-quick' if env['mode'] == 'quick' else ''}` on {env['date']},"
        f" commit {env['commit']}: {env['machine']}, {env['cpu']}, {env['cpu_count']} CPUs,"
        f" Python {env['python']}, "
        + ", ".join(f"{name} {v}" for name, v in libraries.items())
        + ".",
        "",
        "## Targets",
        "",
        "| target | goal | measured | |",
        "|---|---|---|---|",
        *(
            f"| {t.name} | {t.target} | {t.measured} | {'PASS' if t.met else 'MISS'} |"
            for t in checked
        ),
        "",
        "## Google Sheets: requests per pass",
        "",
        "Through the fake Sheets v4 API the tests use (every request checked against",
        "Google's discovery document). *bytes* are request bodies; *time at quota* is what",
        "the requests take under the 60-requests-per-minute per-user quota. The baseline is",
        "the script a user writes from gspread's documentation: `append_row` per row for",
        "import and append, `get_all_records` then `update_cell` of the Validation cell of",
        "each row with a problem for validate (such a script rewrites every flag nightly),",
        "and the move-row pattern for archive (`append_row` to the archive tab, then",
        "`delete_rows`, per row).",
        "",
        "| pass | rows | calls | bytes | largest request | time at quota | baseline calls"
        " | baseline bytes | baseline time at quota | fewer calls |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in google:
        if r.baseline is None:
            lines.append(
                f"| {r.name} | {r.rows:,} | {r.cost.calls} | {r.cost.bytes:,}"
                f" | {r.cost.largest:,} | {fits_quota(r.cost)} | - | - | - | - |"
            )
            continue
        star = "*" if r.extrapolated else ""
        lines.append(
            f"| {r.name} | {r.rows:,} | {r.cost.calls} | {r.cost.bytes:,} | {r.cost.largest:,}"
            f" | {fits_quota(r.cost)} | {r.baseline.calls:,}{star} | {r.baseline.bytes:,}{star}"
            f" | {fits_quota(r.baseline)}{star} | {r.baseline.calls / r.cost.calls:,.0f}x |"
        )
    lines += [
        "",
        "\\* scaled linearly from the baseline run at 1,000 rows: its fixed calls (open the",
        "spreadsheet, one read) plus one loop turn per row it writes, flags or moves, the",
        "turns counted on the bigger log itself.",
        "",
        "## Local workbook: time and memory per pass",
        "",
        "Seconds are the median over the repeats of the pass alone (imports done); the floor",
        "is measured in the same run on a copy of the same file: one bare openpyxl",
        "load+save for the passes that write, `pandas.read_excel` of the Log tab for",
        "summary. Peak memory is the resident peak of the process that ran the pass.",
        "",
        "| pass | rows | repeats | seconds | floor | floor seconds | ratio | peak MB"
        " | floor peak MB |",
        "|---|--:|--:|--:|---|--:|--:|--:|--:|",
        *(
            f"| {r.name} | {r.rows:,} | {r.repeats} | {r.seconds:.2f} | {r.floor}"
            f" | {r.floor_seconds:.2f} | {r.ratio:.2f}x | {r.peak_mb:.0f} | {r.floor_peak_mb:.0f} |"
            for r in local
        ),
        "",
        "## Notes",
        "",
        *(f"- {note}" for note in notes),
        "",
    ]
    return "\n".join(lines)
