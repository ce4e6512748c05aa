"""Reading a helpdesk's export (Zendesk, Freshdesk, Zammad) into Log rows and timeline
messages, so a team brings its history over without writing a column map.

Each helpdesk has one mapping table (``ZENDESK``, ``FRESHDESK``, ``ZAMMAD``) from its own
status, channel and sender words or codes to the standard template's choices. The reader
takes the JSON the helpdesk's API returns (tickets, audits, conversations, articles) and
the CSV its UI exports; several files of one helpdesk merge by ticket id.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import ConfigError, InvalidInput
from ..model.formats import HELPDESKS
from ..model.messages import STATUS_ARROW, Message, MessageKind
from ..model.sheetdata import CellValue
from ..rules.cells import cell_text, format_timestamp
from .importfiles import json_problem, read_text

ZENDESK_PREFIX = "ZD-"
FRESHDESK_PREFIX = "FD-"
ZAMMAD_PREFIX = "ZM-"
UNASSIGNED = "(unassigned)"
"""The Agent of a ticket nobody was assigned to (the column is required)."""
UNKNOWN_CUSTOMER = "(unknown customer)"
NO_SUBJECT = "(no subject)"
CLOSED = frozenset({"Resolved", "Closed"})
TEXT_LIMIT = 2000
"""The most characters of a message body kept in its Text cell."""


@dataclass(frozen=True)
class HelpdeskMap:
    """One helpdesk's translations; keys are its words or codes, lower-cased, as text."""

    name: str
    prefix: str
    statuses: Mapping[str, str]
    channels: Mapping[str, str]
    skipped: frozenset[str] = frozenset()
    senders: Mapping[str, MessageKind] = field(default_factory=dict)


ZENDESK = HelpdeskMap(
    name="Zendesk",
    prefix=ZENDESK_PREFIX,
    statuses={
        "new": "Open",
        "open": "Open",
        "pending": "Pending",
        "hold": "Pending",
        "on-hold": "Pending",
        "on hold": "Pending",
        "solved": "Resolved",
        "closed": "Closed",
    },
    channels={
        "email": "Email",
        "web": "Email",
        "api": "Email",
        "mail": "Email",
        "web form": "Email",
        "web service": "Email",
        "chat": "Live Chat",
        "native_messaging": "Live Chat",
        "messaging": "Live Chat",
        "voice": "Phone",
        "phone": "Phone",
        "phone call (incoming)": "Phone",
        "phone call (outgoing)": "Phone",
        "twitter": "Social Media",
        "twitter dm": "Social Media",
        "facebook": "Social Media",
        "facebook post": "Social Media",
        "facebook private message": "Social Media",
    },
    skipped=frozenset({"deleted"}),
)
"""Zendesk: API status words and ``via.channel``, and the UI/export labels for them."""

FRESHDESK = HelpdeskMap(
    name="Freshdesk",
    prefix=FRESHDESK_PREFIX,
    statuses={
        "2": "Open",
        "3": "Pending",
        "4": "Resolved",
        "5": "Closed",
        "open": "Open",
        "pending": "Pending",
        "resolved": "Resolved",
        "closed": "Closed",
        "waiting on customer": "Pending",
        "waiting on third party": "Pending",
    },
    channels={
        "1": "Email",
        "2": "Other",
        "3": "Phone",
        "7": "Live Chat",
        "10": "Email",
        "email": "Email",
        "outbound email": "Email",
        "portal": "Other",
        "phone": "Phone",
        "chat": "Live Chat",
    },
)
"""Freshdesk: numeric status and source codes (API v2), and their names (v1, CSV)."""

ZAMMAD = HelpdeskMap(
    name="Zammad",
    prefix=ZAMMAD_PREFIX,
    statuses={
        "1": "Open",
        "2": "Open",
        "3": "Pending",
        "4": "Closed",
        "5": "Closed",
        "7": "Pending",
        "new": "Open",
        "open": "Open",
        "pending reminder": "Pending",
        "pending close": "Pending",
        "closed": "Closed",
        "merged": "Closed",
    },
    channels={
        "1": "Email",
        "2": "Other",
        "3": "Live Chat",
        "4": "Other",
        "5": "Phone",
        "6": "Social Media",
        "7": "Social Media",
        "8": "Social Media",
        "9": "Social Media",
        "10": "Other",
        "11": "Other",
        "email": "Email",
        "sms": "Other",
        "chat": "Live Chat",
        "fax": "Other",
        "phone": "Phone",
        "twitter status": "Social Media",
        "twitter direct-message": "Social Media",
        "facebook feed post": "Social Media",
        "facebook feed comment": "Social Media",
        "note": "Other",
        "web": "Other",
    },
    skipped=frozenset({"6", "removed"}),
    senders={
        "1": MessageKind.AGENT,
        "2": MessageKind.CUSTOMER,
        "3": MessageKind.NOTE,
        "agent": MessageKind.AGENT,
        "customer": MessageKind.CUSTOMER,
        "system": MessageKind.NOTE,
    },
)
"""Zammad: state and article type names and their default ids, and article senders."""

UTC_ZONE = ZoneInfo("UTC")
"""The default account zone: UTC."""
MAPS = {"zendesk": ZENDESK, "freshdesk": FRESHDESK, "zammad": ZAMMAD}
ZAMMAD_NOBODY = frozenset({"", "-", "1"})
"""Zammad's owner "-" (user 1) is the system user: the ticket has no agent."""

