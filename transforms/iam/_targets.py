"""The module's own resources a policy statement may name, as ARN expressions.

A policy must not name a resource that itself depends on the policy (a role's inline policy
naming the Lambda function that runs under the role): Terraform would report a cycle. So the
candidates leave out every block that reaches the policy's block through references.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from terrafix.data.iam_resources import ArnSource
from terrafix.model import Module
from terrafix.model.references import traversals
from terrafix.syntax import nodes as n
from terrafix.syntax.identity_cache import IdentityCache


@dataclass(frozen=True, slots=True)
class ArnExpression:
    """HCL source giving one ARN (``many`` False) or a list of ARNs (``many`` True).

    ``maybe_empty``: the resource's ``count``/``for_each`` is not a literal, so the list may be
    empty, and a statement with no resources is not a valid policy.
    """

    source: str
    many: bool
    maybe_empty: bool = False
    nested: bool = False  # names what is inside the resource (objects, indexes, streams)


def block_address(block: n.Block) -> str:
    """How references name a top-level block: ``aws_x.y``, ``data.aws_x.y``, ``module.m``."""
    labels = block.label_values
    if block.block_type == "resource" and len(labels) == 2:
        return f"{labels[0]}.{labels[1]}"
    if block.block_type == "data" and len(labels) == 2:
        return f"data.{labels[0]}.{labels[1]}"
    if block.block_type == "module" and labels:
        return f"module.{labels[0]}"
    return ".".join((block.block_type, *labels))


def address_of(parts: tuple[str, ...]) -> str | None:
    """The block (or local) a traversal's names point at; None for inputs and iterators."""
    if len(parts) >= 3 and parts[0] == "data":
        return ".".join(parts[:3])
    if len(parts) >= 2 and parts[0] in ("local", "module"):
        return ".".join(parts[:2])
    if len(parts) >= 2 and parts[0] not in ("var", "each", "count", "self", "path", "terraform"):
        return ".".join(parts[:2])
    return None


def _build_dependency_graph(module: Module) -> dict[str, set[str]]:
    """Address → the addresses it references (locals count one by one)."""
    graph: dict[str, set[str]] = {}
    by_block: dict[int, set[str]] = {}
    block, found = None, set()
    for reference in module.references:  # the module's own reading of every top-level block
        address = address_of(reference.traversal.parts)
        if address:
            if reference.block is not block:  # a block's references come one after another
                block = reference.block
                found = by_block.setdefault(id(block), set())
            found.add(address)
    for _, block in module.top_level_blocks():
        if block.block_type == "locals":
            for attribute in block.body.attributes():
                graph.setdefault(f"local.{attribute.key}", set()).update(addresses_in(attribute))
        else:
            graph.setdefault(block_address(block), set()).update(by_block.get(id(block), ()))
    return graph


# Every policy statement of a module asks for the same graph.
dependency_graph = IdentityCache(_build_dependency_graph, size=4)


def addresses_in(node: n.Node) -> set[str]:
    """The addresses of what ``node`` refers to (`aws_s3_bucket.logs`, `local.x`)."""
    out = set()
    for traversal in traversals(node):
        address = address_of(traversal.parts)
        if address:
            out.add(address)
    return out


def dependents(module: Module, block: n.Block) -> set[str]:
    """Addresses that reach ``block`` through references, ``block`` (and its locals) included."""
    referrers = referrers_of(module)
    if block.block_type == "locals":
        roots = {f"local.{a.key}" for a in block.body.attributes()}
    else:
        roots = {block_address(block)}
    reached = set(roots)
    pending = list(roots)
    while pending:  # each address is followed once: linear in the graph, not in its depth
        for address in referrers.get(pending.pop(), ()):
            if address not in reached:
                reached.add(address)
                pending.append(address)
    return reached


def _build_referrers(module: Module) -> dict[str, set[str]]:
    """Address → the addresses that reference it (the dependency graph reversed)."""
    referrers: dict[str, set[str]] = {}
    for address, targets in dependency_graph(module).items():
        for target in targets:
            referrers.setdefault(target, set()).add(address)
    return referrers


