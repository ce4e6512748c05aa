"""``sheetlog find``: find rows in Log and the archive tabs."""

from __future__ import annotations

from datetime import date

import click

from .group import cli, emit_json, format_option, open_log, target_options
from .params import DAY, check_span


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
            ticket=ticket,
            customer=customer,
            agent=agent,
            status=status,
            tag=tag,
            since=since,
            until=until,
            text=text,
            history=history,
        )
    if output == "json":
        emit_json(found.rows)
        return
    click.echo(render_find(found))
