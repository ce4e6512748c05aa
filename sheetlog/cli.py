"""The ``sheetlog`` command: thin click commands over the library.

Each command opens a log, calls one library method of the same name and prints
the result. A ``SheetlogError`` becomes one line on stderr and its exit code
(2 for usage, configuration and access problems); ``--debug`` shows the traceback.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from .errors import SheetlogError
from .export import FORMATS, TABS, ExportFormat, ExportTabs, format_for, render
from .log import create
from .log import open as open_log
from .queries import parse_day
from .queries_report import render_find, render_followups, render_status
from .summary_report import render_text
from .target import parse_target

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
    for tab, count in sorted(result.tabs.items()):
        click.echo(f"{tab}: {verb} {count} row{'s' if count != 1 else ''}")
    click.echo(
        f"{verb} {result.moved} row{'s' if result.moved != 1 else ''}; kept in Log:"
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
      sheetlog find --ticket T-20251115-0042 --history
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
    type=click.Choice(FORMATS),
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
