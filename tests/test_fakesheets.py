"""Behaviour of the FakeSheets fixture (gspread as the client where natural)."""

from __future__ import annotations

from typing import Any

import gspread
import pytest
import requests
from google.oauth2.credentials import Credentials
from gspread.utils import ValueInputOption

from tests.fakesheets import Call, FakeSheets, fieldmask

pytest_plugins = ["tests.fakesheets.pytest_plugin"]

API = "https://sheets.googleapis.com/v4/spreadsheets"
HEADER = ["Ticket ID", "Customer", "Channel", "Opened"]


def client(http_client: Any = gspread.HTTPClient) -> gspread.Client:
    return gspread.Client(Credentials(token="fake-token"), http_client=http_client)


@pytest.fixture
def sid(fake_sheets: FakeSheets) -> str:
    sid = fake_sheets.create_spreadsheet("Support Log", tabs=["Log"])
    fake_sheets.set_values(sid, "Log", [HEADER, ["T-1", "Ann", "email", "x"]])
    return sid


@pytest.fixture
def ws(fake_sheets: FakeSheets, sid: str) -> gspread.Worksheet:
    return client().open_by_key(sid).worksheet("Log")


def batch(sid: str, *requests_: dict[str, Any], **extra: Any) -> requests.Response:
    body = {"requests": list(requests_), **extra}
    return requests.post(f"{API}/{sid}:batchUpdate", json=body, timeout=5)


# -- discovery validation ----------------------------------------------------------------------


def test_gspread_everyday_calls_pass_discovery_validation(
    fake_sheets: FakeSheets, sid: str, ws: gspread.Worksheet
) -> None:
    ws.update([["T-2", "Bob"]], "A3")
    ws.append_rows([["T-3", "Cy"]], value_input_option=ValueInputOption.user_entered)
    ws.format("A1:D1", {"textFormat": {"bold": True}})
    ws.freeze(rows=1)
    ws.insert_row(["T-0", "Zed"], 2)
    ws.delete_rows(2)
    ws.update_note("B2", "VIP")
    assert ws.get_note("B2") == "VIP"
    ws.spreadsheet.add_worksheet("Archive 2023-11", rows=10, cols=4)
    ws.spreadsheet.values_batch_get(["Log!A1:B2", "'Archive 2023-11'!A1:B2"])
    assert fake_sheets.violations == []
    assert [c.method_id for c in fake_sheets.calls[:2]] == ["spreadsheets.get"] * 2
    assert all(c.status == 200 for c in fake_sheets.calls)
    assert fake_sheets.values(sid, "Log")[1:3] == [["T-1", "Ann", "email", "x"], ["T-2", "Bob"]]


def test_unknown_body_field_wrong_type_and_unknown_param_are_violations() -> None:
    with FakeSheets() as fake:
        sid = fake.create_spreadsheet("S", tabs=["Log"])
        r1 = batch(sid, {"addSheet": {"properties": {"titel": "Oops"}}})
        r2 = batch(sid, {"updateSheetProperties": {"properties": {"sheetId": "0"}, "fields": "*"}})
        r3 = requests.get(f"{API}/{sid}/values/Log", params={"renderOption": "RAW"}, timeout=5)
        r4 = requests.get(
            f"{API}/{sid}/values/Log", params={"valueRenderOption": "PRETTY"}, timeout=5
        )
        r5 = requests.get(f"{API}/{sid}", params={"fields": "sheets.propertys"}, timeout=5)
        r6 = batch(sid, {"updateSheetProperties": {"properties": {}, "fields": "titel"}})
        r7 = requests.get(f"{API}/{sid}/nonsense", timeout=5)
    assert [r.status_code for r in (r1, r2, r3, r4, r5, r6, r7)] == [400] * 7
    assert r1.json()["error"]["status"] == "INVALID_ARGUMENT"
    assert 'Unknown name "titel"' in r1.json()["error"]["message"]
    joined = "\n".join(fake.violations)
    for needle in (
        "titel",
        "requests[0].updateSheetProperties.properties.sheetId",
        "renderOption",
        "PRETTY",
        "sheets.propertys",
        "nonsense",
    ):
        assert needle in joined
    assert len(fake.violations) == 7
    assert fake.titles(sid) == ["Log"]  # nothing was applied


def test_query_param_types_and_repeats_are_checked() -> None:
    with FakeSheets() as fake:
        sid = fake.create_spreadsheet("S")
        ok = requests.get(f"{API}/{sid}", params={"includeGridData": "True"}, timeout=5)
        bad_bool = requests.get(f"{API}/{sid}", params={"includeGridData": "yes"}, timeout=5)
        repeated = requests.get(
            f"{API}/{sid}/values/A1", params=[("majorDimension", "ROWS")] * 2, timeout=5
        )
        many = requests.get(
            f"{API}/{sid}/values:batchGet", params=[("ranges", "A1"), ("ranges", "B2")], timeout=5
        )
    assert (ok.status_code, bad_bool.status_code, repeated.status_code) == (200, 400, 400)
    assert many.status_code == 200 and len(many.json()["valueRanges"]) == 2
    assert len(fake.violations) == 2


