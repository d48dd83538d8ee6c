"""References: every traversal (`var.x`, `aws_kms_key.k.arn`, `data.t.n.id`) in a tree."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
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
    """Every outermost traversal under ``root``, and those inside index keys.

    Rules read every reference of every module, so this loop is kept lean: the node classes
    met most often are looked into by hand (a string with no interpolation is passed over at
    once), the rest through the fields that can hold nodes, and each traversal's names are read
    on the way down its chain.
    """
    stack: list[n.Node] = [root]
    pop, push, push_all = stack.pop, stack.append, stack.extend
    readers = _SUBTREE_READERS
    new = tuple.__new__  # Traversal's own ``__new__`` is Python code
    # The classes as locals: each node is compared with several of them.
    Attribute, TemplateString, GetAttr = n.Attribute, n.TemplateString, n.GetAttr
    Variable, Body, Block, ObjectItem = n.Variable, n.Body, n.Block, n.ObjectItem
    while stack:
        node = pop()
        kind = type(node)
        if kind is Attribute:
            push(node.value)
        elif kind is TemplateString:
            parts = node.parts
            if len(parts) != 1 or type(parts[0]) is not Leaf:
                push_all([part for part in parts if type(part) is not Leaf])
        elif kind is GetAttr or kind in _INDEXING:
            names: list[str] = []  # from the outermost name inwards
            inner = node
            while True:
                if kind is GetAttr:
                    names.append(inner.name.text)
                elif kind in _INDEXING:
                    names.clear()  # keep the names before the index: `a.b[0].c` → (a, b)
                    if kind is n.Index:
                        push(inner.key)
                else:
                    break
                inner = inner.target
                kind = type(inner)
            if kind is Variable:
                names.append(inner.name.text)
                names.reverse()
                yield new(Traversal, (node, tuple(names)))
            else:
                push(inner)
        elif kind is Body:
            push_all(node.elements)
        elif kind is ObjectItem:
            push(node.key)
            push(node.value)
        elif kind is Block:
            labels = node.labels
            if labels:
                push_all([label for label in labels if type(label) is not Leaf])
            push(node.body)
        elif kind is n.EmptyLine:
            continue
        elif kind is Variable:
            yield new(Traversal, (node, (node.name.text,)))
        else:
            reader = readers.get(kind)
            if reader is None:  # a node class first met here
                reader = readers[kind] = _subtree_reader(kind)
            fields, mixed = reader
            for value in fields(node):
                if type(value) is tuple:
                    push_all(
                        [child for child in value if type(child) is not Leaf] if mixed else value
                    )
                elif value is not None:
                    push(value)


_INDEXING = (n.Index, n.LegacyIndex, n.Splat)
# Field types that hold tokens only, never a node (and so never a traversal).
_LEAF_ONLY = {"Leaf", "Leaf | None", "tuple[Leaf, ...]"}
# Names in a tuple field's type that say it may hold leaves among its nodes.
_HOLD_LEAVES = ("Leaf", "TemplatePart")
_SubtreeReader = tuple[Callable[[n.Node], tuple[object, ...]], bool]
_SUBTREE_READERS: dict[type, _SubtreeReader] = {}


def _subtree_reader(cls: type[n.Node]) -> _SubtreeReader:
    """``(node -> its fields that may hold nodes, in source order; whether a tuple among them
    may also hold leaves)`` for one node class, read from its field annotations."""
    annotations: dict[str, object] = {}
    for base in reversed(cls.__mro__):
        annotations.update(getattr(base, "__annotations__", {}))
    kinds = {name: str(annotations[name]) for name in cls._field_names}
    kept = [name for name, kind in kinds.items() if kind not in _LEAF_ONLY]
    mixed = any(
        kinds[name].startswith("tuple[") and any(word in kinds[name] for word in _HOLD_LEAVES)
        for name in kept
    )
    if not kept:
        return (lambda _: ()), mixed
    if len(kept) == 1:
        read_one = operator.attrgetter(kept[0])
        return (lambda node: (read_one(node),)), mixed
    return operator.attrgetter(*kept), mixed
