"""Positions in a syntax tree, computed on demand.

``Leaf.pos`` is set by the parser and goes stale as soon as a tree is edited, so everything here
derives offsets from the tree itself (the sum of the text before a node) or from its rendered
text. Four coordinate systems meet in this project:

* character offsets into the ``str`` source (what the tree and the lexer use);
* 1-based line and column in characters, as people and error messages read them;
* UTF-8 byte offsets, for edits written against the file's bytes;
* LSP positions: 0-based line and a character counted in UTF-16 code units.

Lines for the 1-based positions end at ``\\n`` only, as in HCL. LSP lines also end at a lone
``\\r``, as the protocol says. A leading byte-order mark is invisible in both: editors drop it
when they decode the file, and HashiCorp's parser skips it, so it takes no column on line 1
(it still counts in character offsets, and is three bytes in byte offsets).

Columns count code points. HashiCorp's parser counts grapheme clusters instead, so a column
after a multi-code-point emoji (a skin tone, a flag) can differ from the one Terraform prints.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from itertools import accumulate
from typing import NamedTuple

from .identity_cache import IdentityCache
from .nodes import Node
from .tokens import Leaf

BOM = "\ufeff"
_LSP_BREAK = re.compile(r"\r\n|\r|\n")
_LONE_CR = re.compile(r"\r(?!\n)")


class Position(NamedTuple):
    """A place in a text: 1-based line and column (code points), character and byte offsets."""

    line: int
    column: int
    offset: int
    byte_offset: int


def _utf8_len(s: str) -> int:
    """Bytes ``s`` takes in UTF-8, also for text decoded with ``surrogateescape``."""
    try:
        return len(s.encode("utf-8"))
    except UnicodeEncodeError:
        # A lone surrogate U+DC80..U+DCFF stands for one undecodable byte of the file; any other
        # lone surrogate is counted as its 3-byte (CESU) form.
        return sum(
            1 if 0xDC80 <= ord(c) <= 0xDCFF else len(c.encode("utf-8", "surrogatepass")) for c in s
        )


def _utf16_len(s: str) -> int:
    """Code units ``s`` takes in UTF-16: one per code point, two above U+FFFF."""
    if s.isascii():
        return len(s)
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def _utf16_to_chars(s: str, units: int) -> int:
    """How many code points of ``s`` fit in ``units`` UTF-16 units (never splitting a pair)."""
    if s.isascii():
        return min(units, len(s))
    count = 0
    for i, c in enumerate(s):
        count += 2 if ord(c) > 0xFFFF else 1
        if count > units:
            return i
    return len(s)


class LineIndex:
    """Line starts of one text, so that each conversion is a bisect plus one short slice.

    Build one per text and reuse it; ``line_index(text)`` caches the last few.
    """

    __slots__ = ("_byte_starts", "_lsp_starts", "ascii", "bom", "starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.bom = 1 if text.startswith(BOM) else 0
        self.ascii = text.isascii()
        # starts[i] is the offset of line i + 1; lines end at "\n".
        self.starts: list[int] = [0, *accumulate(len(part) + 1 for part in text.split("\n")[:-1])]
        self._byte_starts: list[int] | None = None
        self._lsp_starts: list[int] | None = None

    # ------------------------------------------------------------ 1-based lines and columns

    def _clamp(self, offset: int) -> int:
        return 0 if offset < 0 else min(offset, len(self.text))

    def line(self, offset: int) -> int:
        """The 1-based line of a character offset (clamped into the text): a report's lines."""
        return bisect_right(self.starts, self._clamp(offset))

    def position(self, offset: int) -> Position:
        """The 1-based line and column of a character offset (clamped into the text)."""
        offset = self._clamp(offset)
        i = bisect_right(self.starts, offset) - 1
        line_start = self.starts[i]
        if i == 0 and self.bom:
            line_start = min(offset, 1)
        return Position(i + 1, offset - line_start + 1, offset, self._byte_offset(i, offset))

    def offset(self, line: int, column: int) -> int:
        """The character offset of a 1-based line and column (clamped to the line's end)."""
        if line < 1:
            return 0
        if line > len(self.starts):
            return len(self.text)
        start = self.starts[line - 1] + (self.bom if line == 1 else 0)
        end = self.starts[line] - 1 if line < len(self.starts) else len(self.text)
        return min(start + max(column, 1) - 1, end)

    # ------------------------------------------------------------------------- UTF-8 bytes

    def byte_offset(self, offset: int) -> int:
        """The UTF-8 byte offset of a character offset."""
        offset = self._clamp(offset)
        if self.ascii:
            return offset
        return self._byte_offset(bisect_right(self.starts, offset) - 1, offset)

    def _byte_offset(self, line_index: int, offset: int) -> int:
        if self.ascii:
            return offset
        byte_starts = self._line_byte_starts()
        return byte_starts[line_index] + _utf8_len(self.text[self.starts[line_index] : offset])

    def _line_byte_starts(self) -> list[int]:
        if self._byte_starts is None:
            lines = self.text.split("\n")[:-1]
            self._byte_starts = [0, *accumulate(_utf8_len(line) + 1 for line in lines)]
        return self._byte_starts

    def char_offset(self, byte_offset: int) -> int:
        """The character offset of a UTF-8 byte offset; one inside a character maps to its start."""
        if byte_offset <= 0:
            return 0
        if self.ascii:
            return min(byte_offset, len(self.text))
        byte_starts = self._line_byte_starts()
        i = bisect_right(byte_starts, byte_offset) - 1
        start = self.starts[i]
        end = self.starts[i + 1] - 1 if i + 1 < len(self.starts) else len(self.text)
        line = self.text[start:end]
        want = byte_offset - byte_starts[i]
        if line.isascii():
            return start + min(want, len(line))
        used = 0
        for j, c in enumerate(line):
            used += _utf8_len(c)
            if used > want:
                return start + j
        return end

    # ------------------------------------------------------------------------------- LSP

    def _lsp_line_starts(self) -> list[int]:
        if self._lsp_starts is None:
            if _LONE_CR.search(self.text):
                self._lsp_starts = [0, *(m.end() for m in _LSP_BREAK.finditer(self.text))]
            else:
                self._lsp_starts = self.starts
        return self._lsp_starts

    def _lsp_line(self, i: int) -> tuple[int, int]:
        """Start and end (before the line break) of LSP line ``i``, past a BOM on line 0."""
        starts = self._lsp_line_starts()
        text = self.text
        start = starts[i] + (self.bom if i == 0 else 0)
        if i + 1 < len(starts):
            end = starts[i + 1] - 1
            if text[end] == "\n" and end > start and text[end - 1] == "\r":
                end -= 1
        else:
            end = len(text)
        return start, end

    def to_lsp(self, offset: int) -> tuple[int, int]:
        """The LSP position (0-based line, UTF-16 character) of a character offset."""
        offset = self._clamp(offset)
        i = bisect_right(self._lsp_line_starts(), offset) - 1
        start, end = self._lsp_line(i)
        offset = min(max(offset, start), end)
        return i, _utf16_len(self.text[start:offset])

    def from_lsp(self, line: int, character: int) -> int:
        """The character offset of an LSP position; past the end of a line means its end."""
        starts = self._lsp_line_starts()
        if line < 0:
            return 0
        if line >= len(starts):
            return len(self.text)
        start, end = self._lsp_line(line)
        return start + _utf16_to_chars(self.text[start:end], max(character, 0))


