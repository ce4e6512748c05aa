"""The message timeline: one line per customer message, agent reply, internal note or
status change, appended to the month's ``Messages YYYY-MM`` tab (by the message's time,
in UTC), so a write costs the same whatever the history holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from ..errors import ConfigError
from ..rules.cells import cell_text, format_timestamp, parse_timestamp
from .sheetdata import CellValue, Scope, Snapshot, Tab
from .workbook import MESSAGES_PREFIX

MESSAGES_HEADER = ("Ticket ID", "At", "Kind", "Author", "Channel", "Text", "Attachment")
MESSAGES_SCOPE = Scope.of(prefixes=(MESSAGES_PREFIX,))
"""Every Messages tab."""
STATUS_ARROW = " → "
"""Between the old and the new status in a status change's Text: ``Open → Pending``."""


class MessageKind(StrEnum):
    """Who a timeline line comes from, as the Kind cell says it."""

    CUSTOMER = "customer message"
    AGENT = "agent reply"
    NOTE = "internal note"
    STATUS = "status change"


SENDERS = {"customer": MessageKind.CUSTOMER, "agent": MessageKind.AGENT, "note": MessageKind.NOTE}
"""The words ``message --from`` takes, and the kind each one records."""


@dataclass(frozen=True)
class Message:
    """One line of the timeline; ``at`` is an aware datetime (stored to the minute, UTC)."""

    ticket: str
    at: datetime
    kind: MessageKind
    author: str = ""
    channel: str = ""
    text: str = ""
    attachment: str = ""

    def cells(self) -> tuple[str, ...]:
        """The line as the Messages tab holds it."""
        kind, at = str(self.kind), format_timestamp(self.at)
        return (self.ticket, at, kind, self.author, self.channel, self.text, self.attachment)

    def to_dict(self) -> dict[str, str]:
        """The line under its header's names, for ``--format json``."""
        return dict(
            zip(
                ("ticket", "at", "kind", "author", "channel", "text", "attachment"),
                self.cells(),
                strict=True,
            )
        )

    @property
    def tab(self) -> str:
        """The Messages tab of this line's month (UTC)."""
        return messages_tab(self.at)

    def status_pair(self) -> tuple[str, str] | None:
        """The old and new status of a status change line, else None."""
        if self.kind is not MessageKind.STATUS or STATUS_ARROW not in self.text:
            return None
        old, new = self.text.split(STATUS_ARROW, 1)
        return old.strip(), new.strip()


def messages_tab(moment: datetime) -> str:
    """The Messages tab of ``moment``'s month (UTC)."""
    return f"{MESSAGES_PREFIX}{moment.astimezone(UTC):%Y-%m}"


def messages_tabs(snapshot: Snapshot) -> list[Tab]:
    """The Messages tabs ``snapshot`` read, oldest month first."""
    return [
        tab for title, tab in sorted(snapshot.tabs.items()) if title.startswith(MESSAGES_PREFIX)
    ]


def read_messages(tabs: list[Tab]) -> list[Message]:
    """The well-formed lines of Messages tabs as read, in time order (a line whose At or
    Kind a person changed into something else is left out). A tab whose header is not
    sheetlog's is refused: lines sheetlog appends there would land under other names."""
    found: list[Message] = []
    for tab in tabs:
        header = tab.header
        if tuple(header[: len(MESSAGES_HEADER)]) != MESSAGES_HEADER:
            raise ConfigError(
                f'the "{tab.title}" tab\'s header is not {", ".join(MESSAGES_HEADER)}'
                " (someone changed it): put it back, so the timeline reads and writes there"
            )
        at = {name: header.index(name) for name in MESSAGES_HEADER}
        for cells in tab.rows[1:]:
            message = _message(cells, at)
            if message is not None:
                found.append(message)
    return sorted(found, key=lambda m: m.at)


def _message(cells: list[CellValue], at: dict[str, int]) -> Message | None:
    def cell(name: str) -> str:
        col = at.get(name)
        value = cells[col] if col is not None and col < len(cells) else None
        return cell_text(value)  # a Ticket ID Google reads back as 10042.0 is 10042

    try:
        moment = parse_timestamp(cell("At"))
        kind = MessageKind(cell("Kind"))
    except ValueError:
        return None
    ticket = cell("Ticket ID")
    if not ticket:
        return None
    return Message(
        ticket,
        moment,
        kind,
        cell("Author"),
        cell("Channel"),
        cell("Text"),
        cell("Attachment"),
    )
