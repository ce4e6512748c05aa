"""Everyday writes (set cells, append rows, mark cells, add a tab) applied to an .xlsx package
by rewriting only the parts they change and copying every other zip member's compressed bytes:
a write costs what it touches, where openpyxl's load and save cost the whole workbook."""

from __future__ import annotations

import copy
import io
import math
import posixpath
import re
import struct
import time
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import quoteattr

from lxml import etree

from ..model.ops import AddTab, AppendRows, MarkCells, Op, SetCells, flag_may_paint
from ..model.sheetdata import CellValue, Link

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
WORKSHEET_REL = f"{REL}/worksheet"
STYLES_REL = f"{REL}/styles"
DRAWING_REL = f"{REL}/drawing"
CALC_CHAIN_REL = f"{REL}/calcChain"
WORKBOOK_REL = f"{REL}/officeDocument"
HYPERLINK_REL = f"{REL}/hyperlink"
RELS_TYPE = "application/vnd.openxmlformats-package.relationships+xml"
EMPTY_RELS = f'<Relationships xmlns="{PACKAGE_REL}"/>'.encode()
AFTER_HYPERLINKS = (
    b"printOptions|pageMargins|pageSetup|headerFooter|rowBreaks|colBreaks|customProperties|"
    b"cellWatches|ignoredErrors|smartTags|drawing|legacyDrawing|legacyDrawingHF|"
    b"drawingHF|picture|oleObjects|controls|webPublishItems|tableParts|extLst"
)
"""What follows <hyperlinks> in a worksheet (CT_Worksheet's order), so it goes before."""
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
MARK_RGB = "00F4CCCC"  # local.MARK_FILL, as openpyxl writes it
FAST_ABOVE = 4 << 20  # bigger parts are deflated at level 1: 3x faster than 6, 25% larger
MAX_ROW, MAX_COL = 1_048_576, 16_384
HEAD_BYTES = 4_096  # a worksheet part's root and <dimension> come well within this
TAIL_BYTES = 65_536  # enough of a part's end to hold its last row
EMPTY_SHEET = (
    f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><dimension ref="A1"/><sheetData/></worksheet>'
).encode()

Chunk = bytes | memoryview
Element = etree._Element


def _tag(name: str) -> str:
    return f"{{{MAIN}}}{name}"


C, F, V, IS, T, ROW = (_tag(n) for n in ("c", "f", "v", "is", "t", "row"))
VALUE_TAGS = {F, V, IS}
R_ID = f"{{{REL}}}id"
SHEET_DATA = re.compile(rb"<(?:([A-Za-z_][\w.\-]*):)?sheetData\b[^>]*>")
DIMENSION = re.compile(rb"(<(?:[\w.\-]+:)?dimension\b[^>]*?\sref\s*=\s*)([\"'])(.*?)\2")
CELL_REF = re.compile(rb"<(?:[\w.\-]+:)?c\s[^>]*?\br\s*=\s*[\"']([A-Z]{1,3})(\d+)")
ROW_NUMBER = re.compile(rb"\sr\s*=\s*[\"'](\d+)[\"']")
BOX = re.compile(r"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?")
PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?")
OTHER_ENCODING = re.compile(rb"encoding\s*=\s*[\"'](?!utf-8[\"'])", re.IGNORECASE)
BAD_TITLE = re.compile(r"[\\/*?:\[\]]|^'|'$")


def patchable(ops: Sequence[Op]) -> bool:
    """Whether every op is one this module applies (AddTab, SetCells, AppendRows, MarkCells).

    Values must be text, numbers (finite), booleans or None; dates go through openpyxl.
    """
    return all(_patchable(op) for op in ops)


def patch(source: Path, target: BinaryIO, ops: Sequence[Op]) -> None:
    """Write to ``target`` the package ``source`` with ``ops`` applied, in order.

    Raises ValueError for an op ``patchable`` refuses, a tab that does not exist, and a
    workbook this module cannot edit safely (encrypted parts, rows or cells without their
    ``r`` reference, a shared formula's anchor cell to overwrite): openpyxl can.
    """
    package = _Package(source)
    book = _Book(package)
    for op in ops:
        book.apply(op)
    parts, dropped = book.finish()
    _write_package(package, target, parts, dropped)


def titles(source: Path) -> list[str]:
    """The titles of the workbook's tabs, in tab order (read from workbook.xml alone)."""
    return [sheet.get("name", "") for sheet in _Book(_Package(source)).sheet_entries()]


