"""A case file: what the log holds on one ticket, gathered for someone outside the team
(an arbitrator) to read and check: its rows, its timeline, the Audit lines naming it, and
the proof of its archived row when the log signs its checkpoints (else why there is none).

Pure functions over what ``find --ticket --history`` and ``proof`` give; no reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..errors import ConfigError
from ..model.signed_note import Verifier
from ..model.workbook import AUDIT_TIME
from .attachments import attached_digest
from .proofs import Proof, check_proof
from .queries import Found, Row
from .tree import b64


@dataclass(frozen=True)
class CaseProof:
    """An archived row's proof as ``check_proof`` reads it: the tlog-proof text, the
    leaf's place, the signed tree, the key that signed it and every key the log records."""

    text: str
    index: int
    size: int
    root: str
    signer: str
    keys: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The proof under its names, for ``--format json``."""
        return {
            "text": self.text,
            "index": self.index,
            "tree_size": self.size,
            "root": self.root,
            "signed_by": self.signer,
            "keys": list(self.keys),
        }


@dataclass(frozen=True)
class CaseFile:
    """One ticket's rows (Log and archive, as ``find`` gives them), its timeline lines
    (as stored, each with the ``sha256`` its Text names, else ""), the Audit lines naming
    it, and its proof, or why there is none (``no_proof``)."""

    ticket: str
    location: str
    made: datetime
    rows: list[Row]
    lines: list[dict[str, str]]
    audit: list[Row]
    proof: CaseProof | None
    no_proof: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The ``--format json`` document."""
        return {
            "ticket": self.ticket,
            "location": self.location,
            "made": self.made.astimezone(UTC).strftime(AUDIT_TIME),
            "rows": self.rows,
            "timeline": self.lines,
            "audit": self.audit,
            "proof": self.proof.to_dict() if self.proof else None,
            "no_proof": self.no_proof,
        }


def case_proof(proof: Proof, keys: Sequence[Verifier]) -> CaseProof:
    """``proof`` checked as its reader will (``check_proof``) with each key the log
    records, the first that passes naming the signer; ConfigError when none does."""
    text = proof.text()
    failures = []
    for key in keys:
        try:
            checked = check_proof(text, str(key))
        except ValueError as exc:
            failures.append(f"{key.name}: {exc}")
            continue
        head = checked.checkpoint
        recorded = tuple(str(k) for k in keys)
        return CaseProof(text, checked.index, head.size, b64(head.root), checked.signer, recorded)
    raise ConfigError(
        "the proof made does not check with the keys the log records: "
        + ("; ".join(failures) or "it records none")
    )


def gather(
    found: Found, location: str, made: datetime, proof: CaseProof | None, no_proof: str
) -> CaseFile:
    """The case file of the ticket ``found`` (``find --ticket --history``, at least one
    row): its timeline lines and Audit lines are the ticket's, the same on each row."""
    first = found.rows[0]
    rows = [
        {k: v for k, v in row.items() if k not in ("history", "messages")} for row in found.rows
    ]
    lines = [{**line, "sha256": attached_digest(line["text"])} for line in first["messages"]]
    ticket = str(first.get(found.template.roles.id) or "")
    return CaseFile(ticket, location, made, rows, lines, first["history"], proof, no_proof)
