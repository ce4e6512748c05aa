"""``sheetlog timeline``: one ticket's messages, status changes and Audit lines in order."""

from __future__ import annotations

import click

from .group import cli, emit_json, format_option, open_log, target_options


@cli.command()
@target_options
@click.argument("ticket")
@format_option
def timeline(sheet: str | None, credentials: str | None, ticket: str, output: str) -> None:
    """Show a ticket's timeline and what it says: first response, replies, reopens,
    one-touch resolution, time waiting on the requester and on the agents.

    \b
    Examples:
      sheetlog timeline T-251114-7K3QZ
      sheetlog timeline T-251114-7K3QZ --format json
    """
    from ..render.timeline import render_timeline

    with open_log(sheet, credentials) as support_log:
        result = support_log.timeline(ticket)
    if output == "json":
        emit_json(result.to_dict())
        return
    click.echo(render_timeline(result))
