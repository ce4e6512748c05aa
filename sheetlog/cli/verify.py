"""``sheetlog verify``: recompute the Row Hash chains of the archive tabs."""

from __future__ import annotations

import click

from .group import cli, emit_json, format_option, open_log, target_options


@cli.command()
@target_options
@click.option(
    "--digest", is_flag=True, help="Print one line naming every chain head, to store elsewhere."
)
@click.option(
    "--against", metavar="LINE", help="A digest line stored earlier: prove nothing changed since."
)
@format_option
def verify(
    sheet: str | None, credentials: str | None, digest: bool, against: str | None, output: str
) -> None:
    """Recompute the Row Hash chains of the archive tabs; exit 1 if a row was
    edited, deleted, inserted or reordered after archiving.

    Someone with edit rights can rebuild a whole chain; a digest line stored
    outside the spreadsheet (an email, a ticket) catches that with --against.

    \b
    Examples:
      sheetlog verify
      sheetlog verify --digest > digest-2025-11.txt
      sheetlog verify --against "$(cat digest-2025-11.txt)"
    """
    from ..passes.evidence import digest_line

    with open_log(sheet, credentials) as support_log:
        result = support_log.verify(against=against)
    if output == "json":
        emit_json(result.to_dict())
    elif digest:
        click.echo(digest_line(result.heads))
    else:
        for problem in result.problems:
            where = (
                f"{problem.tab} row {problem.row} ({problem.ticket_id}): " if problem.tab else ""
            )
            click.echo(f"{where}{problem.problem}")
        verdict = "intact" if result.ok else f"{len(result.problems)} problem(s)"
        click.echo(f"checked {result.checked} archived rows: {verdict}")
    if not result.ok:
        raise SystemExit(1)
