"""Where a value sits in a block: attribute paths through nested blocks and object keys, and
the addresses its references name."""

from __future__ import annotations

from collections.abc import Iterator

from terrafix.syntax import nodes as n
from terrafix.writer.objects import object_key

Path = tuple[str, ...]


def attribute_values(block: n.Block, path: Path = ()) -> Iterator[tuple[Path, n.Expression]]:
    """(path, value) for every attribute of ``block``, its nested blocks and the objects in
    its values (``container_definitions[*].logConfiguration.options.awslogs-group``)."""
    for element in block.body.elements:
        if type(element) is n.Attribute:
            yield from _values((*path, element.key), element.value)
        elif type(element) is n.Block:
            yield from attribute_values(element, (*path, element.block_type))


def _values(path: Path, value: n.Expression) -> Iterator[tuple[Path, n.Expression]]:
    yield path, value
    kind = type(value)
    if kind is n.Object:
        for item in value.items:
            key = object_key(item)
            if key is not None:
                yield from _values((*path, key), item.value)
    elif kind is n.Tuple:
        for item in value.items:
            yield from _values(path, item.value)
    elif kind is n.FunctionCall:
        for argument in value.arguments:
            yield from _values(path, argument.value)


def ends_with(path: Path, pattern: str) -> bool:
    """Whether ``path`` ends with the dotted ``pattern`` (``destination.bucket``)."""
    parts = tuple(pattern.split("."))
    return path[-len(parts) :] == parts


def attributes(block: n.Block, path: Path = ()) -> Iterator[tuple[Path, n.Attribute]]:
    """Every attribute of ``block`` and its nested blocks, with its path."""
    for element in block.body.elements:
        if type(element) is n.Attribute:
            yield (*path, element.key), element
        elif type(element) is n.Block:
            yield from attributes(element, (*path, element.block_type))
