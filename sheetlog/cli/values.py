"""The values a command is given (``-f COLUMN=VALUE``, ``--json``) and the stored row it
shows back: shared by ``append`` and ``update``."""

from __future__ import annotations

import sys
from typing import Any

import click

from .group import F


def value_options(command: F) -> F:
    """``-f "Column=value"`` (repeatable) and ``--json OBJECT|-``."""
    command = click.option(
        "--json",
        "json_text",
        metavar="OBJECT|-",
        help='A JSON object of column: value ("-" reads it from stdin, as does piping one in).',
    )(command)
    command = click.option(
        "-f",
        "--field",
        "fields",
        multiple=True,
        metavar='"COLUMN=VALUE"',
        help="One value; repeat for more. Column names ignore case; -f wins over --json.",
    )(command)
    return command


def given_values(fields: tuple[str, ...], json_text: str | None) -> dict[str, Any]:
    """The values of --json (or a JSON object piped to stdin), then the -f ones."""
    text = json_text
    if text == "-" or (text is None and not fields and not sys.stdin.isatty()):
        text = sys.stdin.read()
    values: dict[str, Any] = {}
    if text is not None and text.strip():
        from ..passes.importfiles import doubled_key, json_problem, load_json

        try:
            data = load_json(text)
        except (ValueError, RecursionError) as exc:
            why = json_problem(exc)
            raise click.BadParameter(f"not valid JSON ({why})", param_hint="--json") from None
        if not isinstance(data, dict):
            raise click.BadParameter("must be a JSON object", param_hint="--json")
        doubled = doubled_key(data)
        if doubled is not None:
            raise doubled  # bad input, exit 1: which of the two values was meant is a guess
        nested = [key for key, value in data.items() if isinstance(value, list | dict)]
        if nested:
            raise click.BadParameter(
                f'"{nested[0]}" must be a single text, number or true/false', param_hint="--json"
            )
        values.update(data)
    for field in fields:
        name, sep, value = field.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f'"{field}" is not COLUMN=VALUE', param_hint="-f")
        values[name.strip()] = value
    return values


def show_row(values: dict[str, Any]) -> None:
    """The non-empty cells of a stored row, one ``Column: value`` a line."""
    for name, value in values.items():
        if value is not None:
            click.echo(f"  {name}: {value}")
