"""The RFC 6962 Merkle tree hash against the reference vectors every CT implementation
tests with (transparency-dev/merkle's testonly data, from the RFC's own examples), and
its proofs: each one checks, and any change to a proof, leaf, place or root fails."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheetlog.model.merkle import (
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root,
    root_from_inclusion,
    verify_consistency,
    verify_inclusion,
)

LEAF_INPUTS = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
ROOTS = [
    hashlib.sha256(b"").hexdigest(),
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# level 0 is the leaves' hashes; level 1 their pairs; level 2 the fours
NODES = [
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
    ],
    [
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
    ],
    [
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
]
LEAVES = [leaf_hash(data) for data in LEAF_INPUTS]


@pytest.mark.parametrize("size", range(9))
def test_roots_match_the_reference(size: int) -> None:
    assert root(LEAVES[:size]).hex() == ROOTS[size]


def test_an_audit_path_is_the_siblings_up_the_tree() -> None:
    # leaf 0 of 8: its neighbour, the next pair, the right half's left four
    path = [NODES[0][1], NODES[1][1], NODES[2][1]]
    assert [h.hex() for h in inclusion_proof(0, LEAVES)] == path


@pytest.mark.parametrize("size", range(1, 9))
def test_every_inclusion_proof_of_the_reference_trees_checks(size: int) -> None:
    expected = bytes.fromhex(ROOTS[size])
    for index in range(size):
        proof = inclusion_proof(index, LEAVES[:size])
        assert verify_inclusion(index, size, LEAVES[index], proof, expected)
        assert not verify_inclusion(index, size, leaf_hash(b"other"), proof, expected)
        if size > 1:
            wrong = (index + 1) % size
            assert not verify_inclusion(wrong, size, LEAVES[index], proof, expected)


@pytest.mark.parametrize("size2", range(1, 9))
def test_every_consistency_proof_of_the_reference_trees_checks(size2: int) -> None:
    for size1 in range(1, size2 + 1):
        proof = consistency_proof(size1, LEAVES[:size2])
        first, second = bytes.fromhex(ROOTS[size1]), bytes.fromhex(ROOTS[size2])
        assert verify_consistency(size1, size2, proof, first, second)
        if size1 < size2:
            assert not verify_consistency(size1, size2, proof, second, second)
            assert not verify_consistency(size1, size2, [], first, second)


leaf_lists = st.lists(st.binary(max_size=8), min_size=1, max_size=40)


@given(leaf_lists, st.data())
def test_a_changed_inclusion_proof_never_checks(inputs: list[bytes], data: st.DataObject) -> None:
    leaves = [leaf_hash(item) for item in inputs]
    index = data.draw(st.integers(0, len(leaves) - 1))
    proof = inclusion_proof(index, leaves)
    expected = root(leaves)
    assert root_from_inclusion(index, len(leaves), leaves[index], proof) == expected
    if proof:
        at = data.draw(st.integers(0, len(proof) - 1))
        bad = [*proof[:at], bytes(32), *proof[at + 1 :]]
        assert not verify_inclusion(index, len(leaves), leaves[index], bad, expected)
        assert not verify_inclusion(index, len(leaves), leaves[index], proof[:-1], expected)
    assert not verify_inclusion(index, len(leaves), leaves[index], [*proof, bytes(32)], expected)


@given(leaf_lists, st.data())
def test_a_log_that_only_grew_is_consistent_and_a_rewritten_one_is_not(
    inputs: list[bytes], data: st.DataObject
) -> None:
    leaves = [leaf_hash(item) for item in inputs]
    size1 = data.draw(st.integers(1, len(leaves)))
    first, second = root(leaves[:size1]), root(leaves)
    proof = consistency_proof(size1, leaves)
    assert verify_consistency(size1, len(leaves), proof, first, second)
    rewritten = [leaf_hash(b"changed"), *leaves[1:]]
    if rewritten != leaves:
        assert not verify_consistency(size1, len(leaves), proof, first, root(rewritten))
