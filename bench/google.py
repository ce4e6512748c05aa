"""The Google side: requests and request bytes of every pass, through the same fake Sheets
API the tests use, beside the script a user would write from gspread's documentation.

Calls are exact whatever the machine. The baselines make one request per row, so they
run at ``baseline_rows`` (1,000) and are scaled linearly to bigger logs: their fixed
part (opening the spreadsheet, one read) is measured apart from the per-row loop.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import timedelta

import gspread
from google.oauth2.credentials import Credentials
from requests import PreparedRequest

import sheetlog
from sheetlog.model.workbook import LOG_SCOPE
from sheetlog.passes import archive as archiving
from sheetlog.passes.validate import flag_text
from sheetlog.rules.logchecks import LogProblem, check_log
from tests.fakesheets import FakeSheets

from .data import COLUMNS, HEADER, Log, generate

QUOTA_PER_MINUTE = 60
BASELINE_ROWS = 1_000
OLDER_THAN = timedelta(days=7)
VALIDATION_COL = HEADER.index("Validation") + 1
IMPORT = "import N rows"
APPEND = "append one row"
VALIDATE = "validate (flags written)"
VALIDATE_AGAIN = "validate (nothing changed)"
ARCHIVE = "archive half the rows"


@dataclass(frozen=True)
class Cost:
    """Requests, request-body bytes, the body of the largest request, and the bytes of
    the response bodies (``received``; 0 when the fake was not a ``ReceivingFake``)."""

    calls: int
    bytes: int
    largest: int = 0
    received: int = 0

    @property
    def minutes(self) -> float:
        """How long the requests take under the 60-requests-per-minute per-user quota."""
        return self.calls / QUOTA_PER_MINUTE


@dataclass(frozen=True)
class Baseline:
    """A user's gspread script: what it costs whatever the size, and what its loop cost
    over ``turns`` turns (one per row it writes, flags or moves)."""

    fixed: Cost
    loop: Cost
    turns: int

    def at(self, turns: int) -> Cost:
        """The script's cost when its loop runs ``turns`` times."""
        scale = turns / self.turns if self.turns else 0.0
        return Cost(
            self.fixed.calls + round(self.loop.calls * scale),
            self.fixed.bytes + round(self.loop.bytes * scale),
            max(self.fixed.largest, self.loop.largest),
        )


@dataclass(frozen=True)
class GoogleResult:
    """One pass at one size, and its baseline (None where a user has no obvious script)."""

    name: str
    rows: int
    cost: Cost
    baseline: Cost | None = None
    extrapolated: bool = False

    def to_json(self) -> dict[str, object]:
        """The entry of results.json's "google" list."""
        return {
            "pass": self.name,
            "rows": self.rows,
            "calls": self.cost.calls,
            "bytes": self.cost.bytes,
            "received": self.cost.received,
            "baseline_calls": self.baseline.calls if self.baseline else None,
        }


class ReceivingFake(FakeSheets):
    """The tests' fake Sheets API, also counting the bytes of each response body (what
    a client receives, before any gzip on the wire)."""

    def __init__(self, seed: int = 0, every_sheet: bool = False) -> None:
        super().__init__(seed, every_sheet)
        self.received: dict[int, int] = {}
        """Response body bytes by the index of the call in ``calls``."""

    def _respond(self, request: PreparedRequest) -> tuple[int, dict[str, str], str]:
        status, headers, payload = super()._respond(request)
        self.received[len(self.calls) - 1] = len(payload.encode())
        return status, headers, payload


class Meter:
    """Counts the fake's requests and bytes between two moments."""

    def __init__(self, fake: FakeSheets) -> None:
        self.fake = fake

    @contextmanager
    def cost(self) -> Iterator[list[Cost]]:
        """``with meter.cost() as spent:`` ... ``spent[0]`` is what the block sent (and,
        from a ``ReceivingFake``, received)."""
        first = len(self.fake.calls)
        spent: list[Cost] = []
        yield spent
        calls = self.fake.calls[first:]
        sizes = [call.bytes for call in calls]
        replies = getattr(self.fake, "received", {})
        received = sum(replies.get(n, 0) for n in range(first, len(self.fake.calls)))
        spent.append(Cost(len(sizes), sum(sizes), max(sizes, default=0), received))


def _creds() -> Credentials:
    return Credentials(token="bench")  # type: ignore[no-untyped-call]


