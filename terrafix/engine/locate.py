"""Where a node sits in its file: character offsets of its text, without leading trivia."""

from __future__ import annotations

from ..syntax import nodes as n
from ..syntax.tokens import Leaf


def span_of(tree: n.Node, target: n.Node | Leaf) -> tuple[int, int]:
    """(start, end) offsets of ``target``'s text in ``tree.render()``; LookupError when absent."""
    if type(target) is Leaf:
        first = last = target
    else:
        leaves = list(target.leaves())
        if not leaves:
            raise LookupError("node has no tokens")
        first, last = leaves[0], leaves[-1]
    offset = 0
    start: int | None = None
    for leaf in tree.leaves():
        if leaf is first and start is None:
            start = offset + len(leaf.pre)
        offset += len(leaf.pre) + len(leaf.text)
        if leaf is last and start is not None:
            return start, offset
    raise LookupError("node not in tree")