def used_sizes(source: Path, wanted: Collection[str]) -> dict[str, tuple[int, int]]:
    """The rows and columns each tab of ``wanted`` uses, from A1: what its ``<dimension
    ref>`` declares, inflating only the head of its part. A part that declares none
    (openpyxl's write-only mode) is measured by its last cell, and its first and last
    rows' widths."""
    book = _Book(_Package(source))
    found = {}
    for title in wanted:
        part = book.tabs.get(title)
        name = book.package.name(part) if part is not None else None
        if name is None:
            continue
        match = DIMENSION.search(book.package.head(name))
        box = BOX.fullmatch(match.group(3).decode("ascii", "replace").upper()) if match else None
        if box is not None:
            right, bottom = box.group(3) or box.group(1), box.group(4) or box.group(2)
            found[title] = (int(bottom), _column_of(right) + 1)
        else:
            found[title] = _measured(book.package.read(name))
    return found


def _measured(data: bytes) -> tuple[int, int]:
    """A worksheet's rows (its last cell's) and columns (the widest of its first and last
    rows), from the cell references at its two ends."""
    cells = [*CELL_REF.findall(data[:TAIL_BYTES]), *CELL_REF.findall(data[-TAIL_BYTES:])]
    if not cells:
        return (0, 0)
    width = max(_column_of(letters.decode("ascii")) for letters, _ in cells) + 1
    return (int(cells[-1][1]), width)


def drawn(source: Path) -> set[str]:
    """The titles of the tabs that hold a drawing (where charts live)."""
    book = _Book(_Package(source))
    found = set()
    for title, part in book.tabs.items():
        rels = book.package.name(
            posixpath.join(posixpath.dirname(part), "_rels", f"{posixpath.basename(part)}.rels")
        )
        if rels is not None and DRAWING_REL.encode() in book.package.read(rels):
            found.add(title)
    return found


def _patchable(op: Op) -> bool:
    match op:
        case AddTab() | MarkCells():
            return True
        case SetCells(values=rows) | AppendRows(rows=rows):
            return all(_storable(value) for row in rows for value in row)
        case _:
            return False


def _storable(value: CellValue) -> bool:
    if isinstance(value, datetime | date):
        return False
    return not isinstance(value, float) or math.isfinite(value)


# --- the zip package ---------------------------------------------------------------------


class _Package:
    """The source .xlsx, read once: its members' raw bytes and their inflated contents."""

    def __init__(self, path: Path) -> None:
        self.data = path.read_bytes()
        self.view = memoryview(self.data)
        with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
            self.infos = archive.infolist()
            self.comment = archive.comment
        self.names = {info.filename.lower(): info.filename for info in self.infos}
        self._by_name = {info.filename: info for info in self.infos}

    def name(self, part: str) -> str | None:
        """The member holding ``part`` (part names ignore case), or None."""
        return self.names.get(part.lower())

    def member(self, part: str) -> str:
        """The member holding ``part``."""
        name = self.name(part)
        if name is None:
            raise ValueError(f"the package has no part {part}")
        return name

    def raw(self, info: zipfile.ZipInfo) -> memoryview:
        """The member's compressed bytes, as stored."""
        offset = info.header_offset
        if info.flag_bits & 0x1 or self.data[offset : offset + 4] != b"PK\x03\x04":
            raise ValueError(f"{info.filename} is encrypted or damaged")
        name_length, extra_length = struct.unpack_from("<HH", self.data, offset + 26)
        start = offset + 30 + name_length + extra_length
        return self.view[start : start + info.compress_size]

    def head(self, name: str, size: int = HEAD_BYTES) -> bytes:
        """The first ``size`` bytes of the member's contents (where a sheet's <dimension>
        is), inflating no more than that."""
        info = self._by_name[name]
        raw = self.raw(info)
        if info.compress_type == zipfile.ZIP_DEFLATED:
            return zlib.decompressobj(-15).decompress(raw, size)
        return bytes(raw[:size])

    def read(self, name: str) -> bytes:
        """The member's contents, inflated."""
        info = self._by_name[name]
        raw = self.raw(info)
        if info.compress_type == zipfile.ZIP_STORED:
            data = bytes(raw)
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            data = zlib.decompress(raw, -15, max(info.file_size, 1))
        else:
            raise ValueError(f"{name} uses a compression .xlsx files do not")
        if zlib.crc32(data) != info.CRC:
            raise ValueError(f"{name} is damaged (CRC mismatch)")
        return data


def _write_package(
    package: _Package, target: BinaryIO, parts: dict[str, list[Chunk]], dropped: set[str]
) -> None:
    """The package with ``parts`` replaced or added and ``dropped`` left out, in member order."""
    now = time.localtime()[:6]
    with zipfile.ZipFile(target, "w") as out:
        out.comment = package.comment
        for info in package.infos:
            if info.filename in dropped:
                continue
            entry = copy.copy(info)
            chunks = parts.pop(info.filename, None)
            if chunks is None:
                _put(out, entry, [package.raw(info)])
            else:
                entry.date_time = now
                _put(out, entry, _pack(entry, chunks))
        for name, chunks in parts.items():
            entry = zipfile.ZipInfo(name, now)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            _put(out, entry, _pack(entry, chunks))