_NAMED_ADDRESS = re.compile(r"\s*\"?([^\"<]*?)\"?\s*<([^>]*)>\s*")
_TAG_JOINERS = re.compile(r"[^a-z0-9]+")


@dataclass
class HelpdeskExport:
    """A helpdesk export as Log rows (standard-template columns, canonical values) and
    timeline messages; ``duplicates`` and ``skipped`` say what was left out and why."""

    rows: list[dict[str, CellValue]]
    messages: list[Message]
    helpdesk: str
    duplicates: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass
class _Person:
    """A requester, assignee or author as the export gives them."""

    id: str = ""
    name: str = ""
    email: str = ""
    role: str = ""


@dataclass
class _Ticket:
    """One ticket as read, before names are resolved and rows are written."""

    id: str
    where: str
    created: datetime
    status: str
    channel: str
    customer: _Person
    agent: _Person
    subject: str = ""
    tags: list[str] = field(default_factory=list)
    resolved: datetime | None = None
    updated: datetime | None = None
    description: str = ""
    notes: list[str] = field(default_factory=list)
    rating: int | None = None


@dataclass
class _Entry:
    """One message as read; ``kind`` None is a Zendesk public comment, whose author
    decides whether it is the customer's message or an agent's reply."""

    ticket: str
    at: datetime
    kind: MessageKind | None
    author: _Person
    text: str
    channel: str = ""
    attachment: str = ""


@dataclass
class _Batch:
    """What the files of one import hold, merged by ticket id later."""

    tickets: list[_Ticket] = field(default_factory=list)
    derived: dict[str, _Ticket] = field(default_factory=dict)
    entries: list[_Entry] = field(default_factory=list)
    users: dict[str, _Person] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


class _Record:
    """One JSON object or CSV row of a file, which knows where it sits for error lines."""

    def __init__(self, data: Mapping[str, Any], where: str, zone: ZoneInfo) -> None:
        self.data = data
        self.where = where
        self.zone = zone

    def fail(self, key: str, problem: str) -> InvalidInput:
        """The one-line error for field ``key`` of this record."""
        return InvalidInput(f'{self.where}: field "{key}" {problem}')

    def need(self, key: str, helpdesk: HelpdeskMap) -> Any:
        """The value of ``key``, which every record of this kind has."""
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise self.fail(key, f"is missing: not a {helpdesk.name} export as --from says")
        return value

    def text(self, key: str) -> str:
        """``key`` as stripped text ("" when absent or null); a nested value is refused."""
        value = self.data.get(key)
        if value is None:
            return ""
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, str | int | float):
            return cell_text(value)  # 12.0 is the id 12
        raise self.fail(key, "holds a list or object where text was expected")

    def code(self, key: str) -> str:
        """``key`` lower-cased, the form the mapping tables use as keys."""
        return self.text(key).lower()

    def flag(self, key: str) -> bool | None:
        """``key`` as true/false, or None when absent."""
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        raise self.fail(key, "is not true or false")

    def child(self, key: str) -> _Record | None:
        """The object under ``key``, or None."""
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.fail(key, "is not a JSON object")
        return _Record(value, f"{self.where}, {key}", self.zone)

    def items(self, key: str) -> list[Any]:
        """The list under ``key`` ([] when absent)."""
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, "is not a list")
        return value

    def time(self, key: str) -> datetime | None:
        """``key`` as an aware datetime, or None when empty; unreadable text is refused."""
        raw = self.text(key)
        if not raw:
            return None
        moment = _parse_time(raw, self.zone)
        if moment is None:
            raise self.fail(
                key, f'"{raw}" is not a time sheetlog can read (e.g. 2016-05-18T04:36Z)'
            )
        return moment

    def need_time(self, key: str, helpdesk: HelpdeskMap) -> datetime:
        """``key`` as an aware datetime, which every record of this kind has."""
        self.need(key, helpdesk)
        moment = self.time(key)
        assert moment is not None
        return moment


def read_export(
    path: Path | Sequence[Path], helpdesk: str, account_zone: ZoneInfo = UTC_ZONE
) -> HelpdeskExport:
    """Read one helpdesk export file (or several files of one export, e.g. tickets plus
    their conversations or audits) into Log rows and messages; ``account_zone`` is the
    helpdesk account's zone, for CSV times that carry no offset."""
    paths = [path] if isinstance(path, Path | str) else list(path)
    return read_exports([Path(p) for p in paths], helpdesk, account_zone)


def read_exports(
    paths: Sequence[Path], helpdesk: str, account_zone: ZoneInfo = UTC_ZONE
) -> HelpdeskExport:
    """Read the files of one export of ``helpdesk`` and merge tickets with their
    messages by ticket id (the first record of a ticket id wins)."""
    if helpdesk not in MAPS:
        raise ConfigError(f"unknown helpdesk {helpdesk!r}: use one of {', '.join(HELPDESKS)}")
    table = MAPS[helpdesk]
    batch = _Batch()
    for path in paths:
        _read_file(path, table, account_zone, batch)
    return _assemble(batch, table, helpdesk)


# --- files ---------------------------------------------------------------------------


def _read_file(path: Path, table: HelpdeskMap, zone: ZoneInfo, batch: _Batch) -> None:
    """Read one file into ``batch``: JSON when it starts with { or [, else CSV."""
    text = read_text(path)
    name = str(path)
    if text.lstrip()[:1] in ("{", "["):
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise InvalidInput(f"{name}: not valid JSON ({json_problem(exc)})") from None
        READERS[table.name](_unwrap(data, table), name, zone, batch)
    else:
        CSV_READERS[table.name](_csv_rows(text, name, zone), name, batch)


