"""Which version floor a module may state for a provider without inventing one.

A floor above what the module's callers allow makes their constraints unsatisfiable (a caller
pins `~> 4.0`, the child says `>= 5.0`); a floor above the version a lock file selected makes
`terraform init` fail until someone upgrades. So the floor is copied, never made up, from (in
order) the module's callers, the other modules of its repository, its own lock file; and it is
never above a floor the repository already states for that provider. With none of these, no
floor: the entry names its source alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from .module import Module
from .project_callers import project_root
from .provider_requirements import (
    Requirement,
    directory_requirements,
    locked_versions,
    repository_requirements,
)
from .versions import at_most, floor_of, lowest


class Floor(NamedTuple):
    """A floor (`>= 4.9`) and where it comes from, for messages."""

    constraint: str
    origin: str


def provider_floor(
    module: Module, name: str, source: str, callers: Iterable[Path] = ()
) -> Floor | None:
    """The floor for provider ``name`` (from ``source``) in ``module``, or None for none."""
    callers = tuple(callers)
    caller_floors = [_floors(directory_requirements(c), name, source) for c in callers]
    listed = [floors for floors in caller_floors if floors]
    repository = _repository_floors(module.directory, callers, name, source)
    cap = lowest(repository)
    if listed:
        if any(None in floors for floors in listed):
            return None  # a caller accepts any version: any floor could exclude its choice
        version = lowest(v for floors in listed for v in floors)
        return Floor(f">= {at_most(version, cap)}", "what the module's callers allow")
    if repository:
        return Floor(f">= {cap}", "the lowest floor the repository's other modules state")
    locked = locked_versions(module.directory).get(source)
    if locked is not None:
        return Floor(f">= {at_most(locked, cap)}", "the version its lock file selected")
    return None


def _floors(requirements: Iterable[Requirement], name: str, source: str) -> list[str | None]:
    """The floor of each entry for the provider (None for one that admits any version)."""
    return [
        floor_of(r.version) if r.version else None for r in requirements if r.means(name, source)
    ]


def _repository_floors(
    directory: Path, callers: tuple[Path, ...], name: str, source: str
) -> list[str]:
    """The floors the other modules of the git repository state (callers included); none
    outside a repository, whose extent is unknown."""
    root = project_root(directory.resolve())
    if root is None:
        return []
    own = directory.resolve()
    floors = []
    for folder, requirements in repository_requirements(root).items():
        if folder.resolve() != own:
            floors += [f for f in _floors(requirements, name, source) if f is not None]
    return floors
