"""``sheetlog retention``: anonymize or delete archive tabs past the retention policy."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from .group import cli, emit_json, format_option, open_log, target_options
from .params import MONTHS

if TYPE_CHECKING:
    from ..supportlog import SupportLog


@cli.command()
@target_options
@click.option("--older-than", type=MONTHS, default="24m", show_default=True, help="24m, 2y ...")
@click.option(
    "--anonymize",
    "action",
    flag_value="anonymize",
    help="Replace personal cells by a keyed digest.",
)
@click.option(
    "--delete", "action", flag_value="delete", help="Delete whole archive tabs past the policy."
)
@click.option("--dry-run", is_flag=True, help="List the tabs; write nothing.")
@click.option(
    "--yes", is_flag=True, help="Delete without asking (--delete needs it off a terminal)."
)
@format_option
def retention(
    sheet: str | None,
    credentials: str | None,
    older_than: int,
    action: str | None,
    dry_run: bool,
    yes: bool,
    output: str,
) -> None:
    """Apply the retention policy to archive tabs older than --older-than.

    --anonymize replaces the template's personal columns (customer, email,
    phone) with a digest that cannot be reversed, derived from the row's own Row
    Hash; verify still passes after it, and checks each anonymized cell.

    \b
    --delete removes whole archive tabs for good: on a terminal it lists them and
    asks first; elsewhere (cron, a pipe) it needs --yes.

    \b
    Examples:
      sheetlog retention --older-than 24m --anonymize --dry-run
      sheetlog retention --older-than 5y --delete
      sheetlog retention --older-than 5y --delete --yes      # from cron
    """
    if action is None:
        raise click.UsageError("say what to do: --anonymize or --delete")
    asking = action == "delete" and not dry_run and not yes
    if asking and not on_terminal():
        raise click.UsageError(
            "--delete removes whole archive tabs: add --yes to confirm (or --dry-run to list them)"
        )
    with open_log(sheet, credentials) as support_log:
        only = confirmed_tabs(support_log, older_than) if asking else None
        result = support_log.retention(older_than, action, dry_run=dry_run, only=only)
    if output == "json":
        emit_json(result.to_dict())
        return
    verb = f"would {action}" if dry_run else f"{action}d" if action == "delete" else "anonymized"
    tabs = ", ".join(result.tabs) or "no archive tab"
    cells = f" ({result.cells} cells)" if action == "anonymize" else ""
    click.echo(f"{verb}: {tabs}{cells}")


def on_terminal() -> bool:
    """Whether a person can answer a question (stdin is a terminal)."""
    return sys.stdin.isatty()


def confirmed_tabs(support_log: SupportLog, months: int) -> list[str]:
    """The archive tabs ``--delete`` would remove, once the person at the terminal said yes
    (none to remove: an empty list; no: the command stops, exit 1)."""
    titles = support_log.retention(months, "delete", dry_run=True).tabs
    if titles:
        click.echo(f"Would delete {len(titles)} archive tab(s): {', '.join(titles)}", err=True)
        click.confirm("Delete them for good?", abort=True, err=True)
    return titles