def _pack(info: zipfile.ZipInfo, chunks: list[Chunk]) -> list[Chunk]:
    """Compress ``chunks`` as ``info`` says, setting its CRC and sizes."""
    crc = 0
    for chunk in chunks:
        crc = zlib.crc32(chunk, crc)
    info.CRC = crc
    info.file_size = sum(len(chunk) for chunk in chunks)
    payload = chunks
    if info.compress_type == zipfile.ZIP_DEFLATED:
        level = 1 if info.file_size > FAST_ABOVE else 6
        squeezer = zlib.compressobj(level, zlib.DEFLATED, -15)
        payload = [squeezer.compress(chunk) for chunk in chunks]
        payload.append(squeezer.flush())
    elif info.compress_type != zipfile.ZIP_STORED:
        raise ValueError(f"{info.filename} uses a compression .xlsx files do not")
    info.compress_size = sum(len(chunk) for chunk in payload)
    return payload


def _put(out: zipfile.ZipFile, info: zipfile.ZipInfo, payload: Iterable[Chunk]) -> None:
    """Store already-compressed bytes as a member, the way ZipFile.mkdir stores its entries."""
    handle = out.fp
    assert handle is not None  # open until the ZipFile closes
    info.flag_bits &= ~0x08  # sizes go in the local header: no data descriptor
    info.header_offset = handle.tell()
    handle.write(info.FileHeader())
    for chunk in payload:
        handle.write(chunk)
    out.filelist.append(info)
    out.NameToInfo[info.filename] = info
    out.start_dir = handle.tell()


# --- XML parts ---------------------------------------------------------------------------


