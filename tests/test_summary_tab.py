"""The tab ``Summary YYYY-MM`` on both backends: written, replaced in place, its charts,
its formats, the call budget on Google, and charts that outlive later saves locally."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

from sheetlog.backends.memory import MemoryBackend
from sheetlog.model.ops import AppendRows, SetCells
from sheetlog.model.workbook import SETTINGS_TAB, audit_tab
from tests.conftest import LogUnderTest
from tests.logdata import entry
from tests.summary_data import ARCHIVE, LIVE, fill

TAB = "Summary 2025-10"
Chart = tuple[str, str, str, tuple[str, ...], str]


def a1(top: int, bottom: int, left: int, right: int) -> str:
    """1-based inclusive rows, 0-based inclusive columns, as A1 notation."""
    first, last = get_column_letter(left + 1), get_column_letter(right + 1)
    return f"{first}{top}:{last}{bottom}"


def charts(lut: LogUnderTest, tab: str) -> list[Chart]:
    """(kind, title, category cells, value cells, anchor) of each chart on ``tab``, as stored."""
    if lut.fake is not None:
        found = []
        for chart in lut.fake.sheet(lut.spreadsheet_id, tab)["charts"]:
            basic = chart["spec"]["basicChart"]
            skip = basic["headerCount"]

            def cells(source: dict[str, Any], skip: int = skip) -> str:
                grid = source["sourceRange"]["sources"][0]
                return a1(
                    grid["startRowIndex"] + 1 + skip,
                    grid["endRowIndex"],
                    grid["startColumnIndex"],
                    grid["endColumnIndex"] - 1,
                )

            anchor = chart["position"]["overlayPosition"]["anchorCell"]
            found.append(
                (
                    basic["chartType"].lower(),
                    chart["spec"]["title"],
                    cells(basic["domains"][0]["domain"]),
                    tuple(cells(s["series"]) for s in basic["series"]),
                    f"{get_column_letter(anchor['columnIndex'] + 1)}{anchor['rowIndex'] + 1}",
                )
            )
        return found
    if isinstance(lut.log.backend, MemoryBackend):
        return [
            (
                spec.kind,
                spec.title,
                a1(spec.header_row + 1, spec.last_row, spec.category_col, spec.category_col),
                tuple(a1(spec.header_row + 1, spec.last_row, c, c) for c in spec.value_cols),
                f"{get_column_letter(spec.anchor_col + 1)}{spec.anchor_row}",
            )
            for spec in lut.log.backend.sheets[tab].charts
        ]
    assert lut.path is not None
    sheet = openpyxl.load_workbook(lut.path)[tab]
    found = []
    for chart in sheet._charts:
        series = chart.series
        category = series[0].cat.strRef or series[0].cat.numRef

        def plain(ref: str) -> str:
            return ref.split("!")[1].replace("$", "")

        marker = chart.anchor._from
        found.append(
            (
                "line" if chart.tagname == "lineChart" else "column",
                chart.title.tx.rich.p[0].r[0].t,
                plain(category.f),
                tuple(plain(s.val.numRef.f) for s in series),
                f"{get_column_letter(marker.col + 1)}{marker.row + 1}",
            )
        )
    return found


def cell_format(lut: LogUnderTest, tab: str, row: int, col: int) -> tuple[bool, str | None]:
    """(bold, number format pattern) of one cell, as stored."""
    if lut.fake is not None:
        cell = lut.fake.grid(lut.spreadsheet_id, tab)[row - 1][col]
        fmt = cell.get("userEnteredFormat", {})
        return bool(fmt.get("textFormat", {}).get("bold")), fmt.get("numberFormat", {}).get(
            "pattern"
        )
    if isinstance(lut.log.backend, MemoryBackend):
        sheet = lut.log.backend.sheets[tab]
        return (row, col) in sheet.bold, sheet.number_formats.get((row, col))
    assert lut.path is not None
    cell = openpyxl.load_workbook(lut.path)[tab].cell(row=row, column=col + 1)
    return bool(cell.font.bold), None if cell.number_format == "General" else cell.number_format


def find(values: list[list[Any]], first: str) -> int:
    """The sheet row whose first cell is ``first``."""
    return next(n for n, line in enumerate(values, start=1) if line and line[0] == first)


def expected_charts(lut: LogUnderTest) -> list[Chart]:
    """The two charts, over the cells where the tab holds their figures."""
    values = lut.values(TAB)
    channels = (find(values, "Email"), find(values, "Social Media"))
    days = (find(values, "2025-10-01"), find(values, "2025-10-31"))
    return [
        ("column", "By channel, October 2025", a1(*channels, 0, 0), (a1(*channels, 1, 1),), "F21"),
        ("column", "Interactions per day, October 2025", a1(*days, 0, 0), (a1(*days, 1, 1),), "F4"),
    ]


def test_summary_writes_the_tab_with_sections_formats_and_charts(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    fill(any_log.log, tmp_path)
    summary = any_log.log.summary("2025-10")
    titles = any_log.titles()
    assert titles[titles.index("Log") + 1] == TAB
    values = any_log.values(TAB)
    assert values[0] == ["Support summary: October 2025 (America/New_York)"]
    assert "from Log, Archive 2025-10. 4 rows were left out" in values[1][0]
    assert values[find(values, "Interactions") - 1][1] == summary.interactions == 12
    hours = find(values, "Hours to resolve")
    assert values[hours - 1] == ["Hours to resolve", 12.0, 40.8]
    assert values[hours - 2] == ["Measure", "Median", "90th percentile"]
    assert cell_format(any_log, TAB, hours, 1) == (False, "0.0")
    assert cell_format(any_log, TAB, hours - 1, 0) == (True, None)  # the table header
    assert cell_format(any_log, TAB, hours - 2, 0) == (True, None)  # the section title
    agents = find(values, "Bob")
    assert values[agents - 1] == ["Bob", 6, 5, 12.0]
    assert cell_format(any_log, TAB, agents, 3) == (False, "0.0")
    assert values[find(values, "By channel") : find(values, "By channel") + 5] == [
        ["Channel", "Interactions"],
        ["Email", 6],
        ["Live Chat", 2],
        ["Phone", 2],
        ["Social Media", 1],
    ]
    assert values[find(values, "2025-10-31") - 1] == ["2025-10-31", 2]
    assert sorted(charts(any_log, TAB)) == expected_charts(any_log)
    audit = any_log.audit()[-1]
    assert audit[2:4] == ["summary", TAB]
    assert "October 2025: 12 interactions, 6 open at month end, 4 rows left out" in audit[5]


def test_rerun_replaces_the_tab_in_place_and_changes_nothing_else(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    fill(any_log.log, tmp_path)
    any_log.log.summary("2025-10")
    any_log.log.summary("2025-09")  # lands right after Log, pushing October's one along
    titles = any_log.titles()
    before = {title: any_log.values(title) for title in titles if title != TAB}
    extra = entry(
        "T-17",
        Customer="Zoe",
        Channel="Phone",
        Contact_Start="2025-10-07 12:00 UTC",
        Contact_End="",
        Agent="Bob",
        Issue_Type="Payment",
    )
    any_log.log.backend.write([AppendRows("Log", (extra,))])
    before["Log"] = any_log.values("Log")
    any_log.log.summary("2025-10")
    assert any_log.titles() == titles
    after = {title: any_log.values(title) for title in titles if title != TAB}
    audit = audit_tab(datetime.now(UTC))
    assert len(after[audit]) == len(before[audit]) + 1
    after[audit] = before[audit]
    assert after == before
    values = any_log.values(TAB)
    assert values[find(values, "Interactions") - 1][1] == 13
    assert sorted(charts(any_log, TAB)) == expected_charts(any_log)


def test_summary_costs_one_read_and_one_write_on_google(
    google_log: LogUnderTest, tmp_path: Path
) -> None:
    fill(google_log.log, tmp_path)
    fake = google_log.fake
    assert fake is not None
    for _ in range(2):  # the second run replaces the tab, in the same single write
        fake.calls.clear()
        google_log.log.summary("2025-10")
        assert [c.method_id for c in fake.calls] == [
            "spreadsheets.getByDataFilter",
            "spreadsheets.batchUpdate",
        ]


def test_no_write_reads_once_and_writes_nothing(any_log: LogUnderTest, tmp_path: Path) -> None:
    fill(any_log.log, tmp_path)
    if any_log.fake is not None:
        any_log.fake.calls.clear()
    marker = any_log.write_marker()
    audit = any_log.audit()
    summary = any_log.log.summary("2025-10", write=False)
    assert summary.interactions == 12
    assert any_log.write_marker() == marker
    assert TAB not in any_log.titles()
    assert any_log.audit() == audit
    if any_log.fake is not None:
        assert [c.method_id for c in any_log.fake.calls] == ["spreadsheets.getByDataFilter"]


def test_local_charts_survive_later_passes(local_log: LogUnderTest, tmp_path: Path) -> None:
    fill(local_log.log, tmp_path)
    local_log.log.summary("2025-10")
    # A later pass: init puts back a header someone blanked; another writes a row.
    local_log.log.backend.write([SetCells("Log", 1, 13, (("",),))])
    assert local_log.log.init().changes[0] == "added column Tags"
    local_log.log.backend.write([AppendRows(ARCHIVE, (LIVE[0],))])
    assert sorted(charts(local_log, TAB)) == expected_charts(local_log)


def test_local_charts_come_back_after_a_program_dropped_them(
    local_log: LogUnderTest, tmp_path: Path
) -> None:
    fill(local_log.log, tmp_path)
    local_log.log.summary("2025-10")
    assert local_log.path is not None
    book = openpyxl.load_workbook(local_log.path)  # e.g. a tool that cannot keep charts
    book[TAB]._charts = []
    book.save(local_log.path)
    assert charts(local_log, TAB) == []
    local_log.log.backend.write([AppendRows("Log", (LIVE[0],))])
    assert sorted(charts(local_log, TAB)) == expected_charts(local_log)


def test_local_chart_specs_follow_the_tab(local_log: LogUnderTest, tmp_path: Path) -> None:
    fill(local_log.log, tmp_path)
    for _ in range(2):
        local_log.log.summary("2025-10")
    stored = [line for line in local_log.values(SETTINGS_TAB) if len(line) > 3 and line[3]]
    assert [line[3] for line in stored] == [
        "Chart on tab",
        f"chart:{TAB}",
        f"chart:{TAB}",
    ]
    assert len(charts(local_log, TAB)) == 2


def test_local_charts_survive_a_later_archive_pass(local_log: LogUnderTest, tmp_path: Path) -> None:
    fill(local_log.log, tmp_path)
    local_log.log.summary("2025-10")
    result = local_log.log.archive(older_than="0")
    assert result.moved > 0  # the pass really rewrote Log and the archive tabs
    assert sorted(charts(local_log, TAB)) == expected_charts(local_log)
