"""Column templates: TOML files in ``templates/`` parsed into pydantic models.

A template names the log's columns, their kinds and rules, the closed statuses,
and which column plays which role (ticket id, status, opened, resolved...), so
every pass reads the same framework the workbook was provisioned with.
"""

from __future__ import annotations

import tomllib
from datetime import time
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import TemplateError

if TYPE_CHECKING:
    from ..rules.cells import ColumnNormalizer
    from ..rules.rows import RowModel

BUNDLED_DIRS = (
    Path(__file__).resolve().parents[1] / "templates",  # installed wheel
    Path(__file__).resolve().parents[2] / "templates",  # source checkout
)
DEFAULT_TEMPLATE = "standard"


class Kind(StrEnum):
    """What a column holds; decides its format, normalization and sheet rules."""

    ID = "id"
    TEXT = "text"
    CHOICE = "choice"
    TIMESTAMP = "timestamp"
    DATE = "date"
    TAGS = "tags"
    EMAIL = "email"
    PHONE = "phone"
    NUMBER = "number"
    RATING = "rating"
    MANAGED = "managed"


class Column(BaseModel):
    """One column of the log and the rules its cells follow."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(min_length=1)]
    kind: Kind
    required: bool = False
    choices: tuple[str, ...] = ()
    aliases: dict[str, str] = Field(default_factory=dict)
    not_before: str | None = None
    pii: bool = False
    width: int = 18
    minimum: float | None = None
    maximum: float | None = None
    help: str = ""

    @model_validator(mode="after")
    def _check(self) -> Column:
        if self.kind is Kind.CHOICE and not self.choices:
            raise ValueError(f'column "{self.name}" is a choice column with no choices')
        if self.kind is not Kind.CHOICE and self.choices:
            raise ValueError(f'column "{self.name}" has choices but is of kind {self.kind}')
        for choice in self.choices:  # an xlsx drop-down is one "a,b,c" string: no escapes
            for mark, called in ((",", "a comma"), ('"', "a double quote")):
                if mark in choice:
                    raise ValueError(
                        f'column "{self.name}": choice "{choice}" contains {called}, which a'
                        " drop-down list cannot hold; reword it"
                    )
        for alias, target in self.aliases.items():
            if target not in self.choices:
                raise ValueError(
                    f'column "{self.name}": alias "{alias}" points to "{target}",'
                    " which is not one of its choices"
                )
        return self

    @cached_property
    def normalizer(self) -> ColumnNormalizer:
        """This column's cell normalization, built on first use and kept as long as the
        column is (every pass parses the template afresh, so no cache outlives it)."""
        from ..rules.cells import ColumnNormalizer  # the rules build on this module

        return ColumnNormalizer(self)


class Roles(BaseModel):
    """Which column plays which part in the passes (by column name)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    status: str
    opened: str
    resolved: str
    validation: str
    ended: str | None = None
    customer: str | None = None
    agent: str | None = None
    channel: str | None = None
    issue_type: str | None = None
    followup: str | None = None
    tags: str | None = None
    rating: str | None = None