def test_partial_response_field_masks(fake_sheets: FakeSheets, sid: str) -> None:
    r = requests.get(
        f"{API}/{sid}", params={"fields": "spreadsheetId,sheets(properties(title))"}, timeout=5
    )
    assert r.json() == {"spreadsheetId": sid, "sheets": [{"properties": {"title": "Log"}}]}
    r = requests.get(
        f"{API}/{sid}",
        params={"fields": "sheets.data.rowData.values.formattedValue", "ranges": "Log!B1:B2"},
        timeout=5,
    )
    rows = r.json()["sheets"][0]["data"][0]["rowData"]
    assert rows == [
        {"values": [{"formattedValue": "Customer"}]},
        {"values": [{"formattedValue": "Ann"}]},
    ]


def test_masked_gets_answer_the_whole_response_cut_by_the_mask(
    fake_sheets: FakeSheets, sid: str
) -> None:
    """The fake renders only what a mask selects; that must never change the answer."""
    fake_sheets.set_values(sid, "Log", [HEADER, ["T-1", "Ann", 3, True], ["T-2"]])
    column_c = {"sheetId": 0, "startRowIndex": 1, "startColumnIndex": 2, "endColumnIndex": 3}
    rule = {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "email"}]}}
    wide = {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 1, "endIndex": 2}
    r = batch(
        sid,
        {"setDataValidation": {"range": column_c, "rule": rule}},
        {
            "updateDimensionProperties": {
                "range": wide,
                "properties": {"pixelSize": 250},
                "fields": "pixelSize",
            }
        },
        row_metadata("ticket:T-1", 1),
        {"addNamedRange": {"namedRange": {"name": "Tickets", "range": column_c}}},
        {"addSheet": {"properties": {"title": "Empty"}}},
    )
    assert r.status_code == 200
    masks = [
        "sheets(properties(title),data(rowData(values(effectiveValue))))",
        "sheets.data.rowData.values(effectiveValue,dataValidation,userEnteredFormat.numberFormat)",
        "sheets.data(rowMetadata,columnMetadata(pixelSize))",
        "sheets.data.rowMetadata.developerMetadata.metadataKey",
        "sheets(data(*))",
        "sheets/data/startRow,spreadsheetId",
        "namedRanges,sheets.properties",
        "*",
    ]
    for ranges in ([], ["Log!B2:C9", "Empty!A1:B2"]):
        params: dict[str, Any] = {"includeGridData": "true", "ranges": ranges}
        whole = requests.get(f"{API}/{sid}", params=params, timeout=5).json()
        for mask in masks:
            cut = requests.get(f"{API}/{sid}", params={**params, "fields": mask}, timeout=5)
            assert cut.json() == fieldmask.select(whole, fieldmask.parse(mask)), (ranges, mask)


# -- reads ----------------------------------------------------------------------------------------


def test_ragged_reads(fake_sheets: FakeSheets, sid: str, ws: gspread.Worksheet) -> None:
    fake_sheets.set_values(sid, "Log", [HEADER, ["T-1", "", "email", ""], [], ["T-3"], [""]])
    got = ws.spreadsheet.values_get("Log")
    assert got["range"] == "Log!A1:Z1000"
    assert got["values"] == [HEADER, ["T-1", "", "email"], [], ["T-3"]]
    batch_ = ws.spreadsheet.values_batch_get(["Log!C1:D10", "Log!A10:B12"])["valueRanges"]
    assert batch_[0] == {
        "range": "Log!C1:D10",
        "majorDimension": "ROWS",
        "values": [["Channel", "Opened"], ["email"]],
    }
    assert "values" not in batch_[1]
    assert ws.get_all_values()[1] == ["T-1", "", "email", ""]  # gspread pads, the API does not
    cols = ws.spreadsheet.values_get("Log!A1:C4", params={"majorDimension": "COLUMNS"})
    assert cols["values"] == [["Ticket ID", "T-1", "", "T-3"], ["Customer"], ["Channel", "email"]]
    data = requests.get(f"{API}/{sid}", params={"includeGridData": "true"}, timeout=5).json()
    rows = data["sheets"][0]["data"][0]["rowData"]
    assert len(rows) == 4 and rows[2] == {}
    assert [c.get("formattedValue") for c in rows[1]["values"]] == ["T-1", None, "email"]
    assert len(data["sheets"][0]["data"][0]["rowMetadata"]) == 1000


