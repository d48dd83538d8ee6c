"""Places in a configuration where Terraform takes no references (Terraform 1.11's loader).

Terraform decodes some arguments before anything can be evaluated: a variable's `default`,
`description`, `sensitive`, `nullable`; an output's `description`; a module's `source` and
`version`; everything in `terraform {}`; a provider's `alias`; `lifecycle`'s
`create_before_destroy` and `prevent_destroy`. A reference there (or a function call) makes it
refuse the configuration ("Variables not allowed"). Other places take an address or a name that
only looks like a reference: `depends_on`, `provider`, `ignore_changes`, `moved`/`removed`
addresses, a variable's `type`. ``static_place`` answers, for any node of a top-level block,
whether it sits in one of these places, so no rule writes a reference there.

A validation's `error_message` may refer to other objects since Terraform 1.9; it is prose all
the same, and ``allows_new_references`` keeps rules out of it and out of every `description`.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import NamedTuple

from ..syntax import nodes as n
from ..syntax.identity_cache import IdentityCache
from ..syntax.tokens import Leaf


class Kind(StrEnum):
    """What Terraform expects in a static place."""

    CONSTANT = "constant"  # a value known without evaluation: no references, no function calls
    ADDRESS = "address"  # one static traversal naming an object (depends_on, moved, import to)
    NAMES = "names"  # traversals that are names, not references (type, ignore_changes, provider)
    RESOURCES = "resources"  # replace_triggered_by: references to resources only


class Place(NamedTuple):
    kind: Kind
    argument: str  # e.g. "default", or "source" of a required_providers entry
    expression: n.Expression
    owner: n.Block  # the block the argument is set in

    @property
    def what(self) -> str:
        """For messages: 'variable "region" default'."""
        return f"{_header(self.owner)} {self.argument}"


# Arguments decoded without an evaluation context, by the block holding them.
CONSTANT_ARGUMENTS = {
    "variable": frozenset({"description", "default", "sensitive", "nullable", "ephemeral"}),
    "output": frozenset({"description", "sensitive", "ephemeral"}),
    "module": frozenset({"source", "version"}),
    "provider": frozenset({"alias"}),
    "lifecycle": frozenset({"create_before_destroy", "prevent_destroy"}),
}
# Arguments whose traversals name things rather than refer to values.
NAME_ARGUMENTS = {
    "variable": frozenset({"type"}),
    "module": frozenset({"providers"}),
    "resource": frozenset({"provider"}),
    "data": frozenset({"provider"}),
    "ephemeral": frozenset({"provider"}),
    # An import's address may index with `each.key` (import blocks take for_each).
    "import": frozenset({"provider", "to"}),
    "lifecycle": frozenset({"ignore_changes"}),
    "provisioner": frozenset({"when", "on_failure"}),
}
ADDRESS_ARGUMENTS = {
    "moved": frozenset({"from", "to"}),
    "removed": frozenset({"from"}),
}
# Blocks whose `depends_on` takes bare addresses of objects.
DEPENDENT_BLOCKS = frozenset({"resource", "data", "ephemeral", "module", "output", "check"})
RESOURCE_BLOCKS = frozenset({"resource", "data", "ephemeral"})
PROSE_ARGUMENTS = frozenset({"description", "error_message"})


def _header(block: n.Block) -> str:
    return " ".join([block.block_type, *(f'"{label}"' for label in block.label_values)])


def static_places(block: n.Block, *, to_check: bool = False) -> list[Place]:
    """The static places of one top-level block, in source order. With ``to_check``, only
    those a validation must look into: no names, no constant that is a plain literal."""
    if block.block_type == "terraform":
        places = _terraform_places(block)
        return [p for p in places if _to_check(p)] if to_check else list(places)
    out: list[Place] = []
    _collect_places(block, out, to_check)
    return out


def _to_check(place: Place) -> bool:
    return place.kind is not Kind.NAMES and not plain_literal(place.expression)


def plain_literal(expression: n.Expression) -> bool:
    """A number or a string without interpolations: it can hold no reference."""
    kind = type(expression)
    if kind is n.TemplateString or kind is n.Heredoc:
        return all(type(part) is Leaf for part in expression.parts)
    return kind is n.Number


def _collect_places(block: n.Block, out: list[Place], to_check: bool) -> None:
    type_ = block.block_type
    constant = CONSTANT_ARGUMENTS.get(type_, _NONE)
    names = NAME_ARGUMENTS.get(type_, _NONE)
    addresses = ADDRESS_ARGUMENTS.get(type_, _NONE)
    depends = type_ in DEPENDENT_BLOCKS
    for element in block.body.elements:
        kind = type(element)
        if kind is n.Attribute:
            key = element.name.text
            if key in constant:
                if not (to_check and plain_literal(element.value)):
                    out.append(Place(Kind.CONSTANT, key, element.value, block))
            elif key in names:
                if not to_check:
                    out.append(Place(Kind.NAMES, key, element.value, block))
            elif key in addresses or (depends and key == "depends_on"):
                out.append(Place(Kind.ADDRESS, key, element.value, block))
            elif key == "replace_triggered_by" and type_ == "lifecycle":
                out.append(Place(Kind.RESOURCES, key, element.value, block))
        elif kind is n.Block:
            inner_type = element.type.text
            if inner_type in _NESTED_WITH_PLACES or (
                type_ == "check" and inner_type in RESOURCE_BLOCKS
            ):
                _collect_places(element, out, to_check)


_NONE: frozenset[str] = frozenset()
_NESTED_WITH_PLACES = frozenset({"lifecycle", "provisioner"})


def _terraform_places(block: n.Block) -> Iterator[Place]:
    """Everything in `terraform {}` is constant, but for the names in `experiments` and in
    `required_providers` entries' `configuration_aliases`."""
    for attribute in block.body.attributes():
        key = attribute.name.text
        if block.block_type == "required_providers" and type(attribute.value) is n.Object:
            yield from _required_provider_places(attribute.value, block)
            continue
        yield Place(
            Kind.NAMES if key == "experiments" else Kind.CONSTANT, key, attribute.value, block
        )
    for inner in block.body.blocks():
        yield from _terraform_places(inner)


