"""Tamper evidence: Row Hash chains on archive tabs, `verify`, digests, and retention."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheetlog.cli import cli
from sheetlog.model.ops import DeleteTab, SetCells
from sheetlog.model.templates import load_template
from sheetlog.passes.evidence import HASH_COLUMN, chain_rows, digest_line
from tests.conftest import LogUnderTest, open_local
from tests.logdata import entry, seed

NOW = dt.datetime(2025, 11, 20, 12, 0, tzinfo=dt.UTC)
TAB = "Archive 2025-09"


def archived(target: LogUnderTest, count: int = 5) -> list[list[object]]:
    """A log with ``count`` rows archived into one tab; returns that tab's rows."""
    rows = [
        entry(
            f"T-{i}",
            "Resolved",
            f"2025-09-{i + 1:02} 10:00 UTC",
            Contact_Start=f"2025-09-{i:02} 10:00 UTC",
            Contact_End=f"2025-09-{i:02} 10:30 UTC",
        )
        for i in range(1, count + 1)
    ]
    seed(target, rows)
    assert target.log.archive(now=NOW).moved == count
    return target.values(TAB)


def problems(target: LogUnderTest, against: str | None = None) -> list[tuple[int, str, str]]:
    result = target.log.verify(against=against)
    return [(p.row, p.ticket_id, p.problem) for p in result.problems]


def test_archive_writes_a_chain_that_verifies(any_log: LogUnderTest) -> None:
    rows = archived(any_log)
    assert rows[0][-1] == HASH_COLUMN
    seqs = [str(r[-1]).split(":")[0] for r in rows[1:]]
    assert seqs == ["1", "2", "3", "4", "5"]
    result = any_log.log.verify()
    assert result.ok and result.checked == 5
    audit = any_log.audit()[-1][5]
    assert f"chain head {TAB}: 5:" in audit


def test_a_second_pass_continues_the_chain(any_log: LogUnderTest) -> None:
    archived(any_log, 2)
    any_log.log.backend.write(
        [
            SetCells("Log", 2, 0, (entry("T-9", "Closed", "2025-09-20 10:00 UTC"),)),
        ]
    )
    assert any_log.log.archive(now=NOW).moved == 1
    assert [str(r[-1]).split(":")[0] for r in any_log.values(TAB)[1:]] == ["1", "2", "3"]
    assert any_log.log.verify().ok


def test_edit_delete_insert_and_reorder_are_each_named(any_log: LogUnderTest) -> None:
    rows = archived(any_log, 6)
    backend = any_log.log.backend
    summary_col = rows[0].index("Issue Summary")
    backend.write([SetCells(TAB, 3, summary_col, (("It was never ordered",),))])  # edit T-2
    assert problems(any_log) == [(3, "T-2", "edited after archiving")]
    backend.write([SetCells(TAB, 3, summary_col, ((rows[2][summary_col],),))])  # undo
    assert problems(any_log) == []
    # swap T-4 and T-5 (rows 5 and 6), as a person sorting the archive would
    backend.write([SetCells(TAB, 5, 0, (tuple(rows[5]), tuple(rows[4])))])
    found = problems(any_log)
    assert (6, "T-4", "reordered: sequence 4 after 5") in found
    backend.write([SetCells(TAB, 5, 0, (tuple(rows[4]), tuple(rows[5])))])
    # a forged row typed in below the archived ones
    forged = list(rows[6])
    forged[0], forged[-1] = "T-99", ""
    backend.write([SetCells(TAB, 8, 0, (tuple(forged),))])
    assert problems(any_log) == [(8, "T-99", "inserted after archiving (no valid Row Hash)")]


def test_a_deleted_row_is_caught(any_log: LogUnderTest) -> None:
    rows = archived(any_log, 4)
    tail = [tuple(r) for r in rows[3:]] + [tuple("" for _ in rows[0])]
    any_log.log.backend.write([SetCells(TAB, 3, 0, tuple(tail))])  # T-2 removed, rows moved up
    assert problems(any_log) == [
        (3, "T-3", "row(s) 2 of this chain were deleted before it"),
        (0, "T-2", "leaf 1: its row is gone"),  # the tree names the row that went
    ]


