"""xlsxpatch: a write rewrites only the parts it changes, and every reader sees it."""

from __future__ import annotations

import csv
import io
import struct
import zipfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineWorkbook, SheetVisibleEnum

from sheetlog.backends.xlsxpatch import patch, patchable, titles
from sheetlog.model.ops import AddTab, AppendRows, DeleteTab, MarkCells, Op, SetCells, SetWidth
from tests.office import CSV_ALL_SHEETS, convert

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MAIN = f"{{{NS}}}"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
LOG_PART = "xl/worksheets/sheet1.xml"
SUMMARY_PART = "xl/worksheets/sheet2.xml"
TRICKY = ("<a & b>", 'it\'s "quoted"', "  padded  ", "two\nlines\r\nand\ttab", "=SUM(A1:A3)")
XML_TEXT = st.text(
    st.characters(
        exclude_categories=("Cs",),
        exclude_characters=[chr(c) for c in range(32) if chr(c) not in "\t\n\r"]
        + ["\ufffe", "\uffff"],
    ),
    max_size=30,
)
VALUES = st.one_of(
    XML_TEXT,
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
)


def _build(path: Path) -> None:
    """A log workbook with the trimmings people and sheetlog give it."""
    book = openpyxl.Workbook()
    log = book.active
    assert log is not None
    log.title = "Log"
    log.append(["Ticket", "Customer", "Opened", "Amount"])
    for cell in log[1]:
        cell.font = Font(bold=True)
    log.append(["T-1", "Ada", "2024-01-02 10:00", 12.5])
    log.append(["T-2", "Bob", "2024-01-03 11:00", 7])
    log.append(["T-3", "Cy", "2024-01-04 12:00", 3])
    log["B3"].font = Font(italic=True, color="FF0000FF", name="Arial", size=13)
    log["B3"].border = Border(left=Side(style="thin"))
    log["D3"].number_format = "0.00"
    log["B5"].fill = PatternFill("solid", start_color="FFDDEEFF", end_color="FFDDEEFF")
    log["C6"].border = Border(bottom=Side(style="thick"))
    log.freeze_panes = "A2"
    log.column_dimensions["B"].width = 30
    log.column_dimensions["C"].number_format = "@"
    dropdown = DataValidation(type="list", formula1='"Open,Closed"', allow_blank=True)
    dropdown.add("E2:E1048576")
    log.add_data_validation(dropdown)
    mark = PatternFill("solid", start_color="F4CCCC", end_color="F4CCCC")
    log.conditional_formatting.add("C2:C1048576", FormulaRule(formula=["LEN(C2)<>16"], fill=mark))
    summary = book.create_sheet("Summary")
    for row in (["Month", "Count"], ["Jan", 3], ["Feb", 5], ["Mar", 2]):
        summary.append(row)
    summary["A8"] = "Total"
    summary["B8"] = 10
    summary["D1"] = "merged"
    summary.merge_cells("D1:F2")
    chart = BarChart()
    chart.add_data(Reference(summary, min_col=2, min_row=1, max_row=4), titles_from_data=True)
    chart.set_categories(Reference(summary, min_col=1, min_row=2, max_row=4))
    summary.add_chart(chart, "H2")
    hidden = book.create_sheet("_sheetlog")
    hidden.sheet_state = "hidden"
    hidden.append(["Setting", "Value"])
    book.save(path)


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "source.xlsx"
    _build(path)
    return path


def _patched(source: Path, ops: Sequence[Op], name: str = "patched.xlsx") -> Path:
    target = source.with_name(name)
    with open(target, "wb") as handle:
        patch(source, handle, ops)
    return target


def _members(path: Path) -> dict[str, tuple[bytes, bytes, int, int]]:
    """Each member, in order: (contents, compressed bytes as stored, CRC, compressed size)."""
    data = path.read_bytes()
    found = {}
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        for info in archive.infolist():
            name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
            start = info.header_offset + 30 + name_length + extra_length
            raw = data[start : start + info.compress_size]
            found[info.filename] = (archive.read(info), raw, info.CRC, info.compress_size)
    return found


def _calamine(path: Path | bytes, tab: str) -> list[list[Any]]:
    book = (
        CalamineWorkbook.from_filelike(io.BytesIO(path))
        if isinstance(path, bytes)
        else CalamineWorkbook.from_path(str(path))
    )
    return book.get_sheet_by_name(tab).to_python(skip_empty_area=False)


