"""`export` on both backends: tabs, dates, formats, redaction, and formula-safe CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from sheetlog.errors import ConfigError
from sheetlog.passes.export import mask_phone, render
from tests.conftest import LogUnderTest
from tests.logdata import HEADER, entry, seed
from tests.opsdata import one_read, orders_row, seed_orders, seed_sample

INJECTED = '=HYPERLINK("http://x","y")'


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_all_tabs_in_time_order_with_tab_and_row(any_log: LogUnderTest) -> None:
    seed_sample(any_log)
    frame = one_read(any_log, lambda: any_log.log.export())
    assert list(frame.columns) == [*HEADER, "tab", "row"]
    assert list(frame["Ticket ID"]) == ["T-05", "T-01", "T-07", "T-04", "T-03", "T-06", "T-02"]
    assert list(frame["tab"])[:3] == ["Log", "Archive 2025-09", "Archive 2025-10"]


def test_tabs_and_dates(local_log: LogUnderTest) -> None:
    seed_sample(local_log)
    assert list(local_log.log.export(tabs="log")["Ticket ID"]) == [
        "T-05",
        "T-04",
        "T-03",
        "T-06",
        "T-02",
    ]
    assert list(local_log.log.export(tabs="archives")["Ticket ID"]) == ["T-01", "T-07"]
    ranged = local_log.log.export(since="2025-09-01", until="2025-11-01")
    assert list(ranged["Ticket ID"]) == ["T-01", "T-07", "T-04"]


def test_csv_json_and_parquet_files(local_log: LogUnderTest, tmp_path: Path) -> None:
    seed_sample(local_log)
    frame = local_log.log.export(tmp_path / "log.csv")
    rows = read_csv((tmp_path / "log.csv").read_text(encoding="utf-8"))
    assert [r["Ticket ID"] for r in rows] == list(frame["Ticket ID"])
    assert rows[0]["row"] == str(frame["row"][0])
    local_log.log.export(tmp_path / "log.json")
    document = json.loads((tmp_path / "log.json").read_text(encoding="utf-8"))
    assert document == frame.to_dict("records")
    assert document[1]["tab"] == "Archive 2025-09"
    assert document[1]["Actions & Notes"] is None
    pytest.importorskip("pyarrow")
    one_read(local_log, lambda: local_log.log.export(tmp_path / "log.parquet"))
    back = pd.read_parquet(tmp_path / "log.parquet")
    assert list(back["Ticket ID"]) == list(frame["Ticket ID"])
    assert list(back["row"]) == list(frame["row"])
    assert list(back.columns) == list(frame.columns)


def test_parquet_without_pyarrow_says_how_to_get_it(
    local_log: LogUnderTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_sample(local_log)
    monkeypatch.setattr("sheetlog.passes.export.find_spec", lambda name: None)
    with pytest.raises(ConfigError, match=r'pip install "sheetlog\[parquet\]"'):
        local_log.log.export(tmp_path / "log.parquet")
    assert not (tmp_path / "log.parquet").exists()


def test_csv_neutralizes_formulas_json_keeps_the_text(any_log: LogUnderTest) -> None:
    risky = [INJECTED, "+1 555 0100", "-2", "@SUM(A1)", "\tcmd"]
    seed(
        any_log,
        [
            entry(
                f"T-{n}",
                Contact_Start=f"2025-11-0{n + 1} 09:00 UTC",
                Contact_End="",
                **{"Actions & Notes": text},
            )
            for n, text in enumerate(risky)
        ],
    )
    frame = any_log.log.export()
    cells = [r["Actions & Notes"] for r in read_csv(render(frame, "csv"))]
    assert cells[0] == "'" + INJECTED
    # a leading tab is stored stripped (normalize), so "cmd" is plain text by then
    assert cells == ["'" + INJECTED, "'+1 555 0100", "'-2", "'@SUM(A1)", "cmd"]
    notes = [r["Actions & Notes"] for r in json.loads(render(frame, "json"))]
    assert notes[0] == INJECTED


def test_redact_masks_the_standard_templates_customer(local_log: LogUnderTest) -> None:
    seed_sample(local_log)
    frame = local_log.log.export(redact=True)
    assert dict(zip(frame["Ticket ID"], frame["Customer"], strict=True)) == {
        "T-05": "Z***",
        "T-01": "J***",
        "T-07": "C***",
        "T-04": "A***",
        "T-03": "J***",
        "T-06": "J***",
        "T-02": "B***",
    }
    assert set(frame["Agent"]) == {"Jane Adams", "Sam Lee"}  # not personal data of customers


def test_redact_masks_name_email_and_phone_of_orders(any_log: LogUnderTest) -> None:
    seed_orders(
        any_log,
        [
            orders_row(),
            orders_row(
                **{
                    "Log ID": "L-2",
                    "Logged At": "2025-11-04 09:00 UTC",
                    "Customer Name": "bob@example.org",
                    "Email": "",
                    "Phone": "(020) 7946 0958",
                }
            ),
        ],
    )
    frame = any_log.log.export(redact=True)
    first, second = frame.to_dict("records")
    assert (first["Customer Name"], first["Email"], first["Phone"]) == (
        "J***",
        "j***@example.com",
        "+1 555-***-**34",
    )
    assert (second["Customer Name"], second["Email"], second["Phone"]) == (
        "b***@example.org",
        None,
        "(020) 7*** **58",
    )
    assert first["Description"] == "Charged twice"
    text = render(frame, "csv")
    assert "jane" not in text.lower() and "4534" not in text


def test_phone_masking_keeps_layout_and_the_last_two_digits() -> None:
    assert mask_phone("+1 555-123-4534") == "+1 555-***-**34"
    assert mask_phone("555 1234") == "*** **34"
    assert mask_phone("+44 20 7946 0958") == "+44 20 7*** **58"


def test_bad_dates_and_tabs_are_refused(local_log: LogUnderTest) -> None:
    seed_sample(local_log)
    with pytest.raises(ConfigError, match=r'--to "30/11/2025" is not a date: expected YYYY-MM-DD'):
        local_log.log.export(until="30/11/2025")
    with pytest.raises(ConfigError, match='tabs "summary" is not one of log, archives, all'):
        local_log.log.export(tabs="summary")  # type: ignore[arg-type]
