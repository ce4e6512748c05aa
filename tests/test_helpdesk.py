"""Helpdesk exports (Zendesk, Freshdesk, Zammad) read into Log rows and messages: the
shared fixtures read where they are, hand-made UI CSV exports, and bad input."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheetlog.errors import InvalidInput
from sheetlog.model.messages import MessageKind
from sheetlog.passes.helpdesk import (
    UNASSIGNED,
    HelpdeskExport,
    read_export,
    read_exports,
)
from sheetlog.rules.cells import parse_timestamp

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "helpdesk"
needs_fixtures = pytest.mark.skipif(not FIXTURES.is_dir(), reason="no helpdesk fixtures")


def fixture(*names: str) -> list[Path]:
    """The named fixture files, read where they are."""
    return [FIXTURES / name for name in names]


def row(export: HelpdeskExport, ticket: str) -> dict[str, Any]:
    """The row of ``ticket``."""
    return next(r for r in export.rows if r["Ticket ID"] == ticket)


def first_reply(export: HelpdeskExport, ticket: str) -> timedelta | None:
    """The first agent reply's time minus Contact Start, as the log stores both."""
    start = parse_timestamp(str(row(export, ticket)["Contact Start"]))
    replies = [m.at for m in export.messages if m.ticket == ticket and m.kind is MessageKind.AGENT]
    return min(replies) - start if replies else None


def kinds(export: HelpdeskExport, ticket: str) -> list[str]:
    """The kinds of ``ticket``'s messages, in time order."""
    return [str(m.kind) for m in export.messages if m.ticket == ticket]


# --- Zendesk fixtures ----------------------------------------------------------------


@needs_fixtures
def test_zendesk_ticket_with_audits() -> None:
    export = read_exports(fixture("zendesk-ticket.json", "zendesk-ticket-audits.json"), "zendesk")
    ticket = row(export, "ZD-1")
    assert ticket["Status"] == "Pending"
    assert ticket["Channel"] == "Email"  # via.channel "web"
    assert ticket["Customer"] == "customer 20014182"  # no users in these files: the id
    assert ticket["Agent"] == "agent 20014182"
    assert ticket["Contact Start"] == "2012-09-06 20:15 UTC"
    assert ticket["Resolved At"] is None
    assert ticket["Issue Summary"] == "This is a sample ticket requested and submitted by you"
    # ticket created_at "2012-09-06T20:15:09Z"; first public comment by someone other than
    # the requester (author 20014187), audit created_at "2013-06-10T20:09:20Z"
    assert first_reply(export, "ZD-1") == timedelta(days=276, hours=23, minutes=54)
    assert kinds(export, "ZD-1")[:5] == [
        "customer message",
        "internal note",
        "customer message",
        "status change",
        "internal note",
    ]
    change = next(m for m in export.messages if m.kind is MessageKind.STATUS)
    assert change.status_pair() == ("Open", "Pending")


@needs_fixtures
def test_zendesk_audits_with_users_name_people() -> None:
    export = read_export(FIXTURES / "zendesk-ticket-audits-with-users.json", "zendesk")
    ticket = row(export, "ZD-1")
    assert ticket["Customer"] == "Steven Davidovitz"
    assert ticket["Agent"] == "Steven Davidovitz"
    assert ticket["Status"] == "Pending"
    assert ticket["Contact Start"] == "2012-09-06 20:17 UTC"  # the first audit: no ticket
    reply = next(m for m in export.messages if m.kind is MessageKind.AGENT)
    assert reply.author == "Test Valid with role agent"
    # first audit created_at "2012-09-06T20:17:09Z"; first agent comment "2013-06-10T20:09:20Z"
    assert first_reply(export, "ZD-1") == timedelta(days=276, hours=23, minutes=52)


@needs_fixtures
def test_zendesk_audits_2012_have_no_agent_reply() -> None:
    export = read_export(FIXTURES / "zendesk-ticket-audits-2012.json", "zendesk")
    ticket = row(export, "ZD-1")
    assert ticket["Tags"] == "sample, zendesk"
    assert ticket["Contact Start"] == "2012-09-06 20:17 UTC"
    # every comment is by the requester (20014182): no agent reply to time
    assert first_reply(export, "ZD-1") is None
    assert kinds(export, "ZD-1").count("internal note") == 2