def _grid(rows: list[list[Any]]) -> dict[tuple[int, int], Any]:
    """Non-empty cells by (1-based row, 0-based column), comparable across readers."""
    return {
        (r, c): _comparable(value)
        for r, line in enumerate(rows, 1)
        for c, value in enumerate(line)
        if value not in (None, "")
    }


def _comparable(value: Any) -> Any:
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        return float(value)
    return value


def _openpyxl_grid(path: Path | bytes, tab: str) -> dict[tuple[int, int], Any]:
    book = openpyxl.load_workbook(io.BytesIO(path) if isinstance(path, bytes) else path)
    rows = [list(row) for row in book[tab].iter_rows(values_only=True)]
    return _grid(rows)


def _sheet_xml(path: Path, part: str) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(part))


def _rows_in_order(sheet: etree._Element) -> list[int]:
    """Row numbers as they stand in <sheetData>; asserts each row's cells ascend."""
    numbers = []
    for row in sheet.iter(f"{MAIN}row"):
        numbers.append(int(row.get("r", "0")))
        columns = [
            openpyxl.utils.column_index_from_string(c.get("r", "").rstrip("0123456789"))
            for c in row.iter(f"{MAIN}c")
        ]
        assert columns == sorted(set(columns))
    return numbers


# --- what stays byte for byte ---------------------------------------------------------


def test_untouched_members_keep_their_compressed_bytes_and_order(source: Path) -> None:
    patched = _patched(source, [AppendRows("Log", (("T-4", "Dee"),))])
    before, after = _members(source), _members(patched)
    assert list(after) == list(before)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {LOG_PART}
    assert before[LOG_PART][0] != after[LOG_PART][0]


def test_adding_a_tab_touches_only_the_parts_that_list_tabs_and_styles(source: Path) -> None:
    patched = _patched(source, [AddTab("Archive", ("When", "What"))])
    before, after = _members(source), _members(patched)
    assert list(after)[: len(before)] == list(before)
    assert list(after)[len(before) :] == ["xl/worksheets/sheet4.xml"]
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "[Content_Types].xml",
        "xl/styles.xml",
    }


# --- values -------------------------------------------------------------------------------


def test_values_read_back_through_openpyxl_and_calamine(source: Path) -> None:
    values = (*TRICKY, 42, -7, 2.5, 1e-7, 10**15, True, False)
    patched = _patched(source, [SetCells("Summary", 12, 0, (values,))])
    book = openpyxl.load_workbook(patched)
    written = [cell.value for cell in book["Summary"][12]][: len(values)]
    assert written == list(values)
    assert [type(v) for v in written] == [type(v) for v in values]
    formula = book["Summary"]["E12"]
    assert formula.data_type == "s"
    assert _sheet_xml(patched, SUMMARY_PART).find(f".//{MAIN}f") is None
    row = _calamine(patched, "Summary")[11]
    assert row[: len(values)] == list(values)


def test_none_clears_a_value_but_keeps_the_cell_and_its_style(source: Path) -> None:
    patched = _patched(source, [SetCells("Log", 3, 1, ((None, None),))])
    sheet = openpyxl.load_workbook(patched)["Log"]
    assert sheet["B3"].value is None and sheet["C3"].value is None
    assert sheet["B3"].font.i and sheet["B3"].border.left.style == "thin"
    assert sheet["D3"].value == 7


def test_overwriting_keeps_the_cells_style(source: Path) -> None:
    patched = _patched(source, [SetCells("Log", 3, 1, (("Bea", "2024-02-01 09:00", 9.25),))])
    sheet = openpyxl.load_workbook(patched)["Log"]
    assert sheet["B3"].value == "Bea"
    assert sheet["B3"].font.i and sheet["B3"].font.name == "Arial"
    assert sheet["B3"].border.left.style == "thin"
    assert sheet["D3"].value == 9.25 and sheet["D3"].number_format == "0.00"


