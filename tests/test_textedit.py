"""Line diffs behind every fix's edits: exact, local, and cheap on big files."""

from __future__ import annotations

import itertools

from corpus import GENERATED, needs_shared
from hypothesis import given
from hypothesis import strategies as st

from terrafix.writer import apply_edits, diff_edits
from terrafix.writer.textedit import matching_lines

# Few distinct lines, so repeats (the hard case for matching) are common.
lines = st.lists(st.sampled_from(["}\n", "\n", "  a = 1\n", "  b = 2\n", "x {\n", "y\n", "z"]))


@given(lines, lines)
def test_edits_turn_old_into_new(old, new):
    old_text, new_text = "".join(old), "".join(new)
    edits = diff_edits(old_text, new_text)
    assert apply_edits(old_text, edits) == new_text
    assert all(e.start < e.end or e.new_text for e in edits)


@given(lines, lines)
def test_matched_lines_are_equal_and_in_order(old, new):
    pairs = matching_lines(old, new)
    assert all(old[i] == new[j] for i, j in pairs)
    assert all(i1 < i2 and j1 < j2 for (i1, j1), (i2, j2) in itertools.pairwise(pairs))


def test_scattered_changes_give_one_edit_each():
    old_lines = [f'resource "null_resource" "r{i}" {{\n  name = "n{i}"\n}}\n' for i in range(400)]
    new_lines = list(old_lines)
    for i in (3, 150, 399):
        new_lines[i] = old_lines[i].replace(f'"n{i}"', f'"n{i}-${{var.suffix}}"')
    old, new = "".join(old_lines), "".join(new_lines)
    edits = diff_edits(old, new)
    assert [old[e.start : e.end] for e in edits] == [f'  name = "n{i}"\n' for i in (3, 150, 399)]
    assert apply_edits(old, edits) == new


def test_insertion_between_repeated_lines_is_an_insertion():
    old = "a {\n}\n\nb {\n}\n"
    new = "a {\n}\n\nc {\n}\n\nb {\n}\n"
    edits = diff_edits(old, new)
    assert len(edits) == 1 and edits[0].start == edits[0].end
    assert apply_edits(old, edits) == new


@needs_shared
def test_every_seventh_line_of_a_big_file_changed_gives_one_edit_per_line():
    path = GENERATED / "Pr3710" / "model" / "main.tf"
    old_lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(old_lines) > 1000
    changed = range(0, len(old_lines), 7)
    new_lines = list(old_lines)
    for i in changed:
        new_lines[i] = old_lines[i].rstrip("\n") + " # changed\n"
    old, new = "".join(old_lines), "".join(new_lines)
    edits = diff_edits(old, new)
    assert [old[e.start : e.end] for e in edits] == [old_lines[i] for i in changed]
    assert apply_edits(old, edits) == new
