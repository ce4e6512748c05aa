"""Developer-metadata tags on a Google spreadsheet's tabs, so that one
``spreadsheets.getByDataFilter`` reads the tabs a command needs by title or by family
(every ``Archive `` tab) without listing the tabs first; a tab that is not there is
simply not returned, where a range naming it would fail the whole read.

Each tab carries its title on the sheet and on its header row; a tab of a family
(``TAB_FAMILIES``) also carries the family on the sheet, on its header row and on
each column it was created with (``"Archive |0"``: metadata moves with its column).
The settings tab carries ``TAGGED`` once every tab is tagged; until then (a log from
before) reads list the tabs first, and the next write tags them.
"""

from __future__ import annotations

from typing import Any

from ..model.sheetdata import Scope
from ..model.workbook import TAB_FAMILIES

TAB = "sheetlog.tab"
HEADER = "sheetlog.header"
FAMILY = "sheetlog.family"
FAMILY_HEADER = "sheetlog.family.header"
COLUMN = "sheetlog.column"
TAGGED = "sheetlog.tagged"

Json = dict[str, Any]


def family(title: str) -> str | None:
    """The family prefix ``title`` belongs to, or None."""
    return next((prefix for prefix in TAB_FAMILIES if title.startswith(prefix)), None)


def _tag(key: str, value: str, location: Json) -> Json:
    return {
        "createDeveloperMetadata": {
            "developerMetadata": {
                "metadataKey": key,
                "metadataValue": value,
                "location": location,
                "visibility": "DOCUMENT",
            }
        }
    }


def _line(sheet_id: int, dimension: str, index: int) -> Json:
    span = {"sheetId": sheet_id, "dimension": dimension, "startIndex": index}
    return {"dimensionRange": {**span, "endIndex": index + 1}}


def tag_requests(sheet_id: int, title: str, width: int) -> list[Json]:
    """The requests that tag a tab (with ``width`` columns) of this title."""
    found = [
        _tag(TAB, title, {"sheetId": sheet_id}),
        _tag(HEADER, title, _line(sheet_id, "ROWS", 0)),
    ]
    prefix = family(title)
    if prefix is not None:
        found.append(_tag(FAMILY, prefix, {"sheetId": sheet_id}))
        found.append(_tag(FAMILY_HEADER, prefix, _line(sheet_id, "ROWS", 0)))
        found += [
            _tag(COLUMN, f"{prefix}|{c}", _line(sheet_id, "COLUMNS", c)) for c in range(width)
        ]
    return found


def marker(sheet_id: int) -> Json:
    """The request that marks every tab tagged (put on the settings tab)."""
    return _tag(TAGGED, "1", {"sheetId": sheet_id})


def lookup(key: str, value: str) -> Json:
    return {"developerMetadataLookup": {"metadataKey": key, "metadataValue": value}}


def scope_filters(scope: Scope) -> list[Json] | None:
    """The DataFilters that read ``scope`` from tagged tabs, or None when tags cannot
    (a prefix that is not a family)."""
    prefixes = (*scope.prefixes, *scope.probe_prefixes, *(p for p, _ in scope.columns))
    if any(p not in TAB_FAMILIES for p in prefixes):
        return None
    filters = [lookup(TAB, title) for title in sorted(scope.tabs)]
    filters += [lookup(HEADER, title) for title in sorted(scope.probe - scope.tabs)]
    filters += [lookup(FAMILY, prefix) for prefix in scope.prefixes]
    filters += [lookup(FAMILY_HEADER, prefix) for prefix in scope.probe_prefixes]
    for prefix, columns in scope.columns:
        filters.append(lookup(FAMILY_HEADER, prefix))
        filters += [lookup(COLUMN, f"{prefix}|{c}") for c in columns]
    return filters


def keys(sheet: Json) -> set[str]:
    """The tag keys a sheet of a reply carries (on the sheet itself)."""
    return {str(md.get("metadataKey")) for md in sheet.get("developerMetadata", [])}