@functools.lru_cache(maxsize=8)
def line_index(text: str) -> LineIndex:
    """A ``LineIndex`` for ``text``, shared by the module-level conversions below."""
    return LineIndex(text)


def offset_to_line_col(text: str, offset: int) -> Position:
    """1-based line and column of a character offset in ``text``."""
    return line_index(text).position(offset)


def line_col_to_offset(text: str, line: int, column: int) -> int:
    """Character offset of a 1-based line and column in ``text``."""
    return line_index(text).offset(line, column)


def to_byte_offset(text: str, char_offset: int) -> int:
    """UTF-8 byte offset of a character offset: edits are applied to the file's bytes."""
    return line_index(text).byte_offset(char_offset)


def from_byte_offset(text: str, byte_offset: int) -> int:
    """Character offset of a UTF-8 byte offset."""
    return line_index(text).char_offset(byte_offset)


def to_lsp(text: str, offset: int) -> tuple[int, int]:
    """LSP position (0-based line, UTF-16 character) of a character offset."""
    return line_index(text).to_lsp(offset)


def from_lsp(text: str, line: int, character: int) -> int:
    """Character offset of an LSP position (0-based line, UTF-16 character)."""
    return line_index(text).from_lsp(line, character)


# ------------------------------------------------------------------------------ tree spans

