"""Plain text edits: the one form every fix takes on its way to files, diffs, JSON, SARIF and editors."""

from __future__ import annotations

import bisect
from typing import NamedTuple


class TextEdit(NamedTuple):
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
    """Line-granular edits that turn ``old`` into ``new``; unchanged lines are never part of one.

    Whole lines keep diffs and editor edits readable. Lines are matched the way patience diff
    does (see `matching_lines`), which stays linear-ish on a big file whose fix touches lines
    all over it, where a general longest-match search is quadratic.
    """
    if old == new:
        return []
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    offsets = [0]
    for line in old_lines:
        offsets.append(offsets[-1] + len(line))
    edits = []
    i = j = 0  # the next unmatched line on each side
    for match_i, match_j in [
        *matching_lines(old_lines, new_lines),
        (len(old_lines), len(new_lines)),
    ]:
        if match_i > i or match_j > j:
            edits.append(TextEdit(offsets[i], offsets[match_i], "".join(new_lines[j:match_j])))
        i, j = match_i + 1, match_j + 1
    return edits


# A region with no line unique to both sides is compared in full only when it is this small
# (the full comparison is quadratic); a bigger one is replaced as a whole.
_FULL_COMPARISON_LIMIT = 40_000


def matching_lines(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    """Pairs ``(i, j)`` with ``a[i] == b[j]``, increasing on both sides: the lines a diff keeps.

    Patience diff: lines shared at both ends match; in between, lines that occur exactly once on
    each side anchor the match (the longest run of them in the same order on both sides), and
    the stretches between anchors are matched the same way. A stretch without such lines is
    compared line by line when it is small.
    """
    pairs: list[tuple[int, int]] = []
    regions = [(0, len(a), 0, len(b))]
    while regions:
        alo, ahi, blo, bhi = regions.pop()
        while alo < ahi and blo < bhi and a[alo] == b[blo]:
            pairs.append((alo, blo))
            alo, blo = alo + 1, blo + 1
        while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
            ahi, bhi = ahi - 1, bhi - 1
            pairs.append((ahi, bhi))
        if alo == ahi or blo == bhi:
            continue
        anchors = _unique_anchors(a, alo, ahi, b, blo, bhi)
        if not anchors:
            if (ahi - alo) * (bhi - blo) <= _FULL_COMPARISON_LIMIT:
                import difflib  # rarely needed: most stretches have a unique line

                matcher = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
                for i, j, size in matcher.get_matching_blocks():
                    pairs.extend((alo + i + k, blo + j + k) for k in range(size))
            continue
        for i, j in anchors:
            pairs.append((i, j))
            regions.append((alo, i, blo, j))
            alo, blo = i + 1, j + 1
        regions.append((alo, ahi, blo, bhi))
    pairs.sort()
    return pairs


def _unique_anchors(
    a: list[str], alo: int, ahi: int, b: list[str], blo: int, bhi: int
) -> list[tuple[int, int]]:
    """The longest in-order run of lines occurring once in ``a[alo:ahi]`` and once in ``b[blo:bhi]``."""
    seen_a: dict[str, int] = {}
    for i in range(alo, ahi):
        line = a[i]
        seen_a[line] = -1 if line in seen_a else i
    seen_b: dict[str, int] = {}
    for j in range(blo, bhi):
        line = b[j]
        if seen_a.get(line, -1) >= 0:
            seen_b[line] = -1 if line in seen_b else j
    candidates = [(seen_a[line], j) for line, j in seen_b.items() if j >= 0]
    candidates.sort()
    return _longest_increasing(candidates)


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of ``pairs`` (sorted by first item) increasing in the second."""
    tails: list[int] = []  # tails[k]: index in pairs of the smallest end of a run of length k+1
    tail_values: list[int] = []
    previous = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        k = bisect.bisect_left(tail_values, j)
        if k:
            previous[index] = tails[k - 1]
        if k == len(tails):
            tails.append(index)
            tail_values.append(j)
        else:
            tails[k] = index
            tail_values[k] = j
    run = []
    index = tails[-1] if tails else -1
    while index >= 0:
        run.append(pairs[index])
        index = previous[index]
    run.reverse()
    return run