def test_a_rebuilt_chain_fails_the_tree_and_the_stored_digest(any_log: LogUnderTest) -> None:
    rows = archived(any_log, 3)
    stored = digest_line(any_log.log.verify().heads)
    assert stored.startswith("sheetlog-digest/v1 2025-09@3 sha256:")
    assert problems(any_log, against=stored) == []
    # Someone with edit rights changes T-1 and recomputes the whole chain.
    header = [str(h) for h in rows[0]]
    forged = [list(r) for r in rows[1:]]
    forged[0][header.index("Issue Summary")] = "Customer withdrew the claim"
    rebuilt = chain_rows(load_template(), header, [tuple(r) for r in forged], None)
    any_log.log.backend.write([SetCells(TAB, 2, 0, tuple(rebuilt))])
    rewritten = (
        2,
        "T-1",
        "does not match its leaf 0: the row, or the leaf's salt or hash, changed since it"
        " was sealed",
    )
    assert problems(any_log) == [rewritten]  # the chain alone cannot tell; its leaf can
    assert problems(any_log, against=stored) == [
        rewritten,
        (0, "", "the chains were rewritten since this digest was taken"),
    ]


def test_anonymizing_keeps_the_chain_valid_and_hides_customers(any_log: LogUnderTest) -> None:
    archived(any_log, 3)
    later = NOW + dt.timedelta(days=800)
    dry = any_log.log.retention("24m", "anonymize", dry_run=True, now=later)
    assert dry.tabs == [TAB] and dry.cells == 3
    assert "anon:" not in str(any_log.values(TAB))
    result = any_log.log.retention("24m", "anonymize", now=later)
    assert result.cells == 3
    customers = [r[1] for r in any_log.values(TAB)[1:]]
    assert all(str(c).startswith("anon:") and "customer of" not in str(c) for c in customers)
    assert any_log.log.verify().ok
    assert any_log.log.retention("24m", "anonymize", now=later).cells == 0  # idempotent
    assert any_log.audit()[-1][2] == "retention"


def test_a_personal_cell_changed_after_archiving_is_caught(any_log: LogUnderTest) -> None:
    archived(any_log, 2)
    any_log.log.backend.write([SetCells(TAB, 2, 1, (("Someone Else",),))])
    assert problems(any_log) == [(2, "T-1", "a personal cell was edited after archiving")]


def test_retention_delete_removes_only_tabs_past_the_policy(any_log: LogUnderTest) -> None:
    archived(any_log, 2)
    any_log.log.backend.write(
        [SetCells("Log", 2, 0, (entry("T-8", "Closed", "2025-10-02 10:00 UTC"),))]
    )
    any_log.log.archive(now=NOW)
    result = any_log.log.retention("1m", "delete", now=dt.datetime(2025, 11, 5, tzinfo=dt.UTC))
    assert result.tabs == [TAB]
    titles = any_log.titles()
    assert TAB not in titles and "Archive 2025-10" in titles


def test_verify_and_retention_budgets_on_google(google_log: LogUnderTest) -> None:
    fake = google_log.fake
    assert fake is not None
    archived(google_log, 3)
    fake.calls.clear()
    google_log.log.verify()
    assert [c.method_id for c in fake.calls] == ["spreadsheets.getByDataFilter"]
    fake.calls.clear()
    google_log.log.retention("1m", "anonymize", now=NOW + dt.timedelta(days=90))
    assert [c.method_id for c in fake.calls] == [
        "spreadsheets.getByDataFilter",
        "spreadsheets.batchUpdate",
    ]


