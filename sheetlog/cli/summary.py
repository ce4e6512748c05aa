"""``sheetlog summary``: sum up a month for managers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .group import cli, emit_json, format_option, open_log
from .params import MONTH

if TYPE_CHECKING:
    from ..model.periods import Month


@cli.command()
@click.option(
    "--credentials",
    envvar="SHEETLOG_CREDENTIALS",
    type=click.Path(dir_okay=False),
    help="Google key file (service account or authorized user). "
    "Default: $SHEETLOG_CREDENTIALS, $GOOGLE_APPLICATION_CREDENTIALS, gspread's default place.",
)
@click.option(
    "--sheet",
    "sheets",
    multiple=True,
    metavar="TARGET",
    help="A Google Sheets URL, gsheet:<ID>, or an .xlsx path; repeat it to sum up several"
    " logs together. Default: $SHEETLOG_SHEET, else ./support-log.xlsx.",
)
@click.option(
    "--to",
    "target",
    metavar="TARGET",
    help='With several --sheet: the log to write the tab "Summary YYYY-MM (N logs)" to.',
)
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
    credentials: str | None,
    sheets: tuple[str, ...],
    target: str | None,
    month: Month | None,
    no_write: bool,
    output: str,
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
      sheetlog summary --sheet team-a.xlsx --sheet gsheet:<ID> --to managers.xlsx
    """
    from ..render.summary import render_text

    if len(sheets) > 1:
        _rollup(sheets, credentials, target, month, no_write, output)
        return
    if target is not None:
        raise click.UsageError("--to writes a summary of several logs: give --sheet twice or more")
    sheet = sheets[0] if sheets else None  # None: $SHEETLOG_SHEET, else the default
    with open_log(sheet, credentials) as support_log:
        result = support_log.summary(month, write=not no_write)
        location = support_log.location
    if output == "json":
        emit_json(result.to_dict())
        return
    click.echo(render_text(result))
    if not no_write:
        click.echo(f'\nWrote the tab "{result.tab}" in {location}')


def _rollup(
    sheets: tuple[str, ...],
    credentials: str | None,
    target: str | None,
    month: Month | None,
    no_write: bool,
    output: str,
) -> None:
    """``summary`` of several logs: printed, and written to ``--to`` unless --no-write."""
    from .. import rollup
    from ..render.summary import render_text

    if target is None and not no_write:
        raise click.UsageError(
            "several --sheet: say where to write the summary (--to TARGET) or add --no-write"
        )
    result = rollup(sheets, month, to=None if no_write else target, credentials=credentials)
    if output == "json":
        emit_json(result.to_dict())
        return
    click.echo(render_text(result))
    if not no_write:
        click.echo(f'\nWrote the tab "{result.tab}" in {target}')
