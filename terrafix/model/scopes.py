"""Names that expressions bind: for-expression and template `for` iterators, and the
iterators of `dynamic` blocks (`dynamic "ingress" { ... ingress.value ... }`, or `iterator =`).

A traversal rooted at a bound name is no reference to the module's declarations.
"""

from __future__ import annotations

from ..syntax import nodes as n
from ..syntax.identity_cache import IdentityCache
from ..syntax.tokens import Leaf


def bound_names(block: n.Block, targets: set[int]) -> dict[int, frozenset[str]]:
    """For each target node under ``block``: the names for-expressions, template `for`
    directives and `dynamic` blocks bind around it."""
    out: dict[int, frozenset[str]] = {}
    stack: list[tuple[object, frozenset[str]]] = [(block, frozenset())]
    while stack:
        item, bound = stack.pop()
        kind = type(item)
        if kind is Leaf or item is None:
            continue
        if kind is tuple:
            stack.extend((child, bound) for child in item)
            continue
        if id(item) in targets:
            out[id(item)] = bound
        if kind is n.Block and item.block_type == "dynamic" and item.labels:
            bound = bound | {_iterator_name(item)}
        elif kind in (n.ForTuple, n.ForObject, n.TemplateFor):
            names = {item.value.text} | ({item.key.text} if item.key is not None else set())
            inner = bound | names
            for name in item._field_names:
                value = getattr(item, name)
                stack.append((value, bound if name == "collection" else inner))
            continue
        stack.extend((value, bound) for value in item._fields_of(item))
    return out


def _dynamic_iterator_names(block: n.Block) -> frozenset[str]:
    """The iterators of every `dynamic` block nested in ``block`` (found without walking
    expressions: dynamic blocks are where most iterators with an underscore come from)."""
    names: set[str] = set()
    stack = [block]
    while stack:
        current = stack.pop()
        for inner in current.body.blocks():
            if inner.block_type == "dynamic" and inner.labels:
                names.add(_iterator_name(inner))
            stack.append(inner)
    return frozenset(names)


dynamic_iterators = IdentityCache(_dynamic_iterator_names, size=64)
"""The iterator names of every `dynamic` block nested in a block (cached per block)."""


def _iterator_name(block: n.Block) -> str:
    iterator = block.body.attribute("iterator")
    if iterator is not None and type(iterator.value) is n.Variable:
        return iterator.value.name.text
    return block.label_values[0]
