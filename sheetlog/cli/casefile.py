"""``sheetlog casefile``: one ticket's case file, a page an arbitrator reads and checks."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ConfigError
from .group import cli, json_text, open_log, output_file_option, target_options


@cli.command()
@target_options
@click.argument("ticket")
@output_file_option("standard output")
@click.option(
    "--format",
    "output",
    type=click.Choice(["html", "json"]),
    default="html",
    show_default=True,
    help="html: one self-contained page that prints well; json: the same for scripts.",
)
def casefile(
    sheet: str | None, credentials: str | None, ticket: str, out: str | None, output: str
) -> None:
    """Write a ticket's case file: its Log and archived rows, its timeline with the
    attachments it names, the Audit lines about it, and the proof of its archived row
    with the steps to check it (when the log signs its checkpoints; else why not).

    \b
    Examples:
      sheetlog casefile HD-10001 -o HD-10001.html
      sheetlog casefile HD-10001 --format json > HD-10001.json
    """
    from ..render.casefile import render_casefile

    with open_log(sheet, credentials) as support_log:
        case = support_log.casefile(ticket)
    text = json_text(case.to_dict()) + "\n" if output == "json" else render_casefile(case)
    if out is None:
        click.echo(text, nl=False)
        return
    path = Path(out)
    try:
        path.write_text(text, encoding="utf-8", newline="\n")
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror}") from None
    proven = "with its proof" if case.proof else "without a proof"
    click.echo(f"{case.ticket}: case file ({proven}) written to {path}")
