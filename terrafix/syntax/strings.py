"""HCL string escapes: literal template text to its value and back."""

from __future__ import annotations

import re

_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))|\$\$\{|%%\{", re.S)
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def _replace(m: re.Match[str]) -> str:
    text = m.group()
    if text == "$${":
        return "${"
    if text == "%%{":
        return "%{"
    if m.group(1) or m.group(2):
        return chr(int(m.group(1) or m.group(2), 16))
    return _SIMPLE.get(m.group(3), text)


def unescape(literal: str) -> str:
    """The value of the literal text of a quoted template (``\\n``, ``\\"``, ``$${``…)."""
    if "\\" not in literal and "{" not in literal:
        return literal
    return _ESCAPE.sub(_replace, literal)


def escape(value: str) -> str:
    """Literal text for a quoted string whose value is ``value``."""
    out = value.replace("\\", "\\\\").replace('"', '\\"')
    out = out.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return out.replace("${", "$${").replace("%{", "%%{")


def quote(value: str) -> str:
    """A quoted HCL string literal for ``value``."""
    return f'"{escape(value)}"'
