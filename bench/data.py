"""Deterministic, realistic support logs for the benchmark: a team's year of interactions.

About 250 interactions a day on the standard template, from a dozen agents over the
usual channels, with a realistic mix of statuses (recent tickets are often still open) and
about 2% of rows typed the way people type: day-first dates, 12-hour clocks, no zone,
misspelt statuses, unknown channels, missing customers, tags in Title Case.
Canonical cells are written with sheetlog's own ``format_timestamp``.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sheetlog.model.templates import load_template
from sheetlog.rules.cells import format_timestamp

HEADER = tuple(load_template("standard").header)
COLUMNS = HEADER[:-1]  # every column but Validation, which sheetlog manages
MALFORMED_SHARE = 0.02
PER_DAY = 250
FIRST = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)

AGENTS = (
    "Maya Chen", "Sam Ortiz", "Priya Raman", "Jonas Berg", "Alex Kim", "Dana Whitfield",
    "Lucas Moreau", "Aisha Bello", "Tom Novak", "Ines Duarte", "Kenji Sato", "Ruth Adler",
)  # fmt: skip
FIRST_NAMES = ("Grace", "Chen", "Yuki", "Lucas", "Ola", "Fatima", "Marco", "Ava", "Noah", "Zoe")
LAST_NAMES = ("Mensah", "O'Brien", "Haddad", "Kim", "Nordmann", "Lopez", "Rossi", "Singh")
HANDLES = ("@dj_ramos", "@mike_t", "@greenthumb42", "@nina.codes", "@the_real_bo")
CHANNELS = (("Email", 40), ("Live Chat", 30), ("Phone", 20), ("Social Media", 7), ("Other", 3))
ISSUES = {
    "Shipping Delay": ("Delivery date moved twice for {order}", "Opened carrier trace; new ETA"),
    "Payment": ("Charged twice for {order}", "Duplicate charge voided with the provider"),
    "Refund": ("Refund for {order} not received", "Refund processed to original payment"),
    "Damaged Item": ("Box crushed, vase broken ({order})", "Photos received; replacement sent"),
    "Missing Item": ("{order} arrived without the phone case", "Missing unit reshipped"),
    "Order Discrepancy": ("Wrong colour sent for {order}", "Checked pick list; reshipping"),
    "Receipt": ("Receipt email never arrived", "Re-sent receipt with VAT details"),
    "Account": ("Cannot reset password", "Identity verified; reset link sent"),
    "Other": ("Asked about opening hours", "Answered"),
}
TAGS = {
    "Shipping Delay": "carrier-delay, eta-update",
    "Payment": "double-charge, billing-dispute",
    "Refund": "refund-delayed",
    "Damaged Item": "replacement",
    "Missing Item": "missing-item",
    "Order Discrepancy": "order-error, wrong-item",
    "Receipt": "receipt, vat",
    "Account": "security",
    "Other": "",
}
CLOSED = (("Resolved", 3), ("Closed", 1))
STILL_OPEN = (("Open", 10), ("Pending", 7), ("Escalated", 3))


@dataclass(frozen=True)
class Log:
    """Generated interactions: one dict per row (the 14 columns people fill) and which
    rows were typed badly; ``end`` is the last Contact Start."""

    records: list[dict[str, str]]
    malformed: frozenset[int]
    end: datetime

    def sheet_rows(self) -> list[tuple[str, ...]]:
        """The rows as they sit in the Log tab, in header order (Validation blank)."""
        return [tuple(record[name] for name in COLUMNS) for record in self.records]

    @property
    def validate_now(self) -> datetime:
        """The nightly validation run: the morning after the last interaction."""
        return (self.end + timedelta(days=1)).replace(hour=2, minute=30)

    @property
    def month(self) -> str:
        """The month the middle row falls in, for the summary."""
        return self.records[len(self.records) // 2]["Contact Start"][:7]

    def archive_now(self, older_than: timedelta = timedelta(days=7)) -> datetime:
        """The moment at which about half the rows are closed and resolved over ``older_than``
        ago (malformed rows stay in Log whatever their status)."""
        resolved = sorted(
            record["Resolved At"]
            for n, record in enumerate(self.records)
            if n not in self.malformed and record["Status"] in ("Resolved", "Closed")
        )
        half = resolved[min(len(self.records) // 2, len(resolved)) - 1]
        return datetime.fromisoformat(half[:16]).replace(tzinfo=UTC) + older_than


def generate(rows: int, seed: int = 7, malformed_share: float = MALFORMED_SHARE) -> Log:
    """``rows`` interactions, the same ones for the same ``rows`` and ``seed``; a
    ``malformed_share`` of them typed badly (the other rows are the same whatever the share)."""
    rng = random.Random(seed)
    step = timedelta(days=1) / PER_DAY
    starts = [
        (FIRST + n * step + timedelta(minutes=rng.randint(0, 4))).replace(second=0, microsecond=0)
        for n in range(rows)
    ]
    end = starts[-1] if starts else FIRST
    records = [_interaction(rng, n, start, end - start) for n, start in enumerate(starts)]
    malformed = frozenset(rng.sample(range(rows), round(rows * malformed_share)))
    for n in sorted(malformed):
        _mistype(rng, records[n])
    return Log(records, malformed, end)


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    roll = rng.random() * sum(weight for _, weight in weighted)
    for name, weight in weighted:
        roll -= weight
        if roll < 0:
            return name
    return weighted[-1][0]


def _customer(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.5:
        return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    if kind < 0.8:
        return f"ORD{rng.randint(100000, 999999)}"
    return rng.choice(HANDLES)


def _interaction(rng: random.Random, n: int, start: datetime, age: timedelta) -> dict[str, str]:
    """One canonical row, as sheetlog would have recorded it; the older the ticket, the
    likelier it is closed (a few stay open for weeks)."""
    issue = rng.choice(list(ISSUES))
    summary, action = ISSUES[issue]
    still_open = 0.6 * math.exp(-age / timedelta(days=2)) + 0.01
    closed = rng.random() >= still_open
    status = _pick(rng, CLOSED if closed else STILL_OPEN)
    record = dict.fromkeys(COLUMNS, "")
    record.update(
        {
            "Ticket ID": f"T-{start.year % 100:02d}{start.month:02d}{start.day:02d}-{n:05d}",
            "Customer": _customer(rng),
            "Channel": _pick(rng, CHANNELS),
            "Contact Start": format_timestamp(start),
            "Contact End": format_timestamp(start + timedelta(minutes=rng.randint(3, 45))),
            "Agent": rng.choice(AGENTS),
            "Issue Type": issue,
            "Issue Summary": summary.format(order=f"ORD{rng.randint(100000, 999999)}"),
            "Actions & Notes": action if closed or rng.random() < 0.5 else "",
            "Status": status,
            "Tags": TAGS[issue],
        }
    )
    if closed:
        hours = min(rng.lognormvariate(2.5, 1.0), 24 * 20)
        record["Resolved At"] = format_timestamp(start + timedelta(hours=hours))
    elif status in ("Pending", "Escalated"):
        record["Follow-up Date"] = f"{(start + timedelta(days=rng.randint(1, 5))).date()}"
        record["Follow-up Notes"] = "Waiting on the carrier"
    return record


def _mistype(rng: random.Random, record: dict[str, str]) -> None:
    """Change one row the way a person typing into the sheet would get it wrong."""
    start = datetime.fromisoformat(record["Contact Start"][:16])
    mistake = rng.randrange(8)
    if mistake == 0:
        record["Contact Start"] = f"{start:%d/%m/%y} {start.hour % 12 or 12}{start:%p}".lower()
    elif mistake == 1:
        record["Contact Start"] = f"{start:%Y-%m-%d %H:%M}"  # no zone
    elif mistake == 2:
        record["Status"] = "Resloved"
    elif mistake == 3:
        record["Channel"] = "fax"
    elif mistake == 4:
        record["Customer"] = ""
    elif mistake == 5:
        record["Tags"] = "Billing Dispute; Refund"
    elif mistake == 6:
        record["Status"], record["Resolved At"] = "Resolved", ""
    else:
        record["Resolved At"] = format_timestamp((start - timedelta(hours=3)).replace(tzinfo=UTC))
