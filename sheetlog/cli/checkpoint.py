"""``sheetlog checkpoint``: print (or sign now) the latest checkpoint of the log's tree."""

from __future__ import annotations

import click

from .group import cli, emit_json, format_option, open_log, signing_key_option, target_options


@cli.command()
@target_options
@signing_key_option
@format_option
def checkpoint(
    sheet: str | None, credentials: str | None, signing_key: str | None, output: str
) -> None:
    """Print the latest checkpoint of the log's Merkle tree: its origin, size and root,
    signed. Keep a copy somewhere else (an email, a printout): sheetlog verify --since
    proves later that the log only grew since.

    With --signing-key, the tree's head is signed now and recorded (a tree sealed
    before the log had a key, or a new key).

    \b
    Examples:
      sheetlog checkpoint > checkpoint-2025-11.txt
      sheetlog checkpoint --signing-key ~/.config/sheetlog/support.key
      sheetlog verify --since checkpoint-2025-11.txt
    """
    from ..model.signed_note import Checkpoint
    from ..supportlog import read_signer

    signer = read_signer(signing_key) if signing_key else None
    with open_log(sheet, credentials) as support_log:
        note = support_log.checkpoint(signer)
    if output == "json":
        text, _, signatures = note.partition("\n\n")
        head = Checkpoint.parse(text.rstrip("\n") + "\n\n")
        emit_json(
            {
                "origin": head.origin,
                "tree_size": head.size,
                "root": text.split("\n")[2],
                "signed": bool(signatures),
                "note": note,
            }
        )
        return
    click.echo(note, nl=False)