ROLE_KINDS: dict[str, tuple[Kind, ...]] = {
    "id": (Kind.ID,),
    "status": (Kind.CHOICE,),
    "opened": (Kind.TIMESTAMP,),
    "resolved": (Kind.TIMESTAMP, Kind.DATE),
    "validation": (Kind.MANAGED,),
    "ended": (Kind.TIMESTAMP,),
    "followup": (Kind.DATE, Kind.TIMESTAMP),
    "tags": (Kind.TAGS,),
    "channel": (Kind.CHOICE,),
    "issue_type": (Kind.CHOICE,),
    "rating": (Kind.RATING,),
}


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class BusinessHours(BaseModel):
    """When the team works, in the log's timezone: the clock of the timeline's time
    figures when a template sets it (calendar time otherwise)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    days: tuple[str, ...] = WEEKDAYS[:5]
    start: time = time(9)
    end: time = time(17)

    @model_validator(mode="after")
    def _check(self) -> BusinessHours:
        unknown = [day for day in self.days if day not in WEEKDAYS]
        if unknown or not self.days:
            raise ValueError(f"business_hours.days must be among {', '.join(WEEKDAYS)}")
        if self.start >= self.end:
            raise ValueError("business_hours.start must come before business_hours.end")
        return self

    @property
    def weekdays(self) -> frozenset[int]:
        """The working days as ``date.weekday()`` numbers (Monday 0)."""
        return frozenset(WEEKDAYS.index(day) for day in self.days)

    def describe(self) -> str:
        """``Mon, Tue, Wed, Thu, Fri 09:00-17:00``, for reports."""
        days = ", ".join(self.days)
        return f"{days} {self.start:%H:%M}-{self.end:%H:%M}"


class Template(BaseModel):
    """A whole column framework, validated as one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(min_length=1)]
    version: int = 1
    description: str = ""
    timezone: str = "UTC"
    id_prefix: str = "T-"
    closed_statuses: tuple[str, ...]
    roles: Roles
    columns: tuple[Column, ...]
    business_hours: BusinessHours | None = None

    @model_validator(mode="after")
    def _check(self) -> Template:
        seen: set[str] = set()
        for column in self.columns:
            key = column.name.casefold()
            if key in seen:
                raise ValueError(f'duplicate column "{column.name}"')
            seen.add(key)
        by_name = {c.name: c for c in self.columns}
        for role, name in self.roles.model_dump(exclude_none=True).items():
            if name not in by_name:
                raise ValueError(f'role "{role}" names column "{name}", which is not defined')
            kinds = ROLE_KINDS.get(role)
            if kinds and by_name[name].kind not in kinds:
                allowed = " or ".join(kinds)
                raise ValueError(f'role "{role}": column "{name}" must be of kind {allowed}')
        status = by_name[self.roles.status]
        for closed in self.closed_statuses:
            if closed not in status.choices:
                raise ValueError(
                    f'closed status "{closed}" is not a choice of column "{status.name}"'
                )
        moments = (Kind.TIMESTAMP, Kind.DATE)
        for column in self.columns:
            if column.not_before and column.not_before not in by_name:
                raise ValueError(
                    f'column "{column.name}": not_before names unknown column "{column.not_before}"'
                )
            if column.not_before and (
                column.kind not in moments or by_name[column.not_before].kind not in moments
            ):
                raise ValueError(
                    f'column "{column.name}": not_before compares timestamp or date columns only'
                )
        managed = [c.name for c in self.columns if c.kind is Kind.MANAGED]
        if managed != [self.roles.validation]:
            raise ValueError("exactly one managed column is allowed: the validation role's")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f'unknown timezone "{self.timezone}"') from exc
        return self

    @cached_property
    def by_name(self) -> dict[str, Column]:
        """Columns keyed by their exact header text."""
        return {c.name: c for c in self.columns}

    @cached_property
    def header(self) -> list[str]:
        """The header row, in order."""
        return [c.name for c in self.columns]

    @cached_property
    def pii_names(self) -> frozenset[str]:
        """The names of the personal columns (``pii = true``)."""
        return frozenset(c.name for c in self.columns if c.pii)

    @cached_property
    def tz(self) -> ZoneInfo:
        """The timezone zone-less input is read in and months are cut in."""
        return ZoneInfo(self.timezone)

    @cached_property
    def row_model(self) -> RowModel:
        """The per-row model of this template, built on first use and kept as long as the
        template is (every pass parses the template afresh, so no cache outlives it)."""
        from ..rules.rows import RowModel  # the rules build on this module

        return RowModel(self)

    def column(self, role: str) -> Column | None:
        """The column playing ``role``, or None when the template has none."""
        name = getattr(self.roles, role)
        return self.by_name[name] if name else None

    def is_closed(self, status: object) -> bool:
        """Whether a (canonical) status value closes a ticket."""
        return status in self.closed_statuses


def parse_template(text: str, source: str) -> Template:
    """Parse TOML text into a Template; errors name ``source`` and the problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{source}: not valid TOML: {exc}") from exc
    try:
        return Template.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_describe(err["loc"], err["msg"], data) for err in exc.errors())
        raise TemplateError(f"{source}: {problems}") from None


def _describe(loc: tuple[int | str, ...], msg: str, data: dict[str, object]) -> str:
    """One readable line for one pydantic error; ``columns.3`` becomes the column's name."""
    parts = [str(part) for part in loc]
    columns = data.get("columns")
    if (
        len(loc) >= 2
        and loc[0] == "columns"
        and isinstance(loc[1], int)
        and isinstance(columns, list)
    ):
        entry = columns[loc[1]] if loc[1] < len(columns) else {}
        name = entry.get("name") if isinstance(entry, dict) else None
        parts[:2] = [f'column "{name}"' if name else f"column {loc[1] + 1}"]
    where = ".".join(parts)
    message = msg.removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def bundled_templates() -> dict[str, Path]:
    """The shipped templates by name."""
    found: dict[str, Path] = {}
    for folder in BUNDLED_DIRS:
        if folder.is_dir():
            for path in sorted(folder.glob("*.toml")):
                found.setdefault(path.stem, path)
    return found


def template_text(name_or_path: str = DEFAULT_TEMPLATE) -> tuple[str, str]:
    """The TOML text of a shipped template (by name) or a template file (by path), and its path."""
    path = Path(name_or_path)
    if path.suffix != ".toml":
        shipped = bundled_templates()
        if name_or_path not in shipped:
            known = ", ".join(sorted(shipped)) or "none"
            raise TemplateError(f'unknown template "{name_or_path}" (shipped: {known})')
        path = shipped[name_or_path]
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except OSError as exc:
        raise TemplateError(f"{path}: cannot read template: {exc.strerror}") from exc


def load_template(name_or_path: str = DEFAULT_TEMPLATE) -> Template:
    """Load a shipped template by name, or a template file by path."""
    return parse_template(*template_text(name_or_path))
