"""Splitting a big write into requests the service takes well (Google advises 2 MB a
request): the passes that write many rows (import, archive) send them in batches."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from ..backends.base import Backend
from ..model.ops import Op

T = TypeVar("T")
WRITE_HEADROOM = 8_000  # bytes kept free in each write for its Audit line
GROUP = 256  # items sized together; a group that does not fit is halved


def batches(
    backend: Backend, items: Sequence[T], ops_for: Callable[[Sequence[T]], Sequence[Op]]
) -> list[list[T]]:
    """Split ``items`` so the write ``ops_for(batch)`` of each batch stays under the
    backend's ``write_limit`` (one batch when it has none), with room for an Audit line.

    Items are sized a group at a time, halving a group only where a batch ends: a write
    can carry a part as big as the whole tab (the archive pass's helper column on Google
    is as long as Log), so sizing item by item would cost that part once per item."""
    if not items:
        return []
    limit = backend.write_limit
    if limit is None:
        return [list(items)]

    def size(group: Sequence[T]) -> int:
        return backend.write_size(ops_for(group))

    # what the write costs besides its items, from one item and the same item twice: the
    # part that comes with the first item only, which ops_for([]) would leave out
    envelope = max(2 * size(items[:1]) - size([items[0], items[0]]), 0)
    budget = limit - WRITE_HEADROOM - envelope
    found: list[list[T]] = []
    current: list[T] = []
    used = 0

    def place(group: Sequence[T]) -> None:
        nonlocal current, used
        cost = size(group) - envelope + 2 * len(group)  # the items, and a ", " each
        if used + cost > budget:
            if len(group) > 1:
                half = len(group) // 2
                place(group[:half])
                place(group[half:])
                return
            if current:  # one item too big for what is left: it starts the next batch
                found.append(current)
                current, used = [], 0
        current.extend(group)
        used += cost

    for start in range(0, len(items), GROUP):
        place(items[start : start + GROUP])
    found.append(current)
    return found
