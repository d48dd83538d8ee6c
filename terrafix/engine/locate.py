"""Where a node sits in its file: character offsets of its text, without leading trivia."""

from __future__ import annotations

from ..syntax import nodes as n
from ..syntax.identity_cache import IdentityCache
from ..syntax.positions import parsed_text, spans
from ..syntax.tokens import Leaf

# Rules locate many nodes in the same few trees: one pass per tree gives every node's span.
_spans = IdentityCache(spans)


def span_of(tree: n.Node, target: n.Node | Leaf) -> tuple[int, int]:
    """(start, end) offsets of ``target``'s text in ``tree.render()``; LookupError when absent."""
    text = parsed_text(tree)
    if text is not None:
        found = _span_from_positions(text, target)
        if found is not None:
            return found
    found = _spans(tree).get(id(target))
    if found is None:
        raise LookupError("node not in tree")
    return found


def _span_from_positions(text: str, target: n.Node | Leaf) -> tuple[int, int] | None:
    """The span its tokens' source positions give, when ``text`` holds ``target`` there.

    A parsed tree's tokens know their offsets, so no walk of the file is needed. The text at
    that place must be the target's own (else None): a node of another tree never passes.
    """
    if type(target) is Leaf:
        first = last = target
    else:
        first, last = target.first_leaf(), _last_leaf(target)
    if first is None or last is None or first.pos < 0 or last.pos < 0:
        return None
    start, end = first.pos, last.pos + len(last.text)
    own_text = target.text if type(target) is Leaf else target.render()[len(first.pre) :]
    return (start, end) if text[start:end] == own_text else None


def _last_leaf(node: n.Node) -> Leaf | None:
    """The last token under ``node``, found from the right without visiting the others."""
    stack: list[object] = [node]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is Leaf:
            return item
        if kind is tuple:
            stack.extend(item)
        elif item is not None:
            stack.extend(item._fields_of(item))
    return None
