"""Which tabs are archives: exactly ``Archive YYYY-MM``; a person's own ``Archive notes`` is not."""

from __future__ import annotations

import datetime as dt

import pytest

from sheetlog.model.ops import AddTab, SetCells
from tests.conftest import LogUnderTest
from tests.logdata import entry, seed

NOW = dt.datetime(2025, 11, 20, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("title", "archive"),
    [
        ("Archive 2025-09", True),
        ("Archive 1999-12", True),
        ("Archive notes", False),
        ("Archive 2025-13", False),
        ("Archive 2025-9", False),
        ("Archive 2025-09 old", False),
        ("archive 2025-09", False),
        ("Archive ", False),
    ],
)
def test_only_exact_month_titles_are_archives(title: str, archive: bool) -> None:
    from sheetlog.model.workbook import is_archive_title

    assert is_archive_title(title) is archive


def test_a_persons_archive_notes_tab_is_no_archive(any_log: LogUnderTest) -> None:
    seed(any_log, [entry("T-1", "Resolved", "2025-09-02 10:00 UTC"), entry("T-2")])
    assert any_log.log.archive(now=NOW).moved == 1
    any_log.log.backend.write(
        [
            AddTab("Archive notes", ("Notes", "Who")),
            SetCells("Archive notes", 2, 0, (("call the courier", "Jane"), ("T-1", "x"))),
        ]
    )
    exported = any_log.log.export(tabs="all")
    assert sorted(exported["tab"]) == ["Archive 2025-09", "Log"]
    assert list(any_log.log.export(tabs="archives")["tab"]) == ["Archive 2025-09"]
    assert any_log.log.status(now=NOW).archive_tabs == {"Archive 2025-09": 1}
    assert sorted(row["Ticket ID"] for row in any_log.log.find().rows) == ["T-1", "T-2"]
    figures = any_log.log.summary("2025-09", write=False)
    assert figures.sources == ["Log", "Archive 2025-09"]
    assert any_log.log.verify().ok
    report = any_log.log.validate(flag=False, now=NOW)
    assert not [p for p in report.problems if p.code == "duplicate_id"]