def test_a_new_cell_in_a_text_column_gets_no_style_as_with_openpyxl(source: Path) -> None:
    patched = _patched(source, [SetCells("Log", 2, 2, (("x",),)), SetCells("Log", 9, 2, (("y",),))])
    cells = {c.get("r"): c for c in _sheet_xml(patched, LOG_PART).iter(f"{MAIN}c")}
    styled = {c.get("r"): c.get("s") for c in _sheet_xml(source, LOG_PART).iter(f"{MAIN}c")}
    assert cells["C9"].get("s") is None
    assert cells["C2"].get("s") == styled["C2"]


# --- styles -------------------------------------------------------------------------------


def test_bold_keeps_the_rest_of_the_font_and_style(source: Path) -> None:
    patched = _patched(source, [SetCells("Log", 3, 1, (("Bea",),), bold=True)])
    cell = openpyxl.load_workbook(patched)["Log"]["B3"]
    assert cell.font.b and cell.font.i and cell.font.name == "Arial" and cell.font.sz == 13
    assert cell.font.color.rgb == "FF0000FF"
    assert cell.border.left.style == "thin"


def test_marks_fill_cells_and_keep_font_border_and_number_format(source: Path) -> None:
    patched = _patched(source, [MarkCells("Log", 3, (1, 3, 6), True)])
    sheet = openpyxl.load_workbook(patched)["Log"]
    for ref in ("B3", "D3", "G3"):
        assert sheet[ref].fill.fill_type == "solid"
        assert sheet[ref].fill.fgColor.rgb.endswith("F4CCCC")
    assert sheet["G3"].value is None
    assert sheet["B3"].font.i and sheet["B3"].border.left.style == "thin"
    assert sheet["D3"].number_format == "0.00" and sheet["D3"].value == 7
    unmarked = _patched(patched, [MarkCells("Log", 3, (1, 3, 6), False)], "unmarked.xlsx")
    sheet = openpyxl.load_workbook(unmarked)["Log"]
    for ref in ("B3", "D3", "G3"):
        assert sheet[ref].fill.fill_type is None
    assert sheet["B3"].font.i and sheet["D3"].number_format == "0.00"


def test_identical_formats_are_reused_not_added_again(source: Path) -> None:
    once = _patched(source, [MarkCells("Log", 2, (0, 1), True)], "once.xlsx")
    twice = _patched(once, [MarkCells("Log", 4, (0, 1), True)], "twice.xlsx")

    def formats(path: Path) -> int:
        with zipfile.ZipFile(path) as archive:
            styles = etree.fromstring(archive.read("xl/styles.xml"))
        xfs = styles.find(f"{MAIN}cellXfs")
        assert xfs is not None and xfs.get("count") == str(len(xfs))
        return len(xfs)

    assert formats(once) == formats(source) + 1
    assert formats(twice) == formats(once)


# --- where rows land ----------------------------------------------------------------------


def test_append_lands_under_the_last_value_and_merges_into_styled_rows(source: Path) -> None:
    patched = _patched(
        source,
        [
            AppendRows("Log", (("T-4", "Dee", None, 1, None), ("T-5",))),
            AppendRows("Log", (("T-6",),)),
        ],
    )
    sheet = openpyxl.load_workbook(patched)["Log"]
    assert [sheet.cell(r, 1).value for r in range(4, 9)] == ["T-3", "T-4", "T-5", "T-6", None]
    assert sheet["B5"].value == "Dee" and sheet["B5"].fill.fgColor.rgb == "FFDDEEFF"
    assert sheet["C6"].border.bottom.style == "thick" and sheet["C6"].value is None
    assert _rows_in_order(_sheet_xml(patched, LOG_PART)) == [1, 2, 3, 4, 5, 6, 7]
    assert _sheet_xml(patched, LOG_PART).find(f"{MAIN}dimension").get("ref") == "A1:D7"
    assert _calamine(patched, "Log")[4][:4] == ["T-4", "Dee", "", 1]


