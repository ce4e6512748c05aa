"""``sheetlog validate``: check every Log row, flag the bad ones, report in text, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..backends.target import parse_target
from ..errors import ConfigError
from ..model.formats import check_output
from .group import cli, emit_json, open_log, target_options
from .params import DAYS

if TYPE_CHECKING:
    from ..passes.validate import ValidationReport


@cli.command()
@target_options
@click.option(
    "--fix", is_flag=True, help="Rewrite what normalizes without guessing; Audit keeps each fix."
)
@click.option("--no-flag", is_flag=True, help="Only read and report: write nothing to the sheet.")
@click.option("--strict", is_flag=True, help="Warnings count as errors for the exit status.")
@click.option(
    "--stale-days",
    type=DAYS,
    default=14,
    show_default=True,
    help="Warn about tickets open for more than this many days.",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="json prints one machine-readable document; csv one line per problem.",
)
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False, writable=True),
    metavar="FILE",
    help="Also write the JSON report to FILE.",
)
@click.pass_context
def validate(
    ctx: click.Context,
    sheet: str | None,
    credentials: str | None,
    fix: bool,
    no_flag: bool,
    strict: bool,
    stale_days: int,
    output: str,
    report_file: str | None,
) -> None:
    """Check every Log row against the template and flag the bad ones in the sheet.

    The Validation cell of each bad row says what is wrong and the offending
    cells are highlighted; rows that are now valid get both cleared. A pass
    that would change nothing writes nothing.

    \b
    Examples:
      sheetlog validate --sheet demo/support-log.xlsx
      sheetlog validate --sheet gsheet:<ID> --credentials key.json --report report.json
      sheetlog validate --no-flag --format json          # read only, for scripts
      sheetlog validate --fix --strict --stale-days 30

    \b
    Exit status: 0 no errors (warnings allowed), 1 errors found (or warnings,
    with --strict), 2 usage, configuration or access problem.
    """
    if fix and no_flag:
        raise click.UsageError("--fix writes to the sheet, so it cannot go with --no-flag")
    if report_file:  # refused before anything is read or written
        check_output(Path(report_file), "json", "--report", parse_target(sheet).path)
    with open_log(sheet, credentials) as support_log:
        report = support_log.validate(
            fix=fix, flag=not no_flag, strict=strict, stale_days=stale_days
        )
    if report_file:
        write_report(report_file, report.to_json())
    if output == "json":
        emit_json(report.to_json())
    elif output == "csv":
        emit_csv(report)
    else:
        show_validation(report)
    ctx.exit(report.exit_code)


def write_report(path: str, data: dict[str, Any]) -> None:
    """Write the JSON report to ``path``; a failure is a configuration problem (exit 2)."""
    try:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
    except OSError as exc:
        raise ConfigError(f"--report {path}: cannot write it: {exc.strerror}") from exc


def emit_csv(report: ValidationReport) -> None:
    """One CSV line per problem, with a header line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["row", "ticket_id", "column", "severity", "code", "message"])
    for p in report.problems:
        writer.writerow([p.row, p.ticket_id, p.column, p.severity, p.code, p.message])
    click.echo(buffer.getvalue(), nl=False)


def show_validation(report: ValidationReport) -> None:
    """The terminal report: a table of problems, the fixes, the totals and where to look."""
    from ..render.table import table_lines
    from ..render.text import count

    if report.problems:
        table = [("ROW", "TICKET ID", "COLUMN", "SEVERITY", "PROBLEM")]
        table += [
            (str(p.row), p.ticket_id, p.column or "(header)", p.severity, p.message)
            for p in report.problems
        ]
        for line in table_lines(table):
            click.echo(line)
        click.echo()
    if report.fixes:
        click.echo(f"Fixed {count(len(report.fixes), 'cell')}:")
        for fixed in report.fixes:
            click.echo(f"  {fixed.describe()}")
    click.echo(
        f"Checked {count(report.rows_checked, 'row')}: {count(report.errors, 'error')},"
        f" {count(report.warnings, 'warning')}" + (" (--strict)" if report.strict else "")
    )
    for note in report.notes:
        click.echo(note)
    if report.written:
        click.echo(
            f"Flagged {count(len(report.flagged), 'row')}, cleared {len(report.cleared)}:"
            f" see the Validation column of the Log tab in {report.location}"
        )
    elif not report.notes:
        state = "flags already up to date" if report.problems else "nothing to flag"
        click.echo(f"{report.location}: {state}; nothing written")
