"""A file being edited: its original text, its current tree, its style, and the edits so far."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..syntax import nodes as n
from ..syntax.parser import parse
from ..syntax.tokens import Leaf
from .body import Style, append_block
from .build import BlockSpec
from .original import original_file
from .textedit import TextEdit, diff_edits
from .tree import replace_node, with_leading_trivia_of


@dataclass
class Document:
    """One file: ``original`` text, the current ``tree`` and the file's ``style``.

    Edits replace nodes by identity (``replace``), so a transform can make several independent
    edits on nodes it found in the original tree.
    """

    path: str
    original: str
    tree: n.ConfigFile
    style: Style = field(default_factory=Style)
    # The tree ``original`` parsed into, whose unchanged parts edits and rendering reuse.
    _base: n.ConfigFile = field(init=False, repr=False, compare=False)
    # Which element now stands for each original top-level element that edits replaced.
    _current: dict[int, n.Node | None] = field(init=False, repr=False, compare=False)
    _rendered: tuple[n.ConfigFile, str] | None = field(
        init=False, default=None, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self._base = self.tree
        self._current = {}

    @classmethod
    def parse(cls, text: str, path: str = "<input>") -> Document:
        return cls(path, text, parse(text, path), Style.of(text))

    @classmethod
    def new(cls, path: str, style: Style | None = None) -> Document:
        """An empty new file."""
        empty = n.ConfigFile(n.Body(()), Leaf("EOF", "", "", 0))
        return cls(path, "", empty, style or Style())

    def text(self) -> str:
        rendered = self._rendered
        if rendered is None or rendered[0] is not self.tree:
            rendered = (self.tree, original_file(self._base).render(self.tree))
            self._rendered = rendered
        return rendered[1]

    def replace(self, old, new) -> None:
        """Replace ``old`` (by identity) with ``new``; ``None`` removes it from its tuple."""
        self.tree = self._replaced_in_holder(old, new) or replace_node(self.tree, old, new)

    def replace_expression(self, old, new) -> None:
        """Swap an expression for another, keeping the spacing and comments in front of it."""
        self.replace(old, with_leading_trivia_of(old, new))

    def _replaced_in_holder(self, old, new) -> n.ConfigFile | None:
        """The edit made inside the top-level element that holds ``old``, or None to search."""
        holder = original_file(self._base).holder(old)
        if holder is None:
            return None
        current = self._current.get(id(holder), holder)
        elements = self.tree.body.elements
        index = next((i for i, e in enumerate(elements) if e is current), None)
        if index is None:
            return None
        if current is old:
            replaced = new
        else:
            try:
                replaced = replace_node(current, old, new)
            except LookupError:  # no longer there: an earlier edit replaced what held it
                return None
        self._current[id(holder)] = replaced
        if replaced is None:
            elements = elements[:index] + elements[index + 1 :]
        else:
            elements = (*elements[:index], replaced, *elements[index + 1 :])
        return self.tree.with_changes(body=self.tree.body.with_changes(elements=elements))

    def append_block(self, spec: BlockSpec) -> None:
        final_newline = self.original.endswith("\n") or not self.original
        body = append_block(self.tree.body, spec, self.style, final_newline=final_newline)
        self.tree = self.tree.with_changes(body=body)

    def edits(self) -> list[TextEdit]:
        return diff_edits(self.original, self.text())

    @property
    def changed(self) -> bool:
        return self.text() != self.original