class _Xml:
    """A small part parsed whole; written back after its own XML declaration."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        prolog = PROLOG.match(data)
        self.prolog = prolog.group() if prolog else b""
        if OTHER_ENCODING.search(self.prolog):
            raise ValueError("only UTF-8 parts can be patched")
        self.root = etree.fromstring(data, _parser())

    def dump(self) -> bytes:
        return self.prolog + etree.tostring(self.root, encoding="UTF-8")


class _Book:
    """The workbook's tabs and the parts that ops change."""

    def __init__(self, package: _Package) -> None:
        self.package = package
        self._xml: dict[str, _Xml] = {}
        self._dirty: set[str] = set()
        self._sheets: dict[str, _Sheet] = {}
        self._styles: _Styles | None = None
        self._formulas_removed = False
        self._links: dict[_Sheet, list[tuple[str, str]]] = {}  # cell ref, target
        self.workbook = self._part(self._target(self._part("_rels/.rels"), WORKBOOK_REL))
        if self.workbook.root.tag != _tag("workbook"):
            raise ValueError("only transitional SpreadsheetML workbooks can be patched")
        self.folder = posixpath.dirname(self.workbook.name)
        base = posixpath.basename(self.workbook.name)
        self.rels = self._part(posixpath.join(self.folder, "_rels", f"{base}.rels"))
        self.tabs = self._tabs()

    # --- finding parts

    def _part(self, part: str) -> _Xml:
        name = self.package.member(part)
        if name not in self._xml:
            self._xml[name] = _Xml(name, self.package.read(name))
        return self._xml[name]

    def _target(self, rels: _Xml, kind: str) -> str:
        """The part the first relationship of ``kind`` in ``rels`` points at."""
        folder = posixpath.dirname(posixpath.dirname(rels.name))
        for rel in rels.root:
            if rel.get("Type") == kind:
                return _resolve(folder, rel.get("Target", ""))
        raise ValueError(f"{rels.name} has no relationship {kind}")

    def sheet_entries(self) -> list[Element]:
        """The <sheet> elements of workbook.xml, in tab order."""
        return list(self.workbook.root.iterfind(f"{_tag('sheets')}/{_tag('sheet')}"))

    def _tabs(self) -> dict[str, str]:
        """Each worksheet's title and part name."""
        targets = {
            rel.get("Id"): _resolve(self.folder, rel.get("Target", ""))
            for rel in self.rels.root
            if rel.get("Type") == WORKSHEET_REL
        }
        return {
            sheet.get("name", ""): targets[sheet.get(R_ID)]
            for sheet in self.sheet_entries()
            if sheet.get(R_ID) in targets
        }

    def _sheet(self, title: str) -> _Sheet:
        part = self.tabs.get(title)
        if part is None:
            raise ValueError(f'the workbook has no tab "{title}"')
        if part not in self._sheets:
            self._sheets[part] = _Sheet(self.package.read(self.package.member(part)))
        return self._sheets[part]

    @property
    def styles(self) -> _Styles:
        if self._styles is None:
            self._styles = _Styles(self._part(self._target(self.rels, STYLES_REL)))
        return self._styles

    # --- ops

    def apply(self, op: Op) -> None:
        match op:
            case AddTab():
                self._add_tab(op)
            case SetCells(tab=tab, row=row, col=col, values=values, bold=bold):
                sheet = self._sheet(tab)
                for r, line in enumerate(values):
                    for c, value in enumerate(line):
                        self._set(sheet, row + r, col + c, value, bold)
            case AppendRows(tab=tab, rows=rows):
                sheet = self._sheet(tab)
                start = sheet.last_content_row() + 1
                for r, cells in enumerate(rows):
                    for c, cell in enumerate(cells):
                        if cell is not None and cell != "":
                            self._set(sheet, start + r, c, cell, False)
            case MarkCells(tab=tab, row=row, cols=cols, on=on):
                sheet = self._sheet(tab)
                for col in cols:
                    self._mark(sheet, row, col, on)
            case _:
                raise ValueError(f"xlsxpatch cannot apply {op!r}")

    def _set(self, sheet: _Sheet, row: int, col: int, value: CellValue, bold: bool) -> None:
        """Write one cell; "" empties it, as openpyxl and Sheets store an empty string."""
        value = None if value == "" else value
        cell = sheet.cell(row, col, create=value is not None or bold)
        if cell is None:
            return
        self._formulas_removed |= _clear(cell)
        if bold:
            _restyle(cell, self.styles.bold(_style(cell)))
        if value is not None:
            _fill(cell, value)
        if isinstance(value, Link):
            self._links.setdefault(sheet, []).append((cell.get("r", ""), value.url))

    def _mark(self, sheet: _Sheet, row: int, col: int, on: bool) -> None:
        cell = sheet.cell(row, col, create=False)
        current = _style(cell) if cell is not None else 0
        if not flag_may_paint(self.styles.fill_rgb(current), MARK_RGB[-6:], on):
            return  # a colour of a person's: never replaced, never cleared
        style = self.styles.fill(current, on)
        if cell is None and style:
            cell = sheet.cell(row, col, create=True)
        if cell is not None:
            _restyle(cell, style)

    def _add_tab(self, op: AddTab) -> None:
        if not op.title or len(op.title) > 31 or BAD_TITLE.search(op.title):
            raise ValueError(f'"{op.title}" is not a valid tab title')
        if op.title.lower() in {title.lower() for title in self.tabs}:
            raise ValueError(f'the workbook already has a tab "{op.title}"')
        part = self._free_sheet_name()
        self._add_sheet_entry(op, self._add_rel(posixpath.relpath(part, self.folder or ".")))
        types = self._part("[Content_Types].xml")
        override = etree.SubElement(types.root, f"{{{CONTENT_TYPES}}}Override")
        override.set("PartName", f"/{part}")
        override.set("ContentType", WORKSHEET_TYPE)
        self._dirty.update({self.workbook.name, self.rels.name, types.name})
        self._sheets[part] = _Sheet(self.workbook.prolog + EMPTY_SHEET, new=True)
        self.tabs[op.title] = part
        for col, name in enumerate(op.header):
            self._set(self._sheets[part], 1, col, name, True)

    def _free_sheet_name(self) -> str:
        folder = posixpath.join(self.folder, "worksheets")
        taken = set(self.package.names) | {part.lower() for part in self._sheets}
        number = 1
        while f"{folder}/sheet{number}.xml".lower() in taken:
            number += 1
        return f"{folder}/sheet{number}.xml"

    def _add_rel(self, target: str) -> str:
        ids = {rel.get("Id") for rel in self.rels.root}
        number = 1
        while f"rId{number}" in ids:
            number += 1
        rel = etree.SubElement(self.rels.root, f"{{{PACKAGE_REL}}}Relationship")
        rel.set("Id", f"rId{number}")
        rel.set("Type", WORKSHEET_REL)
        rel.set("Target", target)
        return f"rId{number}"

    def _add_sheet_entry(self, op: AddTab, rel_id: str) -> None:
        """The tab's <sheet> in workbook.xml, at its index; tab indexes after it move up."""
        root = self.workbook.root
        sheets = root.find(_tag("sheets"))
        if sheets is None:
            raise ValueError("workbook.xml has no <sheets>")
        numbers = [int(sheet.get("sheetId", "0")) for sheet in sheets]
        scope = None if REL in sheets.nsmap.values() else {"r": REL}
        entry = etree.SubElement(sheets, _tag("sheet"), nsmap=scope)
        entry.set("name", op.title)
        entry.set("sheetId", str(max(numbers, default=0) + 1))
        if op.hidden:
            entry.set("state", "hidden")
        entry.set(R_ID, rel_id)
        if op.index is not None:
            sheets.insert(op.index, entry)
        at = sheets.index(entry)
        for view in root.iterfind(f"{_tag('bookViews')}/{_tag('workbookView')}"):
            _shift(view, "activeTab", at)
            _shift(view, "firstSheet", at)
        for name in root.iterfind(f"{_tag('definedNames')}/{_tag('definedName')}"):
            _shift(name, "localSheetId", at)

    # --- the result

    def finish(self) -> tuple[dict[str, list[Chunk]], set[str]]:
        """The parts to write (member name: contents) and the members to leave out."""
        dropped = self._drop_calc_chain() if self._formulas_removed else set()
        if self._styles is not None and self._styles.changed:
            self._dirty.add(self._styles.xml.name)
        for part, sheet in self._sheets.items():
            if sheet in self._links:
                self._hyperlinks(part, sheet, self._links[sheet])
        parts: dict[str, list[Chunk]] = {name: [self._xml[name].dump()] for name in self._dirty}
        for part, sheet in self._sheets.items():
            if sheet.changed:
                parts[self.package.name(part) or part] = sheet.dump()
        return parts, dropped

    def _hyperlinks(self, part: str, sheet: _Sheet, links: list[tuple[str, str]]) -> None:
        """Each link as the worksheet's <hyperlink> to an external target, which its
        relationships part (made if missing) holds."""
        name = posixpath.join(posixpath.dirname(part), "_rels", f"{posixpath.basename(part)}.rels")
        if self.package.name(name) is None and name not in self._xml:
            self._xml[name] = _Xml(name, self.workbook.prolog + EMPTY_RELS)
            types = self._part("[Content_Types].xml")
            if not any(d.get("Extension", "").lower() == "rels" for d in types.root):
                default = etree.SubElement(types.root, f"{{{CONTENT_TYPES}}}Default")
                default.set("Extension", "rels")
                default.set("ContentType", RELS_TYPE)
                self._dirty.add(types.name)
        rels = self._part(name)
        taken = {rel.get("Id") for rel in rels.root}
        entries = []
        number = 1
        for ref, url in links:
            while f"rId{number}" in taken:
                number += 1
            rel = etree.SubElement(rels.root, f"{{{PACKAGE_REL}}}Relationship")
            rel.attrib.update(
                {
                    "Id": f"rId{number}",
                    "Type": HYPERLINK_REL,
                    "Target": url,
                    "TargetMode": "External",
                }
            )
            taken.add(f"rId{number}")
            entries.append((ref, f"rId{number}"))
        self._dirty.add(rels.name)
        sheet.link(entries)

    def _drop_calc_chain(self) -> set[str]:
        """Excel's calculation chain lists formula cells; it rebuilds one that is missing."""
        for rel in self.rels.root:
            if rel.get("Type") != CALC_CHAIN_REL:
                continue
            part = _resolve(self.folder, rel.get("Target", ""))
            self.rels.root.remove(rel)
            types = self._part("[Content_Types].xml")
            for override in types.root:
                if override.get("PartName", "").lower() == f"/{part}".lower():
                    types.root.remove(override)
                    break
            self._dirty.update({self.rels.name, types.name})
            return {self.package.member(part)}
        return set()


