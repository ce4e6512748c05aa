"""``sheetlog archive``: move closed rows into dated archive tabs."""

from __future__ import annotations

from datetime import timedelta

import click

from .group import (
    cli,
    emit_json,
    format_option,
    open_log,
    signing_key_option,
    target_options,
    tsa_option,
)
from .params import AGE


@cli.command()
@target_options
@click.option(
    "--older-than",
    type=AGE,
    default="7d",
    show_default=True,
    help="Move rows resolved longer ago than this: 0, 36h, 30d, 2w.",
)
@click.option("--dry-run", is_flag=True, help="List what would move, per tab; write nothing.")
@click.option(
    "--archive-to",
    metavar="TARGET",
    help="Put the archive tabs in another spreadsheet or workbook (keeps the live sheet small).",
)
@signing_key_option
@tsa_option
@format_option
def archive(
    sheet: str | None,
    credentials: str | None,
    older_than: timedelta,
    dry_run: bool,
    archive_to: str | None,
    signing_key: str | None,
    tsa: str | None,
    output: str,
) -> None:
    """Move closed rows into dated Archive YYYY-MM tabs (month of Resolved At).

    Rows with validation errors stay in Log, and so does a row someone edits
    while the pass runs; it goes on a later pass. Killed or run twice, every
    row still ends up exactly once in Log or in one archive tab.

    Each archived row becomes a leaf of the log's Merkle tree, and the pass
    records a checkpoint of the tree, signed with --signing-key once the log
    has a key (sheetlog keygen).

    \b
    Examples:
      sheetlog archive --dry-run
      sheetlog archive --older-than 30d --sheet gsheet:<ID>
      sheetlog archive --format json
      sheetlog archive --archive-to archive-2025.xlsx
      sheetlog archive --signing-key ~/.config/sheetlog/support.key
    """
    from ..render.text import count
    from ..supportlog import read_signer

    destination = open_log(archive_to, credentials) if archive_to else None
    with open_log(sheet, credentials) as support_log:
        result = support_log.archive(
            older_than=older_than,
            dry_run=dry_run,
            archive_to=destination,
            signer=read_signer(signing_key) if signing_key else None,
            tsa=tsa,
        )
    if output == "json":
        emit_json({**result.to_dict(), "dry_run": dry_run})
        return

    verb = "would move" if dry_run else "moved"
    if result.finished:
        click.echo(result.finished_line)
    for tab, moved in sorted(result.tabs.items()):
        click.echo(f"{tab}: {verb} {count(moved, 'row')}")
    click.echo(
        f"{verb} {count(result.moved, 'row')}; kept in Log:"
        f" {result.kept_invalid} with validation errors, {result.kept_changed} changed meanwhile"
    )
    if result.checkpoint is not None:
        size = result.checkpoint.size
        click.echo(f"checkpoint: the tree has {size} lea{'f' if size == 1 else 'ves'} now")
