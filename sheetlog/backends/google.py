"""The Google Sheets backend, through gspread's HTTP client.

A pass costs a fixed number of calls whatever the log's size: ``read`` is one
``spreadsheets.get`` returning every tab's values, ``write`` is one atomic
``spreadsheets.batchUpdate``. Text goes in as ``stringValue``, which Sheets
stores literally, so nothing a person wrote is ever run as a formula.
"""

from __future__ import annotations

import json
import mimetypes
import random
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import singledispatchmethod
from typing import Any

import requests
from google.auth.credentials import Credentials
from google.auth.exceptions import GoogleAuthError
from gspread.exceptions import APIError
from gspread.urls import DRIVE_FILES_API_V3_URL, SPREADSHEETS_API_V4_BASE_URL

from ..errors import AccessError, BackendError, ConfigError, SheetlogError, UncertainWrite
from ..model.ops import (
    AddChart,
    AddFormatRule,
    AddTab,
    AppendRows,
    DeleteRowsIfUnchanged,
    DeleteTab,
    FreezeHeader,
    MarkCells,
    Op,
    ProtectHeader,
    SetCells,
    SetDropdown,
    SetNumberFormat,
    SetTextFormat,
    SetWidth,
    flag_may_paint,
)
from ..model.sheetdata import (
    SHEETS_CHARS_PER_CELL,
    CellValue,
    Layout,
    Link,
    Scope,
    Snapshot,
    Tab,
    a1_box,
)
from ..model.workbook import SETTINGS_TAB
from . import gtags
from .base import Backend
from .gauth import RetryingHTTPClient

DRIVE_UPLOAD_URL = "https://www.googleapis.com/upload/drive/v3/files"
DRIVE_FILE_URL = "https://drive.google.com/file/d/{}/view"
FOLDER_MIME = "application/vnd.google-apps.folder"

SHEET_URL = "https://docs.google.com/spreadsheets/d/{}/edit"
PROPERTIES = (
    "properties(sheetId,title,index,hidden,gridProperties(rowCount,columnCount,frozenRowCount))"
)
TAGS = "developerMetadata(metadataKey,metadataValue)"
LIST_FIELDS = f"sheets({PROPERTIES},{TAGS})"
READ_FIELDS = (
    f"sheets({PROPERTIES},{TAGS},merges,data(startRow,startColumn,"
    "rowData(values(effectiveValue,userEnteredFormat.backgroundColor))))"
)
LAYOUT_FIELDS = (
    "sheets(properties(sheetId,title,gridProperties(rowCount,columnCount,frozenRowCount)),"
    "conditionalFormats,protectedRanges(range,warningOnly),"
    "data(rowData(values(effectiveValue,dataValidation,userEnteredFormat.numberFormat))))"
)
MARK_COLOR = {"red": 0.957, "green": 0.8, "blue": 0.8}
DEFAULT_ROWS = 1000
DEFAULT_COLUMNS = 26
SHARE_ROLES = ("writer", "commenter", "reader")
CHART_TYPES = {"column": "COLUMN", "line": "LINE"}
CHART_PIXELS = (640, 320)
WRITE_LIMIT_BYTES = 2_000_000  # Google's advised maximum payload (api/limits)


@contextmanager
def translate_errors(spreadsheet_id: str, acting_as: str) -> Iterator[None]:
    """Turn gspread, google-auth and network failures into SheetlogError."""
    try:
        yield
    except SheetlogError:
        raise
    except APIError as exc:
        code = exc.code
        message = str(exc.error.get("message", exc)) if isinstance(exc.error, dict) else str(exc)
        if code in (403, 404):
            raise AccessError(
                f"spreadsheet {spreadsheet_id} not found or not shared with {acting_as}"
                f" — share it with that address (Google said: {message})"
            ) from exc
        if code == 401:
            raise AccessError(f"Google refused the credentials: {message}") from exc
        if code == 429:
            raise BackendError(
                "Google's quota (about 60 requests a minute per user) is used up even after"
                " retries; wait a minute and run again"
            ) from exc
        if code >= 500:
            raise BackendError(f"Google Sheets failed (HTTP {code}): {message}") from exc
        raise BackendError(f"Google Sheets refused the request (HTTP {code}): {message}") from exc
    except GoogleAuthError as exc:
        raise AccessError(f"Google sign-in failed for {acting_as}: {exc}") from exc
    except requests.RequestException as exc:
        raise BackendError(f"cannot reach Google Sheets: {exc}") from exc


@dataclass
class _Sheet:
    sheet_id: int
    rows: int
    columns: int