def _unwrap(data: Any, table: HelpdeskMap) -> Any:
    """A recorded ``{"request": ..., "response": {"body": ...}}`` pair as its response body;
    for Zammad the request's ticket fills what the response leaves out (names, article)."""
    if not (isinstance(data, dict) and isinstance(data.get("response"), dict)):
        return data
    body = data["response"].get("body")
    request = data.get("request")
    sent = request.get("body") if isinstance(request, dict) else None
    if table is ZAMMAD and isinstance(body, dict) and isinstance(sent, dict):
        return {**sent, **body}
    return body


def _records(items: list[Any], name: str, label: str, zone: ZoneInfo) -> Iterable[_Record]:
    """The objects of a top-level JSON list, numbered from 1 for error lines."""
    for number, item in enumerate(items, start=1):
        yield _object(item, f"{name}: record {number}{label}", zone)


def _nested(record: _Record, key: str, unit: str) -> Iterable[_Record]:
    """The objects of the list under ``key`` (events, conversations, articles)."""
    for number, item in enumerate(record.items(key), start=1):
        yield _object(item, f"{record.where}, {unit} {number}", record.zone)


def _object(item: Any, where: str, zone: ZoneInfo) -> _Record:
    """``item`` as a record, refused when it is not a JSON object."""
    if not isinstance(item, dict):
        raise InvalidInput(f"{where} is not a JSON object")
    return _Record(item, where, zone)


def _top(data: Any, name: str, table: HelpdeskMap, keys: Sequence[str]) -> dict[str, Any]:
    """The file's top-level object, refused when it is neither object nor list."""
    if isinstance(data, list):
        return {"": data}
    if isinstance(data, dict):
        return data
    raise InvalidInput(
        f"{name}: record 1: not a {table.name} export (expected an object with "
        f"{', '.join(repr(k) for k in keys)}, a ticket, or a list)"
    )


def _lists(top: dict[str, Any], name: str, zone: ZoneInfo) -> Iterable[tuple[str, _Record]]:
    """Each (list name, record) of the top-level lists and single objects worth reading."""
    for key, value in top.items():
        if key == "" or (isinstance(value, list) and key in _LIST_KEYS):
            if not isinstance(value, list):
                continue
            label = f' of "{key}"' if key else ""
            for record in _records(value, name, label, zone):
                yield key, record
        elif key in _OBJECT_KEYS and isinstance(value, dict):
            yield key, _Record(value, f'{name}: record 1 of "{key}"', zone)


_LIST_KEYS = frozenset(
    {"tickets", "results", "audits", "users", "conversations", "articles", "ticket_articles"}
)
_OBJECT_KEYS = frozenset({"ticket", "audit"})


def _single(top: dict[str, Any]) -> bool:
    """Whether the top-level object is itself one ticket: it has an id, or no list or
    wrapper key sheetlog knows."""
    if "" in top:
        return False
    return "id" in top or not any(k in _LIST_KEYS or k in _OBJECT_KEYS for k in top)


# --- Zendesk -------------------------------------------------------------------------


def _zendesk_json(data: Any, name: str, zone: ZoneInfo, batch: _Batch) -> None:
    """Zendesk API payloads: tickets, audits (with comment events), users, the
    incremental export's ``results``."""
    top = _top(data, name, ZENDESK, ("tickets", "ticket", "audits", "results"))
    if _single(top):
        batch.tickets.append(_zendesk_ticket(_Record(top, f"{name}: record 1", zone), batch))
        return
    export_zone = _export_zone(top, zone)
    for key, record in _lists(top, name, zone):
        if key == "users":
            _zendesk_user(record, batch)
        elif key in ("audits", "audit") or (key == "" and "events" in record.data):
            _zendesk_audit(record, batch)
        elif "generated_timestamp" in record.data or "req_name" in record.data:
            record.zone = export_zone
            _zendesk_row(record, _ZENDESK_EXPORT_FIELDS, batch)
        elif key in ("tickets", "ticket", "results", "") and _is_ticket_result(record):
            batch.tickets.append(_zendesk_ticket(record, batch))


def _is_ticket_result(record: _Record) -> bool:
    """A search result is a ticket unless its ``result_type`` says otherwise."""
    return bool(record.data.get("result_type", "ticket") == "ticket")


def _export_zone(top: dict[str, Any], zone: ZoneInfo) -> ZoneInfo:
    """The incremental export's ``options.timezone``, for times without an offset."""
    options = top.get("options")
    named = options.get("timezone") if isinstance(options, dict) else None
    if isinstance(named, str) and "/" in named:
        try:
            return ZoneInfo(named)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            return zone
    return zone


def _zendesk_user(record: _Record, batch: _Batch) -> None:
    """A side-loaded user: id, name, email and role (end-user, agent, admin)."""
    person = _Person(
        record.text("id"), record.text("name"), record.text("email"), record.code("role")
    )
    if person.id:
        batch.users.setdefault(person.id, person)


