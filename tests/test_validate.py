"""`validate` on both backends: every check, the flags it leaves in the sheet, fixes and Audit."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from itertools import groupby
from typing import Any

import openpyxl
import pytest

from sheetlog.backends.memory import MemoryBackend
from sheetlog.errors import ConfigError
from sheetlog.model.ops import AddTab, AppendRows, MarkCells, SetCells
from sheetlog.model.templates import load_template
from sheetlog.passes.validate import ValidationReport
from sheetlog.rules.logchecks import LogProblem
from tests.conftest import LogUnderTest
from tests.logdata import entry, entry_dict

STANDARD = load_template("standard")
HEADER = STANDARD.header
COL = {name: i for i, name in enumerate(HEADER)}
VALIDATION = COL["Validation"]
NOW = datetime(2023, 11, 20, 12, 0, tzinfo=UTC)

GOOD = entry_dict(
    "T-1",
    "Resolved",
    "2023-11-15 15:00 UTC",
    Customer="ORD789456",
    Contact_Start="2023-11-15 14:30 UTC",
    Contact_End="2023-11-15 14:50 UTC",
    Agent="Bo",
    Issue_Type="Payment",
    Issue_Summary="Charged twice",
    Tags="billing-dispute",
)
OPEN = {"Status": "Open", "Resolved_At": ""}


def log_with(lt: LogUnderTest, *rows: tuple[Any, ...]) -> None:
    """An initialised log holding ``rows`` below the header, their Validation cells
    left untouched (as typed by people: empty, not "")."""
    lt.log.init()
    if rows:
        lt.log.backend.write([AppendRows("Log", tuple(r[:VALIDATION] for r in rows))])


def validate(lt: LogUnderTest, **options: Any) -> ValidationReport:
    return lt.log.validate(now=NOW, **options)


def validation_cell(lt: LogUnderTest, sheet_row: int) -> Any:
    line = lt.values("Log")[sheet_row - 1]
    return line[VALIDATION] if len(line) > VALIDATION else None


def highlighted(lt: LogUnderTest, sheet_row: int) -> set[str]:
    """The columns of one sheet row that carry a background colour, straight from the store."""
    if lt.fake is not None:
        sheet = lt.fake.book(lt.spreadsheet_id).by_title("Log")
        assert sheet is not None
        return {
            name
            for i, name in enumerate(HEADER)
            if ((sheet.get(sheet_row - 1, i) or {}).get("userEnteredFormat") or {}).get(
                "backgroundColor"
            )
        }
    if isinstance(lt.log.backend, MemoryBackend):
        return {HEADER[c] for r, c in lt.log.backend.sheets["Log"].marked if r == sheet_row}
    assert lt.path is not None
    sheet = openpyxl.load_workbook(lt.path)["Log"]
    return {
        HEADER[i]
        for i in range(len(HEADER))
        if sheet.cell(sheet_row, i + 1).fill.fill_type == "solid"
    }


def _row(problem: LogProblem) -> int:
    return problem.row


def audit_lines(lt: LogUnderTest) -> list[list[Any]]:
    return lt.audit()[1:]


CHECKS = [
    (
        "required",
        {"Customer": ""},
        "Customer",
        "required",
        "error",
        'Customer: "" is not filled in',
    ),
    (
        "malformed-timestamp",
        {"Contact_Start": "15/11/23 2pm", "Contact_End": "", "Resolved_At": ""} | OPEN,
        "Contact Start",
        "format",
        "error",
        'Contact Start: "15/11/23 2pm" is not YYYY-MM-DD HH:MM UTC',
    ),
    (
        "malformed-date",
        {"Follow-up_Date": "11/20/2023"} | OPEN,
        "Follow-up Date",
        "format",
        "error",
        'Follow-up Date: "11/20/2023" is not YYYY-MM-DD (day/month order is ambiguous',
    ),
    (
        "choice-did-you-mean",
        {"Status": "Resloved"},
        "Status",
        "choice",
        "error",
        'Status: "Resloved" is not one of "Open", "Pending", "Escalated", "Resolved", "Closed"'
        ' (did you mean "Resolved"?)',
    ),
    (
        "end-before-start",
        {"Contact_End": "2023-11-15 14:00 UTC"},
        "Contact End",
        "time_order",
        "error",
        'Contact End: "2023-11-15 14:00 UTC" is not at or after Contact Start',
    ),
    (
        "resolved-before-start",
        {"Resolved_At": "2023-11-14 09:00 UTC"},
        "Resolved At",
        "time_order",
        "error",
        'Resolved At: "2023-11-14 09:00 UTC" is not at or after Contact Start',
    ),
    (
        "closed-without-resolved-at",
        {"Resolved_At": ""},
        "Resolved At",
        "closed_without_resolved",
        "error",
        'Resolved At: "" is not filled in (required when Status is "Resolved")',
    ),
    (
        "resolved-at-on-open-ticket",
        {"Status": "Pending"},
        "Status",
        "resolved_not_closed",
        "error",
        'Status: "Pending" is not "Resolved" or "Closed"',
    ),
    (
        "tags",
        {"Tags": "billing dispute; Refund_Delayed"},
        "Tags",
        "format",
        "error",
        'Tags: "billing dispute; Refund_Delayed" is not comma-separated lowercase-hyphenated',
    ),
    (
        "followup-overdue",
        {"Follow-up_Date": "2023-11-18"} | OPEN,
        "Follow-up Date",
        "followup_overdue",
        "warning",
        "Follow-up Date: 2023-11-18 has passed and the ticket is open",
    ),
    (
        "stale",
        {"Contact_Start": "2023-10-01 09:00 UTC", "Contact_End": ""} | OPEN,
        "Status",
        "stale",
        "warning",
        "Status: open since 2023-10-01 (more than 14 days)",
    ),
    (
        "no-contact-end",
        {"Contact_End": ""},
        "Contact End",
        "no_contact_end",
        "warning",
        "Contact End is empty on a closed ticket",
    ),
]


def test_each_check_is_reported_and_flagged_in_the_sheet(any_log: LogUnderTest) -> None:
    """One row per check below a good row; each gets exactly its own problem and flag."""
    log_with(
        any_log,
        entry(like=GOOD, Ticket_ID="T-0"),
        *(entry(like=GOOD, Ticket_ID=c[0], **c[1]) for c in CHECKS),
    )
    report = validate(any_log)
    assert report.rows_checked == len(CHECKS) + 1
    by_row = {number: list(found) for number, found in groupby(report.problems, _row)}
    assert 2 not in by_row and validation_cell(any_log, 2) is None
    assert highlighted(any_log, 2) == set()
    for sheet_row, (name, _, column, code, severity, message) in enumerate(CHECKS, start=3):
        (problem,) = by_row.pop(sheet_row)
        assert (problem.ticket_id, problem.column, problem.code) == (name, column, code), name
        assert problem.severity == severity, name
        assert message in problem.message, name
        flag = problem.message if severity == "error" else f"warning: {problem.message}"
        assert validation_cell(any_log, sheet_row) == flag, name
        assert highlighted(any_log, sheet_row) == ({column} if severity == "error" else set())
    assert by_row == {}
    assert (report.errors, report.warnings, report.exit_code) == (9, 3, 1)


def test_warnings_alone_pass_unless_strict(any_log: LogUnderTest) -> None:
    log_with(any_log, entry(like=GOOD, Contact_End=""))
    report = validate(any_log)
    assert (report.errors, report.warnings, report.exit_code) == (0, 1, 0)
    assert replace(report, strict=True).exit_code == 1


def test_duplicate_ticket_ids_across_log_and_archive_tabs(any_log: LogUnderTest) -> None:
    log_with(
        any_log,
        entry(like=GOOD, Ticket_ID="T-1"),
        entry(like=GOOD, Ticket_ID="T-2"),
        entry(like=GOOD, Ticket_ID="T-1"),
    )
    any_log.log.backend.write(
        [
            AddTab("Archive 2023-10", tuple(HEADER)),
            SetCells("Archive 2023-10", 2, 0, (entry(like=GOOD)[:VALIDATION],)),
        ]
    )
    report = validate(any_log)
    assert [(p.row, p.code) for p in report.problems] == [(2, "duplicate_id"), (4, "duplicate_id")]
    assert report.problems[0].message == (
        'Ticket ID: "T-1" is also used in row 4, "Archive 2023-10" row 2'
    )
    assert highlighted(any_log, 2) == {"Ticket ID"} == highlighted(any_log, 4)
    assert validation_cell(any_log, 3) is None


def test_all_problems_of_a_row_go_in_its_validation_cell_errors_first(
    any_log: LogUnderTest,
) -> None:
    bad = entry(
        like=GOOD, Channel="Fax", Contact_Start="15/11/23 2pm", Status="Done", Contact_End=""
    )
    log_with(any_log, bad)
    validate(any_log)
    assert validation_cell(any_log, 2) == (
        'Channel: "Fax" is not one of "Live Chat", "Email", "Phone", "Social Media", "Other"; '
        'Contact Start: "15/11/23 2pm" is not YYYY-MM-DD HH:MM UTC (e.g. 2023-11-15 14:30 UTC)'
        " (day/month order is ambiguous: write the year first, YYYY-MM-DD); "
        'Status: "Done" is not one of "Open", "Pending", "Escalated", "Resolved", "Closed"'
        ' (fix: "Resolved"); warning: Contact End is empty on a closed ticket'
    )
    assert highlighted(any_log, 2) == {"Channel", "Contact Start", "Status"}


def test_rows_made_valid_are_cleared_and_other_colours_stay(any_log: LogUnderTest) -> None:
    log_with(
        any_log,
        entry(like=GOOD, Ticket_ID="T-1", Channel="Fax", Agent=""),
        entry(like=GOOD, Ticket_ID="T-2"),
    )
    validate(any_log)
    assert highlighted(any_log, 2) == {"Channel", "Agent"}
    backend = any_log.log.backend
    # A person colours a cell of their own, then corrects the channel only.
    backend.write(
        [
            MarkCells("Log", 3, (COL["Customer"],), on=True),
            SetCells("Log", 2, COL["Channel"], (("Phone",),)),
        ]
    )
    report = validate(any_log)
    assert report.flagged == [2] and report.cleared == []
    assert highlighted(any_log, 2) == {"Agent"}
    assert validation_cell(any_log, 2) == 'Agent: "" is not filled in (required)'
    backend.write([SetCells("Log", 2, COL["Agent"], (("Bo",),))])
    report = validate(any_log)
    assert report.cleared == [2] and report.problems == []
    assert validation_cell(any_log, 2) is None
    assert highlighted(any_log, 2) == set()
    assert highlighted(any_log, 3) == {"Customer"}


def test_a_pass_that_changes_nothing_writes_nothing(any_log: LogUnderTest) -> None:
    log_with(
        any_log, entry(like=GOOD, Ticket_ID="T-1"), entry(like=GOOD, Ticket_ID="T-2", Channel="Fax")
    )
    marker = any_log.write_marker()
    validate(any_log, flag=False)
    assert any_log.write_marker() == marker
    first = validate(any_log)
    assert first.written and any_log.write_marker() != marker
    audit = audit_lines(any_log)
    assert audit[-1][2:5] == ["validate", "Log", "3"]
    assert audit[-1][5].startswith("checked 2 rows: 1 error, 0 warnings, 0 fixes; flagged 1 row")
    marker = any_log.write_marker()
    second = validate(any_log)
    assert not second.written and second.errors == 1
    assert any_log.write_marker() == marker
    assert audit_lines(any_log) == audit


def test_a_clean_log_writes_nothing_at_all(any_log: LogUnderTest) -> None:
    log_with(any_log, entry(like=GOOD, Ticket_ID="T-1"), entry(like=GOOD, Ticket_ID="T-2"))
    audit = audit_lines(any_log)
    marker = any_log.write_marker()
    report = validate(any_log)
    assert (report.rows_checked, report.errors, report.warnings, report.written) == (2, 0, 0, False)
    assert any_log.write_marker() == marker and audit_lines(any_log) == audit


def test_fix_rewrites_certain_values_audits_each_and_reports_what_remains(
    any_log: LogUnderTest,
) -> None:
    log_with(
        any_log,
        entry(like=GOOD, Ticket_ID="T-1", Channel="e-mail", Customer="  Ann ", Status="done"),
        entry(
            like=GOOD,
            Ticket_ID="T-2",
            Channel="e-mail",
            Contact_Start="2023-11-15T09:30-05:00",
            Contact_End="15/11/23 3pm",
        ),
    )
    validate(any_log)  # flags first, so the fix must also clear them
    report = validate(any_log, fix=True)
    assert [f.describe() for f in report.fixes] == [
        'row 2 Customer: "  Ann " -> "Ann"',
        'row 2 Channel: "e-mail" -> "Email"',
        'row 2 Status: "done" -> "Resolved"',
        'row 3 Channel: "e-mail" -> "Email"',
        'row 3 Contact Start: "2023-11-15T09:30-05:00" -> "2023-11-15 14:30 UTC"',
    ]
    values = any_log.values("Log")
    assert values[1][:3] == ["T-1", "Ann", "Email"] and values[1][COL["Status"]] == "Resolved"
    assert values[2][COL["Contact Start"]] == "2023-11-15 14:30 UTC"
    assert [(p.row, p.column, p.code) for p in report.problems] == [(3, "Contact End", "format")]
    assert validation_cell(any_log, 2) is None and highlighted(any_log, 2) == set()
    assert highlighted(any_log, 3) == {"Contact End"}
    details = audit_lines(any_log)[-1][5]
    assert "checked 2 rows: 1 error, 0 warnings, 5 fixes" in details
    assert 'rows 2-3 Channel: "e-mail" -> "Email"; row 2 Status: "done" -> "Resolved"' in details
    marker = any_log.write_marker()
    assert validate(any_log, fix=True).fixes == []
    assert any_log.write_marker() == marker


def test_fix_and_no_flag_do_not_go_together(any_log: LogUnderTest) -> None:
    log_with(any_log)
    with pytest.raises(ConfigError, match="cannot go with --no-flag"):
        validate(any_log, fix=True, flag=False)


def test_a_renamed_header_is_one_problem_not_a_flood(any_log: LogUnderTest) -> None:
    log_with(any_log, *(entry(like=GOOD, Ticket_ID=f"T-{n}") for n in range(5)))
    any_log.log.backend.write([SetCells("Log", 1, COL["Contact Start"], (("Start Time",),))])
    report = validate(any_log)
    (problem,) = report.problems
    assert (problem.row, problem.code, problem.severity) == (1, "header", "error")
    assert problem.message == (
        "Log header: the header lacks 'Contact Start' (renamed to 'Start Time'?); restore it"
    )
    assert report.exit_code == 1 and not report.written


def test_a_moved_column_is_one_problem_and_rows_are_still_read_by_name(
    any_log: LogUnderTest,
) -> None:
    log_with(any_log, entry(like=GOOD, Channel="Fax"))
    header, values = list(HEADER[:-1]), list(entry(like=GOOD, Channel="Fax")[:VALIDATION])
    i, j = COL["Channel"], COL["Agent"]
    header[i], header[j] = header[j], header[i]
    values[i], values[j] = values[j], values[i]
    any_log.log.backend.write([SetCells("Log", 1, 0, (tuple(header), tuple(values)))])
    report = validate(any_log)
    assert [(p.row, p.code) for p in report.problems] == [(1, "header"), (2, "choice")]
    assert "moved" in report.problems[0].message
    assert highlighted(any_log, 2) == {"Agent"}  # the template's Agent place: Channel now


def test_without_a_validation_column_nothing_is_flagged(any_log: LogUnderTest) -> None:
    log_with(any_log, entry(like=GOOD, Channel="Fax"))
    any_log.log.backend.write([SetCells("Log", 1, VALIDATION, (("Notes",),))])
    marker = any_log.write_marker()
    report = validate(any_log)
    assert [p.code for p in report.problems] == ["header", "choice"]
    assert report.notes == ['flags not written: the Log tab has no "Validation" column']
    assert not report.written and any_log.write_marker() == marker


def test_a_flag_left_on_an_emptied_row_is_cleared(any_log: LogUnderTest) -> None:
    log_with(
        any_log, entry(like=GOOD, Ticket_ID="T-1"), entry(like=GOOD, Ticket_ID="T-2", Channel="Fax")
    )
    validate(any_log)
    blank = tuple(None for _ in HEADER[:-1])
    any_log.log.backend.write([SetCells("Log", 3, 0, (blank,))])
    report = validate(any_log)
    assert report.rows_checked == 1 and report.cleared == [3]
    assert any_log.values("Log")[2:] == []
    assert highlighted(any_log, 3) == set()


def test_a_person_typing_into_the_workbook(local_log: LogUnderTest) -> None:
    """Excel/LibreOffice types dates as date cells and ids as numbers; omitted cells are None."""
    log_with(local_log)
    assert local_log.path is not None
    book = openpyxl.load_workbook(local_log.path)
    sheet = book["Log"]
    typed = [123, "Ann", "Email", datetime(2023, 11, 15, 14, 30), None, "Bo", "Payment", "Lost"]
    typed += [None, "Open", datetime(2023, 11, 25)]
    sheet.append(typed)
    sheet.append(
        [
            "T-9",
            "Cy",
            "Phone",
            "2023-11-16 09:00 UTC",
            "2023-11-16 09:10 UTC",
            "Di",
            "Refund",
            "x",
            None,
            "Closed",
            None,
            None,
            datetime(2023, 11, 16, 9, 30, 15),
        ]
    )
    book.save(local_log.path)
    report = validate(local_log)
    messages = [p.message for p in report.problems]
    assert messages == [
        'Ticket ID: "123" is not an id'
        ' (typed as a number, which drops leading zeros; fix: store it as the text "123")',
        'Contact Start: "2023-11-15 14:30" is not YYYY-MM-DD HH:MM UTC (e.g. 2023-11-15 14:30'
        ' UTC) (typed as a date; fix: store it as the text "2023-11-15 14:30 UTC")',
        'Follow-up Date: "2023-11-25" is not YYYY-MM-DD'
        ' (typed as a date; fix: store it as the text "2023-11-25")',
        'Resolved At: "2023-11-16 09:30:15" is not YYYY-MM-DD HH:MM UTC (e.g. 2023-11-15 14:30'
        " UTC) (typed as a date; seconds are not kept)",
    ]
    fixed = validate(local_log, fix=True)
    assert len(fixed.fixes) == 3
    assert fixed.fixes[1].describe() == (
        'row 2 Contact Start: "2023-11-15 14:30" (typed as a date) -> "2023-11-15 14:30 UTC"'
    )
    assert local_log.values("Log")[1][:4] == ["123", "Ann", "Email", "2023-11-15 14:30 UTC"]
    assert [p.column for p in fixed.problems] == ["Resolved At"]


def test_stale_days_and_now_are_checked(any_log: LogUnderTest) -> None:
    log_with(
        any_log, entry(like=GOOD, Contact_Start="2023-11-10 09:00 UTC", Contact_End="", **OPEN)
    )
    assert [p.code for p in validate(any_log, stale_days=5).problems] == ["stale"]
    assert validate(any_log, stale_days=30).problems == []
    with pytest.raises(ConfigError, match="--stale-days must be 0 or more"):
        validate(any_log, stale_days=-1)
    with pytest.raises(ConfigError, match="aware"):
        any_log.log.validate(now=datetime(2023, 11, 20))


# --- people's own cell colours --------------------------------------------------------

YELLOW, GREEN, FLAG = "FFFF00", "00FF00", "F4CCCC"


def paint(lt: LogUnderTest, sheet_row: int, column: str, rgb: str) -> None:
    """A person fills one cell with a colour of their own, in Excel or in the browser."""
    col = COL[column]
    if lt.fake is not None:
        sheet = lt.fake.book(lt.spreadsheet_id).by_title("Log")
        assert sheet is not None
        colour = {
            k: int(rgb[i : i + 2], 16) / 255 for i, k in ((0, "red"), (2, "green"), (4, "blue"))
        }
        cell = sheet.cell(sheet_row - 1, col)
        cell["userEnteredFormat"] = {**cell.get("userEnteredFormat", {}), "backgroundColor": colour}
    elif isinstance(lt.log.backend, MemoryBackend):
        sheet = lt.log.backend.sheets["Log"]
        sheet.marked.discard((sheet_row, col))
        sheet.fills[(sheet_row, col)] = rgb
    else:
        from openpyxl.styles import PatternFill

        assert lt.path is not None
        book = openpyxl.load_workbook(lt.path)
        book["Log"].cell(sheet_row, col + 1).fill = PatternFill("solid", fgColor=rgb)
        book.save(lt.path)


def fill(lt: LogUnderTest, sheet_row: int, column: str) -> str | None:
    """The colour of one cell (RRGGBB), or None."""
    col = COL[column]
    if lt.fake is not None:
        sheet = lt.fake.book(lt.spreadsheet_id).by_title("Log")
        assert sheet is not None
        cell = sheet.get(sheet_row - 1, col) or {}
        colour = (cell.get("userEnteredFormat") or {}).get("backgroundColor")
        if not colour:
            return None
        return "".join(f"{round(colour.get(k, 0) * 255):02X}" for k in ("red", "green", "blue"))
    if isinstance(lt.log.backend, MemoryBackend):
        sheet = lt.log.backend.sheets["Log"]
        return FLAG if (sheet_row, col) in sheet.marked else sheet.fills.get((sheet_row, col))
    assert lt.path is not None
    cell = openpyxl.load_workbook(lt.path)["Log"].cell(sheet_row, col + 1)
    return str(cell.fill.fgColor.rgb)[-6:] if cell.fill.fill_type == "solid" else None


def test_a_persons_own_colours_are_never_lost(any_log: LogUnderTest) -> None:
    log_with(
        any_log,
        entry(like=GOOD, Ticket_ID="T-1", Channel="Fax", Agent=""),
        entry(like=GOOD, Ticket_ID="T-2"),
    )
    paint(any_log, 2, "Channel", YELLOW)  # marked by a person before any flag
    paint(any_log, 3, "Customer", YELLOW)
    report = validate(any_log)
    assert report.flagged == [2]
    assert str(validation_cell(any_log, 2)).startswith('Channel: "Fax"')  # still said
    assert fill(any_log, 2, "Channel") == YELLOW  # the person's colour wins
    assert fill(any_log, 2, "Agent") == FLAG
    paint(any_log, 2, "Agent", GREEN)  # a person recolours a flagged cell
    fixes = [
        SetCells("Log", 2, COL["Channel"], (("Phone",),)),
        SetCells("Log", 2, COL["Agent"], (("Bo",),)),
    ]
    any_log.log.backend.write(fixes)
    report = validate(any_log)
    assert report.cleared == [2] and validation_cell(any_log, 2) is None
    assert fill(any_log, 2, "Channel") == YELLOW
    assert fill(any_log, 2, "Agent") == GREEN
    assert fill(any_log, 3, "Customer") == YELLOW


def test_a_flag_cleared_leaves_no_colour_where_there_was_none(any_log: LogUnderTest) -> None:
    log_with(any_log, entry(like=GOOD, Ticket_ID="T-1", Channel="Fax"))
    validate(any_log)
    assert fill(any_log, 2, "Channel") == FLAG
    any_log.log.backend.write([SetCells("Log", 2, COL["Channel"], (("Phone",),))])
    validate(any_log)
    assert fill(any_log, 2, "Channel") is None
