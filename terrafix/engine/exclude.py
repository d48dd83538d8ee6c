"""Paths a run leaves out: `exclude` globs from the config file and `--exclude` on the command line.

The globs match as `.gitignore` lines do, each relative to its own folder: the config file's for
`exclude` in `.terrafix.toml` / `[tool.terrafix]`, the current directory for `--exclude`. A glob
without a slash (`mixins`, `*.mixin.tf`) matches a name at any depth; one with a slash
(`modules/_templates`, `/legacy`) is anchored to that folder; a trailing slash matches folders
only; `**` spans folders. An excluded folder is not entered.
"""

from __future__ import annotations

from pathlib import Path


class Exclusions:
    """Groups of gitignore-like globs, each relative to its own base folder."""

    def __init__(self, groups: list[tuple[Path, list[str]]]) -> None:
        groups = [(base, globs) for base, globs in groups if globs]
        if not groups:
            self._groups = []
            return
        import pathspec  # here: only a run with globs needs it (20 ms to import)

        self._groups = [
            (base.resolve(), pathspec.GitIgnoreSpec.from_lines(globs)) for base, globs in groups
        ]

    def __bool__(self) -> bool:
        return bool(self._groups)

    def excludes(self, path: Path, *, is_dir: bool) -> bool:
        """True when a glob matches ``path`` or a folder above it (below the glob's base)."""
        resolved = path.resolve()
        for base, spec in self._groups:
            if resolved == base or base not in resolved.parents:
                continue
            relative = resolved.relative_to(base).as_posix()
            if spec.match_file(relative + "/" if is_dir else relative):
                return True
            parts = relative.split("/")
            if any(spec.match_file("/".join(parts[:i]) + "/") for i in range(1, len(parts))):
                return True
        return False