def test_value_render_options(fake_sheets: FakeSheets, sid: str, ws: gspread.Worksheet) -> None:
    ws.update(
        [["0.5", "123", "=1+1", "2023-11-15", "TRUE"]],
        "A3",
        value_input_option=ValueInputOption.user_entered,
    )
    sh = ws.spreadsheet
    assert sh.values_get("Log!A3:E3")["values"] == [["0.5", "123", "", "11/15/2023", "TRUE"]]
    unformatted = sh.values_get("Log!A3:E3", params={"valueRenderOption": "UNFORMATTED_VALUE"})
    assert unformatted["values"] == [[0.5, 123, "", 45245, True]]
    formula = sh.values_get(
        "Log!A3:E3",
        params={"valueRenderOption": "FORMULA", "dateTimeRenderOption": "FORMATTED_STRING"},
    )
    assert formula["values"] == [[0.5, 123, "=1+1", "11/15/2023", True]]


# -- writes ---------------------------------------------------------------------------------------


def test_user_entered_parsing(fake_sheets: FakeSheets, sid: str, ws: gspread.Worksheet) -> None:
    typed = [
        "2023-11-15 14:30",
        "00123",
        "=1+1",
        "12%",
        "1,234.5",
        "+5",
        "TRUE",
        "11/15/2023 2:30 PM",
        "hello",
    ]
    ws.update([typed], "A3", value_input_option=ValueInputOption.user_entered)
    cells = fake_sheets.grid(sid, "Log")[2]
    dt = cells[0]
    assert dt["userEnteredValue"] == {"numberValue": pytest.approx(45245 + 14.5 / 24)}
    assert dt["userEnteredFormat"]["numberFormat"]["type"] == "DATE_TIME"
    assert dt["formattedValue"] == "11/15/2023 14:30:00"
    assert cells[1]["effectiveValue"] == {"numberValue": 123.0}
    assert (
        cells[2]["userEnteredValue"] == {"formulaValue": "=1+1"}
        and "effectiveValue" not in cells[2]
    )
    assert (
        cells[3]["effectiveValue"] == {"numberValue": 0.12} and cells[3]["formattedValue"] == "12%"
    )
    assert [c["userEnteredValue"] for c in cells[4:7]] == [
        {"numberValue": 1234.5},
        {"numberValue": 5.0},
        {"boolValue": True},
    ]
    assert cells[7]["userEnteredValue"]["numberValue"] == pytest.approx(45245 + 14.5 / 24)
    assert cells[8]["userEnteredValue"] == {"stringValue": "hello"}


def test_text_number_format_keeps_typed_text(
    fake_sheets: FakeSheets, sid: str, ws: gspread.Worksheet
) -> None:
    text = {"numberFormat": {"type": "TEXT"}}
    ws.format("A:A", text)
    ws.update([["00123", "00123"]], "A3", value_input_option=ValueInputOption.user_entered)
    fake_sheets.person(sid).type("Log", "A4", "2023-11-15")
    assert fake_sheets.values(sid, "Log")[2:4] == [["00123", 123.0], ["2023-11-15"]]


def test_raw_and_update_cells_string_value_keep_formula_text(
    fake_sheets: FakeSheets, sid: str, ws: gspread.Worksheet
) -> None:
    link = '=HYPERLINK("https://x.example/T-9","T-9")'
    ws.update([[link, "=1+1", "00123"]], "A3", value_input_option=ValueInputOption.raw)
    values = [{"userEnteredValue": {"stringValue": s}} for s in (link, "+1", "-x", "@y")]
    r = batch(
        sid,
        {
            "updateCells": {
                "rows": [{"values": values}],
                "fields": "userEnteredValue",
                "start": {"sheetId": 0, "rowIndex": 3},
            }
        },
    )
    assert r.status_code == 200
    assert fake_sheets.values(sid, "Log")[2:4] == [
        [link, "=1+1", "00123"],
        [link, "+1", "-x", "@y"],
    ]
    assert ws.get("A4", value_render_option="FORMULA") == [[link]]


def test_values_update_range_checks(fake_sheets: FakeSheets, ws: gspread.Worksheet) -> None:
    with pytest.raises(gspread.exceptions.APIError, match="tried writing to column"):
        ws.update([["a", "b", "c"]], "A3:B3")
    with pytest.raises(gspread.exceptions.APIError, match="exceeds grid limits"):
        ws.update([["a"], ["b"]], "A1000")
    with pytest.raises(gspread.exceptions.APIError, match="Unable to parse range"):
        ws.spreadsheet.values_get("Nope!A1")


