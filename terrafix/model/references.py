"""References: every traversal (`var.x`, `aws_kms_key.k.arn`, `data.t.n.id`) in a tree."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from ..syntax import nodes as n
from ..syntax.tokens import Leaf

TRAVERSALS = (n.GetAttr, n.Index, n.LegacyIndex, n.Splat)


class Traversal(NamedTuple):
    """A traversal rooted at a variable: ``parts`` are the names up to the first index or splat."""

    node: n.Expression
    parts: tuple[str, ...]


def traversal_parts(expr: n.Expression) -> tuple[str, ...] | None:
    """``("aws_kms_key", "k", "arn")`` for ``aws_kms_key.k.arn``; None when not rooted at a name."""
    names: list[str] = []
    node = expr
    while True:
        kind = type(node)
        if kind is n.Variable:
            names.append(node.name.text)
            names.reverse()
            return tuple(names)
        if kind is n.GetAttr:
            names.append(node.name.text)
            node = node.target
        elif kind in (n.Index, n.LegacyIndex, n.Splat):
            names.clear()  # keep the names before the index: `a.b[0].c` → (a, b)
            node = node.target
        else:
            return None


def traversals(root: n.Node) -> Iterator[Traversal]:
    """Every outermost traversal under ``root``, and those inside index keys."""
    stack: list[n.Node] = [root]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is n.Variable or kind in TRAVERSALS:
            parts = traversal_parts(node)
            if parts:
                yield Traversal(node, parts)
            inner = node
            while type(inner) in TRAVERSALS:
                if type(inner) is n.Index:
                    stack.append(inner.key)
                inner = inner.target
            if type(inner) is not n.Variable:
                stack.append(inner)
            continue
        for value in node._fields_of(node):  # children in source order, tokens left out
            kind = type(value)
            if kind is tuple:
                stack.extend(child for child in value if type(child) is not Leaf)
            elif kind is not Leaf and value is not None:
                stack.append(value)