def _zendesk_ticket(record: _Record, batch: _Batch) -> _Ticket:
    """A Zendesk API ticket object."""
    record.need("id", ZENDESK)
    created = record.need_time("created_at", ZENDESK)
    via = record.child("via")
    if via is None:
        raise record.fail("via", "is missing: not a Zendesk export as --from says")
    status, notes = _translate(record, "status", ZENDESK)
    ticket = _Ticket(
        id=record.text("id"),
        where=record.where,
        created=created,
        status=status,
        channel=ZENDESK.channels.get(via.code("channel"), "Other"),
        customer=_Person(id=record.text("requester_id")),
        agent=_Person(id=record.text("assignee_id")),
        subject=record.text("subject") or record.text("raw_subject"),
        tags=_tag_list(record, "tags"),
        updated=record.time("updated_at"),
        description=record.text("description"),
        notes=notes,
    )
    _note_priority(ticket, record.text("priority"))
    rating = record.child("satisfaction_rating")
    ticket.rating = ZENDESK_SCORES.get(rating.text("score")) if rating is not None else None
    return ticket


ZENDESK_SCORES = {"good": 5, "bad": 1}
"""Zendesk's satisfaction score on the 1-5 Rating: CSAT (rated 4 or 5) is then its own
good ÷ (good + bad); "offered" and "unoffered" are no rating."""

_ZENDESK_EXPORT_FIELDS = {
    "id": "id",
    "requester": "req_name",
    "requester_email": "req_email",
    "requester_id": "req_id",
    "assignee": "assignee_name",
    "assignee_id": "assignee_id",
    "subject": "subject",
    "tags": "current_tags",
    "status": "status",
    "priority": "priority",
    "via": "via",
    "created": "created_at",
    "updated": "updated_at",
    "solved": "solved_at",
}
"""The incremental export's field names, by the role each plays."""

_ZENDESK_CSV_FIELDS = {
    "id": "Id",
    "requester": "Requester",
    "requester_email": "Requester email",
    "requester_id": "Requester id",
    "assignee": "Assignee",
    "assignee_id": "Assignee id",
    "subject": "Subject",
    "tags": "Tags",
    "status": "Status",
    "priority": "Priority",
    "via": "Via",
    "created": "Created at",
    "updated": "Updated at",
    "solved": "Solved at",
}
"""The UI CSV export's column labels (the incremental export's ``field_headers``)."""


def _zendesk_row(record: _Record, names: Mapping[str, str], batch: _Batch) -> None:
    """A flat Zendesk row (incremental export or UI CSV); deleted tickets are skipped."""
    record.need(names["id"], ZENDESK)
    ticket_id = record.text(names["id"])
    status, notes = _translate(record, names["status"], ZENDESK)
    if record.code(names["status"]) in ZENDESK.skipped:
        batch.skipped.append(f"{ZENDESK_PREFIX}{ticket_id}: {record.text(names['status'])}")
        return
    ticket = _Ticket(
        id=ticket_id,
        where=record.where,
        created=record.need_time(names["created"], ZENDESK),
        status=status,
        channel=ZENDESK.channels.get(record.code(names["via"]), "Other"),
        customer=_Person(
            record.text(names["requester_id"]),
            record.text(names["requester"]),
            record.text(names["requester_email"]),
        ),
        agent=_Person(record.text(names["assignee_id"]), record.text(names["assignee"])),
        subject=record.text(names["subject"]),
        tags=record.text(names["tags"]).split(),
        resolved=record.time(names["solved"]),
        updated=record.time(names["updated"]),
        notes=notes,
    )
    _note_priority(ticket, record.text(names["priority"]))
    batch.tickets.append(ticket)


def _zendesk_audit(record: _Record, batch: _Batch) -> None:
    """One audit: its Comment events become messages, its status changes status-change
    lines, and its Create/Change events build the ticket when no ticket object is given."""
    record.need("ticket_id", ZENDESK)
    ticket_id = record.text("ticket_id")
    at = record.need_time("created_at", ZENDESK)
    via = record.child("via")
    channel = ZENDESK.channels.get(via.code("channel"), "Other") if via else ""
    derived = batch.derived.get(ticket_id)
    for event in _nested(record, "events", "event"):
        kind = event.text("type")
        if kind == "Comment":
            batch.entries.append(_zendesk_comment(event, ticket_id, at, channel, record))
        elif kind in ("Create", "Change"):
            derived = _zendesk_field(event, ticket_id, at, channel, derived, batch)
    if derived is not None:
        batch.derived[ticket_id] = derived


def _zendesk_comment(
    event: _Record, ticket: str, at: datetime, channel: str, audit: _Record
) -> _Entry:
    """A Comment event: private ones are internal notes; public ones are settled later."""
    public = event.flag("public")
    kind = MessageKind.NOTE if public is False else None
    author = _Person(id=event.text("author_id") or audit.text("author_id"))
    files = [a for a in event.items("attachments") if isinstance(a, dict)]
    link = _Record(files[0], event.where, event.zone).text("content_url") if files else ""
    body = event.text("body") or event.text("plain_body")
    return _Entry(ticket, at, kind, author, body, channel, link)


def _zendesk_field(
    event: _Record,
    ticket_id: str,
    at: datetime,
    channel: str,
    derived: _Ticket | None,
    batch: _Batch,
) -> _Ticket | None:
    """Apply one Create/Change event to the ticket the audits describe."""
    name = event.text("field_name")
    if derived is None:
        if event.text("type") != "Create":
            if name == "status":  # the ticket object is in another file: the line still is
                new, _ = _translate(event, "value", ZENDESK)
                _status_line(event, ticket_id, at, "", new, batch)
            return None
        derived = _Ticket(ticket_id, event.where, at, "Open", channel, _Person(), _Person())
    if name == "status":
        _zendesk_status(event, derived, at, batch)
    elif name == "subject":
        derived.subject = event.text("value")
    elif name == "requester_id":
        derived.customer = _Person(id=event.text("value"))
    elif name == "assignee_id":
        derived.agent = _Person(id=event.text("value"))
    elif name == "tags":
        derived.tags = [str(t) for t in event.items("value") if isinstance(t, str)]
    return derived