# Asked by every statement's planner and by the module's wiring.
referrers_of = IdentityCache(_build_referrers, size=4)


class _ResourceIndex:
    """The module's resources by type and by address, each in module order: every statement
    asks for a few types or addresses, and scanning all resources for each would make a module
    with many statements and many resources cost their product."""

    def __init__(self, module: Module) -> None:
        self.position: dict[tuple[str, str], int] = {}
        self.by_type: dict[str, list[tuple[str, str]]] = {}
        self.by_address: dict[str, list[tuple[str, str]]] = {}
        for position, key in enumerate(module.resources):
            self.position[key] = position
            self.by_type.setdefault(key[0], []).append(key)
            self.by_address.setdefault(f"{key[0]}.{key[1]}", []).append(key)

    def of_types(self, types: set[str]) -> list[tuple[str, str]]:
        """The resources of ``types``, in module order."""
        keys = [key for type_ in types for key in self.by_type.get(type_, ())]
        return sorted(keys, key=self.position.__getitem__) if len(types) > 1 else keys


_resource_index = IdentityCache(_ResourceIndex, size=4)


def candidates(module: Module, sources: Iterable[ArnSource], excluded: set[str]) -> list[str]:
    """Addresses of the module's resources of the sources' types, in module order."""
    return [a for a in _typed_addresses(module, sources) if a not in excluded]


def cyclic_candidates(
    module: Module, sources: Iterable[ArnSource], excluded: set[str]
) -> list[str]:
    """Addresses of the sources' types left out because they depend on the policy."""
    return [a for a in _typed_addresses(module, sources) if a in excluded]


def _typed_addresses(module: Module, sources: Iterable[ArnSource]) -> list[str]:
    types = {source.terraform_type for source in sources}
    return [f"{type_}.{name}" for type_, name in _resource_index(module).of_types(types)]


def arn_expressions(
    module: Module, sources: Iterable[ArnSource], named: Iterable[str]
) -> list[ArnExpression]:
    """ARN expressions of the ``named`` resources, for each source, in module order."""
    index = _resource_index(module)
    keys = {key for address in set(named) for key in index.by_address.get(address, ())}
    ordered = sorted(keys, key=index.position.__getitem__)
    resources = module.resources
    out: list[ArnExpression] = []
    for source in sources:
        for type_, name in ordered:
            if type_ != source.terraform_type:
                continue
            expression = _arn_expression(type_, name, resources[type_, name].node, source)
            if expression not in out:
                out.append(expression)
    return out


def _arn_expression(type_: str, name: str, block: n.Block, source: ArnSource) -> ArnExpression:
    address = f"{type_}.{name}"
    plain = source.template == "{ref}"
    count = block.body.attribute("count")
    if count is not None:
        empty = not _positive_number(count.value)
        if plain:
            return ArnExpression(f"{address}[*].{source.attribute}", True, empty)
        return ArnExpression(_for_each_item(address, source), True, empty, nested=True)
    for_each = block.body.attribute("for_each")
    if for_each is not None:
        empty = not _non_empty_literal(for_each.value)
        if plain:
            return ArnExpression(f"values({address})[*].{source.attribute}", True, empty)
        return ArnExpression(_for_each_item(address, source), True, empty, nested=True)
    ref = f"{address}.{source.attribute}"
    return ArnExpression(source.template.format(ref=ref), False, nested=not plain)


def _positive_number(value: n.Expression) -> bool:
    return type(value) is n.Number and value.token.text not in ("0", "0.0")


def _non_empty_literal(value: n.Expression) -> bool:
    """A literal map or list (possibly through ``toset``) with at least one item."""
    if type(value) is n.FunctionCall and value.function_name == "toset" and value.arguments:
        value = value.arguments[0].value
    return type(value) in (n.Object, n.Tuple) and bool(value.items)


def _for_each_item(address: str, source: ArnSource) -> str:
    item = source.template.format(ref=f"r.{source.attribute}")
    return f"[for r in {address} : {item}]"
