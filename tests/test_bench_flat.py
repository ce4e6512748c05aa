"""The bench's history measurements on tiny logs, so ``make bench`` does not rot between runs."""

from __future__ import annotations

from pathlib import Path

from python_calamine import CalamineWorkbook

import sheetlog
from bench import flat
from bench.google import measure_history
from bench.history import build, command, run


def _log_rows(path: Path) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Log").to_python()


def test_the_history_workbook_is_a_working_log_with_the_same_log_as_the_bare_one(
    tmp_path: Path,
) -> None:
    big, bare = tmp_path / "history.xlsx", tmp_path / "bare.xlsx"
    history = build(big, 40, 400)
    assert build(bare, 40, 400, archives=False).open_ticket == history.open_ticket
    assert _log_rows(big) == _log_rows(bare) and len(_log_rows(big)) == 41
    assert history.archived_rows == 400 and history.archive_tabs >= 1
    support = sheetlog.open(big)
    found = support.find(ticket=history.archived_ticket)
    assert len(found.rows) == 1 and str(found.rows[0]["tab"]).startswith("Archive ")
    report = support.validate(flag=False)
    assert report.rows_checked == 40


def test_a_dozen_writers_land_once_and_processes_report_their_own_memory(
    tmp_path: Path,
) -> None:
    big = tmp_path / "history.xlsx"
    history = build(big, 20, 100)
    queued = flat.queue(big, history, 3)
    assert queued.landed_once, queued.problems
    assert (queued.log_added, queued.audit_added, len(set(queued.tickets))) == (3, 3, 3)
    argv, ok = command("import-click", big, history)
    started = run(argv, ok)
    assert 0 < started.peak_mb < 60  # not the memory of the process that started it
    timings = flat.flatness("append", big, big, {flat.HISTORY: history, flat.NONE: history}, 1)
    assert [t.workbook for t in timings] == [flat.HISTORY, flat.NONE]


def test_google_history_counts_the_bytes_received() -> None:
    costs = {(c.command, bool(c.archived)): c.cost for c in measure_history(30, 600)}
    with_archives, without = costs[("append", True)].received, costs[("append", False)].received
    assert without > 0 and abs(with_archives - without) < without / 100  # ids, sheet ids vary
    assert costs[("validate", True)].received > costs[("validate", False)].received
    assert all(cost.calls == 2 for cost in costs.values())