class GoogleBackend(Backend):
    """A log kept in one Google spreadsheet."""

    chars_per_cell = SHEETS_CHARS_PER_CELL

    def __init__(self, spreadsheet_id: str, credentials: Credentials, acting_as: str) -> None:
        self.spreadsheet_id = spreadsheet_id
        self.location = SHEET_URL.format(spreadsheet_id)
        self.acting_as = acting_as
        self.http = RetryingHTTPClient(credentials)
        self._sheets: dict[str, _Sheet] = {}
        self._untagged: dict[str, int] = {}
        self._marked: bool | None = None  # None: no listing of every tab in this pass
        self._fills: dict[str, dict[tuple[int, int], str]] = {}  # cell colours read this pass
        self._missing: set[str] = set()  # tabs a read of this pass looked for and missed
        self._families: tuple[str, ...] = ()  # prefixes whose every tab a read returned
        self._depth = 0  # whether the settings tab says every tab is tagged

    @classmethod
    def create(cls, title: str, credentials: Credentials, acting_as: str) -> GoogleBackend:
        """Create a new, empty spreadsheet (one ``spreadsheets.create`` call)."""
        with translate_errors("(new)", acting_as):
            http = RetryingHTTPClient(credentials)
            reply = http.request(
                "post", SPREADSHEETS_API_V4_BASE_URL, json={"properties": {"title": title}}
            ).json()
        backend = cls(reply["spreadsheetId"], credentials, acting_as)
        backend.http = http
        backend._remember(reply.get("sheets", []))
        return backend

    def share(self, email: str, role: str) -> None:
        """Give ``email`` access to the spreadsheet (one Drive ``permissions.create``).

        Sent directly rather than through gspread's ``insert_permission``, whose body
        carries ``withLink``, a field Drive v3's discovery document does not define.
        """
        if role not in SHARE_ROLES:
            raise ConfigError(
                f"--share {email}:{role}: role must be one of {', '.join(SHARE_ROLES)}"
            )
        with translate_errors(self.spreadsheet_id, self.acting_as):
            self.http.request(
                "post",
                f"{DRIVE_FILES_API_V3_URL}/{self.spreadsheet_id}/permissions",
                params={"sendNotificationEmail": "true", "supportsAllDrives": "true"},
                json={"type": "user", "role": role, "emailAddress": email},
            )

    # --- attachments ------------------------------------------------------------------

    def store_attachment(self, name: str, data: bytes, folder: str | None) -> tuple[str, str]:
        """A file in a Drive folder beside the spreadsheet (the ``drive.file`` scope lets
        sheetlog see what it made): one multipart upload; the first also makes the
        folder (two calls more)."""
        with translate_errors(self.spreadsheet_id, self.acting_as):
            folder = folder or self._new_attachments_folder()
            boundary = f"sheetlog-{secrets.token_hex(16)}"
            kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
            metadata = json.dumps({"name": name, "parents": [folder]})
            head = (
                f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
                f"{metadata}\r\n--{boundary}\r\nContent-Type: {kind}\r\n\r\n"
            )
            reply = self.http.request(
                "post",
                DRIVE_UPLOAD_URL,
                params={"uploadType": "multipart", "supportsAllDrives": "true", "fields": "id"},
                data=head.encode() + data + f"\r\n--{boundary}--\r\n".encode(),
                headers={"Content-Type": f"multipart/related; boundary={boundary}"},
            ).json()
        return DRIVE_FILE_URL.format(reply["id"]), folder

    def _new_attachments_folder(self) -> str:
        """A folder "<title> attachments" in the spreadsheet's own folder."""
        here = self.http.request(
            "get",
            f"{DRIVE_FILES_API_V3_URL}/{self.spreadsheet_id}",
            params={"fields": "name,parents", "supportsAllDrives": "true"},
        ).json()
        folder: dict[str, Any] = {"name": f"{here.get('name', 'sheetlog')} attachments"}
        folder |= {"mimeType": FOLDER_MIME, "parents": here.get("parents", [])[:1]}
        made = self.http.request(
            "post",
            DRIVE_FILES_API_V3_URL,
            params={"fields": "id", "supportsAllDrives": "true"},
            json=folder,
        ).json()
        return str(made["id"])

    def stored_attachments(self, folder: str) -> dict[str, str]:
        """The folder's files and the SHA-256 Drive computed of each (one call a 1,000)."""
        escaped = folder.replace("\\", "\\\\").replace("'", "\\'")
        params: dict[str, Any] = {
            "q": f"'{escaped}' in parents and trashed = false",
            "fields": "nextPageToken,files(name,sha256Checksum)",
            "pageSize": 1000,
            "supportsAllDrives": "true",
            "includeItemsFromAllDrives": "true",
        }
        found: dict[str, str] = {}
        with translate_errors(self.spreadsheet_id, self.acting_as):
            while True:
                page = self.http.request("get", DRIVE_FILES_API_V3_URL, params=params).json()
                for file in page.get("files", []):  # a name kept twice: a copy that differs
                    name, sha = str(file["name"]), str(file.get("sha256Checksum", ""))
                    if name not in found or not name.startswith(sha):
                        found[name] = sha
                if not page.get("nextPageToken"):
                    return found
                params["pageToken"] = page["nextPageToken"]

    # --- reading ----------------------------------------------------------------------

    def _get(self, params: dict[str, Any]) -> dict[str, Any]:
        with translate_errors(self.spreadsheet_id, self.acting_as):
            reply = self.http.fetch_sheet_metadata(self.spreadsheet_id, params)
        return dict(reply)

    def _remember(self, sheets: list[dict[str, Any]], every: bool = True) -> None:
        """Keep the ids and grid sizes of ``sheets``; ``every``: they are all the tabs."""
        if every:
            self._sheets = {}
        for sheet in sheets:
            props = sheet["properties"]
            grid = props.get("gridProperties", {})
            self._sheets[props["title"]] = _Sheet(
                props["sheetId"],
                grid.get("rowCount", DEFAULT_ROWS),
                grid.get("columnCount", DEFAULT_COLUMNS),
            )

    def _titles(self) -> list[dict[str, Any]]:
        """Every tab's properties and tags (one small ``spreadsheets.get``, no cell data)."""
        sheets: list[dict[str, Any]] = self._get({"fields": LIST_FIELDS}).get("sheets", [])
        self._remember(sheets)
        self._note_untagged(sheets)
        return sheets

    def _note_untagged(self, sheets: list[dict[str, Any]]) -> None:
        """From a listing of every tab: the tabs the next write tags, and whether the
        settings tab is to be marked as every tab tagged."""
        self._untagged = {}
        self._marked = False
        for sheet in sheets:
            props, keys = sheet["properties"], gtags.keys(sheet)
            if gtags.TAB not in keys:
                self._untagged[props["title"]] = props["sheetId"]
            if props["title"] == SETTINGS_TAB and gtags.TAGGED in keys:
                self._marked = True

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A pass: what reads learn of the tabs (ids, sizes, tags) is trusted until its
        end and forgotten then, as people add, rename and delete tabs between passes."""
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if not self._depth:
                self._sheets, self._untagged, self._marked = {}, {}, None
                self._missing, self._families = set(), ()
                self._fills = {}

    def close(self) -> None:
        """Close the HTTP session."""
        self.http.session.close()

    def read(self, scope: Scope) -> Snapshot:
        """One ``spreadsheets.getByDataFilter`` selecting the tabs of ``scope`` by their
        tags (``gtags``). A log whose tabs are not all tagged yet lists its tabs first
        and reads them by range (two calls); so does a scope no tag can select."""
        if scope.everything:
            reply = self._get({"includeGridData": "true", "fields": READ_FIELDS})
            sheets = reply.get("sheets", [])
            self._remember(sheets)
            self._note_untagged(sheets)
            return self._snapshot(sheets, scope)
        filters = gtags.scope_filters(scope)
        if filters is not None and not self._untagged:
            marked = [*filters, gtags.lookup(gtags.HEADER, SETTINGS_TAB)]
            sheets = self._filtered(marked)
            settings = next((s for s in sheets if s["properties"]["title"] == SETTINGS_TAB), None)
            if settings is not None and gtags.TAGGED in gtags.keys(settings):
                self._remember(sheets, every=False)
                returned = {sheet["properties"]["title"] for sheet in sheets}
                self._missing = (self._missing | scope.tabs | scope.probe) - returned
                # a family read by its tag came back whole: a title of it not returned is not there
                self._families += (*scope.prefixes, *scope.probe_prefixes)
                return self._snapshot(sheets, scope)
        listed = self._titles()
        sheets = self._ranged(_ranges(scope, listed)).get("sheets", [])
        self._remember(sheets, every=False)
        return self._snapshot(sheets, scope)

    def _snapshot(self, sheets: list[dict[str, Any]], scope: Scope) -> Snapshot:
        """``_snapshot`` of a reply, noting the colours of the cells of the tabs it read
        whole, which ``MarkCells`` decides by within the pass."""
        snapshot = _snapshot(sheets, scope)
        if self._depth:
            for sheet in sheets:
                title = sheet["properties"]["title"]
                if title in snapshot.tabs and scope.columns_of(title) is None:
                    self._fills[title] = _fills(sheet)
        return snapshot

    def _filtered(self, filters: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The sheets (properties, tags, data) that ``filters`` select: one call."""
        with translate_errors(self.spreadsheet_id, self.acting_as):
            reply = self.http.request(
                "post",
                f"{SPREADSHEETS_API_V4_BASE_URL}/{self.spreadsheet_id}:getByDataFilter",
                params={"fields": READ_FIELDS},
                json={"dataFilters": filters, "includeGridData": True},
            ).json()
        return [s for s in reply.get("sheets", []) if "data" in s]

    def _ranged(self, ranges: list[str]) -> dict[str, Any]:
        """The grid data of ``ranges`` (no call when there are none)."""
        if not ranges:
            return {}
        return self._get({"includeGridData": "true", "ranges": ranges, "fields": READ_FIELDS})

    def read_layout(self, title: str) -> Layout | None:
        if self._marked is None:  # no listing of every tab yet
            self._titles()
        if title not in self._sheets:
            return None
        reply = self._get({"ranges": f"{quote_title(title)}!1:2", "fields": LAYOUT_FIELDS})
        sheet = next(s for s in reply["sheets"] if s["properties"]["title"] == title)
        rows = _grid_rows(sheet)
        header_cells = rows[0] if rows else []
        first_row = rows[1] if len(rows) > 1 else []
        layout = Layout(
            header=[str(_cell_value(c) or "") for c in header_cells],
            frozen_rows=sheet["properties"].get("gridProperties", {}).get("frozenRowCount", 0),
        )
        for protected in sheet.get("protectedRanges", []):
            span = protected.get("range", {})
            if span.get("startRowIndex", 0) == 0 and span.get("endRowIndex") == 1:
                layout.header_protected = True
        for col, cell in enumerate(first_row):
            condition = cell.get("dataValidation", {}).get("condition", {})
            if condition.get("type") == "ONE_OF_LIST":
                layout.dropdowns[col] = tuple(v["userEnteredValue"] for v in condition["values"])
            if cell.get("userEnteredFormat", {}).get("numberFormat", {}).get("type") == "TEXT":
                layout.text_columns.add(col)
        for rule in sheet.get("conditionalFormats", []):
            if rule.get("booleanRule", {}).get("condition", {}).get("type") == "CUSTOM_FORMULA":
                for span in rule.get("ranges", []):
                    if span.get("startRowIndex") == 1:
                        first = span.get("startColumnIndex", 0)
                        layout.format_rules.update(
                            range(first, span.get("endColumnIndex", first + 1))
                        )
        return layout

    # --- writing ----------------------------------------------------------------------

    def write(self, ops: Sequence[Op]) -> None:
        """One atomic ``batchUpdate``. A tab to create on its first line (``AppendRows``
        with a header) that no read has seen or missed is looked up first; one another
        writer created meanwhile makes the batch fail whole, and it is built again."""
        made = {op.tab for op in ops if isinstance(op, AppendRows) and op.header is not None}
        unknown = made - self._sheets.keys() - self._missing
        if self._marked is None and {t for t in unknown if not t.startswith(self._families)}:
            self._titles()
        for attempt in (1, 2):
            try:
                self._send(ops)
                return
            except TabExists:
                if attempt == 2:
                    raise
                self._titles()

    def _send(self, ops: Sequence[Op]) -> None:
        try:
            builder = _Requests(self._sheets, self._fills)
            requests_ = builder.build(ops)
        except UnknownTab:  # outside a pass, or made meanwhile: list the tabs and look again
            self._titles()
            builder = _Requests(self._sheets, self._fills)
            requests_ = builder.build(ops)
        if not requests_:
            return
        requests_ += self._tagging(builder.sheets)
        with translate_errors(self.spreadsheet_id, self.acting_as):
            try:
                self.http.batch_update(self.spreadsheet_id, {"requests": requests_})
            except APIError as exc:
                if exc.code >= 500 or exc.code == 408:
                    raise UncertainWrite(
                        f"Google's reply to a write was lost (HTTP {exc.code})"
                    ) from exc
                if exc.code == 400 and "already exists" in str(exc):
                    raise TabExists(str(exc)) from exc
                raise
            except (requests.Timeout, requests.ConnectionError) as exc:
                raise UncertainWrite(f"Google's reply to a write was lost ({exc})") from exc
        self._sheets = builder.sheets
        self._missing -= self._sheets.keys()
        self._untagged = {}
        if self._marked is False and SETTINGS_TAB in self._sheets:
            self._marked = True

    def _tagging(self, sheets: dict[str, _Sheet]) -> list[dict[str, Any]]:
        """Tags for the tabs a listing found untagged (still there after this write), and
        the settings tab's mark once they all are."""
        found = [
            request
            for title, sheet_id in self._untagged.items()
            if title in sheets and sheets[title].sheet_id == sheet_id
            for request in gtags.tag_requests(sheet_id, title, sheets[title].columns)
        ]
        if self._marked is False and SETTINGS_TAB in sheets:
            found.append(gtags.marker(sheets[SETTINGS_TAB].sheet_id))
        return found

    # --- write size ---------------------------------------------------------------------

    write_limit = WRITE_LIMIT_BYTES

    def write_size(self, ops: Sequence[Op]) -> int:
        """The bytes of the batchUpdate body ``ops`` would send (JSON as requests encodes it)."""
        return len(json.dumps({"requests": _Requests(self._sheets, self._fills).build(ops)}))