def test_invalid_sub_request_rejects_whole_batch(fake_sheets: FakeSheets, sid: str) -> None:
    before = fake_sheets.grid(sid, "Log")
    bold = {"userEnteredFormat": {"textFormat": {"bold": True}}}
    r = batch(
        sid,
        {"addSheet": {"properties": {"title": "New"}}},
        {"repeatCell": {"range": {"sheetId": 0}, "cell": bold, "fields": "userEnteredFormat"}},
        {"deleteDimension": {"range": {"sheetId": 0, "dimension": "COLUMNS", "endIndex": 1}}},
        {"sortRange": {"range": {"sheetId": 0}, "sortSpecs": [{"dimensionIndex": 1}]}},
        {
            "updateCells": {
                "rows": [{"values": [{"userEnteredValue": {"stringValue": "x"}}]}],
                "fields": "userEnteredValue",
                "start": {"sheetId": 0, "rowIndex": 1000},
            }
        },
    )
    assert r.status_code == 400
    assert r.json()["error"]["message"].startswith("Invalid requests[4].updateCells:")
    assert fake_sheets.titles(sid) == ["Log"] and fake_sheets.grid(sid, "Log") == before
    dup = batch(sid, {"addSheet": {"properties": {"title": "log"}}})
    assert dup.status_code == 400 and "already exists" in dup.json()["error"]["message"]
    assert fake_sheets.violations == []


def test_unimplemented_kind_is_a_clear_400_not_a_violation(
    fake_sheets: FakeSheets, sid: str
) -> None:
    r = batch(sid, {"trimWhitespace": {"range": {"sheetId": 0}}})
    assert r.status_code == 400 and "does not implement" in r.json()["error"]["message"]
    assert fake_sheets.not_implemented and fake_sheets.violations == []


def test_batch_replies_and_updated_spreadsheet(fake_sheets: FakeSheets, sid: str) -> None:
    r = batch(
        sid,
        {"addSheet": {"properties": {"title": "Stats", "index": 0}}},
        {
            "addProtectedRange": {
                "protectedRange": {"range": {"sheetId": 0, "endRowIndex": 1}, "warningOnly": True}
            }
        },
        {"updateSpreadsheetProperties": {"properties": {"title": "Renamed"}, "fields": "title"}},
        includeSpreadsheetInResponse=True,
    ).json()
    new_id = r["replies"][0]["addSheet"]["properties"]["sheetId"]
    assert r["replies"][0]["addSheet"]["properties"]["index"] == 0 and new_id > 0
    assert r["replies"][1]["addProtectedRange"]["protectedRange"]["protectedRangeId"] > 0
    assert r["replies"][2] == {}
    assert r["updatedSpreadsheet"]["properties"]["title"] == "Renamed"
    assert fake_sheets.titles(sid) == ["Stats", "Log"]


# -- batch kinds ----------------------------------------------------------------------------------


def test_delete_duplicates(fake_sheets: FakeSheets, sid: str) -> None:
    rows = [
        HEADER,
        ["T-1", "Ann", "email", ""],
        ["t-1", "ANN", "phone"],
        ["T-2", "Bob", "email"],
        ["T-1", "ann", "chat"],
        ["T-3", "Cy", "email"],
    ]
    fake_sheets.set_values(sid, "Log", rows)
    r = batch(
        sid,
        {
            "deleteDuplicates": {
                "range": {
                    "sheetId": 0,
                    "startRowIndex": 1,
                    "startColumnIndex": 0,
                    "endColumnIndex": 4,
                },
                "comparisonColumns": [
                    {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 2}
                ],
            }
        },
    )
    assert r.json()["replies"] == [{"deleteDuplicates": {"duplicatesRemovedCount": 2}}]
    assert fake_sheets.values(sid, "Log") == [
        HEADER,
        ["T-1", "Ann", "email"],
        ["T-2", "Bob", "email"],
        ["T-3", "Cy", "email"],
    ]


def test_merges_keep_the_top_left_value_move_with_rows_and_come_back_in_reads(
    fake_sheets: FakeSheets, sid: str
) -> None:
    fake_sheets.set_values(sid, "Log", [HEADER, ["T-1", "Ann", "email", "x"], ["T-2", "Bob"]])

    def grid(r0: int, r1: int, c0: int, c1: int) -> dict[str, int]:
        return {
            "sheetId": 0,
            "startRowIndex": r0,
            "endRowIndex": r1,
            "startColumnIndex": c0,
            "endColumnIndex": c1,
        }

    def merges() -> Any:
        reply = requests.get(f"{API}/{sid}", params={"fields": "sheets.merges"}, timeout=5)
        return reply.json()["sheets"][0].get("merges", [])

    assert batch(sid, {"mergeCells": {"range": grid(1, 2, 2, 4), "mergeType": "MERGE_ALL"}}).ok
    assert fake_sheets.values(sid, "Log")[1] == ["T-1", "Ann", "email"]  # D2's value went
    assert merges() == [grid(1, 2, 2, 4)]
    overlap = batch(sid, {"mergeCells": {"range": grid(1, 3, 3, 4), "mergeType": "MERGE_ALL"}})
    assert overlap.status_code == 400 and "overlap" in overlap.json()["error"]["message"]
    span = {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 2}
    assert batch(sid, {"insertDimension": {"range": span, "inheritFromBefore": False}}).ok
    assert merges() == [grid(2, 3, 2, 4)]  # moved down with its row
    assert batch(sid, {"deleteDimension": {"range": {**span, "startIndex": 2, "endIndex": 3}}}).ok
    assert merges() == []  # deleted with its row
    assert batch(sid, {"mergeCells": {"range": grid(1, 3, 0, 1), "mergeType": "MERGE_ALL"}}).ok
    partly = batch(sid, {"unmergeCells": {"range": grid(1, 2, 0, 1)}})
    assert partly.status_code == 400
    assert batch(sid, {"unmergeCells": {"range": grid(0, 5, 0, 4)}}).ok
    assert merges() == []
    fake_sheets.person(sid).merge("Log", "B2:C2")
    assert merges() == [grid(1, 2, 1, 3)]
    assert fake_sheets.violations == []


