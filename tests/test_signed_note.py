"""Signed notes and checkpoints: byte for byte what Go's sumdb note package signs for
its own test key, so a C2SP verifier checks sheetlog's checkpoints, and nothing else
opens."""

from __future__ import annotations

import hashlib

import pytest

from sheetlog.model.signed_note import Checkpoint, Signer, Verifier, open_note

# golang.org/x/mod/sumdb/note's test key pair and the note it signs with it
SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
SIGNED = (
    TEXT + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKv"
    "qfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def test_the_reference_key_signs_the_reference_note() -> None:
    signer = Signer.parse(SIGNER)
    assert str(signer) == SIGNER
    assert str(signer.verifier) == VERIFIER
    assert signer.sign(TEXT) == SIGNED
    assert open_note(SIGNED, Verifier.parse(VERIFIER)) == TEXT


@pytest.mark.parametrize(
    "note",
    [
        SIGNED.replace("problem,", "problem;"),  # the text changed
        SIGNED.replace("x08go", "x08gp"),  # the signature changed
        TEXT,  # no signature
        SIGNED.replace("PeterNeumann", "PeterNeuman"),  # another name
    ],
)
def test_a_changed_note_does_not_open(note: str) -> None:
    with pytest.raises(ValueError):
        open_note(note, Verifier.parse(VERIFIER))


@pytest.mark.parametrize(
    "key", [VERIFIER[:-2], VERIFIER.replace("c74f20a3", "c74f20a4"), "Peter Neumann+x+y", ""]
)
def test_a_mangled_verifier_key_is_refused(key: str) -> None:
    with pytest.raises(ValueError):
        Verifier.parse(key)


def test_a_new_key_signs_a_checkpoint_its_verifier_opens_and_another_does_not() -> None:
    signer = Signer.generate("support.example.com/log")
    checkpoint = Checkpoint("support.example.com/log", 42, hashlib.sha256(b"root").digest())
    note = signer.sign(checkpoint.text())
    assert Checkpoint.parse(open_note(note, signer.verifier)) == checkpoint
    assert Signer.parse(str(signer)) == signer
    with pytest.raises(ValueError):
        open_note(note, Signer.generate("support.example.com/log").verifier)
    with pytest.raises(ValueError):
        Signer.generate("two words")


def test_control_characters_are_refused_where_verifiers_refuse_them() -> None:
    signer = Signer.parse(SIGNER)
    with pytest.raises(ValueError):
        signer.sign("origin\twith a tab\n")
    with pytest.raises(ValueError):
        Signer.generate("log\x01name")
    with pytest.raises(ValueError):
        open_note(SIGNED.replace("problem,", "problem,\r"), Verifier.parse(VERIFIER))


def test_keys_read_as_other_tools_write_them() -> None:
    assert Verifier.parse(VERIFIER.replace("c74f20a3", "C74F20A3")) == Verifier.parse(VERIFIER)
    assert Signer.parse("\ufeff" + SIGNER + "\n") == Signer.parse(SIGNER)  # a saved file
    assert str(Signer.generate("støtte").verifier).startswith("støtte+")
