"""The services a role's trust policy lets assume it, in any of the three policy forms."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from terrafix.model.module import literal_string
from terrafix.syntax import nodes as n
from terrafix.writer.objects import object_key

from ._policies import json_text
from ._targets import addresses_in

if TYPE_CHECKING:
    from ._wiring import Wiring

DOCUMENT = "data.aws_iam_policy_document."


def _service_name(identifier: str) -> str:
    return identifier.lower().split(".amazonaws.com")[0]


def trust_services(wiring: Wiring, role: n.Block) -> frozenset[str] | None:
    """Services a role's trust policy lets assume it; None when the policy cannot be read.
    A readable policy with only AWS or federated principals gives an empty set."""
    attribute = role.body.attribute("assume_role_policy")
    if attribute is None:
        return None
    found: set[str] = set()
    seen_principal = False
    value = attribute.value
    for node in value.walk():
        if type(node) is n.ObjectItem and (object_key(node) or "").lower() in (
            "principal",
            "principals",
        ):
            seen_principal = True
        if type(node) is n.ObjectItem and (object_key(node) or "").lower() == "service":
            found |= _strings(node.value)
    document = json_text(value)
    if document is not None:
        for item in _json_items(document):
            key, inner = item
            if key.lower() == "principal":
                seen_principal = True
            if key.lower() == "service":
                values = inner if isinstance(inner, list) else [inner]
                found |= {v for v in values if isinstance(v, str)}
    for address in wiring.resolved(addresses_in(value)):
        block = wiring.blocks.get(address)
        if block is None or not address.startswith(DOCUMENT):
            continue
        for statement in block.body.blocks("statement"):
            for principals in statement.body.blocks("principals"):
                seen_principal = True
                kind = principals.body.attribute("type")
                identifiers = principals.body.attribute("identifiers")
                if kind and literal_string(kind.value) == "Service" and identifiers:
                    found |= _strings(identifiers.value)
    if not seen_principal:
        return None
    return frozenset(_service_name(s) for s in found)


def _strings(value: n.Expression) -> set[str]:
    items = [i.value for i in value.items] if type(value) is n.Tuple else [value]
    return {s for s in map(literal_string, items) if s}


def _json_items(value: object) -> Iterator[tuple[str, object]]:
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            for key, inner in current.items():
                yield key, inner
                stack.append(inner)
        elif isinstance(current, list):
            stack.extend(current)
