"""Where terrafix keeps what it can compute again: grammar tables and earlier runs' results."""

from __future__ import annotations

import os
from pathlib import Path


def user_cache_dir() -> Path | None:
    """``$XDG_CACHE_HOME/terrafix`` or ``~/.cache/terrafix``; None when there is no home."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = Path.home() / ".cache"
        except RuntimeError:
            return None
    return Path(base) / "terrafix"


def write_atomically(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all (temp file, then rename), so a reader never sees half
    an entry; a folder that will not take it is skipped silently: a cache is optional."""
    import tempfile  # only when something is written: most processes just read

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass
