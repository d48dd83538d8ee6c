"""The principal a policy statement is for: the roles the module attaches the policy to.

A statement reaches its roles through ``aws_iam_role_policy.role``, ``inline_policy`` blocks,
``aws_iam_policy`` + ``aws_iam_role_policy_attachment`` / ``aws_iam_policy_attachment`` /
``managed_policy_arns``, and the ``aws_iam_policy_document`` or local those use.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from terrafix.model import Module
from terrafix.model.module import literal_string
from terrafix.syntax import nodes as n

from ._names import block_words
from ._policies import Statement
from ._targets import addresses_in, block_address
from ._trust import DOCUMENT
from ._wiring import Wiring, wiring_of

ROLE = "aws_iam_role."
ATTACHMENTS = {"aws_iam_role_policy_attachment": "role", "aws_iam_policy_attachment": "roles"}
PERSON_POLICIES = frozenset(
    {
        "aws_iam_user_policy",
        "aws_iam_group_policy",
        "aws_iam_user_policy_attachment",
        "aws_iam_group_policy_attachment",
    }
)


@dataclass(frozen=True)
class Principal:
    """Who a statement grants to, and what the module shows it uses.

    ``attached``: the module attaches the policy to a role, user or group it declares.
    ``services``: the services that may assume its roles (None: unknown, so no service's
    conventions can rule a resource out).
    """

    roles: tuple[str, ...]
    attached: bool
    services: frozenset[str] | None
    consumers: tuple[str, ...] = ()
    uses: dict[str, set[str]] = field(default_factory=dict)
    words: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        return ", ".join(self.roles) if self.roles else "its principal"


def principal_of(module: Module, statement: Statement) -> Principal:
    wiring = wiring_of(module)
    block = statement.block
    address = (
        f"local.{statement.attribute}" if block.block_type == "locals" else block_address(block)
    )
    roles, attached = _roles(wiring, address, set())
    facts = [wiring.roles[r] for r in sorted(roles) if r in wiring.roles]
    services: frozenset[str] | None = frozenset()
    if not facts:
        services = frozenset() if attached else None
    for fact in facts:
        services = None if services is None or fact.services is None else services | fact.services
    uses: dict[str, set[str]] = {}
    for fact in facts:
        for used, how in fact.uses.items():
            uses.setdefault(used, set()).update(how)
    words = frozenset(block_words(block)) if block.block_type != "locals" else frozenset()
    for fact in facts:
        words |= fact.words
    return Principal(
        roles=tuple(f.address for f in facts),
        attached=attached,
        services=services,
        consumers=tuple(c for f in facts for c in f.consumers),
        uses=uses,
        words=words,
    )


def _roles(wiring: Wiring, address: str, seen: set[str]) -> tuple[set[str], bool]:
    """The roles a policy at ``address`` is attached to, and whether it is attached at all."""
    if address in seen:
        return set(), False
    seen.add(address)
    kind = wiring.type_of(address)
    block = wiring.blocks.get(address)
    if kind == "aws_iam_role":
        return {address}, True
    if kind == "aws_iam_role_policy" and block is not None:
        roles = _named_roles(wiring, block, "role")
        return roles, bool(roles)
    if kind in PERSON_POLICIES:
        return set(), True
    if not (kind == "aws_iam_policy" or address.startswith((DOCUMENT, "local."))):
        return set(), False
    roles: set[str] = set()
    attached = False
    for referrer in sorted(wiring.referrers(address)):
        referrer_kind = wiring.type_of(referrer)
        if referrer_kind in ATTACHMENTS:
            found = _named_roles(wiring, wiring.blocks[referrer], ATTACHMENTS[referrer_kind])
            roles |= found
            attached = attached or bool(found)
        elif referrer_kind in PERSON_POLICIES:
            attached = True
        elif referrer_kind == "aws_iam_role" and not _only_trust(wiring, referrer, address):
            roles.add(referrer)
            attached = True
        elif referrer_kind in ("aws_iam_role_policy", "aws_iam_policy") or referrer.startswith(
            DOCUMENT
        ):
            found, through = _roles(wiring, referrer, seen)
            roles |= found
            attached = attached or through
    return roles, attached


def _only_trust(wiring: Wiring, role: str, address: str) -> bool:
    """Whether ``role`` uses ``address`` only as its trust policy."""
    block = wiring.blocks[role]
    for element in block.body.elements:
        if type(element) is n.Attribute and element.key == "assume_role_policy":
            continue
        if address in wiring.resolved(addresses_in(element)):
            return False
    return True


def _named_roles(wiring: Wiring, block: n.Block, attribute: str) -> set[str]:
    """Roles an attachment's ``role``/``roles`` names, by reference or by literal name."""
    found = block.body.attribute(attribute)
    if found is None:
        return set()
    roles = {t for t in wiring.resolved(addresses_in(found.value)) if t.startswith(ROLE)}
    values = [i.value for i in found.value.items] if type(found.value) is n.Tuple else [found.value]
    names = {literal_string(v) for v in values} - {None}
    for name in names:
        roles.update(wiring.roles_named(name))
    return roles
