"""``path_to`` gives the chain of nodes from the root down to the parent of a node or token."""

from __future__ import annotations

from itertools import pairwise

import terrafix
from terrafix.syntax import nodes as n
from terrafix.writer.tree import path_to

TEXT = """\
resource "aws_instance" "web" {
  tags = merge(var.tags, { Name = "${var.name}-web" })
}
"""


def _block() -> n.Block:
    return next(terrafix.parse(TEXT).body.blocks())


def test_the_chain_runs_from_the_root_to_the_parent_of_a_node_deep_in_tuples():
    block = _block()
    found = [node for node in block.walk() if type(node) is n.GetAttr]
    name = next(g for g in found if g.name.text == "name")
    chain = path_to(block, name)
    assert [type(node).__name__ for node in chain] == [
        "Block",
        "Body",
        "Attribute",
        "FunctionCall",
        "Argument",
        "Object",
        "ObjectItem",
        "TemplateString",
        "TemplateInterpolation",
    ]
    assert all(any(c is child for c in parent.children()) for parent, child in pairwise(chain))


def test_a_token_is_found_and_a_node_elsewhere_is_not():
    block = _block()
    attribute = next(block.body.attributes())
    assert path_to(block, attribute.name) == [block, block.body, attribute]
    assert path_to(block, block.type) == [block]
    assert path_to(block, _block()) == []  # an equal tree is not this one