def test_set_cells_in_existing_missing_and_far_rows_keep_rows_in_order(source: Path) -> None:
    patched = _patched(
        source,
        [
            SetCells("Summary", 2, 0, (("January",),)),
            SetCells("Summary", 2, 6, (("note",),)),
            SetCells("Summary", 6, 1, (("between", 6),)),
            SetCells("Summary", 20, 9, ((1, 2), (3, 4))),
        ],
    )
    assert _rows_in_order(_sheet_xml(patched, SUMMARY_PART)) == [1, 2, 3, 4, 6, 8, 20, 21]
    grid = _openpyxl_grid(patched, "Summary")
    assert grid == _grid(_calamine(patched, "Summary"))
    assert grid[2, 0] == "January" and grid[2, 6] == "note" and grid[2, 1] == 3
    assert grid[6, 1] == "between" and grid[8, 0] == "Total" and grid[21, 10] == 4
    assert _sheet_xml(patched, SUMMARY_PART).find(f"{MAIN}dimension").get("ref") == "A1:K21"
    sheet = openpyxl.load_workbook(patched)["Summary"]
    assert [str(r) for r in sheet.merged_cells.ranges] == ["D1:F2"]


# --- a package as Excel writes it ----------------------------------------------------------

DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
EXCEL_SHEET = (
    f'<worksheet xmlns="{NS}" xmlns:r="{REL}"'
    ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    ' mc:Ignorable="x14ac"'
    ' xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">'
    '<dimension ref="A1:B3"/><sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/>'
    '<sheetData><row r="1" spans="1:2" x14ac:dyDescent="0.25"><c r="A1" t="s"><v>0</v></c>'
    '<c r="B1" t="s"><v>1</v></c></row><row r="2" spans="1:2" x14ac:dyDescent="0.25">'
    '<c r="A2" t="s"><v>2</v></c><c r="B2"><v>5</v></c></row>'
    '<row r="3" spans="1:2" x14ac:dyDescent="0.25"><c r="A3" s="1"/></row></sheetData>'
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    "</worksheet>"
)
EXCEL_STYLES = (
    f'<styleSheet xmlns="{NS}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/>'
    '</font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill>'
    '<patternFill patternType="gray125"/></fill></fills><borders count="2"><border><left/>'
    "<right/><top/><bottom/><diagonal/></border><border><left/><right/><top/>"
    '<bottom style="thin"/><diagonal/></border></borders><cellStyleXfs count="1">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>"
)


def _excel_package(path: Path) -> Path:
    """A small package laid out as Excel saves one: shared strings, spans, x14ac rows."""
    kinds = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    package = "http://schemas.openxmlformats.org/package/2006"
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{package}/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        f'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{kinds}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{kinds}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{kinds}.styles+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kinds}.sharedStrings+xml"/>'
        "</Types>",
        "_rels/.rels": f'<Relationships xmlns="{package}/relationships"><Relationship Id="rId1"'
        f' Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{NS}" xmlns:r="{REL}"><bookViews><workbookView'
        ' activeTab="0"/></bookViews><sheets><sheet name="Data" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{package}/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId3" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>",
        "xl/worksheets/sheet1.xml": EXCEL_SHEET,
        "xl/styles.xml": EXCEL_STYLES,
        "xl/sharedStrings.xml": f'<sst xmlns="{NS}" count="3" uniqueCount="3"><si><t>Ticket</t>'
        "</si><si><t>Amount</t></si><si><t>T-1</t></si></sst>",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, DECLARATION + text.encode())
    return path


def test_a_package_as_excel_writes_it_keeps_its_shared_strings_and_row_markup(
    tmp_path: Path,
) -> None:
    excel = _excel_package(tmp_path / "excel.xlsx")
    patched = _patched(
        excel,
        [
            SetCells("Data", 2, 3, (("far",),)),
            AppendRows("Data", (("T-2", 6),)),
            MarkCells("Data", 2, (1,), True),
        ],
    )
    before, after = _members(excel), _members(patched)
    assert after["xl/sharedStrings.xml"] == before["xl/sharedStrings.xml"]
    sheet = after["xl/worksheets/sheet1.xml"][0]
    assert sheet.startswith(DECLARATION + EXCEL_SHEET[:200].encode())
    assert sheet.count(b"xmlns=") == 1 and sheet.count(b'x14ac:dyDescent="0.25"') == 4
    rows = {row.get("r"): row for row in etree.fromstring(sheet).iter(f"{MAIN}row")}
    assert rows["2"].get("spans") == "1:4" and rows["3"].get("spans") == "1:2"
    assert _grid(_calamine(patched, "Data")) == {
        (1, 0): "Ticket",
        (1, 1): "Amount",
        (2, 0): "T-1",
        (2, 1): 5.0,
        (2, 3): "far",
        (3, 0): "T-2",
        (3, 1): 6.0,
    }
    book = openpyxl.load_workbook(patched)["Data"]
    assert book["A3"].value == "T-2" and book["A3"].border.bottom.style == "thin"
    assert book["B2"].fill.fgColor.rgb.endswith("F4CCCC") and book["B2"].value == 5


