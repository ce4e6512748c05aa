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

from . import batch, cells, drive, fieldmask, values
from .copying import clone
from .discovery import Match, load
from .drive import FOLDER_MIME, GOOGLE_APPS, OCTET, ROOT_FOLDER, DriveFile, Media
from .errors import ApiError, Invalid
from .person import Person
from .state import ROWS, Json, RequestError, Sheet, Spreadsheet

SHEETS_MIME = drive.SHEETS_MIME
CREATED = "2024-01-01T00:00:00.000Z"
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
    "drive.files.get": "_file_get",
    "drive.files.list": "_file_list",
    "drive.files.delete": "_file_delete",
}
# the same, for requests to a method's media upload path (they get the media as well)
UPLOAD_ROUTES = {"drive.files.create": "_file_upload"}
PAGE_SIZE, MAX_PAGE_SIZE = 100, 1000


@dataclass
class Call:
    """One HTTP request seen by the fake. ``status`` is set once answered; it stays 0 when a
    ``before_request`` hook raised (the request never got a reply)."""

    method: str
    url: str
    method_id: str  # "spreadsheets.batchUpdate", "drive.permissions.create", "" if unmatched
    params: dict[str, list[str]]
    body: dict[str, Any] | None  # for a multipart upload: its JSON metadata part
    bytes: int
    status: int = 0
    upload: Media | None = None  # the media of a request to an ``/upload/`` URL


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
        self._drive = drive.Drive()
        self._denied: set[str] = set()
        self._injections: list[_Injection] = []
        self._hooks: list[Callable[[Call], None]] = []
        self._rng = random.Random(seed)
        self._apis = load()
        self._output_only = drive.output_only(self._apis[1].schemas)
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
        self,
        title: str,
        tabs: list[str] | None = None,
        rows: int = 1000,
        cols: int = 26,
        parent: str = ROOT_FOLDER,
    ) -> str:
        """Create a spreadsheet directly (not an HTTP call) and return its id. In Drive it
        sits in ``parent`` (default: the fake My Drive folder, ``ROOT_FOLDER``)."""
        sid = self._new_id()
        grid = {"rowCount": rows, "columnCount": cols}
        sheets = [{"properties": {"title": t, "gridProperties": dict(grid)}} for t in tabs or []]
        self._books[sid] = Spreadsheet.new(sid, {"properties": {"title": title}, "sheets": sheets})
        self._books[sid].formats_are_data = self.formats_are_data
        self._drive.add(sid, title, SHEETS_MIME, [parent], created=CREATED)
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

    # -- test-facing Drive helpers ---------------------------------------------------------

    def drive_file(self, file_id: str) -> dict[str, Any]:
        """The full Drive File resource of a spreadsheet, folder or uploaded file, plus its
        bytes under ``"content"`` (blobs only: folders and spreadsheets have no such key).
        KeyError if absent."""
        return self._drive_view(self._drive_item(file_id))

    def drive_files(self) -> list[dict[str, Any]]:
        """``drive_file`` of every item (trashed ones too), in creation order; the My Drive
        folder itself (``ROOT_FOLDER``) is not an item."""
        self._sync_drive()
        return [self._drive_view(item) for item in self._drive.files.values()]

    def _drive_view(self, item: DriveFile) -> dict[str, Any]:
        out = self._drive.resource(item)
        if item.content is not None:
            out["content"] = item.content
        return out

    def add_drive_folder(self, name: str, parent: str = ROOT_FOLDER) -> str:
        """Create a folder directly (not an HTTP call) and return its id."""
        return self._drive.add(self._new_id(), name, FOLDER_MIME, [parent]).id

    def add_drive_file(
        self, name: str, data: bytes, mime_type: str = OCTET, parent: str = ROOT_FOLDER
    ) -> str:
        """Store a file directly (not an HTTP call) and return its id."""
        return self._drive.add(self._new_id(), name, mime_type, [parent], bytes(data)).id

    def replace_drive_bytes(self, file_id: str, data: bytes) -> None:
        """Replace a stored file's bytes behind the client's back (as another Drive user
        would): size, checksums, modifiedTime and version change as in Drive."""
        item = self._drive_item(file_id)
        if item.content is None:
            raise ValueError(f"{file_id} is a {item.mime_type}, it has no bytes")
        item.set_content(data, drive.now())

    def trash_drive_file(self, file_id: str) -> None:
        """Move an item to the trash: it keeps answering files.get with ``trashed: true``
        (so does everything below a trashed folder); ``trashed = false`` queries skip it."""
        item = self._drive_item(file_id)
        item.explicitly_trashed = True
        item.trashed_time = drive.now()

    def delete_drive_file(self, file_id: str) -> None:
        """Delete an item for good (and everything below a folder): later requests get 404.
        Deleting a spreadsheet removes the spreadsheet itself too."""
        self._drive_item(file_id)
        for fid in self._drive.descendants(drive.canonical(file_id)):
            self._drive.files.pop(fid, None)
            self._books.pop(fid, None)

    def _drive_item(self, file_id: str) -> DriveFile:
        self._sync_drive()
        item = self._drive.files.get(drive.canonical(file_id))
        if item is None:
            raise KeyError(f"no Drive file {file_id!r}")
        return item

    def _sync_drive(self) -> None:
        """Give every spreadsheet its Drive entry, named after its current title."""
        for sid, book in self._books.items():
            item = self._drive.files.get(sid)
            if item is None:
                item = DriveFile(sid, "", SHEETS_MIME, [ROOT_FOLDER], CREATED, CREATED)
                self._drive.files[sid] = item
            item.name = book.properties["title"]

    # -- HTTP plumbing --------------------------------------------------------------------

    def _book(self, sid: str) -> Spreadsheet:
        try:
            return self._books[sid]
        except KeyError:
            raise ApiError(404) from None

    def _respond(self, request: PreparedRequest) -> tuple[int, dict[str, str], str | bytes]:
        split = urlsplit(request.url or "")
        url = f"{split.scheme}://{split.netloc}{split.path}"
        params = parse_qs(split.query, keep_blank_values=True)
        sent = request.body
        raw = sent.encode() if isinstance(sent, str) else sent if isinstance(sent, bytes) else b""
        verb = request.method or "GET"
        match = next((m for api in self._apis if (m := api.match(verb, url))), None)
        problems: list[str] = []
        body: Any = None
        upload: Media | None = None
        if match is not None and match.method.upload:
            sent_type = request.headers.get("Content-Type") or ""
            content_type = (
                sent_type.decode("latin-1") if isinstance(sent_type, bytes) else sent_type
            )
            try:
                body, upload = drive.read_upload(_first(params, "uploadType"), content_type, raw)
            except ValueError as e:
                problems.append(str(e))
        elif raw:
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
            upload=upload,
        )
        self.calls.append(call)
        for hook in self._hooks:
            hook(call)
        drive_host = split.netloc == "www.googleapis.com"
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
            status, payload = e.code, e.body(drive=drive_host)
        if isinstance(payload, Media):
            call.status = payload.status
            headers = {"Content-Type": payload.mime_type} if payload.mime_type else {}
            return payload.status, headers, payload.data
        call.status = status
        headers = {"Content-Type": "application/json; charset=UTF-8"}
        return status, headers, _wire(payload)

    def _handle(
        self, match: Match, call: Call, params: dict[str, list[str]], body: Json
    ) -> Json | Media:
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
        upload = match.method.upload
        name = (UPLOAD_ROUTES if upload else ROUTES).get(call.method_id)
        if upload and call.upload is None:
            name = None  # resumable uploads
        route: Callable[..., Json | Media] | None = getattr(self, name) if name else None
        if route is None:
            what = call.method_id
            if upload:
                what += f" (upload, uploadType={_first(params, 'uploadType')})"
            self.not_implemented.append(what)
            raise Invalid(f"FakeSheets does not implement {what}")
        try:
            if upload:
                result = route(match.path, params, body, call.upload)
            else:
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
        self._sync_drive()
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

    def _check_writable(self, body: Json) -> None:
        if any(key in self._output_only for key in body):
            raise ApiError(
                403,
                "The resource body includes fields which are not directly writable.",
                "fieldNotWritable",
            )

    def _new_file(
        self, body: Json, mime_type: str, default_name: str, content: bytes | None
    ) -> DriveFile:
        """A folder or blob from create's metadata (already checked by the discovery doc)."""
        self._check_writable(body)
        file_id = body.get("id") or self._new_id()
        self._sync_drive()
        if file_id in self._drive.files or file_id == ROOT_FOLDER:
            raise ApiError(409, "A file already exists with the provided ID.", "duplicate")
        plain = ("id", "name", "mimeType", "parents", "trashed", "contentHints")
        extra = {k: copy.deepcopy(v) for k, v in body.items() if k not in plain}
        item = self._drive.add(
            file_id,
            body.get("name") or default_name,
            mime_type,
            body.get("parents") or [],
            content,
            extra,
        )
        if body.get("trashed"):
            item.explicitly_trashed, item.trashed_time = True, item.created
        return item

    def _file_reply(self, item: DriveFile, params: dict[str, list[str]]) -> Json:
        """The File resource: all of it for a ``fields`` mask (applied by ``_handle``), else
        Drive v3's default four fields."""
        resource = self._drive.resource(item)
        return resource if "fields" in params else drive.default_view(resource)

    def _file_create(self, path: dict[str, str], params: dict[str, list[str]], body: Json) -> Json:
        """Metadata-only create: a spreadsheet, a folder, or an empty blob."""
        mime = body.get("mimeType") or OCTET
        if mime == SHEETS_MIME:
            self._check_writable(body)
            parents = self._drive.check_parents(body.get("parents") or [])
            sid = self.create_spreadsheet(body.get("name") or "Untitled spreadsheet")
            self._drive.files[sid].parents = parents
            return self._file_reply(self._drive.files[sid], params)
        if mime.startswith(GOOGLE_APPS) and mime != FOLDER_MIME:
            self.not_implemented.append(f"drive.files.create: mimeType {mime}")
            raise Invalid(f"FakeSheets does not implement drive.files.create for {mime}")
        content = None if mime == FOLDER_MIME else b""
        return self._file_reply(self._new_file(body, mime, "Untitled", content), params)

    def _file_upload(
        self, path: dict[str, str], params: dict[str, list[str]], body: Json, media: Media
    ) -> Json:
        """``uploadType=multipart`` (metadata part + media part) or ``media`` (bytes only)."""
        mime = body.get("mimeType") or media.mime_type or OCTET
        if mime.startswith(GOOGLE_APPS):
            what = f"drive.files.create: upload as {mime}"
            if mime != FOLDER_MIME:
                self.not_implemented.append(what + " (conversion)")
            raise Invalid(f"FakeSheets does not implement {what}")
        return self._file_reply(self._new_file(body, mime, "Untitled", media.data), params)

    def _file_get(
        self, path: dict[str, str], params: dict[str, list[str]], body: Json
    ) -> Json | Media:
        """A File resource; ``alt=media`` answers a blob's bytes."""
        self._sync_drive()
        if drive.canonical(path["fileId"]) == ROOT_FOLDER:
            if _first(params, "alt") == "media":
                raise _not_downloadable()
            root = drive.root_resource()
            return root if "fields" in params else drive.default_view(root)
        item = self._drive.find(path["fileId"])
        if _first(params, "alt") == "media":
            if item.content is None:
                raise _not_downloadable()
            return Media(item.content, item.mime_type)
        return self._file_reply(item, params)

    def _file_delete(self, path: dict[str, str], params: dict[str, list[str]], body: Json) -> Media:
        """Permanent deletion (with everything below a folder): 204, no body."""
        self._sync_drive()
        self._drive.find(path["fileId"])
        self.delete_drive_file(path["fileId"])
        return Media(b"", "", 204)

    def _file_list(self, path: dict[str, str], params: dict[str, list[str]], body: Json) -> Json:
        """Spreadsheets, folders and files, filtered by the ``q`` clauses
        ``'<id>' in parents``, ``name = '…'``, ``mimeType = '…'`` / ``!=``, ``trashed = …``
        joined by ``and`` (other clauses are ignored: they match everything), in creation
        order, ``pageSize`` (default 100, at most 1000) per page."""
        self._sync_drive()
        keep = drive.query_filter(_first(params, "q"))
        size = int(_first(params, "pageSize", str(PAGE_SIZE)))
        if size < 1:
            raise Invalid(f"Invalid value '{size}'. Values must be within the range: [1, 1000]")
        size = min(size, MAX_PAGE_SIZE)
        token = _first(params, "pageToken")
        if token and not re.fullmatch(r"page-\d+", token):
            raise Invalid(f"Invalid Value: pageToken {token!r}")
        start = int(token[5:]) if token else 0
        found = [
            item
            for fid, item in self._drive.files.items()
            if fid not in self._denied and keep(item, self._drive.is_trashed(item))
        ]
        page = found[start : start + size]
        wide = "fields" in params
        files = [
            self._drive.resource(f) if wide else drive.default_view(self._drive.resource(f))
            for f in page
        ]
        out: Json = {"kind": "drive#fileList", "incompleteSearch": False}
        if start + size < len(found):
            out["nextPageToken"] = f"page-{start + size}"
        out["files"] = files
        return out


def _not_downloadable() -> ApiError:
    return ApiError(
        403,
        "Only files with binary content can be downloaded. Use Export with Docs Editors files.",
        "fileNotDownloadable",
    )
