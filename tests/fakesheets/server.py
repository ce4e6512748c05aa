"""FakeSheets: a stateful Sheets v4 (+ Drive v3) fake mounted with ``responses``."""

from __future__ import annotations

import copy
import json
import random
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import responses
from requests import PreparedRequest

from . import batch, cells, fieldmask, values
from .copying import clone
from .discovery import Match, load
from .errors import ApiError, Invalid
from .person import Person
from .state import ROWS, Json, RequestError, Sheet, Spreadsheet

SHEETS_MIME = "application/vnd.google-apps.spreadsheet"
CREATED = "2024-01-01T00:00:00.000Z"
Route = Callable[[dict[str, str], dict[str, list[str]], Json], Json]
# method id -> FakeSheets handler, by name: bound methods stored on the fake would form a
# reference cycle, keeping each test's spreadsheets alive until a full garbage collection
ROUTES = {
    "spreadsheets.create": "_create",
    "spreadsheets.get": "_get",
    "spreadsheets.getByDataFilter": "_get_by_data_filter",
    "spreadsheets.batchUpdate": "_batch_update",
    "spreadsheets.values.get": "_values_get",
    "spreadsheets.values.batchGet": "_values_batch_get",
    "spreadsheets.values.update": "_values_update",
    "spreadsheets.values.append": "_values_append",
    "spreadsheets.values.clear": "_values_clear",
    "spreadsheets.values.batchUpdate": "_values_batch_update",
    "spreadsheets.values.batchClear": "_values_batch_clear",
    "spreadsheets.developerMetadata.get": "_metadata_get",
    "spreadsheets.developerMetadata.search": "_metadata_search",
    "drive.permissions.create": "_permission_create",
    "drive.files.create": "_file_create",
    "drive.files.list": "_file_list",
}


@dataclass
class Call:
    """One HTTP request seen by the fake. ``status`` is set once answered; it stays 0 when a
    ``before_request`` hook raised (the request never got a reply)."""

    method: str
    url: str
    method_id: str  # "spreadsheets.batchUpdate", "drive.permissions.create", "" if unmatched
    params: dict[str, list[str]]
    body: dict[str, Any] | None
    bytes: int
    status: int = 0


@dataclass
class _Injection:
    status: int
    times: int
    when: Callable[[Call], bool] | None
    apply_first: bool