# --- formulas -----------------------------------------------------------------------------


def _with_parts(source: Path, parts: dict[str, bytes], name: str) -> Path:
    """A copy of ``source`` with members replaced or added (written afresh by zipfile)."""
    target = source.with_name(name)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info, parts.pop(info.filename, None) or old.read(info))
        for member, data in parts.items():
            new.writestr(member, data)
    return target


def _with_formula(source: Path, formula: bytes) -> Path:
    """The source with Summary!B8 a formula and the calculation chain Excel keeps of it."""
    with zipfile.ZipFile(source) as archive:
        sheet = archive.read(SUMMARY_PART)
        rels = archive.read("xl/_rels/workbook.xml.rels")
        types = archive.read("[Content_Types].xml")
    chain = f"{REL}/calcChain"
    return _with_parts(
        source,
        {
            SUMMARY_PART: sheet.replace(
                b'<c r="B8" t="n"><v>10</v></c>', b'<c r="B8">' + formula + b"<v>10</v></c>"
            ),
            "xl/_rels/workbook.xml.rels": rels.replace(
                b"</Relationships>",
                f'<Relationship Id="rId99" Type="{chain}" Target="calcChain.xml"/>'.encode()
                + b"</Relationships>",
            ),
            "[Content_Types].xml": types.replace(
                b"</Types>",
                b'<Override PartName="/xl/calcChain.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>',
            ),
            "xl/calcChain.xml": f'<calcChain xmlns="{NS}"><c r="B8" i="2"/></calcChain>'.encode(),
        },
        "formula.xlsx",
    )


def test_overwriting_a_formula_drops_the_calculation_chain_excel_rebuilds(source: Path) -> None:
    chained = _with_formula(source, b"<f>SUM(B2:B4)</f>")
    kept = _patched(chained, [SetCells("Summary", 2, 1, ((4,),))], "kept.xlsx")
    assert _members(kept)["xl/calcChain.xml"] == _members(chained)["xl/calcChain.xml"]
    dropped = _members(_patched(chained, [SetCells("Summary", 8, 1, ((11,),))], "dropped.xlsx"))
    assert "xl/calcChain.xml" not in dropped
    assert b"calcChain" not in dropped["xl/_rels/workbook.xml.rels"][0]
    assert b"calcChain" not in dropped["[Content_Types].xml"][0]
    assert _grid(_calamine(source.with_name("dropped.xlsx"), "Summary"))[8, 1] == 11


def test_refuses_to_overwrite_the_anchor_of_a_shared_formula(source: Path) -> None:
    shared = _with_formula(source, b'<f t="shared" ref="B8:C8" si="0">SUM(B2:B4)</f>')
    with pytest.raises(ValueError, match="shared formula"):
        patch(shared, io.BytesIO(), [SetCells("Summary", 8, 1, ((11,),))])


# --- tabs ---------------------------------------------------------------------------------


def test_added_tabs_take_their_place_header_and_rows_in_one_patch(source: Path) -> None:
    patched = _patched(
        source,
        [
            AddTab("Archive 2024", ("When", "What"), index=1),
            AppendRows("Archive 2024", (("2024-01-01", "moved"), ("2024-01-02", 2))),
            AddTab("_more", ("Key", "Value"), hidden=True),
            AddTab("First", ("x",), index=0),
            SetCells("_more", 2, 0, (("k", "v"),)),
        ],
    )
    book = openpyxl.load_workbook(patched)
    assert book.sheetnames == ["First", "Log", "Archive 2024", "Summary", "_sheetlog", "_more"]
    assert book.active is not None and book.active.title == "Log"
    archive = book["Archive 2024"]
    assert [c.value for c in archive[1]] == ["When", "What"] and archive["A1"].font.b
    assert archive["B3"].value == 2 and not archive["A2"].font.b
    assert book["_more"].sheet_state == "hidden" and book["_more"]["B2"].value == "v"
    assert titles(patched) == book.sheetnames
    calamine = CalamineWorkbook.from_path(str(patched))
    assert calamine.sheet_names == book.sheetnames
    hidden = {m.name for m in calamine.sheets_metadata if m.visible != SheetVisibleEnum.Visible}
    assert hidden == {"_sheetlog", "_more"}
    assert _calamine(patched, "Archive 2024") == [
        ["When", "What"],
        ["2024-01-01", "moved"],
        ["2024-01-02", 2.0],
    ]