@needs_fixtures
def test_zendesk_create_with_private_comment() -> None:
    export = read_export(FIXTURES / "zendesk-ticket-create-with-comment.json", "zendesk")
    ticket = row(export, "ZD-8866")
    assert (ticket["Status"], ticket["Agent"], ticket["Tags"]) == (
        "Open",
        UNASSIGNED,
        "awesome, blossom",
    )
    assert ticket["Contact Start"] == "2015-12-30 01:45 UTC"
    assert kinds(export, "ZD-8866") == ["internal note"]  # "public": false
    assert first_reply(export, "ZD-8866") is None


@needs_fixtures
def test_zendesk_tickets_page() -> None:
    export = read_export(FIXTURES / "zendesk-tickets.json", "zendesk")
    assert len(export.rows) == 100
    statuses = [r["Status"] for r in export.rows]
    assert (statuses.count("Open"), statuses.count("Pending")) == (99, 1)  # 99 new, 1 pending
    assert {r["Channel"] for r in export.rows} == {"Email"}  # api and web
    # each description is the customer's first message, at the ticket's creation
    assert len(export.messages) == 100
    assert all(m.kind is MessageKind.CUSTOMER for m in export.messages)


@needs_fixtures
def test_zendesk_incremental_export_json_and_csv_agree() -> None:
    from_json = read_export(FIXTURES / "zendesk-incremental-export.json", "zendesk")
    from_csv = read_export(FIXTURES / "zendesk-incremental-export.derived.csv", "zendesk")
    assert from_json.rows == from_csv.rows
    assert len(from_json.rows) == 348  # 283 New + 65 Closed
    assert len(from_json.skipped) == 652  # Deleted
    ticket = row(from_json, "ZD-35")
    # created_at "2012-09-07 09:42:13 -0800", solved_at "2012-09-07 10:17:06 -0800"
    assert ticket["Contact Start"] == "2012-09-07 17:42 UTC"
    assert ticket["Resolved At"] == "2012-09-07 18:17 UTC"
    assert (ticket["Status"], ticket["Channel"]) == ("Closed", "Email")  # "Web service"
    assert ticket["Customer"] == "Test Valid with role end-user"
    assert ticket["Agent"] == "Steven Davidovitz"
    closed = [r for r in from_json.rows if r["Status"] == "Closed"]
    assert len(closed) == 65 and all(r["Resolved At"] for r in closed)
    assert from_json.messages == []


# --- Freshdesk fixtures --------------------------------------------------------------


@needs_fixtures
def test_freshdesk_ticket_with_conversations() -> None:
    files = fixture("freshdesk-ticket.json", "freshdesk-conversations.json")
    export = read_exports(files, "freshdesk")
    ticket = row(export, "FD-1")
    assert ticket["Customer"] == "Dummyname"  # the requester object
    assert ticket["Agent"] == "agent 6010396333"
    assert (ticket["Status"], ticket["Channel"]) == ("Open", "Other")  # status 2, source 2
    assert ticket["Resolved At"] is None  # stats.resolved_at, but the ticket is open
    assert ticket["Tags"] == "foo, bar"
    assert kinds(export, "FD-1") == ["customer message", "internal note", "agent reply"]
    reply = next(m for m in export.messages if m.kind is MessageKind.AGENT)
    assert reply.author == "Rachel"
    # ticket created_at "2016-05-18T04:36:04Z"; public reply created_at "2016-05-19T05:36:14Z"
    assert first_reply(export, "FD-1") == timedelta(hours=25)


@needs_fixtures
def test_freshdesk_updated_ticket_is_resolved() -> None:
    export = read_export(FIXTURES / "freshdesk-ticket-updated.json", "freshdesk")
    ticket = row(export, "FD-1")
    assert ticket["Status"] == "Resolved"  # status 4
    assert ticket["Resolved At"] == "2016-05-18 23:42 UTC"  # no stats: its updated_at
    assert "last update" in str(ticket["Actions & Notes"])
    assert ticket["Tags"] == "hello, world"


@needs_fixtures
def test_freshdesk_v1_list_names_people() -> None:
    export = read_export(FIXTURES / "freshdesk-tickets.json", "freshdesk")
    ticket = row(export, "FD-1")
    assert (ticket["Customer"], ticket["Agent"]) == ("Rachel", "Sam Kingston")
    assert ticket["Contact Start"] == "2014-12-31 02:27 UTC"  # "2014-12-31T12:27:09+10:00"
    assert (ticket["Status"], ticket["Channel"]) == ("Open", "Other")


