"""The ``sheetlog`` command: thin click commands over the library.

Each command opens a log, calls one library method of the same name and prints
the result. A ``SheetlogError`` becomes one line on stderr and its exit code
(2 for usage, configuration and access problems); ``--debug`` shows the traceback.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from .errors import ConfigError, SheetlogError
from .evidence import digest_line
from .export import FORMATS as EXPORT_FORMATS
from .export import TABS, ExportFormat, ExportTabs, format_for, render
from .log import ImportResult, UpdateResult, create
from .log import open as open_log
from .queries import parse_day
from .queries_report import render_find, render_followups, render_status
from .records import FORMATS, read_records
from .summary_report import render_text
from .target import parse_target
from .validation import ValidationReport, count

F = TypeVar("F", bound=Callable[..., Any])


class CommandFailed(click.ClickException):
    """A SheetlogError as click shows it: one line, the error's own exit code."""

    def __init__(self, error: SheetlogError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code  # type: ignore[misc]  # click declares it per class

    def show(self, file: Any = None) -> None:
        click.echo(f"sheetlog: {self.format_message()}", err=True)


class SheetlogGroup(click.Group):
    """Translates library errors at one place, for every command."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SheetlogError as exc:
            if ctx.params.get("debug"):
                raise
            raise CommandFailed(exc) from exc


def target_options(command: F) -> F:
    """``--sheet`` and ``--credentials``, shared by every command."""
    command = click.option(
        "--credentials",
        envvar="SHEETLOG_CREDENTIALS",
        type=click.Path(dir_okay=False),
        help="Google key file (service account or authorized user). "
        "Default: $SHEETLOG_CREDENTIALS, $GOOGLE_APPLICATION_CREDENTIALS, gspread's default place.",
    )(command)
    command = click.option(
        "--sheet",
        "sheet",
        envvar="SHEETLOG_SHEET",
        metavar="TARGET",
        help="A Google Sheets URL, gsheet:<ID>, or a path to an .xlsx workbook. "
        "Default: $SHEETLOG_SHEET, else ./support-log.xlsx.",
    )(command)
    return command


def format_option(command: F) -> F:
    """``--format text|json``."""
    return click.option(
        "--format",
        "output",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="json prints one machine-readable document for scripts.",
    )(command)


def emit_json(data: Any) -> None:
    """Print ``data`` as indented JSON."""
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


@click.group(cls=SheetlogGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sheetlog")
@click.option("--debug", is_flag=True, help="Show tracebacks and every API retry.")
def cli(debug: bool) -> None:
    """Keep every customer-support interaction in one shared spreadsheet.

    The log lives in Google Sheets or a local .xlsx workbook (the default,
    ./support-log.xlsx); every command takes --sheet to choose it.

    \b
    Examples:
      sheetlog init                                   # ./support-log.xlsx
      sheetlog init --sheet gsheet:new --title "Support Log" --share lead@example.com
      sheetlog init --sheet https://docs.google.com/spreadsheets/d/<ID>/edit

    \b
    Exit status: 0 ok, 1 problems found or bad input, 2 usage, configuration
    or access problem.
    """
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="sheetlog: %(message)s",
    )
    if not debug:
        logging.getLogger("urllib3").setLevel(logging.WARNING)


@cli.command()
@target_options
@click.option(
    "--template",
    metavar="NAME|PATH",
    help="standard (default), orders, or a template .toml file. Re-runs keep the stored one.",
)
@click.option("--title", default="Support Log", show_default=True, help="Title for gsheet:new.")
@click.option(
    "--share",
    multiple=True,
    metavar="EMAIL[:ROLE]",
    help="With gsheet:new: share with this address (role writer, reader or commenter).",
)
@format_option
def init(
    sheet: str | None,
    credentials: str | None,
    template: str | None,
    title: str,
    share: tuple[str, ...],
    output: str,
) -> None:
    """Create or adopt the log: header, drop-downs, format rules, Audit tab.

    Safe to run again: it adds missing columns and rules, never deletes or
    reorders data, and says what it changed.

    \b
    Examples:
      sheetlog init --sheet demo/support-log.xlsx
      sheetlog init --sheet demo/orders.xlsx --template orders
      sheetlog init --sheet gsheet:new --title "Support Log" --share lead@example.com:writer
    """
    target = parse_target(sheet)
    if share and not target.is_new:
        raise click.UsageError("--share only works with --sheet gsheet:new")
    opened = create(title, credentials, share) if target.is_new else open_log(sheet, credentials)
    with opened as support_log:
        result = support_log.init(template)
    if output == "json":
        emit_json(
            {"location": result.location, "created": target.is_new, "changes": result.changes}
        )
        return
    if target.is_new:
        click.echo(f"Created {result.location}")
    if not result.changes:
        click.echo(f"{result.location}: nothing to change")
        return
    click.echo(f"{result.location}:")
    for change in result.changes:
        click.echo(f"  - {change}")


@cli.command()
@target_options
@click.option(
    "--month",
    metavar="YYYY-MM",
    help="The month to sum up. Default: last month, in the log's timezone.",
)
@click.option(
    "--no-write", is_flag=True, help="Compute and print only; the spreadsheet is not changed."
)
@format_option
def summary(
    sheet: str | None, credentials: str | None, month: str | None, no_write: bool, output: str
) -> None:
    """Sum up a month for managers, and write it to the tab "Summary YYYY-MM".

    Counts every row of Log and the archive tabs whose Contact Start falls in
    the month: interactions by status, channel, issue type and agent, time to
    resolve and handle time (median, 90th percentile), the open backlog at
    month end by age, overdue follow-ups, top tags and repeat customers, with
    a chart of interactions per day and by channel. Re-running replaces the tab
    in place. Rows with malformed values are left out of the figures they spoil.

    \b
    Examples:
      sheetlog summary                                # last month
      sheetlog summary --month 2025-10 --sheet demo/support-log.xlsx
      sheetlog summary --month 2025-10 --no-write --format json
    """
    with open_log(sheet, credentials) as support_log:
        result = support_log.summary(month, write=not no_write)
        location = support_log.location
    if output == "json":
        emit_json(result.to_dict())
        return
    click.echo(render_text(result))
    if not no_write:
        click.echo(f'\nWrote the tab "{result.tab}" in {location}')


# --- validate ---------------------------------------------------------------------------


@cli.command()
@target_options
@click.option(
    "--fix", is_flag=True, help="Rewrite what normalizes without guessing; Audit keeps each fix."
)
@click.option("--no-flag", is_flag=True, help="Only read and report: write nothing to the sheet.")
@click.option("--strict", is_flag=True, help="Warnings count as errors for the exit status.")
@click.option(
    "--stale-days",
    type=click.IntRange(min=0),
    default=14,
    show_default=True,
    help="Warn about tickets open for more than this many days.",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="json prints one machine-readable document; csv one line per problem.",
)
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False, writable=True),
    metavar="FILE",
    help="Also write the JSON report to FILE.",
)
@click.pass_context
def validate(
    ctx: click.Context,
    sheet: str | None,
    credentials: str | None,
    fix: bool,
    no_flag: bool,
    strict: bool,
    stale_days: int,
    output: str,
    report_file: str | None,
) -> None:
    """Check every Log row against the template and flag the bad ones in the sheet.

    The Validation cell of each bad row says what is wrong and the offending
    cells are highlighted; rows that are now valid get both cleared. A pass
    that would change nothing writes nothing.

    \b
    Examples:
      sheetlog validate --sheet demo/support-log.xlsx
      sheetlog validate --sheet gsheet:<ID> --credentials key.json --report report.json
      sheetlog validate --no-flag --format json          # read only, for scripts
      sheetlog validate --fix --strict --stale-days 30

    \b
    Exit status: 0 no errors (warnings allowed), 1 errors found (or warnings,
    with --strict), 2 usage, configuration or access problem.
    """
    if fix and no_flag:
        raise click.UsageError("--fix writes to the sheet, so it cannot go with --no-flag")
    with open_log(sheet, credentials) as support_log:
        report = support_log.validate(
            fix=fix, flag=not no_flag, strict=strict, stale_days=stale_days
        )
    if report_file:
        write_report(report_file, report.to_json())
    if output == "json":
        emit_json(report.to_json())
    elif output == "csv":
        emit_csv(report)
    else:
        show_validation(report)
    ctx.exit(report.exit_code)


def write_report(path: str, data: dict[str, Any]) -> None:
    """Write the JSON report to ``path``; a failure is a configuration problem (exit 2)."""
    try:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
    except OSError as exc:
        raise ConfigError(f"--report {path}: cannot write it: {exc.strerror}") from exc


def emit_csv(report: ValidationReport) -> None:
    """One CSV line per problem, with a header line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["row", "ticket_id", "column", "severity", "code", "message"])
    for p in report.problems:
        writer.writerow([p.row, p.ticket_id, p.column, p.severity, p.code, p.message])
    click.echo(buffer.getvalue(), nl=False)


