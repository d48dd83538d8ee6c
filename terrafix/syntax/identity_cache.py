"""A small memo keyed by the identity of an immutable tree.

Trees never change, so whatever is computed from one stays true for as long as the tree lives.
The cache keeps the tree itself alongside the value: while it is held, its ``id`` cannot be
reused by another object, so an ``id`` hit is always the same tree.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

Key = TypeVar("Key")
Value = TypeVar("Value")


class IdentityCache(Generic[Key, Value]):
    """The ``size`` most recently used ``compute(key)`` results, looked up by ``key``'s identity."""

    def __init__(self, compute: Callable[[Key], Value], size: int = 16) -> None:
        self._compute = compute
        self._size = size
        self._entries: OrderedDict[int, tuple[Key, Value]] = OrderedDict()

    def __call__(self, key: Key) -> Value:
        entry = self._entries.get(id(key))
        if entry is not None and entry[0] is key:
            self._entries.move_to_end(id(key))
            return entry[1]
        value = self._compute(key)
        self.remember(key, value)
        return value

    def remember(self, key: Key, value: Value) -> None:
        """Store ``value`` for ``key`` (for a value known without computing it)."""
        self._entries[id(key)] = (key, value)
        self._entries.move_to_end(id(key))
        if len(self._entries) > self._size:
            self._entries.popitem(last=False)
