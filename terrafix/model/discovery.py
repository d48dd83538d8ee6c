"""Find Terraform modules (directories of .tf files) under the paths a user names."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from . import disk

SKIPPED_DIRS = {".terraform", ".git"}
TFVARS = ".tfvars"
AUTO_LOADED = "terraform.tfvars"
AUTO_SUFFIX = ".auto.tfvars"


def skipped_dir(name: str) -> bool:
    """Folders no module lives in: Terraform's own cache, version control, hidden ones."""
    return name in SKIPPED_DIRS or name.startswith(".")


# Whether a path (a folder when the flag is set) is excluded by configuration.
Excluded = Callable[[Path, bool], bool]
# The folders of one walk from a named path, as discovery prunes them, each with its files' names.
Walk = list[tuple[Path, list[str]]]


def discover_modules(
    paths: list[Path], excluded: Excluded | None = None, walks: dict[Path, Walk] | None = None
) -> dict[Path, list[Path]]:
    """Module directory → its .tf files, for every directory under ``paths`` that has any.

    A file named directly stands for its directory's module (so the module context is complete).
    Hidden directories and ``.terraform/`` are skipped; module sources are never followed.
    ``excluded`` leaves out the files and folders it matches, named ones included. Each folder
    walked is kept in ``walks``, when given, for ``discover_tfvars`` to walk again in memory.
    """
    out = excluded or (lambda path, is_dir: False)
    modules: dict[Path, set[Path]] = {}
    for path in paths:
        if path.name.endswith(TFVARS):
            continue  # values for a module, not part of it: see discover_tfvars
        # A .tf path not on disk yet is an editor's unsaved buffer (its text comes separately).
        if path.is_file() or (path.suffix == ".tf" and not path.exists()):
            directory = path.parent
            if out(path, False):
                continue
            modules.setdefault(directory, set()).update(
                f for f in _tf_files(directory) if not out(f, False)
            )
            modules[directory].add(path)
            continue
        if out(path, True):
            continue
        walked: Walk = []
        for folder, files in _walk(path, out):  # one folder at a time, as os.walk goes
            walked.append((folder, files))
            tf = [folder / f for f in files if f.endswith(".tf")]
            tf = [f for f in tf if not out(f, False)]
            if tf:
                modules.setdefault(folder, set()).update(tf)
        if walks is not None:
            walks[path] = walked
    return {d: sorted(fs) for d, fs in sorted(modules.items())}


def discover_tfvars(
    paths: list[Path], excluded: Excluded | None = None, walks: dict[Path, Walk] | None = None
) -> list[Path]:
    """The ``.tfvars`` files named in ``paths`` (on disk or an editor's buffer) or found under
    the folders named, skipping what discovery of modules skips. A folder ``discover_modules``
    walked into ``walks`` is not walked again: its walk asked ``excluded`` the same questions."""
    out = excluded or (lambda path, is_dir: False)
    found: set[Path] = set()
    for path in paths:
        if path.name.endswith(TFVARS) and not path.is_dir():
            if not out(path, False):
                found.add(path)
            continue
        if not path.is_dir() or out(path, True):
            continue
        walked = (walks or {}).get(path)
        for folder, files in _walk(path, out) if walked is None else walked:
            found.update(
                folder / f for f in files if f.endswith(TFVARS) and not out(folder / f, False)
            )
    return sorted(found)


def _walk(path: Path, out: Excluded) -> Iterator[tuple[Path, list[str]]]:
    """The folders under ``path`` discovery looks in, each with its files' names."""
    for root, dirs, files in os.walk(path):
        folder = Path(root)  # one path per folder, its files' made from it
        dirs[:] = sorted(d for d in dirs if not skipped_dir(d) and not out(folder / d, True))
        yield folder, files


def auto_load_rank(path: Path) -> tuple[int, str] | None:
    """Where ``path`` comes in the order Terraform loads a root module's variable definitions
    files by itself (`terraform.tfvars`, `terraform.tfvars.json`, then `*.auto.tfvars` and
    `*.auto.tfvars.json` by name; a later value wins), or None for a file it does not load."""
    return _auto_load_rank_of(path.name)


def _auto_load_rank_of(name: str) -> tuple[int, str] | None:
    """``auto_load_rank`` of a file's name (a folder's listing gives names, not paths)."""
    if name == AUTO_LOADED:
        return (0, name)
    if name == AUTO_LOADED + ".json":
        return (1, name)
    if name.endswith((AUTO_SUFFIX, AUTO_SUFFIX + ".json")):
        return (2, name)
    return None


def auto_loaded_files(directory: Path) -> list[Path]:
    """The variable definitions files Terraform loads by itself from ``directory``, in order
    (looked at through ``disk``: a rule's cached result depends on them)."""
    try:
        names = disk.listdir(directory)
    except OSError:
        return []
    found = [directory / name for name in names if _auto_load_rank_of(name) is not None]
    return sorted((p for p in found if disk.is_file(p)), key=auto_load_rank)


def _tf_files(directory: Path) -> list[Path]:
    try:
        return [p for p in directory.iterdir() if p.suffix == ".tf" and p.is_file()]
    except OSError:
        return []
