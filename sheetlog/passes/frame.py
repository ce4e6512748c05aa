"""The rows of Log and the archive tabs as one pandas DataFrame of canonical values.

``summary``, ``find``, ``followups``, ``status`` and ``export`` all read rows
through here, so they agree on what a row holds: every cell goes through the
template's row model.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..model.sheetdata import Snapshot, Stored
from ..model.templates import Template
from ..model.workbook import LOG_TAB, archive_tabs, data_rows, row_values
from ..rules.cells import cell_text, ticket_key, timestamp_or_none
from ..rules.rows import row_model

SPOILED = "spoiled"
NOT_SET = "(not set)"
"""How a summary names the group of rows whose cell is empty."""
PLACE = ("tab", "row")


def log_frame(
    snapshot: Snapshot,
    template: Template,
    include_archives: bool = True,
    as_typed: bool = False,
    ticket: str | None = None,
) -> pd.DataFrame:
    """Every row of Log (and the archive tabs) as canonical values, one column per template
    column, plus ``tab``, ``row`` (sheet row) and ``spoiled`` (columns whose value is unusable).

    A malformed cell reads as None, unless ``as_typed``: then it keeps the text a person
    typed, so what people look up and export never loses a value (columns stay ``object``).
    ``ticket`` (a ``ticket_key``) keeps only that ticket's rows, picked by the raw cell
    before any row is checked: checking leaves an id as typed, and a lookup need not
    check the whole history.
    """
    model = row_model(template)
    tabs = [snapshot.tabs[LOG_TAB], *(archive_tabs(snapshot) if include_archives else [])]
    records: list[dict[str, Stored | frozenset[str]]] = []
    for tab in tabs:
        header = tab.header
        at = header.index(template.roles.id) if template.roles.id in header else len(header)
        for number, cells in data_rows(tab):
            if ticket is not None and ticket_key(cells[at] if at < len(cells) else None) != ticket:
                continue
            raw = row_values(header, cells)
            checked = model.check(raw)
            values = dict(checked.values)
            if as_typed:
                for name, value in values.items():
                    if value is None and cell_text(raw.get(name)):
                        values[name] = cell_text(raw.get(name))
            spoiled = frozenset(p.column for p in checked.problems if p.fix is None)
            records.append({**values, "tab": tab.title, "row": number, SPOILED: spoiled})
    columns = [*template.header, *PLACE, SPOILED]
    if as_typed:
        return pd.DataFrame(records, columns=columns, dtype=object)
    return pd.DataFrame.from_records(records, columns=columns)


def opened_at(frame: pd.DataFrame, template: Template) -> pd.Series:
    """Each row's Contact Start (the "opened" role) as a UTC instant, or NaT."""
    return pd.to_datetime(frame[template.roles.opened].map(timestamp_or_none), utc=True)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The frame's rows as row objects (column → value, plus ``tab`` and ``row``)."""
    shown = frame.drop(columns=SPOILED, errors="ignore")
    return [
        {str(key): (None if _missing(value) else value) for key, value in row.items()}
        for row in shown.to_dict("records")
    ]


def _missing(value: Any) -> bool:
    """pandas' markers of an empty cell (None, NaN, NA)."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def group_labels(rows: pd.DataFrame, column: str | None) -> pd.Series:
    """Each row's ``column`` cell as the name of its group in a summary (``NOT_SET`` for
    an empty cell, or for every row when the template has no such column)."""
    if column is None:
        return pd.Series(NOT_SET, index=rows.index)
    return rows[column].map(lambda v: NOT_SET if v is None or v == "" else str(v))
