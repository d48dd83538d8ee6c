"""Terraform version constraints (`">= 4.9, < 6.0"`, `"~> 4.0"`, `"5.31.0"`): their floors.

A module that adds a provider requirement must not exclude a version its callers or its
repository already accept: the lowest version a constraint admits is the highest floor that is
safe to copy. Terraform's syntax: comma-separated `op version` terms, ops `=`, `!=`, `>`, `>=`,
`<`, `<=`, `~>`, no op meaning `=`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_TERM = re.compile(r"^\s*(~>|>=|<=|!=|=|>|<)?\s*v?(\d+(?:\.\d+){0,2}(?:-[0-9A-Za-z.-]+)?)\s*$")
_LOWER_OPS = ("", "=", ">=", ">", "~>")


def version_key(version: str) -> tuple[int, int, int, int, str]:
    """A sort key: numbers first, a pre-release (`5.0.0-beta1`) before its release."""
    core, _, pre = version.partition("-")
    numbers = [int(x) for x in core.split(".")] + [0, 0, 0]
    return (numbers[0], numbers[1], numbers[2], 0 if pre else 1, pre)


def floor_of(constraint: str) -> str | None:
    """The lowest version ``constraint`` admits, as written in it; None when it has no lower
    bound (`< 6.0`, `!= 5.1`) or is not a constraint this module can read."""
    floors = []
    for term in constraint.split(","):
        match = _TERM.match(term)
        if match is None:
            return None
        op, version = match.group(1) or "", match.group(2)
        if op in _LOWER_OPS:
            floors.append(version)
    return max(floors, key=version_key) if floors else None


def lowest(versions: Iterable[str]) -> str | None:
    """The lowest of ``versions``, or None when there are none."""
    return min(versions, key=version_key, default=None)


def at_most(floor: str, cap: str | None) -> str:
    """``floor``, lowered to ``cap`` when it is higher."""
    if cap is not None and version_key(cap) < version_key(floor):
        return cap
    return floor
