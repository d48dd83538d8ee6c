"""Where a node sits in its file: character offsets of its text, without leading trivia."""

from __future__ import annotations

from collections import OrderedDict

from ..syntax import nodes as n
from ..syntax.positions import spans
from ..syntax.tokens import Leaf

# Rules locate many nodes in the same few trees: one pass per tree gives every node's span.
_CACHE: OrderedDict[int, tuple[n.Node, dict[int, tuple[int, int]]]] = OrderedDict()
_CACHE_SIZE = 16


def span_of(tree: n.Node, target: n.Node | Leaf) -> tuple[int, int]:
    """(start, end) offsets of ``target``'s text in ``tree.render()``; LookupError when absent."""
    found = _spans(tree).get(id(target))
    if found is None:
        raise LookupError("node not in tree")
    return found


def _spans(tree: n.Node) -> dict[int, tuple[int, int]]:
    cached = _CACHE.get(id(tree))
    if cached is not None and cached[0] is tree:
        _CACHE.move_to_end(id(tree))
        return cached[1]
    found = spans(tree)
    _CACHE[id(tree)] = (tree, found)  # the tree is kept, so its id is not reused meanwhile
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return found
