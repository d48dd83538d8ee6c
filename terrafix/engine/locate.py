"""Where a node sits in its file: character offsets of its text, without leading trivia."""

from __future__ import annotations

from collections import OrderedDict

from ..syntax import nodes as n
from ..syntax.tokens import Leaf


def span_of(tree: n.Node, target: n.Node | Leaf) -> tuple[int, int]:
    """(start, end) offsets of ``target``'s text in ``tree.render()``; LookupError when absent."""
    if type(target) is Leaf:
        first = last = target
    else:
        first, last = target.first_leaf(), _last_leaf(target)
        if first is None or last is None:
            raise LookupError("node has no tokens")
    offsets = _leaf_offsets(tree)
    start, end = offsets.get(id(first)), offsets.get(id(last))
    if start is None or end is None or start[0] > end[0]:
        raise LookupError("node not in tree")
    return start[0], end[1]


# Rules locate many nodes in the same few trees: one walk per tree gives every token's span.
_CACHE: OrderedDict[int, tuple[n.Node, dict[int, tuple[int, int]]]] = OrderedDict()
_CACHE_SIZE = 16


def _leaf_offsets(tree: n.Node) -> dict[int, tuple[int, int]]:
    cached = _CACHE.get(id(tree))
    if cached is not None and cached[0] is tree:
        _CACHE.move_to_end(id(tree))
        return cached[1]
    offsets: dict[int, tuple[int, int]] = {}
    offset = 0
    for leaf in tree.leaves():
        start = offset + len(leaf.pre)
        offset = start + len(leaf.text)
        offsets.setdefault(id(leaf), (start, offset))
    _CACHE[id(tree)] = (tree, offsets)  # the tree is kept, so its id is not reused meanwhile
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return offsets


def _last_leaf(node: n.Node) -> Leaf | None:
    last = None
    for last in node.leaves():  # noqa: B007
        pass
    return last
