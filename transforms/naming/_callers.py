"""Child modules in the same tree: who calls them, with what, and which calls need the suffix.

A module under `./modules/x` names its resources from its variables; whether those names are
static depends on what its caller passes. A root configuration passing `var.project_name`
(a fixed value) makes the child's names static too, so the child gets an `environment_suffix`
variable and the caller passes its own suffix down.
"""

from __future__ import annotations

from pathlib import Path

from terrafix.model import Module, disk
from terrafix.model.calls import source_path
from terrafix.syntax import nodes as n
from terrafix.syntax.identity_cache import IdentityCache

from ._analysis import Origin, OriginAnalysis
from ._memo import remembered, remembered_for

LEVELS = 3  # how far up a caller of a child module may sit


def read_module(directory: Path) -> Module | None:
    """The module in ``directory`` as it is on disk, or None when a file does not parse.

    Every pass of every run asks again for the same callers, so the parsed module is kept for
    as long as none of its files changes on disk (a long-running language server sees edits).
    """
    try:
        stamp = tuple((path, *disk.stamp(path)) for path in _tf_files(directory))
    except OSError:
        return None
    cached = _READ.get(directory)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    texts = {}
    for path, _, _ in stamp:
        try:
            texts[path] = disk.read_text(path)
        except (OSError, UnicodeDecodeError):
            return None
    module = Module.from_texts(directory, texts)
    result = None if any(s.error for s in module.files.values()) else module
    _READ[directory] = (stamp, result)
    return result


_READ: dict[Path, tuple[tuple, Module | None]] = {}


def local_source(call: n.Block) -> str | None:
    """The call's source when it is a child directory (`./x`): the only callers wired here."""
    path = source_path(call)
    return path if path is not None and path.startswith("./") else None


def local_callers(module: Module) -> list[tuple[Module, n.Block]] | None:
    """Module blocks in parent directories that call ``module`` by a `./` path; None when a
    caller's directory does not parse (its calls cannot be wired)."""
    return remembered("local callers", module, None, lambda: _local_callers(module))


def _local_callers(module: Module) -> list[tuple[Module, n.Block]] | None:
    try:
        target = remembered_for("resolved", module.directory, module.directory.resolve)
    except OSError:
        return []
    out: list[tuple[Module, n.Block]] = []
    for parent in list(target.parents)[:LEVELS]:
        texts = _tf_files(parent)
        if not any(target.name in _text(p) for p in texts):
            continue
        caller = read_module(parent)
        calls = [] if caller is None else _local_calls(caller)
        out.extend((caller, call) for call, called in calls if called == target)
        if caller is None and any(f"./{target.relative_to(parent)}" in _text(p) for p in texts):
            return None
    return out


def _local_calls(caller: Module) -> list[tuple[n.Block, Path]]:
    """The caller's calls of child directories, each with the directory it resolves to: asked
    for each module the caller might call, in the check of each of them."""
    return _resolved_calls(caller)


def _all_resolved(caller: Module) -> list[tuple[n.Block, Path]]:
    out = []
    for symbol in caller.module_calls.values():
        source = local_source(symbol.node)
        if source is not None:
            out.append((symbol.node, (caller.directory / source).resolve()))
    return out


# Callers come from ``read_module``, which hands out one module for as long as its files stay
# as they are: resolving its calls (a stat per folder) once serves every child's check.
_resolved_calls: IdentityCache[Module, list[tuple[n.Block, Path]]] = IdentityCache(
    _all_resolved, size=256
)


def caller_arguments(module: Module) -> dict[str, Origin] | None:
    """How each variable of a child module varies, from what its callers pass; None when the
    module is nobody's local child (its variables are then the usual inputs)."""
    callers = local_callers(module)
    if callers is None:
        return {name: Origin.INPUT for name in module.variables}
    if not callers:
        return None
    out: dict[str, Origin] = {}
    for caller, call in callers:
        analysis = OriginAnalysis(caller)
        for attribute in call.body.attributes():
            name = attribute.name.text
            out[name] = max(out.get(name, Origin.STATIC), analysis.origin(attribute.value))
    return out


def _tf_files(directory: Path) -> list[Path]:
    """The folder's `.tf` files, listed once per check: a caller's folder is listed to look
    for calls, and again to read it as a module."""
    return remembered_for("tf files", directory, lambda: disk.glob(directory, "*.tf"))


def _text(path: Path) -> str:
    """The file's text ("" when it cannot be read), read once per check: the files of a
    caller are searched for each module it might call."""
    return remembered_for("text", path, lambda: _read_text(path))


def _read_text(path: Path) -> str:
    try:
        return disk.read_text(path)
    except (OSError, UnicodeDecodeError):
        return ""
