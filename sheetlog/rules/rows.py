"""The per-row model of a template: every problem of one row, found in one pass.

``row_model(template)`` builds, once per template, a pydantic model whose fields
are the template's columns (aliased to their header text), each normalized by
its column's normalizer, so all field errors of a row come back together. The
cross-field rules (time order, closed tickets and Resolved At) are then checked
on the normalized values. ``validate`` uses ``check`` on stored cells; append,
update and import use ``validate_input`` on what users give.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, cast
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    create_model,
)
from pydantic_core import PydanticCustomError

from ..errors import InvalidRow, InvalidValue
from ..model.sheetdata import CellValue, Stored
from ..model.templates import Column, Kind, Template
from .cells import (
    ColumnNormalizer,
    column_normalizer,
    local_day,
    same_stored,
    typed_cell,
)

REQUIRED = "required"
FORMAT = "format"
CHOICE = "choice"
TIME_ORDER = "time_order"
CLOSED_WITHOUT_RESOLVED = "closed_without_resolved"
RESOLVED_NOT_CLOSED = "resolved_not_closed"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a row, with the canonical fix when one is certain.

    ``fix`` is None when nothing can be settled without guessing; "" means clear the cell.
    """

    column: str
    code: str
    message: str
    value: object
    fix: Stored | None
    severity: str = "error"


@dataclass
class CheckedRow:
    """A row's canonical values (None for empty or invalid cells) and all its problems."""

    values: dict[str, Stored]
    problems: list[Problem]


@dataclass(frozen=True)
class _Failure:
    """A cell that did not pass: its problem code and the error users are shown."""

    code: str
    error: InvalidValue


