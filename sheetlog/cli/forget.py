"""``sheetlog forget``: erase one customer's personal cells (the right to erasure)."""

from __future__ import annotations

import click

from .group import cli, emit_json, format_option, open_log, target_options


@cli.command()
@target_options
@click.option(
    "--customer",
    required=True,
    metavar="VALUE",
    help="The customer cell to forget, as typed in the log (case and spaces around ignored).",
)
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
@format_option
def forget(
    sheet: str | None, credentials: str | None, customer: str, dry_run: bool, output: str
) -> None:
    """Forget a customer: anonymize the personal cells (customer, email, phone)
    of every row of theirs in Log and the archive tabs, and the Author of their
    tickets' timeline lines they wrote. Each value that stands in derives from
    the row's Row Hash or the line's leaf, so verify and proofs made before
    still pass. The Audit line says what changed, never who.

    An unknown customer exits 1 and writes nothing.

    \b
    Examples:
      sheetlog forget --customer jane@example.com --dry-run
      sheetlog forget --customer "Jane Doe"
      sheetlog forget --customer ORD789456 --format json
    """
    with open_log(sheet, credentials) as support_log:
        result = support_log.forget(customer, dry_run=dry_run)
    if output == "json":
        emit_json(result.to_dict())
        return
    verb = "would forget" if dry_run else "forgot"
    click.echo(f"{verb} a customer: {result.describe()}")
    click.echo(f"tickets: {', '.join(result.tickets)}")
