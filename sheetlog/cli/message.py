"""``sheetlog message``: add a customer message, an agent reply or a note to a timeline."""

from __future__ import annotations

import click

from .group import cli, emit_json, format_option, open_log, target_options


@cli.command()
@target_options
@click.argument("ticket")
@click.argument("text")
@click.option(
    "--from",
    "sender",
    type=click.Choice(["customer", "agent", "note"]),
    default="customer",
    show_default=True,
    help="Who it comes from; a note is internal and never counts as a response.",
)
@click.option("--at", metavar="TIME", help="When it was sent (default: now), in the log's zone.")
@click.option("--author", metavar="NAME", help="Default: the ticket's Customer or Agent.")
@click.option("--channel", metavar="NAME", help="Default: the ticket's Channel.")
@format_option
def message(
    sheet: str | None,
    credentials: str | None,
    ticket: str,
    text: str,
    sender: str,
    at: str | None,
    author: str | None,
    channel: str | None,
    output: str,
) -> None:
    """Add one line to a ticket's timeline (the month's Messages tab).

    A time before the ticket's Contact Start, or an unknown ticket: exit 1. An
    archived ticket takes messages too.

    \b
    Examples:
      sheetlog message T-251114-7K3QZ "Where is my parcel?"
      sheetlog message T-251114-7K3QZ --from agent "Asked the courier for a trace"
      sheetlog message T-251114-7K3QZ --from note --at "2025-11-14 10:05" "Called back"
    """
    with open_log(sheet, credentials) as support_log:
        line = support_log.message(
            ticket, text, sender=sender, at=at, author=author, channel=channel
        )
    if output == "json":
        emit_json(line.to_dict())
        return
    cells = line.to_dict()
    click.echo(f"{cells['ticket']}: {cells['kind']} at {cells['at']} ({line.tab})")
