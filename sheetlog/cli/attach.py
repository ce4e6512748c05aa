"""``sheetlog attach``: keep files with a ticket, hashed, linked from its timeline."""

from __future__ import annotations

import click

from .group import cli, emit_json, format_option, open_log, target_options


@cli.command()
@target_options
@click.argument("ticket")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--from",
    "sender",
    type=click.Choice(["customer", "agent", "note"]),
    default="note",
    show_default=True,
    help="Who it comes from; a note is internal and never counts as a response.",
)
@click.option("--at", metavar="TIME", help="When it was received (default: now).")
@format_option
def attach(
    sheet: str | None,
    credentials: str | None,
    ticket: str,
    files: tuple[str, ...],
    sender: str,
    at: str | None,
    output: str,
) -> None:
    """Attach files (RMA labels, proof of postage, screenshots) to a ticket.

    Each file is kept once under its SHA-256 beside the log: a folder next to
    the workbook, or a Drive folder next to the spreadsheet. A timeline line
    links to it and records the hash; the next archive pass seals it into the
    log's tree, and sheetlog verify checks every kept file's bytes. At most
    5 MB a file; a missing or unreadable file: exit 1, nothing kept.

    \b
    Examples:
      sheetlog attach T-251114-7K3QZ label.pdf postage-receipt.jpg
      sheetlog attach T-251114-7K3QZ --from customer --at "2025-11-14 10:05" photo.png
    """
    with open_log(sheet, credentials) as support_log:
        lines = support_log.attach(ticket, list(files), sender=sender, at=at)
    if output == "json":
        emit_json(
            [{**line.to_dict(), "link": getattr(line.attachment, "url", "")} for line in lines]
        )
        return
    for line in lines:
        click.echo(f"{line.ticket}: {line.text} ({line.tab})")
