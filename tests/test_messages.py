"""The message timeline on every backend: `message` appends one stamped line to the
month's Messages tab, `update` records status changes by itself, `timeline` and
`find --history` show them in time order, and the figures match a hand computation."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from sheetlog.cli import cli
from sheetlog.errors import ConfigError, InvalidValue, NotFoundError
from sheetlog.model.messages import Message, MessageKind, read_messages
from sheetlog.model.ops import AppendRows
from sheetlog.model.sheetdata import Tab
from sheetlog.model.templates import load_template
from sheetlog.passes.timeline import ticket_figures
from tests.conftest import LogUnderTest
from tests.logdata import entry, seed
from tests.opsdata import one_read, seed_sample

OPENED = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)
STANDARD = load_template("standard")


def at(minutes: int) -> datetime:
    """``minutes`` after the sample ticket opened (2025-09-01 09:00 UTC)."""
    return OPENED + timedelta(minutes=minutes)


def opened_ticket(target: LogUnderTest) -> None:
    """T-1, opened 2025-09-01 09:00 UTC by "customer of T-1" on Email, with Jane Adams."""
    seed(target, [entry("T-1")])


def test_a_message_is_one_stamped_line_of_its_month_tab(any_log: LogUnderTest) -> None:
    opened_ticket(any_log)
    before = any_log.write_marker()
    if any_log.fake is not None:
        any_log.fake.calls.clear()
    line = any_log.log.message("t-1", "  Where is my parcel?  ", now=at(5))
    if any_log.fake is not None:  # one read, one write
        methods = [call.method_id for call in any_log.fake.calls]
        assert methods == ["spreadsheets.getByDataFilter", "spreadsheets.batchUpdate"]
    assert any_log.write_marker() != before
    assert line.tab == "Messages 2025-09"
    stored = any_log.values("Messages 2025-09")
    assert stored[0] == ["Ticket ID", "At", "Kind", "Author", "Channel", "Text", "Attachment"]
    assert stored[1][:6] == [
        "T-1",
        "2025-09-01 09:05 UTC",
        "customer message",
        "customer of T-1",  # the ticket's Customer, by default
        "Email",  # and its Channel
        "Where is my parcel?",
    ]
    reply = any_log.log.message("T-1", "Traced it", sender="agent", at="2025-09-01 10:15")
    assert (reply.kind, reply.author) == (MessageKind.AGENT, "Jane Adams")
    assert len(any_log.values("Messages 2025-09")) == 3


def test_text_that_looks_like_a_formula_stays_text(any_log: LogUnderTest) -> None:
    opened_ticket(any_log)
    any_log.log.message("T-1", '=HYPERLINK("http://x")', sender="note", now=at(1))
    assert any_log.values("Messages 2025-09")[1][5] == '=HYPERLINK("http://x")'


@pytest.mark.parametrize(
    ("ticket", "text", "options", "error", "words"),
    [
        ("T-9", "hello", {}, NotFoundError, 'no ticket "T-9"'),
        ("T-1", "hello", {"at": "2025-09-01 08:59"}, InvalidValue, "Contact Start"),
        ("T-1", "hello", {"at": "yesterday-ish"}, InvalidValue, "At"),
        ("T-1", "hello", {"sender": "robot"}, InvalidValue, "customer, agent or note"),
        ("T-1", "   ", {}, InvalidValue, "some text"),
        ("T-1", "bad \ud800 char", {}, InvalidValue, "cannot store"),
    ],
)
def test_bad_input_is_one_clear_error_and_writes_nothing(
    any_log: LogUnderTest,
    ticket: str,
    text: str,
    options: dict[str, str],
    error: type[Exception],
    words: str,
) -> None:
    opened_ticket(any_log)
    before = any_log.write_marker()
    with pytest.raises(error, match=words):
        any_log.log.message(ticket, text, now=at(5), **options)  # type: ignore[arg-type]
    assert any_log.write_marker() == before
    assert not any(title.startswith("Messages ") for title in any_log.titles())


def test_an_archived_ticket_takes_messages(any_log: LogUnderTest) -> None:
    seed_sample(any_log)  # T-01 is archived
    line = any_log.log.message("T-01", "One more thing", now=datetime(2025, 11, 20, tzinfo=UTC))
    assert line.ticket == "T-01"
    (case,) = any_log.log.find(ticket="T-01", history=True).rows
    assert [m["text"] for m in case["messages"]] == ["One more thing"]


def test_update_records_status_changes_and_the_timeline_counts_a_reopen(
    any_log: LogUnderTest,
) -> None:
    opened_ticket(any_log)
    log = any_log.log
    log.message("T-1", "Where is my parcel?", now=at(5))
    log.message("T-1", "Customer sounds upset", sender="note", now=at(10))
    log.message("T-1", "Asked the courier", sender="agent", now=at(40))
    log.update("T-1", {"Status": "Pending"}, now=at(60))
    log.message("T-1", "Any news?", now=at(180))
    log.update("T-1", {"Status": "Open"}, now=at(180))
    log.update("T-1", {"Status": "Resolved"}, now=at(240))
    log.update("T-1", {"Status": "Open"}, now=at(300))  # reopened
    log.message("T-1", "Refund sent", sender="agent", now=at(330))
    log.update("T-1", {"Status": "Resolved"}, now=at(360))
    result = one_read(any_log, lambda: log.timeline("T-1", now=at(600)))
    kinds = [event.what for event in result.events if not event.what.startswith("audit")]
    assert kinds == [
        "customer message",
        "internal note",
        "agent reply",
        "status change",
        "customer message",
        "status change",
        "status change",
        "status change",
        "agent reply",
        "status change",
    ]
    assert [e.at for e in result.events] == sorted(e.at for e in result.events)
    figures = result.figures
    assert figures is not None
    # by hand: opened 09:00; first agent reply 09:40 (the 09:10 note does not count);
    # Open 09:00-10:00, Pending 10:00-12:00, Open 12:00-13:00, Resolved 13:00-14:00,
    # Open 14:00-15:00, Resolved from 15:00
    assert figures.first_response_minutes == 40
    assert figures.agent_replies == 2
    assert figures.reopens == 1
    assert figures.one_touch is False
    assert figures.full_resolution_minutes == 360
    assert figures.requester_wait_minutes == 60 + 60 + 60  # open: waiting on the agents
    assert figures.agent_wait_minutes == 120  # pending: the agents wait on the requester
    document = result.to_dict()
    assert document["figures"]["first_response_minutes"] == 40
    assert document["events"][0]["what"] == "customer message"


def test_cli_message_and_timeline(local_log: LogUnderTest) -> None:
    opened_ticket(local_log)
    assert local_log.path is not None
    sheet = ["--sheet", str(local_log.path)]
    runner = CliRunner()
    added = runner.invoke(
        cli, ["message", "T-1", "--from", "agent", "--at", "2025-09-01 09:30", "On it", *sheet]
    )
    assert added.exit_code == 0, added.output
    assert "T-1: agent reply at 2025-09-01 09:30 UTC (Messages 2025-09)" in added.output
    shown = runner.invoke(cli, ["timeline", "T-1", *sheet])
    assert shown.exit_code == 0, shown.output
    assert "agent reply" in shown.output and "first response: 30 min" in shown.output
    document = json.loads(
        runner.invoke(cli, ["timeline", "T-1", *sheet, "--format", "json"]).output
    )
    assert document["figures"]["agent_replies"] == 1
    early = runner.invoke(cli, ["message", "T-1", "--at", "2025-08-31 09:00", "Hi", *sheet])
    assert early.exit_code == 1
    assert early.output.count("\n") == 1 and "Contact Start" in early.output


def test_lines_a_person_garbled_are_left_out_of_the_timeline() -> None:
    header = ["Ticket ID", "At", "Kind", "Author", "Channel", "Text", "Attachment"]
    rows: list[list[object]] = [
        header,
        ["T-1", "2025-09-01 09:05 UTC", "customer message", "Ann", "", "hi", ""],
        ["T-1", "soon", "customer message", "Ann", "", "no time", ""],
        ["T-1", "2025-09-01 09:06 UTC", "shouting", "Ann", "", "no kind", ""],
        [None, "2025-09-01 09:07 UTC", "agent reply", "Sam", "", "no ticket", ""],
    ]
    (kept,) = read_messages([Tab("Messages 2025-09", rows)])
    assert kept.text == "hi"


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=10_000),
            st.sampled_from(list(MessageKind)),
            st.sampled_from(["Open", "Pending", "Escalated", "Resolved", "Closed"]),
        ),
        max_size=30,
    ),
    st.sampled_from(["Open", "Pending", "Resolved", "Closed"]),
)
def test_figures_are_bounded_by_the_ticket_s_life(
    lines: list[tuple[int, MessageKind, str]], status: str
) -> None:
    messages = []
    previous = "Open"
    for minutes, kind, new in sorted(lines):
        text = f"{previous} → {new}" if kind is MessageKind.STATUS else "text"
        messages.append(Message("T-1", at(minutes), kind, text=text))
        previous = new if kind is MessageKind.STATUS else previous
    now = at(20_000)
    figures = ticket_figures(STANDARD, OPENED, status, None, messages, now)
    replies = [m for m in messages if m.kind is MessageKind.AGENT]
    assert figures.agent_replies == len(replies)
    if replies:
        assert figures.first_response_minutes == (replies[0].at - OPENED).total_seconds() / 60
    waits = (figures.requester_wait_minutes or 0) + (figures.agent_wait_minutes or 0)
    assert 0 <= waits <= 20_000
    assert figures.reopens <= sum(m.kind is MessageKind.STATUS for m in messages)


def test_full_resolution_ends_at_the_last_solve_not_at_the_close_after_it(
    any_log: LogUnderTest,
) -> None:
    opened_ticket(any_log)
    any_log.log.update("T-1", {"Status": "Resolved"}, now=at(120))
    any_log.log.update("T-1", {"Status": "Closed"}, now=at(98 * 60))  # an automatic close
    figures = any_log.log.timeline("T-1", now=at(100 * 60)).figures
    assert figures is not None and figures.full_resolution_minutes == 120


def test_a_messages_tab_whose_header_a_person_changed_is_refused(any_log: LogUnderTest) -> None:
    opened_ticket(any_log)
    header = ("Ticket", "At", "Kind", "Author", "Channel", "Text", "Attachment")
    line = ("T-1", "2025-09-01 09:05 UTC", "customer message", "", "", "hi", "")
    any_log.log.backend.write([AppendRows("Messages 2025-09", (line,), header=header)])
    with pytest.raises(ConfigError, match='"Messages 2025-09" tab\'s header'):
        any_log.log.timeline("T-1")


def test_a_ticket_s_lines_stay_on_its_timeline_when_its_contact_start_moves_later(
    any_log: LogUnderTest,
) -> None:
    seed(any_log, [entry("T-1", Contact_Start="2025-01-15 09:00 UTC")])
    log = any_log.log
    log.message("T-1", "first mail", now=datetime(2025, 1, 15, 10, tzinfo=UTC))
    log.message("T-1", "second", now=datetime(2025, 4, 2, 10, tzinfo=UTC))
    log.update(
        "T-1", {"Contact Start": "2025-04-01 09:00 UTC"}, now=datetime(2025, 4, 3, tzinfo=UTC)
    )
    timeline = log.timeline("T-1", now=datetime(2025, 4, 4, tzinfo=UTC))
    texts = [event.text for event in timeline.events if not event.what.startswith("audit")]
    assert texts == ["first mail", "second"]


def test_an_update_of_the_status_alone_shows_once_and_others_keep_their_audit_line(
    any_log: LogUnderTest,
) -> None:
    opened_ticket(any_log)
    any_log.log.update("T-1", {"Status": "Pending"}, now=at(10))
    any_log.log.update("T-1", {"Status": "Resolved", "Actions & Notes": "Refunded"}, now=at(20))
    events = any_log.log.timeline("T-1", now=at(30)).events
    assert [e.text for e in events if e.what == "status change"] == [
        "Open → Pending",
        "Pending → Resolved",
    ]
    audit = [e.text for e in events if e.what == "audit: update"]
    assert len(audit) == 1 and "Actions & Notes: (empty) → Refunded" in audit[0]


def test_two_first_messages_at_once_on_google_both_land_with_their_leaves(
    google_log: LogUnderTest, creds: object
) -> None:
    import sheetlog

    google_log.log.init()
    seed(google_log, [entry("T-1", "Open"), entry("T-2", "Open")])
    assert google_log.fake is not None
    other = sheetlog.open(f"gsheet:{google_log.spreadsheet_id}", credentials=creds)
    started: list[bool] = []

    def second_message_between(call: object) -> None:  # B makes the hidden tabs first
        if getattr(call, "method_id", "") == "spreadsheets.batchUpdate" and not started:
            started.append(True)
            other.message("T-2", "Mine first", at="2025-09-01 10:00")

    google_log.fake.before_request(second_message_between)
    google_log.log.message("T-1", "Hello", at="2025-09-01 10:00")
    assert sorted(row[0] for row in google_log.values("Messages 2025-09")[1:]) == ["T-1", "T-2"]
    waiting = google_log.values("_sheetlog_unsealed")[1:]
    assert sorted(row[1] for row in waiting) == ["T-1", "T-2"]