def _seeded(fake: FakeSheets, log: Log) -> tuple[str, sheetlog.SupportLog]:
    """A provisioned log holding ``log``'s rows as typed (written straight into the fake)."""
    sid = fake.create_spreadsheet("Support Log", tabs=["Sheet1"])
    support = sheetlog.open(f"gsheet:{sid}", credentials=_creds())
    support.init()
    fake.set_values(sid, "Log", [list(HEADER), *map(list, log.sheet_rows())])
    return sid, support


def measure_passes(log: Log) -> tuple[list[GoogleResult], dict[str, int]]:
    """Every pass on a log of ``len(log.records)`` rows, and how many turns each
    baseline's loop would need on the same log."""
    with ReceivingFake() as fake:
        results, turns = _sheetlog_passes(fake, Meter(fake), log)
        _refuse_violations(fake)
    return results, turns


def measure_baselines(log: Log) -> dict[str, Baseline]:
    """The user's scripts, each run once on ``log``."""
    with FakeSheets() as fake:
        meter = Meter(fake)
        validate = _validate_baseline(fake, meter, log)
        baselines = {
            IMPORT: import_baseline(fake, meter, log),
            APPEND: _append_baseline(fake, meter, log),
            VALIDATE: validate,
            VALIDATE_AGAIN: validate,  # a script that does not compare rewrites every flag
            ARCHIVE: _archive_baseline(fake, meter, log),
        }
        _refuse_violations(fake)
    return baselines


def with_baselines(
    results: list[GoogleResult], turns: dict[str, int], baselines: dict[str, Baseline]
) -> list[GoogleResult]:
    """Each pass beside its baseline, scaled from the baseline's own size to the pass's."""
    out = []
    for result in results:
        baseline = baselines.get(result.name)
        if baseline is None:
            out.append(result)
            continue
        scaled = turns[result.name] != baseline.turns
        out.append(replace(result, baseline=baseline.at(turns[result.name]), extrapolated=scaled))
    return out


def _refuse_violations(fake: FakeSheets) -> None:
    if fake.violations:
        raise RuntimeError(f"requests Google would refuse: {fake.violations[:3]}")


def _sheetlog_passes(
    fake: FakeSheets, meter: Meter, log: Log
) -> tuple[list[GoogleResult], dict[str, int]]:
    """Each pass's cost, and how many turns each baseline's loop needs on the same log."""
    rows = len(log.records)
    sid = fake.create_spreadsheet("Support Log", tabs=["Sheet1"])
    support = sheetlog.open(f"gsheet:{sid}", credentials=_creds())
    results = []
    with meter.cost() as spent:
        support.init()
    results.append(GoogleResult("init", rows, spent[0]))
    with meter.cost() as spent:
        imported = support.import_rows(log.records, source="bench", now=log.validate_now)
    assert imported.added, "the import should land rows"
    results.append(GoogleResult(IMPORT, rows, spent[0]))
    well_formed = next(r for n, r in enumerate(log.records) if n not in log.malformed)
    with meter.cost() as spent:
        support.append(well_formed | {"Ticket ID": ""}, now=log.validate_now)
    results.append(GoogleResult(APPEND, rows, spent[0]))

    _, typed = _seeded(fake, log)
    with meter.cost() as spent:
        report = typed.validate(now=log.validate_now)
    assert report.written, "the bench log should have rows to flag"
    results.append(GoogleResult(VALIDATE, rows, spent[0]))
    with meter.cost() as spent:
        again = typed.validate(now=log.validate_now)
    assert not again.written, "a second pass should change nothing"
    results.append(GoogleResult(VALIDATE_AGAIN, rows, spent[0]))
    with meter.cost() as spent:
        moved = typed.archive(older_than=OLDER_THAN, now=log.archive_now(OLDER_THAN))
    assert moved.moved, "the bench log should have rows to archive"
    results.append(GoogleResult(ARCHIVE, rows, spent[0]))
    with meter.cost() as spent:
        typed.summary(log.month)
    results.append(GoogleResult("summary", rows, spent[0]))
    flagged = len({problem.row for problem in report.problems})
    turns = {
        IMPORT: rows,
        APPEND: 1,
        VALIDATE: flagged,
        VALIDATE_AGAIN: flagged,
        ARCHIVE: moved.moved,
    }
    return results, turns


# --- history: what a command receives when months of rows are archived ------------------

HISTORY_COMMANDS = ("append", "update", "message", "validate")
ARCHIVE_CHUNK = 5_000  # rows per set_values of an archive tab


