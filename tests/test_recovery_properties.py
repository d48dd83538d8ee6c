"""Properties of the recovering parser on real files damaged at random.

Damage as code generators and chat transcripts leave it: the file cut off at any offset,
characters deleted, characters inserted (quotes, brackets, backslashes, `${`, `/*`, heredoc
openers, Markdown fences). Whatever the damage, parsing never raises, the tree renders to the
damaged text byte for byte, every error lies at or after the top-level element the damage hit,
and the top-level elements before it are exactly those of the undamaged file.
"""

from __future__ import annotations

import functools

import pytest
from corpus import REAL, hcl_files, read
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import terrafix
from terrafix.syntax import nodes as n
from terrafix.syntax import parse_recovering

INSERTS = [
    '"',
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "`",
    "\\",
    "\\_",
    "${",
    "%{",
    "%{ if x }",
    "/*",
    "*/",
    "<<EOT\n",
    "#",
    "=",
    ",",
    "\n",
    "```\n",
    "```hcl\n",
    "---\n",
    "Here's the rest of the configuration:\n",
    "x",
    ";",
]
MAX_SIZE = 20_000  # keeps each example fast; the corpus has plenty of files below it


@functools.cache
def _files() -> list[str]:
    return [t for t in map(read, hcl_files(REAL)) if 0 < len(t) <= MAX_SIZE]


def _element_start(tree: n.ConfigFile, offset: int) -> tuple[int, int]:
    """(index, start) of the top-level element whose text (leading trivia included) holds
    ``offset``; past the last element, the end of the body."""
    start = 0
    for index, element in enumerate(tree.body.elements):
        end = start + len(element.render())
        if offset < end:
            return index, start
        start = end
    return len(tree.body.elements), start


damage = st.one_of(
    st.tuples(st.just("truncate"), st.floats(0, 1), st.just(0), st.just("")),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 4), st.just("")),
    st.tuples(st.just("insert"), st.floats(0, 1), st.just(0), st.sampled_from(INSERTS)),
    st.tuples(st.just("fence"), st.floats(0, 1), st.just(0), st.sampled_from(["```", "```hcl"])),
)


def _damage(text: str, how: str, where: float, size: int, new: str) -> tuple[str, int]:
    """The damaged text and the offset where the damage begins."""
    offset = min(int(where * len(text)), len(text))
    if text.startswith("\ufeff"):
        offset = max(offset, 1)
    if how == "truncate":
        return text[:offset], offset
    if how == "delete":
        return text[:offset] + text[offset + size :], offset
    if how == "fence":  # a whole line, at the start of the line the offset is in
        offset = text.rfind("\n", 0, offset) + 1
        return text[:offset] + new + "\n" + text[offset:], offset
    return text[:offset] + new + text[offset:], offset


@pytest.mark.skipif(not REAL.is_dir(), reason="the shared corpora are not here")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), damage)
def test_damaged_real_files_keep_what_is_before_the_damage(data, how_where):
    text = data.draw(st.sampled_from(_files()))
    how, where, size, new = how_where
    damaged_text, offset = _damage(text, how, where, size, new)
    clean = terrafix.parse(text)

    tree, errors = parse_recovering(damaged_text, "damaged.tf")

    assert tree.render() == damaged_text
    if not errors:
        assert not any(type(x) is n.Damaged for x in tree.walk())
        return
    index, start = _element_start(clean, offset)
    assert all(err.offset >= start for err in errors), (start, [str(e) for e in errors])
    assert tree.body.elements[:index] == clean.body.elements[:index]
    assert any(type(x) is n.Damaged for x in tree.walk())