def _extents(ops: Sequence[Op]) -> dict[str, tuple[int, int]]:
    """The rows and columns each tab's cell-writing ops reach, by title."""
    found: dict[str, tuple[int, int]] = {}
    for op in ops:
        match op:
            case SetCells(tab=tab, row=row, col=col, values=values):
                reach = (row + len(values) - 1, col + max(map(len, values), default=0))
            case SetNumberFormat(tab=tab, row=row, col=col, rows=rows, cols=cols):
                reach = (row + rows - 1, col + cols)
            case _:
                continue
        before = found.get(tab, (0, 0))
        found[tab] = (max(before[0], reach[0]), max(before[1], reach[1]))
    return found


def quote_title(title: str) -> str:
    """A tab title as A1 notation wants it: single-quoted, quotes doubled."""
    return "'" + title.replace("'", "''") + "'"


def _grid_rows(sheet: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """The CellData rows of a sheet's grid-data blocks, laid out from A1 (a block starts
    at its ``startRow``/``startColumn``; cells outside every block are empty)."""
    rows: list[list[dict[str, Any]]] = []
    for block in sheet.get("data") or []:
        top, left = block.get("startRow", 0), block.get("startColumn", 0)
        for offset, line in enumerate(block.get("rowData", [])):
            values = line.get("values", [])
            if not values:
                continue
            while len(rows) <= top + offset:
                rows.append([])
            row = rows[top + offset]
            if len(row) < left + len(values):
                row.extend([{}] * (left + len(values) - len(row)))
            row[left : left + len(values)] = values
    return rows


def _ranges(scope: Scope, listed: list[dict[str, Any]] | None) -> list[str]:
    """The A1 ranges that read ``scope``: whole tabs, a narrowed tab's header row and
    columns, a probed tab's first cell. ``listed``: every tab, when known."""
    if listed is None:
        wanted = sorted(scope.tabs)
        probed = sorted(scope.probe - scope.tabs)
    else:
        titles = [sheet["properties"]["title"] for sheet in listed]
        wanted = [t for t in titles if scope.wants(t)]
        probed = [t for t in titles if scope.probes(t)]
    ranges: list[str] = []
    for title in wanted:
        columns = scope.columns_of(title)
        if columns is None:
            ranges.append(quote_title(title))
            continue
        ranges.append(f"{quote_title(title)}!1:1")
        ranges += [f"{quote_title(title)}!{_letter(c)}2:{_letter(c)}" for c in columns]
    ranges += [f"{quote_title(title)}!A1" for title in probed]
    return ranges


def _letter(col: int) -> str:
    """The A1 letters of a 0-based column."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _snapshot(sheets: list[dict[str, Any]], scope: Scope) -> Snapshot:
    """The tabs of a ``spreadsheets.get`` reply that ``scope`` reads or probes."""
    tabs: dict[str, Tab] = {}
    probed: dict[str, Tab] = {}
    for sheet in sheets:
        props = sheet["properties"]
        title = props["title"]
        grid = props.get("gridProperties", {})
        tab = Tab(
            title=title,
            rows=[],
            hidden=bool(props.get("hidden", False)),
            index=props.get("index", 0),
            frozen_rows=grid.get("frozenRowCount", 0),
            grid_rows=grid.get("rowCount", DEFAULT_ROWS),
            grid_columns=grid.get("columnCount", DEFAULT_COLUMNS),
            merged=tuple(_a1(box, grid) for box in sheet.get("merges", [])),
        )
        if scope.wants(title):
            tab.rows = [[_cell_value(c) for c in row] for row in _grid_rows(sheet)]
            while tab.rows and not any(v is not None for v in tab.rows[-1]):
                tab.rows.pop()
            tabs[title] = tab
        elif scope.probes(title):
            probed[title] = tab
    return Snapshot(tabs, probed)


def _a1(box: dict[str, Any], grid: dict[str, Any]) -> str:
    """A merge's GridRange in A1 notation (open ends reach the grid's edge)."""
    top, left = box.get("startRowIndex", 0), box.get("startColumnIndex", 0)
    bottom = box.get("endRowIndex", grid.get("rowCount", DEFAULT_ROWS))
    right = box.get("endColumnIndex", grid.get("columnCount", DEFAULT_COLUMNS))
    return a1_box(top + 1, left, bottom, right - 1)


def _rgb(colour: dict[str, Any]) -> str:
    """A Sheets Color as ``RRGGBB`` (Sheets keeps 8 bits a channel)."""
    return "".join(f"{round(float(colour.get(k, 0)) * 255):02X}" for k in ("red", "green", "blue"))


MARK_RGB = _rgb(MARK_COLOR)


def _fills(sheet: dict[str, Any]) -> dict[tuple[int, int], str]:
    """The background colours of a sheet's cells as read, by (sheet row, 0-based column)."""
    found = {}
    for r, row in enumerate(_grid_rows(sheet), start=1):
        for c, cell in enumerate(row):
            colour = cell.get("userEnteredFormat", {}).get("backgroundColor")
            if colour:
                found[(r, c)] = _rgb(colour)
    return found


