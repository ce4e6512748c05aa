"""`import --from zendesk|freshdesk|zammad` on every backend: each shared fixture lands
without a map, a second import adds nothing, a later export brings statuses up to date
(Audit and timeline), first responses match a hand computation, and the calls stay
constant as the export grows."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheetlog.cli import cli
from sheetlog.errors import InvalidInput
from tests.conftest import LogUnderTest
from tests.test_helpdesk import fixture, needs_fixtures

EXPORTS = [
    ("zendesk", ("zendesk-ticket.json", "zendesk-ticket-audits.json"), ["ZD-1"]),
    ("zendesk", ("zendesk-tickets.json",), None),
    ("zendesk", ("zendesk-incremental-export.json",), None),
    ("zendesk", ("zendesk-incremental-export.derived.csv",), None),
    ("zendesk", ("zendesk-ticket-audits-with-users.json",), None),
    ("freshdesk", ("freshdesk-ticket.json", "freshdesk-conversations.json"), ["FD-1"]),
    ("freshdesk", ("freshdesk-tickets.json",), None),
    ("zammad", ("zammad-tickets.json",), ["ZM-1"]),
    ("zammad", ("zammad-ticket-create-with-article.json",), None),
]


def ids(target: LogUnderTest) -> list[str]:
    """The Ticket IDs in Log, in order."""
    return [str(row[0]) for row in target.values("Log")[1:] if row and row[0]]


@needs_fixtures
@pytest.mark.parametrize(("helpdesk", "names", "expected"), EXPORTS)
def test_each_fixture_lands_without_a_map_and_a_second_import_adds_nothing(
    any_log: LogUnderTest, helpdesk: str, names: tuple[str, ...], expected: list[str] | None
) -> None:
    any_log.log.init()
    first = any_log.log.import_helpdesk(fixture(*names), helpdesk)
    assert first.complete, [str(p) for r in first.tickets.rejected for p in r.problems]
    assert first.tickets.added
    assert ids(any_log) == first.tickets.added
    if expected is not None:
        assert first.tickets.added == expected
    before = any_log.write_marker()
    again = any_log.log.import_helpdesk(fixture(*names), helpdesk)
    assert (again.tickets.added, again.messages, again.updated) == ([], 0, [])
    assert any_log.write_marker() == before  # nothing to write: no write at all


@needs_fixtures
def test_first_responses_match_the_hand_computation(any_log: LogUnderTest) -> None:
    any_log.log.init()
    any_log.log.import_helpdesk(
        fixture("freshdesk-ticket.json", "freshdesk-conversations.json"), "freshdesk"
    )
    any_log.log.import_helpdesk(
        fixture("zendesk-ticket.json", "zendesk-ticket-audits.json"), "zendesk"
    )
    freshdesk = any_log.log.timeline("FD-1").figures
    assert freshdesk is not None
    # created_at 2016-05-18T04:36:04Z; the public reply 2016-05-19T05:36:14Z: 25 h
    assert freshdesk.first_response_minutes == 25 * 60
    assert freshdesk.agent_replies == 1
    zendesk = any_log.log.timeline("ZD-1").figures
    assert zendesk is not None
    # created_at 2012-09-06T20:15:09Z (stored 20:15); the agent's first public comment
    # 2013-06-10T20:09:20Z (stored 20:09): 276 days 23 h 54 min
    assert zendesk.first_response_minutes == 276 * 1440 + 23 * 60 + 54


@needs_fixtures
def test_a_later_export_updates_the_status_in_log_audit_and_timeline(
    any_log: LogUnderTest,
) -> None:
    any_log.log.init()
    any_log.log.import_helpdesk(fixture("freshdesk-ticket.json"), "freshdesk")
    later = any_log.log.import_helpdesk(fixture("freshdesk-ticket-updated.json"), "freshdesk")
    assert later.updated == ["FD-1"] and not later.tickets.added
    (case,) = any_log.log.find(ticket="FD-1", history=True).rows
    assert case["Status"] == "Resolved"
    assert any("FD-1: Status: Open → Resolved" in line["details"] for line in case["history"])
    changes = [m for m in case["messages"] if m["kind"] == "status change"]
    assert [m["text"] for m in changes] == ["Open → Resolved"]
    assert changes[0]["at"] == case["Resolved At"]  # when the helpdesk resolved it
    again = any_log.log.import_helpdesk(fixture("freshdesk-ticket-updated.json"), "freshdesk")
    assert again.updated == []


def _freshdesk_csv(path: Path, tickets: int) -> Path:
    """A Freshdesk UI export of ``tickets`` tickets."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "Ticket ID",
                "Subject",
                "Status",
                "Priority",
                "Source",
                "Type",
                "Agent",
                "Group",
                "Created time",
                "Resolved time",
                "Closed time",
                "Full name",
                "Tags",
            ]
        )
        for n in range(1, tickets + 1):
            writer.writerow(
                [
                    n,
                    f"Parcel {n} late",
                    "Open",
                    "Medium",
                    "Email",
                    "Question",
                    "Sam Lee",
                    "Support",
                    "2025-11-03 09:00:00",
                    "",
                    "",
                    f"Customer {n}",
                    "late, parcel",
                ]
            )
    return path