def test_refuses_what_it_does_not_apply(source: Path) -> None:
    assert patchable([AddTab("A", ("x",)), SetCells("Log", 1, 0, (("x", 1, 2.5, None),))])
    assert not patchable([DeleteTab("Log")])
    assert not patchable([SetWidth("Log", 0, 10)])
    assert not patchable([AppendRows("Log", ((date(2024, 1, 1),),))])
    assert not patchable([SetCells("Log", 1, 0, ((float("nan"),),))])
    for ops in (
        [DeleteTab("Log")],
        [AppendRows("Nope", (("x",),))],
        [AddTab("log", ("x",))],
        [AddTab("a/b", ("x",))],
    ):
        with pytest.raises(ValueError):
            patch(source, io.BytesIO(), ops)


# --- any rectangle of values --------------------------------------------------------------


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    row=st.integers(1, 12),
    col=st.integers(0, 6),
    values=st.lists(st.lists(VALUES, min_size=1, max_size=4), min_size=1, max_size=4),
)
def test_any_rectangle_reads_back_through_both_readers(
    source: Path, row: int, col: int, values: list[list[Any]]
) -> None:
    out = io.BytesIO()
    patch(source, out, [SetCells("Log", row, col, tuple(tuple(line) for line in values))])
    expected = _grid(_calamine(source, "Log"))
    for r, line in enumerate(values):
        for c, value in enumerate(line):
            expected.pop((row + r, col + c), None)
            if value not in (None, ""):
                expected[row + r, col + c] = _comparable(value)
    assert _grid(_calamine(out.getvalue(), "Log")) == expected
    assert _openpyxl_grid(out.getvalue(), "Log") == expected


# --- LibreOffice --------------------------------------------------------------------------


def _csv(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_libreoffice_opens_a_patched_workbook(source: Path, soffice: list[str]) -> None:
    patched = _patched(
        source,
        [
            AppendRows("Log", (("T-4", "<Dee & co>"),)),
            MarkCells("Log", 5, (1,), True),
            AddTab("Archive", ("When", "What"), index=1),
            AppendRows("Archive", (("2024-01-01", "=not a formula"),)),
        ],
    )
    out = source.parent / "csv"
    convert(soffice, patched, CSV_ALL_SHEETS, out)
    assert _csv(out / "patched-Log.csv")[4][:2] == ["T-4", "<Dee & co>"]
    assert _csv(out / "patched-Archive.csv")[1] == ["2024-01-01", "=not a formula"]


def test_a_workbook_libreoffice_saved_with_shared_strings(source: Path, soffice: list[str]) -> None:
    saved = source.parent / "lo"
    convert(soffice, source, "xlsx", saved)
    office = saved / "source.xlsx"
    before = _members(office)
    assert "xl/sharedStrings.xml" in before
    patched = _patched(
        office,
        [
            AppendRows("Log", (("T-4", "Dee"),)),
            SetCells("Log", 2, 1, (("Ada Lovelace",),), bold=True),
            MarkCells("Log", 3, (0,), True),
        ],
    )
    after = _members(patched)
    assert after["xl/sharedStrings.xml"] == before["xl/sharedStrings.xml"]
    assert after[LOG_PART][0].startswith(before[LOG_PART][0][:60])  # its XML declaration
    sheet = openpyxl.load_workbook(patched)["Log"]
    assert sheet["A5"].value == "T-4" and sheet["B2"].value == "Ada Lovelace"
    assert sheet["B2"].font.b and sheet["A3"].fill.fgColor.rgb.endswith("F4CCCC")
    assert sheet["A4"].value == "T-3"
    assert _calamine(patched, "Log")[4][:2] == ["T-4", "Dee"]
    out = source.parent / "csv"
    convert(soffice, patched, CSV_ALL_SHEETS, out)
    rows = _csv(out / "patched-Log.csv")
    assert rows[1][1] == "Ada Lovelace" and rows[4][:2] == ["T-4", "Dee"]
