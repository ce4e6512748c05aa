"""``sheetlog forget``: the right to erasure for one customer, planned over one snapshot.

Every row whose customer cell holds the customer (in Log and every archive tab, those
kept in a log this one archives to too) has its personal cells (the template's ``pii``
columns) replaced by values derived from what the evidence commits to, and so does
the Author of their tickets' timeline lines that the customer wrote:

- an archived row: from its Row Hash PII digest, exactly as retention anonymizes, so
  the chain, the row's leaf and every proof stay valid and ``verify`` checks each cell;
- a Log row (not hashed yet): from the digest of its personal cells; a column that
  refuses that value (an email, a phone) is emptied instead, so the row stays valid
  and still archives;
- a timeline line: from the SHA-256 of its Author, the digest its leaf keeps
  (``leaves.MESSAGE_PERSONAL``), whether the line is sealed yet or not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..errors import ConfigError, InvalidInput, NotFoundError
from ..model.ops import SetCells
from ..model.sheetdata import CellValue, Snapshot, Stored, Tab
from ..model.templates import Template
from ..model.workbook import LOG_TAB, data_rows, is_archive
from ..rules.cells import cell_text, ticket_key
from .archive_to import own_title
from .evidence import anonymized, personal_digest, row_pii
from .leaves import MESSAGE_PERSONAL, is_messages_title

AUTHOR = MESSAGE_PERSONAL[0]
"""The one personal cell of a timeline line."""


@dataclass
class ForgetResult:
    """What forgetting a customer changed (``dry_run``: would change): their tickets, the
    personal cells of each tab, and the timeline lines of each tab whose Author was theirs."""

    tickets: list[str] = field(default_factory=list)
    cells: dict[str, int] = field(default_factory=dict)
    authors: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    def describe(self) -> str:
        """What changed, tab by tab, without the customer's value (the Audit line's words)."""
        # No hash of the value either: a name or an email is guessed by hashing candidates,
        # so a digest would keep the customer findable. Nor Ticket IDs: listed together,
        # they would tie back into one person the rows forgetting leaves unlinked.
        parts = [f"{n} cell{'s' * (n != 1)} in {tab}" for tab, n in self.cells.items()]
        parts += [f"{n} message author{'s' * (n != 1)} in {t}" for t, n in self.authors.items()]
        return ", ".join(parts)

    def to_dict(self) -> dict[str, object]:
        """The ``--format json`` document."""
        return {
            "tickets": self.tickets,
            "cells": self.cells,
            "authors": self.authors,
            "dry_run": self.dry_run,
        }


@dataclass
class ForgetPlan:
    """The result, and the writes that make it, by log: ``""`` is this log, any other key
    the location of a log it archives to (whose ops name its own tab titles)."""

    result: ForgetResult
    ops: dict[str, list[SetCells]] = field(default_factory=dict)


def plan(snapshot: Snapshot, template: Template, customer: str) -> ForgetPlan:
    """Forgetting ``customer`` (compared as Ticket IDs are: stripped, ignoring case) over
    ``snapshot`` (Log, the archive and Messages tabs); NotFoundError when no row holds it."""
    column = template.roles.customer
    if column is None or column not in template.pii_names:
        raise ConfigError(
            f"the {template.name} template has no personal customer column (a customer role"
            " whose column is pii = true): there is nothing forget could anonymize"
        )
    wanted = ticket_key(customer)
    found = ForgetPlan(ForgetResult())
    tickets: set[str] = set()
    for title in sorted(snapshot.tabs, key=lambda title: (title != LOG_TAB, title)):
        tab = snapshot.tabs[title]
        if (title == LOG_TAB or is_archive(tab)) and column in tab.header:
            for ticket in _forget_rows(tab, template, column, wanted, found):
                tickets.add(ticket_key(ticket))
                found.result.tickets.append(ticket)
    if not tickets:
        raise NotFoundError(
            f"no row of Log or the archive tabs has that {column} (already forgotten?);"
            " nothing was written"
        )
    for tab in sorted(snapshot.tabs.values(), key=lambda tab: tab.title):
        if is_messages_title(tab.title) and {"Ticket ID", AUTHOR} <= set(tab.header):
            _forget_authors(tab, tickets, wanted, found)
    return found


def _forget_rows(
    tab: Tab, template: Template, column: str, wanted: str, found: ForgetPlan
) -> list[str]:
    """Plan the personal cells of ``tab``'s rows whose ``column`` (the customer's) is
    ``wanted``; their Ticket IDs."""
    header = tab.header
    at = header.index(column)
    log = tab.title == LOG_TAB
    id_at = header.index(template.roles.id) if template.roles.id in header else 0
    personal = [i for i, name in enumerate(header) if name in template.pii_names]
    tickets = []
    for number, cells in data_rows(tab):
        if ticket_key(_cell(cells, at)) != wanted:
            continue
        tickets.append(cell_text(_cell(cells, id_at)))
        pii = row_pii(template, header, cells)
        for col in personal:
            value, name = _cell(cells, col), header[col]
            stand_in = _log_stand_in(template, name, pii) if log else anonymized(pii, name)
            if value not in (None, "") and value != stand_in:
                _add(found, tab, SetCells(own_title(tab), number, col, ((stand_in,),)))
                found.result.cells[tab.title] = found.result.cells.get(tab.title, 0) + 1
        flags = (
            header.index(template.roles.validation)
            if log and template.roles.validation in header
            else -1
        )
        if flags >= 0 and _cell(cells, flags) not in (None, ""):  # it may quote the value
            _add(found, tab, SetCells(own_title(tab), number, flags, (("",),)))
    return tickets


def _log_stand_in(template: Template, name: str, pii: str) -> Stored:
    """What stands in for a Log row's personal cell: the derived value, or nothing where
    the column refuses it (an email, a phone), so that the row stays valid."""
    stand_in = anonymized(pii, name)
    try:
        template.by_name[name].normalizer.normalize(stand_in, template.tz)
    except InvalidInput:
        return None
    return stand_in


def _forget_authors(tab: Tab, tickets: set[str], wanted: str, found: ForgetPlan) -> None:
    """Plan the Author cells of ``tab``'s lines of ``tickets`` that the customer wrote."""
    header = tab.header
    id_at, at = header.index("Ticket ID"), header.index(AUTHOR)
    for number, cells in data_rows(tab):
        author = _cell(cells, at)
        if ticket_key(_cell(cells, id_at)) in tickets and ticket_key(author) == wanted:
            digest = personal_digest(header, cells, MESSAGE_PERSONAL)
            _add(found, tab, SetCells(tab.title, number, at, ((anonymized(digest, AUTHOR),),)))
            found.result.authors[tab.title] = found.result.authors.get(tab.title, 0) + 1


def _add(found: ForgetPlan, tab: Tab, op: SetCells) -> None:
    found.ops.setdefault(tab.elsewhere, []).append(op)


def _cell(cells: Sequence[CellValue], at: int) -> CellValue:
    return cells[at] if at < len(cells) else None
