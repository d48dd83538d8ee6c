"""What an edited file reuses from the tree it was parsed into.

A fix edits a few blocks of a file; every other top-level element of the edited tree is the
very object of the original tree. Rendering reuses those elements' text, and an edit finds the
element that holds its target without searching the whole file. Both are computed once per
original tree and shared by every fix that edits that file in a pass.
"""

from __future__ import annotations

import bisect

from ..syntax import nodes as n
from ..syntax.identity_cache import IdentityCache
from ..syntax.positions import parsed_text
from ..syntax.tokens import Leaf


class OriginalFile:
    """The top-level elements of an original tree: their text, and which one holds each node."""

    def __init__(self, tree: n.ConfigFile) -> None:
        self.tree = tree
        self._elements = tree.body.elements
        # Where each element's first token starts, when the tree's token positions hold.
        self._starts = _element_starts(tree)
        self._texts = self._element_texts()
        self._holders: dict[int, n.Node] | None = None

    def _element_texts(self) -> dict[int, str]:
        text = parsed_text(self.tree)
        if self._starts is None or text is None:
            return {id(e): e.render() for e in self._elements}
        bounds = [_with_trivia(e.first_leaf()) for e in self._elements]
        bounds.append(_with_trivia(self.tree.eof))
        return {id(e): text[bounds[i] : bounds[i + 1]] for i, e in enumerate(self._elements)}

    def render(self, tree: n.ConfigFile) -> str:
        """``tree.render()``, with the original text of every element ``tree`` shares with it."""
        texts = self._texts
        parts = []
        for element in tree.body.elements:
            text = texts.get(id(element))
            parts.append(element.render() if text is None else text)
        eof = tree.eof
        parts.append(eof.pre)
        parts.append(eof.text)
        return "".join(parts)

    def text_of(self, element: n.Node) -> str:
        """The text of one of the tree's top-level elements, with the trivia in front of it."""
        text = self._texts.get(id(element))
        return element.render() if text is None else text

    def holder(self, node: n.Node | Leaf) -> n.Node | None:
        """The original top-level element that ``node`` is (or sits in), if any.

        With token positions this is a guess for a node of another tree, which the caller's
        edit then does not find; without them, a map of every node, built once.
        """
        if self._starts is not None:
            first = node if type(node) is Leaf else node.first_leaf()
            if first is None or first.pos < 0:
                return None
            index = bisect.bisect_right(self._starts, first.pos) - 1
            return self._elements[index] if index >= 0 else None
        if self._holders is None:
            self._holders = {}
            for element in self._elements:
                for item in element.walk():
                    self._holders[id(item)] = element
                    for child in item._fields_of(item):
                        if type(child) is tuple:
                            for leaf in child:
                                self._holders[id(leaf)] = element
                        elif child is not None:
                            self._holders[id(child)] = element
        return self._holders.get(id(node))


def _element_starts(tree: n.ConfigFile) -> list[int] | None:
    """The offsets of the top-level elements' first tokens, for a tree its text is known for."""
    if parsed_text(tree) is None:
        return None
    starts = []
    for element in tree.body.elements:
        first = element.first_leaf()
        if first is None or first.pos < 0:
            return None
        starts.append(first.pos)
    return starts


def _with_trivia(leaf: Leaf) -> int:
    return leaf.pos - len(leaf.pre)


original_file = IdentityCache(OriginalFile, size=64)
