"""``sheetlog followups``: list the follow-ups overdue or due, by agent."""

from __future__ import annotations

from datetime import date

import click

from .group import cli, emit_json, format_option, open_log, target_options
from .params import DAY, DAYS


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
