"""span_of: a remembered parse answers from token positions, and agrees with a full walk."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus import REAL

from terrafix.engine.locate import span_of
from terrafix.model import Module
from terrafix.syntax import parse
from terrafix.syntax.positions import parsed_text, remember_parsed, spans


def _sample() -> list[Path]:
    return sorted(REAL.rglob("*.tf"))[::25]


@pytest.mark.parametrize("path", _sample(), ids=lambda p: str(p.relative_to(REAL)))
def test_every_node_and_token_span_matches_a_full_walk(path):
    text = path.read_text(encoding="utf-8")
    tree = parse(text)
    remember_parsed(tree, text)
    walked = spans(tree)
    for node in [*tree.walk(), *tree.leaves()]:
        assert span_of(tree, node) == walked[id(node)]


def test_a_node_of_another_tree_is_not_found():
    text = 'a = "x"\nb = "x"\n'
    tree, twin = parse(text), parse('b = "x"\n')
    remember_parsed(tree, text)
    with pytest.raises(LookupError):
        span_of(tree, twin.body.elements[0])


def test_an_edited_tree_is_located_by_walking():
    text = 'a = "x"\n'
    tree = parse(text)
    remember_parsed(tree, text)
    original = tree.body.elements[0]
    inserted = parse("c = 1\n").body.elements
    edited = tree.with_changes(body=tree.body.with_changes(elements=(*inserted, original)))
    assert edited.render() == 'c = 1\na = "x"\n'
    assert span_of(edited, original) == spans(edited)[id(original)] == (6, 14)


def test_a_module_parsed_long_before_its_analysis_is_located_by_positions_again():
    first = Module.from_texts(Path("first"), {Path("first/main.tf"): 'a = "x"\n'})
    for index in range(100):  # a run parses every module before it analyses the first
        Module.from_texts(Path(f"m{index}"), {Path(f"m{index}/main.tf"): f"b = {index}\n"})
    source = first.files[Path("first/main.tf")]
    assert parsed_text(source.tree) is None
    first.remember_texts()
    assert parsed_text(source.tree) == 'a = "x"\n'
