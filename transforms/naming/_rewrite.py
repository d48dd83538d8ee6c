"""Rewriting physical names as template text: put a prefix in front, follow renamed names.

Names are edited as the source text between the quotes of a template (``${var.p}-alb``), so
every interpolation the name already has stays exactly as written.
"""

from __future__ import annotations

import string

from terrafix.syntax import nodes as n
from terrafix.syntax.strings import escape

NAME_CHARACTERS = frozenset(string.ascii_letters + string.digits + "_-")
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
    return inner_of(expression)[0]


def inner_of(expression: n.Expression) -> tuple[str, bool]:
    """``as_inner(expression)``, and whether it is the text of a one-line template."""
    inner = template_inner(expression)
    if inner is not None:
        return inner, True
    return "${" + source_of(expression) + "}", False


def prefix_split(inner: str, head: str, leading: str | None) -> tuple[str, int]:
    """How a prefix goes into ``inner`` after the form's ``head``: the separator after the
    prefix, and where the text of ``inner`` that follows it starts. ``leading`` (an
    interpolation or a literal word the prefix already stands for) is replaced rather than
    repeated."""
    rest = inner[len(head) :]
    if leading is not None and rest.startswith(leading):
        after = rest[len(leading) :]
        if leading.startswith("${") or after == "" or after[0] in "-_./":
            return "", len(head) + len(leading)
    separator = "" if rest[:1] in ("-", "_", "/", ".") or rest == "" else "-"
    return separator, len(head)


def literal_word(value: str) -> str:
    """Template text for a literal value."""
    return escape(value)


def replace_names(inner: str, renames: list[tuple[str, str]]) -> str:
    """Replace whole occurrences of old names (template text) by new ones: an occurrence must
    not continue a longer name on either side.

    Read left to right; where several old names start at one place, the longest wins.
    """
    followed = sorted(
        ((old, new) for old, new in renames if len(old) >= MIN_FOLLOWED_LENGTH),
        key=lambda pair: -len(pair[0]),
    )
    found: list[tuple[int, int, int, str]] = []  # (start, rank, end, new): sorted, the winners
    for rank, (old, new) in enumerate(followed):
        start = inner.find(old)
        while start >= 0:
            end = start + len(old)
            if _bounds_a_name(inner, start - 1) and _bounds_a_name(inner, end):
                found.append((start, rank, end, new))
            start = inner.find(old, start + 1)
    if not found:
        return inner
    found.sort()
    out: list[str] = []
    cursor = 0
    for start, _, end, new in found:
        if start >= cursor:
            out.append(inner[cursor:start])
            out.append(new)
            cursor = end
    out.append(inner[cursor:])
    return "".join(out)


def _bounds_a_name(text: str, index: int) -> bool:
    """True when the character at ``index`` cannot continue a name (`.` ends one: `b.s3...`)."""
    return index < 0 or index >= len(text) or text[index] not in NAME_CHARACTERS
