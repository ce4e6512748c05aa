"""Attachments: files kept beside the log, content-addressed, linked from a timeline line.

Each file is stored once under its SHA-256 (``<hex><suffix>``: a workbook's folder
beside it, a Drive folder beside the spreadsheet) and a timeline line on the ticket says
``attached NAME (N bytes, sha256 HEX)`` with a link to it in its Attachment cell. That
line is a leaf of the log's tree, so the hash is sealed with it; ``verify`` hashes
every stored file again and names one missing or changed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from ..errors import InvalidInput, InvalidValue
from ..model.messages import messages_tabs
from ..model.sheetdata import Snapshot, cell_length, escape_unstorable
from ..model.workbook import data_rows, row_values
from ..rules.cells import cell_text
from .evidence import ChainProblem

MAX_BYTES = 5 * 1024 * 1024
"""The largest file ``attach`` takes: evidence (labels, receipts, screenshots), not media.
It is what Drive documents for one multipart upload; the same on every backend."""
FOLDER_SETTING = "attachments_folder"
"""The settings line naming where a log keeps its attachments (a folder, or a Drive id)."""
NAME_CHARS = 200
_SAID = re.compile(
    r"^attached (?P<name>.+) \((?P<size>[\d,]+) bytes?, sha256 (?P<hex>[0-9a-f]{64})\)$"
)
_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,10}$")


@dataclass(frozen=True)
class Attachment:
    """A file to attach: its name as people know it, its bytes and their SHA-256."""

    name: str
    data: bytes
    digest: str

    @property
    def stored_name(self) -> str:
        """The name it is kept under: its hash and its suffix (so it opens by type)."""
        return stored_name(self.digest, self.name)

    def said(self) -> str:
        """The timeline line's text."""
        size = len(self.data)
        return f"attached {self.name} ({size:,} byte{'s' * (size != 1)}, sha256 {self.digest})"


def stored_name(digest: str, name: str) -> str:
    """``<hex><suffix>``: a suffix of letters and digits only, else none."""
    suffix = PurePath(name).suffix.lower()
    return digest + (suffix if _SUFFIX.match(suffix) else "")


def read_files(paths: Sequence[str | Path], limit: int = MAX_BYTES) -> list[Attachment]:
    """Each file's bytes and hash, before anything is written; InvalidInput naming the
    first file that is missing, unreadable, too large or unnamed."""
    if not paths:
        raise InvalidInput("attach needs at least one FILE")
    found = []
    for given in paths:
        path = Path(given)
        name = escape_unstorable(path.name, breaks=True)
        if not name or cell_length(name) > NAME_CHARS:
            raise InvalidValue("FILE", str(given), f"a file name of 1 to {NAME_CHARS} characters")
        try:
            if path.exists() and not path.is_file():  # a folder, a device, a pipe
                raise InvalidValue("FILE", str(given), "a file", "not a regular file")
            with path.open("rb") as handle:
                data = handle.read(limit + 1)  # never more than the limit, whatever stat said
            if len(data) > limit:
                raise InvalidValue(
                    "FILE", str(given), f"a file of at most {limit // (1024 * 1024)} MB"
                )
        except OSError as exc:
            hint = exc.strerror or ""
            raise InvalidValue("FILE", str(given), "a file sheetlog can read", hint) from None
        found.append(Attachment(name, data, hashlib.sha256(data).hexdigest()))
    return found


@dataclass(frozen=True)
class Referenced:
    """A timeline line that attached a file: where it stands and what it says."""

    tab: str
    row: int
    ticket: str
    name: str
    digest: str


def attached_digest(text: str) -> str:
    """The SHA-256 a timeline line that attached a file names (its Text), else ""."""
    said = _SAID.match(text)
    return said["hex"] if said else ""


def referenced(snapshot: Snapshot) -> list[Referenced]:
    """Every attachment the Messages tabs read name (lines with a link, saying
    ``attached NAME (... sha256 HEX)``)."""
    found = []
    for tab in messages_tabs(snapshot):
        for number, cells in data_rows(tab):
            values = row_values(tab.header, cells)
            said = _SAID.match(cell_text(values.get("Text")))
            if said and cell_text(values.get("Attachment")):
                ticket = cell_text(values.get("Ticket ID"))
                found.append(Referenced(tab.title, number, ticket, said["name"], said["hex"]))
    return found


def problems(refs: Sequence[Referenced], stored: Mapping[str, str]) -> list[ChainProblem]:
    """Each referenced file that is not stored, or whose bytes no longer hash to what its
    line sealed (``stored``: each stored file's name and the SHA-256 of its bytes now)."""
    out = []
    for ref in refs:
        name = stored_name(ref.digest, ref.name)
        now = stored.get(name)
        if now is None:
            what = f"attachment {ref.name} is missing (no {name} where the log keeps them)"
        elif now != ref.digest:
            what = f"attachment {ref.name} was changed: its bytes hash to sha256 {now}"
        else:
            continue
        out.append(ChainProblem(ref.tab, ref.row, ref.ticket, what))
    return out