@dataclass(frozen=True)
class HistoryCost:
    """One command on a spreadsheet with ``archived`` rows in archive tabs (0: none)."""

    command: str
    log_rows: int
    archived: int
    cost: Cost

    def to_json(self) -> dict[str, object]:
        """The entry of results.json's "google_history" list."""
        return {
            "command": self.command,
            "log_rows": self.log_rows,
            "archived_rows": self.archived,
            "calls": self.cost.calls,
            "bytes": self.cost.bytes,
            "received": self.cost.received,
        }


def archived_spreadsheet(
    fake: FakeSheets, log_rows: int, archived_rows: int, archives: bool = True
) -> tuple[sheetlog.SupportLog, Log, str]:
    """A provisioned log with ``log_rows`` in Log (as typed) and ``archived_rows`` closed
    rows in ``Archive YYYY-MM`` tabs, created through sheetlog's own backend write (so
    they carry its tags) and filled straight in the fake; and a ticket open in Log.
    Without ``archives``: the same Log, no archive tabs."""
    from sheetlog.model.ops import AddTab, AppendRows
    from sheetlog.model.workbook import ID_INDEX_HEADER, ID_INDEX_TAB, id_index_rows

    from .history import HASH_COLUMN, archive_months, open_ticket, split

    live, archived = split(log_rows, archived_rows, archives)
    _, support = _seeded(fake, live)
    months = archive_months(archived)
    header = (*HEADER, HASH_COLUMN)
    if months:  # the tabs, and the index of archived Ticket IDs the archive pass keeps
        index = [
            line
            for title, records in months.items()
            for line in id_index_rows(title, 2, [r["Ticket ID"] for r in records])
        ]
        support.backend.write(
            [
                *(AddTab(title, header) for title in months),
                AddTab(ID_INDEX_TAB, ID_INDEX_HEADER, hidden=True),
                AppendRows(ID_INDEX_TAB, tuple(index)),
            ]
        )
    sid = support.backend.spreadsheet_id  # type: ignore[attr-defined]
    for title, records in months.items():
        rows = [[record[name] for name in COLUMNS] for record in records]
        fake.set_values(sid, title, [list(header), *rows])
    return support, live, open_ticket(live)


def measure_history(log_rows: int, archived_rows: int) -> list[HistoryCost]:
    """append, update, message and validate (flags written) on a log with ``archived_rows``
    archived, and on the same log with none: calls, bytes sent and bytes received."""
    found = []
    with ReceivingFake() as fake:
        meter = Meter(fake)
        for archives in (True, False):
            support, live, ticket = archived_spreadsheet(fake, log_rows, archived_rows, archives)
            archived = archived_rows if archives else 0
            entry = {name: value for name, value in live.records[-1].items() if name in APPENDED}
            with meter.cost() as spent:
                support.append(entry, now=live.validate_now)
            found.append(HistoryCost("append", log_rows, archived, spent[0]))
            with meter.cost() as spent:
                changed = support.update(ticket, {"Status": "Resolved"}, now=live.validate_now)
            assert changed.changes, "the update should change the ticket"
            found.append(HistoryCost("update", log_rows, archived, spent[0]))
            with meter.cost() as spent:
                support.message(ticket, "Asked the courier for a trace", sender="agent")
            found.append(HistoryCost("message", log_rows, archived, spent[0]))
            with meter.cost() as spent:
                report = support.validate(now=live.validate_now)
            assert report.written, "the bench log should have rows to flag"
            found.append(HistoryCost("validate", log_rows, archived, spent[0]))
        _refuse_violations(fake)
    return found


APPENDED = ("Customer", "Channel", "Agent", "Issue Type", "Issue Summary", "Tags")


def history_from_json(text: str) -> list[HistoryCost]:
    """What ``history`` printed."""
    return [
        HistoryCost(r["command"], r["log_rows"], r["archived"], Cost(**r["cost"]))
        for r in json.loads(text)
    ]


# --- the baselines: what a user writes from gspread's documentation ---------------------


def _client() -> gspread.Client:
    return gspread.authorize(_creds())


def _header_only(fake: FakeSheets) -> str:
    sid = fake.create_spreadsheet("Support Log", tabs=["Log"])
    fake.set_values(sid, "Log", [list(HEADER)])
    return sid


def import_baseline(fake: FakeSheets, meter: Meter, log: Log) -> Baseline:
    """``append_row`` for each row of the export."""
    sid = _header_only(fake)
    with meter.cost() as fixed:
        sheet = _client().open_by_key(sid).worksheet("Log")
    with meter.cost() as loop:
        for record in log.records:
            sheet.append_row([record[name] for name in COLUMNS], table_range="A1")
    return Baseline(fixed[0], loop[0], len(log.records))


