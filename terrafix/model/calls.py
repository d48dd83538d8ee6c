"""Which modules of a run call which: `module "x" { source = "../../" }` with a local path.

A module that another module calls is reusable: its variables are inputs its callers set, so a
fix must not change what their defaults mean (terraform-aws-modules' `force_destroy = false` is
a choice left to callers, not a defect).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..syntax import nodes as n
from .module import Module, literal_string

LOCAL_PREFIXES = ("./", "../")


def source_path(call: n.Block) -> str | None:
    """A `module` block's `source` when it is a local path (`./x`, `../../`), else None."""
    source = call.body.attribute("source")
    path = literal_string(source.value) if source is not None else None
    return path if path and path.startswith(LOCAL_PREFIXES) else None


def local_sources(module: Module) -> list[Path]:
    """The directories this module calls through local `source` paths."""
    out = []
    for symbol in module.module_calls.values():
        path = source_path(symbol.node)
        if path is not None:
            out.append((module.directory / path).resolve())
    return out


def callers_of(modules: Iterable[Module]) -> dict[Path, tuple[Path, ...]]:
    """Resolved module directory → the directories of the modules (in this run) that call it."""
    return callers_from_sites(
        (m.directory, ((name, source_path(s.node)) for name, s in m.module_calls.items()))
        for m in modules
    )


CallSite = tuple[str, str | None]  # a `module` block's name and local source (None: not local)


def call_sites(blocks: Iterable[n.Block]) -> list[CallSite]:
    """The call sites of a file's top-level `module` blocks."""
    return [(b.label_values[0], source_path(b)) for b in blocks if len(b.labels) == 1]


def callers_from_sites(
    modules: Iterable[tuple[Path, Iterable[CallSite]]],
) -> dict[Path, tuple[Path, ...]]:
    """``callers_of`` from each module directory's call sites, in file order (the first block
    of a name is the one Terraform reports the others against)."""
    callers: dict[Path, list[Path]] = {}
    for directory, sites in modules:
        sources: dict[str, str | None] = {}
        for name, source in sites:
            sources.setdefault(name, source)
        for source in sources.values():
            if source is not None:
                callers.setdefault((directory / source).resolve(), []).append(directory)
    return {target: tuple(sorted(set(dirs))) for target, dirs in callers.items()}
