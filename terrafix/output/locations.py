"""Offsets to the positions each output format wants."""

from __future__ import annotations

from dataclasses import dataclass

from ..syntax.errors import line_col


@dataclass(frozen=True)
class Point:
    line: int  # 1-based
    column: int  # 1-based, in characters
    offset: int  # character offset
    byte: int  # UTF-8 byte offset

    def as_json(self) -> dict:
        return {"line": self.line, "column": self.column, "offset": self.offset, "byte": self.byte}


COLUMN_UNITS = ("character", "byte", "utf-16")


def column(text: str, offset: int, unit: str = "character") -> int:
    """The 1-based column of ``offset`` counted in ``unit``: code points (people, most tools),
    UTF-8 bytes (Vim's errorformat, so nvim-lint and ALE) or UTF-16 code units (efm-langserver,
    which hands a column to its LSP client as it is). A byte-order mark takes no column."""
    offset = max(0, min(offset, len(text)))
    line_start = text.rfind("\n", 0, offset) + 1
    if line_start == 0 and offset and text.startswith("\ufeff"):
        line_start = 1
    before = text[line_start:offset]
    if unit == "byte":
        return len(before.encode("utf-8")) + 1
    if unit == "utf-16":
        return len(before.encode("utf-16-le")) // 2 + 1
    return len(before) + 1


def point(text: str, offset: int) -> Point:
    line, column = line_col(text, offset)
    return Point(line, column, offset, len(text[:offset].encode("utf-8")))


class LineCounter:
    """Line numbers (1-based) of offsets in one text, counted on from the last offset asked.

    A report asks for its findings in order through each file: counting every line from the
    start of the file again made the text report quadratic in a file's findings.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._offset, self._line = 0, 1

    def line(self, offset: int) -> int:
        offset = max(0, min(offset, len(self.text)))
        if offset < self._offset:  # asked out of order: count from the start again
            self._offset, self._line = 0, 1
        self._line += self.text.count("\n", self._offset, offset)
        self._offset = offset
        return self._line