@needs_fixtures
def test_freshdesk_search_duplicate_id_keeps_the_first() -> None:
    export = read_export(FIXTURES / "freshdesk-search-tickets.json", "freshdesk")
    assert [r["Ticket ID"] for r in export.rows] == ["FD-1"]
    assert row(export, "FD-1")["Tags"] == "mytag"  # the first result's
    assert len(export.duplicates) == 1
    assert "FD-1" in export.duplicates[0] and "record 2" in export.duplicates[0]


@needs_fixtures
def test_freshdesk_conversations_alone_are_reported() -> None:
    export = read_export(FIXTURES / "freshdesk-conversations.json", "freshdesk")
    assert export.rows == [] and export.messages == []
    assert export.skipped == ["FD-1: messages without their ticket"]


# --- Zammad fixtures -----------------------------------------------------------------


@needs_fixtures
def test_zammad_expanded_and_plain_ticket() -> None:
    expanded = row(read_export(FIXTURES / "zammad-tickets.json", "zammad"), "ZM-1")
    plain = row(read_export(FIXTURES / "zammad-ticket.json", "zammad"), "ZM-1")
    assert expanded["Customer"] == "nicole.braun@zammad.org"
    assert plain["Customer"] == "customer 2"
    for ticket in (expanded, plain):
        assert (ticket["Status"], ticket["Channel"]) == ("Open", "Phone")  # new; phone (5)
        assert ticket["Agent"] == UNASSIGNED  # owner "-" (user 1)
        assert ticket["Contact Start"] == "2025-05-13 08:37 UTC"
        assert ticket["Issue Summary"] == "Welcome to Zammad!"


@needs_fixtures
def test_zammad_created_ticket_with_article() -> None:
    export = read_export(FIXTURES / "zammad-ticket-create-with-article.json", "zammad")
    ticket = row(export, "ZM-5")
    assert ticket["Customer"] == "nicole.braun@zammad.org"
    assert ticket["Contact Start"] == "2025-05-13 09:11 UTC"
    [message] = export.messages
    assert message.kind is MessageKind.CUSTOMER  # sender "Customer"
    assert message.text == "some body next line"
    assert first_reply(export, "ZM-5") is None  # the only article is the customer's


# --- hand-made UI CSV exports ----------------------------------------------------------

ZENDESK_CSV = (
    "Id,Requester,Requester email,Assignee,Group,Subject,Tags,Status,Priority,Via,"
    "Created at,Updated at,Solved at\n"
    "101,Ana Ruiz,ana@example.com,Bo Lee,Support,Late parcel,shipping vip_customer,solved,"
    "High,Chat,2024-03-09 22:15:00,2024-03-10 09:00:00,2024-03-10 08:30:00\n"
    "102,,zed@example.com,,Support,Refund?,,Open,Normal,Mail,2024-07-01 10:00,,\n"
)


def test_zendesk_ui_csv_in_account_zone(tmp_path: Path) -> None:
    path = tmp_path / "zendesk.csv"
    path.write_text(ZENDESK_CSV, encoding="utf-8")
    export = read_export(path, "zendesk", ZoneInfo("America/New_York"))
    first, second = export.rows
    assert first["Ticket ID"] == "ZD-101"
    # 22:15 EST (-05:00) on 2024-03-09 is 03:15 UTC; 08:30 EDT (-04:00) after the change
    assert first["Contact Start"] == "2024-03-10 03:15 UTC"
    assert first["Resolved At"] == "2024-03-10 12:30 UTC"
    assert (first["Status"], first["Channel"]) == ("Resolved", "Live Chat")
    assert (first["Customer"], first["Agent"]) == ("Ana Ruiz", "Bo Lee")
    assert first["Tags"] == "shipping, vip-customer"
    assert (second["Customer"], second["Agent"]) == ("zed@example.com", UNASSIGNED)
    assert (second["Status"], second["Channel"]) == ("Open", "Email")
    assert second["Contact Start"] == "2024-07-01 14:00 UTC"


FRESHDESK_CSV = (
    "Ticket ID,Subject,Status,Priority,Source,Type,Agent,Group,Created time,"
    "Resolved time,Closed time,Last update time,Tags,Full name,Contact ID\n"
    "7,Broken lid,Closed,Low,Phone,Problem,Kim Ha,Returns,2025-01-08 15:00:23,"
    ',2025-01-09 10:00:00,2025-01-09 10:00:00,"Damaged Item,lid",Jo Park,jo@example.com\n'
    "8,Where is it,Waiting on Customer,Low,Portal,Question,,Returns,2025-01-10 09:00:00,"
    ",,,,,jo@example.com\n"
)


