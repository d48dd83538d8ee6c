"""Callers of a module from anywhere in its project, for runs that see only part of it.

`terrafix fix .` at a repository's root sees every module and knows which are called by others.
An editor's buffer, or a run on one directory, sees one module: to judge it the same way, the
other modules of the project (the git repository it sits in) are searched for a `module` block
whose local `source` leads to it. Reading every `.tf` file's text is cheap; only files with a
`source` string that resolves to the module are parsed, to confirm it is a module call.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from . import disk
from .calls import callers_of
from .discovery import skipped_dir
from .module import Module, SourceFile

# A local `source = "./…"` or `"../…"` string; the parse then confirms it is a module's.
_LOCAL_SOURCE = re.compile(r"""\bsource\s*=\s*"(\.\.?/[^"]*)\"""")
# A project bigger than this is not searched (a home folder under git, a monorepo): the answer
# would cost an editor too much.
MAX_FILES = 5_000
MAX_FOLDERS = 5_000


def project_root(directory: Path) -> Path | None:
    """The nearest directory at or above ``directory`` holding `.git`, else None."""
    return project_roots()(directory)


def project_roots() -> Callable[[Path], Path | None]:
    """``project_root`` for many folders, each folder looked at once: the modules of one run
    share their parents."""
    found: dict[Path, Path | None] = {}

    def root(folder: Path) -> Path | None:
        if folder not in found:
            if disk.exists(folder / ".git"):
                found[folder] = folder
            else:
                found[folder] = None if folder.parent == folder else root(folder.parent)
        return found[folder]

    return root


def find_callers(directory: Path) -> tuple[Path, ...]:
    """The directories of the project's modules that call ``directory`` through a local source.

    Outside a git repository the project's extent is unknown, and nothing is searched.
    """
    directory = directory.resolve()
    root = project_root(directory)
    if root is None:
        return ()
    target = str(directory)
    modules = []
    for caller, texts in _files_leading_to(root, target).items():
        files = {p: _parsed(p, t) for p, t in texts.items()}
        modules.append(Module(caller, {p: f for p, f in files.items() if f.tree is not None}))
    return callers_of(modules).get(directory, ())


def forget_projects() -> None:
    """Search again on the next call (a long-running server after files changed on disk)."""
    from .provider_requirements import forget_repositories

    _local_sources.cache_clear()
    _parsed.cache_clear()
    forget_repositories()


@lru_cache(maxsize=256)
def _parsed(path: Path, text: str) -> SourceFile:
    """A caller's file, parsed once however many of the modules it calls are looked up."""
    return SourceFile.load(path, text)


def _files_leading_to(root: Path, target: str) -> dict[Path, dict[Path, str]]:
    """Caller directory → its files with a local `source` string that resolves to ``target``."""
    out: dict[Path, dict[Path, str]] = {}
    for path, text, targets in _local_sources(root):
        if target in targets and path.parent.resolve() != Path(target):
            out.setdefault(path.parent, {})[path] = text
    return out


@disk.remembered(maxsize=8)
def _local_sources(root: Path) -> tuple[tuple[Path, str, frozenset[str]], ...]:
    """The `.tf` files under ``root`` (hidden and `.terraform` folders skipped) that hold a
    local `source` string: their text and the directories those strings resolve to. None when
    the project has over `MAX_FILES` files or `MAX_FOLDERS` folders."""
    found = []
    seen = 0
    for folders, (folder, dirs, files) in enumerate(disk.walk(root), 1):
        if folders > MAX_FOLDERS:
            return ()
        dirs[:] = sorted(d for d in dirs if not skipped_dir(d) and d != "node_modules")
        real_folder = os.path.realpath(folder)
        for name in sorted(files):
            if not name.endswith(".tf"):
                continue
            seen += 1
            if seen > MAX_FILES:
                return ()
            path = Path(folder) / name
            try:
                text = disk.read_text(path)
            except (OSError, UnicodeDecodeError):
                continue
            targets = frozenset(
                os.path.normpath(os.path.join(real_folder, source))
                for source in _LOCAL_SOURCE.findall(text)
            )
            if targets:
                found.append((path, text, targets))
    return tuple(found)
