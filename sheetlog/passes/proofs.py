"""Proof files: one archived row's evidence, checkable offline without the log.

A proof is the C2SP ``tlog-proof`` text: ``c2sp.org/tlog-proof@v1``, then ``extra`` and
the leaf's bytes in base64 (the row's serialization and salt, ``sheetlog.passes.tree``),
``index`` and the leaf's place, the audit path (one base64 hash a line, RFC 6962
§2.1.1), a blank line, and the signed checkpoint verbatim. Checking it needs only the
log's public key: the leaf hashes up the path to the checkpoint's root, and the key
signed that checkpoint.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from ..model.merkle import inclusion_proof, leaf_hash, verify_inclusion
from ..model.signed_note import Checkpoint, Verifier, open_note
from .leaves import split_leaf
from .tree import b64

PROOF_HEADER = "c2sp.org/tlog-proof@v1"
PROOF_SUFFIX = ".tlog-proof"


@dataclass(frozen=True)
class Proof:
    """A leaf, its place, its audit path and the checkpoint of the tree it is in."""

    leaf: bytes
    index: int
    path: tuple[bytes, ...]
    note: str

    def text(self) -> str:
        """The proof file's text."""
        hashes = "".join(f"{b64(h)}\n" for h in self.path)
        extra = f"extra {b64(self.leaf)}\n"
        return f"{PROOF_HEADER}\n{extra}index {self.index}\n{hashes}\n{self.note}"

    @classmethod
    def parse(cls, text: str) -> Proof:
        """A proof file's text; ValueError naming what is wrong."""
        text = text.replace("\r\n", "\n").lstrip("\ufeff")
        head, sep, note = text.partition("\n\n")
        note = note.strip("\n") + "\n"  # a newline more or less, as a mail or an editor left it
        lines = head.split("\n")
        if not sep or not lines or lines[0] != PROOF_HEADER:
            raise ValueError(f"not a proof: it does not start with {PROOF_HEADER}")
        if len(lines) < 3 or not lines[1].startswith("extra "):
            raise ValueError("not a sheetlog proof: it carries no row (an extra line)")
        index = lines[2].removeprefix("index ")
        if not lines[2].startswith("index ") or not index.isdigit() or str(int(index)) != index:
            raise ValueError("not a proof: its third line is not the leaf's index")
        try:
            leaf = base64.b64decode(lines[1].removeprefix("extra "), validate=True)
            path = tuple(base64.b64decode(line, validate=True) for line in lines[3:])
        except binascii.Error as exc:
            raise ValueError(f"not a proof: a line is not base64 ({exc})") from None
        if any(len(h) != 32 for h in path):
            raise ValueError("not a proof: a hash of its path is not 32 bytes")
        return cls(leaf, int(index), path, note)


def build(leaf: bytes, index: int, hashes: list[bytes], note: str) -> Proof:
    """The proof of ``leaf`` (its bytes) at ``index`` among ``hashes`` (every leaf hash
    of the tree ``note`` checkpoints, in order)."""
    return Proof(leaf, index, tuple(inclusion_proof(index, hashes)), note)


@dataclass(frozen=True)
class CheckedProof:
    """What a proof proves once checked: the row, its place and the checkpoint."""

    row: dict[str, object]
    index: int
    checkpoint: Checkpoint
    signer: str

    def to_dict(self) -> dict[str, object]:
        """The ``--format json`` document."""
        return {
            "ok": True,
            "index": self.index,
            "origin": self.checkpoint.origin,
            "tree_size": self.checkpoint.size,
            "root": b64(self.checkpoint.root),
            "signed_by": self.signer,
            "row": self.row,
        }


def check_proof(text: str, key: str) -> CheckedProof:
    """Check a proof offline against the log's public key (``keygen`` printed it);
    ValueError naming the first thing that fails: the format, the signature, the row."""
    verifier = Verifier.parse(key)
    proof = Proof.parse(text)
    try:
        signed = open_note(proof.note, verifier)
    except ValueError as exc:
        raise ValueError(f"the checkpoint: {exc}") from None
    checkpoint = Checkpoint.parse(signed)
    try:
        document, _ = split_leaf(proof.leaf)
    except ValueError:
        raise ValueError("the row: its bytes are not a sheetlog leaf") from None
    found = leaf_hash(proof.leaf)
    if not verify_inclusion(proof.index, checkpoint.size, found, proof.path, checkpoint.root):
        raise ValueError(
            f"the row is not leaf {proof.index} of the signed tree of {checkpoint.size}:"
            " the row, its salt, its place or the path was changed"
        )
    return CheckedProof(document, proof.index, checkpoint, verifier.name)