def test_freshdesk_ui_csv(tmp_path: Path) -> None:
    path = tmp_path / "freshdesk.csv"
    path.write_text(FRESHDESK_CSV, encoding="utf-8")
    export = read_export(path, "freshdesk", ZoneInfo("Europe/London"))
    closed, waiting = export.rows
    assert closed["Ticket ID"] == "FD-7"
    assert (closed["Status"], closed["Channel"]) == ("Closed", "Phone")
    assert closed["Contact Start"] == "2025-01-08 15:00 UTC"  # London is UTC in January
    assert closed["Resolved At"] == "2025-01-09 10:00 UTC"  # no Resolved time: Closed time
    assert (closed["Customer"], closed["Agent"]) == ("Jo Park", "Kim Ha")
    assert closed["Tags"] == "damaged-item, lid"
    assert (waiting["Status"], waiting["Channel"]) == ("Pending", "Other")
    assert (waiting["Customer"], waiting["Agent"]) == ("jo@example.com", UNASSIGNED)


# --- bad input ---------------------------------------------------------------------------


def test_freshdesk_ticket_given_as_zendesk(tmp_path: Path) -> None:
    path = tmp_path / "ticket.json"
    path.write_text(json.dumps({"id": 1, "created_at": "2016-05-18T04:36:04Z", "status": 2}))
    with pytest.raises(InvalidInput) as caught:
        read_export(path, "zendesk")
    message = str(caught.value)
    assert str(path) in message and "record 1" in message and '"via"' in message
    assert "\n" not in message


def test_zendesk_csv_given_as_freshdesk(tmp_path: Path) -> None:
    path = tmp_path / "zendesk.csv"
    path.write_text(ZENDESK_CSV, encoding="utf-8")
    with pytest.raises(InvalidInput, match=r'record 1 \(line 2\): field "Ticket ID"'):
        read_export(path, "freshdesk")


@needs_fixtures
def test_zammad_ticket_given_as_freshdesk() -> None:
    with pytest.raises(InvalidInput, match=r'zammad-ticket.json: record 1: field "source"'):
        read_export(FIXTURES / "zammad-ticket.json", "freshdesk")


def test_unreadable_timestamp(tmp_path: Path) -> None:
    path = tmp_path / "tickets.json"
    good = {"id": 1, "created_at": "2016-05-18T04:36:04Z", "status": 2, "source": 1}
    path.write_text(json.dumps([good, {**good, "id": 2, "created_at": "18/05/2016 4:36"}]))
    with pytest.raises(InvalidInput, match=r'record 2: field "created_at" "18/05/2016 4:36"'):
        read_export(path, "freshdesk")


def test_zammad_has_no_csv(tmp_path: Path) -> None:
    path = tmp_path / "zammad.csv"
    path.write_text("id,title\n1,x\n")
    with pytest.raises(InvalidInput, match="Zammad has no CSV"):
        read_export(path, "zammad")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "ticket",
                    "tickets",
                    "audits",
                    "events",
                    "results",
                    "created_at",
                    "status",
                    "via",
                    "source",
                    "title",
                    "state",
                    "ticket_id",
                    "type",
                    "field_name",
                    "value",
                    "users",
                    "conversations",
                    "article",
                    "articles",
                    "response",
                    "body",
                    "x",
                ]
            )
            | st.text(max_size=5),
            inner,
            max_size=6,
        )
    ),
    max_leaves=20,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=JSON, helpdesk=st.sampled_from(["zendesk", "freshdesk", "zammad"]))
def test_arbitrary_json_returns_or_refuses(tmp_path: Path, data: Any, helpdesk: str) -> None:
    if not isinstance(data, dict | list):
        data = [data]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    try:
        export = read_export(path, helpdesk)
    except InvalidInput:
        return
    assert export.helpdesk == helpdesk


def test_zendesk_satisfaction_becomes_the_rating(tmp_path: Path) -> None:
    def ticket(number: int, score: str) -> dict[str, Any]:
        return {
            "id": number,
            "created_at": "2025-11-03T09:00:00Z",
            "status": "solved",
            "via": {"channel": "email"},
            "subject": "Late parcel",
            "requester_id": 7,
            "satisfaction_rating": {"score": score},
        }

    path = tmp_path / "tickets.json"
    scores = ("good", "bad", "offered", "unoffered")
    path.write_text(json.dumps({"tickets": [ticket(n, s) for n, s in enumerate(scores, 1)]}))
    export = read_export(path, "zendesk")
    assert [r["Rating"] for r in export.rows] == [5, 1, None, None]
