"""What every front end asks for before a run: the config file's settings, then its own on top.

The CLI, the pull-request bot and the language server all start a run the same way: the nearest
config file to the paths (or one named), with the choices made on the command line layered over
it. Keeping that here means they agree on what `--select TF00,name-prefix-locals` selects and
reject the same typos.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .config import Config, ConfigError, find_config, load_config
from .rule_index import RULES


def rule_names(values: Iterable[str] | None) -> list[str]:
    """`TF005,TF006` as Ruff reads it: each value may hold several comma-separated names."""
    return [name.strip() for value in values or () for name in value.split(",") if name.strip()]


def unknown_rule_names(names: Iterable[str]) -> list[str]:
    """Names no rule answers to, by code, code prefix or slug: a typo would select nothing."""
    return [
        name
        for name in names
        if not any(e.code.startswith(name.upper()) or e.slug == name for e in RULES)
    ]


def resolve_config(
    start: Path,
    *,
    config_path: Path | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    exclude: Iterable[str] = (),
    unsafe_fixes: bool | None = None,
    profile: str | None = None,
) -> Config:
    """The config for a run over ``start``: ``config_path`` or the nearest config file, with the
    given choices on top (``None`` and empty leave the file's). Raises ConfigError."""
    select, ignore = rule_names(select), rule_names(ignore)
    unknown = unknown_rule_names([*select, *ignore])
    if unknown:
        raise ConfigError(f"no rule is called {unknown[0]!r} (see `terrafix rules`)")
    config = load_config(config_path or find_config(start))
    if select:
        config.select = select
    if ignore:
        config.ignore = [*config.ignore, *ignore]
    exclude = list(exclude)
    if exclude:
        config.command_line_exclude = [*config.command_line_exclude, *exclude]
    if unsafe_fixes is not None:
        config.unsafe_fixes = unsafe_fixes
    if profile is not None:
        config.profile = profile
    return config
