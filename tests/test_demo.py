"""`make demo` and the README's examples: the demo's data is dated relative to today, so
its nightly validate shows the mistakes people typed, not every case as "open too long";
the names the README's commands use exist after `make demo`, or are marked as
placeholders."""

from __future__ import annotations

import csv
import importlib.util
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

import pytest

import sheetlog
from tests.conftest import LogUnderTest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def load_demo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("demo", ROOT / "examples" / "demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    module = load_demo()
    monkeypatch.setattr(module, "REDATED", tmp_path / "interactions.csv")
    return module


def test_the_demo_data_ends_yesterday_and_keeps_its_mistakes(demo: ModuleType) -> None:
    demo.redate_sample()
    with demo.SAMPLE.open(encoding="utf-8") as original, demo.REDATED.open() as redated:
        before, after = list(csv.DictReader(original)), list(csv.DictReader(redated))
    assert len(after) == len(before)
    starts = [d for row in after for d in demo.days(row["Contact Start"])]
    assert max(starts) <= demo.TODAY - timedelta(days=1)
    for old, new in zip(before, after, strict=True):
        undated = {k: v for k, v in old.items() if k not in demo.DATED_COLUMNS}
        assert {k: v for k, v in new.items() if k not in demo.DATED_COLUMNS} == undated
        for column in demo.DATED_COLUMNS:  # the same shape: a bad value stays bad
            shape = re.sub(r"\d", "9", old[column])
            assert re.sub(r"\d", "9", new[column]) == shape, (old, new)


def test_the_demo_s_validate_shows_no_stale_case_and_no_passed_follow_up(
    demo: ModuleType, local_log: LogUnderTest
) -> None:
    demo.redate_sample()
    local_log.log.init()
    imported = local_log.log.import_rows(sheetlog.read_records(str(demo.REDATED)))
    assert len(imported.added) == 192 and len(imported.rejected) == 8  # as from the original
    report = local_log.log.validate(flag=False, now=datetime.now(UTC))
    codes = {problem.code for problem in report.problems}
    assert "stale" not in codes and "followup_overdue" not in codes, codes
    assert report.errors == 0


def test_the_readme_names_runnable_tickets_and_marks_placeholders() -> None:
    commands = [
        line
        for block in re.findall(r"```sh\n(.*?)```", README, flags=re.S)
        for line in block.splitlines()
    ]
    assert not [
        c for c in commands if "T-251114-7K3QZ" in c or re.search(r"(?<![\w-])export\.csv", c)
    ]
    with (ROOT / "examples" / "interactions.csv").open(encoding="utf-8") as handle:
        statuses = {row["Ticket ID"]: row["Status"] for row in csv.DictReader(handle)}
    updated = [re.search(r"sheetlog update (\S+)", c) for c in commands]
    tickets = [m[1] for m in updated if m]
    assert tickets, "the README shows sheetlog update"
    for ticket in tickets:  # in the demo's Log after `make demo`: open, so not archived
        assert statuses.get(ticket) in ("Open", "Pending", "Escalated"), ticket
    assert "<helpdesk-export.csv>" in README
