"""Edits on object and tuple expressions that keep their commas and line layout."""

from __future__ import annotations

from ..syntax import nodes as n
from ..syntax.tokens import Leaf
from .align import realign_object
from .body import Style, indent_of
from .build import build_expression, key_source, parse_expression


def object_key(item: n.ObjectItem) -> str | None:
    """The key of an object item as a string, when it is an identifier or a literal string."""
    key = item.key
    if type(key) is n.Variable:
        return key.name.text
    if type(key) is n.TemplateString and all(type(p) is Leaf for p in key.parts):
        from ..syntax.strings import unescape

        return "".join(unescape(p.text) for p in key.parts)
    return None


def set_object_item(obj: n.Object, key: str, value: object, style: Style) -> n.Object:
    """Set ``key = value`` in an object literal: replace in place or append an item."""
    items = list(obj.items)
    multiline = any(leaf.type == "NL" for leaf in obj.leading)
    indent = indent_of(items[0].key.first_leaf()) if items and multiline else ""
    for i, item in enumerate(items):
        if object_key(item) == key:
            new_value = build_expression(value, indent, style.unit)
            first_pre = item.value.first_leaf().pre or " "
            new_value = _with_pre(new_value, first_pre)
            items[i] = item.with_changes(value=new_value)
            return realign_object(obj.with_changes(items=tuple(items)), {i})
    if not multiline:
        return _append_inline(obj, key, value, style)
    if not items:
        indent = indent_of(obj.close) + style.unit
    new_key = _with_pre(parse_expression(key_source(key)), indent)
    new_value = _with_pre(build_expression(value, indent, style.unit), " ")
    newline = Leaf("NL", style.newline, "", -1)
    uses_commas = bool(items) and any(leaf.type == "COMMA" for leaf in items[-1].separators)
    separators: tuple[Leaf, ...] = (newline,)
    if uses_commas:
        separators = (Leaf("COMMA", ",", "", -1), newline)
    if items and not any(leaf.type == "NL" for leaf in items[-1].separators):
        # `{ ... last }` closing on the item's own line: move the brace to a line of its own.
        items[-1] = items[-1].with_changes(separators=(*items[-1].separators, newline))
    new_item = n.ObjectItem(new_key, Leaf("EQUAL", "=", " ", -1), new_value, separators)
    if items:
        last = items[-1]
        trailing_blank = [leaf for leaf in last.separators if leaf.type == "NL"][1:]
        if trailing_blank:  # keep blank lines before "}" after the new item
            kept = tuple(leaf for leaf in last.separators if leaf not in trailing_blank)
            items[-1] = last.with_changes(separators=kept)
            new_item = new_item.with_changes(separators=separators + tuple(trailing_blank))
    items.append(new_item)
    return realign_object(obj.with_changes(items=tuple(items)), {len(items) - 1})


def _append_inline(obj: n.Object, key: str, value: object, style: Style) -> n.Object:
    items = list(obj.items)
    new_key = parse_expression(key_source(key))
    new_value = _with_pre(build_expression(value, "", style.unit), " ")
    if items:
        last = items[-1]
        if not any(leaf.type == "COMMA" for leaf in last.separators):
            items[-1] = last.with_changes(separators=(Leaf("COMMA", ",", "", -1),))
        new_key = _with_pre(new_key, " ")
        items.append(n.ObjectItem(new_key, Leaf("EQUAL", "=", " ", -1), new_value, ()))
        return obj.with_changes(items=tuple(items))
    new_key = _with_pre(new_key, " ")
    item = n.ObjectItem(new_key, Leaf("EQUAL", "=", " ", -1), new_value, ())
    return obj.with_changes(items=(item,), close=obj.close.with_changes(pre=" "))


def remove_object_item(obj: n.Object, key: str) -> n.Object:
    """Remove the item with ``key`` (no change when absent)."""
    items = list(obj.items)
    for i, item in enumerate(items):
        if object_key(item) == key:
            if i == len(items) - 1 and i > 0:
                prev = items[i - 1]
                keep = tuple(leaf for leaf in item.separators if leaf.type == "NL")
                has_comma = any(leaf.type == "COMMA" for leaf in item.separators)
                prev_separators = prev.separators if has_comma else _no_comma(prev.separators)
                if not keep:
                    prev_separators = tuple(leaf for leaf in prev_separators if leaf.type != "NL")
                items[i - 1] = prev.with_changes(separators=prev_separators)
            del items[i]
            return realign_object(obj.with_changes(items=tuple(items)), {i - 1, i})
    return obj


def _no_comma(separators: tuple[Leaf, ...]) -> tuple[Leaf, ...]:
    return tuple(leaf for leaf in separators if leaf.type != "COMMA")


def _with_pre(node: n.Expression, pre: str) -> n.Expression:
    from .tree import replace_first_leaf

    return replace_first_leaf(node, lambda leaf: leaf.with_changes(pre=pre))
