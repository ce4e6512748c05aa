"""LibreOffice opens the workbook sheetlog keeps, after every kind of write, and
sheetlog keeps working on a workbook a person saved again in LibreOffice."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

from pypdf import PdfReader

import sheetlog
from tests.conftest import LogUnderTest
from tests.logdata import entry, seed
from tests.office import convert, tabs_as_csv
from tests.summary_data import fill

NOW = dt.datetime(2025, 11, 20, 12, 0, tzinfo=dt.UTC)


def test_every_write_leaves_a_workbook_libreoffice_reads(
    local_log: LogUnderTest, soffice: list[str], tmp_path: Path
) -> None:
    log = local_log.log
    seed(
        local_log,
        [
            entry("T-01", "Resolved", "2025-09-02 10:00 UTC"),
            entry("T-02"),
            entry("T-03", "Open", Channel="fax"),  # validate flags it
        ],
    )
    assert log.archive(now=NOW).moved == 1  # openpyxl's whole save
    added = log.append({"Customer": "=1+1", "Agent": "Bo", "Issue Summary": "<late> & lost"})
    log.update("T-02", {"Status": "Pending"})  # patched into the package
    assert log.validate(now=NOW).written
    log.summary("2025-09")
    assert local_log.path is not None
    tabs = tabs_as_csv(soffice, local_log.path, tmp_path / "csv")
    rows = {row[0]: row for row in tabs["Log"][1:] if row and row[0]}
    assert rows[str(added["Ticket ID"])][1:2] == ["=1+1"]  # text, never run
    assert rows["T-02"][local_log.values("Log")[0].index("Status")] == "Pending"
    assert [row[0] for row in tabs["Archive 2025-09"][1:]] == ["T-01"]
    assert "Summary 2025-09" in tabs


def test_sheetlog_writes_to_a_workbook_libreoffice_saved(
    local_log: LogUnderTest, soffice: list[str], tmp_path: Path
) -> None:
    seed(local_log, [entry("T-01"), entry("T-02", "Pending")])
    assert local_log.path is not None
    saved = tmp_path / "saved"
    convert(soffice, local_log.path, "xlsx", saved)  # a person opens it and saves
    again = saved / local_log.path.name
    shutil.copy(again, local_log.path)
    log = sheetlog.open(local_log.path)
    added = log.append({"Customer": "Ann", "Agent": "Bo", "Issue Summary": "Late"})
    log.update("T-01", {"Status": "Closed"})
    assert log.validate(now=NOW).errors == 0
    found = {row["Ticket ID"]: row["Status"] for row in log.find().rows}
    assert found == {"T-01": "Closed", "T-02": "Pending", added["Ticket ID"]: "Open"}
    tabs = tabs_as_csv(soffice, local_log.path, tmp_path / "csv")
    assert [row[0] for row in tabs["Log"][1:] if row and row[0]] == [
        "T-01",
        "T-02",
        added["Ticket ID"],
    ]


TICKS = r"(?:\d+(?:\.\d+)?\n)+"  # a value axis's labels, one a line


def test_the_summary_charts_keep_their_axes_and_titles_in_a_pdf(
    soffice: list[str], tmp_path: Path
) -> None:
    path = tmp_path / "log.xlsx"
    log = sheetlog.open(path)
    fill(log, tmp_path)
    log.summary("2025-10")
    convert(soffice, path, "pdf", tmp_path)
    text = "\n".join(page.extract_text() for page in PdfReader(tmp_path / "log.pdf").pages)
    # each chart as LibreOffice prints it: its category labels, its value axis's labels,
    # its title, then both axis titles
    by_channel = "Email Live Chat Phone Social Media\n" + TICKS
    assert re.search(by_channel + r"By channel, October 2025\nChannel\nInteractions", text)
    per_day = r"2025-10-01 2025-10-03[ \d-]*\n" + TICKS
    assert re.search(per_day + r"Interactions per day, October 2025\nDay\nInteractions", text)
