"""Characters a workbook cannot hold (lone surrogates, XML-illegal control characters,
noncharacters) are refused in every column, on every write path, before anything is
written: one line naming the column and the value, shown escaped."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from sheetlog.cli import cli
from sheetlog.errors import InvalidInput, InvalidValue
from sheetlog.model.templates import Column, load_template
from sheetlog.passes.importfiles import parse_records
from sheetlog.rules.cells import column_normalizer
from tests.conftest import LogUnderTest

STANDARD = load_template("standard")
ORDERS = load_template("orders")
NOW = datetime(2025, 11, 15, 14, 30, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")
ENTRY = {"Customer": "ORD789456", "Agent": "Maya", "Issue Summary": "Parcel late"}
START = "2025-11-03 09:15 UTC"
UNSTORABLE = [
    ("\ud800", r"\ud800"),
    ("\udc00", r"\udc00"),
    ("\x00", r"\x00"),
    ("\x01", r"\x01"),
    ("\x08", r"\x08"),
    ("\x0b", r"\x0b"),
    ("\x0c", r"\x0c"),
    ("\x0e", r"\x0e"),
    ("\x1f", r"\x1f"),
    ("\ufffe", r"\ufffe"),
    ("\uffff", r"\uffff"),
    ("\ufdd0", r"\ufdd0"),
    ("\U0001fffe", r"\U0001fffe"),
    ("\U0010ffff", r"\U0010ffff"),
]
ESCAPED = [escaped for _, escaped in UNSTORABLE]  # test ids a terminal can print


@pytest.mark.parametrize(("char", "escaped"), UNSTORABLE, ids=ESCAPED)
@pytest.mark.parametrize("column", [*STANDARD.columns, *ORDERS.columns], ids=lambda c: c.name)
def test_every_column_kind_refuses_unstorable_characters(
    column: Column, char: str, escaped: str
) -> None:
    with pytest.raises(InvalidValue) as caught:
        column_normalizer(column).normalize(f"x{char}y", UTC_ZONE)
    message = str(caught.value)
    assert message.startswith(f'{column.name}: "x{escaped}y" is not ')
    assert "cannot store" in message
    message.encode("utf-8")  # printable: no lone surrogate left in it


def test_storable_neighbours_are_kept() -> None:
    text = "tab\there, line\nbreak, cr\r, \x7f, \x85, \ud7ff\ue000\ufffd, \U0001f600"
    assert column_normalizer(STANDARD.by_name["Issue Summary"]).normalize(text, None) == text


@pytest.mark.parametrize(("char", "escaped"), UNSTORABLE[:4], ids=ESCAPED[:4])
def test_append_refuses_and_writes_nothing(any_log: LogUnderTest, char: str, escaped: str) -> None:
    any_log.log.init()
    marker = any_log.write_marker()
    with pytest.raises(InvalidInput) as caught:
        any_log.log.append({**ENTRY, "Customer": f"x{char}y"}, now=NOW)
    assert str(caught.value).startswith(f'Customer: "x{escaped}y" is not text')
    assert any_log.write_marker() == marker
    assert any_log.values("Log") == [STANDARD.header]
    row = any_log.log.append(ENTRY, now=NOW)  # the log still works
    assert any_log.values("Log")[1][:2] == [row["Ticket ID"], "ORD789456"]


def test_update_refuses_and_writes_nothing(any_log: LogUnderTest) -> None:
    any_log.log.init()
    ticket = str(any_log.log.append(ENTRY, now=NOW)["Ticket ID"])
    before = any_log.values("Log")
    with pytest.raises(InvalidInput, match=r'Actions & Notes: "a\\x00b"'):
        any_log.log.update(ticket, {"Actions & Notes": "a\x00b"}, now=NOW)
    assert any_log.values("Log") == before


def test_import_rejects_the_bad_row_and_lands_the_others(any_log: LogUnderTest) -> None:
    any_log.log.init()
    entry = {**ENTRY, "Contact Start": START}
    lines = [
        json.dumps({**entry, "Ticket ID": "HD-1"}),
        json.dumps({**entry, "Ticket ID": "HD-2"}).replace("ORD789456", "x\\udc00y"),
        json.dumps({**entry, "Ticket ID": "HD-3", "Tags": "ok\u0001"}),
        json.dumps({**entry, "Ticket ID": "HD-4"}),
    ]
    result = any_log.log.import_rows(parse_records("\n".join(lines), "jsonl"), now=NOW)
    assert result.added == ["HD-1", "HD-4"]
    assert [(r.where, [str(p) for p in r.problems]) for r in result.rejected] == [
        (
            "line 2",
            [
                r'Customer: "x\udc00y" is not text (it holds \udc00, which a spreadsheet'
                " cannot store)"
            ],
        ),
        (
            "line 3",
            [
                r'Tags: "ok\x01" is not comma-separated lowercase-hyphenated words'
                r" (e.g. billing-dispute, refund-delayed) (it holds \x01, which a"
                " spreadsheet cannot store)"
            ],
        ),
    ]
    assert [row[0] for row in any_log.values("Log")[1:]] == ["HD-1", "HD-4"]


def test_a_csv_with_control_characters_is_rejected_row_by_row(any_log: LogUnderTest) -> None:
    any_log.log.init()
    text = (
        "Ticket ID,Customer,Agent,Issue Summary,Contact Start\n"
        f"HD-1,Ann,Sam,ok,{START}\nHD-2,Bo\x1b,Sam,bad,{START}\n"
    )
    result = any_log.log.import_rows(parse_records(text, "csv"), now=NOW)
    assert result.added == ["HD-1"]
    assert [r.where for r in result.rejected] == ["line 3"]
    assert r'"Bo\x1b"' in str(result.rejected[0].problems[0])


# --- the command line -------------------------------------------------------------------


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.delenv("SHEETLOG_SHEET", raising=False)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["init", "--sheet", "log.xlsx"]).exit_code == 0
    return runner


def run(runner: CliRunner, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(cli, [*args, "--sheet", "log.xlsx"], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def opens(path: Path) -> list[list[object]]:
    """The Log tab through both readers people's tools use; both must open the file."""
    openpyxl.load_workbook(path).close()
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Log").to_python()


