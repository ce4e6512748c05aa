"""The in-memory spreadsheet model: sheets, ragged grids, anchored objects and rendering."""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cmp_to_key
from typing import Any

from . import cells, fieldmask
from .a1 import Bounds, format_range, parse_ref, split_range
from .copying import clone
from .errors import ApiError, Invalid
from .fieldmask import Tree

ROWS, COLUMNS = "ROWS", "COLUMNS"
DEFAULT_PIXELS = {ROWS: 21, COLUMNS: 100}
Json = dict[str, Any]
Op = tuple[str, int, int]  # ("insert", at, count) | ("delete", start, end)


class RequestError(Exception):
    """A semantic error in one batchUpdate sub-request."""


@dataclass
class Sheet:
    """One grid sheet; ``rows`` has one (ragged) list of CellData dicts per grid row, and
    ``row_props``/``col_props`` one DimensionProperties dict per row/column.

    Copies share a lot, so: row lists are changed only once ``own``ed, cell dicts only once
    taken through ``cell``; the values inside a cell (formats, rules, values) and property
    dicts are replaced, never changed in place."""

    properties: Json
    rows: list[list[Json]]
    row_props: list[Json]
    col_props: list[Json]
    conditional_formats: list[Json] = field(default_factory=list)
    protected_ranges: list[Json] = field(default_factory=list)
    charts: list[Json] = field(default_factory=list)
    merges: list[Json] = field(default_factory=list)
    # the row lists and cell dicts private to this Sheet, by id (held, so no id is reused);
    # others may be shared with a clone's origin, or between cells
    _owned: dict[int, object] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def new(cls, properties: Json) -> Sheet:
        source = {"index": 0, "sheetType": "GRID", "gridProperties": {}, **clone(properties)}
        order = ("sheetId", "title", "index", "sheetType", "gridProperties")
        props = {k: source[k] for k in order if k in source}
        props.update({k: v for k, v in source.items() if k not in order})
        grid = props["gridProperties"]
        n_rows, n_cols = grid.get("rowCount", 1000), grid.get("columnCount", 26)
        blank_row: list[Json] = []  # shared, like the blank properties: see the class docs
        sheet = cls(props, [blank_row] * n_rows, [{}] * n_rows, [{}] * n_cols)
        sheet.sync()
        return sheet

    @property
    def id(self) -> int:
        return int(self.properties["sheetId"])

    @property
    def title(self) -> str:
        return str(self.properties["title"])

    @property
    def n_rows(self) -> int:
        return len(self.row_props)

    @property
    def n_cols(self) -> int:
        return len(self.col_props)

    def clone(self) -> Sheet:
        """A copy sharing row lists copy-on-write (rows are cloned by ``own`` before writes)."""
        return Sheet(
            clone(self.properties),
            list(self.rows),
            list(self.row_props),
            list(self.col_props),
            clone(self.conditional_formats),
            clone(self.protected_ranges),
            clone(self.charts),
            clone(self.merges),
        )

    def own(self, r: int) -> list[Json]:
        """Row r, made private to this sheet (its cells may still be shared): every change to
        a row list goes through it."""
        row = self.rows[r]
        if id(row) not in self._owned:
            row = self.rows[r] = list(row)
            self._owned[id(row)] = row
        return row

    def own_all(self) -> None:
        for r in range(len(self.rows)):
            self.own(r)

    def sync(self) -> None:
        grid = self.properties.setdefault("gridProperties", {})
        grid["rowCount"], grid["columnCount"] = self.n_rows, self.n_cols

    def get(self, r: int, c: int) -> Json | None:
        row = self.rows[r] if 0 <= r < len(self.rows) else []
        return row[c] if 0 <= c < len(row) else None

    def cell(self, r: int, c: int) -> Json:
        """The CellData at (r, c), made private to this sheet for writing; errors outside the
        grid. Every change to a cell dict goes through it."""
        if not (0 <= r < self.n_rows and 0 <= c < self.n_cols):
            raise Invalid(self.limit_message(Bounds(r, r + 1, c, c + 1)))
        row = self.own(r)
        if len(row) <= c:
            row.extend({} for _ in range(c + 1 - len(row)))
        cell = row[c]
        if id(cell) not in self._owned:
            cell = row[c] = dict(cell)
            self._owned[id(cell)] = cell
        return cell

    def limit_message(self, b: Bounds) -> str:
        return (
            f"Range ({format_range(self.title, b)}) exceeds grid limits. "
            f"Max rows: {self.n_rows}, max columns: {self.n_cols}"
        )

    def clamp(self, b: Bounds) -> Bounds:
        """Fill unbounded sides from the grid size; error when the range leaves the grid."""
        out = Bounds(
            b.r0 or 0,
            self.n_rows if b.r1 is None else b.r1,
            b.c0 or 0,
            self.n_cols if b.c1 is None else b.c1,
        )
        assert None not in (out.r0, out.r1, out.c0, out.c1)
        if (out.r1 or 0) > self.n_rows or (out.c1 or 0) > self.n_cols:
            raise Invalid(self.limit_message(out))
        if (out.r0 or 0) > (out.r1 or 0) or (out.c0 or 0) > (out.c1 or 0):
            raise Invalid(self.limit_message(out))
        return out

    def rewrite(self, b: Bounds, write: Callable[[Json], None]) -> None:
        """Apply ``write`` to (a copy of) every cell of clamped bounds. Cells holding the very
        same values (a formatted column, say) come out alike: each kind is written once and
        the outcome shared between them, to be copied by ``cell`` before any later write."""
        c0, c1 = b.c0 or 0, b.c1 or 0
        if c1 <= c0:
            return
        done: dict[int, tuple[Json, Json]] = {}  # id(cell) -> (cell, written); holds the cells
        alike: dict[tuple[tuple[str, int], ...], Json] = {}  # by the ids of the cell's values
        blank: Json = {}
        for r in range(b.r0 or 0, b.r1 or 0):
            row = self.own(r)
            row.extend([blank] * (c1 - len(row)))
            for c in range(c0, c1):
                cell = row[c]
                if id(cell) not in done:
                    key = tuple((k, id(v)) for k, v in cell.items())
                    if key not in alike:
                        alike[key] = dict(cell)
                        write(alike[key])
                    done[id(cell)] = cell, alike[key]
                row[c] = done[id(cell)][1]

    def last_data_row(self, formats_are_data: bool = False) -> int:
        """The last row holding a value, or with ``formats_are_data`` anything at all: a
        format or a data validation (-1: none)."""
        empty = (lambda cell: not cell) if formats_are_data else cells.is_blank
        blank = None  # the last row seen without values: a row equal to it has none either
        for r in range(len(self.rows) - 1, -1, -1):
            row = self.rows[r]
            if row != blank:  # quick for formatted blank rows: they share their cells
                if not all(map(empty, row)):
                    return r
                blank = row
        return -1

    def trim(self) -> None:
        """Drop trailing empty cells (``{}``) from every row."""
        for r, row in enumerate(self.rows):
            if row and not row[-1]:
                row = self.own(r)
                while row and not row[-1]:
                    row.pop()

    def move_cells(self, span: range, c0: int, c1: int, sources: list[int]) -> None:
        """Row ``span[i]`` takes the cells c0:c1 that row ``sources[i]`` holds (distinct rows of
        the span); the span's rows after the sources are left blank in those columns."""
        if c0 == 0 and all(len(self.rows[r]) <= c1 for r in span):
            # the cells are whole rows: move the row lists themselves, shared ones included
            blank: list[list[Json]] = [[] for _ in range(len(span) - len(sources))]
            self.rows[span.start : span.stop] = [self.rows[s] for s in sources] + blank
            return
        moving = [(r, s) for r, s in zip(span, sources, strict=False) if r != s]
        taken = {s: self.rows[s] + [{} for _ in range(c1 - len(self.rows[s]))] for _, s in moving}
        for r, s in moving:
            row = self.own(r)
            row.extend({} for _ in range(c1 - len(row)))
            row[c0:c1] = taken[s][c0:c1]
        for r in span[len(sources) :]:
            row = self.own(r)
            row.extend({} for _ in range(c1 - len(row)))
            row[c0:c1] = [{} for _ in range(c0, c1)]
        self.trim()

    # -- grid-only dimension operations (anchored objects are handled by Spreadsheet) -----

    def insert(self, dim: str, start: int, count: int, inherit: int | None) -> None:
        def inherited(c: Json | None) -> Json:
            keep = ("userEnteredFormat", "dataValidation")
            return {k: v for k, v in (c or {}).items() if k in keep}

        if dim == ROWS:
            template = [inherited(c) for c in self.rows[inherit]] if inherit is not None else []
            self.rows[start:start] = [list(template) for _ in range(count)]
            self.row_props[start:start] = [{} for _ in range(count)]
        else:
            self.own_all()
            for row in self.rows:
                fill = inherited(self.get_in(row, inherit)) if inherit is not None else {}
                if len(row) > start or fill:
                    row.extend({} for _ in range(start - len(row)))
                    row[start:start] = [dict(fill) for _ in range(count)]
            self.col_props[start:start] = [{} for _ in range(count)]
        self.trim()
        self.sync()

    @staticmethod
    def get_in(row: list[Json], c: int | None) -> Json | None:
        return row[c] if c is not None and c < len(row) else None

    def delete(self, dim: str, start: int, end: int) -> None:
        if dim == ROWS:
            del self.rows[start:end], self.row_props[start:end]
        else:
            self.own_all()
            for row in self.rows:
                del row[start:end]
            del self.col_props[start:end]
        self.trim()
        self.sync()

    def reorder(self, dim: str, order: list[int]) -> None:
        """New position i takes old index order[i] along the whole dimension."""
        if dim == ROWS:
            self.rows = [self.rows[i] for i in order]
            self.row_props = [self.row_props[i] for i in order]
        else:
            self.own_all()
            for row in self.rows:
                if row:
                    row.extend({} for _ in range(self.n_cols - len(row)))
                    row[:] = [row[i] for i in order]
            self.col_props = [self.col_props[i] for i in order]
            self.trim()


