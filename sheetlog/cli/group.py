"""Shared pieces of every command: the group, its error translation, common options."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..errors import SheetlogError
from ..model.sheetdata import escape_unstorable

if TYPE_CHECKING:
    from ..supportlog import SupportLog

F = TypeVar("F", bound=Callable[..., Any])
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class CommandFailed(click.ClickException):
    """A SheetlogError as click shows it: one line, the error's own exit code."""

    def __init__(self, error: SheetlogError) -> None:
        super().__init__(escape_unstorable(str(error)))  # printable, whatever it quotes
        self.exit_code = error.exit_code  # type: ignore[misc]  # click declares it per class

    def show(self, file: Any = None) -> None:
        click.echo(f"sheetlog: {self.format_message()}", err=True)


class UsageLine(click.UsageError):
    """A usage error (bad option value, missing argument) as one line; exit 2."""

    def show(self, file: Any = None) -> None:
        click.echo(f"sheetlog: {self.format_message()}", err=True)


class SheetlogGroup(click.Group):
    """Translates library errors and usage errors at one place, for every command."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SheetlogError as exc:
            if ctx.params.get("debug"):
                raise
            raise CommandFailed(exc) from exc
        except click.UsageError as exc:
            if ctx.params.get("debug"):
                raise
            raise UsageLine(exc.format_message(), exc.ctx) from exc


def target_options(command: F) -> F:
    """``--sheet`` and ``--credentials``, shared by every command."""
    command = click.option(
        "--credentials",
        envvar="SHEETLOG_CREDENTIALS",
        type=click.Path(dir_okay=False),
        help="Google key file (service account or authorized user). "
        "Default: $SHEETLOG_CREDENTIALS, $GOOGLE_APPLICATION_CREDENTIALS, gspread's default place.",
    )(command)
    command = click.option(
        "--sheet",
        "sheet",
        envvar="SHEETLOG_SHEET",
        metavar="TARGET",
        help="A Google Sheets URL, gsheet:<ID>, or a path to an .xlsx workbook. "
        "Default: $SHEETLOG_SHEET, else ./support-log.xlsx.",
    )(command)
    return command


def format_option(command: F) -> F:
    """``--format text|json``."""
    return click.option(
        "--format",
        "output",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="json prints one machine-readable document for scripts.",
    )(command)


def signing_key_option(command: F) -> F:
    """``--signing-key``: the private key file that signs checkpoints (``keygen``)."""
    return click.option(
        "--signing-key",
        "signing_key",
        envvar="SHEETLOG_SIGNING_KEY",
        type=click.Path(dir_okay=False),
        help="The private key file sheetlog keygen wrote, to sign the tree's checkpoint"
        " (needed once the log records a key). Default: $SHEETLOG_SIGNING_KEY.",
    )(command)


def output_file_option(what: str) -> Callable[[F], F]:
    """``-o/--output-file``: where a command writes the file it makes (``what``: where it
    goes without one)."""
    return click.option(
        "-o",
        "--output-file",
        "out",
        type=click.Path(dir_okay=False, writable=True),
        help=f"Where to write it. Default: {what}.",
    )


def tsa_option(command: F) -> F:
    """``--tsa``: the RFC 3161 Time-Stamping Authority that timestamps checkpoints."""
    return click.option(
        "--tsa",
        envvar="SHEETLOG_TSA",
        metavar="URL",
        help="An RFC 3161 Time-Stamping Authority (e.g. https://freetsa.org/tsr) that"
        " timestamps each checkpoint; the token is kept with it. Default: $SHEETLOG_TSA.",
    )(command)


def open_log(sheet: str | None, credentials: str | None) -> SupportLog:
    """The log at ``--sheet``; the library is imported here, when a command runs."""
    from ..supportlog import open as open_support_log

    return open_support_log(sheet, credentials)


def emit_json(data: Any) -> None:
    """Print ``data`` as ``json_text`` writes it."""
    click.echo(json_text(data))


def json_text(data: Any) -> str:
    """``data`` as indented JSON; a lone surrogate (refused input it quotes) is written
    as its ``\\udc00`` escape, the only form UTF-8 output can carry."""
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    return _SURROGATE.sub(lambda found: f"\\u{ord(found[0]):04x}", text)


@click.group(cls=SheetlogGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sheetlog")
@click.option("--debug", is_flag=True, help="Show tracebacks and every API retry.")
def cli(debug: bool) -> None:
    """Keep every customer-support interaction in one shared spreadsheet.

    The log lives in Google Sheets or a local .xlsx workbook (the default,
    ./support-log.xlsx); every command takes --sheet to choose it.

    \b
    Examples:
      sheetlog init                                   # ./support-log.xlsx
      sheetlog init --sheet gsheet:new --title "Support Log" --share lead@example.com
      sheetlog init --sheet https://docs.google.com/spreadsheets/d/<ID>/edit

    \b
    Exit status: 0 ok, 1 problems found or bad input, 2 usage, configuration
    or access problem.
    """
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="sheetlog: %(message)s",
    )
    if not debug:
        logging.getLogger("urllib3").setLevel(logging.WARNING)
