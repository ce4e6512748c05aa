"""Workbooks with a long history, built fast, and whole ``sheetlog`` processes timed on them.

A log after a year of use: a short Log (the last days' rows, 2% typed badly) and the
closed rows of the months before in ``Archive YYYY-MM`` tabs. Pushing 98,000 rows
through ``sheetlog archive`` (openpyxl) takes minutes, so the workbook is written
directly with openpyxl's write-only mode, starting from what ``sheetlog init`` makes:
its tabs (the hidden settings tab, Log with its drop-downs, marks, text columns and
frozen header, the month's Audit tab) are copied as they are, then Log gets its rows
and each archive tab the Log header plus ``Row Hash`` (left empty: nothing here
verifies the chain) and the rows resolved in its month.

Every command is timed as a whole process, start-up included (what an agent waits
for); its peak resident memory comes from the kernel (``wait4``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .data import COLUMNS, HEADER, Log, generate

ARCHIVE_PREFIX = "Archive "
HASH_COLUMN = "Row Hash"
CLOSED = ("Resolved", "Closed")
NEW_ENTRY = {
    "Customer": "Ann Lee",
    "Channel": "Email",
    "Agent": "Sam Ortiz",
    "Issue Type": "Account",
    "Issue Summary": "Cannot reset password",
}
UPDATE = ("Status=Resolved", "Actions & Notes=Reset link sent; confirmed by phone")
READ_EVERY_TAB = (
    "import sys\n"
    "from python_calamine import CalamineWorkbook\n"
    "book = CalamineWorkbook.from_path(sys.argv[1])\n"
    "for name in book.sheet_names:\n"
    "    book.get_sheet_by_name(name).to_python()\n"
)
"""The floor of a command that reads every tab: python-calamine reading them all."""


@dataclass(frozen=True)
class History:
    """What was built: the rows of Log and of the archive tabs, and the tickets the
    timed commands name (one open in Log for ``update``, one archived for ``find``)."""

    log_rows: int
    archived_rows: int
    archive_tabs: int
    open_ticket: str
    archived_ticket: str

    def to_json(self) -> dict[str, object]:
        """As the build job prints it."""
        return {
            "log_rows": self.log_rows,
            "archived_rows": self.archived_rows,
            "archive_tabs": self.archive_tabs,
            "open_ticket": self.open_ticket,
            "archived_ticket": self.archived_ticket,
        }


def split(
    log_rows: int, archived_rows: int, archives: bool = True
) -> tuple[Log, list[dict[str, str]]]:
    """The rows of a log that has ``archived_rows`` archived behind ``log_rows`` in Log:
    the Log rows (the newest, 2% typed badly) and the archived ones (older, all closed
    and well formed, as ``sheetlog archive`` leaves them; none without ``archives``)."""
    total = log_rows + archived_rows
    typed = generate(total)
    live = Log(
        typed.records[archived_rows:],
        frozenset(n - archived_rows for n in typed.malformed if n >= archived_rows),
        typed.end,
    )
    archived = generate(total, malformed_share=0).records[:archived_rows] if archives else []
    for record in archived:
        if record["Status"] not in CLOSED:  # a few old tickets are still open: close them
            record.update(Status="Closed", **{"Resolved At": record["Contact End"]})
            record.update({"Follow-up Date": "", "Follow-up Notes": ""})
    return live, archived


def archive_months(archived: Sequence[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    """The archived rows by ``Archive YYYY-MM`` tab: the month Resolved At falls in (UTC)."""
    months: dict[str, list[dict[str, str]]] = {}
    for record in archived:
        months.setdefault(f"{ARCHIVE_PREFIX}{record['Resolved At'][:7]}", []).append(record)
    return dict(sorted(months.items()))


def build(path: Path, log_rows: int, archived_rows: int, archives: bool = True) -> History:
    """A sheetlog workbook at ``path`` with ``log_rows`` in Log and ``archived_rows`` in
    monthly archive tabs; without ``archives``, the same Log and no archive tabs."""
    live, archived = split(log_rows, archived_rows, archives)
    months = write_workbook(path, live, archived)
    return History(
        log_rows,
        len(archived),
        len(months),
        open_ticket(live),
        archived[len(archived) // 2]["Ticket ID"] if archived else "",
    )


def write_workbook(
    path: Path, live: Log, archived: Sequence[dict[str, str]]
) -> dict[str, list[dict[str, str]]]:
    """Write the workbook: what ``sheetlog init`` makes, ``live`` in Log and ``archived``
    in monthly archive tabs; return the archive tabs' rows by title."""
    from openpyxl import Workbook, load_workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    import sheetlog
    from sheetlog.model.workbook import ID_INDEX_HEADER, ID_INDEX_TAB, id_index_rows

    with tempfile.TemporaryDirectory(prefix="sheetlog-init-") as scratch:
        seed = Path(scratch) / "init.xlsx"
        sheetlog.open(seed).init()
        small = load_workbook(seed)
    book = Workbook(write_only=True)
    bold = Font(bold=True)

    def header(sheet: object, names: Sequence[object]) -> list[WriteOnlyCell]:
        cells = []
        for name in names:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            cells.append(cell)
        return cells

    for source in small.worksheets:  # Log, the settings tab, the month's Audit tab
        sheet = book.create_sheet(source.title)
        sheet.sheet_state = source.sheet_state
        sheet.freeze_panes = source.freeze_panes
        for letter, dim in source.column_dimensions.items():
            column = sheet.column_dimensions[letter]
            column.width = dim.width
            if dim.number_format != "General":
                column.number_format = dim.number_format
        sheet.data_validations = source.data_validations
        sheet.conditional_formatting = source.conditional_formatting
        for row in source.iter_rows():
            cells = []
            for cell in row:
                written = WriteOnlyCell(sheet, value=cell.value)
                if cell.font is not None and cell.font.b:
                    written.font = bold
                cells.append(written)
            sheet.append(cells)
        if source.title == "Log":
            assert tuple(c.value for c in next(source.iter_rows())) == HEADER, "template moved"
            for values in live.sheet_rows():
                sheet.append([value or None for value in values])
    months = archive_months(archived)
    for title, records in months.items():
        sheet = book.create_sheet(title)
        sheet.append(header(sheet, (*HEADER, HASH_COLUMN)))
        for record in records:
            sheet.append([record[name] or None for name in COLUMNS])
    if months:  # the index of archived Ticket IDs that the archive pass keeps
        index = book.create_sheet(ID_INDEX_TAB)
        index.sheet_state = "hidden"
        index.append(header(index, ID_INDEX_HEADER))
        for title, records in months.items():
            for line in id_index_rows(title, 2, [r["Ticket ID"] for r in records]):
                index.append(list(line))
    book.save(path)
    return months


