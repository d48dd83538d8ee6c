"""Editing one statement's ``"Resource": "*"`` inside a JSON policy heredoc, where that is safe.

A heredoc is text, so the edit finds the statement's ``"Resource"`` key by counting: it goes
ahead only when the text has exactly one ``"Resource"`` key per statement that has one (so the
n-th key is the n-th such statement's) and the value is ``"*"`` or ``["*"]``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from terrafix.syntax import nodes as n

from ._accounts import MARK, flatten
from ._policies import json_text

RESOURCE_KEY = re.compile(r'"Resource"\s*:\s*', re.IGNORECASE)
WILDCARD = re.compile(r'\[\s*"\*"\s*\]|"\*"')


def statements_with_resource(node: n.Heredoc) -> list[bool] | None:
    document = json_text(node)
    listed = next((v for k, v in (document or {}).items() if k.lower() == "statement"), None)
    if isinstance(listed, dict):
        listed = [listed]
    if not isinstance(listed, list):
        return None
    return [isinstance(s, dict) and any(k.lower() == "resource" for k in s) for s in listed]


def heredoc_with_resource(node: n.Heredoc, index: int, value: Callable[[bool], str]) -> str | None:
    """Source of ``node`` with statement ``index``'s wildcard Resource replaced by
    ``value(as_list)`` (JSON text that may hold interpolations; ``as_list`` when it was
    ``["*"]``), or None when the edit is not certain."""
    if type(node) is not n.Heredoc or any(
        type(p) in (n.TemplateIf, n.TemplateFor) for p in node.parts
    ):
        return None
    has_resource = statements_with_resource(node)
    text, parts = flatten(node)
    keys = list(RESOURCE_KEY.finditer(text))
    if has_resource is None or index >= len(has_resource) or not has_resource[index]:
        return None
    if len(keys) != sum(has_resource):
        return None
    key = keys[sum(has_resource[:index])]
    wildcard = WILDCARD.match(text, key.end())
    if wildcard is None:
        return None
    new = value(wildcard.group().startswith("["))
    body = text[: wildcard.start()] + new + text[wildcard.end() :]
    body = re.sub(MARK, lambda m: parts[int(m.group(1))], body)
    return node.open.text + body + node.close.pre + node.close.text


def json_value(sources: list[tuple[str, bool]], as_list: bool) -> str:
    """JSON text for ARN expressions given as (HCL source, gives a list): strings interpolate
    the expressions; lists go through ``jsonencode``."""
    if len(sources) == 1 and sources[0][1]:
        return "${jsonencode(" + sources[0][0] + ")}"
    if any(many for _, many in sources):
        items = ", ".join(source for source, _ in sources)
        return "${jsonencode(flatten([" + items + "]))}"
    strings = [s if s.startswith('"') else '"${' + s + '}"' for s, _ in sources]
    if len(strings) == 1 and not as_list:
        return strings[0]
    return "[" + ", ".join(strings) + "]"
