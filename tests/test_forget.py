"""``forget``: one customer's personal cells anonymized everywhere (Log, archive tabs, here
and in a log archived to, and the timeline's Author), with the chain, the tree and every
proof still valid."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import sheetlog
from sheetlog.cli import cli
from sheetlog.errors import NotFoundError
from sheetlog.model.ops import AppendRows, SetCells
from sheetlog.model.signed_note import Signer
from tests.conftest import LogUnderTest, open_local
from tests.logdata import entry, seed

NOW = dt.datetime(2025, 11, 20, 12, 0, tzinfo=dt.UTC)
TAB = "Archive 2025-09"
MESSAGES = "Messages 2025-09"
BOB = "bob@example.com"


def closed(ticket: str, day: int, customer: str) -> tuple[str, ...]:
    return entry(
        ticket,
        "Resolved",
        f"2025-09-{day + 1:02} 10:00 UTC",
        Contact_Start=f"2025-09-{day:02} 10:00 UTC",
        Contact_End=f"2025-09-{day:02} 10:30 UTC",
        Customer=customer,
    )


def bobs_log(target: LogUnderTest, tmp_path: Path) -> Signer:
    """Bob's tickets T-1 and T-2 archived, T-4 in Log, with customer messages (T-1's
    sealed, the others waiting to be); other customers' tickets around them."""
    target.log.init()
    target.log.keygen(tmp_path / "log.key", "support-team")
    signer = sheetlog.supportlog.read_signer(tmp_path / "log.key")
    seed(
        target,
        [
            closed("T-1", 1, BOB),
            closed("T-2", 2, "Bob@Example.COM"),
            closed("T-3", 3, "ann@example.com"),
            entry("T-4", "Open", Customer="BOB@example.com"),
            entry("T-5", "Open", Customer="carl@example.com"),
        ],
    )
    log = target.log
    assert log.archive(now=NOW, signer=signer).moved == 3
    log.message("T-1", "Where is my parcel?", at="2025-09-01 11:00")
    log.message("T-1", "It ships today", sender="agent", at="2025-09-01 12:00")
    log.message("T-3", "Wrong size", at="2025-09-03 11:00")
    log.archive(now=NOW, signer=signer)  # seals those lines
    log.message("T-2", "Still broken", at="2025-09-02 11:00")
    log.message("T-4", "Any news?", at="2025-09-05 11:00")
    log.message("T-5", "Hello", at="2025-09-06 11:00")
    assert len(target.values("_sheetlog_unsealed")) == 4  # header and three lines waiting
    return signer


def every_cell(target: LogUnderTest) -> list[str]:
    """Every cell of every tab, hidden ones too, as lowercase text."""
    return [
        str(cell).casefold()
        for title in target.titles()
        for row in target.values(title)
        for cell in row
    ]


def problems(target: LogUnderTest) -> list[str]:
    return [f"{p.tab}|{p.ticket_id}|{p.problem}" for p in target.log.verify().problems]


