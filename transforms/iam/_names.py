"""What names say: the same string spelled twice, words shared between two names, and the
log-group prefixes AWS services write under."""

from __future__ import annotations

import re

from terrafix.data.iam_wiring import GENERIC_NAME_WORDS, LOG_GROUP_WRITERS
from terrafix.model.references import traversal_parts
from terrafix.syntax import nodes as n
from terrafix.syntax.tokens import Leaf

NAME_ATTRIBUTES = ("name", "bucket", "function_name", "name_prefix", "bucket_prefix", "family")


def name_key(value: n.Expression | None) -> str | None:
    """A name's source as a template (``${local.p}-api``): two names with the same key are the
    same string."""
    if value is None:
        return None
    if type(value) is n.TemplateString:
        return "".join(_piece(p) for p in value.parts)
    if traversal_parts(value) is None:
        return None
    return "${" + value.render().strip() + "}"


def _piece(part: object) -> str:
    if type(part) is Leaf:
        return part.text
    if type(part) is n.TemplateInterpolation:
        return "${" + part.expression.render().strip() + "}"
    return "\x00"  # a directive: never equal to anything


def literal_prefix(value: n.Expression | None) -> str:
    """The literal text before the first interpolation of a string, lower-cased."""
    if type(value) is not n.TemplateString:
        return ""
    out = []
    for part in value.parts:
        if type(part) is not Leaf:
            break
        out.append(part.text)
    return "".join(out).lower()


WORD = re.compile(r"[a-z0-9]+")


def words_of(text: str) -> set[str]:
    text = re.sub(r"\$\{[^}]*\}", " ", text)  # interpolations name the stack, not the workload
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text).lower()
    words = {_singular(w) for w in WORD.findall(text) if len(w) > 2 and not w.isdigit()}
    return words - GENERIC_NAME_WORDS


def _singular(word: str) -> str:
    """``logs`` and ``log``, ``secrets`` and ``secret`` are one word to a reader."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def block_words(block: n.Block) -> set[str]:
    """Words of a block's name label and its name attributes."""
    words = words_of(block.label_values[-1]) if block.label_values else set()
    for attribute in NAME_ATTRIBUTES:
        found = block.body.attribute(attribute)
        if found is not None and type(found.value) is n.TemplateString:
            words |= words_of("".join(_piece(p) for p in found.value.parts))
    return words


def log_group_writers(block: n.Block) -> frozenset[str] | None:
    """The services whose roles write into a log group, by its name's prefix; None when the
    name follows no service's convention."""
    found = block.body.attribute("name")
    prefix = literal_prefix(found.value if found else None)
    for convention, services in LOG_GROUP_WRITERS:
        if prefix.startswith(convention):
            return services
    return None
