"""Request validation against Google's discovery documents (sheets v4, drive v3)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from . import fieldmask

# Update masks whose root is a schema other than the request itself.
MASK_ROOTS = {
    "UpdateCellsRequest": "CellData",
    "AppendCellsRequest": "CellData",
    "RepeatCellRequest": "CellData",
    "UpdateSheetPropertiesRequest": "SheetProperties",
    "UpdateSpreadsheetPropertiesRequest": "SpreadsheetProperties",
    "UpdateDimensionPropertiesRequest": "DimensionProperties",
    "UpdateDeveloperMetadataRequest": "DeveloperMetadata",
    "UpdateProtectedRangeRequest": "ProtectedRange",
    "UpdateNamedRangeRequest": "NamedRange",
    "UpdateEmbeddedObjectPositionRequest": "EmbeddedObjectPosition",
    "UpdateBandingRequest": "BandedRange",
    "UpdateFilterViewRequest": "FilterView",
}
_INT = re.compile(r"^-?\d+$")
_INT_LIMITS = {"int32": (-(2**31), 2**31 - 1), "uint32": (0, 2**32 - 1)}
# uploadType values each upload path accepts (googleapiclient starts resumable uploads on
# the simple path)
UPLOAD_TYPES = {"simple": ("media", "multipart", "resumable"), "resumable": ("resumable",)}


@dataclass(frozen=True)
class Method:
    """One REST method from a discovery document."""

    id: str  # "spreadsheets.values.get", "drive.permissions.create"
    http: str
    regex: re.Pattern[str]
    params: dict[str, Any]
    request: str | None
    response: str | None
    api: Api
    # "" for the method's own URL; "simple" / "resumable" for a ``mediaUpload`` protocol's
    # path (``/upload/drive/v3/files``), where the body is media, not JSON
    upload: str = ""


@dataclass
class Match:
    method: Method
    path: dict[str, str]


class Api:
    """A loaded discovery document."""

    def __init__(self, doc: dict[str, Any], prefix: str) -> None:
        self.name = doc["name"]
        self.schemas: dict[str, Any] = doc["schemas"]
        self.global_params: dict[str, Any] = doc["parameters"]
        self.root = doc["rootUrl"]
        self.base = doc["rootUrl"] + doc["servicePath"]
        self.methods: list[Method] = []
        self._collect(doc.get("resources", {}), prefix)
        # most literal characters first, so ``values/{range}:append`` beats ``values/{range}``
        self.methods.sort(key=lambda m: -len(re.sub(r"\(\?P<\w+>\[\^/\]\+\)", "", m.regex.pattern)))

    def _collect(self, resources: dict[str, Any], prefix: str) -> None:
        for res in resources.values():
            for m in res.get("methods", {}).values():
                method_id = m["id"][len(prefix) :] if m["id"].startswith(prefix) else m["id"]
                urls = {"": self.base + (m.get("flatPath") or m["path"])}
                # media paths are absolute: "/upload/drive/v3/files" under rootUrl
                for protocol, spec in (m.get("mediaUpload") or {}).get("protocols", {}).items():
                    urls[protocol] = self.root.rstrip("/") + spec["path"]
                for upload, template in urls.items():
                    self.methods.append(
                        Method(
                            method_id,
                            m["httpMethod"],
                            _url_pattern(template),
                            m.get("parameters", {}),
                            (m.get("request") or {}).get("$ref"),
                            (m.get("response") or {}).get("$ref"),
                            self,
                            upload,
                        )
                    )
            self._collect(res.get("resources", {}), prefix)

    def match(self, verb: str, url: str) -> Match | None:
        for m in self.methods:
            if m.http == verb and (hit := m.regex.match(url)):
                return Match(m, {k: unquote(v) for k, v in hit.groupdict().items()})
        return None

    # -- schema checks ------------------------------------------------------------------

    def check_params(self, method: Method, query: dict[str, list[str]]) -> list[str]:
        out: list[str] = []
        for name, values in query.items():
            spec = method.params.get(name) or self.global_params.get(name)
            if spec is None or spec.get("location") == "path":
                out.append(
                    f'Invalid JSON payload received. Unknown name "{name}": Cannot bind query '
                    f"parameter. Field '{name}' could not be found in request message."
                )
                continue
            if len(values) > 1 and not spec.get("repeated"):
                out.append(f"Query parameter '{name}' is not repeated but was given {values}")
            for v in values:
                if not _scalar_ok(v, spec, query_string=True):
                    out.append(f"Invalid value at '{name}' ({_type_name(spec)}), \"{v}\"")
        for name, spec in method.params.items():
            if spec.get("required") and spec.get("location") == "query" and name not in query:
                out.append(f"Required query parameter '{name}' is missing")
        if method.upload:
            allowed = UPLOAD_TYPES.get(method.upload, ())
            kind = query.get("uploadType", [""])[0]
            if kind not in allowed:
                out.append(
                    f"Invalid upload request: uploadType must be one of {', '.join(allowed)} "
                    f"on the {method.upload} upload path, not {kind!r}"
                )
        if "fields" in query and method.response:
            out.extend(self.check_mask(query["fields"][0], method.response, "fields"))
        return out

    def check_body(self, method: Method, body: Any) -> list[str]:
        if method.request is None:
            return [] if body is None else ["This method does not accept a request body"]
        if body is None:
            return []
        out: list[str] = []
        self._check(body, {"$ref": method.request}, "", out)
        return out

    def check_mask(self, mask: str, root: str, where: str) -> list[str]:
        try:
            tree = fieldmask.parse(mask)
        except ValueError:
            return [f"Invalid field mask at '{where}': {mask!r}"]
        out: list[str] = []
        for path in fieldmask.paths(tree):
            schema: dict[str, Any] | None = {"$ref": root}
            for name in path.split("."):
                schema = self._child(schema, name)
                if schema is None:
                    out.append(f"Invalid field selection {path} at '{where}' (root {root})")
                    break
        return out

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self.schemas[schema["$ref"]]
        while schema.get("type") == "array":
            schema = schema["items"]
            while "$ref" in schema:
                schema = self.schemas[schema["$ref"]]
        return schema

    def _child(self, schema: dict[str, Any] | None, name: str) -> dict[str, Any] | None:
        if schema is None:
            return None
        schema = self._resolve(schema)
        if name == "*" or schema.get("type") == "any":
            return {"type": "any"}
        if name in schema.get("properties", {}):
            return schema["properties"][name]  # type: ignore[no-any-return]
        if "additionalProperties" in schema:
            return schema["additionalProperties"]  # type: ignore[no-any-return]
        return None

    def _check(self, value: Any, schema: dict[str, Any], path: str, out: list[str]) -> None:
        ref = schema.get("$ref")
        if ref:
            schema = self.schemas[ref]
        if value is None:
            return  # JSON null means "default" for every proto3 field
        kind = schema.get("type")
        where = path.lstrip(".") or "(root)"
        if kind == "object":
            if not isinstance(value, dict):
                out.append(f"Invalid value at '{where}' ({ref or 'object'}), {json.dumps(value)}")
                return
            props = schema.get("properties", {})
            extra = schema.get("additionalProperties")
            for k, v in value.items():
                if k in props:
                    self._check(v, props[k], f"{path}.{k}", out)
                    fmt = props[k].get("format")
                    if fmt == "google-fieldmask" and ref in MASK_ROOTS and isinstance(v, str):
                        out.extend(self.check_mask(v, MASK_ROOTS[ref], f"{where}.{k}"))
                elif extra is not None:
                    self._check(v, extra, f"{path}.{k}", out)
                else:
                    at = f" at '{where}'" if path else ""
                    out.append(
                        f'Invalid JSON payload received. Unknown name "{k}"{at}: Cannot find field.'
                    )
        elif kind == "array":
            if not isinstance(value, list):
                out.append(f"Invalid value at '{where}' (array), {json.dumps(value)}")
                return
            for i, item in enumerate(value):
                self._check(item, schema["items"], f"{path}[{i}]", out)
        elif kind != "any" and not _scalar_ok(value, schema, query_string=False):
            out.append(f"Invalid value at '{where}' ({_type_name(schema)}), {json.dumps(value)}")


def _url_pattern(template: str) -> re.Pattern[str]:
    """A full-URL regex for a URI template: ``{var}`` / ``{+var}`` match one path segment."""
    pattern = ""
    for lit, var in re.findall(r"([^{]*)(?:\{\+?(\w+)\})?", template):
        pattern += re.escape(lit) + (f"(?P<{var}>[^/]+)" if var else "")
    return re.compile(f"^{pattern}$")


def _type_name(spec: dict[str, Any]) -> str:
    if "enum" in spec:
        return "enum"
    return f"TYPE_{(spec.get('format') or spec.get('type') or 'any').upper()}"


def _scalar_ok(value: Any, spec: dict[str, Any], query_string: bool) -> bool:
    kind, fmt = spec.get("type"), spec.get("format")
    if query_string:
        if kind == "boolean":
            return str(value).lower() in ("true", "false")
        if kind == "integer" or fmt in ("int64", "uint64"):
            return bool(_INT.match(value))
        if kind == "number":
            try:
                float(value)
            except ValueError:
                return False
            return True
        return "enum" not in spec or value in spec["enum"]
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            return False
        lo, hi = _INT_LIMITS.get(fmt or "int32", (-(2**63), 2**63))
        return lo <= value <= hi
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "string":
        if fmt in ("int64", "uint64"):
            ok_int = isinstance(value, int) and not isinstance(value, bool)
            return ok_int or (isinstance(value, str) and bool(_INT.match(value)))
        if not isinstance(value, str):
            return False
        return "enum" not in spec or value in spec["enum"]
    return True


@cache
def load() -> tuple[Api, Api]:
    """The sheets v4 and drive v3 APIs from googleapiclient's bundled discovery cache."""
    import googleapiclient

    docs = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"
    sheets = json.loads((docs / "sheets.v4.json").read_text())
    drive = json.loads((docs / "drive.v3.json").read_text())
    return Api(sheets, "sheets."), Api(drive, "")
