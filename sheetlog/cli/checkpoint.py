"""``sheetlog checkpoint``: print (or sign now) the latest checkpoint of the log's tree."""

from __future__ import annotations

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


@cli.command()
@target_options
@signing_key_option
@tsa_option
@format_option
def checkpoint(
    sheet: str | None,
    credentials: str | None,
    signing_key: str | None,
    tsa: str | None,
    output: str,
) -> None:
    """Print the latest checkpoint of the log's Merkle tree: its origin, size and root,
    signed. Keep a copy somewhere else (an email, a printout): sheetlog verify --since
    proves later that the log only grew since.

    With --signing-key, the tree's head is signed now and recorded (a tree sealed
    before the log had a key, or a new key); with --tsa too, a Time-Stamping
    Authority timestamps it (RFC 3161), and --format json shows the token.

    \b
    Examples:
      sheetlog checkpoint > checkpoint-2025-11.txt
      sheetlog checkpoint --signing-key ~/.config/sheetlog/support.key
      sheetlog checkpoint --signing-key support.key --tsa https://freetsa.org/tsr
      sheetlog verify --since checkpoint-2025-11.txt
    """
    from ..supportlog import read_signer

    signer = read_signer(signing_key) if signing_key else None
    with open_log(sheet, credentials) as support_log:
        recorded = support_log.checkpoint(signer, tsa)
    if output == "json":
        emit_json(recorded.to_dict())
        return
    click.echo(recorded.note, nl=False)
    if recorded.timestamp:
        click.echo("(timestamped: --format json shows the RFC 3161 token)", err=True)