# The text each unedited tree of the modules being analysed was parsed from: their tokens'
# positions hold, so a node's span needs no walk of the file.
_parsed_texts: IdentityCache[Node, str | None] = IdentityCache(lambda _: None, size=64)


def remember_parsed(tree: Node, text: str) -> None:
    """Note that ``tree`` is exactly what ``text`` parsed into."""
    _parsed_texts.remember(tree, text)


def parsed_text(tree: Node) -> str | None:
    """The text ``tree`` was parsed from, if `remember_parsed` was told (and still remembers)."""
    return _parsed_texts(tree)


def spans(tree: Node | Leaf, *, include_trivia: bool = False) -> dict[int, tuple[int, int]]:
    """``id(node or leaf) -> (start, end)`` character offsets in ``tree.render()``.

    A span starts at the first leaf's text, after its leading trivia (comments, indentation),
    unless ``include_trivia``; it ends after the last leaf's text. A node with no leaves gets an
    empty span where it sits. One iterative pass, so the tree may be edited and arbitrarily deep.
    An object that occurs twice in the tree (a shared leaf in built code) maps to its last span.
    """
    result: dict[int, tuple[int, int]] = {}
    starts: dict[int, int] = {}
    awaiting: list[int] = []  # nodes entered whose first leaf is not seen yet
    offset = 0
    stack: list[object] = [tree]
    pop = stack.pop
    push = stack.append
    while stack:
        item = pop()
        kind = type(item)
        if kind is Leaf:
            trivia_start = offset
            offset += len(item[2])  # pre
            if awaiting:
                for key in awaiting:
                    starts[key] = offset
                awaiting.clear()
            text_start = offset
            offset += len(item[1])  # text
            result[id(item)] = (trivia_start if include_trivia else text_start, offset)
        elif kind is int:  # leaving the node with this id
            start = starts.pop(item, None)
            if start is None:
                awaiting.pop()
                start = offset
            result[item] = (start, offset)
        elif kind is tuple:
            stack.extend(reversed(item))
        elif item is not None:
            key = id(item)
            if include_trivia:
                starts[key] = offset
            else:
                awaiting.append(key)
            push(key)
            stack.extend(reversed(item._fields_of(item)))
    return result


def span(tree: Node, target: Node | Leaf, *, include_trivia: bool = False) -> tuple[int, int]:
    """The span of one node or leaf of ``tree`` (a full pass: use ``spans`` for many)."""
    found = spans(tree, include_trivia=include_trivia).get(id(target))
    if found is None:
        raise ValueError("the target is not part of this tree")
    return found


def locate(
    tree: Node,
    target: Node | Leaf,
    *,
    include_trivia: bool = False,
    index: LineIndex | None = None,
) -> tuple[Position, Position]:
    """Start and end ``Position`` of a node or leaf of ``tree``, in ``tree.render()``.

    Pass the ``index`` of the rendered text when locating many nodes of one tree.
    """
    start, end = span(tree, target, include_trivia=include_trivia)
    if index is None:
        index = LineIndex(tree.render())
    return index.position(start), index.position(end)