def _resolve(folder: str, target: str) -> str:
    """The part name a relationship target means, relative to the source part's folder."""
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(folder, target))


def _shift(element: Element, attribute: str, at: int) -> None:
    """Move a tab index up by one when a tab was inserted at or before it."""
    value = element.get(attribute)
    if value is not None and value.isdigit() and int(value) >= at:
        element.set(attribute, str(int(value) + 1))


# --- worksheets --------------------------------------------------------------------------


class _Sheet:
    """A worksheet part edited as bytes: only the rows that ops touch are parsed (with lxml)
    and written anew; the bytes around them are kept as they are."""

    def __init__(self, data: bytes, new: bool = False) -> None:
        found = SHEET_DATA.search(data)
        if found is None:
            raise ValueError("a worksheet without <sheetData>")
        self._prefix = found.group(1) + b":" if found.group(1) else b""
        prefix = self._prefix
        self._data = data
        self._row_tag = b"<" + prefix + b"row"
        self._row_close = b"</" + prefix + b"row>"
        close = b"</" + prefix + b"sheetData>"
        view = memoryview(data)
        if found.group().endswith(b"/>"):
            self._head = data[: found.start()] + found.group()[:-2] + b">"
            self._body = (found.end(), found.end())
            self._tail: list[Chunk] = [close, view[found.end() :]]
        else:
            end = data.rfind(close)
            self._head = data[: found.end()]
            self._body = (found.end(), end)
            self._tail = [view[end:]]
        scope = _scope(data[: found.end()])
        if scope.get(prefix.decode().rstrip(":") or None) != MAIN:
            raise ValueError("<sheetData> is not in the SpreadsheetML namespace")
        self._wrap = b"<w" + b"".join(_declaration(p, uri) for p, uri in scope.items()) + b">"
        self._rows: dict[int, tuple[Element, int, int]] = {}
        self._extent: tuple[int, int, int, int] | None = None
        self._parser = _parser()
        self.changed = new

    # --- finding rows in the bytes

    def _is_row(self, pos: int) -> bool:
        return self._data[pos + len(self._row_tag)] in b" \t\r\n/>"

    def _next_row(self, pos: int) -> int:
        """Where the first row at or after ``pos`` starts; the body's end if none."""
        end = self._body[1]
        while (pos := self._data.find(self._row_tag, pos, end)) >= 0:
            if self._is_row(pos):
                return pos
            pos += 1
        return end

    def _number(self, start: int) -> int:
        found = ROW_NUMBER.search(self._data, start, self._data.index(b">", start))
        if found is None:
            raise ValueError("a row without its number (r) cannot be patched")
        return int(found.group(1))

    def _row_end(self, start: int) -> int:
        close = self._data.index(b">", start)
        if self._data[close - 1] == ord("/"):
            return close + 1
        return self._data.index(self._row_close, close) + len(self._row_close)

    def _find(self, number: int) -> int:
        """Where the first row numbered ``number`` or more starts (rows are in order)."""
        low, high = self._body
        while low < high:
            middle = (low + high) // 2
            start = self._next_row(middle)
            if start == self._body[1] or self._number(start) >= number:
                high = middle
            else:
                low = start + 1
        return self._next_row(low)

    def _parse(self, start: int, end: int) -> Element:
        return etree.fromstring(self._wrap + self._data[start:end] + b"</w>", self._parser)[0]

    # --- rows and cells

    def row(self, number: int, create: bool) -> Element | None:
        """Sheet row ``number`` as an element to edit; None if it is missing and not created."""
        if number in self._rows:
            return self._rows[number][0]
        start = self._find(number)
        if start < self._body[1] and self._number(start) == number:
            end = self._row_end(start)
            row = self._parse(start, end)
        elif create:
            end = start
            row = etree.SubElement(etree.fromstring(self._wrap + b"</w>", self._parser), ROW)
            row.set("r", str(number))
        else:
            return None
        self._rows[number] = (row, start, end)
        self.changed = True
        return row

    def cell(self, row: int, col: int, create: bool) -> Element | None:
        """The cell at sheet ``row`` (1-based), ``col`` (0-based), created if asked."""
        if not (1 <= row <= MAX_ROW and 0 <= col < MAX_COL):
            raise ValueError(f"row {row}, column {col + 1} is outside a worksheet")
        line = self.row(row, create)
        if line is None:
            return None
        position = len(line)
        for index, child in enumerate(line):
            have = _column(child) if child.tag == C else MAX_COL
            if have == col:
                self._grow(row, col)
                return child
            if have > col:
                position = index
                break
        if not create:
            return None
        cell = line.makeelement(C, {"r": f"{_letters(col)}{row}"})
        line.insert(position, cell)
        _widen_spans(line, col)
        self._grow(row, col)
        return cell

    def last_content_row(self) -> int:
        """The last row holding a value; rows of styled empty cells do not count."""
        edited = [n for n, (row, _, _) in self._rows.items() if _has_content(row)]
        found = max(edited, default=0)
        low, pos = self._body
        while (pos := self._data.rfind(self._row_tag, low, pos)) >= 0:
            if not self._is_row(pos):
                continue
            number = self._number(pos)
            if number <= found:
                break
            if number not in self._rows and _has_content(self._parse(pos, self._row_end(pos))):
                return number
        return found

    def _grow(self, row: int, col: int) -> None:
        if self._extent is None:
            self._extent = (row, col, row, col)
        else:
            top, left, bottom, right = self._extent
            self._extent = (min(top, row), min(left, col), max(bottom, row), max(right, col))

    def link(self, entries: list[tuple[str, str]]) -> None:
        """Add <hyperlink ref r:id> elements (into the sheet's <hyperlinks>, made where
        CT_Worksheet puts it when there is none)."""
        prefix = self._prefix
        tag = prefix + b"hyperlink"
        added = b"".join(
            b"<"
            + tag
            + b' ref="'
            + ref.encode()
            + b'" xmlns:r='
            + quoteattr(REL).encode()
            + b' r:id="'
            + rid.encode()
            + b'"/>'
            for ref, rid in entries
        )
        tail = b"".join(bytes(chunk) for chunk in self._tail)
        close = re.search(b"</" + re.escape(prefix) + b"hyperlinks>", tail)
        if close is not None:
            tail = tail[: close.start()] + added + tail[close.start() :]
        else:
            after = re.compile(
                b"<"
                + re.escape(prefix)
                + b"(?:"
                + AFTER_HYPERLINKS
                + b")\\b|</"
                + re.escape(prefix)
                + b"worksheet>"
            ).search(tail)
            at = after.start() if after is not None else len(tail)
            block = b"<" + prefix + b"hyperlinks>" + added + b"</" + prefix + b"hyperlinks>"
            tail = tail[:at] + block + tail[at:]
        self._tail = [tail]
        self.changed = True

    # --- the result

    def dump(self) -> list[Chunk]:
        """The part's new bytes, in pieces."""
        view = memoryview(self._data)
        pieces: list[Chunk] = [self._dimensioned_head()]
        pos = self._body[0]
        for number in sorted(self._rows):
            row, start, end = self._rows[number]
            pieces += [view[pos:start], _serialize(row)]
            pos = end
        pieces.append(view[pos : self._body[1]])
        return pieces + self._tail

    def _dimensioned_head(self) -> bytes:
        """The head with <dimension ref> grown to cover the cells written."""
        found = DIMENSION.search(self._head)
        if found is None or self._extent is None:
            return self._head
        box = BOX.fullmatch(found.group(3).decode("ascii", "replace"))
        if box is None:
            return self._head
        left, top = _column_of(box.group(1)), int(box.group(2))
        right, bottom = _column_of(box.group(3) or box.group(1)), int(box.group(4) or top)
        row1, col1, row2, col2 = self._extent
        start = f"{_letters(min(left, col1))}{min(top, row1)}"
        end = f"{_letters(max(right, col2))}{max(bottom, row2)}"
        ref = start if start == end else f"{start}:{end}"
        return self._head[: found.start(3)] + ref.encode() + self._head[found.end(3) :]


