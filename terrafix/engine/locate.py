"""Where a node sits in its file: character offsets of its text, without leading trivia."""

from __future__ import annotations

from ..syntax import nodes as n
from ..syntax.identity_cache import IdentityCache
from ..syntax.positions import spans
from ..syntax.tokens import Leaf

# Rules locate many nodes in the same few trees: one pass per tree gives every node's span.
_spans = IdentityCache(spans)


def span_of(tree: n.Node, target: n.Node | Leaf) -> tuple[int, int]:
    """(start, end) offsets of ``target``'s text in ``tree.render()``; LookupError when absent."""
    found = _spans(tree).get(id(target))
    if found is None:
        raise LookupError("node not in tree")
    return found
