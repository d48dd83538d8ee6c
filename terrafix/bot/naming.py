"""How the bot names its commits and pull requests: a style, or templates of placeholders.

Kept apart from ``render`` so the command can check its options without importing the engine.
"""

from __future__ import annotations

from dataclasses import dataclass

COMMIT_STYLES = {
    "conventional": "fix(terraform): apply {count} terrafix {noun} ({rules})",
    "plain": "Apply {count} terrafix {noun} ({rules})",
}
PLACEHOLDERS = ("count", "noun", "rules", "files")
MAX_LINE = 100  # commitlint's config-conventional: header and body lines at most 100


@dataclass(frozen=True)
class Naming:
    """How commits and pull requests are titled: a style, or templates of PLACEHOLDERS."""

    style: str = "conventional"
    commit_template: str | None = None  # the commit's first line
    title_template: str | None = None  # the pull request's title (default: the commit's)

    @property
    def commit(self) -> str:
        return self.commit_template or COMMIT_STYLES[self.style]


def check_template(template: str) -> str:
    """``template`` when it names only known placeholders; ValueError saying which is not."""
    try:
        template.format(**dict.fromkeys(PLACEHOLDERS, ""))
    except (KeyError, IndexError, ValueError) as err:
        known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        raise ValueError(f"bad template {template!r} ({err}); placeholders: {known}") from None
    return template


DEFAULT_NAMING = Naming()