def open_ticket(live: Log) -> str:
    """A well-formed, still open ticket of Log (the newest), for ``update`` to close."""
    for n in range(len(live.records) - 1, -1, -1):
        record = live.records[n]
        if n not in live.malformed and record["Status"] == "Open" and record["Customer"]:
            return record["Ticket ID"]
    raise ValueError("no open ticket in Log")


# --- whole processes ------------------------------------------------------------------

LAUNCHER = """
import json, os, sys, time
argv = json.loads(sys.argv[1])
began = time.perf_counter()
pid = os.posix_spawnp(argv[0], argv, os.environ)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - began
with open(sys.argv[2], "w") as report:
    json.dump([seconds, usage.ru_maxrss, os.waitstatus_to_exitcode(status)], report)
"""
"""Starts a command, times it and reports its own peak memory. A child's peak counts the
memory of the process it was spawned from (Linux keeps the high-water mark across
fork and exec), so commands are spawned from this bare interpreter (``-S``, about 9 MB),
not from the bench, whose memory would be counted in every process it starts."""


@dataclass(frozen=True)
class Run:
    """One process: wall seconds from start to exit, its peak resident memory, its output."""

    seconds: float
    peak_mb: float
    code: int
    out: str
    err: str


@dataclass
class Started:
    """A launched command, its errors file and where the launcher writes its figures."""

    process: subprocess.Popen[bytes]
    errors: IO[bytes]
    report: Path


def run(argv: Sequence[str], ok: Sequence[int] | None = (0,)) -> Run:
    """Run ``argv``; raise when it exits with a code not in ``ok`` (None: any code)."""
    return finish(start(argv), ok)


