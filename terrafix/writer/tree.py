"""Generic, identity-based edits on immutable trees: replace any node wherever it sits."""

from __future__ import annotations

from collections.abc import Callable

from ..syntax.nodes import Node
from ..syntax.tokens import Leaf

Child = Node | Leaf


def replace_node(root: Node, old: Child, new: Child | None) -> Node:
    """``root`` with ``old`` (found by identity) replaced by ``new``; ``None`` removes it from a tuple.

    Only the ancestors of ``old`` are rebuilt; every other node is shared with ``root``.
    """
    result = _replace(root, old, new)
    if result is root:
        raise LookupError("the node to replace is not in this tree")
    return result


def _replace(node: Node, old: Child, new: Child | None) -> Node:
    changes = {}
    for name in node._field_names:
        value = getattr(node, name)
        if value is old:
            changes[name] = new
            break
        if type(value) is tuple:
            items = list(value)
            for i, item in enumerate(items):
                if item is old:
                    if new is None:
                        del items[i]
                    else:
                        items[i] = new
                    changes[name] = tuple(items)
                    break
                if isinstance(item, Node):
                    replaced = _replace(item, old, new)
                    if replaced is not item:
                        items[i] = replaced
                        changes[name] = tuple(items)
                        break
            if changes:
                break
        elif isinstance(value, Node):
            replaced = _replace(value, old, new)
            if replaced is not value:
                changes[name] = replaced
                break
    return node.with_changes(**changes) if changes else node


def path_to(root: Node, target: Child) -> list[Node]:
    """The chain of nodes from ``root`` down to the parent of ``target`` (empty when absent)."""
    stack: list[tuple[Node, list[Node]]] = [(root, [])]
    while stack:
        node, ancestors = stack.pop()
        chain = [*ancestors, node]
        for child in node.children():
            if child is target:
                return chain
            if isinstance(child, Node):
                stack.append((child, chain))
    return []


def replace_first_leaf(node: Node, change: Callable[[Leaf], Leaf]) -> Node:
    first = node.first_leaf()
    if first is None:
        return node
    return replace_node(node, first, change(first))


def with_leading_trivia_of(old: Node, new: Node) -> Node:
    """``new`` with the trivia in front of ``old`` (its spacing and comments)."""
    old_first = old.first_leaf()
    pre = old_first.pre if old_first is not None else ""
    return replace_first_leaf(new, lambda leaf: leaf.with_changes(pre=pre))


def replace_expression(root: Node, old: Node, new: Node) -> Node:
    """Replace an expression, keeping the trivia in front of the old one (its spacing and comments)."""
    return replace_node(root, old, with_leading_trivia_of(old, new))
