"""``sheetlog keygen``: make the key pair that signs the log's checkpoints."""

from __future__ import annotations

import click

from .group import cli, emit_json, format_option, open_log, target_options


@cli.command()
@target_options
@click.option(
    "--signing-key",
    "key_file",
    envvar="SHEETLOG_SIGNING_KEY",
    required=True,
    type=click.Path(dir_okay=False),
    help="Where to write the private key (never into the sheet; a file that exists is"
    " refused). Default: $SHEETLOG_SIGNING_KEY.",
)
@click.option("--name", help="The key's name (no spaces, no +). Default: the log's name.")
@format_option
def keygen(
    sheet: str | None, credentials: str | None, key_file: str, name: str | None, output: str
) -> None:
    """Make the Ed25519 key pair that signs this log's checkpoints.

    The private key goes to a new file (mode 600 where the system has modes); keep it
    off the shared drive.
    The public key is recorded in the hidden settings tab and printed: give it to
    whoever checks your evidence (a verifier key, as Go's sumdb and C2SP notes write it).

    \b
    Examples:
      sheetlog keygen --signing-key ~/.config/sheetlog/support.key
      SHEETLOG_SIGNING_KEY=/etc/sheetlog/log.key sheetlog keygen --sheet gsheet:<ID>
    """
    with open_log(sheet, credentials) as support_log:
        verifier = support_log.keygen(key_file, name)
    if output == "json":
        emit_json({"public_key": str(verifier), "name": verifier.name, "key_file": key_file})
        return
    click.echo(f"Private key written to {key_file}: keep it where only you can read it.")
    click.echo(f"Public key, recorded in the log and to hand to a checker:\n{verifier}")
