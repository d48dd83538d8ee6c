"""Find Terraform modules (directories of .tf files) under the paths a user names."""

from __future__ import annotations

import os
from pathlib import Path

SKIPPED_DIRS = {".terraform", ".git"}


def skipped_dir(name: str) -> bool:
    """Folders no module lives in: Terraform's own cache, version control, hidden ones."""
    return name in SKIPPED_DIRS or name.startswith(".")


def discover_modules(paths: list[Path]) -> dict[Path, list[Path]]:
    """Module directory → its .tf files, for every directory under ``paths`` that has any.

    A file named directly stands for its directory's module (so the module context is complete).
    Hidden directories and ``.terraform/`` are skipped; module sources are never followed.
    """
    modules: dict[Path, set[Path]] = {}
    for path in paths:
        # A .tf path not on disk yet is an editor's unsaved buffer (its text comes separately).
        if path.is_file() or (path.suffix == ".tf" and not path.exists()):
            directory = path.parent
            modules.setdefault(directory, set()).update(_tf_files(directory))
            modules[directory].add(path)
            continue
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not skipped_dir(d))
            tf = [Path(root) / f for f in files if f.endswith(".tf")]
            if tf:
                modules.setdefault(Path(root), set()).update(tf)
    return {d: sorted(fs) for d, fs in sorted(modules.items())}


def _tf_files(directory: Path) -> list[Path]:
    try:
        return [p for p in directory.iterdir() if p.suffix == ".tf" and p.is_file()]
    except OSError:
        return []