def _wire_number(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def _wire(payload: Any) -> str:
    """JSON with proto-JSON style numbers: integral doubles are written without a fraction.
    Python writes those with ".0", which most payloads never hold; the others take a round
    trip through the C codec (much faster than walking big payloads in Python)."""
    text = json.dumps(payload)
    if ".0" not in text:
        return text
    return json.dumps(json.loads(text, parse_float=_wire_number))


def _first(params: dict[str, list[str]], name: str, default: str = "") -> str:
    return params.get(name, [default])[0]


def _flag(params: dict[str, list[str]], name: str) -> bool:
    return _first(params, name, "false").lower() == "true"


def _mask(params: dict[str, list[str]]) -> fieldmask.Tree | None:
    """The ``fields`` partial-response mask (None: the whole response)."""
    return fieldmask.parse(params["fields"][0]) if "fields" in params else None


class FakeSheets:
    """In-memory Google Sheets; use as a context manager to intercept ``requests``."""

    URL = re.compile(r"^https://(sheets|www)\.googleapis\.com/.*")

    def __init__(
        self, seed: int = 0, every_sheet: bool = False, formats_are_data: bool = False
    ) -> None:
        """Two switches pick readings of what Google's reference leaves open:
        ``every_sheet``: a ranged read returns the sheets outside its ranges too, without
        data; ``formats_are_data``: ``appendCells`` writes below cells that hold only a
        format or a data validation, as below values."""
        self.every_sheet = every_sheet
        self.formats_are_data = formats_are_data
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.not_implemented: list[str] = []
        self._books: dict[str, Spreadsheet] = {}
        self._denied: set[str] = set()
        self._injections: list[_Injection] = []
        self._hooks: list[Callable[[Call], None]] = []
        self._rng = random.Random(seed)
        self._apis = load()
        self._mock = responses.RequestsMock(assert_all_requests_are_fired=False)

    def __enter__(self) -> FakeSheets:
        for verb in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            self._mock.add_callback(verb, self.URL, callback=self._respond)
        self._mock.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._mock.stop(allow_assert=False)
        self._mock.reset()

    # -- test-facing helpers -------------------------------------------------------------

    def create_spreadsheet(
        self, title: str, tabs: list[str] | None = None, rows: int = 1000, cols: int = 26
    ) -> str:
        """Create a spreadsheet directly (not an HTTP call) and return its id."""
        sid = self._new_id()
        grid = {"rowCount": rows, "columnCount": cols}
        sheets = [{"properties": {"title": t, "gridProperties": dict(grid)}} for t in tabs or []]
        self._books[sid] = Spreadsheet.new(sid, {"properties": {"title": title}, "sheets": sheets})
        self._books[sid].formats_are_data = self.formats_are_data
        return sid

    def _new_id(self) -> str:
        alphabet = string.ascii_letters + string.digits + "-_"
        return "1" + "".join(self._rng.choice(alphabet) for _ in range(43))

    def book(self, sid: str) -> Spreadsheet:
        """The live Spreadsheet model (for advanced inspection)."""
        return self._book(sid)

    def _sheet(self, sid: str, tab: str) -> Sheet:
        sheet = self._book(sid).by_title(tab)
        if sheet is None:
            raise KeyError(f"no sheet titled {tab!r}")
        return sheet

    def set_values(self, sid: str, tab: str, rows: list[list[Any]]) -> None:
        """Write RAW values into A1.. (grows the grid if needed; None skips, "" clears)."""
        book, sheet = self._book(sid), self._sheet(sid, tab)
        width = max((len(r) for r in rows), default=0)
        if len(rows) > sheet.n_rows:
            book.insert_dim(sheet, ROWS, sheet.n_rows, len(rows) - sheet.n_rows, True)
        if width > sheet.n_cols:
            book.insert_dim(sheet, "COLUMNS", sheet.n_cols, width - sheet.n_cols, True)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    cells.set_value(sheet.cell(r, c), value, user_entered=False)
        sheet.trim()

    def values(self, sid: str, tab: str) -> list[list[Any]]:
        """Effective values as python (str/float/bool/None), trailing blanks trimmed."""
        sheet = self._sheet(sid, tab)
        out = []
        for row in sheet.rows[: sheet.last_data_row() + 1]:
            n = len(row)
            while n and cells.is_blank(row[n - 1]):
                n -= 1
            out.append([cells.python_value(c) for c in row[:n]])
        return out

    def grid(self, sid: str, tab: str) -> list[list[dict[str, Any]]]:
        """Raw CellData dicts (copies), trailing empty cells and rows trimmed."""
        rows: list[list[dict[str, Any]]] = clone(self._sheet(sid, tab).rows)
        while rows and not rows[-1]:
            rows.pop()
        return rows

    def sheet(self, sid: str, tab: str) -> dict[str, Any]:
        """properties, conditionalFormats, protectedRanges, charts and every developer
        metadata anchored to the sheet or its rows/columns (copies)."""
        book, sheet = self._book(sid), self._sheet(sid, tab)
        out = book.render_sheet(sheet, prune=False)
        out["developerMetadata"] = [
            copy.deepcopy(m) for m in book.metadata if batch.metadata_sheet(m) == sheet.id
        ]
        return out

    def metadata(self, sid: str) -> list[dict[str, Any]]:
        """All developer metadata of the spreadsheet (copies)."""
        return copy.deepcopy(self._book(sid).metadata)

    def permissions(self, sid: str) -> list[dict[str, Any]]:
        """Drive permissions created through permissions.create."""
        return copy.deepcopy(self._book(sid).permissions)

    def titles(self, sid: str) -> list[str]:
        return [s.title for s in self._book(sid).sheets]

    def count(self, prefix: str = "spreadsheets") -> int:
        """Number of calls whose method_id starts with prefix."""
        return sum(1 for c in self.calls if c.method_id.startswith(prefix))

    def inject(
        self,
        status: int = 429,
        times: int = 1,
        when: Callable[[Call], bool] | None = None,
        apply_first: bool = False,
    ) -> None:
        """Answer the next ``times`` matching requests with a Google-shaped error.
        ``apply_first``: apply the request to the state, then answer the error (lost reply)."""
        self._injections.append(_Injection(status, times, when, apply_first))

    def before_request(self, hook: Callable[[Call], None]) -> None:
        """Run ``hook(call)`` before each request is handled; exceptions propagate."""
        self._hooks.append(hook)

    def clear_request_hooks(self) -> None:
        """Forget every ``before_request`` hook (e.g. a new process after a simulated kill)."""
        self._hooks.clear()

    def deny(self, sid: str) -> None:
        """Later requests on ``sid`` answer 403 PERMISSION_DENIED."""
        self._denied.add(sid)

    def person(self, sid: str) -> Person:
        self._book(sid)
        return Person(lambda: self._book(sid))

    # -- HTTP plumbing --------------------------------------------------------------------

    def _book(self, sid: str) -> Spreadsheet:
        try:
            return self._books[sid]
        except KeyError:
            raise ApiError(404) from None

    def _respond(self, request: PreparedRequest) -> tuple[int, dict[str, str], str]:
        split = urlsplit(request.url or "")
        url = f"{split.scheme}://{split.netloc}{split.path}"
        params = parse_qs(split.query, keep_blank_values=True)
        sent = request.body
        raw = sent.encode() if isinstance(sent, str) else sent if isinstance(sent, bytes) else b""
        verb = request.method or "GET"
        match = next((m for api in self._apis if (m := api.match(verb, url))), None)
        problems: list[str] = []
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                problems.append("Invalid JSON payload received: the body is not JSON.")
        call = Call(
            verb,
            request.url or "",
            match.method.id if match else "",
            params,
            body if isinstance(body, dict) else None,
            len(raw),
        )
        self.calls.append(call)
        for hook in self._hooks:
            hook(call)
        drive = split.netloc == "www.googleapis.com"
        try:
            if match is None:
                problems.append(f"No discovery method matches {verb} {split.path}")
            else:
                api = match.method.api
                problems += api.check_params(match.method, params)
                problems += api.check_body(match.method, body)
            if problems:
                self.violations.extend(f"{call.method_id or verb}: {p}" for p in problems)
                raise Invalid(problems[0])
            assert match is not None
            status, payload = 200, self._handle(match, call, params, body or {})
        except ApiError as e:
            status, payload = e.code, e.body(drive=drive)
        call.status = status
        headers = {"Content-Type": "application/json; charset=UTF-8"}
        return status, headers, _wire(payload)

    def _handle(self, match: Match, call: Call, params: dict[str, list[str]], body: Json) -> Json:
        sid = match.path.get("spreadsheetId") or match.path.get("fileId")
        if sid in self._denied:
            raise ApiError(403)
        injection = next(
            (i for i in self._injections if i.times > 0 and (i.when is None or i.when(call))),
            None,
        )
        if injection:
            injection.times -= 1
            if not injection.apply_first:
                raise ApiError(injection.status)
        name = ROUTES.get(call.method_id)
        route: Route | None = getattr(self, name) if name else None
        if route is None:
            self.not_implemented.append(call.method_id)
            raise Invalid(f"FakeSheets does not implement {call.method_id}")
        try:
            result = route(match.path, params, body)
        except batch.NotImplementedKind as e:
            self.not_implemented.append(f"{call.method_id}: {e.message}")
            raise
        except RequestError as e:
            raise Invalid(str(e)) from None
        if injection:
            raise ApiError(injection.status)
        if "fields" in params:
            result = fieldmask.select(result, _mask(params))
        return result

    def _mutate(self, sid: str, fn: Callable[[Spreadsheet], Json]) -> Json:
        """Run fn on a (copy-on-write) clone and keep it only if fn succeeds: atomic requests."""
        work = self._book(sid).clone()
        result = fn(work)
        self._books[sid] = work
        return result

    # -- spreadsheets ---------------------------------------------------------------------

    def _create(self, path: dict[str, str], params: dict[str, list[str]], body: Json) -> Json:
        sid = self._new_id()
        self._books[sid] = Spreadsheet.new(sid, body)
        self._books[sid].formats_are_data = self.formats_are_data
        return self._books[sid].render()

    def _get(self, path: dict[str, str], params: dict[str, list[str]], body: Json) -> Json:
        book = self._book(path["spreadsheetId"])
        grid = _flag(params, "includeGridData") or "fields" in params
        return book.render(params.get("ranges"), grid, _mask(params), self.every_sheet)

    def _get_by_data_filter(
        self, path: dict[str, str], params: dict[str, list[str]], body: Json
    ) -> Json:
        book = self._book(path["spreadsheetId"])
        grid = bool(body.get("includeGridData")) or "fields" in params
        filters = body.get("dataFilters") or []
        bounds = batch.filter_bounds(book, filters) if filters else None
        return book.render_bounds(bounds, grid, _mask(params), self.every_sheet)

    def _batch_update(self, path: dict[str, str], params: dict[str, list[str]], body: Json) -> Json:
        sid = path["spreadsheetId"]

        def run(book: Spreadsheet) -> Json:
            out: Json = {
                "spreadsheetId": sid,
                "replies": batch.apply(book, body.get("requests") or []),
            }
            if body.get("includeSpreadsheetInResponse"):
                wanted, tree = fieldmask.narrow(_mask(params), "updatedSpreadsheet")
                out["updatedSpreadsheet"] = book.render(
                    body.get("responseRanges"),
                    bool(body.get("responseIncludeGridData")),
                    tree if wanted else {},
                )
            return out

        return self._mutate(sid, run)

    # -- values ---------------------------------------------------------------------------

    @staticmethod
    def _input_option(value: str | None) -> bool:
        if value not in ("RAW", "USER_ENTERED"):
            raise Invalid("'valueInputOption' is required but not specified")
        return value == "USER_ENTERED"

    def _values_get(self, path: dict[str, str], params: dict[str, list[str]], body: Json) -> Json:
        return values.read(
            self._book(path["spreadsheetId"]),
            path["range"],
            _first(params, "valueRenderOption", "FORMATTED_VALUE"),
            _first(params, "dateTimeRenderOption", "SERIAL_NUMBER"),
            _first(params, "majorDimension", ROWS),
        )

    def _values_batch_get(
        self, path: dict[str, str], params: dict[str, list[str]], body: Json
    ) -> Json:
        sid = path["spreadsheetId"]
        out: Json = {"spreadsheetId": sid}
        ranges = [
            self._values_get({**path, "range": r}, params, body) for r in params.get("ranges", [])
        ]
        if ranges:
            out["valueRanges"] = ranges
        return out

    def _updated_data(self, book: Spreadsheet, result: Json, opts: Json) -> None:
        if opts.get("includeValuesInResponse") and "updatedRange" in result:
            result["updatedData"] = values.read(
                book,
                result["updatedRange"],
                opts.get("responseValueRenderOption") or "FORMATTED_VALUE",
                opts.get("responseDateTimeRenderOption") or "SERIAL_NUMBER",
            )

    def _check_body_range(self, book: Spreadsheet, url_range: str, body: Json) -> None:
        if body.get("range") and book.resolve(body["range"]) != book.resolve(url_range):
            raise Invalid(
                f"Requested range [{url_range}] and body range [{body['range']}] do not match."
            )

    def _values_update(
        self, path: dict[str, str], params: dict[str, list[str]], body: Json
    ) -> Json:
        user_entered = self._input_option(_first(params, "valueInputOption") or None)
        opts: Json = {k: v[0] for k, v in params.items()}
        opts["includeValuesInResponse"] = _flag(params, "includeValuesInResponse")

        def run(book: Spreadsheet) -> Json:
            self._check_body_range(book, path["range"], body)
            major = body.get("majorDimension") or ROWS
            _, result = values.write(book, path["range"], body.get("values"), major, user_entered)
            self._updated_data(book, result, opts)
            return result

        return self._mutate(path["spreadsheetId"], run)

    def _values_append(
        self, path: dict[str, str], params: dict[str, list[str]], body: Json
    ) -> Json:
        user_entered = self._input_option(_first(params, "valueInputOption") or None)
        insert = _first(params, "insertDataOption", "OVERWRITE") == "INSERT_ROWS"
        opts: Json = {k: v[0] for k, v in params.items()}
        opts["includeValuesInResponse"] = _flag(params, "includeValuesInResponse")

        def run(book: Spreadsheet) -> Json:
            self._check_body_range(book, path["range"], body)
            major = body.get("majorDimension") or ROWS
            _, result = values.append(
                book, path["range"], body.get("values"), major, user_entered, insert
            )
            self._updated_data(book, result["updates"], opts)
            return result

        return self._mutate(path["spreadsheetId"], run)

    def _values_clear(self, path: dict[str, str], params: dict[str, list[str]], body: Json) -> Json:
        sid = path["spreadsheetId"]
        return self._mutate(
            sid,
            lambda book: {"spreadsheetId": sid, "clearedRange": values.clear(book, path["range"])},
        )

    def _values_batch_update(
        self, path: dict[str, str], params: dict[str, list[str]], body: Json
    ) -> Json:
        sid = path["spreadsheetId"]
        user_entered = self._input_option(body.get("valueInputOption"))

        def run(book: Spreadsheet) -> Json:
            responses_: list[Json] = []
            sheets: set[int] = set()
            for vr in body.get("data") or []:
                if not vr.get("range"):
                    raise Invalid("Each ValueRange in data needs a range.")
                sheet, result = values.write(
                    book,
                    vr["range"],
                    vr.get("values"),
                    vr.get("majorDimension") or ROWS,
                    user_entered,
                )
                self._updated_data(book, result, body)
                if result.get("updatedCells"):
                    sheets.add(sheet.id)
                responses_.append(result)
            out: Json = {"spreadsheetId": sid}
            for total, key in (
                ("totalUpdatedRows", "updatedRows"),
                ("totalUpdatedColumns", "updatedColumns"),
                ("totalUpdatedCells", "updatedCells"),
            ):
                out[total] = sum(r.get(key, 0) for r in responses_)
            out["totalUpdatedSheets"] = len(sheets)
            if responses_:
                out["responses"] = responses_
            return out

        return self._mutate(sid, run)

    def _values_batch_clear(
        self, path: dict[str, str], params: dict[str, list[str]], body: Json
    ) -> Json:
        sid = path["spreadsheetId"]
        return self._mutate(
            sid,
            lambda book: {
                "spreadsheetId": sid,
                "clearedRanges": [values.clear(book, r) for r in body.get("ranges") or []],
            },
        )

    # -- developer metadata ----------------------------------------------------------------

    def _metadata_get(self, path: dict[str, str], params: dict[str, list[str]], body: Json) -> Json:
        for md in self._book(path["spreadsheetId"]).metadata:
            if str(md["metadataId"]) == path["metadataId"]:
                return copy.deepcopy(md)
        raise ApiError(404, f"No developer metadata with ID: {path['metadataId']}")

    def _metadata_search(
        self, path: dict[str, str], params: dict[str, list[str]], body: Json
    ) -> Json:
        return batch.search_metadata(
            self._book(path["spreadsheetId"]), body.get("dataFilters") or []
        )

    # -- drive ------------------------------------------------------------------------------

    def _permission_create(
        self, path: dict[str, str], params: dict[str, list[str]], body: Json
    ) -> Json:
        sid = path["fileId"]
        if sid not in self._books:
            raise ApiError(404, f"File not found: {sid}.")
        for key in ("type", "role"):
            if not body.get(key):
                raise Invalid(f"The permission {key} field is required.")
        perm = {
            "kind": "drive#permission",
            "id": str(self._rng.randint(10**19, 10**20 - 1)),
            **copy.deepcopy(body),
        }
        self._books[sid].permissions.append(perm)
        return {k: perm[k] for k in ("kind", "id", "type", "role")}

    def _file_create(self, path: dict[str, str], params: dict[str, list[str]], body: Json) -> Json:
        if body.get("mimeType") != SHEETS_MIME:
            raise Invalid("FakeSheets implements drive.files.create for spreadsheets only")
        sid = self.create_spreadsheet(body.get("name") or "Untitled spreadsheet")
        return {
            "kind": "drive#file",
            "id": sid,
            "name": self._books[sid].properties["title"],
            "mimeType": SHEETS_MIME,
        }

    def _file_list(self, path: dict[str, str], params: dict[str, list[str]], body: Json) -> Json:
        """Spreadsheets visible to the caller, filtered by ``name = '...'`` in ``q`` (gspread's
        ``Client.open(title)``); other query clauses are ignored."""
        named = re.search(r"""name\s*=\s*(["'])(.*?)\1""", _first(params, "q"))
        files = [
            {
                "kind": "drive#file",
                "id": sid,
                "name": book.properties["title"],
                "mimeType": SHEETS_MIME,
                "createdTime": CREATED,
                "modifiedTime": CREATED,
            }
            for sid, book in self._books.items()
            if sid not in self._denied and (not named or book.properties["title"] == named[2])
        ]
        return {"kind": "drive#fileList", "incompleteSearch": False, "files": files}
