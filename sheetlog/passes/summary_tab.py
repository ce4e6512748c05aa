"""The tab ``Summary YYYY-MM``: a monthly summary's sections written with bold headers,
number formats and two charts, replacing the month's earlier tab at its position."""

from __future__ import annotations

from datetime import datetime

from ..model.ops import AddChart, AddTab, DeleteTab, Op, SetCells, SetNumberFormat, SetWidth
from ..model.sheetdata import Snapshot
from ..model.workbook import LOG_TAB
from ..render.summary import heading, sections
from .summary import MonthlySummary

DECIMALS = "0.0"
WIDTHS = (34, 16, 16, 24)
CHART_ANCHOR_COL = 5  # charts float from column F, right of the tables
CHART_ROWS = 17  # rows one chart covers, so the next one starts below it
FIRST_SECTION_ROW = 4


def summary_ops(summary: MonthlySummary, snapshot: Snapshot, written_at: datetime) -> list[Op]:
    """Write (or replace, at the same position) the tab ``Summary YYYY-MM``."""
    title = summary.tab
    ops: list[Op] = []
    index = snapshot.position(title)
    if index is not None:
        ops.append(DeleteTab(title))
    else:
        index = (snapshot.position(LOG_TAB) or 0) + 1  # a new summary goes right after Log
    headline, source = heading(summary)
    ops.append(AddTab(title, (headline,), index=index))
    stamp = written_at.strftime("%Y-%m-%d %H:%M UTC")
    ops.append(SetCells(title, 2, 0, ((f"{source} Written by sheetlog summary, {stamp}.",),)))
    ops.extend(SetWidth(title, col, chars) for col, chars in enumerate(WIDTHS))
    row = FIRST_SECTION_ROW
    for section in sections(summary):
        ops.append(SetCells(title, row, 0, ((section.title,), section.header), bold=True))
        first = row + 2
        body = section.rows or [("none",)]
        ops.append(SetCells(title, first, 0, tuple(body)))
        for col in section.decimals:
            ops.append(SetNumberFormat(title, first, col, len(body), 1, DECIMALS))
        if section.chart and section.rows:
            ops.append(
                AddChart(
                    title,
                    section.chart,
                    f"{section.title}, {summary.label}",
                    header_row=row + 1,
                    last_row=first + len(body) - 1,
                    category_col=0,
                    value_cols=(1,),
                    anchor_row=FIRST_SECTION_ROW + section.chart_slot * CHART_ROWS,
                    anchor_col=CHART_ANCHOR_COL,
                    x_title=section.header[0],
                    y_title=section.header[1],
                )
            )
        row = first + len(body) + 1
    return ops
