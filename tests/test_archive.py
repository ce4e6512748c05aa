"""`archive` on both backends: what moves, where, and that nothing is ever lost or
duplicated — when killed between any two calls, run twice, or raced by people."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from google.oauth2.credentials import Credentials

from sheetlog.backends.local import LocalBackend
from sheetlog.errors import BackendError, ConfigError
from sheetlog.model.sheetdata import Scope
from sheetlog.model.workbook import audit_tabs
from sheetlog.passes.archive import STAGING_TAB, parse_age
from sheetlog.passes.batching import WRITE_HEADROOM
from tests.conftest import LogUnderTest, open_google, open_local
from tests.fakesheets import FakeSheets
from tests.logdata import HEADER, entry, seed

NOW = dt.datetime(2025, 11, 20, 12, 0, tzinfo=dt.UTC)
TICKET = 0


def sample() -> list[tuple[str, ...]]:
    """Open, recently closed, old closed (two months), and an invalid closed row."""
    return [
        entry("T-01", "Resolved", "2025-09-02 10:00 UTC"),
        entry("T-02"),
        entry("T-03", "Closed", "2025-10-31 23:30 UTC"),
        entry("T-04", "Closed", ""),  # closed without Resolved At: an error, stays
        entry("T-05", "Resolved", "2025-11-19 08:00 UTC"),  # resolved yesterday: too recent
        entry("T-06", "Pending"),
        entry("T-07", "Resolved", "2025-09-01 11:00 UTC"),
        entry("T-08", "Closed", "2025-10-01 00:10 UTC", Channel="email"),  # fixable error, stays
    ]


def everything(target: LogUnderTest, *also: str) -> Counter[tuple[Any, ...]]:
    """Every data row of Log, the archive tabs and the tabs ``also``, as a multiset of
    full rows (template columns only)."""
    rows: Counter[tuple[Any, ...]] = Counter()
    for title in target.titles():
        if title == "Log" or title.startswith("Archive ") or title in also:
            values = target.values(title)
            at = {name: i for i, name in enumerate(values[0])}
            for row in values[1:]:
                cells = tuple(row[at[n]] if at[n] < len(row) else None for n in HEADER)
                if any(v not in (None, "") for v in cells):
                    rows[tuple(v if v != "" else None for v in cells)] += 1
    return rows


def tickets(target: LogUnderTest, tab: str) -> list[str]:
    return [row[0] for row in target.values(tab)[1:] if row and row[0]]


def test_moves_closed_old_rows_into_month_tabs_in_resolved_order(any_log: LogUnderTest) -> None:
    seed(any_log, sample())
    result = any_log.log.archive(now=NOW)
    assert result.to_dict() == {
        "moved": 3,
        "kept_invalid": 2,
        "kept_changed": 0,
        "finished": 0,
        "tabs": {"Archive 2025-09": 2, "Archive 2025-10": 1},
    }
    assert tickets(any_log, "Log") == ["T-02", "T-04", "T-05", "T-06", "T-08"]
    assert tickets(any_log, "Archive 2025-09") == ["T-07", "T-01"]  # by Resolved At
    assert tickets(any_log, "Archive 2025-10") == ["T-03"]
    assert any_log.values("Archive 2025-09")[0] == [*HEADER, "Row Hash"]
    assert STAGING_TAB not in any_log.titles()
    audit = any_log.audit()[-1]
    assert audit[2] == "archive"
    assert "moved 3 rows; 2 to Archive 2025-09; 1 to Archive 2025-10" in audit[5]
    assert "kept 2 with validation errors" in audit[5]
    layout = any_log.log.backend.read_layout("Archive 2025-09")
    assert layout is not None and layout.frozen_rows == 1 and 3 in layout.text_columns


def test_dry_run_lists_targets_and_writes_nothing(any_log: LogUnderTest) -> None:
    seed(any_log, sample())
    marker = any_log.write_marker()
    result = any_log.log.archive(now=NOW, dry_run=True)
    assert (result.moved, result.tabs) == (3, {"Archive 2025-09": 2, "Archive 2025-10": 1})
    assert any_log.write_marker() == marker


def test_second_run_changes_nothing_and_writes_nothing(any_log: LogUnderTest) -> None:
    seed(any_log, sample())
    before = everything(any_log)
    any_log.log.archive(now=NOW)
    marker = any_log.write_marker()
    again = any_log.log.archive(now=NOW)
    assert again.moved == 0 and again.tabs == {}
    assert any_log.write_marker() == marker
    assert everything(any_log) == before


def test_older_than_zero_moves_everything_closed_and_valid(any_log: LogUnderTest) -> None:
    seed(any_log, sample())
    assert any_log.log.archive(older_than="0", now=NOW).moved == 4


@pytest.mark.parametrize(
    ("text", "hours"), [("0", 0), ("36h", 36), ("30d", 720), ("2w", 336), ("7", 168)]
)
def test_older_than_forms(text: str, hours: int) -> None:
    assert parse_age(text) == dt.timedelta(hours=hours)


def test_older_than_nonsense_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="36h, 7d, 2w"):
        parse_age("a week")


def test_a_changed_header_stops_the_pass(any_log: LogUnderTest) -> None:
    seed(any_log, sample())
    from sheetlog.model.ops import SetCells

    any_log.log.backend.write([SetCells("Log", 1, 9, (("State",),))])
    with pytest.raises(ConfigError, match="Log header: the header lacks 'Status'"):
        any_log.log.archive(now=NOW)


# --- crash safety --------------------------------------------------------------------


class Killed(Exception):
    """A process killed between two API calls."""


DUE = ["T-01", "T-03", "T-07"]


@pytest.mark.parametrize(("kill_before", "in_flight"), [(2, []), (3, DUE), (4, DUE)])
def test_killed_between_any_two_calls_then_rerun_loses_and_duplicates_nothing(
    fake: FakeSheets, creds: Credentials, kill_before: int, in_flight: list[str]
) -> None:
    target = open_google(fake, creds)
    seed(target, sample())
    before = everything(target)
    fake.calls.clear()

    def kill(call: Any) -> None:
        if len(fake.calls) == kill_before:
            raise Killed(f"killed before call {kill_before}: {call.method_id}")

    fake.before_request(kill)
    with pytest.raises(Killed):
        target.log.archive(now=NOW)
    fake.clear_request_hooks()  # the next run is a new process
    # Nothing lost or doubled: each row is in Log, an archive tab or the staging tab.
    assert everything(target, STAGING_TAB) == before
    if in_flight:  # the due rows left Log for the staging tab, and only for it
        assert sorted(tickets(target, STAGING_TAB)) == in_flight
        assert not set(in_flight) & set(tickets(target, "Log"))
    else:  # killed before the first write: nothing changed
        assert STAGING_TAB not in target.titles()
        assert everything(target) == before
    target.log.archive(now=NOW)
    assert everything(target) == before
    assert STAGING_TAB not in target.titles()
    assert sorted(tickets(target, "Archive 2025-09")) == ["T-01", "T-07"]


def test_killed_between_steps_on_a_workbook_leaves_the_file_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = open_local(tmp_path)
    seed(target, sample())
    before_bytes = Path(target.path or "").read_bytes()
    real_write = LocalBackend.write
    writes = []

    def write_then_die(self: LocalBackend, ops: Any) -> None:
        writes.append(ops)
        if len(writes) == 2:
            raise Killed("killed between staging and finishing")
        real_write(self, ops)

    monkeypatch.setattr(LocalBackend, "write", write_then_die)
    with pytest.raises(Killed):
        target.log.archive(now=NOW)
    assert Path(target.path or "").read_bytes() == before_bytes
    monkeypatch.setattr(LocalBackend, "write", real_write)
    assert target.log.archive(now=NOW).moved == 3


def test_lost_replies_are_checked_not_repeated(google_log: LogUnderTest) -> None:
    fake = google_log.fake
    assert fake is not None
    seed(google_log, sample())
    before = everything(google_log)
    fake.inject(
        status=503,
        times=2,
        apply_first=True,
        when=lambda c: c.method_id == "spreadsheets.batchUpdate",
    )
    assert google_log.log.archive(now=NOW).moved == 3
    assert everything(google_log) == before
    assert len([r for r in google_log.audit() if r[2] == "archive"]) == 1


# --- people typing while the pass runs -------------------------------------------------


def _random_person_action(
    fake: FakeSheets, sid: str, rng: random.Random, edited: dict[str, str]
) -> str:
    person = fake.person(sid)
    rows = fake.values(sid, "Log")
    data = [(i + 1, r) for i, r in enumerate(rows) if i > 0 and r and r[0]]
    action = rng.choice(["insert", "sort", "edit", "delete"])
    if action == "insert":
        global TICKET
        TICKET += 1
        new = entry(f"N-{TICKET:03}", "Resolved", "2025-09-03 10:00 UTC")
        person.insert_rows("Log", before_row=rng.randint(2, max(2, len(rows))), rows=[list(new)])
        return f"inserted N-{TICKET:03}"
    if action == "sort":
        person.sort("Log", column=rng.choice([0, 1, 9, 12]), descending=rng.random() < 0.5)
        return "sorted"
    closed = [(n, r) for n, r in data if len(r) > 9 and r[9] in ("Resolved", "Closed")]
    if action == "edit" and closed:
        number, row = rng.choice(closed)
        note = f"customer called back ({rng.randint(1, 999)})"
        person.type("Log", f"I{number}", note)
        edited[row[0]] = note
        return f"edited {row[0]}"
    others = [(n, r) for n, r in data if len(r) > 9 and r[9] in ("Open", "Pending")]
    if others:
        number, row = rng.choice(others)
        person.delete_rows("Log", first_row=number)
        edited.pop(row[0], None)
        return f"deleted {row[0]}"
    return "nothing"


@pytest.mark.parametrize("seed_number", range(40))
def test_people_inserting_sorting_editing_and_deleting_during_the_pass(
    fake: FakeSheets, creds: Credentials, seed_number: int
) -> None:
    rng = random.Random(seed_number)
    target = open_google(fake, creds)
    rows = [
        entry(
            f"T-{i:02}",
            *rng.choice(
                [
                    ("Open", ""),
                    ("Resolved", "2025-09-10 09:00 UTC"),
                    ("Closed", "2025-10-02 09:00 UTC"),
                    ("Pending", ""),
                ]
            ),
        )
        for i in range(1, 25)
    ]
    seed(target, rows)
    fake.calls.clear()
    edited: dict[str, str] = {}
    story: list[str] = []
    moments = set(rng.sample(range(1, 5), rng.randint(1, 3)))

    seen_by_read: dict[str, str] = {}

    def person(call: Any) -> None:
        if len(fake.calls) in moments:
            for _ in range(rng.randint(1, 3)):
                story.append(_random_person_action(fake, target.spreadsheet_id, rng, edited))
            if len(fake.calls) == 1:  # before the pass's first read: part of what it reads
                seen_by_read.update(edited)
                edited.clear()

    fake.before_request(person)
    target.log.archive(now=NOW)
    fake.clear_request_hooks()

    log_rows = [r for r in target.values("Log")[1:] if r and r[0]]
    final_log = {r[0]: r for r in log_rows}
    archived: Counter[str] = Counter()
    for title in target.titles():
        if title.startswith("Archive "):
            archived.update(r[0] for r in target.values(title)[1:] if r and r[0])
    everywhere = Counter(r[0] for r in log_rows) + archived
    assert all(n == 1 for n in everywhere.values()), (story, everywhere)
    for ticket, note in edited.items():  # edited after the pass read them
        if ticket in final_log or ticket in archived:
            assert ticket in final_log, (story, ticket)  # never archived stale, never deleted
            assert final_log[ticket][8] == note
    for ticket, note in seen_by_read.items():  # edited before: moved or not, the edit is kept
        rows_now = [
            r
            for t in target.titles()
            if t == "Log" or t.startswith("Archive ")
            for r in target.values(t)[1:]
            if r and r[0] == ticket
        ]
        assert all(r[8] == note for r in rows_now), (story, ticket)
    deleted = {s.split()[1] for s in story if s.startswith("deleted")}
    inserted = {s.split()[1] for s in story if s.startswith("inserted")}
    assert set(everywhere) == ({r[0] for r in rows} | inserted) - deleted, story


def test_a_workbook_saved_by_someone_during_the_pass_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import openpyxl

    target = open_local(tmp_path)
    seed(target, sample())
    path = Path(target.path or "")
    real_write = LocalBackend.write

    def excel_saves_first(self: LocalBackend, ops: Any) -> None:
        book = openpyxl.load_workbook(path)
        book["Log"]["I3"] = "typed in Excel"
        book.save(path)
        real_write(self, ops)

    monkeypatch.setattr(LocalBackend, "write", excel_saves_first)
    with pytest.raises(BackendError, match="changed by another program"):
        target.log.archive(now=NOW)
    monkeypatch.setattr(LocalBackend, "write", real_write)
    assert openpyxl.load_workbook(path)["Log"]["I3"].value == "typed in Excel"
    assert "Archive 2025-09" not in target.titles()


# --- budget ----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [10, 400])
def test_google_pass_uses_four_calls_whatever_the_size(
    fake: FakeSheets, creds: Credentials, count: int
) -> None:
    target = open_google(fake, creds)
    rows = [
        entry(f"T-{i:04}", "Resolved" if i % 2 else "Open", "2025-09-10 09:00 UTC" if i % 2 else "")
        for i in range(count)
    ]
    seed(target, rows)
    fake.calls.clear()
    assert target.log.archive(now=NOW).moved == count // 2
    assert [c.method_id for c in fake.calls] == [
        "spreadsheets.getByDataFilter",
        "spreadsheets.batchUpdate",
        "spreadsheets.getByDataFilter",
        "spreadsheets.batchUpdate",
    ]
    stage = fake.calls[1].body or {}
    kinds = Counter(next(iter(r)) for r in stage["requests"])
    assert kinds["deleteDuplicates"] == 1  # no per-row deletes: the copies, then the helper
    # the copies and the helper column; the new staging tab is filled under its header
    assert kinds["deleteDimension"] == 2 and kinds["insertDimension"] == 2
    assert len(tickets(target, "Log")) == count - count // 2


def test_archive_to_another_workbook_keeps_the_same_guarantees(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    import sheetlog

    seed(any_log, sample())
    before = everything(any_log)
    elsewhere = sheetlog.open(tmp_path / "archive-2025.xlsx")
    result = any_log.log.archive(now=NOW, archive_to=elsewhere)
    assert result.tabs == {"Archive 2025-09": 2, "Archive 2025-10": 1}
    assert not any(t.startswith("Archive ") for t in any_log.titles())
    assert STAGING_TAB not in any_log.titles()
    snapshot = elsewhere.backend.read(Scope.all())
    moved = [r[0] for r in snapshot.tabs["Archive 2025-09"].rows[1:]]
    assert moved == ["T-07", "T-01"]
    assert audit_tabs(snapshot)[-1].rows[-1][5].startswith("from ")
    assert len(tickets(any_log, "Log")) == 5 and sum(before.values()) == 8
    again = any_log.log.archive(now=NOW, archive_to=elsewhere)
    assert again.moved == 0


def test_a_backlog_bigger_than_one_request_moves_in_batches(
    google_log: LogUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = google_log.fake
    assert fake is not None
    rows = [entry(f"T-{i:03}", "Resolved", "2025-09-10 09:00 UTC") for i in range(60)]
    seed(google_log, rows)
    before = everything(google_log)
    monkeypatch.setattr(type(google_log.log.backend), "write_limit", 60_000)
    fake.calls.clear()
    assert google_log.log.archive(now=NOW).moved == 60
    writes = [c for c in fake.calls if c.method_id == "spreadsheets.batchUpdate"]
    assert len(writes) >= 4  # at least two batches of stage + finish
    # each write stays within the limit less the room kept for its Audit line (a line
    # is far shorter than that room)
    assert all(c.bytes < 60_000 - WRITE_HEADROOM + 1_000 for c in writes)
    assert everything(google_log) == before
    assert google_log.log.verify().ok  # one chain across the batches
    assert [str(r[-1]).split(":")[0] for r in google_log.values("Archive 2025-09")[1:]] == [
        str(n) for n in range(1, 61)
    ]


# --- exactly the rows archived ---------------------------------------------------------


def _twins_log() -> list[tuple[str, ...]]:
    """Rows to archive, plus identical rows the pass must leave: a row pasted twice (its
    Ticket ID repeats: an error, kept) and two identical rows with no Ticket ID."""
    pasted = entry("T-50", "Open", Issue_Summary="pasted twice")
    anonymous = entry("", "Pending", Issue_Summary="same words, no ticket")
    return [
        entry("T-01", "Resolved", "2025-09-02 10:00 UTC"),
        pasted,
        anonymous,
        entry("T-03", "Closed", "2025-10-31 23:30 UTC"),
        pasted,
        entry("T-06", "Pending"),
        anonymous,
        entry("T-07", "Resolved", "2025-09-01 11:00 UTC"),
    ]


def test_identical_rows_the_pass_does_not_archive_all_stay(any_log: LogUnderTest) -> None:
    seed(any_log, _twins_log())
    before = everything(any_log)
    result = any_log.log.archive(now=NOW)
    assert result.moved == 3 and result.kept_changed == 0
    assert everything(any_log) == before
    assert tickets(any_log, "Log") == ["T-50", "T-50", "T-06"]
    summaries = [row[7] for row in any_log.values("Log")[1:]]
    assert summaries.count("same words, no ticket") == 2


@pytest.mark.parametrize("seed_number", range(24))
def test_identical_rows_stay_while_people_sort_and_paste_between_calls(
    fake: FakeSheets, creds: Credentials, seed_number: int
) -> None:
    rng = random.Random(seed_number)
    target = open_google(fake, creds)
    rows = _twins_log() + [
        entry(f"T-{i:02}", *rng.choice([("Open", ""), ("Resolved", "2025-09-10 09:00 UTC")]))
        for i in range(10, 22)
    ]
    rng.shuffle(rows)
    seed(target, rows)
    before = everything(target)
    fake.calls.clear()
    moments = set(rng.sample(range(1, 5), rng.randint(1, 3)))

    pasted: list[tuple[Any, ...]] = []

    def person(call: Any) -> None:
        if len(fake.calls) not in moments:
            return
        someone = fake.person(target.spreadsheet_id)
        if rng.random() < 0.6:
            someone.sort("Log", column=rng.choice([0, 1, 7, 9]), descending=rng.random() < 0.5)
            return
        shown = [r for r in fake.values(target.spreadsheet_id, "Log")[1:] if any(r)]
        copied = list(rng.choice(shown))  # a row pasted again, maybe one being archived
        someone.insert_rows("Log", before_row=rng.randint(2, len(shown) + 2), rows=[copied])
        pasted.append(tuple(copied))

    fake.before_request(person)
    result = target.log.archive(now=NOW)
    fake.clear_request_hooks()
    after = everything(target)
    expected = before.copy()
    for row in pasted:
        cells = (*row, *[None] * len(HEADER))[: len(HEADER)]
        expected[tuple(v if v != "" else None for v in cells)] += 1
    due = {r for r in expected if r[9] in ("Resolved", "Closed") and r[0]}
    for content, count in expected.items():
        if content in due and count > 1:  # a due row pasted again: the content stays once
            assert 1 <= after[content] <= count, (content, after[content])  # or more
        else:  # any other row, pasted or not, twins included: every copy stays
            assert after[content] == count, (content, after[content], count)
    assert set(after) == set(expected)
    assert result.moved + result.kept_changed <= len(due)


# --- merged cells ----------------------------------------------------------------------


def _merge(target: LogUnderTest, a1: str, on: bool = True) -> None:
    """Merge (or unmerge) cells of Log as a person does, in Excel or in the browser."""
    if target.fake is not None:
        if on:
            target.fake.person(target.spreadsheet_id).merge("Log", a1)
        else:
            sheet = target.fake.book(target.spreadsheet_id).by_title("Log")
            assert sheet is not None
            sheet.merges = []
    elif target.kind == "memory":
        sheets = target.log.backend.sheets  # type: ignore[attr-defined]
        sheets["Log"].merged = [a1] if on else []
    else:
        import openpyxl

        book = openpyxl.load_workbook(target.path or "")
        (book["Log"].merge_cells if on else book["Log"].unmerge_cells)(a1)
        book.save(target.path or "")


def test_merged_cells_in_log_stop_the_pass_naming_them(any_log: LogUnderTest) -> None:
    from sheetlog.model.ops import SetCells

    seed(any_log, sample())
    any_log.log.backend.write([SetCells("Log", 3, 8, (("call back Monday",),))])  # I3, T-02
    _merge(any_log, "H2:I2")  # T-01's summary and notes, merged as Excel does
    before = any_log.values("Log")
    with pytest.raises(ConfigError, match=r'"Log" tab has merged cells \(H2:I2\)') as caught:
        any_log.log.archive(now=NOW)
    assert "unmerge" in str(caught.value)
    assert any_log.values("Log") == before
    assert not any(t.startswith("Archive ") for t in any_log.titles())
    report = any_log.log.validate(flag=False, now=NOW)
    merged = [p for p in report.problems if p.code == "merged_cells"]
    assert len(merged) == 1 and merged[0].severity == "warning" and "H2:I2" in merged[0].message
    _merge(any_log, "H2:I2", on=False)
    assert any_log.log.archive(now=NOW).moved == 3
    rows = {r[0]: r for r in any_log.values("Log")[1:]}
    assert rows["T-02"][8] == "call back Monday"
    assert not [
        p for p in any_log.log.validate(flag=False, now=NOW).problems if p.code == "merged_cells"
    ]
