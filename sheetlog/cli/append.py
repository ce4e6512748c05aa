"""``sheetlog append``: add one interaction to the log."""

from __future__ import annotations

import click

from .group import cli, emit_json, format_option, open_log, target_options
from .values import given_values, show_row, value_options


@cli.command()
@target_options
@value_options
@format_option
def append(
    sheet: str | None,
    credentials: str | None,
    fields: tuple[str, ...],
    json_text: str | None,
    output: str,
) -> None:
    """Add one interaction to the log, in the canonical formats.

    Values are normalized (email -> Email, 2023-11-15T09:30-05:00 -> 2023-11-15
    14:30 UTC); a blank Ticket ID, Contact Start and Status become a new id, now
    and Open. The row goes directly below the last row that has any content,
    from column A (a note typed below the table counts as content). Bad input:
    one line naming the column, the value and the format; exit 1; nothing written.

    \b
    Examples:
      sheetlog append -f "Customer=ORD789456" -f "Channel=email" -f "Agent=Maya" \\
          -f "Issue Summary=Parcel arrived damaged" -f "Issue Type=damaged"
      sheetlog append --json '{"Customer": "@jdoe", "Agent": "Sam", "Issue Summary": "Refund?"}'
      echo '{"Customer": "Ann Lee", "Agent": "Sam", "Issue Summary": "No login"}' | sheetlog append
    """
    values = given_values(fields, json_text)
    with open_log(sheet, credentials) as support_log:
        row = support_log.append(values)
    if output == "json":
        emit_json(row)
        return
    click.echo(f"Added to {support_log.location}:")
    show_row(row)
