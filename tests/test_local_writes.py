"""Everyday writes to a local workbook: a write changes only the package parts it
means to, and agents appending at once queue for the lock and each land once."""

from __future__ import annotations

import multiprocessing
import zipfile
from pathlib import Path

import sheetlog
from tests.conftest import LogUnderTest
from tests.summary_data import fill


def _members(path: Path) -> dict[str, bytes]:
    """Each zip member's stored (compressed) bytes, by name, in order."""
    with zipfile.ZipFile(path) as archive:
        found = {}
        data = path.read_bytes()
        for info in archive.infolist():
            start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
            found[info.filename] = data[start : start + info.compress_size]
        return found


def _sheet_part(path: Path, title: str) -> str:
    """The package part of the tab called ``title``."""
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    rid = workbook.split(f'name="{title}"')[1].split('r:id="')[1].split('"')[0]
    target = rels.split(f'Id="{rid}"')[0].rsplit("<Relationship", 1)[1]
    target = (target + rels.split(f'Id="{rid}"')[1]).split('Target="')[1].split('"')[0]
    return "xl/" + target.removeprefix("/xl/")


def test_append_and_update_rewrite_only_the_log_and_audit_parts(
    local_log: LogUnderTest, tmp_path: Path
) -> None:
    fill(local_log.log, tmp_path)  # a log with an archive tab and settings
    local_log.log.summary("2025-10")  # charts, number formats, a tab of its own
    path = local_log.path
    assert path is not None
    audit = next(t for t in local_log.titles() if t.startswith("Audit "))
    before = _members(path)
    local_log.log.append({"Customer": "Ann", "Agent": "Bo", "Issue Summary": "Late"})
    local_log.log.update("T-6", {"Actions & Notes": "Called back"})
    after = _members(path)
    changed = {name for name in before if after.get(name) != before[name]}
    assert changed == {_sheet_part(path, "Log"), _sheet_part(path, audit)}
    assert list(after) == list(before)  # no part added, dropped or reordered


def _append(path: str, n: int, tickets: multiprocessing.Queue[str]) -> None:  # type: ignore[type-arg]
    row = sheetlog.open(path).append({"Customer": f"c{n}", "Agent": "Bo", "Issue Summary": "x"})
    tickets.put(str(row["Ticket ID"]))


def test_agents_appending_at_once_all_land_once(local_log: LogUnderTest) -> None:
    local_log.log.init()
    assert local_log.path is not None
    context = multiprocessing.get_context("spawn")
    tickets = context.Queue()
    agents = [
        context.Process(target=_append, args=(str(local_log.path), n, tickets)) for n in range(8)
    ]
    for agent in agents:
        agent.start()
    for agent in agents:
        agent.join(120)
        assert agent.exitcode == 0
    landed = sorted(tickets.get(timeout=5) for _ in agents)
    assert sorted(r[0] for r in local_log.values("Log")[1:]) == landed
    appended = [line for line in local_log.audit()[1:] if line[2] == "append"]
    assert sorted(line[4] for line in appended) == landed
