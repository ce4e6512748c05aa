"""Reading import files — CSV, a JSON array, JSON Lines — into numbered records.

Each record keeps where it came from (the CSV/JSONL line it starts on, or the
item number in a JSON array) so a rejected row can be reported by its place
in the file. The format follows the file's extension; stdin is sniffed.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

from .errors import ConfigError, InvalidInput, InvalidValue
from .formats import IMPORT_FORMATS as FORMATS
from .recording import Record
from .sheetdata import CellValue

SUFFIXES = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def read_records(source: str | Path, fmt: str | None = None) -> list[Record]:
    """The records of ``source`` (a path, or "-" for stdin) in ``fmt`` (default: guessed)."""
    if str(source) == "-":
        text = sys.stdin.read()
        name = "stdin"
    else:
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise ConfigError(f"{path} is not UTF-8 text; save it as UTF-8 and try again") from None
        name = str(path)
        fmt = fmt or SUFFIXES.get(path.suffix.lower())
    return parse_records(text.removeprefix("\ufeff"), fmt or sniff(text), name)


def sniff(text: str) -> str:
    """A JSON array starts with "[", JSON Lines with "{"; anything else is CSV."""
    start = text.lstrip()[:1]
    return {"[": "json", "{": "jsonl"}.get(start, "csv")


def parse_records(text: str, fmt: str, name: str = "input") -> list[Record]:
    """The records of ``text`` in format ``fmt`` (csv, json or jsonl)."""
    if fmt == "csv":
        return _csv_records(text, name)
    if fmt == "json":
        return _json_records(text, name)
    if fmt == "jsonl":
        return _jsonl_records(text, name)
    raise ConfigError(f"unknown import format {fmt!r}: use one of {', '.join(FORMATS)}")


def _csv_records(text: str, name: str) -> list[Record]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    doubled = sorted({h for h in header if h and header.count(h) > 1})
    if doubled:
        raise InvalidInput(f"{name}: the header has {', '.join(doubled)} more than once")
    records = []
    last = reader.line_num
    for cells in reader:
        line, last = last + 1, reader.line_num
        if not any(c.strip() for c in cells):
            continue
        extra = [c for c in cells[len(header) :] if c.strip()]
        problem = None
        if extra:
            problem = InvalidValue(
                "(row)", ",".join(cells), f"{len(header)} fields like the header", "extra fields"
            )
        values = {h: c for h, c in zip(header, cells, strict=False) if h}
        records.append(Record(line, values, problem=problem))
    return records


def _json_records(text: str, name: str) -> list[Record]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{name}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(data, list):
        raise InvalidInput(f"{name}: a JSON import must be an array of objects")
    return [_record(item, number, "item", name) for number, item in enumerate(data, start=1)]


def _jsonl_records(text: str, name: str) -> list[Record]:
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"{name}: line {number} is not valid JSON ({exc.msg})") from None
        records.append(_record(item, number, "line", name))
    return records


def _record(item: Any, number: int, unit: str, name: str) -> Record:
    """One JSON object as a record; nested values make the record a rejected one."""
    if not isinstance(item, dict):
        raise InvalidInput(f"{name}: {unit} {number} is not a JSON object")
    values: dict[str, CellValue] = {}
    problem = None
    for key, value in item.items():
        if isinstance(value, list | dict):
            problem = InvalidValue(str(key), json.dumps(value), "a single text, number or date")
        else:
            values[str(key)] = value
    return Record(number, values, unit, problem)