def test_rows_move_within_part_of_the_columns_and_failed_batches_change_nothing(
    fake_sheets: FakeSheets, sid: str
) -> None:
    rows = [HEADER, ["T-1", "Ann", "x", "1"], ["t-1", "ann", "y", "2"], ["T-2", "Bob", "z", "3"]]
    fake_sheets.set_values(sid, "Log", rows)
    before = fake_sheets.grid(sid, "Log")

    def dedupe(c0: int, c1: int) -> dict[str, Any]:
        span = {"sheetId": 0, "startRowIndex": 1, "startColumnIndex": c0, "endColumnIndex": c1}
        return {"deleteDuplicates": {"range": span}}

    sort = {
        "sortRange": {
            "range": {"sheetId": 0, "startRowIndex": 1, "startColumnIndex": 2},
            "sortSpecs": [{"dimensionIndex": 3, "sortOrder": "DESCENDING"}],
        }
    }
    failing = {"deleteSheet": {"sheetId": 12345}}
    for moves in ([dedupe(0, 26)], [dedupe(0, 2)], [sort], [dedupe(0, 26), sort]):
        assert batch(sid, *moves, failing).status_code == 400
        assert fake_sheets.grid(sid, "Log") == before
    assert batch(sid, dedupe(0, 2)).json()["replies"][0]["deleteDuplicates"] == {
        "duplicatesRemovedCount": 1
    }
    assert fake_sheets.values(sid, "Log") == [
        HEADER,
        ["T-1", "Ann", "x", "1"],
        ["T-2", "Bob", "y", "2"],
        [None, None, "z", "3"],
    ]
    assert batch(sid, sort).status_code == 200
    assert fake_sheets.values(sid, "Log")[1:] == [
        ["T-1", "Ann", "z", "3"],
        ["T-2", "Bob", "y", "2"],
        [None, None, "x", "1"],
    ]


def test_cells_written_alike_stay_independent(fake_sheets: FakeSheets, sid: str) -> None:
    """Formatting a column shares what its cells hold; later writes must still touch one."""
    column_b = {
        "sheetId": 0,
        "startRowIndex": 1,
        "endRowIndex": 6,
        "startColumnIndex": 1,
        "endColumnIndex": 2,
    }
    text = {
        "repeatCell": {
            "range": column_b,
            "cell": {"userEnteredFormat": {"numberFormat": {"type": "TEXT"}}},
            "fields": "userEnteredFormat.numberFormat",
        }
    }
    rule = {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "Ann"}]}}
    validate = {"setDataValidation": {"range": column_b, "rule": rule}}
    before = fake_sheets.grid(sid, "Log")
    assert batch(sid, text, validate, {"deleteSheet": {"sheetId": 12345}}).status_code == 400
    assert fake_sheets.grid(sid, "Log") == before
    assert batch(sid, text, validate).status_code == 200
    bold_b4 = {
        "repeatCell": {
            "range": {**column_b, "startRowIndex": 3, "endRowIndex": 4},
            "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
            "fields": "userEnteredFormat.textFormat.bold",
        }
    }
    assert batch(sid, bold_b4).status_code == 200
    fake_sheets.person(sid).type("Log", "B3", "0042")
    column = [row[1] for row in fake_sheets.grid(sid, "Log")[1:6]]
    assert [c["userEnteredFormat"] for c in column] == [
        {"numberFormat": {"type": "TEXT"}},
        {"numberFormat": {"type": "TEXT"}},
        {"numberFormat": {"type": "TEXT"}, "textFormat": {"bold": True}},
        {"numberFormat": {"type": "TEXT"}},
        {"numberFormat": {"type": "TEXT"}},
    ]
    assert all(c["dataValidation"] == rule for c in column)
    assert [c.get("formattedValue") for c in column] == ["Ann", "0042", None, None, None]


