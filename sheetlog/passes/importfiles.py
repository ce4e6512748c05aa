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

from ..errors import ConfigError, InvalidInput, InvalidValue
from ..model.formats import IMPORT_FORMATS
from ..model.sheetdata import CellValue
from ..rules.cells import JsonBool, JsonFloat, JsonInt
from .record import Record

SUFFIXES = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def read_records(
    source: str | Path, fmt: str | None = None, delimiter: str | None = None
) -> list[Record]:
    """The records of ``source`` (a path, or "-" for stdin) in ``fmt`` (default: guessed);
    ``delimiter`` is a CSV's field separator (default ",")."""
    if str(source) == "-":
        text = sys.stdin.read()
        name = "stdin"
    else:
        path = Path(source)
        text = read_text(path)
        name = str(path)
        fmt = fmt or SUFFIXES.get(path.suffix.lower())
    return parse_records(text.removeprefix("\ufeff"), fmt or sniff(text), name, delimiter)


def sniff(text: str) -> str:
    """A JSON array starts with "[", JSON Lines with "{"; anything else is CSV."""
    start = text.lstrip()[:1]
    return {"[": "json", "{": "jsonl"}.get(start, "csv")


def parse_records(
    text: str, fmt: str, name: str = "input", delimiter: str | None = None
) -> list[Record]:
    """The records of ``text`` in format ``fmt`` (csv, json or jsonl); ``delimiter`` is a
    CSV's field separator: one character, default ","."""
    if delimiter is not None and fmt != "csv":
        raise ConfigError(f"--delimiter is for CSV files, and {name} is read as {fmt}")
    if delimiter is not None and len(delimiter) != 1:
        raise ConfigError(f"a delimiter is one character, not {delimiter!r}")
    if fmt == "csv":
        return _csv_records(text, name, delimiter)
    if fmt == "json":
        return _json_records(text, name)
    if fmt == "jsonl":
        return _jsonl_records(text, name)
    raise ConfigError(f"unknown import format {fmt!r}: use one of {', '.join(IMPORT_FORMATS)}")


def _csv_records(text: str, name: str, delimiter: str | None) -> list[Record]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter or ",")
    header = [h.strip() for h in next(reader, [])]
    if delimiter is None and _semicolons(text, header):
        raise ConfigError(f"{name}: this file looks semicolon-delimited: use --delimiter ';'")
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
        nameless = [
            i for i, (h, c) in enumerate(zip(header, cells, strict=False)) if c.strip() and not h
        ]
        if nameless:
            raise InvalidInput(
                f"{name}: column {nameless[0] + 1} has no header but holds values (line {line}):"
                " name it in the header or remove it; nothing was imported"
            )
        values = {h: c for h, c in zip(header, cells, strict=False) if h}
        records.append(Record(line, values, problem=problem))
    return records


class JsonObject(dict[str, Any]):
    """A JSON object as read; ``doubled`` is the first key it gives twice, with the later
    value (which one a writer meant is a guess, so the object is refused)."""

    doubled: tuple[str, Any] | None = None


def load_json(text: str) -> Any:
    """``text`` as JSON the way sheetlog takes input: numbers and true/false remember
    that JSON typed them (``normalize.JsonInt``, ``JsonFloat``, ``JsonBool``), so a column
    that wants text refuses them, and objects are ``JsonObject``s that know a doubled key.

    Raises ValueError (``json.JSONDecodeError`` for bad syntax) or RecursionError.
    """
    return json.loads(
        text,
        parse_int=JsonInt,
        parse_float=JsonFloat,
        parse_constant=JsonFloat,  # NaN, Infinity, -Infinity
        object_pairs_hook=_json_object,
    )


def json_problem(exc: ValueError | RecursionError) -> str:
    """Why ``load_json`` refused a text, in a few words."""
    if isinstance(exc, json.JSONDecodeError):
        return f"line {exc.lineno}: {exc.msg}"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc)


def doubled_key(item: dict[str, Any]) -> InvalidValue | None:
    """The problem of an object ``load_json`` read that gives a key twice, or None."""
    if not isinstance(item, JsonObject) or item.doubled is None:
        return None
    key, value = item.doubled
    shown = value if isinstance(value, str) else getattr(value, "literal", json.dumps(value))
    return InvalidValue(key, shown, "given once in a JSON object", "the key appears twice")


def _json_object(pairs: list[tuple[str, Any]]) -> JsonObject:
    found = JsonObject()
    for key, value in pairs:
        if key in found and found.doubled is None:
            found.doubled = (key, value)
        found[key] = JsonBool(value) if isinstance(value, bool) else value
    return found


def _semicolons(text: str, header: list[str]) -> bool:
    """Whether the header row splits into more columns at ";" than at "," (as Excel saves
    CSV where the decimal mark is a comma)."""
    first = next(csv.reader(io.StringIO(text, newline=""), delimiter=";"), [])
    return len(first) > max(len(header), 1)


def _json_records(text: str, name: str) -> list[Record]:
    try:
        data = load_json(text)
    except (ValueError, RecursionError) as exc:
        raise InvalidInput(f"{name}: not valid JSON ({json_problem(exc)})") from None
    if not isinstance(data, list):
        raise InvalidInput(f"{name}: a JSON import must be an array of objects")
    return [_record(item, number, "item", name) for number, item in enumerate(data, start=1)]


def _jsonl_records(text: str, name: str) -> list[Record]:
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = load_json(line)
        except (ValueError, RecursionError) as exc:
            why = exc.msg if isinstance(exc, json.JSONDecodeError) else json_problem(exc)
            raise InvalidInput(f"{name}: line {number} is not valid JSON ({why})") from None
        records.append(_record(item, number, "line", name))
    return records


def _record(item: Any, number: int, unit: str, name: str) -> Record:
    """One JSON object as a record; nested values make the record a rejected one."""
    if not isinstance(item, dict):
        raise InvalidInput(f"{name}: {unit} {number} is not a JSON object")
    values: dict[str, CellValue] = {}
    problem = doubled_key(item)
    for key, value in item.items():
        if isinstance(value, list | dict):
            problem = problem or InvalidValue(
                str(key), json.dumps(value), "a single text, number or date"
            )
        else:
            values[str(key)] = value
    return Record(number, values, unit, problem)


def read_text(path: Path) -> str:
    """A UTF-8 file's text (a byte-order mark dropped); ConfigError saying why not."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text; save it as UTF-8 and try again") from None