def test_verify_cli_exit_codes_and_digest(tmp_path: Path) -> None:
    target = open_local(tmp_path)
    archived(target, 2)
    runner = CliRunner()
    sheet = str(target.path)
    ok = runner.invoke(cli, ["verify", "--sheet", sheet])
    assert ok.exit_code == 0
    assert "checked 2 archived rows and a tree of 2 leaves: intact" in ok.output
    digest = runner.invoke(cli, ["verify", "--digest", "--sheet", sheet]).output.strip()
    target.log.backend.write([SetCells(TAB, 2, 7, (("changed",),))])
    bad = runner.invoke(cli, ["verify", "--sheet", sheet, "--format", "json"])
    assert bad.exit_code == 1
    assert json.loads(bad.output)["problems"][0]["problem"] == "edited after archiving"
    against = runner.invoke(cli, ["verify", "--sheet", sheet, "--against", digest])
    assert against.exit_code == 1
    target.log.backend.write([DeleteTab(TAB)])
    gone = runner.invoke(cli, ["verify", "--sheet", sheet, "--against", digest])
    assert gone.exit_code == 1 and "row 2 of its chain is gone" in gone.output


def test_retention_cli_needs_an_action(tmp_path: Path) -> None:
    target = open_local(tmp_path)
    target.log.init()
    result = CliRunner().invoke(cli, ["retention", "--sheet", str(target.path)])
    assert result.exit_code == 2 and "--anonymize or --delete" in result.output
    with pytest.raises(Exception, match="24m or 2y"):
        target.log.retention("soon", "delete")


def test_only_the_rows_own_anonymized_value_passes_verify(any_log: LogUnderTest) -> None:
    archived(any_log, 3)
    any_log.log.retention("24m", "anonymize", now=NOW + dt.timedelta(days=800))
    assert any_log.log.verify().ok
    rows = any_log.values(TAB)
    backend = any_log.log.backend
    backend.write([SetCells(TAB, 2, 1, (("anon:whatever",),))])
    assert problems(any_log) == [(2, "T-1", "a personal cell was edited after archiving")]
    backend.write([SetCells(TAB, 2, 1, ((rows[2][1],),))])  # T-2's anonymized value
    assert problems(any_log) == [(2, "T-1", "a personal cell was edited after archiving")]
    backend.write([SetCells(TAB, 2, 1, ((rows[1][1],),))])  # its own again
    assert any_log.log.verify().ok


def test_a_forged_anonymized_value_on_a_row_never_anonymized_is_caught(
    any_log: LogUnderTest,
) -> None:
    archived(any_log, 2)
    any_log.log.backend.write([SetCells(TAB, 3, 1, (("anon:0123456789abcdef",),))])
    assert problems(any_log) == [(3, "T-2", "a personal cell was edited after archiving")]


def test_a_sorted_archive_tab_is_reordered_not_deleted_and_still_checked(
    any_log: LogUnderTest,
) -> None:
    rows = archived(any_log, 4)
    backend = any_log.log.backend
    backend.write([SetCells(TAB, 2, 0, tuple(tuple(r) for r in reversed(rows[1:])))])  # Z-A
    found = problems(any_log)
    assert found == [
        (3, "T-3", "reordered: sequence 3 after 4"),
        (4, "T-2", "reordered: sequence 2 after 3"),
        (5, "T-1", "reordered: sequence 1 after 2"),
    ]
    assert not any("deleted" in problem for _, _, problem in found)
    summary_col = rows[0].index("Issue Summary")
    backend.write([SetCells(TAB, 4, summary_col, (("It was never ordered",),))])  # T-2
    assert (4, "T-2", "edited after archiving") in problems(any_log)
    backend.write([SetCells(TAB, 4, summary_col, ((rows[2][summary_col],),))])
    # the next pass continues the chain from its highest link, wherever it stands
    backend.write([SetCells("Log", 2, 0, (entry("T-9", "Closed", "2025-09-20 10:00 UTC"),))])
    assert any_log.log.archive(now=NOW).moved == 1
    assert str(any_log.values(TAB)[-1][-1]).startswith("5:")
    assert problems(any_log) == found


def test_a_copied_row_is_named_a_copy(any_log: LogUnderTest) -> None:
    rows = archived(any_log, 2)
    any_log.log.backend.write([SetCells(TAB, 4, 0, (tuple(rows[1]),))])
    assert problems(any_log) == [(4, "T-1", "copied: sequence 1 is already in row 2")]