def start(argv: Sequence[str]) -> Started:
    """Start ``argv`` through the launcher, with no input and its output piped."""
    handle, report = tempfile.mkstemp(prefix="sheetlog-bench-", suffix=".json")
    os.close(handle)
    errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed by finish()
    process = subprocess.Popen(
        [sys.executable, "-S", "-c", LAUNCHER, json.dumps(list(argv)), report],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=errors,
    )
    return Started(process, errors, Path(report))


def finish(started: Started, ok: Sequence[int] | None = (0,)) -> Run:
    """Wait for a started command; raise when it exits with a code not in ``ok``."""
    process = started.process
    assert process.stdout is not None
    with started.errors as errors, process.stdout as stdout:
        out = stdout.read()
        process.wait()
        errors.seek(0)
        err = errors.read().decode(errors="replace")
    try:
        seconds, maxrss, code = json.loads(started.report.read_text() or "null")
    except (OSError, TypeError, ValueError):
        raise RuntimeError(f"the launcher failed ({process.returncode}):\n{err}") from None
    finally:
        started.report.unlink(missing_ok=True)
    done = Run(seconds, _mb(maxrss), code, out.decode(errors="replace"), err)
    if ok is not None and done.code not in ok:
        argv = json.loads(str(process.args[4]))  # type: ignore[index]
        raise RuntimeError(f"{' '.join(argv)} exited {done.code}:\n{err}")
    return done


def _mb(maxrss: int) -> float:
    """``ru_maxrss`` in MB (kilobytes on Linux, bytes on macOS)."""
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024


def sheetlog_command() -> list[str]:
    """How an agent runs sheetlog: the console script beside this interpreter."""
    script = Path(sys.executable).with_name("sheetlog")
    return [str(script)] if script.exists() else [sys.executable, "-m", "sheetlog"]


def command(name: str, path: Path, history: History) -> tuple[list[str], tuple[int, ...]]:
    """The argv of a timed command on the workbook at ``path``, and its exit codes."""
    sheet = ["--sheet", str(path)]
    base = sheetlog_command()
    if name == "append":
        return [*base, "append", *sheet, "--json", json.dumps(NEW_ENTRY)], (0,)
    if name == "update":
        fields = [part for field in UPDATE for part in ("-f", field)]
        return [*base, "update", history.open_ticket, *sheet, *fields], (0,)
    if name == "message":
        line = ["--from", "agent", "Asked the courier for a trace"]
        return [*base, "message", history.open_ticket, *line, *sheet], (0,)
    if name == "validate":
        return [*base, "validate", *sheet], (0, 1)  # 1: problems found (and flagged)
    if name == "find":
        return [*base, "find", "--ticket", history.archived_ticket, *sheet], (0,)
    if name == "status":
        return [*base, "status", *sheet], (0,)
    if name == "read-every-tab":
        return [sys.executable, "-c", READ_EVERY_TAB, str(path)], (0,)
    if name == "help":
        return [*base, "--help"], (0,)
    if name == "import-click":
        return [sys.executable, "-c", "import click"], (0,)
    raise ValueError(name)


def history_from_json(text: str) -> History:
    """What ``build`` printed."""
    return History(**json.loads(text))


def timed(name: str, original: Path, history: History, fresh: bool) -> Run:
    """One timed process of ``name``; ``fresh``: on a new copy of ``original`` (not timed)."""
    if not fresh:
        argv, ok = command(name, original, history)
        return run(argv, ok)
    with tempfile.TemporaryDirectory(dir=original.parent, prefix="run-") as folder:
        work = Path(folder) / original.name
        work.write_bytes(original.read_bytes())
        argv, ok = command(name, work, history)
        return run(argv, ok)


def main() -> None:
    """``python -m bench.history build|bare LOG_ROWS ARCHIVED_ROWS PATH``: print the History
    (``bare``: the same Log, no archive tabs)."""
    _, job, log_rows, archived_rows, path = sys.argv
    built = build(Path(path), int(log_rows), int(archived_rows), archives=job == "build")
    print(json.dumps(built.to_json()))


if __name__ == "__main__":
    main()
