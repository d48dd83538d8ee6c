"""Which of the module's resources of one type a principal's statement may name, and how sure
that is.

Certain: resources the principal is wired to, or the one candidate left when nothing speaks
against it. Never: resources another AWS service writes into (a trail's bucket, a flow log's
log group, access logs, replication destinations) unless the principal is wired to them, log
groups that belong to another function, and log groups whose name says another service writes
them. Otherwise a guess: the candidates no other role is wired to (a role that something in the
module already runs as counts as wired to itself), narrowed by shared words in their names when
that singles some out; a candidate only other roles use is never guessed, nor (unless it is a
role) what is left once those are set aside.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from terrafix.data.iam_wiring import REPLICA_ACTION_PREFIXES

from ._names import block_words, log_group_writers
from ._principal import Principal
from ._wiring import REPLICA, USE, Wiring

ROLE = "aws_iam_role."


@dataclass(frozen=True)
class Choice:
    """``named``: the resources to name; ``pool``: every candidate still in the running;
    ``excluded``: candidates ruled out, with why (``is written by aws_cloudtrail.main``)."""

    named: tuple[str, ...]
    certain: bool
    pool: tuple[str, ...] = ()
    excluded: dict[str, str] = field(default_factory=dict)


def is_replica_action(action: str) -> bool:
    return action.lower().startswith(REPLICA_ACTION_PREFIXES)


def choose(
    wiring: Wiring, principal: Principal, candidates: list[str], replica_action: bool
) -> Choice:
    """Pick among ``candidates`` (addresses of one resource type, in module order)."""
    allowed = {USE}
    if replica_action:  # the destination, when the principal replicates at all
        replicates = any(REPLICA in how for how in principal.uses.values())
        allowed = {REPLICA} if replicates else {USE, REPLICA}
    linked = tuple(c for c in candidates if principal.uses.get(c, set()) & allowed)
    if linked:
        return Choice(linked, True, linked)
    excluded = {c: why for c in candidates if (why := _ruled_out(wiring, principal, c))}
    pool = tuple(c for c in candidates if c not in excluded)
    if not pool:
        return Choice((), False, (), excluded)
    others = set(wiring.roles) - set(principal.roles)
    free = tuple(c for c in pool if not wiring.claims.get(c, set()) & others)
    if len(pool) == 1 and free and not _words_point_elsewhere(wiring, principal, pool[0], others):
        return Choice(pool, True, pool, excluded)
    if principal.services == frozenset() and not principal.consumers:
        return Choice((), False, pool, excluded)  # a person's role: no workload to guess from
    near = tuple(c for c in free if block_words(wiring.blocks[c]) & principal.words)
    if near:
        return Choice(near, False, pool, excluded)
    if len(free) < len(pool) and not pool[0].startswith(ROLE):
        # what is left once others' resources are set aside says nothing of this principal's;
        # a role something already runs as, though, is one Terraform passes, not the principal
        return Choice((), False, pool, excluded)
    return Choice(free, False, pool, excluded)


def _ruled_out(wiring: Wiring, principal: Principal, candidate: str) -> str | None:
    if candidate in principal.roles:
        return "is the principal itself"
    if candidate in principal.uses:
        return "is used by it for other actions only"
    writers = wiring.writers.get(candidate)
    if writers:
        return f"is written by {writers[0]}"
    owner = wiring.owners.get(candidate)
    if owner is not None and owner not in principal.consumers:
        return f"belongs to {owner}"
    if candidate.startswith("aws_cloudwatch_log_group.") and principal.services is not None:
        services = log_group_writers(wiring.blocks[candidate])
        if services is not None and not services & principal.services:
            return "is named for another service's logs"
    return None


def _words_point_elsewhere(
    wiring: Wiring, principal: Principal, candidate: str, others: set[str]
) -> bool:
    """A lone candidate whose name shares words with another role and none with this one."""
    words = block_words(wiring.blocks[candidate])
    if not words or words & principal.words:
        return False
    return any(words & wiring.roles[role].words for role in others)
