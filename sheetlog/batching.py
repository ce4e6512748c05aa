"""Splitting a big write into requests the service takes well (Google advises 2 MB a
request): the passes that write many rows (import, archive) send them in batches."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from .backends.base import Backend
from .ops import Op

T = TypeVar("T")
WRITE_HEADROOM = 8_000  # bytes kept free in each write for its Audit line


def batches(
    backend: Backend, items: Sequence[T], ops_for: Callable[[Sequence[T]], Sequence[Op]]
) -> list[list[T]]:
    """Split ``items`` so the write ``ops_for(batch)`` of each batch stays under the
    backend's ``write_limit`` (one batch when it has none), with room for an Audit line."""
    if not items:
        return []
    limit = backend.write_limit
    if limit is None:
        return [list(items)]
    # what the write costs besides its items, from one item and the same item twice: a
    # write can carry a part that only comes with its first item (the archive pass's
    # helper column on Google is as long as Log), which ops_for([]) would leave out
    one = backend.write_size(ops_for(items[:1]))
    envelope = max(2 * one - backend.write_size(ops_for([items[0], items[0]])), 0)
    budget = limit - WRITE_HEADROOM - envelope
    found: list[list[T]] = []
    current: list[T] = []
    used = 0
    for item in items:
        cost = backend.write_size(ops_for([item])) - envelope + 2  # the item, and ", "
        if current and used + cost > budget:
            found.append(current)
            current, used = [], 0
        current.append(item)
        used += cost
    found.append(current)
    return found