class RowModel:
    """Built once per template: ``Template.row_model`` keeps it."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self._checked = [c for c in template.columns if c.kind is not Kind.MANAGED]
        self._managed = template.by_name[template.roles.validation]
        self._normalizers = {c.name: column_normalizer(c) for c in template.columns}
        self._names = {_fold_name(c.name): c.name for c in template.columns}
        self._order = [
            (column, template.by_name[column.not_before])
            for column in template.columns
            if column.not_before
        ]
        self._status = template.by_name[template.roles.status]
        self._resolved = template.by_name[template.roles.resolved]
        fields: dict[str, Any] = {
            f"c{index}": (
                Annotated[
                    Any,
                    BeforeValidator(
                        _validator(column, self._normalizers[column.name], template.tz)
                    ),
                ],
                Field(default=None, alias=column.name, validate_default=True),
            )
            for index, column in enumerate(self._checked)
        }
        self._model: type[BaseModel] = create_model(
            f"{template.name.title()}Row", __config__=ConfigDict(extra="ignore"), **fields
        )

    def check(self, raw: Mapping[str, CellValue]) -> CheckedRow:
        """Every problem of a stored row, with the fix where normalization settles it."""
        values, failures = self._run(raw)
        problems: list[Problem] = []
        for column in self._checked:
            name = column.name
            value = raw.get(name)
            if failures and name in failures:
                problems.append(self._problem(failures[name], value, None))
            elif value is not values[name] and not same_stored(value, values[name]):
                problems.append(self._fixable(column, value, values[name]))
        problems.extend(
            self._problem(f, raw.get(f.error.column), None)
            for f in self._cross(raw, values, failures)
        )
        return CheckedRow(values, problems)

    def validate_input(self, raw: Mapping[str, CellValue]) -> dict[str, Stored]:
        """The canonical row for user input (column names match case-insensitively).

        Raises InvalidRow with one InvalidValue per problem, unknown columns included.
        """
        row: dict[str, CellValue] = {}
        given_as: dict[str, str] = {}
        errors: list[InvalidValue] = []
        for key, value in raw.items():
            name = self.column_name(key)
            if name is None:
                errors.append(self._unknown_column(key, value))
            elif name in given_as:
                errors.append(
                    InvalidValue(key, value, f'given once (also given as "{given_as[name]}")')
                )
            else:
                row[name] = value
                given_as[name] = key
        values, failures = self._run(row)
        errors.extend(f.error for f in failures.values())
        errors.extend(f.error for f in self._cross(row, values, failures))
        if errors:
            raise InvalidRow(errors)
        return values

    def column_name(self, key: str) -> str | None:
        """The column a user's key names (case- and spacing-insensitive), or None."""
        return key if key in self.template.by_name else self._names.get(_fold_name(key))

    def _run(self, raw: Mapping[str, CellValue]) -> tuple[dict[str, Stored], dict[str, _Failure]]:
        """Normalize the row through the pydantic model: values by column, and the failures."""
        normalized: dict[str, Stored] = {}
        failures: dict[str, _Failure] = {}
        try:
            self._model.model_validate(raw, context=normalized)
        except ValidationError as exc:
            for err in exc.errors():
                error: InvalidValue = err.get("ctx", {})["error"]
                failures[error.column] = _Failure(err["type"], error)
        values: dict[str, Stored] = dict.fromkeys(self.template.header)
        values.update(normalized)
        try:
            values[self._managed.name] = self._normalizers[self._managed.name].normalize(
                raw.get(self._managed.name), None
            )
        except InvalidValue:  # a character no cell holds, pasted over a flag: rewritten
            values[self._managed.name] = None
        return values, failures

    def _fixable(self, column: Column, value: CellValue, fix: Stored) -> Problem:
        """The problem of a cell that normalizes but is not yet in its stored form."""
        code = CHOICE if column.kind is Kind.CHOICE else FORMAT
        fix = "" if fix is None else fix  # "" = clear a cell that holds only spaces
        if fix == "":
            hint = "fix: clear the cell"
        elif not isinstance(fix, str):
            hint = f"fix: store it as the number {fix}"
        elif isinstance(value, str):
            hint = f'fix: "{fix}"'
        else:
            hint = f'fix: store it as the text "{fix}"'
        expected = self._normalizers[column.name].expected
        return self._problem(
            _Failure(code, InvalidValue(column.name, value, expected, hint)), value, fix
        )

    def _problem(self, failure: _Failure, value: object, fix: Stored | None) -> Problem:
        """A Problem from a failure, keeping the raw value as read; a cell the spreadsheet
        typed is quoted as a person sees it, with what it was typed as."""
        error = failure.error
        column = self.template.by_name.get(error.column)
        typed = typed_cell(column, error.value) if column else None
        if typed is not None:
            shown, what = typed
            hint = f"{what}; {error.hint}" if error.hint else what
            error = InvalidValue(error.column, shown, error.expected, hint)
        return Problem(error.column, failure.code, str(error), value, fix)

    def _cross(
        self,
        raw: Mapping[str, CellValue],
        values: dict[str, Stored],
        failures: dict[str, _Failure],
    ) -> list[_Failure]:
        """The cross-field problems, judged on normalized values; failed cells are skipped."""
        found: list[_Failure] = []
        for column, earlier in self._order:
            later_value, earlier_value = values[column.name], values[earlier.name]
            if later_value is None or earlier_value is None:
                continue
            if self._before(column, str(later_value), earlier, str(earlier_value)):
                expected = f"at or after {earlier.name} ({earlier_value})"
                error = InvalidValue(column.name, _as_typed(raw.get(column.name)), expected)
                found.append(_Failure(TIME_ORDER, error))
        status, resolved = self._status.name, self._resolved.name
        if status in failures or resolved in failures:
            return found
        closed = self.template.is_closed(values[status])
        if closed and values[resolved] is None:
            hint = f'required when {status} is "{values[status]}"'
            error = InvalidValue(resolved, _as_typed(raw.get(resolved)), "filled in", hint)
            found.append(_Failure(CLOSED_WITHOUT_RESOLVED, error))
        elif not closed and values[resolved] is not None:
            expected = " or ".join(f'"{s}"' for s in self.template.closed_statuses)
            hint = f"{resolved} is set: close the ticket or clear {resolved}"
            error = InvalidValue(status, _as_typed(raw.get(status)), expected, hint)
            found.append(_Failure(RESOLVED_NOT_CLOSED, error))
        return found

    def _before(self, column: Column, value: str, earlier: Column, earlier_value: str) -> bool:
        """Whether ``value`` lies before ``earlier_value``; a date against a time compares days."""
        if column.kind is earlier.kind:
            return value < earlier_value  # canonical text sorts chronologically
        day = local_day(value, column.kind, self.template)
        earlier_day = local_day(earlier_value, earlier.kind, self.template)
        return day is not None and earlier_day is not None and day < earlier_day

    def _unknown_column(self, key: str, value: CellValue) -> InvalidValue:
        """The error for a value given under a name the template does not have."""
        header = self.template.header
        close = difflib.get_close_matches(key, header, n=1)
        hint = f'did you mean "{close[0]}"?' if close else ""
        return InvalidValue(key, value, "one of the template's columns: " + ", ".join(header), hint)


def _validator(
    column: Column, normalizer: ColumnNormalizer, tz: ZoneInfo
) -> Callable[[Any, ValidationInfo], Any]:
    """The pydantic before-validator of one column: normalize, record, or raise its problem.

    The normalized value goes into the validation context, so the values of the
    cells that passed are known even when other cells of the row failed.
    """
    name, required, normalize = column.name, column.required, normalizer.normalize

    def validate(value: Any, info: ValidationInfo) -> Any:
        try:
            stored = normalize(value, tz)
        except InvalidValue as invalid:
            code = CHOICE if column.kind is Kind.CHOICE else FORMAT
            raise _field_error(code, invalid) from None
        if stored is None and required:
            raise _field_error(
                REQUIRED, InvalidValue(name, _as_typed(value), "filled in", "required")
            )
        cast("dict[str, Stored]", info.context)[name] = stored
        return stored

    return validate


def _field_error(code: str, invalid: InvalidValue) -> PydanticCustomError:
    """A pydantic error carrying the InvalidValue itself: pydantic copies plain strings in
    its context to Rust, which cannot hold a lone surrogate, but passes objects through."""
    return PydanticCustomError(code, "{message}", {"error": invalid, "message": str(invalid)})


def _as_typed(value: object) -> object:
    """An empty cell shows as "" in messages, not as None."""
    return "" if value is None else value


def _fold_name(name: str) -> str:
    """The case- and spacing-insensitive key of a column name."""
    return " ".join(name.split()).casefold()


def row_model(template: Template) -> RowModel:
    """The row model of ``template``, built once per template object (``Template.row_model``)."""
    return template.row_model