def _append_baseline(fake: FakeSheets, meter: Meter, log: Log) -> Baseline:
    """One ``append_row``."""
    sid = _header_only(fake)
    with meter.cost() as fixed:
        sheet = _client().open_by_key(sid).worksheet("Log")
    with meter.cost() as loop:
        sheet.append_row([log.records[0][name] for name in COLUMNS], table_range="A1")
    return Baseline(fixed[0], loop[0], 1)


def _flags(fake: FakeSheets, log: Log) -> dict[int, str]:
    """The Validation text of every row with a problem, as sheetlog's checks find them."""
    _, support = _seeded(fake, log)
    snapshot, settings = support.read(LOG_SCOPE)
    check = check_log(snapshot, settings.template, log.validate_now)
    by_row: dict[int, list[LogProblem]] = {}
    for problem in check.problems:
        by_row.setdefault(problem.row, []).append(problem)
    return {row: flag_text(problems) for row, problems in by_row.items()}


def _validate_baseline(fake: FakeSheets, meter: Meter, log: Log) -> Baseline:
    """``get_all_records``, then ``update_cell`` of the Validation cell of each bad row."""
    flags = _flags(fake, log)
    sid, _ = _seeded(fake, log)
    with meter.cost() as fixed:
        sheet = _client().open_by_key(sid).worksheet("Log")
        sheet.get_all_records()
    with meter.cost() as loop:
        for row, text in flags.items():
            sheet.update_cell(row, VALIDATION_COL, text)
    return Baseline(fixed[0], loop[0], len(flags))


def _due(fake: FakeSheets, log: Log) -> set[str]:
    """The Ticket IDs sheetlog's archive would move."""
    _, support = _seeded(fake, log)
    snapshot, settings = support.read(LOG_SCOPE)
    chosen, _ = archiving.choose(
        snapshot, settings.template, log.archive_now(OLDER_THAN), OLDER_THAN
    )
    return {staged.ticket for staged in chosen}


def _archive_baseline(fake: FakeSheets, meter: Meter, log: Log) -> Baseline:
    """The move-row pattern: ``append_row`` to the archive tab, then ``delete_rows``, for
    each closed row, bottom-up so the row numbers still hold."""
    due = _due(fake, log)
    sid, _ = _seeded(fake, log)
    with meter.cost() as fixed:
        book = _client().open_by_key(sid)
        sheet = book.worksheet("Log")
        archive = book.add_worksheet("Archive", rows=1, cols=len(HEADER))
        archive.append_row(list(HEADER))
        values = sheet.get_all_values()
    with meter.cost() as loop:
        for number in range(len(values), 1, -1):
            row = values[number - 1]
            if row[0] in due:
                archive.append_row(row, table_range="A1")
                sheet.delete_rows(number)
    return Baseline(fixed[0], loop[0], len(due))


def fits_quota(cost: Cost) -> str:
    """Minutes under the per-user quota, as a person reads them."""
    minutes = cost.minutes
    if minutes < 1:
        return f"{math.ceil(cost.calls / QUOTA_PER_MINUTE * 60)} s"
    if minutes < 120:
        return f"{minutes:.0f} min"
    return f"{minutes / 60:.1f} h"


def main() -> None:
    """``python -m bench.google passes|baselines ROWS`` or ``history LOG_ROWS ARCHIVED_ROWS``:
    one job of ``make bench``, as JSON."""
    job, rows = sys.argv[1], int(sys.argv[2])
    if job == "history":  # history LOG_ROWS ARCHIVED_ROWS
        found = measure_history(rows, int(sys.argv[3]))
        print(json.dumps([asdict(r) for r in found]))
        return
    log = generate(rows)
    if job == "passes":
        results, turns = measure_passes(log)
        print(json.dumps({"results": [asdict(r) for r in results], "turns": turns}))
    else:
        print(json.dumps({name: asdict(b) for name, b in measure_baselines(log).items()}))


def passes_from_json(text: str) -> tuple[list[GoogleResult], dict[str, int]]:
    """What ``passes`` printed."""
    data = json.loads(text)
    results = [GoogleResult(r["name"], r["rows"], Cost(**r["cost"])) for r in data["results"]]
    return results, data["turns"]


def baselines_from_json(text: str) -> dict[str, Baseline]:
    """What ``baselines`` printed."""
    return {
        name: Baseline(Cost(**b["fixed"]), Cost(**b["loop"]), b["turns"])
        for name, b in json.loads(text).items()
    }


if __name__ == "__main__":
    main()
