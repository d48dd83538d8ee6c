"""What a module wires together around its IAM roles, computed once per module.

For each role: the services its trust policy names, the blocks that run as it (a Lambda
function, an ECS task definition, an EC2 instance through its profile, a flow log, a
replication configuration, ...) and the resources those blocks use: what they reference (through
locals), what names them together with an input (an event source mapping's queue, a bucket
notification's bucket), the log group named after a function, what a resource policy grants the
role, what the role's own policies already name, and the KMS keys of all of those. Beside that:
the resources an AWS service writes into (trail buckets, flow-log destinations, access logs, ...)
and who writes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from terrafix.data.iam_resources import RESOURCE_ARNS
from terrafix.data.iam_wiring import (
    CONSUMER_INPUTS,
    IAM_PLUMBING,
    LOG_GROUP_NAMED_AFTER,
    OWNED_BY_REFERENCE,
    REPLICATION_SOURCES,
    SERVICE_DESTINATIONS,
)
from terrafix.model import Module
from terrafix.model.module import literal_string
from terrafix.syntax import nodes as n
from terrafix.syntax.identity_cache import IdentityCache

from ._names import block_words, name_key, words_of
from ._paths import attribute_values, attributes, ends_with
from ._targets import addresses_in, block_address, dependency_graph, referrers_of
from ._trust import DOCUMENT, trust_services

NAMEABLE_TYPES = frozenset(s.terraform_type for sources in RESOURCE_ARNS.values() for s in sources)
USE = "use"
REPLICA = "replica"  # a replication destination: only the replica actions act on it


@dataclass
class RoleFacts:
    """One ``aws_iam_role``: who may assume it, what runs as it, and what that uses."""

    address: str
    services: frozenset[str] | None  # None: the trust policy could not be read
    consumers: tuple[str, ...]
    uses: dict[str, set[str]] = field(default_factory=dict)  # resource → USE and/or REPLICA
    words: frozenset[str] = frozenset()


@dataclass
class Wiring:
    blocks: dict[str, n.Block]
    graph: dict[str, set[str]]  # address → addresses it references
    reverse: dict[str, set[str]]  # address → addresses referencing it
    writers: dict[str, list[str]] = field(default_factory=dict)  # resource → services' blocks
    owners: dict[str, str] = field(default_factory=dict)  # log group → the consumer it is for
    roles: dict[str, RoleFacts] = field(default_factory=dict)
    claims: dict[str, set[str]] = field(default_factory=dict)  # resource → roles using it
    # address → resource type ("" for other blocks), kept: asked of every address again and again
    types: dict[str, str] = field(default_factory=dict)
    # literal role `name` → the roles that have it, built when an attachment first asks
    _role_names: dict[str, list[str]] | None = field(default=None, repr=False, compare=False)

    def resolved(self, addresses: Iterable[str]) -> set[str]:
        """Addresses with locals replaced by what they reference, transitively."""
        out: set[str] = set()
        stack = list(addresses)
        seen: set[str] = set()
        while stack:
            address = stack.pop()
            if address in seen:
                continue
            seen.add(address)
            if address.startswith("local."):
                stack.extend(self.graph.get(address, ()))
            else:
                out.add(address)
        return out

    def targets(self, address: str) -> set[str]:
        return self.resolved(self.graph.get(address, ()))

    def referrers(self, address: str) -> set[str]:
        """Blocks referencing ``address``, directly or through locals."""
        out: set[str] = set()
        stack = [address]
        seen: set[str] = set()
        while stack:
            current = stack.pop()
            for referrer in self.reverse.get(current, ()):
                if referrer in seen:
                    continue
                seen.add(referrer)
                if referrer.startswith("local."):
                    stack.append(referrer)
                else:
                    out.add(referrer)
        return out

    def roles_named(self, name: str) -> list[str]:
        """The roles whose `name` is the literal ``name``: asked by every attachment that names
        its role by literal, so found through one map rather than a scan of every role."""
        if self._role_names is None:
            self._role_names = {}
            for address in self.roles:
                attribute = self.blocks[address].body.attribute("name")
                value = literal_string(attribute.value) if attribute is not None else None
                if value is not None:
                    self._role_names.setdefault(value, []).append(address)
        return self._role_names.get(name, [])

    def type_of(self, address: str) -> str:
        known = self.types.get(address)
        if known is None:
            block = self.blocks.get(address)
            resource = block is not None and block.block_type == "resource"
            known = self.types[address] = block.label_values[0] if resource else ""
        return known


def resource_type(address: str) -> str:
    return address.split(".", 1)[0] if not address.startswith(("data.", "local.")) else ""


def targets_at(wiring: Wiring, block: n.Block, patterns: Iterable[str]) -> set[str]:
    """Resources referenced by the attributes of ``block`` whose path ends with a pattern."""
    patterns = tuple(patterns)
    out: set[str] = set()
    for path, value in attribute_values(block):
        if any(ends_with(path, p) for p in patterns):
            out |= wiring.resolved(addresses_in(value))
    return out


# ---------------------------------------------------------------- building


def _build(module: Module) -> Wiring:
    graph = dependency_graph(module)
    reverse = referrers_of(module)
    blocks = {block_address(b): b for _, b in module.top_level_blocks() if b.block_type != "locals"}
    wiring = Wiring(blocks, graph, reverse)
    _find_writers(wiring)
    _find_owners(wiring)
    for address, block in blocks.items():
        if block.block_type == "resource" and block.label_values[0] == "aws_iam_role":
            wiring.roles[address] = _role_facts(wiring, address, block)
    for role in wiring.roles.values():
        for used in role.uses:
            wiring.claims.setdefault(used, set()).add(role.address)
        if role.consumers:  # the module already runs something as it: nobody passes it later
            wiring.claims.setdefault(role.address, set()).add(role.address)
    return wiring


wiring_of = IdentityCache(_build, size=4)


def _find_writers(wiring: Wiring) -> None:
    for address, block in wiring.blocks.items():
        patterns = SERVICE_DESTINATIONS.get(wiring.type_of(address))
        if not patterns:
            continue
        for target in targets_at(wiring, block, patterns):
            if target != address and resource_type(target) in NAMEABLE_TYPES:
                wiring.writers.setdefault(target, []).append(address)


def _find_owners(wiring: Wiring) -> None:
    """Log groups that belong to one consumer: named after it, or naming it."""
    named: dict[tuple[str, str], str] = {}  # (type, name key) → consumer
    for address, block in wiring.blocks.items():
        for _, type_, attribute in LOG_GROUP_NAMED_AFTER:
            if wiring.type_of(address) == type_:
                found = block.body.attribute(attribute)
                key = name_key(found.value if found else None)
                if key:
                    named[(type_, key)] = address
    for address, block in wiring.blocks.items():
        if wiring.type_of(address) != "aws_cloudwatch_log_group":
            continue
        found = block.body.attribute("name")
        key = name_key(found.value if found else None) or ""
        for prefix, type_, _ in LOG_GROUP_NAMED_AFTER:
            if key.lower().startswith(prefix) and (type_, key[len(prefix) :]) in named:
                wiring.owners[address] = named[(type_, key[len(prefix) :])]
        for target in wiring.targets(address):
            if any(wiring.type_of(target) == t for _, t, _ in LOG_GROUP_NAMED_AFTER):
                wiring.owners.setdefault(address, target)


def _role_facts(wiring: Wiring, address: str, block: n.Block) -> RoleFacts:
    consumers: list[str] = []
    uses: dict[str, set[str]] = {}

    def use(target: str, how: str = USE) -> None:
        if target != address and resource_type(target) in NAMEABLE_TYPES:
            uses.setdefault(target, set()).add(how)

    for referrer in sorted(wiring.referrers(address)):
        kind = wiring.type_of(referrer)
        if referrer.startswith(DOCUMENT):
            for grant in _grants_through_document(wiring, referrer):
                use(grant)
        elif kind == "aws_iam_instance_profile":
            consumers.extend(
                r
                for r in sorted(wiring.referrers(referrer))
                if wiring.type_of(r) and wiring.type_of(r) not in IAM_PLUMBING
            )
        elif kind in IAM_PLUMBING or not kind:
            continue
        elif _only_in_policies(wiring, wiring.blocks[referrer], address):
            for grant in _granted(wiring, referrer):
                use(grant)
        else:
            consumers.append(referrer)
    for consumer in consumers:
        for target, how in _consumer_uses(wiring, consumer):
            use(target, how)
    for target in _policy_named(wiring, address):
        use(target)
    for used in list(uses):  # the keys that encrypt what it uses
        for target in wiring.targets(used):
            if resource_type(target) == "aws_kms_key":
                use(target)
    services = trust_services(wiring, block)
    words = block_words(block)
    for consumer in consumers:
        words |= block_words(wiring.blocks[consumer])
    for service in services or ():
        words |= words_of(service)
    return RoleFacts(address, services, tuple(consumers), uses, frozenset(words))


def _only_in_policies(wiring: Wiring, block: n.Block, address: str) -> bool:
    """Whether every reference to ``address`` in ``block`` sits in a policy attribute (a
    resource-based policy naming the role as its principal)."""
    paths = [
        path
        for path, attribute in attributes(block)
        if address in wiring.resolved(addresses_in(attribute.value))
    ]
    return bool(paths) and all(any("polic" in part for part in path) for path in paths)


def _granted(wiring: Wiring, address: str) -> set[str]:
    """The resource a resource-based policy block is about: itself, or what its
    ``aws_x_policy`` block names outside the policy text."""
    block = wiring.blocks[address]
    if not wiring.type_of(address).endswith("_policy"):
        return {address}
    out: set[str] = set()
    for element in block.body.attributes():
        if "policy" not in element.key:
            out |= wiring.resolved(addresses_in(element.value))
    return out


def _grants_through_document(wiring: Wiring, document: str) -> set[str]:
    out: set[str] = set()
    for referrer in wiring.referrers(document):
        kind = wiring.type_of(referrer)
        if kind and kind not in IAM_PLUMBING:
            out |= _granted(wiring, referrer)
    return out


def _consumer_uses(wiring: Wiring, consumer: str) -> Iterator[tuple[str, str]]:
    block = wiring.blocks[consumer]
    kind = wiring.type_of(consumer)
    replicas: set[str] = set()
    if kind in REPLICATION_SOURCES:
        replicas = targets_at(wiring, block, ("destination.bucket",))
        if kind == "aws_s3_bucket":
            yield consumer, USE  # inline replication: the bucket is the source
    for target in wiring.targets(consumer):
        yield target, REPLICA if target in replicas else USE
    for referrer in wiring.referrers(consumer):
        inputs = CONSUMER_INPUTS.get(wiring.type_of(referrer))
        if inputs:
            for target in targets_at(wiring, wiring.blocks[referrer], inputs) - {consumer}:
                yield target, USE
        if wiring.type_of(referrer) in OWNED_BY_REFERENCE:
            yield referrer, USE
    for group, owner in wiring.owners.items():
        if owner == consumer:
            yield group, USE


def _policy_named(wiring: Wiring, role: str) -> set[str]:
    """Resources the role's own policies already name: what it is known to use."""
    policies = {role}
    for referrer in wiring.referrers(role):
        kind = wiring.type_of(referrer)
        if kind == "aws_iam_role_policy":
            policies.add(referrer)
        elif kind in ("aws_iam_role_policy_attachment", "aws_iam_policy_attachment"):
            policies |= {t for t in wiring.targets(referrer) if t.startswith("aws_iam_policy.")}
    out: set[str] = set()
    for policy in policies:
        block = wiring.blocks.get(policy)
        if block is None:  # an attachment naming a policy the module does not declare
            continue
        if policy == role:  # an inline_policy block; not the trust policy
            values = [v for p, v in attribute_values(block) if p[:2] == ("inline_policy", "policy")]
        else:
            values = [v for p, v in attribute_values(block) if p == ("policy",)]
        for value in values:
            for target in wiring.resolved(addresses_in(value)):
                if target.startswith(DOCUMENT):
                    out |= wiring.targets(target)
                else:
                    out.add(target)
    return {t for t in out if resource_type(t) in NAMEABLE_TYPES and t != role}