def _zendesk_status(event: _Record, ticket: _Ticket, at: datetime, batch: _Batch) -> None:
    """A status Create or Change: the ticket's status, and a status-change line."""
    new, notes = _translate(event, "value", ZENDESK)
    ticket.notes = notes
    if event.text("type") == "Change":
        _status_line(event, ticket.id, at, ticket.status, new, batch)
    if new in CLOSED and ticket.status not in CLOSED:
        ticket.resolved = at
    ticket.status = new
    ticket.updated = at


def _status_line(
    event: _Record, ticket_id: str, at: datetime, current: str, new: str, batch: _Batch
) -> None:
    """The status-change line of a Change event, from its previous value (else
    ``current``) to ``new``; none when the status stays or its old value is unknown."""
    old = ZENDESK.statuses.get(event.code("previous_value"), current)
    if old and old != new:
        text = f"{old}{STATUS_ARROW}{new}"
        batch.entries.append(_Entry(ticket_id, at, MessageKind.STATUS, _Person(), text))


def _zendesk_csv(rows: Iterable[_Record], name: str, batch: _Batch) -> None:
    """The Zendesk UI CSV export (``Id, Requester, ..., Created at, Solved at``)."""
    for record in rows:
        _zendesk_row(record, _ZENDESK_CSV_FIELDS, batch)


# --- Freshdesk -----------------------------------------------------------------------


def _freshdesk_json(data: Any, name: str, zone: ZoneInfo, batch: _Batch) -> None:
    """Freshdesk API payloads: a ticket, a list of tickets or conversations, search
    ``results``, a ticket with ``conversations``."""
    top = _top(data, name, FRESHDESK, ("results", "tickets", "ticket", "conversations"))
    if _single(top):
        _freshdesk_ticket(_Record(top, f"{name}: record 1", zone), batch)
        return
    for key, record in _lists(top, name, zone):
        if key == "conversations" or (key == "" and _is_conversation(record)):
            batch.entries.append(_freshdesk_conversation(record))
        elif key in ("", "results", "tickets", "ticket"):
            _freshdesk_ticket(record, batch)


def _is_conversation(record: _Record) -> bool:
    """A conversation has a ticket id and incoming/private flags, and no status."""
    keys = record.data.keys()
    return (
        "ticket_id" in keys and "status" not in keys and ("incoming" in keys or "private" in keys)
    )


def _freshdesk_ticket(record: _Record, batch: _Batch) -> None:
    """A Freshdesk ticket, API v2 or the older v1 shape (``status_name``, ``requester_name``);
    its description is the customer's first message."""
    record.need("id", FRESHDESK)
    created = record.need_time("created_at", FRESHDESK)
    record.need("source", FRESHDESK)
    status, notes = _freshdesk_status(record)
    stats = record.child("stats")
    resolved = (stats.time("resolved_at") or stats.time("closed_at")) if stats else None
    ticket = _Ticket(
        id=record.text("id"),
        where=record.where,
        created=created,
        status=status,
        channel=FRESHDESK.channels.get(
            record.code("source"), FRESHDESK.channels.get(record.code("source_name"), "Other")
        ),
        customer=_freshdesk_requester(record),
        agent=_Person(id=record.text("responder_id"), name=record.text("responder_name")),
        subject=record.text("subject"),
        tags=_tag_list(record, "tags"),
        resolved=resolved,
        updated=record.time("updated_at"),
        description=record.text("description_text") or record.text("description"),
        notes=notes,
    )
    priority = _FD_PRIORITY.get(record.code("priority")) or record.text("priority_name")
    _note_priority(ticket, priority)
    batch.tickets.append(ticket)
    for conversation in _nested(record, "conversations", "conversation"):
        batch.entries.append(_freshdesk_conversation(conversation))


_FD_PRIORITY = {"1": "Low", "2": "Medium", "3": "High", "4": "Urgent"}


def _freshdesk_status(record: _Record) -> tuple[str, list[str]]:
    """The numeric status, else v1's ``status_name``; a custom status is kept in a note."""
    record.need("status", FRESHDESK)
    found = FRESHDESK.statuses.get(record.code("status_name"))
    if found and record.code("status") not in FRESHDESK.statuses:
        return found, []
    return _translate(record, "status", FRESHDESK)


def _freshdesk_requester(record: _Record) -> _Person:
    """The ``requester`` object (``include=requester``), v1's ``requester_name``, or the id."""
    requester = record.child("requester")
    if requester is not None:
        return _Person(requester.text("id"), requester.text("name"), requester.text("email"))
    return _Person(record.text("requester_id"), record.text("requester_name"), record.text("email"))


def _freshdesk_conversation(record: _Record) -> _Entry:
    """A conversation: private is an internal note, incoming the customer, else an agent."""
    record.need("ticket_id", FRESHDESK)
    ticket = record.text("ticket_id")
    at = record.need_time("created_at", FRESHDESK)
    if record.flag("private"):
        kind = MessageKind.NOTE
    elif record.flag("incoming"):
        kind = MessageKind.CUSTOMER
    else:
        kind = MessageKind.AGENT
    author = _address(record.text("from_email"))
    author.id = record.text("user_id")
    files = [a for a in record.items("attachments") if isinstance(a, dict)]
    link = _Record(files[0], record.where, record.zone).text("attachment_url") if files else ""
    body = record.text("body_text") or record.text("body")
    return _Entry(ticket, at, kind, author, body, "", link)