def _parser() -> etree.XMLParser:
    """A parser of our own (lxml parsers are not shared across threads) that leaves entities."""
    return etree.XMLParser(resolve_entities=False)


def _scope(head: bytes) -> dict[str | None, str]:
    """The namespaces in scope at <sheetData>, read from the part's head by lxml."""
    reader = etree.XMLPullParser(events=("start",), resolve_entities=False)
    reader.feed(head)
    scope: dict[str | None, str] = {}
    for _, element in reader.read_events():
        if element.tag == _tag("sheetData"):
            scope = dict(element.nsmap)
    return scope


def _declaration(prefix: str | None, uri: str) -> bytes:
    name = f"xmlns:{prefix}" if prefix else "xmlns"
    return f" {name}={quoteattr(uri)}".encode()


def _serialize(row: Element) -> bytes:
    """A row's XML, its namespaces declared by the sheet (the wrapper it was parsed in)."""
    wrapper = row.getparent()
    assert wrapper is not None  # every row is parsed or created inside a wrapper
    text = etree.tostring(wrapper, encoding="UTF-8")
    return text[text.index(b">") + 1 : text.rindex(b"</")]


def _letters(col: int) -> str:
    """Column letters of a 0-based column."""
    name = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        name = chr(65 + rest) + name
    return name