def sort_key(cell: Json | None) -> tuple[int, Any] | None:
    """Sheets' sort order: numbers, then text (case-insensitive), then booleans; blanks last."""
    if cells.is_blank(cell):
        return None
    ev = (cell or {}).get("effectiveValue") or {}
    if "numberValue" in ev:
        return (0, float(ev["numberValue"]))
    if "stringValue" in ev:
        return (1, str(ev["stringValue"]).casefold())
    if "boolValue" in ev:
        return (2, bool(ev["boolValue"]))
    return (3, "")


def _shift_index(i: int, op: Op) -> int | None:
    kind, a, b = op
    if kind == "insert":
        return i + b if i >= a else i
    if i < a:
        return i
    return None if i < b else i - (b - a)


def _shift_span(s: int | None, e: int | None, op: Op) -> tuple[int | None, int | None] | None:
    kind, a, b = op
    if kind == "insert":
        return (s if s is None or s < a else s + b), (e if e is None or e <= a else e + b)

    def f(x: int | None) -> int | None:
        return None if x is None else x if x <= a else a if x <= b else x - (b - a)

    s2, e2 = f(s), f(e)
    if s2 is not None and e2 is not None and s2 >= e2:
        return None
    return s2, e2


def _shift_grid(gr: Json, sheet_id: int, dim: str, op: Op) -> Json | None:
    if gr.get("sheetId", 0) != sheet_id:
        return gr
    k0, k1 = (
        ("startRowIndex", "endRowIndex") if dim == ROWS else ("startColumnIndex", "endColumnIndex")
    )
    span = _shift_span(gr.get(k0), gr.get(k1), op)
    if span is None:
        return None
    out = dict(gr)
    for key, value in zip((k0, k1), span, strict=True):
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