def _required_provider_places(entry: n.Object, block: n.Block) -> Iterator[Place]:
    from ..writer.objects import object_key

    for item in entry.items:
        key = object_key(item)
        kind = Kind.NAMES if key == "configuration_aliases" else Kind.CONSTANT
        yield Place(kind, key, item.value, block)


def _index(block: n.Block) -> dict[int, Place]:
    """id(node) → the static place holding it, for every node under the block's places."""
    out: dict[int, Place] = {}
    for place in static_places(block):
        for node in place.expression.walk():
            out[id(node)] = place
    return out


_indexes = IdentityCache(_index, size=256)


def static_place(block: n.Block, node: n.Node) -> Place | None:
    """The static place of top-level ``block`` that holds ``node`` (an expression of it), if any."""
    return _indexes(block).get(id(node))


def is_static(block: n.Block, node: n.Node) -> bool:
    """True when Terraform would refuse a reference written at ``node`` (or would read the
    traversal there as an address or a name, not as a reference)."""
    return static_place(block, node) is not None


def allows_new_references(block: n.Block, node: n.Node) -> bool:
    """May a rule put a reference at ``node``? Not in a static place, nor in prose."""
    if block.block_type in ("terraform", "moved", "removed"):
        return False
    return not is_static(block, node) and not in_prose(block, node)


def in_prose(block: n.Block, node: n.Node) -> bool:
    """True for a node in a `description` or `error_message` anywhere in ``block``: text for
    people, where an id or a name is documentation."""
    return id(node) in _prose(block)


def _prose_ids(block: n.Block) -> frozenset[int]:
    out: set[int] = set()
    stack = [block]
    while stack:
        current = stack.pop()
        for attribute in current.body.attributes():
            if attribute.name.text in PROSE_ARGUMENTS:
                out.update(id(node) for node in attribute.value.walk())
        stack.extend(current.body.blocks())
    return frozenset(out)


_prose = IdentityCache(_prose_ids, size=256)
