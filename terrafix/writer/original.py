"""What an edited file reuses from the tree it was parsed into.

A fix edits a few blocks of a file; every other top-level element of the edited tree is the
very object of the original tree. Rendering reuses those elements' text, and an edit finds the
element that holds its target without searching the whole file. Both are computed once per
original tree and shared by every fix that edits that file in a pass.
"""

from __future__ import annotations

from ..syntax import nodes as n
from ..syntax.identity_cache import IdentityCache


class OriginalFile:
    """The top-level elements of an original tree: their text, and which one holds each node."""

    def __init__(self, tree: n.ConfigFile) -> None:
        self.tree = tree
        self._texts = {id(e): e.render() for e in tree.body.elements}
        self._holders: dict[int, n.Node] | None = None

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

    def holder(self, node: object) -> n.Node | None:
        """The original top-level element that ``node`` is (or sits in), if any."""
        if self._holders is None:
            self._holders = {}
            for element in self.tree.body.elements:
                for item in element.walk():
                    self._holders[id(item)] = element
                    for child in item._fields_of(item):
                        if type(child) is tuple:
                            for leaf in child:
                                self._holders[id(leaf)] = element
                        elif child is not None:
                            self._holders[id(child)] = element
        return self._holders.get(id(node))


original_file = IdentityCache(OriginalFile, size=8)
