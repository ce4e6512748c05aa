"""Recording the timeline: a message a person logs (``message``) and the status change an
``update`` records by itself, each one line of the month's Messages tab."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from ..errors import InvalidValue, NotFoundError
from ..model.messages import (
    MESSAGES_HEADER,
    SENDERS,
    STATUS_ARROW,
    Message,
    MessageKind,
    messages_tabs,
    read_messages,
)
from ..model.ops import AppendRows, Op
from ..model.sheetdata import (
    CellValue,
    Snapshot,
    Stored,
    cell_length,
    escape_unstorable,
    fit_cell,
)
from ..model.templates import Column, Kind, Template
from ..model.workbook import LOG_TAB, archive_tabs, data_rows, row_values, who
from ..rules.cells import (
    cell_text,
    column_normalizer,
    parse_timestamp,
    ticket_key,
    timestamp_or_none,
)
from .leaves import unsealed_ops
from .record import Change

TEXT = Column(name="Text", kind=Kind.TEXT)
AUTHOR = Column(name="Author", kind=Kind.TEXT)
CHANNEL = Column(name="Channel", kind=Kind.TEXT)
AT = Column(name="At", kind=Kind.TIMESTAMP)


def ticket_values(snapshot: Snapshot, template: Template, ticket: str) -> dict[str, CellValue]:
    """The cells of ``ticket``'s row (any case or width), in Log or an archive tab read;
    NotFoundError when no tab read holds it."""
    key = ticket_key(ticket)
    tabs = [snapshot.tabs[LOG_TAB], *archive_tabs(snapshot)]
    for tab in tabs:
        header = tab.header
        for _, cells in data_rows(tab):
            values = row_values(header, cells)
            if ticket_key(values.get(template.roles.id)) == key:
                return values
    raise NotFoundError(f'no ticket "{ticket}" in Log or the archive tabs')


def plan_message(
    template: Template,
    ticket: Mapping[str, CellValue],
    text: str,
    sender: str,
    at: str | datetime | None,
    now: datetime,
    author: str | None = None,
    channel: str | None = None,
    chars_per_cell: int = 50_000,
) -> Message:
    """The timeline line for ``text`` sent by ``sender`` (customer, agent or note) on the
    ticket whose row is ``ticket``. ``at`` defaults to ``now`` and may not come before
    the ticket's Contact Start; the author and channel default to the ticket's."""
    kind = SENDERS.get(sender.strip().casefold())
    if kind is None:
        raise InvalidValue("--from", sender, "customer, agent or note")
    roles = template.roles
    body = _text(TEXT, text, template, chars_per_cell)
    if not body:
        raise InvalidValue("Text", text, "some text", "a message says something")
    moment = _moment(at, template) if at is not None else now
    opened = ticket.get(roles.opened)
    start = timestamp_or_none(opened)
    if start is not None and moment < start:
        raise InvalidValue(
            "--at",
            _shown_at(at, moment),
            f"at or after the ticket's {roles.opened}",
            f"it opened {cell_text(opened)}",
        )
    default_author = roles.customer if kind is MessageKind.CUSTOMER else roles.agent
    return Message(
        cell_text(ticket.get(roles.id)),
        moment,
        kind,
        _given(AUTHOR, author, ticket.get(default_author or ""), template, chars_per_cell),
        _given(CHANNEL, channel, ticket.get(roles.channel or ""), template, chars_per_cell),
        body,
    )


def status_change(ticket: str, old: CellValue, new: Stored, now: datetime) -> Message:
    """The line an ``update`` that changes Status records: who, when, from and to."""
    text = f"{cell_text(old) or '(none)'}{STATUS_ARROW}{cell_text(new) or '(none)'}"
    return Message(ticket, now, MessageKind.STATUS, who(), "", text)


def status_change_ops(
    snapshot: Snapshot, ticket: str, changes: Sequence[Change], status: str, at: datetime
) -> list[Op]:
    """The timeline lines of the Status changes among an update's ``changes``."""
    lines = [
        status_change(ticket, change.old, change.new, at)
        for change in changes
        if change.column == status
    ]
    return messages_ops(snapshot, lines) if lines else []


def _text(column: Column, value: str, template: Template, limit: int) -> str:
    """``value`` as a text cell stores it (stripped; characters no cell holds refused),
    no longer than a cell holds."""
    stored = column_normalizer(column).normalize(value, template.tz)
    text = "" if stored is None else str(stored)
    if cell_length(text) > limit:
        hint = f"{cell_length(text):,} characters; a cell holds at most {limit:,}"
        raise InvalidValue(column.name, text[:20] + "…", "text that fits in one cell", hint)
    return text


def _given(
    column: Column, value: str | None, default: CellValue, template: Template, limit: int
) -> str:
    return _text(column, value, template, limit) if value is not None else cell_text(default)


def _moment(at: str | datetime, template: Template) -> datetime:
    """``--at`` as an aware datetime: any form a timestamp cell takes, in the log's zone."""
    stored = column_normalizer(AT).normalize(at, template.tz)
    return parse_timestamp(str(stored))


def _shown_at(at: str | datetime | None, moment: datetime) -> str:
    return at if isinstance(at, str) else moment.isoformat()


def new_messages(snapshot: Snapshot, messages: list[Message], tickets: set[str]) -> list[Message]:
    """The ``messages`` of ``tickets`` (``ticket_key``s) that the Messages tabs read do not
    hold yet, the same line (ticket, minute, kind, text) counted once: importing an export
    twice adds nothing."""

    def key(message: Message) -> tuple[str, str, str, str]:
        ticket, at, kind, _, _, text, _ = message.cells()
        return ticket_key(ticket), at, kind, text

    held = {key(message) for message in read_messages(messages_tabs(snapshot))}
    found = []
    for message in messages:
        if ticket_key(message.ticket) in tickets and key(message) not in held:
            held.add(key(message))
            found.append(message)
    return found


def storable(message: Message, limit: int) -> Message:
    """``message`` as a cell can hold it: characters no spreadsheet stores written as
    escapes, each cell cut to ``limit`` (an export's text is kept, never refused)."""

    def fit(text: str) -> str:
        return fit_cell(escape_unstorable(text), limit)

    return replace(
        message,
        author=fit(message.author),
        channel=fit(message.channel),
        text=fit(message.text),
        attachment=fit(message.attachment),
    )


def messages_ops(snapshot: Snapshot, messages: Sequence[Message]) -> list[Op]:
    """Append ``messages`` to their months' Messages tabs (one op a tab, oldest first,
    a tab made with its first line), and their leaves, to be sealed by the next pass
    (``snapshot`` probed ``UNSEALED_TAB``)."""
    ordered = sorted(messages, key=lambda m: m.at)
    by_tab: dict[str, list[tuple[str, ...]]] = {}
    for message in ordered:
        by_tab.setdefault(message.tab, []).append(message.cells())
    lines: list[Op] = [
        AppendRows(tab, tuple(rows), header=MESSAGES_HEADER) for tab, rows in by_tab.items()
    ]
    return [*lines, *unsealed_ops(snapshot, ordered)]