def _column_of(letters: str) -> int:
    """The 0-based column of column letters."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _column(cell: Element) -> int:
    """The 0-based column of a <c> element."""
    letters = (cell.get("r") or "").rstrip("0123456789")
    if not (letters.isascii() and letters.isalpha() and letters.isupper()):
        raise ValueError("a cell without its reference (r) cannot be patched")
    return _column_of(letters)


def _widen_spans(row: Element, col: int) -> None:
    """Keep a row's optional ``spans`` hint covering its cells."""
    spans = row.get("spans")
    if not spans:
        return
    ranges = [tuple(int(n) for n in part.split(":")) for part in spans.split()]
    if any(low <= col + 1 <= high for low, high in ranges):
        return
    bounds = [n for pair in ranges for n in pair] + [col + 1]
    row.set("spans", f"{min(bounds)}:{max(bounds)}")


def _has_content(row: Element) -> bool:
    """Whether any cell of the row holds a value or a formula."""
    for cell in row.iterchildren(C):
        for child in cell:
            if child.tag in (F, V) and child.text:
                return True
            if child.tag == IS and "".join(child.itertext()):
                return True
    return False


# --- cells -------------------------------------------------------------------------------


def _clear(cell: Element) -> bool:
    """Remove the cell's value, keeping its style; True if it held a formula."""
    formula = cell.find(F)
    if formula is not None and formula.get("t") == "shared" and formula.get("ref"):
        raise ValueError(f"cell {cell.get('r')} anchors a shared formula: openpyxl must write it")
    for child in [child for child in cell if child.tag in VALUE_TAGS]:
        cell.remove(child)
    for attribute in ("t", "cm", "vm"):  # the type and metadata of the value removed
        cell.attrib.pop(attribute, None)
    return formula is not None


def _fill(cell: Element, value: CellValue) -> None:
    """Give an emptied cell ``value``: text inline (never a formula), numbers, booleans
    (a ``Link``'s text too: its target is the sheet's hyperlink, ``_Sheet.link``)."""
    if isinstance(value, str):
        cell.set("t", "inlineStr")
        holder = cell.makeelement(IS, {})
        etree.SubElement(holder, T, {XML_SPACE: "preserve"}).text = value
    elif isinstance(value, bool):
        cell.set("t", "b")
        holder = cell.makeelement(V, {})
        holder.text = "1" if value else "0"
    elif isinstance(value, int | float) and _storable(value):
        holder = cell.makeelement(V, {})
        holder.text = repr(float(value)) if isinstance(value, float) else str(int(value))
    else:
        raise ValueError(f"xlsxpatch cannot write {value!r}")
    cell.insert(0, holder)