def test_append_cells_goes_after_last_data_row_at_column_a(
    fake_sheets: FakeSheets, sid: str
) -> None:
    person = fake_sheets.person(sid)
    person.type("Log", "H2", "call back Tuesday")  # text in a far column of the last row
    person.note("Log", "J9", "a note alone is not data")
    r = batch(
        sid,
        {
            "appendCells": {
                "sheetId": 0,
                "fields": "userEnteredValue",
                "rows": [{"values": [{"userEnteredValue": {"stringValue": "T-2"}}]}],
            }
        },
    )
    assert r.status_code == 200
    assert fake_sheets.values(sid, "Log")[2] == ["T-2"]
    small = fake_sheets.create_spreadsheet("Small", tabs=["Log"], rows=2, cols=3)
    fake_sheets.set_values(small, "Log", [HEADER[:3], ["T-1"]])
    batch(
        small,
        {
            "appendCells": {
                "sheetId": 0,
                "fields": "*",
                "rows": [
                    {"values": [{"userEnteredValue": {"stringValue": f"T-{n}"}}]} for n in (2, 3)
                ],
            }
        },
    )
    assert fake_sheets.sheet(small, "Log")["properties"]["gridProperties"]["rowCount"] == 4


def test_values_append_table_detection_shifts_like_google(
    fake_sheets: FakeSheets, sid: str, ws: gspread.Worksheet
) -> None:
    fake_sheets.person(sid).type("Log", "G2", "call back Tuesday")
    res = ws.append_row(["T-2", "Bob"])  # range 'Log': the last table is G2 alone
    assert res["tableRange"] == "Log!G2"
    assert res["updates"]["updatedRange"] == "Log!G3:H3"
    assert fake_sheets.values(sid, "Log")[2] == [None] * 6 + ["T-2", "Bob"]
    res = ws.append_row(["T-3", "Cy"], table_range="A1")  # the documented fix: start at A1
    assert (res["tableRange"], res["updates"]["updatedRange"]) == ("Log!A1:D2", "Log!A3:B3")
    assert fake_sheets.values(sid, "Log")[2] == ["T-3", "Cy", *[None] * 4, "T-2", "Bob"]


def test_values_append_issue_828_and_insert_rows(fake_sheets: FakeSheets) -> None:
    sid = fake_sheets.create_spreadsheet("S", tabs=["Sheet1"])
    fake_sheets.set_values(sid, "Sheet1", [[1, 2, None, 3], ["below"]])
    ws = client().open_by_key(sid).sheet1
    ws.append_row(["a", "b", "c"], table_range="D1")
    assert fake_sheets.values(sid, "Sheet1")[1] == ["below", None, None, "a", "b", "c"]
    ws.append_rows([["x"]], insert_data_option="INSERT_ROWS", table_range="A1")
    assert fake_sheets.values(sid, "Sheet1")[:3] == [
        [1.0, 2.0, None, 3.0],
        ["below", None, None, "a", "b", "c"],
        ["x"],
    ]
    assert fake_sheets.sheet(sid, "Sheet1")["properties"]["gridProperties"]["rowCount"] == 1001


def test_data_validation_conditional_formats_and_protection_follow_rows(
    fake_sheets: FakeSheets, sid: str
) -> None:
    col_c = {
        "sheetId": 0,
        "startRowIndex": 1,
        "endRowIndex": 5,
        "startColumnIndex": 2,
        "endColumnIndex": 3,
    }
    rule = {
        "condition": {
            "type": "ONE_OF_LIST",
            "values": [{"userEnteredValue": "email"}, {"userEnteredValue": "phone"}],
        },
        "strict": True,
        "showCustomUi": True,
    }
    cf = {
        "ranges": [col_c],
        "booleanRule": {
            "condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": "email"}]},
            "format": {"textFormat": {"bold": True}},
        },
    }
    r = batch(
        sid,
        {"setDataValidation": {"range": col_c, "rule": rule}},
        {"addConditionalFormatRule": {"rule": cf, "index": 0}},
        {"addProtectedRange": {"protectedRange": {"range": {**col_c, "startRowIndex": 3}}}},
    )
    assert r.status_code == 200
    assert fake_sheets.grid(sid, "Log")[4][2]["dataValidation"] == rule
    fake_sheets.person(sid).insert_rows("Log", before_row=2, rows=[["T-0"]])
    state = fake_sheets.sheet(sid, "Log")
    assert state["conditionalFormats"][0]["ranges"][0]["startRowIndex"] == 2
    assert state["protectedRanges"][0]["range"]["startRowIndex"] == 4
    bad = batch(
        sid,
        {
            "setDataValidation": {
                "range": col_c,
                "rule": {
                    "condition": {
                        "type": "ONE_OF_RANGE",
                        "values": [{"userEnteredValue": "=Missing!A1:A5"}],
                    }
                },
            }
        },
    )
    assert bad.status_code == 400


