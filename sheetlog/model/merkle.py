"""The Merkle tree hash of RFC 6962 §2.1 (restated in RFC 9162 §2.1), SHA-256 throughout,
so any RFC 6962 verifier checks what sheetlog proves: a leaf hashes as
SHA-256(0x00 || leaf), a node as SHA-256(0x01 || left || right), and a tree of n leaves
splits at k, the largest power of two below n. Inclusion and consistency proofs are
built and checked here as the RFCs write them; the inputs are leaf hashes."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    """The hash of one leaf's bytes."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an interior node from its children's hashes."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]): the root of the tree over ``leaves`` (leaf hashes, in order); the
    empty tree's root is SHA-256 of nothing."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return node_hash(root(leaves[:k]), root(leaves[k:]))


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]): the audit path of leaf ``index`` in the tree over ``leaves``."""
    if not 0 <= index < len(leaves):
        raise ValueError(f"leaf {index} is not in a tree of {len(leaves)}")
    if len(leaves) == 1:
        return []
    k = _split(len(leaves))
    if index < k:
        return [*inclusion_proof(index, leaves[:k]), root(leaves[k:])]
    return [*inclusion_proof(index - k, leaves[k:]), root(leaves[:k])]


def consistency_proof(size: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]): that the tree of the first ``size`` leaves is a prefix of the tree
    over ``leaves`` (empty when either is empty or they are the same)."""
    if not 0 <= size <= len(leaves):
        raise ValueError(f"a tree of {size} is not a prefix of a tree of {len(leaves)}")
    if size in (0, len(leaves)):
        return []
    return _subproof(size, leaves, True)


def _subproof(m: int, leaves: Sequence[bytes], whole: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) of RFC 6962 §2.1.2."""
    n = len(leaves)
    if m == n:
        return [] if whole else [root(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], whole), root(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], False), root(leaves[:k])]


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root an inclusion proof of ``leaf`` (a leaf hash) at ``index`` in a tree of
    ``size`` leaves leads to (RFC 9162 §2.1.3.2); ValueError when the proof cannot be
    one for that place."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    fn, sn, r = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            raise ValueError("the proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(sibling, r)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, sibling)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ValueError("the proof is shorter than the tree is deep")
    return r


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], expected: bytes
) -> bool:
    """Whether ``proof`` shows ``leaf`` at ``index`` in the tree of ``size`` whose root is
    ``expected``."""
    try:
        found = root_from_inclusion(index, size, leaf, proof)
    except ValueError:
        return False
    return hmac.compare_digest(found, expected)


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> bool:
    """Whether ``proof`` shows the tree of ``size1`` leaves (root ``root1``) is a prefix
    of the tree of ``size2`` (root ``root2``), as RFC 9162 §2.1.4.2 checks it."""
    if not 0 <= size1 <= size2:
        return False
    if size1 == size2:
        return not proof and hmac.compare_digest(root1, root2)
    if size1 == 0:
        return not proof  # the empty tree is a prefix of every tree
    if not proof:
        return False
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # a power of two: the old root is a node of the new tree
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and hmac.compare_digest(fr, root1) and hmac.compare_digest(sr, root2)


class Frontier:
    """The hashes of the perfect subtrees an append-only tree of ``size`` leaves splits
    into, largest first (one per set bit of ``size``): enough to add leaves and compute
    the root without the leaves themselves, so sealing costs what it adds."""

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if len(hashes) != size.bit_count():
            raise ValueError(f"a tree of {size} leaves has {size.bit_count()} subtrees")
        self.size = size
        self.hashes = list(hashes)

    def add(self, leaf: bytes) -> None:
        """Append one leaf hash."""
        merged, size = leaf, self.size
        while size & 1:  # the last subtree is as large as the new one: join them
            merged = node_hash(self.hashes.pop(), merged)
            size >>= 1
        self.hashes.append(merged)
        self.size += 1

    def root(self) -> bytes:
        """The root of the tree so far (as ``root`` computes it from every leaf)."""
        if not self.hashes:
            return root(())
        found = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            found = node_hash(left, found)
        return found