@dataclass
class Spreadsheet:
    """A whole spreadsheet. Developer metadata lives in one flat list with full locations."""

    id: str
    properties: Json
    sheets: list[Sheet] = field(default_factory=list)
    metadata: list[Json] = field(default_factory=list)
    named_ranges: list[Json] = field(default_factory=list)
    permissions: list[Json] = field(default_factory=list)
    rng: random.Random = field(default_factory=random.Random)
    formats_are_data: bool = False
    """The stricter reading of appendCells' "after the last row with data", which Google
    does not settle: a cell holding only a format or a data validation counts as data."""

    @classmethod
    def new(cls, sid: str, body: Json) -> Spreadsheet:
        props = copy.deepcopy(body.get("properties") or {})
        props.setdefault("title", "Untitled spreadsheet")
        props.setdefault("locale", "en_US")
        props.setdefault("autoRecalc", "ON_CHANGE")
        props.setdefault("timeZone", "Etc/GMT")
        book = cls(sid, props, rng=random.Random(sid))
        for i, spec in enumerate(body.get("sheets") or [{}]):
            if spec.get("data"):
                raise Invalid(
                    "FakeSheets: initial grid data in spreadsheets.create is not supported"
                )
            p = copy.deepcopy(spec.get("properties") or {})
            p.setdefault("sheetId", 0 if i == 0 else book.new_id({s.id for s in book.sheets}))
            p.setdefault("title", f"Sheet{i + 1}")
            if any(s.id == p["sheetId"] for s in book.sheets) or book.by_title(p["title"]):
                raise Invalid(f"Duplicate sheet id or title: {p['sheetId']} / {p['title']}")
            book.sheets.append(Sheet.new(p))
        book.reindex()
        return book

    def clone(self) -> Spreadsheet:
        """A working copy for an atomic request (grid rows are shared copy-on-write)."""
        rng = random.Random()
        rng.setstate(self.rng.getstate())
        return Spreadsheet(
            self.id,
            clone(self.properties),
            [s.clone() for s in self.sheets],
            clone(self.metadata),
            clone(self.named_ranges),
            clone(self.permissions),
            rng,
            self.formats_are_data,
        )

    @property
    def url(self) -> str:
        return f"https://docs.google.com/spreadsheets/d/{self.id}/edit"

    def new_id(self, taken: set[int]) -> int:
        while (n := self.rng.randint(1, 2**31 - 1)) in taken:
            pass
        return n

    def reindex(self) -> None:
        for i, s in enumerate(self.sheets):
            s.properties["index"] = i

    def by_id(self, sheet_id: int) -> Sheet:
        for s in self.sheets:
            if s.id == sheet_id:
                return s
        raise RequestError(f"No grid with id: {sheet_id}")

    def by_title(self, title: str) -> Sheet | None:
        for s in self.sheets:
            if s.title == title:
                return s
        for s in self.sheets:
            if s.title.casefold() == title.casefold():
                return s
        return None

    # -- ranges ----------------------------------------------------------------------------

    def resolve(self, text: str) -> tuple[Sheet, Bounds]:
        """An A1 range (sheet title, quoted title, named range or bare cell ref) -> bounds."""
        bad = Invalid(f"Unable to parse range: {text}")
        try:
            title, ref = split_range(text)
        except ValueError:
            raise bad from None
        if title is None:
            for nr in self.named_ranges:
                if nr["name"].casefold() == (ref or "").casefold():
                    gr = nr["range"]
                    return self.by_id(gr.get("sheetId", 0)), _bounds(gr)
            sheet = self.by_title(ref or "")
            if sheet is not None:
                return sheet, Bounds()
            sheet = self.sheets[0]
        else:
            found = self.by_title(title)
            if found is None:
                raise bad
            sheet = found
        if ref is None:
            return sheet, Bounds()
        b = parse_ref(ref)
        if b is None:
            raise bad
        return sheet, b

    def grid_range(self, gr: Json) -> tuple[Sheet, Bounds]:
        """A GridRange -> (sheet, clamped bounds); errors become RequestError."""
        sheet = self.by_id(gr.get("sheetId", 0))
        try:
            return sheet, sheet.clamp(_bounds(gr))
        except ApiError as e:
            raise RequestError(e.message) from None

    def dim_range(self, dr: Json, *, bounded: bool = False) -> tuple[Sheet, str, int, int]:
        sheet = self.by_id(dr.get("sheetId", 0))
        dim = dr.get("dimension")
        if dim not in (ROWS, COLUMNS):
            raise RequestError("dimension must be ROWS or COLUMNS")
        count = sheet.n_rows if dim == ROWS else sheet.n_cols
        if bounded and ("startIndex" not in dr or "endIndex" not in dr):
            raise RequestError("Both the start and end indexes must be bounded.")
        start, end = dr.get("startIndex", 0), dr.get("endIndex", count)
        if not 0 <= start <= end:
            raise RequestError(f"Invalid dimension range: {start}..{end}")
        return sheet, dim, start, end

    # -- dimension operations keeping anchored objects attached --------------------------

    def insert_dim(self, sheet: Sheet, dim: str, start: int, count: int, before: bool) -> None:
        size = sheet.n_rows if dim == ROWS else sheet.n_cols
        if start > size:
            raise RequestError(f"Cannot insert at index {start}: the sheet has only {size}.")
        inherit = start - 1 if before else (start if start < size else None)
        sheet.insert(dim, start, count, inherit)
        self.shift(sheet.id, dim, ("insert", start, count))

    def delete_dim(self, sheet: Sheet, dim: str, start: int, end: int) -> None:
        size = sheet.n_rows if dim == ROWS else sheet.n_cols
        if end > size:
            raise RequestError(f"Cannot delete {dim.lower()} beyond the grid (size {size}).")
        if start == 0 and end >= size:
            raise RequestError(f"You can't delete all the {dim.lower()} on the sheet.")
        sheet.delete(dim, start, end)
        self.shift(sheet.id, dim, ("delete", start, end))

    def move_dim(self, sheet: Sheet, dim: str, start: int, end: int, dest: int) -> None:
        size = sheet.n_rows if dim == ROWS else sheet.n_cols
        if end > size or dest > size:
            raise RequestError("moveDimension source or destination is outside the grid")
        if start < dest < end:
            raise RequestError("destinationIndex must not be inside the source range")
        rest = [i for i in range(size) if not start <= i < end]
        at = dest if dest <= start else dest - (end - start)
        order = rest[:at] + list(range(start, end)) + rest[at:]
        sheet.reorder(dim, order)
        self.remap(sheet.id, dim, {old: new for new, old in enumerate(order)})

    def merge(self, sheet: Sheet, b: Bounds, how: str = "MERGE_ALL") -> None:
        """Merge the cells of clamped bounds ``b`` (one merge, or one a column or a row);
        each merge keeps its top-left value, the other values go (formats stay)."""
        r0, r1, c0, c1 = b.r0 or 0, b.r1 or 0, b.c0 or 0, b.c1 or 0
        if how == "MERGE_COLUMNS":
            boxes = [Bounds(r0, r1, c, c + 1) for c in range(c0, c1)]
        elif how == "MERGE_ROWS":
            boxes = [Bounds(r, r + 1, c0, c1) for r in range(r0, r1)]
        else:
            boxes = [Bounds(r0, r1, c0, c1)]
        boxes = [box for box in boxes if not box.single_cell]
        if not boxes:
            raise RequestError("Must merge more than one cell.")
        for merge in sheet.merges:
            m = _bounds(merge)
            if (m.r0 or 0) < r1 and r0 < (m.r1 or 0) and (m.c0 or 0) < c1 and c0 < (m.c1 or 0):
                raise RequestError("You can't merge cells that overlap an existing merge.")
        for box in boxes:
            for r in range(box.r0 or 0, box.r1 or 0):
                for c in range(box.c0 or 0, box.c1 or 0):
                    if (r, c) != (box.r0, box.c0) and not cells.is_blank(sheet.get(r, c)):
                        cell = sheet.cell(r, c)
                        for key in cells.VALUE_KEYS:
                            cell.pop(key, None)
            sheet.merges.append(
                {
                    "sheetId": sheet.id,
                    "startRowIndex": box.r0,
                    "endRowIndex": box.r1,
                    "startColumnIndex": box.c0,
                    "endColumnIndex": box.c1,
                }
            )
        sheet.trim()

    def unmerge(self, sheet: Sheet, b: Bounds) -> None:
        """Undo every merge inside clamped bounds ``b``; one only partly inside is an error."""
        kept = []
        for merge in sheet.merges:
            m = _bounds(merge)
            inside = (b.r0 or 0) <= (m.r0 or 0) and (m.r1 or 0) <= (b.r1 or 0)
            inside = inside and (b.c0 or 0) <= (m.c0 or 0) and (m.c1 or 0) <= (b.c1 or 0)
            meets = (m.r0 or 0) < (b.r1 or 0) and (b.r0 or 0) < (m.r1 or 0)
            meets = meets and (m.c0 or 0) < (b.c1 or 0) and (b.c0 or 0) < (m.c1 or 0)
            if meets and not inside:
                raise RequestError("The range must not partially span a merge.")
            if not inside:
                kept.append(merge)
        sheet.merges = kept

    def sort_rows(self, sheet: Sheet, b: Bounds, specs: list[tuple[int, bool]]) -> None:
        """Sort rows b.r0..b.r1 over columns b.c0..b.c1; row metadata moves with its row."""
        r0, r1, c0, c1 = b.r0 or 0, b.r1 or 0, b.c0 or 0, b.c1 or 0

        def compare(ra: int, rb: int) -> int:
            for col, descending in specs:
                ka, kb = sort_key(sheet.get(ra, col)), sort_key(sheet.get(rb, col))
                if ka == kb:
                    continue
                if ka is None or kb is None:
                    return 1 if ka is None else -1
                result = (ka > kb) - (ka < kb)
                return -result if descending else result
            return 0

        order = sorted(range(r0, r1), key=cmp_to_key(compare))
        sheet.move_cells(range(r0, r1), c0, c1, order)
        self.remap(
            sheet.id, ROWS, {src: pos for pos, src in zip(range(r0, r1), order, strict=True)}
        )

    def shift(self, sheet_id: int, dim: str, op: Op) -> None:
        """Move row/column-anchored objects after an insert or delete, as Sheets does."""
        kept = []
        for md in self.metadata:
            dr = md["location"].get("dimensionRange")
            if dr and dr.get("sheetId", 0) == sheet_id and dr["dimension"] == dim:
                i = _shift_index(dr["startIndex"], op)
                if i is None:
                    continue  # deleted together with its row/column
                dr["startIndex"], dr["endIndex"] = i, i + 1
            kept.append(md)
        self.metadata = kept
        sheet = self.by_id(sheet_id)
        prs = []
        for pr in sheet.protected_ranges:
            if "range" in pr:
                moved = _shift_grid(pr["range"], sheet_id, dim, op)
                if moved is None:
                    continue
                pr["range"] = moved
            if "unprotectedRanges" in pr:
                ups = [_shift_grid(u, sheet_id, dim, op) for u in pr["unprotectedRanges"]]
                pr["unprotectedRanges"] = [u for u in ups if u is not None]
            prs.append(pr)
        sheet.protected_ranges = prs
        rules = []
        for rule in sheet.conditional_formats:
            ranges = [_shift_grid(r, sheet_id, dim, op) for r in rule.get("ranges", [])]
            rule["ranges"] = [r for r in ranges if r is not None]
            if rule["ranges"]:
                rules.append(rule)
        sheet.conditional_formats = rules
        merges = []
        for merge in sheet.merges:  # a merge moves with its cells; one left a single cell goes
            moved = _shift_grid(merge, sheet_id, dim, op)
            if moved is not None and not _bounds(moved).single_cell:
                merges.append(moved)
        sheet.merges = merges
        named = []
        for nr in self.named_ranges:
            moved = _shift_grid(nr["range"], sheet_id, dim, op)
            if moved is not None:
                nr["range"] = moved
                named.append(nr)
        self.named_ranges = named

    def remap(self, sheet_id: int, dim: str, mapping: dict[int, int]) -> None:
        """Move single row/column metadata through a permutation (sort, moveDimension)."""
        for md in self.metadata:
            dr = md["location"].get("dimensionRange")
            if dr and dr.get("sheetId", 0) == sheet_id and dr["dimension"] == dim:
                i = mapping.get(dr["startIndex"], dr["startIndex"])
                dr["startIndex"], dr["endIndex"] = i, i + 1

    # -- rendering -------------------------------------------------------------------------

    def sheet_metadata(self, sheet_id: int) -> list[Json]:
        return [m for m in self.metadata if m["location"].get("sheetId") == sheet_id]

    def render_sheet(self, sheet: Sheet, prune: bool = True) -> Json:
        out: Json = {"properties": copy.deepcopy(sheet.properties)}
        parts = (
            ("conditionalFormats", sheet.conditional_formats),
            ("protectedRanges", sheet.protected_ranges),
            ("charts", sheet.charts),
            ("merges", sheet.merges),
            ("developerMetadata", self.sheet_metadata(sheet.id)),
        )
        for key, items in parts:
            if items or not prune:
                out[key] = copy.deepcopy(items)
        return out

    def dim_props(self, sheet: Sheet, dim: str, start: int, end: int) -> list[Json]:
        """DimensionProperties of rows/columns start..end, with their developer metadata."""
        props = sheet.row_props if dim == ROWS else sheet.col_props
        out = [{"pixelSize": DEFAULT_PIXELS[dim], **p} for p in props[start:end]]
        for md in self.metadata:
            dr = md["location"].get("dimensionRange")
            if dr and dr.get("sheetId", 0) == sheet.id and dr["dimension"] == dim:
                i = dr["startIndex"] - start
                if 0 <= i < len(out):
                    out[i].setdefault("developerMetadata", []).append(md)
        return out

    def row_data(self, sheet: Sheet, b: Bounds, tree: Tree | None) -> list[Json]:
        """GridData.rowData cut to ``tree``: rows up to the last one holding a cell in the
        columns (later rows would render as ``{}`` and be trimmed)."""
        r0, r1, c0, c1 = b.r0 or 0, b.r1 or 0, b.c0 or 0, b.c1 or 0
        end = min(r1, len(sheet.rows))
        while end > r0 and not any(sheet.rows[end - 1][c0:c1]):
            end -= 1
        with_values, cell_tree = fieldmask.narrow(tree, "values")
        pick = fieldmask.picker(cell_tree)
        rows: list[Json] = []
        rendered: dict[tuple[int, ...], Json] = {}  # rows of the very same cells render alike
        for r in range(r0, end):
            values = sheet.rows[r][c0:c1]
            while values and not values[-1]:
                values.pop()
            if not (values and with_values):
                rows.append({})
                continue
            key = tuple(map(id, values))
            if key not in rendered:
                rendered[key] = {"values": [pick(c) for c in values]}
            rows.append(rendered[key])
        return rows

    def grid_data(self, sheet: Sheet, b: Bounds, tree: Tree | None = None) -> Json:
        """One GridData cut to ``tree``; only the parts the mask selects are rendered."""
        r0, r1, c0, c1 = b.r0 or 0, b.r1 or 0, b.c0 or 0, b.c1 or 0
        data: Json = {}
        if r0:
            data["startRow"] = r0
        if c0:
            data["startColumn"] = c0
        wanted, sub = fieldmask.narrow(tree, "rowData")
        if wanted and (rows := self.row_data(sheet, b, sub)):
            data["rowData"] = fieldmask.Selected(rows, sub)
        for key, dim, start, end in (
            ("rowMetadata", ROWS, r0, r1),
            ("columnMetadata", COLUMNS, c0, c1),
        ):
            wanted, sub = fieldmask.narrow(tree, key)
            if wanted:
                props = fieldmask.select(self.dim_props(sheet, dim, start, end), sub)
                data[key] = fieldmask.Selected(props, sub)
        return fieldmask.select(data, tree)  # type: ignore[no-any-return]

    def render(
        self,
        ranges: list[str] | None = None,
        grid: bool = False,
        tree: Tree | None = None,
        every_sheet: bool = False,
    ) -> Json:
        """The Spreadsheet resource as spreadsheets.get returns it, cut to the field mask
        ``tree`` (None: everything). Grid data is rendered only as far as the mask selects
        it, and shares values with the model (and between alike rows): serialize the result
        before any change. ``every_sheet``: sheets outside ``ranges`` still come back,
        without data (one reading of what Google does; the other leaves them out)."""
        bounds: dict[int, list[Bounds]] | None = None
        if ranges:
            bounds = {}
            for text in ranges:
                sheet, b = self.resolve(text)
                bounds.setdefault(sheet.id, []).append(sheet.clamp(b))
        return self.render_bounds(bounds, grid, tree, every_sheet)

    def render_bounds(
        self,
        bounds: dict[int, list[Bounds]] | None,
        grid: bool = False,
        tree: Tree | None = None,
        every_sheet: bool = False,
    ) -> Json:
        """``render`` of the grid ranges ``bounds`` selects, by sheet id (None: all)."""
        with_sheets, sheet_tree = fieldmask.narrow(tree, "sheets")
        with_data, data_tree = fieldmask.narrow(sheet_tree, "data")
        sheets = []
        for sheet in self.sheets:
            selected = bounds is None or sheet.id in bounds
            if not (selected or every_sheet):
                continue
            out = self.render_sheet(sheet)
            if selected and grid and with_sheets and with_data:
                spans = bounds[sheet.id] if bounds else [sheet.clamp(Bounds())]
                data = [self.grid_data(sheet, b, data_tree) for b in spans]
                out["data"] = fieldmask.Selected(data, data_tree)
            sheets.append(out)
        book: Json = {
            "spreadsheetId": self.id,
            "properties": copy.deepcopy(self.properties),
            "sheets": sheets,
        }
        if self.named_ranges:
            book["namedRanges"] = copy.deepcopy(self.named_ranges)
        top = [m for m in self.metadata if m["location"].get("spreadsheet")]
        if top:
            book["developerMetadata"] = copy.deepcopy(top)
        book["spreadsheetUrl"] = self.url
        return fieldmask.select(book, tree)  # type: ignore[no-any-return]


def _bounds(gr: Json) -> Bounds:
    return Bounds(
        gr.get("startRowIndex"),
        gr.get("endRowIndex"),
        gr.get("startColumnIndex"),
        gr.get("endColumnIndex"),
    )
