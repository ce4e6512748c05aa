"""``sheetlog status``: show how the log stands."""

from __future__ import annotations

import click

from .group import cli, emit_json, format_option, open_log, target_options


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
