"""One monthly summary across several logs (`summary --sheet A --sheet B --to T`,
`sheetlog.rollup`): the figures of the rows of all of them, a line per log, tickets of
different logs kept apart, written to the target, refused across templates."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import sheetlog
from sheetlog.cli import cli
from sheetlog.errors import ConfigError
from sheetlog.model.messages import MESSAGES_HEADER
from sheetlog.model.ops import AppendRows
from sheetlog.model.sheetdata import Scope
from sheetlog.supportlog import SupportLog
from tests.conftest import LogUnderTest
from tests.summary_data import fill
from tests.test_summary_figures import EXPECTED


def _with_a_reply(log: SupportLog) -> None:
    """T-2 (opened 2025-10-01 04:00 UTC) answered after 30 minutes: in this log only."""
    line = ("T-2", "2025-10-01 04:30 UTC", "agent reply", "Bob", "", "On it", "")
    log.backend.write([AppendRows("Messages 2025-10", (line,), header=MESSAGES_HEADER)])


def test_a_local_and_a_google_log_sum_up_together(
    local_log: LogUnderTest, google_log: LogUnderTest, tmp_path: Path
) -> None:
    fill(local_log.log, tmp_path)
    fill(google_log.log, tmp_path)
    _with_a_reply(local_log.log)
    target = sheetlog.open(tmp_path / "managers.xlsx")
    target.init()
    both = sheetlog.rollup([local_log.log, google_log.log], "2025-10", to=target)
    figures = both.to_dict()
    # the same twelve interactions in each log
    assert figures["interactions"] == 2 * EXPECTED["interactions"]
    assert figures["by_status"] == {k: 2 * v for k, v in EXPECTED["by_status"].items()}
    # hours to resolve 2, 5, 6, 12, 24, 36, 48 twice: median 12; p90 at 0.9 * 13 = 11.7,
    # between the 12th (36) and 13th (48) of the 14 sorted values: 36 + 0.7 * 12
    assert figures["hours_to_resolve"] == {"median": 12.0, "p90": 44.4}
    # T-2 is in both logs; only the local one's has a reply: one ticket with a timeline
    assert figures["conversations"]["overall"]["tickets"] == 1
    assert figures["conversations"]["without_messages"] == 2 * 12 - 1
    lines = figures["by_log"]
    assert [line["interactions"] for line in lines] == [12, 12]
    assert [line["median_first_response_minutes"] for line in lines] == [30.0, None]
    assert lines[0]["log"] == "support-log.xlsx"
    assert both.tab == "Summary 2025-10 (2 logs)"
    snapshot = target.backend.read(Scope.all())
    assert "Summary 2025-10 (2 logs)" in snapshot.tabs
    audit = [
        row
        for title, tab in snapshot.tabs.items()
        if title.startswith("Audit ")
        for row in tab.rows[1:]
    ]
    assert any(row[2] == "summary" for row in audit)


def test_logs_of_different_templates_are_refused(local_log: LogUnderTest, tmp_path: Path) -> None:
    fill(local_log.log, tmp_path)
    orders = sheetlog.open(tmp_path / "orders.xlsx")
    orders.init("orders")
    with pytest.raises(ConfigError, match="only logs of one template and timezone"):
        sheetlog.rollup([local_log.log, orders], "2025-10")
    with pytest.raises(ConfigError, match="two logs or more"):
        sheetlog.rollup([local_log.log], "2025-10")


def test_cli_sums_up_several_sheets_into_the_target(tmp_path: Path) -> None:
    paths = [tmp_path / "team-a.xlsx", tmp_path / "team-b.xlsx"]
    for path in paths:
        fill(sheetlog.open(path), tmp_path)
    target = tmp_path / "managers.xlsx"
    sheetlog.open(target).init()
    args = ["summary", "--month", "2025-10", "--to", str(target)]
    args += [part for path in paths for part in ("--sheet", str(path))]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "By log" in result.output and "team-a.xlsx" in result.output
    assert f'Wrote the tab "Summary 2025-10 (2 logs)" in {target}' in result.output