def show_validation(report: ValidationReport) -> None:
    """The terminal report: a table of problems, the fixes, the totals and where to look."""
    if report.problems:
        table = [("ROW", "TICKET ID", "COLUMN", "SEVERITY", "PROBLEM")]
        table += [
            (str(p.row), p.ticket_id, p.column or "(header)", p.severity, p.message)
            for p in report.problems
        ]
        widths = [max(len(line[i]) for line in table) for i in range(4)]
        for line in table:
            cells = [cell.ljust(width) for cell, width in zip(line, widths, strict=False)]
            click.echo("  ".join([*cells, line[4]]))
        click.echo()
    if report.fixes:
        click.echo(f"Fixed {count(len(report.fixes), 'cell')}:")
        for fixed in report.fixes:
            click.echo(f"  {fixed.describe()}")
    click.echo(
        f"Checked {count(report.rows_checked, 'row')}: {count(report.errors, 'error')},"
        f" {count(report.warnings, 'warning')}" + (" (--strict)" if report.strict else "")
    )
    for note in report.notes:
        click.echo(note)
    if report.written:
        click.echo(
            f"Flagged {count(len(report.flagged), 'row')}, cleared {len(report.cleared)}:"
            f" see the Validation column of the Log tab in {report.location}"
        )
    elif not report.notes:
        state = "flags already up to date" if report.problems else "nothing to flag"
        click.echo(f"{report.location}: {state}; nothing written")


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
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise click.BadParameter(f"not valid JSON ({exc.msg})", param_hint="--json") from None
        if not isinstance(data, dict):
            raise click.BadParameter("must be a JSON object", param_hint="--json")
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
    type=click.Choice(FORMATS),
    help="Default: from the extension (.csv, .json, .jsonl); stdin is guessed from its start.",
)
@format_option
def import_(
    sheet: str | None,
    credentials: str | None,
    file: str,
    maps: tuple[str, ...],
    all_or_nothing: bool,
    input_format: str | None,
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
    """
    mapping = {}
    for entry in maps:
        source, sep, target = entry.partition("=")
        if not sep or not source.strip():
            raise click.BadParameter(f'"{entry}" is not FROM=COLUMN', param_hint="--map")
        mapping[source.strip()] = target.strip()
    records = read_records(file, input_format)
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


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="sheetlog")


@cli.command()
@target_options
@click.option(
    "--older-than",
    default="7d",
    show_default=True,
    metavar="AGE",
    help="Move rows resolved longer ago than this: 0, 36h, 30d, 2w.",
)
@click.option("--dry-run", is_flag=True, help="List what would move, per tab; write nothing.")
@click.option(
    "--archive-to",
    metavar="TARGET",
    help="Put the archive tabs in another spreadsheet or workbook (keeps the live sheet small).",
)
@format_option
def archive(
    sheet: str | None,
    credentials: str | None,
    older_than: str,
    dry_run: bool,
    archive_to: str | None,
    output: str,
) -> None:
    """Move closed rows into dated Archive YYYY-MM tabs (month of Resolved At).

    Rows with validation errors stay in Log, and so does a row someone edits
    while the pass runs; it goes on a later pass. Killed or run twice, every
    row still ends up exactly once in Log or in one archive tab.

    \b
    Examples:
      sheetlog archive --dry-run
      sheetlog archive --older-than 30d --sheet gsheet:<ID>
      sheetlog archive --format json
      sheetlog archive --archive-to archive-2025.xlsx
    """
    destination = open_log(archive_to, credentials) if archive_to else None
    with open_log(sheet, credentials) as support_log:
        result = support_log.archive(older_than=older_than, dry_run=dry_run, archive_to=destination)
    if output == "json":
        emit_json({**result.to_dict(), "dry_run": dry_run})
        return
    verb = "would move" if dry_run else "moved"
    for tab, moved in sorted(result.tabs.items()):
        click.echo(f"{tab}: {verb} {count(moved, 'row')}")
    click.echo(
        f"{verb} {count(result.moved, 'row')}; kept in Log:"
        f" {result.kept_invalid} with validation errors, {result.kept_changed} changed meanwhile"
    )


# --- day-to-day: find, followups, status, export ---------------------------------------


@cli.command()
@target_options
@click.option("--ticket", metavar="ID", help="The ticket with this id (any case).")
@click.option("--customer", metavar="TEXT", help="Customers whose cell contains this (any case).")
@click.option("--agent", metavar="TEXT", help="Agents whose cell contains this (any case).")
@click.option(
    "--status", multiple=True, metavar="STATUS", help="This status (repeat for either of several)."
)
@click.option("--tag", metavar="TAG", help="Rows carrying this tag.")
@click.option("--from", "since", metavar="YYYY-MM-DD", help="Contact Start on or after this day.")
@click.option("--to", "until", metavar="YYYY-MM-DD", help="Contact Start on or before this day.")
@click.option("--text", metavar="TEXT", help="Words in the summary or notes (any case).")
@click.option("--history", is_flag=True, help="Add the Audit lines that name each ticket.")
@format_option
def find(
    sheet: str | None,
    credentials: str | None,
    ticket: str | None,
    customer: str | None,
    agent: str | None,
    status: tuple[str, ...],
    tag: str | None,
    since: str | None,
    until: str | None,
    text: str | None,
    history: bool,
    output: str,
) -> None:
    """Find rows in Log and the archive tabs, in Contact Start order.

    Every filter given must match; days are in the log's timezone and include
    both ends. Each row shows its tab and sheet row. With --history the Audit
    lines that name the ticket follow it: one command prints a case file.

    \b
    Examples:
      sheetlog find --ticket HD-10001 --history
      sheetlog find --customer ORD789456
      sheetlog find --agent jane --status Open --status Pending
      sheetlog find --from 2025-11-01 --to 2025-11-30 --tag refund-delayed --format json
      sheetlog find --text "phone case"
    """
    with open_log(sheet, credentials) as support_log:
        found = support_log.find(
            ticket, customer, agent, status, tag, since, until, text, history=history
        )
    if output == "json":
        emit_json(found.rows)
        return
    click.echo(render_find(found))


@cli.command()
@target_options
@click.option(
    "--days",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Also list follow-ups due within this many days after today.",
)
@click.option(
    "--today",
    metavar="YYYY-MM-DD",
    help="Count from this day instead of today in the log's timezone (for scripts).",
)
@format_option
@click.pass_context
def followups(
    ctx: click.Context,
    sheet: str | None,
    credentials: str | None,
    days: int,
    today: str | None,
    output: str,
) -> None:
    """List open tickets whose follow-up is overdue or due, grouped by agent.

    Exit status 1 when any follow-up is overdue, so a morning job can alert.

    \b
    Examples:
      sheetlog followups
      sheetlog followups --days 3
      sheetlog followups --format json || mail -s "Overdue callbacks" team@example.com
    """
    day = parse_day(today, "today")
    with open_log(sheet, credentials) as support_log:
        result = support_log.followups(days=days, today=day)
    if output == "json":
        emit_json(result.to_dict())
    else:
        click.echo(render_followups(result))
    if result.overdue:
        ctx.exit(1)


@cli.command()
@target_options
@format_option
def status(sheet: str | None, credentials: str | None, output: str) -> None:
    """Show how the log stands: rows, open tickets by age, archive tabs, cells, last changes.

    Cells count every tab's allocated grid against Google's 10,000,000-cell
    limit per spreadsheet; a warning shows from 80%.

    \b
    Examples:
      sheetlog status
      sheetlog status --sheet gsheet:<ID> --format json
    """
    with open_log(sheet, credentials) as support_log:
        result = support_log.status()
    if output == "json":
        emit_json(result.to_dict())
        return
    click.echo(render_status(result))


@cli.command()
@target_options
@click.option(
    "--tabs",
    type=click.Choice(TABS),
    default="all",
    show_default=True,
    help="Export Log, the archive tabs, or both.",
)
@click.option("--from", "since", metavar="YYYY-MM-DD", help="Contact Start on or after this day.")
@click.option("--to", "until", metavar="YYYY-MM-DD", help="Contact Start on or before this day.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    help="Default: from the --output suffix, else csv. Parquet needs pyarrow.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write. Default: standard output (csv and json).",
)
@click.option("--redact", is_flag=True, help="Mask the template's personal columns.")
def export(
    sheet: str | None,
    credentials: str | None,
    tabs: ExportTabs,
    since: str | None,
    until: str | None,
    fmt: ExportFormat | None,
    output: Path | None,
    redact: bool,
) -> None:
    """Export rows of Log and the archive tabs as CSV, JSON or Parquet, in time order.

    --redact masks the columns the template marks personal (pii): emails as
    j***@example.com, phones as +1 555-***-**34, names as J***. In CSV a cell
    starting with = + - @ (or a tab or line break) gets a leading ' so a
    spreadsheet opening the file never runs it as a formula.

    \b
    Examples:
      sheetlog export > log.csv
      sheetlog export --tabs archives --from 2025-01-01 --to 2025-06-30 -o h1.parquet
      sheetlog export --redact --format json -o shared-with-vendor.json
    """
    chosen = format_for(output, fmt)
    if output is None and chosen == "parquet":
        raise click.UsageError("--format parquet needs --output FILE")
    with open_log(sheet, credentials) as support_log:
        frame = support_log.export(output, chosen, tabs, since, until, redact)
    if output is None:
        click.echo(render(frame, chosen), nl=False)
    else:
        click.echo(f"Wrote {len(frame)} rows to {output}", err=True)


@cli.command()
@target_options
@click.option(
    "--digest", is_flag=True, help="Print one line naming every chain head, to store elsewhere."
)
@click.option(
    "--against", metavar="LINE", help="A digest line stored earlier: prove nothing changed since."
)
@format_option
def verify(
    sheet: str | None, credentials: str | None, digest: bool, against: str | None, output: str
) -> None:
    """Recompute the Row Hash chains of the archive tabs; exit 1 if a row was
    edited, deleted, inserted or reordered after archiving.

    Someone with edit rights can rebuild a whole chain; a digest line stored
    outside the spreadsheet (an email, a ticket) catches that with --against.

    \b
    Examples:
      sheetlog verify
      sheetlog verify --digest > digest-2025-11.txt
      sheetlog verify --against "$(cat digest-2025-11.txt)"
    """
    with open_log(sheet, credentials) as support_log:
        result = support_log.verify(against=against)
    if output == "json":
        emit_json(result.to_dict())
    elif digest:
        click.echo(digest_line(result.heads))
    else:
        for problem in result.problems:
            where = (
                f"{problem.tab} row {problem.row} ({problem.ticket_id}): " if problem.tab else ""
            )
            click.echo(f"{where}{problem.problem}")
        verdict = "intact" if result.ok else f"{len(result.problems)} problem(s)"
        click.echo(f"checked {result.checked} archived rows: {verdict}")
    if not result.ok:
        raise SystemExit(1)


@cli.command()
@target_options
@click.option("--older-than", default="24m", show_default=True, metavar="AGE", help="24m, 2y ...")
@click.option(
    "--anonymize",
    "action",
    flag_value="anonymize",
    help="Replace personal cells by a keyed digest.",
)
@click.option(
    "--delete", "action", flag_value="delete", help="Delete whole archive tabs past the policy."
)
@click.option("--dry-run", is_flag=True, help="List the tabs; write nothing.")
@format_option
def retention(
    sheet: str | None,
    credentials: str | None,
    older_than: str,
    action: str | None,
    dry_run: bool,
    output: str,
) -> None:
    """Apply the retention policy to archive tabs older than --older-than.

    --anonymize replaces the template's personal columns (customer, email,
    phone) with a keyed digest that cannot be reversed ($SHEETLOG_ANON_KEY keeps
    one customer's digest the same across runs); verify still passes after it.

    \b
    Examples:
      sheetlog retention --older-than 24m --anonymize --dry-run
      sheetlog retention --older-than 5y --delete
    """
    if action is None:
        raise click.UsageError("say what to do: --anonymize or --delete")
    key = os.environ.get("SHEETLOG_ANON_KEY")
    with open_log(sheet, credentials) as support_log:
        result = support_log.retention(
            older_than, action, dry_run=dry_run, key=key.encode() if key else None
        )
    if output == "json":
        emit_json(result.to_dict())
        return
    verb = f"would {action}" if dry_run else f"{action}d" if action == "delete" else "anonymized"
    tabs = ", ".join(result.tabs) or "no archive tab"
    cells = f" ({result.cells} cells)" if action == "anonymize" else ""
    click.echo(f"{verb}: {tabs}{cells}")
