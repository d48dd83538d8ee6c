"""Edited documents reuse their original tree: same text as a full render, edits land right."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus import REAL

from terrafix.syntax import nodes as n
from terrafix.syntax import parse
from terrafix.syntax.positions import remember_parsed
from terrafix.writer import Document, expr, parse_expression, replace_node
from terrafix.writer.original import OriginalFile

SAMPLE = sorted(REAL.rglob("*.tf"))[::40]


def _parsed(path: Path, remember: bool) -> tuple[str, n.ConfigFile]:
    text = path.read_text(encoding="utf-8")
    tree = parse(text)
    if remember:
        remember_parsed(tree, text)
    return text, tree


@pytest.mark.parametrize("remember", [True, False], ids=["positions", "walk"])
@pytest.mark.parametrize("path", SAMPLE, ids=lambda p: str(p.relative_to(REAL)))
def test_holder_and_render_agree_with_the_tree(path, remember):
    text, tree = _parsed(path, remember)
    original = OriginalFile(tree)
    assert original.render(tree) == text
    for element in tree.body.elements:
        assert original.text_of(element) == element.render()
        for node in element.walk():
            if node.first_leaf() is not None:
                assert original.holder(node) is element


@pytest.mark.parametrize("remember", [True, False], ids=["positions", "walk"])
@pytest.mark.parametrize("path", SAMPLE, ids=lambda p: str(p.relative_to(REAL)))
def test_edits_of_every_string_match_a_full_replace(path, remember):
    text, tree = _parsed(path, remember)
    document = Document(str(path), text, tree)
    expected = tree
    strings = [x for x in tree.walk() if type(x) is n.TemplateString][:30]
    for index, string in enumerate(strings):
        new = parse_expression(f'"edited-{index}"')
        document.replace(string, new)
        expected = replace_node(expected, string, new)
    assert document.text() == expected.render()
    assert parse(document.text()).render() == document.text()


def test_a_node_of_another_tree_is_still_not_found():
    text = 'a = "x"\n'
    tree = parse(text)
    remember_parsed(tree, text)
    document = Document("main.tf", text, tree)
    stranger = parse('b = "x"\n').body.elements[0].value
    with pytest.raises(LookupError):
        document.replace(stranger, expr('"y"'))
