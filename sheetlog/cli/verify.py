"""``sheetlog verify``: recompute the Row Hash chains of the archive tabs."""

from __future__ import annotations

import click

from ..errors import ConfigError
from .group import cli, emit_json, format_option, open_log, target_options


@cli.command()
@target_options
@click.option(
    "--digest", is_flag=True, help="Print one line naming every chain head, to store elsewhere."
)
@click.option(
    "--against", metavar="LINE", help="A digest line stored earlier: prove nothing changed since."
)
@click.option(
    "--since",
    metavar="CHECKPOINT",
    help="A checkpoint kept earlier (a file, or its text): prove the log only grew since.",
)
@click.option(
    "--key",
    metavar="PUBKEY",
    help="Check the checkpoints against this public key (or a file holding it), as its"
    " owner gave it, rather than the keys the sheet records.",
)
@format_option
def verify(
    sheet: str | None,
    credentials: str | None,
    digest: bool,
    against: str | None,
    since: str | None,
    key: str | None,
    output: str,
) -> None:
    """Recompute the Row Hash chains of the archive tabs and the Merkle tree over
    them; exit 1 if a row was edited, deleted, inserted or reordered after
    archiving, or the tree or its signed checkpoint no longer match.

    Someone with edit rights can rebuild a whole chain, or a whole tree; a
    digest line or a checkpoint stored outside the spreadsheet (an email, a
    ticket) catches that with --against or --since.

    \b
    Examples:
      sheetlog verify
      sheetlog verify --digest > digest-2025-11.txt
      sheetlog verify --against "$(cat digest-2025-11.txt)"
      sheetlog verify --since checkpoint-2025-11.txt --key support.pub
    """
    from pathlib import Path

    from ..passes.evidence import digest_line

    if since is not None and "\n" not in since:
        if not Path(since).is_file():
            raise ConfigError(
                f"--since {since}: no such file (give the file a checkpoint was saved to,"
                " or its text)"
            )
        since = Path(since).read_text(encoding="utf-8")
    if key is not None and Path(key).is_file():
        key = Path(key).read_text(encoding="utf-8")
    with open_log(sheet, credentials) as support_log:
        result = support_log.verify(against=against, since=since, key=key)
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
        tree = f" and a tree of {result.tree_size} leaves" if result.tree_size else ""
        click.echo(f"checked {result.checked} archived rows{tree}: {verdict}")
    if not result.ok:
        raise SystemExit(1)
