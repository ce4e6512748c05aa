"""Read-only commands for managers and day-to-day work: summary, find, followups, status, export."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..model.formats import EXPORT_FORMATS, EXPORT_TABS, ExportFormat, ExportTabs
from .group import cli, emit_json, format_option, open_log, target_options
from .params import DAY, DAYS, MONTH, check_span

if TYPE_CHECKING:
    from ..model.periods import Month


@cli.command()
@target_options
@click.option(
    "--month",
    type=MONTH,
    help="The month to sum up. Default: last month, in the log's timezone.",
)
@click.option(
    "--no-write", is_flag=True, help="Compute and print only; the spreadsheet is not changed."
)
@format_option
def summary(
    sheet: str | None, credentials: str | None, month: Month | None, no_write: bool, output: str
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
    from ..render.summary import render_text

    with open_log(sheet, credentials) as support_log:
        result = support_log.summary(month, write=not no_write)
        location = support_log.location
    if output == "json":
        emit_json(result.to_dict())
        return
    click.echo(render_text(result))
    if not no_write:
        click.echo(f'\nWrote the tab "{result.tab}" in {location}')


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
@click.option("--from", "since", type=DAY, help="Contact Start on or after this day.")
@click.option("--to", "until", type=DAY, help="Contact Start on or before this day.")
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
    since: date | None,
    until: date | None,
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
    from ..render.queries import render_find

    check_span(since, until)
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
    type=DAYS,
    default=0,
    show_default=True,
    help="Also list follow-ups due within this many days after today.",
)
@click.option(
    "--today",
    type=DAY,
    help="Count from this day instead of today in the log's timezone (for scripts).",
)
@format_option
@click.pass_context
def followups(
    ctx: click.Context,
    sheet: str | None,
    credentials: str | None,
    days: int,
    today: date | None,
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
    from ..render.queries import render_followups

    with open_log(sheet, credentials) as support_log:
        result = support_log.followups(days=days, today=today)
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
    from ..render.queries import render_status

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
    type=click.Choice(EXPORT_TABS),
    default="all",
    show_default=True,
    help="Export Log, the archive tabs, or both.",
)
@click.option("--from", "since", type=DAY, help="Contact Start on or after this day.")
@click.option("--to", "until", type=DAY, help="Contact Start on or before this day.")
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
    since: date | None,
    until: date | None,
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
    from ..passes.export import format_for, render

    chosen = format_for(output, fmt)
    if output is None and chosen == "parquet":
        raise click.UsageError("--format parquet needs --output FILE")
    with open_log(sheet, credentials) as support_log:
        frame = support_log.export(output, chosen, tabs, since, until, redact)
    if output is None:
        click.echo(render(frame, chosen), nl=False)
    else:
        click.echo(f"Wrote {len(frame)} rows to {output}", err=True)