def _style(cell: Element) -> int:
    return int(cell.get("s", "0"))


def _restyle(cell: Element, style: int) -> None:
    if style or cell.get("s") is not None:
        cell.set("s", str(style))


# --- styles ------------------------------------------------------------------------------


class _Table:
    """One numbered list of styles.xml (fonts, fills, cellXfs): entries found or appended."""

    def __init__(self, root: Element, name: str, entry: str) -> None:
        element = root.find(_tag(name))
        if element is None:
            raise ValueError(f"styles.xml has no <{name}>")
        self.element = element
        self.entry = _tag(entry)
        entries = list(element.iterchildren(self.entry))
        self.entries = entries
        self.keys = {_key(item): index for index, item in reversed(list(enumerate(entries)))}
        self.changed = False

    def __getitem__(self, index: int) -> Element:
        if not 0 <= index < len(self.entries):
            raise ValueError(f"styles.xml has no {self.entry} number {index}")
        return self.entries[index]

    def index(self, item: Element) -> int:
        """The number of an entry equal to ``item``, appended if there is none."""
        key = _key(item)
        if key not in self.keys:
            self.element.append(item)
            self.entries.append(item)
            self.keys[key] = len(self.entries) - 1
            self.element.set("count", str(len(self.entries)))
            self.changed = True
        return self.keys[key]


class _Styles:
    """Cell formats derived from existing ones; existing entries are never changed."""

    def __init__(self, xml: _Xml) -> None:
        self.xml = xml
        self._fonts = _Table(xml.root, "fonts", "font")
        self._fills = _Table(xml.root, "fills", "fill")
        self._formats = _Table(xml.root, "cellXfs", "xf")
        self._made: dict[tuple[int, str], int] = {}

    @property
    def changed(self) -> bool:
        return self._fonts.changed or self._fills.changed or self._formats.changed

    def bold(self, style: int) -> int:
        """The format ``style`` with a bold font."""
        return self._derive(style, "bold", self._embolden)

    def fill_rgb(self, style: int) -> str | None:
        """The fill of format ``style``: None for none, ``RRGGBB`` for a solid colour, and
        for anything else (a pattern, a gradient, a theme colour) its kind."""
        fill = self._fills[int(self._formats[style].get("fillId", "0"))]
        pattern = fill.find(_tag("patternFill"))
        if pattern is None:
            return "gradient" if len(fill) else None
        kind = pattern.get("patternType")
        if kind in (None, "none"):
            return None
        colour = pattern.find(_tag("fgColor"))
        rgb = colour.get("rgb") if colour is not None else None
        return rgb[-6:].upper() if kind == "solid" and rgb else kind

    def fill(self, style: int, on: bool) -> int:
        """The format ``style`` with the mark fill (``on``) or no fill."""
        if on:
            return self._derive(style, "mark", self._mark)
        return self._derive(style, "clear", _unmark)

    def _derive(self, style: int, kind: str, change: Callable[[Element], bool]) -> int:
        if (style, kind) not in self._made:
            xf = copy.deepcopy(self._formats[style])
            self._made[style, kind] = self._formats.index(xf) if change(xf) else style
        return self._made[style, kind]

    def _embolden(self, xf: Element) -> bool:
        font = copy.deepcopy(self._fonts[int(xf.get("fontId", "0"))])
        weight = font.find(_tag("b"))
        if weight is not None and weight.get("val", "1") not in ("0", "false"):
            return False
        if weight is not None:
            font.remove(weight)
        font.insert(0, font.makeelement(_tag("b"), {}))
        xf.set("fontId", str(self._fonts.index(font)))
        xf.set("applyFont", "1")
        return True

    def _mark(self, xf: Element) -> bool:
        fill = etree.Element(_tag("fill"))
        pattern = etree.SubElement(fill, _tag("patternFill"), patternType="solid")
        etree.SubElement(pattern, _tag("fgColor"), rgb=MARK_RGB)
        etree.SubElement(pattern, _tag("bgColor"), rgb=MARK_RGB)
        number = str(self._fills.index(fill))
        if xf.get("fillId") == number:
            return False
        xf.set("fillId", number)
        xf.set("applyFill", "1")
        return True


def _unmark(xf: Element) -> bool:
    if xf.get("fillId", "0") == "0":
        return False
    xf.set("fillId", "0")
    xf.set("applyFill", "1")
    return True


def _key(element: Element) -> tuple[object, ...]:
    """What makes two style entries the same: tags, attributes and text, all the way down."""
    return (
        element.tag,
        tuple(sorted(element.attrib.items())),
        (element.text or "").strip(),
        tuple(_key(child) for child in element),
    )
