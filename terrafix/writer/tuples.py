"""Edits on tuple expressions (`[a, b]`) that keep their commas, comments and line layout.

A tuple's layout lives in the leading trivia of its tokens: in a multi-line tuple each item's first
token carries `"\\n" + indent`, and a comment written after an item (`a, # note`) sits at the start
of the next token's trivia, before its newline. Inserting or removing an item therefore splits that
trivia at its first newline: the part before it stays on the line it was written on.
"""

from __future__ import annotations

from ..syntax import nodes as n
from ..syntax.tokens import Leaf
from .body import Style
from .build import build_expression
from .tree import replace_first_leaf

COMMA = Leaf("COMMA", ",", "", -1)


def is_multiline(tup: n.Tuple) -> bool:
    """True when the items are written one per line (the brackets on lines of their own)."""
    return "\n" in tup.close.pre or any("\n" in item.value.first_leaf().pre for item in tup.items)


def _split_line(pre: str) -> tuple[str, str]:
    """``pre`` split before its first newline: (what ends the previous line, the rest)."""
    cut = pre.find("\n")
    if cut < 0:
        return pre, ""
    if cut > 0 and pre[cut - 1] == "\r":
        cut -= 1
    return pre[:cut], pre[cut:]


def _item_indent(tup: n.Tuple) -> str:
    for item in tup.items:
        pre = item.value.first_leaf().pre
        if "\n" in pre:
            return pre.rsplit("\n", 1)[1]
    return ""


def _node(value: object, indent: str, style: Style) -> n.Expression:
    if isinstance(value, n.Node):
        return value
    return build_expression(value, indent, style.unit)


def _with_pre(node: n.Expression, pre: str) -> n.Expression:
    return replace_first_leaf(node, lambda leaf: leaf.with_changes(pre=pre))


def _next_pre(tup: n.Tuple, index: int) -> str:
    items = tup.items
    return items[index].value.first_leaf().pre if index < len(items) else tup.close.pre


def _set_next_pre(tup: n.Tuple, items: list[n.TupleItem], index: int, pre: str) -> n.Tuple:
    if index < len(items):
        items[index] = items[index].with_changes(value=_with_pre(items[index].value, pre))
        return tup.with_changes(items=tuple(items))
    return tup.with_changes(items=tuple(items), close=tup.close.with_changes(pre=pre))


def insert_tuple_item(
    tup: n.Tuple,
    index: int,
    value: object,
    style: Style | None = None,
    *,
    indent: str | None = None,
) -> n.Tuple:
    """Insert ``value`` before item ``index`` (``len`` appends).

    ``value`` is a Python value, ``expr(...)``, or an expression node already laid out for its
    place. ``style`` defaults to the tuple's own line endings. ``indent`` is the indentation of
    the line the closing bracket is on; it only matters for an empty multi-line tuple.
    """
    if style is None:
        style = Style(newline="\r\n" if "\r\n" in tup.render() else "\n")
    items = list(tup.items)
    index = max(0, min(index, len(items)))
    multiline = is_multiline(tup)
    had_trailing_comma = bool(items) and items[-1].comma is not None
    if multiline:
        item_indent = _item_indent(tup) or (indent or "") + style.unit
        new_value = _node(value, item_indent, style)
        head, rest = _split_line(_next_pre(tup, index))
        new_value = _with_pre(new_value, head + style.newline + item_indent)
        following_pre = rest
    else:
        new_value = _node(value, "", style)
        if index == 0 and items:
            new_value = _with_pre(new_value, _next_pre(tup, 0))
            following_pre = " "
        elif not items:
            new_value = _with_pre(new_value, "")
            following_pre = tup.close.pre
        else:
            new_value = _with_pre(new_value, " ")
            following_pre = _next_pre(tup, index)
    appending = index == len(items)
    comma = COMMA if (not appending or had_trailing_comma or (multiline and not items)) else None
    if appending and items and items[-1].comma is None:
        items[-1] = items[-1].with_changes(comma=COMMA)
    new_item = n.TupleItem(new_value, comma)
    if appending:
        tup = tup.with_changes(close=tup.close.with_changes(pre=following_pre))
    else:
        following = items[index]
        items[index] = following.with_changes(value=_with_pre(following.value, following_pre))
    items.insert(index, new_item)
    return tup.with_changes(items=tuple(items))


def remove_tuple_item(tup: n.Tuple, index: int) -> n.Tuple:
    """Remove item ``index`` with the comments written on its line; keep the trailing-comma style."""
    items = list(tup.items)
    removed = items.pop(index)
    head, _ = _split_line(removed.value.first_leaf().pre)
    next_pre = _next_pre(tup, index + 1)
    if index == len(items) and items and removed.comma is None:
        # the last item went: the new last one keeps the tuple's trailing-comma style
        items[-1] = items[-1].with_changes(comma=None)
    if not items:
        _, rest = _split_line(next_pre)
        kept = rest.rstrip(" \t")
        pre = "" if not kept.strip() else head + kept
        return tup.with_changes(items=(), close=tup.close.with_changes(pre=pre))
    if "\n" not in next_pre and index == len(items):
        return tup.with_changes(items=tuple(items))  # `[a, b]` → `[a]`: the bracket stays put
    _, rest = _split_line(next_pre)
    return _set_next_pre(tup, items, index, head + rest)
