"""Drive v3 files for the fake: folders, uploaded blobs and the Drive side of spreadsheets,
multipart upload bodies, and the part of the ``q`` search grammar clients use."""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from typing import Any

from .errors import ApiError, Invalid

Json = dict[str, Any]

ROOT_FOLDER = "root-folder"  # the id of every test user's My Drive
FOLDER_MIME = "application/vnd.google-apps.folder"
SHEETS_MIME = "application/vnd.google-apps.spreadsheet"
GOOGLE_APPS = "application/vnd.google-apps."
OCTET = "application/octet-stream"
# what Drive v3 answers when the request has no ``fields``
DEFAULT_FIELDS = ("kind", "id", "name", "mimeType")


def output_only(schemas: dict[str, Any]) -> frozenset[str]:
    """File properties the discovery document marks "Output only.": a create request that
    sets one is refused (403 fieldNotWritable)."""
    props = schemas["File"]["properties"]
    return frozenset(
        k for k, v in props.items() if v.get("description", "").startswith("Output only")
    )


def now() -> str:
    """RFC 3339 UTC with milliseconds, as Drive writes times."""
    stamp = datetime.now(UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


@dataclass
class Media:
    """Bytes sent or answered with their content type (uploads, ``alt=media`` downloads).
    As a handler's result, ``status`` is the HTTP status (204: no body)."""

    data: bytes
    mime_type: str
    status: int = 200


@dataclass
class DriveFile:
    """One Drive item. ``content`` is None for folders and Google-native files."""

    id: str
    name: str
    mime_type: str
    parents: list[str]
    created: str
    modified: str
    content: bytes | None = None
    explicitly_trashed: bool = False
    trashed_time: str = ""
    version: int = 1
    extra: Json = field(default_factory=dict)  # other writable metadata given at creation

    def set_content(self, data: bytes, modified: str) -> None:
        self.content = bytes(data)
        self.modified = modified
        self.version += 1


# -- multipart upload bodies ----------------------------------------------------------------


def _header_params(value: str) -> Message:
    msg = Message()
    msg["Content-Type"] = value
    return msg


def parse_multipart(content_type: str, raw: bytes) -> list[tuple[dict[str, str], bytes]]:
    """The parts of a ``multipart/related`` body as (lower-cased headers, bytes). Accepts
    CRLF and bare LF line ends (googleapiclient writes LF); raises ValueError if malformed."""
    msg = _header_params(content_type)
    if msg.get_content_type() != "multipart/related":
        raise ValueError(
            f"Bad content type {content_type!r}: uploadType=multipart needs multipart/related."
        )
    boundary = msg.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise ValueError("Invalid multipart request: the Content-Type has no boundary.")
    delimiter = re.compile(
        rb"(?:^|\r?\n)--" + re.escape(boundary.encode()) + rb"(--)?[ \t]*(?:\r?\n|$)"
    )
    marks = list(delimiter.finditer(raw))
    closed = next((i for i, m in enumerate(marks) if m.group(1)), None)
    if closed is None:
        raise ValueError(
            f"Invalid multipart request with {max(len(marks) - 1, 0)} mime parts: "
            "no closing boundary."
        )
    parts: list[tuple[dict[str, str], bytes]] = []
    for start, end in itertools.pairwise(marks[: closed + 1]):
        chunk = raw[start.end() : end.start()]
        blank = re.match(rb"\r?\n", chunk) or re.search(rb"\r?\n\r?\n", chunk)
        if blank is None:
            raise ValueError("Invalid multipart request: a part has no blank line after headers.")
        headers: dict[str, str] = {}
        for line in re.split(rb"\r?\n", chunk[: blank.start()]):
            if not line:
                continue
            name, colon, value = line.decode("latin-1").partition(":")
            if not colon:
                raise ValueError(f"Invalid multipart request: bad part header {line!r}.")
            headers[name.strip().lower()] = value.strip()
        parts.append((headers, chunk[blank.end() :]))
    return parts


def _part_bytes(headers: dict[str, str], data: bytes) -> bytes:
    encoding = headers.get("content-transfer-encoding", "binary").lower()
    if encoding == "base64":
        try:
            return base64.b64decode(data, validate=False)
        except binascii.Error as e:
            raise ValueError(f"Invalid multipart request: bad base64 media ({e}).") from None
    if encoding not in ("binary", "8bit", "7bit"):
        raise ValueError(f"Unsupported Content-Transfer-Encoding {encoding!r}.")
    return data


def read_upload(upload_type: str, content_type: str, raw: bytes) -> tuple[Any, Media | None]:
    """(metadata, media) from a request to a ``/upload/`` URL; ValueError if malformed.
    ``resumable`` (not implemented) gives its JSON metadata and no media."""
    if upload_type == "media":
        return None, Media(raw, _header_params(content_type or OCTET).get_content_type())
    if upload_type == "multipart":
        parts = parse_multipart(content_type, raw)
        if len(parts) != 2:
            raise ValueError(
                f"Invalid multipart request with {len(parts)} mime parts: expected 2 "
                "(JSON metadata, then the media)."
            )
        (meta_headers, meta), (media_headers, media) = parts
        meta_type = meta_headers.get("content-type", "application/json")
        if _header_params(meta_type).get_content_type() != "application/json":
            raise ValueError(f"The metadata part must be application/json, not {meta_type!r}.")
        try:
            metadata = json.loads(_part_bytes(meta_headers, meta) or b"{}")
        except ValueError:
            raise ValueError(
                "Invalid JSON payload received: the metadata part is not JSON."
            ) from None
        media_type = _header_params(media_headers.get("content-type") or OCTET)
        return metadata, Media(_part_bytes(media_headers, media), media_type.get_content_type())
    if upload_type == "resumable" and raw:
        try:
            return json.loads(raw), None
        except ValueError:
            raise ValueError("Invalid JSON payload received: the body is not JSON.") from None
    return None, None  # another uploadType: the discovery check refuses it


# -- search queries ---------------------------------------------------------------------------

_TOKEN = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\band\b|[^'"\s]+|\s+""", re.I)
_STRING = r"""(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")"""
_IN_PARENTS = re.compile(rf"{_STRING}\s+in\s+parents", re.I)
_COMPARE = re.compile(rf"(name|mimeType)\s*(=|!=)\s*{_STRING}")
_TRASHED = re.compile(r"trashed\s*(=|!=)\s*(true|false)", re.I)


def _unquote(m: re.Match[str], first: int) -> str:
    text = m.group(first) if m.group(first) is not None else m.group(first + 1)
    return re.sub(r"\\(.)", r"\1", text)


def clauses(q: str) -> list[str]:
    """``q`` split on top-level ``and`` (outside quotes)."""
    out, current = [], ""
    for token in _TOKEN.findall(q):
        if token.lower() == "and":
            out.append(current.strip())
            current = ""
        else:
            current += token
    out.append(current.strip())
    return [c for c in out if c]


def query_filter(q: str) -> Callable[[DriveFile, bool], bool]:
    """A predicate (file, trashed) for the clauses of ``q`` the fake understands:
    ``'<id>' in parents``, ``name = '…'``, ``mimeType =|!= '…'``, ``trashed =|!= bool``,
    joined by ``and``; other clauses are ignored (they match every file)."""
    tests: list[tuple[str, bool, str]] = []  # (what, equal, value)
    for clause in clauses(q):
        if m := _IN_PARENTS.fullmatch(clause):
            tests.append(("parents", True, canonical(_unquote(m, 1))))
        elif m := _COMPARE.fullmatch(clause):
            tests.append((m.group(1), m.group(2) == "=", _unquote(m, 3)))
        elif m := _TRASHED.fullmatch(clause):
            tests.append(("trashed", m.group(1) == "=", m.group(2).lower()))

    def keep(f: DriveFile, trashed: bool) -> bool:
        for what, equal, value in tests:
            if what == "parents":
                hit = value in f.parents
            elif what == "trashed":
                hit = str(trashed).lower() == value
            else:
                hit = (f.name if what == "name" else f.mime_type) == value
            if hit != equal:
                return False
        return True

    return keep


def canonical(file_id: str) -> str:
    """``root`` is Drive's alias for the user's My Drive folder."""
    return ROOT_FOLDER if file_id == "root" else file_id


# -- the file store ------------------------------------------------------------------------------


class Drive:
    """Folders and blobs by id, plus an entry per spreadsheet (kept by FakeSheets)."""

    def __init__(self) -> None:
        self.files: dict[str, DriveFile] = {}

    def find(self, file_id: str) -> DriveFile:
        """The file, or ApiError 404 in Drive's words."""
        found = self.files.get(canonical(file_id))
        if found is None:
            raise ApiError(404, f"File not found: {file_id}.")
        return found

    def is_trashed(self, f: DriveFile) -> bool:
        """Trashed explicitly or through a trashed folder above it."""
        seen: set[str] = set()
        todo = [f]
        while todo:
            item = todo.pop()
            if item.explicitly_trashed:
                return True
            for pid in item.parents:
                parent = self.files.get(pid)
                if parent is not None and pid not in seen:
                    seen.add(pid)
                    todo.append(parent)
        return False

    def check_parents(self, parents: list[str]) -> list[str]:
        parents = [canonical(p) for p in parents] or [ROOT_FOLDER]
        if len(parents) > 1:
            raise ApiError(
                403, "Increasing the number of parents is not allowed.", "cannotAddParent"
            )
        for pid in parents:
            if pid == ROOT_FOLDER:
                continue
            if self.find(pid).mime_type != FOLDER_MIME:
                raise Invalid(f"The specified parent is not a folder: {pid}.")
        return parents

    def add(
        self,
        file_id: str,
        name: str,
        mime_type: str,
        parents: list[str],
        content: bytes | None = None,
        extra: Json | None = None,
        created: str | None = None,
    ) -> DriveFile:
        when = created or now()
        item = DriveFile(file_id, name, mime_type, self.check_parents(parents), when, when, content)
        item.extra = dict(extra or {})
        self.files[file_id] = item
        return item

    def descendants(self, file_id: str) -> list[str]:
        """``file_id`` and everything below it (for permanent deletion)."""
        out, todo = [], [file_id]
        while todo:
            current = todo.pop()
            out.append(current)
            todo.extend(f.id for f in self.files.values() if current in f.parents)
        return out

    def resource(self, f: DriveFile) -> Json:
        """The full File resource (FakeSheets masks it with ``fields``)."""
        trashed = self.is_trashed(f)
        out: Json = {
            "kind": "drive#file",
            "id": f.id,
            "name": f.name,
            "mimeType": f.mime_type,
            "parents": list(f.parents),
            "trashed": trashed,
            "explicitlyTrashed": f.explicitly_trashed,
            "createdTime": f.created,
            "modifiedTime": f.modified,
            "version": str(f.version),
            "ownedByMe": True,
            "spaces": ["drive"],
            "webViewLink": web_view_link(f),
        }
        if f.explicitly_trashed:
            out["trashedTime"] = f.trashed_time
        if f.content is not None:
            data = f.content
            out.update(
                size=str(len(data)),
                quotaBytesUsed=str(len(data)),
                md5Checksum=hashlib.md5(data).hexdigest(),
                sha1Checksum=hashlib.sha1(data).hexdigest(),
                sha256Checksum=hashlib.sha256(data).hexdigest(),
                headRevisionId=f"0B-fake-rev-{f.version}",
                originalFilename=f.name,
                webContentLink=f"https://drive.google.com/uc?id={f.id}&export=download",
            )
            if "." in f.name.strip(".") and not f.name.startswith("."):
                out["fileExtension"] = f.name.rsplit(".", 1)[1]
                out["fullFileExtension"] = f.name.split(".", 1)[1]
        elif f.mime_type == FOLDER_MIME:
            out["quotaBytesUsed"] = "0"
        for key, value in f.extra.items():
            out[key] = value
        return out


def web_view_link(f: DriveFile) -> str:
    if f.mime_type == FOLDER_MIME:
        return f"https://drive.google.com/drive/folders/{f.id}"
    if f.mime_type == SHEETS_MIME:
        return f"https://docs.google.com/spreadsheets/d/{f.id}/edit?usp=drivesdk"
    return f"https://drive.google.com/file/d/{f.id}/view?usp=drivesdk"


def root_resource() -> Json:
    """The My Drive folder itself (``files.get('root')``); never listed."""
    return {
        "kind": "drive#file",
        "id": ROOT_FOLDER,
        "name": "My Drive",
        "mimeType": FOLDER_MIME,
        "trashed": False,
        "explicitlyTrashed": False,
        "ownedByMe": True,
        "spaces": ["drive"],
        "webViewLink": f"https://drive.google.com/drive/folders/{ROOT_FOLDER}",
    }


def default_view(resource: Json) -> Json:
    """What Drive v3 answers for a File when the request names no ``fields``."""
    return {k: resource[k] for k in DEFAULT_FIELDS if k in resource}
