"""Plain text edits: the one form every fix takes on its way to files, diffs, JSON, SARIF and editors."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace ``text[start:end]`` (character offsets) with ``new_text``."""

    start: int
    end: int
    new_text: str

    def byte_range(self, text: str) -> tuple[int, int]:
        """The same range in UTF-8 byte offsets of ``text``."""
        start = len(text[: self.start].encode("utf-8"))
        return start, start + len(text[self.start : self.end].encode("utf-8"))


def apply_edits(text: str, edits: list[TextEdit]) -> str:
    """Apply non-overlapping edits to ``text``; raises ValueError when two overlap."""
    out = []
    cursor = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < cursor:
            raise ValueError(f"overlapping edits at offset {edit.start}")
        out.append(text[cursor : edit.start])
        out.append(edit.new_text)
        cursor = edit.end
    out.append(text[cursor:])
    return "".join(out)


def diff_edits(old: str, new: str) -> list[TextEdit]:
    """The smallest line-granular edits that turn ``old`` into ``new``.

    Whole lines keep diffs and editor edits readable; unchanged lines are never part of an edit.
    """
    if old == new:
        return []
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    offsets = [0]
    for line in old_lines:
        offsets.append(offsets[-1] + len(line))
    # Lines shared at both ends are never part of an edit; leaving them out of the matcher keeps
    # a small fix in a large file cheap (difflib is quadratic in what it compares).
    head = 0
    limit = min(len(old_lines), len(new_lines))
    while head < limit and old_lines[head] == new_lines[head]:
        head += 1
    tail = 0
    while (
        tail < limit - head
        and old_lines[len(old_lines) - 1 - tail] == new_lines[len(new_lines) - 1 - tail]
    ):
        tail += 1
    old_middle = old_lines[head : len(old_lines) - tail]
    new_middle = new_lines[head : len(new_lines) - tail]
    matcher = difflib.SequenceMatcher(None, old_middle, new_middle, autojunk=False)
    edits = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start, end = offsets[head + i1], offsets[head + i2]
        edits.append(TextEdit(start, end, "".join(new_middle[j1:j2])))
    return edits
