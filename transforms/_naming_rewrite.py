"""Rewriting physical names as template text: put a prefix in front, follow renamed names.

Names are edited as the source text between the quotes of a template (``${var.p}-alb``), so
every interpolation the name already has stays exactly as written.
"""

from __future__ import annotations

import functools
import re

from terrafix.syntax import nodes as n
from terrafix.syntax.strings import escape

NAME_CHARACTER = re.compile(r"[A-Za-z0-9_-]")
MIN_FOLLOWED_LENGTH = 5  # shorter names are too likely to occur by chance in other strings


def source_of(expression: n.Expression) -> str:
    """An expression's source without the spacing or comments in front of it."""
    text = expression.render()
    first = expression.first_leaf()
    return text[len(first.pre) :] if first is not None else text


def template_inner(expression: n.Expression) -> str | None:
    """The source between the quotes of a one-line template string, else None."""
    if type(expression) is not n.TemplateString:
        return None
    text = source_of(expression)
    return text[1:-1] if "\n" not in text else None


def as_inner(expression: n.Expression) -> str:
    """Template text with the value of ``expression``: itself, or one interpolation of it."""
    inner = template_inner(expression)
    return inner if inner is not None else "${" + source_of(expression) + "}"


def prefixed(inner: str, head: str, prefix: str, leading: str | None) -> str:
    """``inner`` with ``prefix`` after the form's ``head``; ``leading`` (an interpolation or a
    literal word the prefix already stands for) is replaced rather than repeated."""
    rest = inner[len(head) :]
    if leading is not None and rest.startswith(leading):
        after = rest[len(leading) :]
        if leading.startswith("${") or after == "" or after[0] in "-_./":
            return head + prefix + after
    separator = "" if rest[:1] in ("-", "_", "/", ".") or rest == "" else "-"
    return head + prefix + separator + rest


def literal_word(value: str) -> str:
    """Template text for a literal value."""
    return escape(value)


def replace_names(inner: str, renames: list[tuple[str, str]]) -> str:
    """Replace whole occurrences of old names (template text) by new ones: an occurrence must
    not continue a longer name on either side."""
    pattern, replacement = _names_pattern(tuple(renames))
    if pattern is None:
        return inner
    return pattern.sub(lambda match: replacement[match.group()], inner)


@functools.lru_cache(maxsize=64)
def _names_pattern(renames: tuple[tuple[str, str], ...]) -> tuple[re.Pattern | None, dict]:
    """One pattern for all old names, longest first, each bounded by non-name characters."""
    followed = [(old, new) for old, new in renames if len(old) >= MIN_FOLLOWED_LENGTH]
    if not followed:
        return None, {}
    ordered = sorted(followed, key=lambda pair: -len(pair[0]))  # stable: first rename wins ties
    replacement: dict[str, str] = {}
    for old, new in ordered:
        replacement.setdefault(old, new)
    alternatives = "|".join(re.escape(old) for old in replacement)
    name = NAME_CHARACTER.pattern
    return re.compile(f"(?<!{name})(?:{alternatives})(?!{name})"), replacement
