"""Recording entries: ``append``, ``update``, ``import``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from ..model.formats import IMPORT_FORMATS
from .group import F, cli, emit_json, format_option, open_log, target_options

if TYPE_CHECKING:
    from ..supportlog import ImportResult, UpdateResult

# --- recording: append, update, import ----------------------------------------------------

PROGRESS_MIN_ROWS = 2000


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


@cli.command()
@target_options
@value_options
@format_option
def append(
    sheet: str | None,
    credentials: str | None,
    fields: tuple[str, ...],
    json_text: str | None,
    output: str,
) -> None:
    """Add one interaction to the log, in the canonical formats.

    Values are normalized (email -> Email, 2023-11-15T09:30-05:00 -> 2023-11-15
    14:30 UTC); a blank Ticket ID, Contact Start and Status become a new id, now
    and Open. The row goes directly below the last row that has any content,
    from column A (a note typed below the table counts as content). Bad input:
    one line naming the column, the value and the format; exit 1; nothing written.

    \b
    Examples:
      sheetlog append -f "Customer=ORD789456" -f "Channel=email" -f "Agent=Maya" \\
          -f "Issue Summary=Parcel arrived damaged" -f "Issue Type=damaged"
      sheetlog append --json '{"Customer": "@jdoe", "Agent": "Sam", "Issue Summary": "Refund?"}'
      echo '{"Customer": "Ann Lee", "Agent": "Sam", "Issue Summary": "No login"}' | sheetlog append
    """
    values = given_values(fields, json_text)
    with open_log(sheet, credentials) as support_log:
        row = support_log.append(values)
    if output == "json":
        emit_json(row)
        return
    click.echo(f"Added to {support_log.location}:")
    show_row(row)


@cli.command()
@target_options
@click.argument("ticket")
@value_options
@format_option
def update(
    sheet: str | None,
    credentials: str | None,
    ticket: str,
    fields: tuple[str, ...],
    json_text: str | None,
    output: str,
) -> None:
    """Change cells of one ticket's row in Log; Audit keeps old and new values.

    The merged row is validated as a whole and only changed cells are written.
    Moving to a closed status (Resolved, Closed) stamps Resolved At unless given;
    moving out of it clears Resolved At. An unknown ticket: exit 1.

    \b
    Examples:
      sheetlog update T-251114-7K3QZ -f Status=Resolved -f "Actions & Notes=Refund issued"
      sheetlog update T-251114-7K3QZ -f "Follow-up Date=2025-11-20" --format json
    """
    changes = given_values(fields, json_text)
    if not changes:
        raise click.UsageError('give the values to change: -f "COLUMN=VALUE" or --json')
    with open_log(sheet, credentials) as support_log:
        result = support_log.update(ticket, changes)
    if output == "json":
        emit_json(_update_json(result))
        return
    where = f"{result.ticket} (Log row {result.row})"
    if not result.changes:
        click.echo(f"{where}: nothing to change")
        return
    click.echo(f"{where}:")
    for change in result.changes:
        old = "(empty)" if change.old in (None, "") else change.old
        new = "(empty)" if change.new is None else change.new
        click.echo(f"  {change.column}: {old} -> {new}")


def _update_json(result: UpdateResult) -> dict[str, Any]:
    return {
        "ticket": result.ticket,
        "row": result.row,
        "changes": [{"column": c.column, "old": c.old, "new": c.new} for c in result.changes],
        "values": result.values,
    }


@contextmanager
def progress_bar(total: int, label: str) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr for long runs at a terminal; None for cron jobs and pipes."""
    stream = sys.stderr
    if total <= PROGRESS_MIN_ROWS or not stream.isatty():
        yield None
        return
    with click.progressbar(length=total, label=label, file=stream) as bar:
        yield bar.update


