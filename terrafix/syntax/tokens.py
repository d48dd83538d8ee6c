"""Leaf tokens of the concrete syntax tree.

A token carries its own text and the trivia in front of it (spaces, tabs, comments, and newlines
where HCL ignores them), so the concatenation of every token's ``pre + text`` is the source.
"""

from __future__ import annotations

from typing import NamedTuple


class Leaf(NamedTuple):
    """One token: ``type`` (grammar terminal), ``text``, leading trivia ``pre``.

    ``pos`` is the character offset of ``text`` in the source it was parsed from; it goes stale
    once the tree is edited, so positions of a tree are computed with ``terrafix.syntax.positions``.
    """

    type: str
    text: str
    pre: str = ""
    pos: int = -1

    # lark reads these on its end-of-input token and in its error objects; we report positions
    # ourselves, so they stay empty.
    line = None
    column = None
    end_line = None
    end_column = None
    end_pos = None
    start_pos = None

    def render(self) -> str:
        return self.pre + self.text

    def with_changes(self, **changes: object) -> Leaf:
        return self._replace(**changes)

    def comments(self) -> list[str]:
        """The comments in this token's leading trivia."""
        from .trivia import comments_in

        return comments_in(self.pre)


def leaf(type_: str, text: str, pre: str = "") -> Leaf:
    """A new token for building code (it has no source position)."""
    return Leaf(type_, text, pre, -1)
