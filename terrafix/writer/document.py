"""A file being edited: its original text, its current tree, its style, and the edits so far."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..syntax import nodes as n
from ..syntax.parser import parse
from ..syntax.tokens import Leaf
from .body import Style, append_block
from .build import BlockSpec
from .textedit import TextEdit, diff_edits
from .tree import replace_expression, replace_node


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

    @classmethod
    def parse(cls, text: str, path: str = "<input>") -> Document:
        return cls(path, text, parse(text, path), Style.of(text))

    @classmethod
    def new(cls, path: str, style: Style | None = None) -> Document:
        """An empty new file."""
        empty = n.ConfigFile(n.Body(()), Leaf("EOF", "", "", 0))
        return cls(path, "", empty, style or Style())

    def text(self) -> str:
        return self.tree.render()

    def replace(self, old, new) -> None:
        self.tree = replace_node(self.tree, old, new)

    def replace_expression(self, old, new) -> None:
        """Swap an expression for another, keeping the spacing and comments in front of it."""
        self.tree = replace_expression(self.tree, old, new)

    def append_block(self, spec: BlockSpec) -> None:
        final_newline = self.original.endswith("\n") or not self.original
        body = append_block(self.tree.body, spec, self.style, final_newline=final_newline)
        self.tree = self.tree.with_changes(body=body)

    def edits(self) -> list[TextEdit]:
        return diff_edits(self.original, self.text())

    @property
    def changed(self) -> bool:
        return self.text() != self.original