def test_forgetting_a_customer_leaves_no_trace_and_every_proof_valid(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    signer = bobs_log(any_log, tmp_path)
    key = str(signer.verifier)
    before = any_log.log.proof("T-1").text()
    assert BOB in every_cell(any_log)

    result = any_log.log.forget("  BOB@example.com ")

    assert result.tickets == ["T-4", "T-1", "T-2"]
    assert result.cells == {"Log": 1, TAB: 2} and result.authors == {MESSAGES: 3}
    assert not any(BOB in cell for cell in every_cell(any_log))
    log_rows = {row[0]: row for row in any_log.values("Log")[1:]}
    assert str(log_rows["T-4"][1]).startswith("anon:")
    assert log_rows["T-5"][1] == "carl@example.com"
    archived = {row[0]: row for row in any_log.values(TAB)[1:]}
    assert str(archived["T-1"][1]).startswith("anon:") and archived["T-3"][1] == "ann@example.com"
    assert archived["T-1"][1] != archived["T-2"][1]  # one stand-in per row: nothing ties them
    authors = {(row[0], row[5]): row[3] for row in any_log.values(MESSAGES)[1:]}
    assert authors[("T-1", "It ships today")] == "Jane Adams"  # the agent's line stays
    assert authors[("T-3", "Wrong size")] == "ann@example.com"
    assert authors[("T-5", "Hello")] == "carl@example.com"
    for line in (("T-1", "Where is my parcel?"), ("T-2", "Still broken"), ("T-4", "Any news?")):
        assert str(authors[line]).startswith("anon:")  # sealed or waiting alike
    audit = any_log.audit()[-1]
    assert audit[2] == "forget"
    assert audit[5] == (
        f"forgot a customer: 1 cell in Log, 2 cells in {TAB}, 3 message authors in {MESSAGES}"
    )

    assert any_log.log.verify().ok
    sheetlog.check_proof(before, key)
    after = any_log.log.proof("T-1").text()
    assert after == before  # the same leaf, the same checkpoint: the row's proof is unchanged
    sheetlog.check_proof(after, key)

    # the waiting lines are sealed and the forgotten Log row archived later: still valid
    any_log.log.update("T-4", {"Status": "Resolved", "Resolved At": "2025-10-01 10:00"}, now=NOW)
    assert any_log.log.archive(now=NOW, signer=signer).moved == 1
    assert any_log.values("_sheetlog_unsealed")[1:] == []
    result_after = any_log.log.verify()
    assert result_after.ok, problems(any_log)
    assert result_after.tree_size == 3 + 3 + 3 + 1 + 1  # rows, lines, waiting, status, T-4
    sheetlog.check_proof(any_log.log.proof("T-4").text(), key)
    later = NOW + dt.timedelta(days=900)
    any_log.log.retention("24m", "anonymize", now=later)  # forgotten cells are left as they are
    assert any_log.log.verify().ok


def test_a_dry_run_or_an_unknown_customer_writes_nothing(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    bobs_log(any_log, tmp_path)
    marker, cells = any_log.write_marker(), every_cell(any_log)
    dry = any_log.log.forget(BOB, dry_run=True)
    assert dry.dry_run and dry.cells == {"Log": 1, TAB: 2} and dry.authors == {MESSAGES: 3}
    with pytest.raises(NotFoundError, match="no row of Log or the archive tabs has that Customer"):
        any_log.log.forget("nobody@example.com")
    with pytest.raises(NotFoundError):
        any_log.log.forget("bob")  # the whole cell, never a part of it
    assert any_log.write_marker() == marker and every_cell(any_log) == cells
    any_log.log.forget(BOB)
    with pytest.raises(NotFoundError, match="already forgotten"):
        any_log.log.forget(BOB)


def test_verify_accepts_only_the_authors_own_stand_in(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    bobs_log(any_log, tmp_path)
    any_log.log.forget(BOB)
    lines = any_log.values(MESSAGES)
    forgotten = next(n for n, row in enumerate(lines, 1) if row[5] == "Where is my parcel?")
    agent = next(n for n, row in enumerate(lines, 1) if row[5] == "It ships today")
    stand_in = lines[forgotten - 1][3]
    backend = any_log.log.backend
    for row, typed in ((forgotten, "anon:xyz"), (agent, "anon:xyz"), (agent, stand_in)):
        backend.write([SetCells(MESSAGES, row, 3, ((typed,),))])
        found = problems(any_log)
        assert len(found) == 1 and found[0].startswith(f"{MESSAGES}|T-1|does not match"), found
        backend.write([SetCells(MESSAGES, row, 3, ((lines[row - 1][3],),))])
    assert any_log.log.verify().ok


def test_a_log_row_keeps_valid_where_a_column_refuses_the_stand_in(local_log: LogUnderTest) -> None:
    log = local_log.log
    log.init("orders")
    row = {"Customer Name": "Bob", "Email": BOB, "Phone": "+44 20 7946 0000"}
    log.append({**row, "Representative": "Maya", "Description": "Charged", "Issue Type": "Payment"})
    assert log.forget("bob").cells == {"Log": 3}
    header, stored = local_log.values("Log")[:2]
    values = dict(zip(header, stored, strict=False))
    assert str(values["Customer Name"]).startswith("anon:")
    assert values.get("Email") in (None, "") and values.get("Phone") in (None, "")
    assert log.validate(flag=False).errors == 0


def test_rows_archived_to_another_log_are_forgotten_there(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    seed(any_log, [closed("T-1", 1, BOB), closed("T-2", 2, "ann@example.com")])
    elsewhere = open_local(tmp_path / "archives")
    any_log.log.archive(now=NOW, archive_to=elsewhere.log)
    result = any_log.log.forget(BOB)
    assert result.cells == {f"{TAB} ({elsewhere.log.location})": 1}
    assert not any(BOB in cell for cell in every_cell(elsewhere))
    assert any_log.log.verify().ok  # which checks the chains kept there too
    assert elsewhere.audit()[-1][2] == "forget" and any_log.audit()[-1][2] == "forget"
    assert BOB not in str(elsewhere.audit()[-1]) + str(any_log.audit()[-1])


def test_google_forget_costs_one_read_and_one_write(
    google_log: LogUnderTest, tmp_path: Path
) -> None:
    bobs_log(google_log, tmp_path)
    assert google_log.fake is not None
    google_log.fake.calls.clear()
    google_log.log.forget(BOB)
    methods = [c.method_id for c in google_log.fake.calls]
    assert methods == ["spreadsheets.getByDataFilter", "spreadsheets.batchUpdate"]


def test_cli_forget(tmp_path: Path) -> None:
    target = open_local(tmp_path)
    bobs_log(target, tmp_path)
    sheet = ["--sheet", str(target.path)]
    runner = CliRunner()
    dry = runner.invoke(cli, ["forget", "--customer", BOB, "--dry-run", *sheet])
    assert dry.exit_code == 0, dry.output
    assert dry.output.startswith("would forget a customer: 1 cell in Log, 2 cells in")
    done = runner.invoke(cli, ["forget", "--customer", BOB, "--format", "json", *sheet])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output) == {
        "tickets": ["T-4", "T-1", "T-2"],
        "cells": {"Log": 1, TAB: 2},
        "authors": {MESSAGES: 3},
        "dry_run": False,
    }
    again = runner.invoke(cli, ["forget", "--customer", BOB, *sheet])
    assert again.exit_code == 1
    assert again.output.count("\n") == 1 and again.output.startswith("sheetlog: no row of Log")


def test_forget_waits_for_an_interrupted_archive_pass(any_log: LogUnderTest) -> None:
    from sheetlog.errors import ConfigError
    from sheetlog.model.ops import AddTab

    any_log.log.init()
    seed(any_log, [entry("T-1", "Open", Customer="bob@example.com")])
    any_log.log.backend.write([AddTab("_sheetlog_moving", ("Ticket ID",), hidden=True)])
    before = any_log.write_marker()
    with pytest.raises(ConfigError, match="run sheetlog archive first"):
        any_log.log.forget("bob@example.com")
    assert any_log.write_marker() == before


def test_a_log_rows_validation_cell_that_may_quote_the_value_is_cleared(
    local_log: LogUnderTest,
) -> None:
    log = local_log.log
    log.init("orders")
    typed = ("Bob", "bob.smith@example", "+44 20 7946 0000")  # an email validate flags
    header = local_log.values("Log")[0]
    row = dict.fromkeys(header, "")
    row |= dict(zip(("Customer Name", "Email", "Phone"), typed, strict=True))
    row |= {"Order ID": "ORD-1", "Issue Type": "Payment", "Status": "Open"}
    log.backend.write([AppendRows("Log", (tuple(row[name] for name in header),), after=1)])
    log.validate()
    flags = header.index("Validation")
    assert "bob.smith@example" in str(local_log.values("Log")[1][flags])
    log.forget("Bob")
    assert not any("bob.smith" in str(cell) for cell in local_log.values("Log")[1])
