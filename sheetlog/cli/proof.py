"""``sheetlog proof`` and ``sheetlog check-proof``: one archived row's evidence, made
from the log and checked offline."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ConfigError
from .group import cli, emit_json, format_option, open_log, output_file_option, target_options


@cli.command()
@target_options
@click.argument("ticket")
@output_file_option("TICKET.tlog-proof here")
@click.option(
    "--line",
    type=click.IntRange(min=1),
    help="Prove the ticket's timeline line of this number (from 1, in the order the"
    " archive pass sealed them) instead of its archived row.",
)
def proof(
    sheet: str | None, credentials: str | None, ticket: str, out: str | None, line: int | None
) -> None:
    """Write the evidence of an archived ticket's row: the row, its place in the log's
    Merkle tree and the signed checkpoint (a C2SP tlog-proof file). Anyone holding the
    log's public key checks it offline with sheetlog check-proof, or by hand (README,
    "Dispute-ready records").

    \b
    Examples:
      sheetlog proof HD-10001 -o HD-10001.tlog-proof
      sheetlog proof HD-10001 --line 2 -o HD-10001-line2.tlog-proof
      sheetlog check-proof HD-10001.tlog-proof --key "$(cat support.pub)"
    """
    from ..passes.proofs import PROOF_SUFFIX

    with open_log(sheet, credentials) as support_log:
        made = support_log.proof(ticket, line)
    path = Path(out or f"{ticket}{f'-line{line}' if line else ''}{PROOF_SUFFIX}")
    try:
        path.write_text(made.text(), encoding="utf-8", newline="\n")
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror}") from None
    click.echo(f"{ticket}: leaf {made.index}; proof written to {path}")


@cli.command("check-proof")
@click.argument("proof_file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--key",
    required=True,
    metavar="PUBKEY",
    help="The log's public key as sheetlog keygen printed it, or a file holding it.",
)
@format_option
def check_proof(proof_file: str, key: str, output: str) -> None:
    """Check a proof offline, without the log: its checkpoint is signed by KEY and
    its row is in that tree, unchanged. Exit 1 naming what fails.

    \b
    Examples:
      sheetlog check-proof HD-10001.tlog-proof --key support.pub
      sheetlog check-proof HD-10001.tlog-proof --key "support+1a2b3c4d+AV..." --format json
    """
    from ..passes.proofs import check_proof as check

    try:
        text = Path(proof_file).read_text(encoding="utf-8")
        key_text = Path(key).read_text(encoding="utf-8") if Path(key).is_file() else key
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{proof_file}: cannot read it ({exc})") from None
    try:
        checked = check(text, key_text)
    except ValueError as exc:
        if output == "json":
            emit_json({"ok": False, "problem": str(exc)})
        else:
            click.echo(f"{proof_file}: NOT proven: {exc}")
        raise SystemExit(1) from None
    if output == "json":
        emit_json(checked.to_dict())
        return
    head = checked.checkpoint
    click.echo(
        f"{proof_file}: proven: leaf {checked.index} of the tree of {head.size} that"
        f" {checked.signer} signed ({head.origin})"
    )
    tab = checked.row.get("tab", "")
    click.echo(f"the record, as sealed in {tab}:")
    cells = checked.row.get("cells", {})
    for name, value in cells.items() if isinstance(cells, dict) else ():
        click.echo(f"  {name}: {value}")
    click.echo(f"  personal cells (salted SHA-256 commitment): {checked.row.get('personal', '')}")