@pytest.mark.parametrize("tickets", [3, 400])
def test_calls_stay_constant_as_the_export_grows(
    google_log: LogUnderTest, tmp_path: Path, tickets: int
) -> None:
    fake = google_log.fake
    assert fake is not None
    google_log.log.init()
    export = _freshdesk_csv(tmp_path / "tickets.csv", tickets)
    fake.calls.clear()
    result = google_log.log.import_helpdesk([export], "freshdesk")
    assert len(result.tickets.added) == tickets
    # the settings; import: a read, one write; statuses: a read; messages: a read
    assert [c.method_id for c in fake.calls].count("spreadsheets.batchUpdate") == 1
    assert len(fake.calls) == 5


def test_an_export_of_another_helpdesk_is_one_line_and_writes_nothing(
    local_log: LogUnderTest, tmp_path: Path
) -> None:
    local_log.log.init()
    assert local_log.path is not None
    export = _freshdesk_csv(tmp_path / "tickets.csv", 2)
    before = local_log.write_marker()
    with pytest.raises(InvalidInput, match=r"tickets\.csv"):
        local_log.log.import_helpdesk([export], "zendesk")
    assert local_log.write_marker() == before
    runner = CliRunner()
    sheet = ["--sheet", str(local_log.path)]
    refused = runner.invoke(cli, ["import", "--from", "zendesk", str(export), *sheet])
    assert refused.exit_code == 1 and refused.output.count("\n") == 1
    assert local_log.write_marker() == before
    mapped = runner.invoke(
        cli, ["import", "--from", "freshdesk", "--map", "A=B", str(export), *sheet]
    )
    assert mapped.exit_code == 2
    landed = runner.invoke(cli, ["import", "--from", "freshdesk", str(export), *sheet])
    assert landed.exit_code == 0, landed.output
    assert "Imported 2 rows." in landed.output
    lines = [
        row
        for tab in local_log.titles()
        if tab.startswith("Audit ")
        for row in local_log.values(tab)[1:]
    ]
    assert any("freshdesk export tickets.csv" in str(line[5]) for line in lines)


def _zendesk(folder: Path, status: str, audits: list[dict[str, object]]) -> list[Path]:
    """A Zendesk ticket (id 7, opened 2025-09-01 09:00) in ``status`` and its ``audits``,
    as the API gives them: two files."""
    ticket = {
        "id": 7,
        "created_at": "2025-09-01T09:00:00Z",
        "updated_at": "2025-09-03T08:00:00Z",
        "status": status,
        "via": {"channel": "email"},
        "subject": "Parcel late",
        "requester_id": 1,
        "assignee_id": 2,
    }
    folder.mkdir()
    (folder / "ticket.json").write_text(json.dumps({"ticket": ticket}))
    (folder / "audits.json").write_text(json.dumps({"audits": audits}))
    return [folder / "ticket.json", folder / "audits.json"]


def _status(at: str, old: str, new: str) -> dict[str, object]:
    events = [{"type": "Change", "field_name": "status", "previous_value": old, "value": new}]
    return {"ticket_id": 7, "created_at": at, "author_id": 2, "events": events}


def test_a_reopen_the_export_records_is_counted_once(any_log: LogUnderTest, tmp_path: Path) -> None:
    any_log.log.init()
    solved = [_status("2025-09-02T10:00:00Z", "open", "solved")]
    any_log.log.import_helpdesk(_zendesk(tmp_path / "1", "solved", solved), "zendesk")
    reopened = [*solved, _status("2025-09-03T08:00:00Z", "solved", "open")]
    later = any_log.log.import_helpdesk(_zendesk(tmp_path / "2", "open", reopened), "zendesk")
    assert later.updated == ["ZD-7"]
    timeline = any_log.log.timeline("ZD-7", now=datetime(2025, 9, 4, tzinfo=UTC))
    changes = [e.text for e in timeline.events if e.what == "status change"]
    assert changes == ["Open → Resolved", "Resolved → Open"]  # the export's own, once each
    assert timeline.figures is not None and timeline.figures.reopens == 1


def test_message_text_no_cell_can_hold_is_kept_escaped_on_every_backend(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    any_log.log.init()
    ticket = {
        "id": 12.0,  # a float id: the ticket and its conversation still meet
        "created_at": "2025-09-01T09:00:00Z",
        "status": 2,
        "source": 1,
        "subject": "Broken",
        "description_text": "bad \x01 byte",
        "requester": {"name": "Ann", "email": "ann@example.com"},
    }
    reply = {
        "id": 5,
        "ticket_id": 12,
        "body_text": "Sorry",
        "incoming": False,
        "private": False,
        "created_at": "2025-09-01T10:00:00Z",
        "from_email": "Sam <sam@example.com>",
    }
    export = tmp_path / "fd.json"
    export.write_text(json.dumps({**ticket, "conversations": [reply]}))
    result = any_log.log.import_helpdesk([export], "freshdesk")
    assert result.tickets.added == ["FD-12"] and result.messages == 2
    (case,) = any_log.log.find(ticket="FD-12", history=True).rows
    assert [m["text"] for m in case["messages"]] == ["bad \\x01 byte", "Sorry"]
    again = any_log.log.import_helpdesk([export], "freshdesk")
    assert again.messages == 0
