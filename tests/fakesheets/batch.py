"""spreadsheets.batchUpdate request kinds, applied to a (copied) Spreadsheet."""

from __future__ import annotations

import copy
import string
from collections.abc import Callable
from typing import Any

from . import cells, fieldmask
from .a1 import Bounds
from .copying import clone
from .errors import Invalid
from .state import COLUMNS, ROWS, Json, RequestError, Sheet, Spreadsheet

Handler = Callable[[Spreadsheet, Json], Json | None]
KINDS: dict[str, Handler] = {}
READ_ONLY_CELL_FIELDS = ("effectiveValue", "formattedValue", "effectiveFormat", "hyperlink")


class NotImplementedKind(Invalid):
    """A request kind the discovery document knows but the fake does not implement."""


def kind(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        KINDS[name] = fn
        return fn

    return register


def apply(book: Spreadsheet, requests: list[Json]) -> list[Json]:
    """Apply every sub-request in order; the caller works on a copy (atomicity)."""
    if not requests:
        raise Invalid("Must specify at least one request.")
    replies = []
    for i, req in enumerate(requests):
        kinds = [k for k, v in req.items() if v is not None]
        if len(kinds) != 1:
            raise Invalid(
                f"Invalid requests[{i}]: exactly one request kind must be set, got {kinds}"
            )
        name = kinds[0]
        handler = KINDS.get(name)
        if handler is None:
            raise NotImplementedKind(f"FakeSheets does not implement batchUpdate kind '{name}'")
        try:
            replies.append(handler(book, req[name]) or {})
        except RequestError as e:
            raise Invalid(f"Invalid requests[{i}].{name}: {e}") from None
    return replies


def _mask(req: Json) -> fieldmask.Tree:
    text = req.get("fields")
    if not text:
        raise RequestError("At least one field must be specified.")
    try:
        return fieldmask.parse(text)
    except ValueError as e:
        raise RequestError(str(e)) from None


def _cell_mask(req: Json) -> fieldmask.Tree:
    """A CellData update mask without the read-only fields (they are recomputed)."""
    return {k: v for k, v in _mask(req).items() if k not in READ_ONLY_CELL_FIELDS}


def _write_cell(cell: Json, source: Json, tree: fieldmask.Tree) -> None:
    """Apply a ``_cell_mask``; read-only fields of source are ignored and then recomputed."""
    if "*" in tree:
        source = {k: v for k, v in source.items() if k not in READ_ONLY_CELL_FIELDS}
    if tree:
        fieldmask.update(cell, source, tree)
    cells.refresh(cell)


# -- sheets -----------------------------------------------------------------------------------


@kind("addSheet")
def add_sheet(book: Spreadsheet, req: Json) -> Json:
    props = copy.deepcopy(req.get("properties") or {})
    if "title" not in props:
        n = len(book.sheets) + 1
        while book.by_title(f"Sheet{n}"):
            n += 1
        props["title"] = f"Sheet{n}"
    if book.by_title(props["title"]):
        raise RequestError(
            f'A sheet with the name "{props["title"]}" already exists. Please enter another name.'
        )
    taken = {s.id for s in book.sheets}
    if "sheetId" in props:
        if props["sheetId"] in taken or props["sheetId"] < 0:
            raise RequestError(f"Sheet with id {props['sheetId']} already exists or is invalid.")
    else:
        props["sheetId"] = book.new_id(taken)
    index = props.setdefault("index", len(book.sheets))
    sheet = Sheet.new(props)
    book.sheets.insert(min(max(index, 0), len(book.sheets)), sheet)
    book.reindex()
    return {"addSheet": {"properties": copy.deepcopy(sheet.properties)}}


@kind("deleteSheet")
def delete_sheet(book: Spreadsheet, req: Json) -> None:
    sheet = book.by_id(req.get("sheetId", 0))
    if len(book.sheets) == 1:
        raise RequestError("You can't remove all the sheets in a document.")
    book.sheets.remove(sheet)
    book.reindex()
    book.metadata = [m for m in book.metadata if metadata_sheet(m) != sheet.id]
    book.named_ranges = [n for n in book.named_ranges if n["range"].get("sheetId", 0) != sheet.id]


@kind("updateSheetProperties")
def update_sheet_properties(book: Spreadsheet, req: Json) -> None:
    source = req.get("properties") or {}
    sheet = book.by_id(source.get("sheetId", 0))
    props = copy.deepcopy(sheet.properties)
    fieldmask.update(props, source, _mask(req))
    if props.get("sheetId") != sheet.id:
        raise RequestError("sheetId cannot be changed")
    if not props.get("title"):
        raise RequestError("A sheet title must not be empty.")
    other = book.by_title(props["title"])
    if other is not None and other is not sheet:
        raise RequestError(
            f'A sheet with the name "{props.get("title")}" already exists. Please enter another '
            "name."
        )
    grid = props.setdefault("gridProperties", {})
    rows, cols = grid.get("rowCount", sheet.n_rows), grid.get("columnCount", sheet.n_cols)
    if rows < 1 or cols < 1:
        raise RequestError("The grid must have at least one row and one column.")
    if grid.get("frozenRowCount", 0) >= rows or grid.get("frozenColumnCount", 0) >= cols:
        raise RequestError("You can't freeze all visible rows/columns on the sheet.")
    index = props.get("index")
    props["index"] = sheet.properties["index"]
    sheet.properties = props
    for dim, want, have in ((ROWS, rows, sheet.n_rows), (COLUMNS, cols, sheet.n_cols)):
        if want > have:
            book.insert_dim(sheet, dim, have, want - have, before=True)
        elif want < have:
            sheet.delete(dim, want, have)
            book.shift(sheet.id, dim, ("delete", want, have))
    old = book.sheets.index(sheet)
    if index is not None and index not in (old, old + 1):  # "before the move" indexes
        book.sheets.remove(sheet)
        book.sheets.insert(min(index - 1 if index > old else index, len(book.sheets)), sheet)
    book.reindex()
    sheet.sync()


@kind("updateSpreadsheetProperties")
def update_spreadsheet_properties(book: Spreadsheet, req: Json) -> None:
    fieldmask.update(book.properties, req.get("properties") or {}, _mask(req))


# -- cells ------------------------------------------------------------------------------------


@kind("updateCells")
def update_cells(book: Spreadsheet, req: Json) -> None:
    tree = _cell_mask(req)
    rows = [row.get("values") or [] for row in req.get("rows") or []]
    if ("range" in req) == ("start" in req):
        raise RequestError("Exactly one of 'start' or 'range' must be set.")
    if "range" in req:
        sheet, b = book.grid_range(req["range"])
        r0, c0 = b.r0 or 0, b.c0 or 0
        if len(rows) > (b.r1 or 0) - r0 or any(len(r) > (b.c1 or 0) - c0 for r in rows):
            raise RequestError("The data in rows does not fit in the requested range.")
        for r in range(r0, b.r1 or 0):
            for c in range(c0, b.c1 or 0):
                row = rows[r - r0] if r - r0 < len(rows) else []
                source = row[c - c0] if c - c0 < len(row) else {}
                _write_cell(sheet.cell(r, c), source or {}, tree)
    else:
        start = req["start"]
        sheet = book.by_id(start.get("sheetId", 0))
        r0, c0 = start.get("rowIndex", 0), start.get("columnIndex", 0)
        height, width = len(rows), max((len(r) for r in rows), default=0)
        if r0 + height > sheet.n_rows or c0 + width > sheet.n_cols:
            raise RequestError(sheet.limit_message(Bounds(r0, r0 + height, c0, c0 + width)))
        for i, row in enumerate(rows):
            for j, source in enumerate(row):
                _write_cell(sheet.cell(r0 + i, c0 + j), source or {}, tree)
    sheet.trim()


@kind("appendCells")
def append_cells(book: Spreadsheet, req: Json) -> None:
    if "tableId" in req:
        raise RequestError("FakeSheets does not implement tables (tableId)")
    tree = _cell_mask(req)
    sheet = book.by_id(req.get("sheetId", 0))
    rows = [row.get("values") or [] for row in req.get("rows") or []]
    r0 = sheet.last_data_row(book.formats_are_data) + 1
    width = max((len(r) for r in rows), default=0)
    if width > sheet.n_cols:
        raise RequestError(sheet.limit_message(Bounds(r0, r0 + len(rows), 0, width)))
    if r0 + len(rows) > sheet.n_rows:
        book.insert_dim(sheet, ROWS, sheet.n_rows, r0 + len(rows) - sheet.n_rows, before=True)
    for i, row in enumerate(rows):
        for j, source in enumerate(row):
            _write_cell(sheet.cell(r0 + i, j), source or {}, tree)
    sheet.trim()


@kind("repeatCell")
def repeat_cell(book: Spreadsheet, req: Json) -> None:
    """Note: formulas are copied verbatim (Sheets would shift relative references)."""
    tree = _cell_mask(req)
    sheet, b = book.grid_range(req.get("range") or {})
    source = req.get("cell") or {}
    sheet.rewrite(b, lambda cell: _write_cell(cell, source, tree))
    sheet.trim()


@kind("setDataValidation")
def set_data_validation(book: Spreadsheet, req: Json) -> None:
    sheet, b = book.grid_range(req.get("range") or {})
    rule = clone(req.get("rule"))  # one copy, shared by the cells (values are never changed)
    if rule:
        _check_condition(book, rule.get("condition") or {})

    def write(cell: Json) -> None:
        if rule:
            cell["dataValidation"] = rule
        else:
            cell.pop("dataValidation", None)

    sheet.rewrite(b, write)
    sheet.trim()


def _check_condition(book: Spreadsheet, cond: Json) -> None:
    kind_ = cond.get("type")
    values = [v.get("userEnteredValue", "") for v in cond.get("values") or []]
    if not kind_:
        raise RequestError("Invalid BooleanCondition: the condition type must be set.")
    if kind_ == "ONE_OF_LIST" and not values:
        raise RequestError("Invalid BooleanCondition: ONE_OF_LIST requires at least one value.")
    if kind_ in ("ONE_OF_RANGE", "CUSTOM_FORMULA") and (
        len(values) != 1 or not values[0].startswith("=")
    ):
        raise RequestError(f"Invalid BooleanCondition: {kind_} requires one '=...' value.")
    if kind_ == "ONE_OF_RANGE":
        try:
            book.resolve(values[0][1:])
        except Invalid:
            raise RequestError(
                f"Invalid ConditionValue: {values[0]} is not a valid range."
            ) from None


@kind("sortRange")
def sort_range(book: Spreadsheet, req: Json) -> None:
    sheet, b = book.grid_range(req.get("range") or {})
    specs = []
    for spec in req.get("sortSpecs") or []:
        col = spec.get("dimensionIndex", 0)
        if not (b.c0 or 0) <= col < (b.c1 or 0):
            raise RequestError(f"Sort column {col} is outside the range.")
        specs.append((col, spec.get("sortOrder") == "DESCENDING"))
    book.sort_rows(sheet, b, specs)


@kind("deleteDuplicates")
def delete_duplicates(book: Spreadsheet, req: Json) -> Json:
    """Case-insensitive on effective values; rows blank in every compared column are kept."""
    sheet, b = book.grid_range(req.get("range") or {})
    r0, r1, c0, c1 = b.r0 or 0, b.r1 or 0, b.c0 or 0, b.c1 or 0
    columns: list[int] = []
    for dr in req.get("comparisonColumns") or []:
        _, dim, start, end = book.dim_range({"dimension": COLUMNS, **dr, "sheetId": sheet.id})
        if dim != COLUMNS or start < c0 or end > c1:
            raise RequestError("comparisonColumns must be columns inside the range.")
        columns.extend(range(start, end))
    columns = columns or list(range(c0, c1))

    def norm(cell: Json | None) -> Any:
        value = cells.python_value(cell)
        return value.casefold() if isinstance(value, str) else value

    # rows past the last one holding any cell in the range are blank, kept, and stay blank
    stop = r1
    while stop > r0 and not any(sheet.rows[stop - 1][c0:c1]):
        stop -= 1
    seen: set[tuple[Any, ...]] = set()
    kept: list[int] = []
    for r in range(r0, stop):
        row = sheet.rows[r]
        if any("effectiveValue" in row[c] for c in columns if c < len(row)):
            key = tuple(norm(sheet.get(r, c)) for c in columns)
            if any(v is not None for v in key):  # rows blank in every column are kept
                if key in seen:
                    continue
                seen.add(key)
        kept.append(r)
    removed = (stop - r0) - len(kept)
    if removed:
        sheet.move_cells(range(r0, stop), c0, c1, kept)
    sheet.trim()
    return {"deleteDuplicates": {"duplicatesRemovedCount": removed}}


@kind("mergeCells")
def merge_cells(book: Spreadsheet, req: Json) -> None:
    sheet, b = book.grid_range(req.get("range") or {})
    how = req.get("mergeType") or "MERGE_ALL"
    book.merge(sheet, b, how)


@kind("unmergeCells")
def unmerge_cells(book: Spreadsheet, req: Json) -> None:
    sheet, b = book.grid_range(req.get("range") or {})
    book.unmerge(sheet, b)


# -- dimensions -------------------------------------------------------------------------------


@kind("insertDimension")
def insert_dimension(book: Spreadsheet, req: Json) -> None:
    sheet, dim, start, end = book.dim_range(req.get("range") or {}, bounded=True)
    before = bool(req.get("inheritFromBefore"))
    if before and start == 0:
        raise RequestError("Cannot inherit from before when inserting at index 0.")
    if end > start:
        book.insert_dim(sheet, dim, start, end - start, before)


@kind("deleteDimension")
def delete_dimension(book: Spreadsheet, req: Json) -> None:
    sheet, dim, start, end = book.dim_range(req.get("range") or {})
    book.delete_dim(sheet, dim, start, end)


@kind("appendDimension")
def append_dimension(book: Spreadsheet, req: Json) -> None:
    sheet = book.by_id(req.get("sheetId", 0))
    dim, length = req.get("dimension"), req.get("length", 0)
    if dim not in (ROWS, COLUMNS) or length < 1:
        raise RequestError("appendDimension needs a dimension and a positive length.")
    book.insert_dim(sheet, dim, sheet.n_rows if dim == ROWS else sheet.n_cols, length, True)


@kind("moveDimension")
def move_dimension(book: Spreadsheet, req: Json) -> None:
    sheet, dim, start, end = book.dim_range(req.get("source") or {}, bounded=True)
    book.move_dim(sheet, dim, start, end, req.get("destinationIndex", 0))


@kind("updateDimensionProperties")
def update_dimension_properties(book: Spreadsheet, req: Json) -> None:
    if "range" not in req:
        raise RequestError("FakeSheets supports only 'range' (not dataSourceSheetRange).")
    tree = {k: v for k, v in _mask(req).items() if k != "developerMetadata"}
    sheet, dim, start, end = book.dim_range(req["range"])
    props = sheet.row_props if dim == ROWS else sheet.col_props
    if end > len(props):
        raise RequestError(f"Index {end} is beyond the grid ({len(props)}).")
    for i in range(start, end):
        props[i] = clone(props[i])  # property dicts may be shared with the state before
        fieldmask.update(props[i], req.get("properties") or {}, tree)


# -- conditional formats, protection, charts, named ranges ------------------------------------


def _rule_sheet(book: Spreadsheet, rule: Json) -> Sheet:
    ranges = rule.get("ranges") or []
    ids = {r.get("sheetId", 0) for r in ranges}
    if len(ids) != 1:
        raise RequestError("A conditional format rule needs ranges, all on the same sheet.")
    if not (rule.get("booleanRule") or rule.get("gradientRule")):
        raise RequestError("A conditional format rule needs a booleanRule or a gradientRule.")
    for r in ranges:
        book.grid_range(r)
    return book.by_id(ids.pop())


@kind("addConditionalFormatRule")
def add_conditional_format_rule(book: Spreadsheet, req: Json) -> None:
    rule = copy.deepcopy(req.get("rule") or {})
    sheet = _rule_sheet(book, rule)
    index = req.get("index", 0)
    if not 0 <= index <= len(sheet.conditional_formats):
        raise RequestError(f"Invalid index {index}.")
    sheet.conditional_formats.insert(index, rule)


@kind("deleteConditionalFormatRule")
def delete_conditional_format_rule(book: Spreadsheet, req: Json) -> Json:
    sheet = book.by_id(req.get("sheetId", 0))
    index = req.get("index", 0)
    if not 0 <= index < len(sheet.conditional_formats):
        raise RequestError(f"No conditional format on sheet {sheet.id} at index {index}.")
    return {"deleteConditionalFormatRule": {"rule": sheet.conditional_formats.pop(index)}}


@kind("updateConditionalFormatRule")
def update_conditional_format_rule(book: Spreadsheet, req: Json) -> Json:
    index = req.get("index", 0)
    if "rule" in req:
        rule = copy.deepcopy(req["rule"])
        sheet = _rule_sheet(book, rule)
    else:
        sheet = book.by_id(req.get("sheetId", 0))
    rules = sheet.conditional_formats
    if not 0 <= index < len(rules):
        raise RequestError(f"No conditional format on sheet {sheet.id} at index {index}.")
    old = rules[index]
    if "rule" in req:
        rules[index] = rule
        return {
            "updateConditionalFormatRule": {
                "newRule": rule,
                "newIndex": index,
                "oldRule": old,
                "oldIndex": index,
            }
        }
    new_index = req.get("newIndex", 0)
    if not 0 <= new_index < len(rules):
        raise RequestError(f"Invalid newIndex {new_index}.")
    rules.insert(new_index, rules.pop(index))
    return {
        "updateConditionalFormatRule": {
            "newRule": old,
            "newIndex": new_index,
            "oldRule": old,
            "oldIndex": index,
        }
    }


def _all_protected(book: Spreadsheet) -> list[tuple[Sheet, Json]]:
    return [(s, p) for s in book.sheets for p in s.protected_ranges]


@kind("addProtectedRange")
def add_protected_range(book: Spreadsheet, req: Json) -> Json:
    pr = copy.deepcopy(req.get("protectedRange") or {})
    if "namedRangeId" in pr or "tableId" in pr:
        raise RequestError("FakeSheets supports protected ranges by 'range' only.")
    if "range" not in pr:
        raise RequestError("A protected range needs a range.")
    sheet, _ = book.grid_range(pr["range"])
    pr["range"].setdefault("sheetId", sheet.id)
    taken = {p["protectedRangeId"] for _, p in _all_protected(book)}
    if "protectedRangeId" in pr and pr["protectedRangeId"] in taken:
        raise RequestError(f"A protected range with id {pr['protectedRangeId']} already exists.")
    pr.setdefault("protectedRangeId", book.new_id(taken))
    pr["requestingUserCanEdit"] = True
    sheet.protected_ranges.append(pr)
    return {"addProtectedRange": {"protectedRange": copy.deepcopy(pr)}}


@kind("deleteProtectedRange")
def delete_protected_range(book: Spreadsheet, req: Json) -> None:
    for sheet, pr in _all_protected(book):
        if pr["protectedRangeId"] == req.get("protectedRangeId"):
            sheet.protected_ranges.remove(pr)
            return
    raise RequestError(f"No protected range with id: {req.get('protectedRangeId')}")


@kind("addChart")
def add_chart(book: Spreadsheet, req: Json) -> Json:
    chart = copy.deepcopy(req.get("chart") or {})
    pos = chart.get("position") or {}
    if "sheetId" in pos:
        sheet = book.by_id(pos["sheetId"])
    elif "overlayPosition" in pos:
        sheet = book.by_id(pos["overlayPosition"].get("anchorCell", {}).get("sheetId", 0))
    else:
        raise RequestError("FakeSheets needs chart.position.sheetId or overlayPosition.")
    taken = {c["chartId"] for s in book.sheets for c in s.charts}
    if "chartId" in chart and chart["chartId"] in taken:
        raise RequestError(f"An object with id {chart['chartId']} already exists.")
    chart.setdefault("chartId", book.new_id(taken))
    sheet.charts.append(chart)
    return {"addChart": {"chart": copy.deepcopy(chart)}}


@kind("deleteEmbeddedObject")
def delete_embedded_object(book: Spreadsheet, req: Json) -> None:
    for sheet in book.sheets:
        for chart in sheet.charts:
            if chart["chartId"] == req.get("objectId"):
                sheet.charts.remove(chart)
                return
    raise RequestError(f"No object with id: {req.get('objectId')}")


@kind("addNamedRange")
def add_named_range(book: Spreadsheet, req: Json) -> Json:
    nr = copy.deepcopy(req.get("namedRange") or {})
    name = nr.get("name") or ""
    if not name or name[0].isdigit() or " " in name:
        raise RequestError(f'Invalid name for a named range: "{name}"')
    if any(n["name"].casefold() == name.casefold() for n in book.named_ranges):
        raise RequestError(f'A named range with the name "{name}" already exists.')
    sheet, _ = book.grid_range(nr.get("range") or {})
    nr.setdefault("range", {}).setdefault("sheetId", sheet.id)
    alphabet = string.ascii_lowercase + string.digits
    nr.setdefault("namedRangeId", "".join(book.rng.choice(alphabet) for _ in range(12)))
    book.named_ranges.append(nr)
    return {"addNamedRange": {"namedRange": copy.deepcopy(nr)}}


@kind("deleteNamedRange")
def delete_named_range(book: Spreadsheet, req: Json) -> None:
    before = len(book.named_ranges)
    book.named_ranges = [
        n for n in book.named_ranges if n["namedRangeId"] != req.get("namedRangeId")
    ]
    if len(book.named_ranges) == before:
        raise RequestError(f"No named range with id: {req.get('namedRangeId')}")


# -- developer metadata -----------------------------------------------------------------------


def metadata_sheet(md: Json) -> int | None:
    """The sheet a metadata entry is anchored to (None for spreadsheet-level metadata)."""
    loc = md["location"]
    return (loc.get("dimensionRange") or loc).get("sheetId")  # type: ignore[no-any-return]


def normalize_location(book: Spreadsheet, loc: Json) -> Json:
    """Validate a DeveloperMetadataLocation and add its locationType."""
    given = [k for k in ("spreadsheet", "sheetId", "dimensionRange") if loc.get(k) is not None]
    if len(given) != 1 or loc.get("spreadsheet") is False:
        raise RequestError(
            "A metadata location needs exactly one of spreadsheet/sheetId/dimensionRange."
        )
    if loc.get("spreadsheet"):
        return {"locationType": "SPREADSHEET", "spreadsheet": True}
    if "sheetId" in given:
        book.by_id(loc["sheetId"])
        return {"locationType": "SHEET", "sheetId": loc["sheetId"]}
    dr = loc["dimensionRange"]
    sheet, dim, start, end = book.dim_range(dr, bounded=True)
    size = sheet.n_rows if dim == ROWS else sheet.n_cols
    if end - start != 1 or end > size:
        raise RequestError("A metadata dimensionRange must be a single row or column in the grid.")
    where = {"sheetId": sheet.id, "dimension": dim, "startIndex": start, "endIndex": end}
    return {"locationType": "ROW" if dim == ROWS else "COLUMN", "dimensionRange": where}


def _intersects(want: Json, loc: Json) -> bool:
    """INTERSECTING_LOCATION: same location, or e.g. a row and a column of the same sheet."""
    if want.get("spreadsheet"):
        return True
    wdr, ldr = want.get("dimensionRange"), loc.get("dimensionRange")
    wsheet = wdr.get("sheetId", 0) if wdr else want.get("sheetId", 0)
    lsheet = ldr.get("sheetId", 0) if ldr else loc.get("sheetId")
    if wsheet != lsheet:
        return False
    if wdr and ldr and wdr.get("dimension") == ldr["dimension"]:
        lo, hi = wdr.get("startIndex", 0), wdr.get("endIndex", 2**31)
        return bool(lo <= ldr["startIndex"] < hi)
    return True


def matches(book: Spreadsheet, md: Json, flt: Json) -> bool:
    """Does developer metadata ``md`` match a DataFilter?"""
    if "developerMetadataLookup" in flt:
        look = flt["developerMetadataLookup"]
        for key in ("metadataId", "metadataKey", "metadataValue", "visibility"):
            if key in look and md.get(key) != look[key]:
                return False
        if "locationType" in look and md["location"]["locationType"] != look["locationType"]:
            return False
        if "metadataLocation" in look:
            want = look["metadataLocation"]
            if look.get("locationMatchingStrategy") == "EXACT_LOCATION":
                try:
                    return bool(md["location"] == normalize_location(book, want))
                except RequestError:
                    return False
            return _intersects(want, md["location"])
        return True
    if "a1Range" in flt or "gridRange" in flt:
        if "a1Range" in flt:
            sheet, b = book.resolve(flt["a1Range"])
            b = sheet.clamp(b)
        else:
            sheet, b = book.grid_range(flt["gridRange"])
        dr = md["location"].get("dimensionRange")
        if not dr or dr["sheetId"] != sheet.id:
            return False
        lo, hi = (b.r0, b.r1) if dr["dimension"] == ROWS else (b.c0, b.c1)
        return bool((lo or 0) <= dr["startIndex"] < (hi or 0))
    raise RequestError("Unsupported DataFilter (FakeSheets supports lookup, a1Range, gridRange).")


@kind("createDeveloperMetadata")
def create_developer_metadata(book: Spreadsheet, req: Json) -> Json:
    md = copy.deepcopy(req.get("developerMetadata") or {})
    if not md.get("metadataKey"):
        raise RequestError("Developer metadata must always have a key specified.")
    if md.get("visibility") not in ("DOCUMENT", "PROJECT"):
        raise RequestError("Developer metadata must always have a visibility specified.")
    md["location"] = normalize_location(book, md.get("location") or {})
    taken = {m["metadataId"] for m in book.metadata}
    if "metadataId" in md and (md["metadataId"] in taken or md["metadataId"] <= 0):
        raise RequestError(f"Metadata id {md['metadataId']} is taken or not positive.")
    md.setdefault("metadataId", book.new_id(taken))
    book.metadata.append(md)
    return {"createDeveloperMetadata": {"developerMetadata": copy.deepcopy(md)}}


@kind("deleteDeveloperMetadata")
def delete_developer_metadata(book: Spreadsheet, req: Json) -> Json:
    flt = req.get("dataFilter") or {}
    gone = [m for m in book.metadata if matches(book, m, flt)]
    book.metadata = [m for m in book.metadata if m not in gone]
    return {"deleteDeveloperMetadata": {"deletedDeveloperMetadata": gone}}


@kind("updateDeveloperMetadata")
def update_developer_metadata(book: Spreadsheet, req: Json) -> Json:
    tree = _mask(req)
    filters = req.get("dataFilters") or []
    if not filters:
        raise RequestError("At least one data filter must be specified.")
    source = req.get("developerMetadata") or {}
    hits = [m for m in book.metadata if any(matches(book, m, f) for f in filters)]
    for md in hits:
        fieldmask.update(md, source, tree)
        md["location"] = normalize_location(book, md.get("location") or {})
    return {"updateDeveloperMetadata": {"developerMetadata": copy.deepcopy(hits)}}


def search_metadata(book: Spreadsheet, filters: list[Json]) -> Json:
    """developerMetadata.search."""
    found = []
    for md in book.metadata:
        hit = [f for f in filters if matches(book, md, f)]
        if hit:
            found.append({"developerMetadata": copy.deepcopy(md), "dataFilters": hit})
    return {"matchedDeveloperMetadata": found} if found else {}


def filter_bounds(book: Spreadsheet, filters: list[Json]) -> dict[int, list[Bounds]]:
    """The grid ranges DataFilters select: an A1 range, a GridRange, or the places of
    the developer metadata a lookup matches (a sheet, a row, a column, everything)."""
    bounds: dict[int, list[Bounds]] = {}

    def add(sheet: Sheet, b: Bounds) -> None:
        bounds.setdefault(sheet.id, []).append(sheet.clamp(b))

    for flt in filters:
        if "a1Range" in flt:
            add(*book.resolve(flt["a1Range"]))
        elif "gridRange" in flt:
            sheet, b = book.grid_range(flt["gridRange"])
            add(sheet, b)
        elif "developerMetadataLookup" in flt:
            for md in book.metadata:
                if not matches(book, md, flt):
                    continue
                loc = md["location"]
                if loc.get("spreadsheet"):
                    for sheet in book.sheets:
                        add(sheet, Bounds())
                elif "sheetId" in loc:
                    add(book.by_id(loc["sheetId"]), Bounds())
                else:
                    dr = loc["dimensionRange"]
                    span = (dr["startIndex"], dr["endIndex"])
                    b = Bounds(*span) if dr["dimension"] == ROWS else Bounds(None, None, *span)
                    add(book.by_id(dr["sheetId"]), b)
        else:
            raise RequestError("A DataFilter needs a1Range, gridRange or a metadata lookup.")
    return bounds
