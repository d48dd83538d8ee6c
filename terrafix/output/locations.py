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
