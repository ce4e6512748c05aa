"""A small bounded cache keyed by object identity, for unhashable pydantic models.

Templates and columns hold dicts, so they cannot be dict keys; every pass parses
the stored template afresh, so an unbounded identity cache would grow forever in
a long-running process. Entries keep their key object alive (its id cannot be
reused while cached) and the oldest are dropped past ``size``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class IdentityCache(Generic[K, V]):
    """``get(key, build)`` returns ``build(key)``, computed once per live key object."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._entries: OrderedDict[int, tuple[K, V]] = OrderedDict()

    def get(self, key: K, build: Callable[[K], V]) -> V:
        """The cached value for ``key``, building it on first use."""
        entry = self._entries.get(id(key))
        if entry is not None and entry[0] is key:
            self._entries.move_to_end(id(key))
            return entry[1]
        value = build(key)
        self._entries[id(key)] = (key, value)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._entries)
