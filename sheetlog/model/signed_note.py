"""Signed notes and checkpoints as the C2SP ``signed-note`` and ``tlog-checkpoint``
formats write them (the formats of Go's sumdb and of Sigstore's logs), so any of their
verifiers checks what sheetlog signs: a text of lines, a blank line, then one line per
signature, ``— <key name> <base64(key hash || Ed25519 signature)>``. Keys are written
``<name>+<hash>+<base64(0x01 || key)>`` (verifier) and ``PRIVATE+KEY+...`` (signer)."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = b"\x01"
"""The algorithm byte of an Ed25519 key in a note key."""
SIGNATURE_PREFIX = "— "
PRIVATE = "PRIVATE+KEY+"


def _key_hash(name: str, key: bytes) -> bytes:
    """The 4-byte id of a key: the start of SHA-256(name || "\\n" || 0x01 || key)."""
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + key).digest()[:4]


def _same_hash(expected: bytes, written: str) -> bool:
    """Whether a key's hash as written (hex, any case) is ``expected``."""
    return len(written) == 8 and written.lower() == expected.hex()


def _key_parts(text: str, what: str) -> tuple[str, str, bytes]:
    """The name, hash (hex) and 32 key bytes of ``name+hash+base64(0x01 || key)``."""
    name, _, rest = text.partition("+")
    hash_hex, _, encoded = rest.partition("+")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except ValueError as exc:
        raise ValueError(f"not a {what} key") from exc
    if not _name_ok(name) or raw[:1] != ED25519 or len(raw) != 33:
        raise ValueError(f"not an Ed25519 {what} key")
    return name, hash_hex, raw[1:]


def _name_ok(name: str) -> bool:
    """A key name: UTF-8 without spaces, "+" or control characters."""
    return bool(name) and "+" not in name and not any(c.isspace() or _control(c) for c in name)


def _control(char: str) -> bool:
    return ord(char) < 0x20 or ord(char) == 0x7F


@dataclass(frozen=True)
class Verifier:
    """A public key and the name it signs under."""

    name: str
    key: bytes

    @classmethod
    def parse(cls, text: str) -> Verifier:
        """A verifier key ``name+hash+base64``; ValueError when it is not one."""
        name, hash_hex, key = _key_parts(text.strip(), "verifier")
        if not _same_hash(_key_hash(name, key), hash_hex):
            raise ValueError("the key's hash does not match its name and key")
        return cls(name, key)

    def __str__(self) -> str:
        encoded = base64.b64encode(ED25519 + self.key).decode()
        return f"{self.name}+{_key_hash(self.name, self.key).hex()}+{encoded}"


@dataclass(frozen=True)
class Signer:
    """A private key (its 32-byte seed) and the name it signs under."""

    name: str
    seed: bytes

    @classmethod
    def generate(cls, name: str) -> Signer:
        """A new key pair for ``name`` (a name without spaces or "+")."""
        if not _name_ok(name):
            raise ValueError(f'"{name}" cannot name a key: no spaces and no "+"')
        private = Ed25519PrivateKey.generate()
        return cls(name, private.private_bytes_raw())

    @classmethod
    def parse(cls, text: str) -> Signer:
        """A signer key ``PRIVATE+KEY+name+hash+base64``; ValueError when it is not one."""
        text = text.strip().lstrip("\ufeff")  # a file an editor saved with a mark
        if not text.startswith(PRIVATE):
            raise ValueError("not a signer key")
        name, hash_hex, seed = _key_parts(text[len(PRIVATE) :], "signer")
        signer = cls(name, seed)
        if not _same_hash(_key_hash(name, signer.verifier.key), hash_hex):
            raise ValueError("the key's hash does not match its name and key")
        return signer

    @property
    def verifier(self) -> Verifier:
        """The public half."""
        public = Ed25519PrivateKey.from_private_bytes(self.seed).public_key()
        return Verifier(self.name, public.public_bytes(Encoding.Raw, PublicFormat.Raw))

    def __str__(self) -> str:
        encoded = base64.b64encode(ED25519 + self.seed).decode()
        return f"{PRIVATE}{self.name}+{_key_hash(self.name, self.verifier.key).hex()}+{encoded}"

    def sign(self, text: str) -> str:
        """``text`` (lines, each ending in a newline) as a note signed by this key."""
        if not text.endswith("\n") or any(_control(c) for c in text if c != "\n"):
            raise ValueError(
                "a note's text is lines ending in newlines, without control characters"
            )
        signature = Ed25519PrivateKey.from_private_bytes(self.seed).sign(text.encode())
        tagged = base64.b64encode(_key_hash(self.name, self.verifier.key) + signature).decode()
        return f"{text}\n{SIGNATURE_PREFIX}{self.name} {tagged}\n"


def open_note(note: str, verifier: Verifier) -> str:
    """The text of ``note`` when ``verifier`` signed it; ValueError otherwise (other
    signatures on the note are allowed and not checked)."""
    if any(_control(c) for c in note if c != "\n"):
        raise ValueError("not a signed note: it holds control characters")
    text, sep, signatures = note.rpartition("\n\n")
    if not sep or not signatures.endswith("\n"):
        raise ValueError("not a signed note")
    text += "\n"
    wanted = _key_hash(verifier.name, verifier.key)
    public = Ed25519PublicKey.from_public_bytes(verifier.key)
    for line in signatures.splitlines():
        if not line.startswith(SIGNATURE_PREFIX):
            raise ValueError("not a signed note")
        name, _, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except ValueError as exc:
            raise ValueError("not a signed note") from exc
        if name != verifier.name or raw[:4] != wanted:
            continue
        try:
            public.verify(raw[4:], text.encode())
        except InvalidSignature as exc:
            raise ValueError(f"the signature of {verifier.name} does not match") from exc
        return text
    raise ValueError(f"the note carries no signature of {verifier.name}")


@dataclass(frozen=True)
class Checkpoint:
    """A log's state as C2SP ``tlog-checkpoint`` states it: its origin, its size and
    its Merkle tree root."""

    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        """The checkpoint's note text (three lines)."""
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """A checkpoint's text (extension lines after the root are allowed)."""
        lines = text.split("\n")
        if len(lines) < 4 or not lines[0] or not lines[1].isdigit():
            raise ValueError("not a checkpoint")
        root = base64.b64decode(lines[2], validate=True)
        if len(root) != 32 or str(int(lines[1])) != lines[1]:
            raise ValueError("not a checkpoint")
        return cls(lines[0], int(lines[1]), root)
