"""``sheetlog summary``: sum up a month for managers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .group import cli, emit_json, format_option, open_log, target_options
from .params import MONTH

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