_FRESHDESK_CSV_FIELDS = {
    "id": "Ticket ID",
    "subject": "Subject",
    "status": "Status",
    "priority": "Priority",
    "source": "Source",
    "agent": "Agent",
    "created": "Created time",
    "resolved": "Resolved time",
    "closed": "Closed time",
    "updated": "Last update time",
    "tags": "Tags",
}
_FRESHDESK_CSV_REQUESTER = ("Full name", "Requester name", "Requester Name", "Contact name")
_FRESHDESK_CSV_EMAIL = ("Email", "Contact ID", "Requester email", "Requester Email")


def _freshdesk_csv(rows: Iterable[_Record], name: str, batch: _Batch) -> None:
    """The Freshdesk UI CSV export (``Ticket ID, Subject, Status, ..., Created time``)."""
    names = _FRESHDESK_CSV_FIELDS
    for record in rows:
        record.need(names["id"], FRESHDESK)
        status, notes = _translate(record, names["status"], FRESHDESK)
        ticket = _Ticket(
            id=record.text(names["id"]),
            where=record.where,
            created=record.need_time(names["created"], FRESHDESK),
            status=status,
            channel=FRESHDESK.channels.get(record.code(names["source"]), "Other"),
            customer=_Person(
                name=_first(record, _FRESHDESK_CSV_REQUESTER),
                email=_first(record, _FRESHDESK_CSV_EMAIL),
            ),
            agent=_Person(name=record.text(names["agent"])),
            subject=record.text(names["subject"]),
            tags=record.text(names["tags"]).split(","),
            resolved=record.time(names["resolved"]) or record.time(names["closed"]),
            updated=record.time(names["updated"]),
            notes=notes,
        )
        _note_priority(ticket, record.text(names["priority"]))
        batch.tickets.append(ticket)


def _first(record: _Record, keys: Sequence[str]) -> str:
    """The first non-empty of several possible columns."""
    return next((record.text(k) for k in keys if record.text(k)), "")


# --- Zammad --------------------------------------------------------------------------


def _zammad_json(data: Any, name: str, zone: ZoneInfo, batch: _Batch) -> None:
    """Zammad API payloads: a ticket or list of tickets (expanded or not), a ticket with
    an inline ``article`` or ``articles``, a list of articles."""
    top = _top(data, name, ZAMMAD, ("tickets", "ticket", "articles"))
    if _single(top):
        _zammad_ticket(_Record(top, f"{name}: record 1", zone), batch)
        return
    for key, record in _lists(top, name, zone):
        if key in ("articles", "ticket_articles") or (key == "" and _is_article(record)):
            batch.entries.append(_zammad_article(record, None))
        elif key in ("", "tickets", "ticket"):
            _zammad_ticket(record, batch)


def _is_article(record: _Record) -> bool:
    """An article has a ticket id and a sender, and no title."""
    keys = record.data.keys()
    return "ticket_id" in keys and "title" not in keys and ("sender" in keys or "sender_id" in keys)


def _zammad_ticket(record: _Record, batch: _Batch) -> None:
    """A Zammad ticket: names from the expanded fields where given, else the ids."""
    record.need("id", ZAMMAD)
    ticket_id = record.text("id")
    created = record.need_time("created_at", ZAMMAD)
    record.need("title", ZAMMAD)
    key = "state" if record.text("state") else "state_id"
    record.need(key, ZAMMAD)
    if record.code(key) in ZAMMAD.skipped:
        batch.skipped.append(f"{ZAMMAD_PREFIX}{ticket_id}: {record.text(key)}")
        return
    kind = record.code("create_article_type") or record.code("create_article_type_id")
    status, notes = _translate(record, key, ZAMMAD)
    ticket = _Ticket(
        id=ticket_id,
        where=record.where,
        created=created,
        status=status,
        channel=ZAMMAD.channels.get(kind, "Other"),
        customer=_Person(id=record.text("customer_id"), email=record.text("customer")),
        agent=_zammad_owner(record),
        subject=record.text("title"),
        tags=_tag_list(record, "tags"),
        resolved=record.time("last_close_at") or record.time("close_at"),
        updated=record.time("updated_at"),
        notes=notes,
    )
    if record.text("number"):
        ticket.notes.append(f"Zammad number {record.text('number')}")
    _note_priority(ticket, record.text("priority"))
    batch.tickets.append(ticket)
    inline = record.child("article")
    articles = [inline] if inline is not None else []
    articles += list(_nested(record, "articles", "article"))
    for article in articles:
        batch.entries.append(_zammad_article(article, ticket))


def _zammad_owner(record: _Record) -> _Person:
    """The owner; Zammad's "-" (user 1) means nobody."""
    name, owner_id = record.text("owner"), record.text("owner_id")
    if name in ZAMMAD_NOBODY and owner_id in ZAMMAD_NOBODY:
        return _Person()
    return _Person(id="" if owner_id in ZAMMAD_NOBODY else owner_id, email=name)