def _cell_value(cell: dict[str, Any]) -> CellValue:
    """A cell's effective value as Python: text, number, bool, or None."""
    value = cell.get("effectiveValue")
    if not value:
        return None
    if "stringValue" in value:
        return str(value["stringValue"])
    if "numberValue" in value:
        return float(value["numberValue"])
    if "boolValue" in value:
        return bool(value["boolValue"])
    return f"#ERROR: {value.get('errorValue', {}).get('message', 'formula error')}"


def _cell_data(value: CellValue, bold: bool = False) -> dict[str, Any]:
    """A CellData that stores ``value`` literally (a workbook's datetime as ISO text)."""
    data: dict[str, Any] = {}
    if isinstance(value, datetime | date):
        value = value.isoformat()
    if isinstance(value, str):
        data["userEnteredValue"] = {"stringValue": str(value)}
        if isinstance(value, Link) and value:
            data["textFormatRuns"] = [{"startIndex": 0, "format": {"link": {"uri": value.url}}}]
    elif isinstance(value, bool):
        data["userEnteredValue"] = {"boolValue": value}
    elif isinstance(value, int | float):
        data["userEnteredValue"] = {"numberValue": value}
    if bold:
        data["userEnteredFormat"] = {"textFormat": {"bold": True}}
    return data


