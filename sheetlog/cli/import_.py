"""``sheetlog import``: add the rows of a CSV, JSON or JSON Lines file (the module is
``import_`` because ``import`` is a keyword)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ..model.formats import HELPDESKS, IMPORT_FORMATS
from .group import cli, emit_json, format_option, open_log, target_options
from .progress import progress_bar

if TYPE_CHECKING:
    from ..supportlog import ImportResult


@cli.command("import")
@target_options
@click.argument("files", metavar="FILE|-", nargs=-1, required=True)
@click.option(
    "--from",
    "helpdesk",
    type=click.Choice(HELPDESKS),
    help="The file(s) are this helpdesk's export (API JSON or UI CSV): no --map needed;"
    " tickets, their statuses and their conversations come in.",
)
@click.option(
    "--account-zone",
    metavar="ZONE",
    help="With --from: the zone of times the export writes without an offset (a helpdesk"
    " UI's CSV uses the account's), e.g. Europe/Berlin. Default: the log's.",
)
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
    files: tuple[str, ...],
    helpdesk: str | None,
    account_zone: str | None,
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
      sheetlog import --from zendesk tickets.json audits.json
      sheetlog import --from freshdesk tickets.csv --account-zone Europe/Berlin
    """
    from ..passes.importfiles import read_records

    if helpdesk is not None:
        if maps or input_format or delimiter:
            raise click.UsageError(
                "--from reads the helpdesk's own columns: no --map, --input-format or --delimiter"
            )
        _import_helpdesk(sheet, credentials, files, helpdesk, account_zone, all_or_nothing, output)
        return
    if len(files) != 1 or account_zone:
        raise click.UsageError("give one FILE (several, or --account-zone, go with --from)")
    file = files[0]

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


def _import_helpdesk(
    sheet: str | None,
    credentials: str | None,
    files: tuple[str, ...],
    helpdesk: str,
    account_zone: str | None,
    all_or_nothing: bool,
    output: str,
) -> None:
    """``import --from HELPDESK``: tickets, status changes and messages; exit 1 when some
    ticket was rejected."""
    if "-" in files:
        raise click.UsageError("--from reads files, not standard input")
    zone = _zone(account_zone)
    with open_log(sheet, credentials) as support_log:
        result = support_log.import_helpdesk(
            files, helpdesk, account_zone=zone, all_or_nothing=all_or_nothing
        )
    if output == "json":
        emit_json(
            {
                **_import_json(result.tickets),
                "updated": result.updated,
                "messages": result.messages,
                "duplicates": result.duplicates,
                "left_out": result.skipped,
            }
        )
    else:
        _print_import(result.tickets, all_or_nothing)
        if result.updated:
            click.echo(f"Updated the status of {', '.join(result.updated)}.")
        click.echo(f"Added {result.messages} messages to the timeline.")
        for line in (*result.duplicates, *result.skipped):
            click.echo(f"  left out: {line}")
    if not result.complete:
        click.get_current_context().exit(1)


def _zone(name: str | None) -> str | None:
    """``--account-zone``: an IANA zone name, checked here so a typo is a usage error."""
    if name is None:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(
            f'"{name}" is not a time zone name', param_hint="--account-zone"
        ) from None
    return name


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
