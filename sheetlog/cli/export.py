"""``sheetlog export``: write rows of Log and the archive tabs as CSV, JSON or Parquet."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..model.formats import EXPORT_FORMATS, EXPORT_TABS, ExportFormat, ExportTabs
from .group import cli, open_log, target_options
from .params import DAY


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