def test_insert_move_and_sort_dimensions(fake_sheets: FakeSheets) -> None:
    sid = fake_sheets.create_spreadsheet("Digits", tabs=["Log"])
    fake_sheets.set_values(sid, "Log", [[str(n)] for n in range(5)])
    batch(
        sid,
        {
            "moveDimension": {
                "source": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 3},
                "destinationIndex": 4,
            }
        },
    )
    assert fake_sheets.values(sid, "Log") == [["0"], ["3"], ["1"], ["2"], ["4"]]
    batch(
        sid,
        {
            "sortRange": {
                "range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 5},
                "sortSpecs": [{"dimensionIndex": 0, "sortOrder": "DESCENDING"}],
            }
        },
        {
            "insertDimension": {
                "range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1},
                "inheritFromBefore": False,
            }
        },
    )
    assert fake_sheets.values(sid, "Log") == [
        [None, "0"],
        [None, "4"],
        [None, "3"],
        [None, "2"],
        [None, "1"],
    ]
    assert fake_sheets.sheet(sid, "Log")["properties"]["gridProperties"]["columnCount"] == 27


# -- developer metadata and the person ----------------------------------------------------------


def row_metadata(key: str, row: int) -> dict[str, Any]:
    return {
        "createDeveloperMetadata": {
            "developerMetadata": {
                "metadataKey": key,
                "metadataValue": f"v{row}",
                "visibility": "DOCUMENT",
                "location": {
                    "dimensionRange": {
                        "sheetId": 0,
                        "dimension": "ROWS",
                        "startIndex": row,
                        "endIndex": row + 1,
                    }
                },
            }
        }
    }


def test_person_edits_move_row_metadata(fake_sheets: FakeSheets) -> None:
    sid = fake_sheets.create_spreadsheet("Support Log", tabs=["Log"])
    fake_sheets.set_values(sid, "Log", [HEADER, ["T-2"], ["T-1"], ["T-3"]])
    r = batch(sid, row_metadata("ticket:T-1", 2), row_metadata("ticket:T-3", 3)).json()
    md = r["replies"][0]["createDeveloperMetadata"]["developerMetadata"]
    assert md["location"]["locationType"] == "ROW" and md["metadataId"] > 0
    person = fake_sheets.person(sid)

    def row_of(key: str) -> int | None:
        hits = [
            m for m in fake_sheets.sheet(sid, "Log")["developerMetadata"] if m["metadataKey"] == key
        ]
        return hits[0]["location"]["dimensionRange"]["startIndex"] if hits else None

    person.insert_rows("Log", before_row=2, rows=[["T-9", "Bob"]])
    assert (row_of("ticket:T-1"), row_of("ticket:T-3")) == (3, 4)
    person.sort("Log", column=0)
    assert fake_sheets.values(sid, "Log")[1:5] == [["T-1"], ["T-2"], ["T-3"], ["T-9", "Bob"]]
    assert (row_of("ticket:T-1"), row_of("ticket:T-3")) == (1, 3)
    person.delete_rows("Log", first_row=2)
    assert (row_of("ticket:T-1"), row_of("ticket:T-3")) == (None, 2)
    person.clear_row("Log", 3)
    assert fake_sheets.values(sid, "Log")[2] == []
    found = requests.post(
        f"{API}/{sid}/developerMetadata:search",
        timeout=5,
        json={"dataFilters": [{"developerMetadataLookup": {"metadataKey": "ticket:T-3"}}]},
    ).json()
    assert found["matchedDeveloperMetadata"][0]["developerMetadata"]["metadataValue"] == "v3"
    gone = batch(
        sid,
        {
            "deleteDeveloperMetadata": {
                "dataFilter": {"developerMetadataLookup": {"metadataKey": "ticket:T-3"}}
            }
        },
    ).json()
    assert len(gone["replies"][0]["deleteDeveloperMetadata"]["deletedDeveloperMetadata"]) == 1
    assert fake_sheets.sheet(sid, "Log")["developerMetadata"] == []


def test_metadata_location_must_be_a_single_row(fake_sheets: FakeSheets, sid: str) -> None:
    wide = row_metadata("k", 1)
    wide["createDeveloperMetadata"]["developerMetadata"]["location"]["dimensionRange"][
        "endIndex"
    ] = 3
    assert batch(sid, wide).status_code == 400


# -- failures, hooks, permissions -----------------------------------------------------------------


