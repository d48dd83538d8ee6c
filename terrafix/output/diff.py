"""Unified diffs with `a/` and `b/` paths relative to the current directory."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from ..engine.pipeline import FileResult


def display_path(path: Path) -> str:
    """``path`` relative to the working directory, as every report line starts."""
    return _relative(path, os.getcwd())


@lru_cache(maxsize=4096)
def _relative(path: Path, cwd: str) -> str:
    # Reports name a file once per finding: a big report spent a fifth of its time here.
    try:
        return os.path.relpath(path, cwd)
    except ValueError:  # another drive on Windows
        return str(path)


def _lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def unified_diff(file: FileResult) -> str:
    import difflib  # here: every report names paths, only a dry run's shows diffs

    name = display_path(file.path).replace(os.sep, "/")
    old_name = "/dev/null" if file.original is None else f"a/{name}"
    diff = difflib.unified_diff(
        _lines(file.original or ""), _lines(file.final), old_name, f"b/{name}", n=3
    )
    return "".join(diff)