def _zammad_article(record: _Record, ticket: _Ticket | None) -> _Entry:
    """An article: internal ones are notes; else the sender (Customer, Agent, System)."""
    ticket_id = ticket.id if ticket else record.text("ticket_id")
    if not ticket_id:
        record.need("ticket_id", ZAMMAD)
    at = record.time("created_at") or (ticket.created if ticket else None)
    if at is None:
        at = record.need_time("created_at", ZAMMAD)
    sender = record.code("sender") or record.code("sender_id")
    kind = ZAMMAD.senders.get(sender, MessageKind.NOTE)
    if record.flag("internal"):
        kind = MessageKind.NOTE
    author = _address(record.text("from"))
    if not author.name and not author.email:
        author.email = record.text("created_by")
    author.id = record.text("created_by_id")
    if kind is MessageKind.CUSTOMER and ticket and not (author.name or author.email):
        author = ticket.customer
    kind_of = record.code("type") or record.code("type_id")
    text = record.text("body") or record.text("subject")
    return _Entry(ticket_id, at, kind, author, text, ZAMMAD.channels.get(kind_of, ""))


def _zammad_csv(rows: Iterable[_Record], name: str, batch: _Batch) -> None:
    """Zammad has no CSV ticket export: its tickets come from the API as JSON."""
    raise InvalidInput(
        f"{name}: record 1: not JSON: Zammad has no CSV ticket export; give the JSON its "
        "API returns (/api/v1/tickets?expand=true)"
    )


READERS = {"Zendesk": _zendesk_json, "Freshdesk": _freshdesk_json, "Zammad": _zammad_json}
CSV_READERS = {"Zendesk": _zendesk_csv, "Freshdesk": _freshdesk_csv, "Zammad": _zammad_csv}


# --- CSV -----------------------------------------------------------------------------


def _csv_rows(text: str, name: str, zone: ZoneInfo) -> list[_Record]:
    """The rows of a CSV export as records (a header named twice keeps its first column,
    as Zendesk's repeated custom-field labels are)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
        rows: list[_Record] = []
        last = reader.line_num
        for number, cells in enumerate(reader, start=1):
            line, last = last + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            values: dict[str, str] = {}
            for key, cell in zip(header, cells, strict=False):
                if key:
                    values.setdefault(key, cell)
            rows.append(_Record(values, f"{name}: record {number} (line {line})", zone))
    except csv.Error as exc:
        raise InvalidInput(f"{name}: not a CSV file sheetlog can read ({exc})") from None
    return rows


# --- assembling ----------------------------------------------------------------------


def _assemble(batch: _Batch, table: HelpdeskMap, helpdesk: str) -> HelpdeskExport:
    """Merge tickets by id, settle names and message kinds, and write rows and messages."""
    tickets: dict[str, _Ticket] = {}
    duplicates: list[str] = []
    for ticket in batch.tickets:
        if ticket.id in tickets:
            duplicates.append(f"{table.prefix}{ticket.id} ({ticket.where})")
        else:
            tickets[ticket.id] = ticket
    for ticket_id, derived in batch.derived.items():
        found = tickets.setdefault(ticket_id, derived)
        if found is not derived and found.status in CLOSED and found.resolved is None:
            found.resolved = derived.resolved if derived.status in CLOSED else None
    entries = _unique(batch.entries)
    skipped = list(batch.skipped)
    orphans = sorted({e.ticket for e in entries if e.ticket not in tickets})
    skipped += [f"{table.prefix}{t}: messages without their ticket" for t in orphans]
    rows: list[dict[str, CellValue]] = []
    messages: list[Message] = []
    for ticket in tickets.values():
        own = sorted((e for e in entries if e.ticket == ticket.id), key=lambda e: e.at)
        found_messages = _messages(ticket, own, batch.users, table)
        rows.append(_row(ticket, found_messages, batch.users, table))
        messages += found_messages
    messages.sort(key=lambda m: m.at)
    return HelpdeskExport(rows, messages, helpdesk, duplicates, skipped)


def _unique(entries: list[_Entry]) -> list[_Entry]:
    """The entries without repeats (the same audits or conversations given twice)."""
    seen: set[tuple[str, datetime, str, str, str]] = set()
    kept: list[_Entry] = []
    for entry in entries:
        key = (entry.ticket, _minute(entry.at), str(entry.kind), entry.author.id, entry.text)
        if key not in seen:
            seen.add(key)
            kept.append(entry)
    return kept


def _messages(
    ticket: _Ticket, entries: list[_Entry], users: dict[str, _Person], table: HelpdeskMap
) -> list[Message]:
    """The ticket's messages in time order, the description first when no comment holds it."""
    comments = [e for e in entries if e.kind is not MessageKind.STATUS]
    if ticket.description and (table is FRESHDESK or not comments):
        customer = MessageKind.CUSTOMER
        first = _Entry(ticket.id, ticket.created, customer, ticket.customer, ticket.description)
        entries = [first, *entries]
        comments = [first, *comments]
    opener = comments[0] if comments else None
    found: list[Message] = []
    for entry in entries:
        kind = entry.kind
        if kind is None:
            kind = MessageKind.CUSTOMER if entry is opener else _author_kind(entry, ticket, users)
        found.append(
            Message(
                ticket=f"{table.prefix}{ticket.id}",
                at=_minute(entry.at),
                kind=kind,
                author="" if kind is MessageKind.STATUS else _author(entry.author, ticket, users),
                channel=entry.channel or ticket.channel,
                text=_clip(entry.text),
                attachment=entry.attachment,
            )
        )
    return found


