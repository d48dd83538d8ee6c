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


def point(text: str, offset: int) -> Point:
    line, column = line_col(text, offset)
    return Point(line, column, offset, len(text[:offset].encode("utf-8")))
