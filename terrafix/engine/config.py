"""Configuration: `[tool.terrafix]` in pyproject.toml or `.terrafix.toml`, nearest to the path."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .exclude import Exclusions

# Who runs terrafix, and so which fixes are safe. `default`: any Terraform, production included:
# a safe fix never replaces or destroys a resource, never weakens protection and never narrows
# permissions on a guess. `ephemeral`: stacks created and destroyed per test, preview or pull
# request, where renames and destroyability fixes are what the user wants. `production`: never
# offers the renaming or destroyability fixes at all.
DEFAULT = "default"
EPHEMERAL = "ephemeral"
PRODUCTION = "production"
PROFILES = (DEFAULT, EPHEMERAL, PRODUCTION)


class ConfigError(ValueError):
    pass


@dataclass
class Config:
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    unsafe_fixes: bool = False
    profile: str = DEFAULT
    rules: dict[str, dict] = field(default_factory=dict)  # per-rule options by code or slug
    source: Path | None = None
    # Gitignore-like globs of paths to leave out: `exclude` relative to the config file's folder
    # (the current directory without one), `--exclude` relative to the current directory.
    exclude: list[str] = field(default_factory=list)
    command_line_exclude: list[str] = field(default_factory=list)
    # Where earlier runs' results are kept (`cache-dir`, relative to the config file's folder);
    # None: the user cache directory.
    cache_dir: Path | None = None

    def options_for(self, code: str, slug: str) -> dict:
        return {**self.rules.get(slug, {}), **self.rules.get(code, {})}

    def exclusions(self) -> Exclusions:
        from .exclude import Exclusions  # here: most runs exclude nothing

        here = Path.cwd()
        base = self.source.parent if self.source is not None else here
        return Exclusions([(base, self.exclude), (here, self.command_line_exclude)])


def find_config(start: Path) -> Path | None:
    """The nearest `.terrafix.toml`, or `pyproject.toml` with a [tool.terrafix] table."""
    directory = start if start.is_dir() else start.parent
    for folder in [directory.resolve(), *directory.resolve().parents]:
        candidate = folder / ".terrafix.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if (
            pyproject.is_file()
            and "tool" in _read(pyproject)
            and "terrafix" in _read(pyproject)["tool"]
        ):
            return pyproject
    return None


def _read(path: Path) -> dict:
    import tomllib  # here: most runs, and every editor call in a module without one, read no config

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"{path}: cannot read configuration: {err}") from None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    data = _read(path)
    table = data.get("tool", {}).get("terrafix", {}) if path.name == "pyproject.toml" else data
    known = {"select", "ignore", "unsafe-fixes", "profile", "rules", "exclude", "cache-dir"}
    unknown = set(table) - known
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s): {', '.join(sorted(unknown))}")
    profile = table.get("profile", DEFAULT)
    if profile not in PROFILES:
        raise ConfigError(f"{path}: profile must be one of {', '.join(PROFILES)}, not {profile!r}")
    exclude = table.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(x, str) for x in exclude):
        raise ConfigError(f"{path}: exclude must be a list of glob strings")
    cache_dir = table.get("cache-dir")
    if cache_dir is not None and not isinstance(cache_dir, str):
        raise ConfigError(f"{path}: cache-dir must be a path string")
    return Config(
        select=table.get("select"),
        ignore=list(table.get("ignore", [])),
        unsafe_fixes=bool(table.get("unsafe-fixes", False)),
        profile=profile,
        rules=dict(table.get("rules", {})),
        source=path,
        exclude=list(exclude),
        cache_dir=path.parent / cache_dir if cache_dir is not None else None,
    )
