"""``sheetlog update``: change cells of one ticket's row."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from .group import cli, emit_json, format_option, open_log, target_options
from .values import given_values, value_options

if TYPE_CHECKING:
    from ..supportlog import UpdateResult


@cli.command()
@target_options
@click.argument("ticket")
@value_options
@format_option
def update(
    sheet: str | None,
    credentials: str | None,
    ticket: str,
    fields: tuple[str, ...],
    json_text: str | None,
    output: str,
) -> None:
    """Change cells of one ticket's row in Log; Audit keeps old and new values.

    The merged row is validated as a whole and only changed cells are written.
    Moving to a closed status (Resolved, Closed) stamps Resolved At unless given;
    moving out of it clears Resolved At. An unknown ticket: exit 1.

    \b
    Examples:
      sheetlog update T-251114-7K3QZ -f Status=Resolved -f "Actions & Notes=Refund issued"
      sheetlog update T-251114-7K3QZ -f "Follow-up Date=2025-11-20" --format json
    """
    changes = given_values(fields, json_text)
    if not changes:
        raise click.UsageError('give the values to change: -f "COLUMN=VALUE" or --json')
    with open_log(sheet, credentials) as support_log:
        result = support_log.update(ticket, changes)
    if output == "json":
        emit_json(_update_json(result))
        return
    where = f"{result.ticket} (Log row {result.row})"
    if not result.changes:
        click.echo(f"{where}: nothing to change")
        return
    click.echo(f"{where}:")
    for change in result.changes:
        old = "(empty)" if change.old in (None, "") else change.old
        new = "(empty)" if change.new is None else change.new
        click.echo(f"  {change.column}: {old} -> {new}")


def _update_json(result: UpdateResult) -> dict[str, Any]:
    return {
        "ticket": result.ticket,
        "row": result.row,
        "changes": [{"column": c.column, "old": c.old, "new": c.new} for c in result.changes],
        "values": result.values,
    }
