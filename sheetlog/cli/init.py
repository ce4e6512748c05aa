"""``sheetlog init``: create or adopt the log."""

from __future__ import annotations

import click

from ..backends.target import parse_target
from .group import cli, emit_json, format_option, open_log, target_options


@cli.command()
@target_options
@click.option(
    "--template",
    metavar="NAME|PATH",
    help="standard (default), orders, or a template .toml file. Re-runs keep the stored one.",
)
@click.option("--title", default="Support Log", show_default=True, help="Title for gsheet:new.")
@click.option(
    "--share",
    multiple=True,
    metavar="EMAIL[:ROLE]",
    help="With gsheet:new: share with this address (role writer, reader or commenter).",
)
@format_option
def init(
    sheet: str | None,
    credentials: str | None,
    template: str | None,
    title: str,
    share: tuple[str, ...],
    output: str,
) -> None:
    """Create or adopt the log: header, drop-downs, format rules, Audit tab.

    Safe to run again: it adds missing columns and rules, never deletes or
    reorders data, and says what it changed.

    \b
    Examples:
      sheetlog init --sheet demo/support-log.xlsx
      sheetlog init --sheet demo/orders.xlsx --template orders
      sheetlog init --sheet gsheet:new --title "Support Log" --share lead@example.com:writer
    """
    from ..supportlog import create

    target = parse_target(sheet)
    if share and not target.is_new:
        raise click.UsageError("--share only works with --sheet gsheet:new")
    opened = create(title, credentials, share) if target.is_new else open_log(sheet, credentials)
    with opened as support_log:
        result = support_log.init(template)
    if output == "json":
        emit_json(
            {"location": result.location, "created": target.is_new, "changes": result.changes}
        )
        return
    if target.is_new:
        click.echo(f"Created {result.location}")
    if not result.changes:
        click.echo(f"{result.location}: nothing to change")
        return
    click.echo(f"{result.location}:")
    for change in result.changes:
        click.echo(f"  - {change}")
