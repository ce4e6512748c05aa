"""A person renamed a header column or the Log tab: every message names the rename, and
``init`` refuses rather than add a second, empty column or Log."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheetlog.backends.memory import MemoryBackend
from sheetlog.cli import cli
from sheetlog.errors import ConfigError
from sheetlog.model.ops import SetCells
from sheetlog.model.workbook import renamed_columns
from tests.conftest import LogUnderTest
from tests.logdata import HEADER, entry, seed

RENAMED_LOG = "Log (old)"


def rename_log(target: LogUnderTest, title: str = RENAMED_LOG) -> None:
    """Rename the Log tab the way a person does, behind sheetlog's back."""
    if target.fake is not None:
        target.fake._book(target.spreadsheet_id).by_title("Log").properties["title"] = title
    elif isinstance(target.log.backend, MemoryBackend):
        sheets = target.log.backend.sheets
        target.log.backend.sheets = {(title if k == "Log" else k): v for k, v in sheets.items()}
    else:
        assert target.path is not None
        book = openpyxl.load_workbook(target.path)
        book["Log"].title = title
        book.save(target.path)


def test_renamed_columns_pairs_each_missing_column_with_its_new_name() -> None:
    expected = ["Ticket ID", "Customer", "Channel", "Agent", "Tags"]
    assert renamed_columns(expected, ["Ticket ID", "Client", "Channel", "Agent", "Tags"]) == {
        "Customer": "Client"
    }
    moved = ["Notes", "Ticket ID", "Channel", "Client", "Agent", "Tags"]  # inserted, renamed
    assert renamed_columns(expected, moved) == {}  # "Client" no longer stands where it was
    assert renamed_columns(expected, ["Ticket ID", "customer ", "Channel", "Agent", "Tags"]) == {
        "Customer": "customer"
    }
    deleted = ["Ticket ID", "Channel", "Agent", "Tags", "Priority"]
    assert renamed_columns(expected, deleted) == {}
    assert renamed_columns(expected, ["Ticket ID", "Customer", "Channel", "Agent"]) == {}


def test_init_refuses_to_add_a_renamed_column_again(any_log: LogUnderTest) -> None:
    seed(any_log, [entry("T-1")])
    any_log.log.backend.write([SetCells("Log", 1, 1, (("Client",),))])
    header = any_log.values("Log")[0]
    marker = any_log.write_marker()
    with pytest.raises(ConfigError) as caught:
        any_log.log.init()
    assert str(caught.value) == (
        'the Log header has a renamed column ("Customer" → "Client"): rename it back and run'
        " init again (it would add a second, empty column)"
    )
    assert any_log.values("Log")[0] == header and header.count("Customer") == 0
    assert any_log.write_marker() == marker
    any_log.log.backend.write([SetCells("Log", 1, 1, (("Customer",),))])
    assert not [c for c in any_log.log.init().changes if "column" in c]
    assert any_log.values("Log")[0] == [("Customer" if n == "Client" else n) for n in header]


def test_init_still_adds_a_column_that_was_deleted(any_log: LogUnderTest) -> None:
    any_log.log.init()
    header = any_log.values("Log")[0]
    cut = [name for name in header if name != "Tags"]
    any_log.log.backend.write([SetCells("Log", 1, 0, (tuple([*cut, ""]),))])
    assert any_log.log.init().changes[0] == "added column Tags"
    assert any_log.values("Log")[0] == [*cut, "Tags"]


def test_summary_names_the_rename_instead_of_pointing_at_init(any_log: LogUnderTest) -> None:
    seed(any_log, [entry("T-1")])
    any_log.log.backend.write([SetCells("Log", 1, 1, (("Client",),))])
    with pytest.raises(ConfigError) as caught:
        any_log.log.summary("2025-10", write=False)
    message = str(caught.value)
    assert "no column 'Customer' (renamed to 'Client'?); rename it back" in message
    assert "init" not in message


def test_a_renamed_log_tab_is_named_and_init_adds_no_second_log(any_log: LogUnderTest) -> None:
    seed(any_log, [entry("T-1")])
    rename_log(any_log)
    titles = any_log.titles()
    with pytest.raises(ConfigError, match=r'the Log tab seems renamed to "Log \(old\)"'):
        any_log.log.append(dict(zip(HEADER, entry("T-2"), strict=True)))
    with pytest.raises(ConfigError) as caught:
        any_log.log.validate(flag=False)
    assert str(caught.value).endswith(
        'the Log tab seems renamed to "Log (old)": rename it back to "Log"'
    )
    with pytest.raises(ConfigError) as caught:
        any_log.log.init()
    assert str(caught.value) == (
        'the Log tab seems renamed to "Log (old)": rename it back to "Log";'
        " init would add a second, empty Log"
    )
    assert any_log.titles() == titles


def test_a_deleted_log_tab_says_init_adds_an_empty_one(local_log: LogUnderTest) -> None:
    seed(local_log, [entry("T-1")])
    assert local_log.path is not None
    book = openpyxl.load_workbook(local_log.path)
    book.remove(book["Log"])
    book.create_sheet("Notes").append(["just a note"])
    book.save(local_log.path)
    with pytest.raises(ConfigError, match='has no "Log" tab: run "sheetlog init" to add an empty'):
        local_log.log.find()
    assert 'created tab "Log"' in local_log.log.init().changes[0]


def test_the_cli_says_it_in_one_line(local_log: LogUnderTest, tmp_path: Path) -> None:
    seed(local_log, [entry("T-1")])
    rename_log(local_log)
    sheet = str(local_log.path)
    for command in (["append", "-f", "Customer=Ann"], ["summary"], ["init"], ["status"]):
        result = CliRunner().invoke(cli, [*command, "--sheet", sheet])
        assert result.exit_code == 2, result.output
        assert len(result.stderr.splitlines()) == 1
        assert 'the Log tab seems renamed to "Log (old)"' in result.stderr
        assert "not a sheetlog log yet" not in result.stderr
    assert openpyxl.load_workbook(sheet).sheetnames[0] == RENAMED_LOG