def test_inject_429_then_success(
    fake_sheets: FakeSheets, ws: gspread.Worksheet, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_sheets.inject(
        status=429, times=1, when=lambda call: call.method_id == "spreadsheets.values.update"
    )
    with pytest.raises(gspread.exceptions.APIError) as err:
        ws.update([["x"]], "A5")
    assert err.value.response.json()["error"]["status"] == "RESOURCE_EXHAUSTED"
    ws.update([["x"]], "A5")
    updates = [c.status for c in fake_sheets.calls if c.method_id == "spreadsheets.values.update"]
    assert updates == [429, 200]

    monkeypatch.setattr("gspread.http_client.time.sleep", lambda _: None)
    retrying = client(gspread.BackOffHTTPClient).open_by_key(ws.spreadsheet_id).sheet1
    fake_sheets.inject(status=503, times=2)
    retrying.update([["y"]], "A6")
    assert [c.status for c in fake_sheets.calls[-3:]] == [503, 503, 200]
    assert fake_sheets.calls[-1].bytes > 0 and isinstance(fake_sheets.calls[-1], Call)


def test_apply_first_loses_the_reply_but_keeps_the_write(
    fake_sheets: FakeSheets, sid: str, ws: gspread.Worksheet
) -> None:
    fake_sheets.inject(
        status=500, when=lambda c: c.method_id == "spreadsheets.values.append", apply_first=True
    )
    with pytest.raises(gspread.exceptions.APIError, match="Internal error"):
        ws.append_row(["T-2", "Bob"], table_range="A1")
    assert fake_sheets.values(sid, "Log")[2] == ["T-2", "Bob"]
    assert fake_sheets.count("spreadsheets.values") == 1


def test_before_request_hook_can_edit_and_kill(
    fake_sheets: FakeSheets, sid: str, ws: gspread.Worksheet
) -> None:
    person = fake_sheets.person(sid)
    seen: list[str] = []

    def hook(call: Call) -> None:
        seen.append(call.method_id)
        if call.method_id == "spreadsheets.values.get":
            person.type("Log", "A3", "T-7")
        if call.method_id == "spreadsheets.batchUpdate":
            raise KeyboardInterrupt("process killed between two API calls")

    fake_sheets.before_request(hook)
    assert ws.get_all_values()[2][0] == "T-7"
    with pytest.raises(KeyboardInterrupt):
        ws.freeze(rows=1)
    assert "frozenRowCount" not in fake_sheets.sheet(sid, "Log")["properties"]["gridProperties"]
    assert seen[-2:] == ["spreadsheets.values.get", "spreadsheets.batchUpdate"]
    assert fake_sheets.count() == 4  # 2 x spreadsheets.get, values.get, the killed batchUpdate


def test_deny_answers_403(fake_sheets: FakeSheets, sid: str, ws: gspread.Worksheet) -> None:
    fake_sheets.deny(sid)
    with pytest.raises(gspread.exceptions.APIError) as err:
        ws.get_all_values()
    body = err.value.response.json()["error"]
    assert (body["code"], body["status"]) == (403, "PERMISSION_DENIED")
    assert body["message"] == "The caller does not have permission"


def test_create_and_drive_permissions(fake_sheets: FakeSheets) -> None:
    created = requests.post(
        API,
        timeout=5,
        json={
            "properties": {"title": "Support Log", "timeZone": "Europe/Paris"},
            "sheets": [{"properties": {"title": "Log", "gridProperties": {"frozenRowCount": 1}}}],
        },
    )
    sid = created.json()["spreadsheetId"]
    assert created.json()["spreadsheetUrl"] == f"https://docs.google.com/spreadsheets/d/{sid}/edit"
    assert created.json()["properties"]["timeZone"] == "Europe/Paris"
    assert fake_sheets.titles(sid) == ["Log"]
    url = f"https://www.googleapis.com/drive/v3/files/{sid}/permissions"
    r = requests.post(
        url,
        params={"sendNotificationEmail": "false", "supportsAllDrives": "true"},
        json={"type": "user", "role": "writer", "emailAddress": "a@example.com"},
        timeout=5,
    )
    assert r.status_code == 200 and r.json()["kind"] == "drive#permission"
    assert fake_sheets.permissions(sid)[0]["emailAddress"] == "a@example.com"
    assert fake_sheets.count("drive.permissions.create") == 1


def test_gspread_insert_permission_sends_a_field_drive_v3_does_not_know() -> None:
    with FakeSheets() as fake:
        sid = fake.create_spreadsheet("S")
        with pytest.raises(gspread.exceptions.APIError):
            client().insert_permission(sid, "a@example.com", perm_type="user", role="reader")
    assert fake.violations == [
        'drive.permissions.create: Invalid JSON payload received. Unknown name "withLink": '
        "Cannot find field."
    ]


def test_gspread_create_and_open_by_title_go_through_drive(fake_sheets: FakeSheets) -> None:
    gc = client()
    created = gc.create("Team Log")
    assert gc.open("Team Log").id == created.id
    assert fake_sheets.titles(created.id) == ["Sheet1"]
    assert [c.method_id for c in fake_sheets.calls][:2] == [
        "drive.files.create",
        "spreadsheets.get",
    ]