def _author_kind(entry: _Entry, ticket: _Ticket, users: dict[str, _Person]) -> MessageKind:
    """A Zendesk public comment: the requester's own is the customer's message, another
    end-user's too; anyone else's (an agent or admin) is an agent reply."""
    author = entry.author.id
    if author and author == ticket.customer.id:
        return MessageKind.CUSTOMER
    known = users.get(author)
    if known is not None and known.role == "end-user":
        return MessageKind.CUSTOMER
    return MessageKind.AGENT


def _author(person: _Person, ticket: _Ticket, users: dict[str, _Person]) -> str:
    """A message author's name, from the payload's users or the ticket's people."""
    if person.name or person.email:
        return person.name or person.email
    if person.id and person.id in users:
        return _label(users[person.id], users, "user")
    if person.id and person.id == ticket.customer.id:
        return _label(ticket.customer, users, "customer")
    if person.id and person.id == ticket.agent.id:
        return _label(ticket.agent, users, "agent")
    return f"user {person.id}" if person.id else ""


def _label(person: _Person, users: dict[str, _Person], word: str) -> str:
    """A person's name, else email, else ``word id``; "" when nothing is known."""
    known = users.get(person.id) if person.id else None
    for candidate in (person.name, known.name if known else "", person.email):
        if candidate:
            return candidate
    if known and known.email:
        return known.email
    return f"{word} {person.id}" if person.id else ""


def _row(
    ticket: _Ticket, messages: list[Message], users: dict[str, _Person], table: HelpdeskMap
) -> dict[str, CellValue]:
    """The ticket as a Log row in standard-template columns and canonical values."""
    start = _minute(ticket.created)
    if messages and messages[0].at < start:
        start = messages[0].at
        ticket.notes.append("Contact Start is the first message's time")
    resolved = _resolved(ticket)
    tags = _tags(ticket.tags)
    return {
        "Ticket ID": f"{table.prefix}{ticket.id}",
        "Customer": _label(ticket.customer, users, "customer") or UNKNOWN_CUSTOMER,
        "Channel": ticket.channel,
        "Contact Start": format_timestamp(start),
        "Agent": _label(ticket.agent, users, "agent") or UNASSIGNED,
        "Issue Summary": _clip(ticket.subject) or NO_SUBJECT,
        "Status": ticket.status,
        "Resolved At": format_timestamp(max(resolved, start)) if resolved else None,
        "Tags": tags or None,
        "Rating": ticket.rating,
        "Actions & Notes": "; ".join(ticket.notes) or None,
    }


def _resolved(ticket: _Ticket) -> datetime | None:
    """When a closed ticket was resolved: the export's time, else its last update (noted);
    an open ticket has none."""
    if ticket.status not in CLOSED:
        return None
    if ticket.resolved is not None:
        return ticket.resolved
    ticket.notes.append("Resolved At is the export's last update time")
    return ticket.updated or ticket.created


# --- values --------------------------------------------------------------------------


def _translate(record: _Record, key: str, table: HelpdeskMap) -> tuple[str, list[str]]:
    """A status through the helpdesk's table, and the notes for the row: one it does not
    know (a custom status) becomes Open, with the helpdesk's word noted."""
    record.need(key, table)
    found = table.statuses.get(record.code(key))
    if found is not None:
        return found, []
    return "Open", [f"{table.name} status: {record.text(key)}"]


def _note_priority(ticket: _Ticket, priority: str | None) -> None:
    """Keep the helpdesk's priority in Actions & Notes (the template has no column)."""
    if priority:
        ticket.notes.append(f"Priority: {priority[:1].upper()}{priority[1:]}")


def _tag_list(record: _Record, key: str) -> list[str]:
    """Tags given as a list, or as one comma- or space-separated text."""
    value = record.data.get(key)
    if isinstance(value, list):
        return [str(t) for t in value if isinstance(t, str | int) and not isinstance(t, bool)]
    return re.split(r"[,\s]+", record.text(key))


def _tags(raw: Iterable[str]) -> str:
    """Lower-case hyphenated tags, de-duplicated in first-seen order, joined by ", "."""
    seen: dict[str, None] = {}
    for tag in raw:
        plain = unicodedata.normalize("NFKD", tag).encode("ascii", "ignore").decode()
        word = _TAG_JOINERS.sub("-", plain.strip().lower()).strip("-")
        if word:
            seen[word] = None
    return ", ".join(seen)


def _address(text: str) -> _Person:
    """``Name <email>`` or a bare address as a person."""
    match = _NAMED_ADDRESS.fullmatch(text)
    if match:
        return _Person(name=match.group(1).strip(), email=match.group(2).strip())
    return _Person(email=text)


def _clip(text: str) -> str:
    """A body on one line, cut to ``TEXT_LIMIT`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= TEXT_LIMIT else flat[: TEXT_LIMIT - 1] + "…"


def _minute(moment: datetime) -> datetime:
    """``moment`` in UTC, to the minute, as the log stores it."""
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def _parse_time(raw: str, zone: ZoneInfo) -> datetime | None:
    """An ISO 8601 time as helpdesks write it (``T`` or space, seconds and fractions,
    ``Z``, ``UTC`` or an offset); one without an offset is in ``zone``. None when
    unreadable."""
    text = raw.strip()
    for word in ("UTC", "GMT"):
        if text.upper().endswith(word):
            text = text[: -len(word)].rstrip() + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.year < 1900:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)  # a time a clock change repeats: the earlier
    return moment.astimezone(UTC)