def test_cli_append_json_with_a_lone_surrogate_is_one_line_exit_1(runner: CliRunner) -> None:
    before = Path("log.xlsx").read_bytes()
    text = '{"Customer":"x\\ud800y","Agent":"S","Issue Summary":"z"}'
    code, out, err = run(runner, "append", "--json", text)
    assert (code, out) == (1, "")
    assert err == (
        'sheetlog: Customer: "x\\ud800y" is not text (it holds \\ud800, which a spreadsheet'
        " cannot store)\n"
    )
    assert Path("log.xlsx").read_bytes() == before
    code, _, err = run(
        runner, "append", "-f", "Customer=x\udcffy", "-f", "Agent=S", "-f", "Issue Summary=z"
    )
    assert code == 1 and '"x\\udcffy"' in err
    code, _, _ = run(
        runner, "append", "--json", '{"Customer":"ok","Agent":"S","Issue Summary":"z"}'
    )
    assert code == 0
    assert len(opens(Path("log.xlsx"))) == 2


def test_cli_import_of_a_file_with_a_lone_surrogate(runner: CliRunner, tmp_path: Path) -> None:
    good = {"Ticket ID": "HD-1", "Customer": "Ann", "Agent": "S", "Issue Summary": "z"}
    good["Contact Start"] = START
    bad = json.dumps({**good, "Ticket ID": "HD-2"}).replace("Ann", "x\\udc00")
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(good) + "\n" + bad + "\n", encoding="utf-8")
    code, out, err = run(runner, "import", str(path))
    assert code == 1 and err == ""
    assert out.splitlines() == [
        "Imported 1 rows.",
        "Rejected 1 rows:",
        '  line 2: Customer: "x\\udc00" is not text (it holds \\udc00, which a spreadsheet'
        " cannot store)",
    ]
    code, out, _ = run(runner, "import", "-", "--format", "json", stdin=bad)
    assert code == 1
    data = json.loads(out)
    assert data["rejected"][0]["problems"][0]["value"] == "x\udc00"
    assert [row[0] for row in opens(Path("log.xlsx"))[1:]] == ["HD-1"]