@cli.command("import")
@target_options
@click.argument("file", metavar="FILE|-")
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar='"FROM=COLUMN"',
    help='Read the file\'s column FROM as COLUMN (repeatable); "FROM=" ignores FROM.',
)
@click.option("--all-or-nothing", is_flag=True, help="Write nothing when any row is rejected.")
@click.option(
    "--input-format",
    type=click.Choice(IMPORT_FORMATS),
    help="Default: from the extension (.csv, .json, .jsonl); stdin is guessed from its start.",
)
@click.option(
    "--delimiter",
    metavar="CHAR",
    callback=lambda ctx, param, value: _delimiter(value),
    help='The CSV field separator (default ","): ";" for a semicolon-delimited file, as'
    ' Excel saves CSV where the decimal mark is a comma; "tab" for tab-separated.',
)
@format_option
def import_(
    sheet: str | None,
    credentials: str | None,
    file: str,
    maps: tuple[str, ...],
    all_or_nothing: bool,
    input_format: str | None,
    delimiter: str | None,
    output: str,
) -> None:
    """Add the rows of a CSV, JSON array or JSON Lines file (e.g. a helpdesk export).

    Every row is normalized and checked; all valid rows land in one write
    (split under 2 MB a request on Google Sheets). Rows whose Ticket ID is
    already in Log or an archive are skipped, so importing a file twice adds
    nothing. Each rejected row is reported with its line, column and reason.
    Exit 0 when every row landed (or was already there), 1 when some were rejected.

    \b
    Examples:
      sheetlog import examples/interactions.csv
      sheetlog import export.csv --map "Subject=Issue Summary" --map "Requester=Customer"
      sheetlog import tickets.jsonl --all-or-nothing --format json
      helpdesk-export | sheetlog import - --input-format jsonl
      sheetlog import export-de.csv --delimiter ';'
    """
    from ..passes.importfiles import read_records

    mapping = {}
    for entry in maps:
        source, sep, target = entry.partition("=")
        if not sep or not source.strip():
            raise click.BadParameter(f'"{entry}" is not FROM=COLUMN', param_hint="--map")
        mapping[source.strip()] = target.strip()
    records = read_records(file, input_format, delimiter)
    with (
        open_log(sheet, credentials) as support_log,
        progress_bar(len(records), "Checking rows") as progress,
    ):
        result = support_log.import_rows(
            records,
            mapping=mapping,
            all_or_nothing=all_or_nothing,
            source="stdin" if file == "-" else file,
            progress=progress,
        )
    if output == "json":
        emit_json(_import_json(result))
    else:
        _print_import(result, all_or_nothing)
    if not result.complete:
        click.get_current_context().exit(1)


def _delimiter(value: str | None) -> str | None:
    """``--delimiter``: one character; "tab" or "\\t" for a tab."""
    if value is None:
        return None
    value = "\t" if value.lower() in ("tab", "\\t") else value
    if len(value) != 1:
        raise click.BadParameter(f"{value!r} is not one character", param_hint="--delimiter")
    return value


def _import_json(result: ImportResult) -> dict[str, Any]:
    return {
        "added": len(result.added),
        "tickets": result.added,
        "skipped": [{"where": where, "ticket": ticket} for where, ticket in result.skipped],
        "rejected": [
            {
                "where": r.where,
                "problems": [
                    {"column": p.column, "value": p.value, "message": str(p)} for p in r.problems
                ],
            }
            for r in result.rejected
        ],
        "writes": result.writes,
    }


def _print_import(result: ImportResult, all_or_nothing: bool) -> None:
    if result.rejected and all_or_nothing:
        click.echo(f"Nothing imported: {len(result.rejected)} rows rejected (--all-or-nothing)")
    else:
        writes = f" in {result.writes} writes" if result.writes > 1 else ""
        click.echo(f"Imported {len(result.added)} rows{writes}.")
    if result.skipped:
        click.echo(f"Skipped {len(result.skipped)} rows already in the log.")
    if result.rejected:
        click.echo(f"Rejected {len(result.rejected)} rows:")
        for rejected in result.rejected:
            for problem in rejected.problems:
                click.echo(f"  {rejected.where}: {problem}")