def _value_fields(values: Sequence[Sequence[CellValue]]) -> str:
    """The field mask of cells holding ``values``: their links too, where there are some."""
    linked = any(isinstance(v, Link) for line in values for v in line)
    return "userEnteredValue,textFormatRuns" if linked else "userEnteredValue"


def _rows(values: Sequence[Sequence[CellValue]], bold: bool = False) -> list[dict[str, Any]]:
    return [{"values": [_cell_data(v, bold) for v in line]} for line in values]


class UnknownTab(BackendError):
    """An op names a tab the backend has not seen."""


class TabExists(BackendError):
    """A batch adds a tab another writer added since this pass looked."""


class _Requests:
    """Translates ops into batchUpdate sub-requests, tracking tabs added in the same batch."""

    def __init__(
        self, sheets: dict[str, _Sheet], fills: dict[str, dict[tuple[int, int], str]] | None = None
    ) -> None:
        self.sheets = {title: replace(sheet) for title, sheet in sheets.items()}
        self.fills = fills or {}
        self.out: list[dict[str, Any]] = []

    def build(self, ops: Sequence[Op]) -> list[dict[str, Any]]:
        self.extents = _extents(ops)
        for op in ops:
            self._one(op)
        return self.out

    def _sheet(self, title: str) -> _Sheet:
        if title not in self.sheets:
            raise UnknownTab(f'tab "{title}" does not exist in the spreadsheet')
        return self.sheets[title]

    def _grow(self, sheet: _Sheet, rows: int, columns: int) -> None:
        """Extend the grid first: Sheets rejects writes outside it. Appended at the end, so
        a count grown meanwhile (``appendCells`` adds rows) never inserts amid the rows."""
        for dimension, needed, have in (
            ("ROWS", rows, sheet.rows),
            ("COLUMNS", columns, sheet.columns),
        ):
            if needed > have:
                self.out.append(
                    {
                        "appendDimension": {
                            "sheetId": sheet.sheet_id,
                            "dimension": dimension,
                            "length": needed - have,
                        }
                    }
                )
        sheet.rows, sheet.columns = max(rows, sheet.rows), max(columns, sheet.columns)

    def _column(self, sheet: _Sheet, col: int) -> dict[str, Any]:
        """The data rows (2..end) of one column (grown into the grid first)."""
        self._grow(sheet, 0, col + 1)
        return {
            "sheetId": sheet.sheet_id,
            "startRowIndex": 1,
            "startColumnIndex": col,
            "endColumnIndex": col + 1,
        }

    @singledispatchmethod
    def _one(self, op: Op) -> None:
        raise BackendError(f"the Google backend cannot apply {type(op).__name__}")

    @_one.register
    def _delete_tab(self, op: DeleteTab) -> None:
        self.out.append({"deleteSheet": {"sheetId": self._sheet(op.title).sheet_id}})
        del self.sheets[op.title]

    @_one.register
    def _add_tab(self, op: AddTab) -> None:
        # as wide as its header, one blank row below it (rows appended later copy the last
        # row's format, whichever reading of appendDimension holds, and a frozen header
        # needs a row below it), no other spare rows (every cell counts against the
        # spreadsheet's limit); the cells this batch writes come with the tab, as grown
        # later they would copy the format of the row above (a bold title)
        height, width = self.extents.get(op.title, (0, 0))
        height = max(height, 1 + max(op.room, 1))
        width = max(1, len(op.header), width)
        sheet = _Sheet(random.randint(1, 2**31 - 1), height, width)
        self.sheets[op.title] = sheet
        grid = {"rowCount": sheet.rows, "columnCount": sheet.columns}
        properties = {"sheetId": sheet.sheet_id, "title": op.title, "hidden": op.hidden}
        if op.index is not None:
            properties["index"] = op.index
        self.out.append({"addSheet": {"properties": {**properties, "gridProperties": grid}}})
        self._update_cells(sheet, 0, 0, (op.header,), bold=True)
        self.out += gtags.tag_requests(sheet.sheet_id, op.title, sheet.columns)

    @_one.register
    def _set_cells(self, op: SetCells) -> None:
        self._update_cells(self._sheet(op.tab), op.row - 1, op.col, op.values, op.bold)

    @_one.register
    def _append_rows(self, op: AppendRows) -> None:
        if op.header is not None and op.tab not in self.sheets:
            self._add_tab(AddTab(op.tab, op.header, hidden=op.hidden))
        sheet = self._sheet(op.tab)
        self._grow(sheet, op.after or 0, max((len(r) for r in op.rows), default=0))
        if op.after == 1 and sheet.rows > 1:
            # under a lone header: rows inserted there would push the rules and drop-downs
            # that start at row 2 down with the rows below, so row 2 (blank when read) and
            # on are written as they are
            self._update_cells(sheet, 1, 0, op.rows)
            return
        if op.after is not None:  # rows inserted under the last row read, then filled
            span = {"sheetId": sheet.sheet_id, "dimension": "ROWS", "startIndex": op.after}
            below = op.after < sheet.rows  # a blank row below: take its format and drop-downs
            span["endIndex"] = op.after + len(op.rows)
            self.out.append({"insertDimension": {"range": span, "inheritFromBefore": not below}})
            sheet.rows += len(op.rows)
            self._update_cells(sheet, op.after, 0, op.rows)
            return
        self.out.append(
            {
                "appendCells": {
                    "sheetId": sheet.sheet_id,
                    "rows": _rows(op.rows),
                    "fields": _value_fields(op.rows),
                }
            }
        )

    @_one.register
    def _delete_rows(self, op: DeleteRowsIfUnchanged) -> None:
        self._delete_if_unchanged(self._sheet(op.tab), op.rows, op.at, op.last)

    @_one.register
    def _mark_cells(self, op: MarkCells) -> None:
        sheet = self._sheet(op.tab)
        self._grow(sheet, op.row, max(op.cols, default=0) + 1)
        cell = {"userEnteredFormat": {"backgroundColor": MARK_COLOR}} if op.on else {}
        read = self.fills.get(op.tab)  # the colours this pass read (None: not read)
        for col in op.cols:
            if read is not None and not flag_may_paint(read.get((op.row, col)), MARK_RGB, op.on):
                continue  # a colour of a person's: never replaced, never cleared
            self.out.append(
                {
                    "repeatCell": {
                        "range": _grid(sheet, op.row - 1, op.row, col, col + 1),
                        "cell": cell,
                        "fields": "userEnteredFormat.backgroundColor",
                    }
                }
            )

    @_one.register
    def _freeze_header(self, op: FreezeHeader) -> None:
        properties = {
            "sheetId": self._sheet(op.tab).sheet_id,
            "gridProperties": {"frozenRowCount": 1},
        }
        self.out.append(
            {
                "updateSheetProperties": {
                    "properties": properties,
                    "fields": "gridProperties.frozenRowCount",
                }
            }
        )

    @_one.register
    def _protect_header(self, op: ProtectHeader) -> None:
        header = {"sheetId": self._sheet(op.tab).sheet_id, "startRowIndex": 0, "endRowIndex": 1}
        self.out.append(
            {
                "addProtectedRange": {
                    "protectedRange": {
                        "range": header,
                        "description": op.message,
                        "warningOnly": True,
                    }
                }
            }
        )

    @_one.register
    def _set_dropdown(self, op: SetDropdown) -> None:
        condition = {
            "type": "ONE_OF_LIST",
            "values": [{"userEnteredValue": c} for c in op.choices],
        }
        rule = {
            "condition": condition,
            "inputMessage": "Choose one of: " + ", ".join(op.choices),
            "strict": False,
            "showCustomUi": True,
        }
        column = self._column(self._sheet(op.tab), op.col)
        self.out.append({"setDataValidation": {"range": column, "rule": rule}})

    @_one.register
    def _add_format_rule(self, op: AddFormatRule) -> None:
        condition = {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": op.formula}]}
        rule = {
            "ranges": [self._column(self._sheet(op.tab), op.col)],
            "booleanRule": {"condition": condition, "format": {"backgroundColor": MARK_COLOR}},
        }
        self.out.append({"addConditionalFormatRule": {"index": 0, "rule": rule}})

    @_one.register
    def _set_text_format(self, op: SetTextFormat) -> None:
        self.out.append(
            {
                "repeatCell": {
                    "range": self._column(self._sheet(op.tab), op.col),
                    "cell": {"userEnteredFormat": {"numberFormat": {"type": "TEXT"}}},
                    "fields": "userEnteredFormat.numberFormat",
                }
            }
        )

    @_one.register
    def _set_width(self, op: SetWidth) -> None:
        sheet = self._sheet(op.tab)
        self._grow(sheet, 0, op.col + 1)
        span = {"sheetId": sheet.sheet_id, "dimension": "COLUMNS"}
        self.out.append(
            {
                "updateDimensionProperties": {
                    "range": {**span, "startIndex": op.col, "endIndex": op.col + 1},
                    "properties": {"pixelSize": op.chars * 7 + 12},
                    "fields": "pixelSize",
                }
            }
        )

    @_one.register
    def _set_number_format(self, op: SetNumberFormat) -> None:
        sheet = self._sheet(op.tab)
        self._grow(sheet, op.row + op.rows - 1, op.col + op.cols)
        number = {"numberFormat": {"type": "NUMBER", "pattern": op.pattern}}
        self.out.append(
            {
                "repeatCell": {
                    "range": _grid(
                        sheet, op.row - 1, op.row - 1 + op.rows, op.col, op.col + op.cols
                    ),
                    "cell": {"userEnteredFormat": number},
                    "fields": "userEnteredFormat.numberFormat",
                }
            }
        )

    @_one.register
    def _add_chart(self, op: AddChart) -> None:
        self.out.append({"addChart": {"chart": _chart(self._sheet(op.tab), op)}})

    def _delete_if_unchanged(
        self,
        sheet: _Sheet,
        rows: Sequence[Sequence[CellValue]],
        at: Sequence[int] = (),
        last: int = 0,
    ) -> None:
        """Compare-and-delete in one atomic batch: exactly the rows read at ``at`` that
        still hold ``rows``, and never another row, whatever people did meanwhile.

        Sheets' ``deleteDuplicates`` keeps the first of identical rows in its range and
        removes the later ones. Copies of ``rows`` are inserted right under the header,
        so each original still as read is a later duplicate of its copy. Alone, that
        would also remove any other row identical to a copy, or to another row (a row
        pasted twice). So, in the same batch, a helper column is added right of the
        grid, every row the read saw (2..``last``) gets its row number as read there,
        and each copy gets the number of the row it copies. Compared over every column
        and the helper, and only over the copies and the rows the read saw, a row is a
        duplicate only when it holds a copy's cells at the very place that row was read:
        identical rows elsewhere differ in the helper, and rows typed below ``last``
        are outside the range. A row people moved meanwhile (a sort, an insert above
        it) sits at another number and stays in Log: the pass sees it there and keeps
        it, to archive on a later pass. Then the copies and the helper column go.

        Without ``at`` (no read positions) every row identical to a copy goes. Known
        limits: ``deleteDuplicates`` ignores letter case, so a row whose only change
        since the read is the case of a letter counts as unchanged; the helper's numbers
        cost about 50 bytes a Log row in the request; a person deleting rows or columns
        in the instant between the read and this write makes it fail whole (nothing is
        applied; the next pass archives the rows).
        """
        if not rows:
            return
        count = len(rows)
        width = max(sheet.columns, max(len(r) for r in rows))
        self._grow(sheet, last, width)
        copies: Sequence[Sequence[CellValue]] = rows
        reach: dict[str, int] = {}
        if at:
            helper = sheet.columns  # right of every column: nobody's cells move
            columns = {"sheetId": sheet.sheet_id, "dimension": "COLUMNS"}
            line = {**columns, "startIndex": helper, "endIndex": helper + 1}
            self.out.append({"insertDimension": {"range": line, "inheritFromBefore": True}})
            sheet.columns += 1
            last = max(last, *at)
            self._update_cells(sheet, 1, helper, [(n,) for n in range(2, last + 1)])
            copies = [(*r, *(None,) * (helper - len(r)), n) for r, n in zip(rows, at, strict=True)]
            reach = {"endRowIndex": last + count}
        span = {
            "sheetId": sheet.sheet_id,
            "dimension": "ROWS",
            "startIndex": 1,
            "endIndex": 1 + count,
        }
        self.out.append({"insertDimension": {"range": span, "inheritFromBefore": False}})
        sheet.rows += count
        self._update_cells(sheet, 1, 0, copies)
        self.out.append(
            {
                "deleteDuplicates": {
                    "range": {
                        "sheetId": sheet.sheet_id,
                        "startRowIndex": 1,
                        **reach,
                        "startColumnIndex": 0,
                        "endColumnIndex": sheet.columns,
                    }
                }
            }
        )
        self.out.append({"deleteDimension": {"range": span}})
        sheet.rows -= count
        if at:
            self.out.append({"deleteDimension": {"range": line}})
            sheet.columns -= 1

    def _update_cells(
        self,
        sheet: _Sheet,
        row: int,
        col: int,
        values: Sequence[Sequence[CellValue]],
        bold: bool = False,
    ) -> None:
        width = max((len(line) for line in values), default=0)
        self._grow(sheet, row + len(values), col + width)
        fields = _value_fields(values) + (",userEnteredFormat.textFormat.bold" if bold else "")
        self.out.append(
            {
                "updateCells": {
                    "start": {"sheetId": sheet.sheet_id, "rowIndex": row, "columnIndex": col},
                    "rows": _rows(values, bold),
                    "fields": fields,
                }
            }
        )


def _grid(sheet: _Sheet, top: int, bottom: int, left: int, right: int) -> dict[str, Any]:
    """A GridRange: 0-based rows ``top``..``bottom`` and columns ``left``..``right``, ends open."""
    return {
        "sheetId": sheet.sheet_id,
        "startRowIndex": top,
        "endRowIndex": bottom,
        "startColumnIndex": left,
        "endColumnIndex": right,
    }


def _chart(sheet: _Sheet, op: AddChart) -> dict[str, Any]:
    """An EmbeddedChart: a basic chart over the block's cells, floating at its anchor cell."""
    top, bottom = op.header_row - 1, op.last_row

    def source(col: int) -> dict[str, Any]:
        return {"sourceRange": {"sources": [_grid(sheet, top, bottom, col, col + 1)]}}

    width, height = CHART_PIXELS
    return {
        "spec": {
            "title": op.title,
            "basicChart": {
                "chartType": CHART_TYPES[op.kind],
                "legendPosition": "NO_LEGEND" if len(op.value_cols) == 1 else "BOTTOM_LEGEND",
                "headerCount": 1,
                "axis": [
                    {"position": "BOTTOM_AXIS", "title": op.x_title},
                    {"position": "LEFT_AXIS", "title": op.y_title},
                ],
                "domains": [{"domain": source(op.category_col)}],
                "series": [
                    {"series": source(col), "targetAxis": "LEFT_AXIS"} for col in op.value_cols
                ],
            },
        },
        "position": {
            "overlayPosition": {
                "anchorCell": {
                    "sheetId": sheet.sheet_id,
                    "rowIndex": op.anchor_row - 1,
                    "columnIndex": op.anchor_col,
                },
                "widthPixels": width,
                "heightPixels": height,
            }
        },
    }
