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
    callers: dict[Path, list[Path]] = {}
    for module in modules:
        for target in local_sources(module):
            callers.setdefault(target, []).append(module.directory)
    return {target: tuple(sorted(set(dirs))) for target, dirs in callers.items()}
