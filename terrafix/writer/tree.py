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
    """The chain of nodes from ``root`` down to the parent of ``target`` (empty when absent).

    Each node waiting on the stack links to its parent's entry, so the chain is built once,
    for the target, rather than copied for every node the search passes.
    """
    stack: list[_Link] = [(root, None)]
    pop, push = stack.pop, stack.append
    while stack:
        here = pop()
        node = here[0]
        for value in node._fields_of(node):  # the children, in source order
            if type(value) is tuple:
                for child in value:
                    if child is target:
                        return _chain(here)
                    if isinstance(child, Node):
                        push((child, here))
            elif value is None:
                continue
            elif value is target:
                return _chain(here)
            elif isinstance(value, Node):
                push((value, here))
    return []


# A node and the entry of its parent (None for the root): a path, shared by siblings.
_Link = tuple[Node, "_Link | None"]


def _chain(link: _Link | None) -> list[Node]:
    chain = []
    while link is not None:
        chain.append(link[0])
        link = link[1]
    chain.reverse()
    return chain


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
