"""``sheetlog init``: compare the workbook with its template and plan what is missing.

Provisioning only ever adds: missing tabs, missing columns at the right end of
the header, and the sheet rules people see while typing. It never deletes,
reorders or overwrites data, and a second run plans nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from ..errors import ConfigError
from ..model.ops import (
    AddFormatRule,
    AddTab,
    FreezeHeader,
    Op,
    ProtectHeader,
    SetCells,
    SetDropdown,
    SetTextFormat,
    SetWidth,
)
from ..model.sheetdata import Layout, Snapshot
from ..model.templates import Kind, Template
from ..model.workbook import (
    LOG_TAB,
    SETTINGS_HEADER,
    SETTINGS_TAB,
    Settings,
    read_settings,
    renamed_columns,
    renamed_log,
)

LOG_ROOM = 999
"""Empty rows a new Log gets below its header for people to type into (Google's default)."""
HEADER_WARNING = (
    "The header row is managed by sheetlog: renaming or moving a column breaks the log."
)


@dataclass(frozen=True)
class InitStep:
    """One planned change: the ops that make it and a line a person reads."""

    description: str
    ops: tuple[Op, ...]


def malformed_formula(kind: Kind, col: int) -> str:
    """A formula true for a malformed cell in row 2 of column ``col``.

    Written with functions Google Sheets, Excel and LibreOffice all share, so
    the same rule marks the same cells in every spreadsheet a team opens.
    """
    cell = f"{get_column_letter(col + 1)}2"
    if kind is Kind.TIMESTAMP:
        checks = [
            f"ISNUMBER({cell})",
            f"LEN({cell})<>20",
            f'MID({cell},5,1)<>"-"',
            f'MID({cell},8,1)<>"-"',
            f'MID({cell},11,1)<>" "',
            f'MID({cell},14,1)<>":"',
            f'RIGHT({cell},4)<>" UTC"',
            f"ISERROR(DATEVALUE(LEFT({cell},10)))",
            f"ISERROR(TIMEVALUE(MID({cell},12,5)))",
        ]
    else:
        checks = [
            f"ISNUMBER({cell})",
            f"LEN({cell})<>10",
            f'MID({cell},5,1)<>"-"',
            f'MID({cell},8,1)<>"-"',
            f"ISERROR(DATEVALUE({cell}))",
        ]
    return f'=AND({cell}<>"",OR({",".join(checks)}))'


def plan_init(
    template: Template, source: str, snapshot: Snapshot, layout: Layout | None
) -> list[InitStep]:
    """Everything ``init`` must add so the workbook matches ``template``."""
    changes: list[InitStep] = []
    stored = read_settings(snapshot)
    if stored is not None and stored.template.name != template.name:
        raise ConfigError(
            f'this log uses template "{stored.template.name}", not "{template.name}";'
            " a log keeps one template"
        )
    header = list(template.header)
    if layout is None and stored is not None:  # a log whose Log tab went missing
        renamed = renamed_log(snapshot, header)
        if renamed:
            raise ConfigError(f"{renamed}; init would add a second, empty Log")
    if layout is None:
        changes.append(
            InitStep(
                f'created tab "{LOG_TAB}" with {len(header)} columns',
                (AddTab(LOG_TAB, tuple(header), room=LOG_ROOM),),
            )
        )
        layout = Layout(header=header)
        added = list(range(len(header)))
    else:
        added = _missing_columns(template, layout, changes, stored)
    changes.extend(_column_rules(template, layout, added))
    if layout.frozen_rows < 1:
        changes.append(InitStep("froze the header row", (FreezeHeader(LOG_TAB),)))
    if not layout.header_protected:
        changes.append(
            InitStep(
                "protected the header row (warning on edit)",
                (ProtectHeader(LOG_TAB, HEADER_WARNING),),
            )
        )
    settings = Settings(template, source)
    changes.extend(_settings_changes(snapshot, settings, stored))
    return changes


def new_tab_ops(template: Template, title: str, header: list[str]) -> list[Op]:
    """A tab shaped like Log: bold frozen header, widths, text format on time columns."""
    ops: list[Op] = [AddTab(title, tuple(header)), FreezeHeader(title)]
    for col, name in enumerate(header):
        column = template.by_name.get(name)
        if column is None:
            continue
        ops.append(SetWidth(title, col, column.width))
        if column.kind in (Kind.TIMESTAMP, Kind.DATE):
            ops.append(SetTextFormat(title, col))
    return ops


def _missing_columns(
    template: Template, layout: Layout, changes: list[InitStep], stored: Settings | None
) -> list[int]:
    """Add template columns the header lacks, at its right end; refuse a header we cannot
    read, and one where a column the log had seems renamed (adding it again would leave
    its values under the new name and an empty column beside them)."""
    present = [name.strip() for name in layout.header]
    while present and not present[-1]:
        present.pop()
    unknown_positions = [
        name for name in template.header if name in present and present.count(name) > 1
    ]
    if unknown_positions:
        raise ConfigError(f'the Log header repeats column "{unknown_positions[0]}"; fix it by hand')
    missing = [name for name in template.header if name not in present]
    if not missing:
        return []
    had = set(stored.template.header) if stored is not None else set(template.header)
    renamed = {
        name: new for name, new in renamed_columns(template.header, present).items() if name in had
    }
    if renamed:
        pairs = ", ".join(f'"{name}" → "{new}"' for name, new in renamed.items())
        them = "it" if len(renamed) == 1 else "them"
        raise ConfigError(
            f"the Log header has a renamed column ({pairs}): rename {them} back and run"
            " init again (it would add a second, empty column)"
        )
    start = len(present)
    changes.append(
        InitStep(
            f"added column{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
            (SetCells(LOG_TAB, 1, start, (tuple(missing),), bold=True),),
        )
    )
    layout.header = present + missing
    return list(range(start, start + len(missing)))


def _column_rules(template: Template, layout: Layout, added: list[int]) -> list[InitStep]:
    """Widths of new columns, drop-downs, text format and malformed-value marks, one line each."""
    positions = {name: index for index, name in enumerate(layout.header)}
    features: dict[str, list[tuple[str, Op]]] = {
        "set column widths": [],
        "added drop-downs": [],
        "set text format": [],
        "added malformed-value marks": [],
    }
    for column in template.columns:
        col = positions[column.name]
        if col in added:
            features["set column widths"].append(
                (column.name, SetWidth(LOG_TAB, col, column.width))
            )
        if column.kind is Kind.CHOICE and layout.dropdowns.get(col) != column.choices:
            features["added drop-downs"].append(
                (column.name, SetDropdown(LOG_TAB, col, column.choices))
            )
        if column.kind in (Kind.TIMESTAMP, Kind.DATE):
            if col not in layout.text_columns:
                features["set text format"].append((column.name, SetTextFormat(LOG_TAB, col)))
            if col not in layout.format_rules:
                rule = AddFormatRule(LOG_TAB, col, malformed_formula(column.kind, col))
                features["added malformed-value marks"].append((column.name, rule))
    return [
        InitStep(f"{what} on {', '.join(name for name, _ in items)}", tuple(op for _, op in items))
        for what, items in features.items()
        if items
    ]


def _settings_changes(
    snapshot: Snapshot, settings: Settings, stored: Settings | None
) -> list[InitStep]:
    """Create or refresh the hidden settings tab."""
    rows = settings.rows()
    if snapshot.tab(SETTINGS_TAB) is None:
        return [
            InitStep(
                f'stored template "{settings.template.name}" v{settings.template.version}'
                f" ({settings.template.timezone}) in the hidden {SETTINGS_TAB} tab",
                (
                    AddTab(SETTINGS_TAB, SETTINGS_HEADER, hidden=True),
                    SetCells(SETTINGS_TAB, 2, 0, rows),
                ),
            )
        ]
    if stored is not None and stored.rows() == rows:
        return []
    return [
        InitStep(
            f'updated the stored template to "{settings.template.name}"'
            f" v{settings.template.version}",
            (SetCells(SETTINGS_TAB, 2, 0, rows),),
        )
    ]
