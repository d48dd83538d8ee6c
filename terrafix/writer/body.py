"""Edits on bodies and blocks: set, remove and insert attributes and blocks, with fmt layout.

Every function is pure: it takes a node and returns a new one. Comments go with what owns them
(the comment lines directly above an element and the comment at the end of its line), and only
the alignment runs an edit touches are re-aligned.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..syntax import nodes as n
from ..syntax.tokens import Leaf
from ..syntax.trivia import COMMENT
from .align import is_single_line, realign_body
from .build import (
    BlockSpec,
    Expr,
    attribute_lines,
    block_source,
    build_attribute,
    build_body_elements,
    convert_newlines,
)
from .build import build_expression as build_value

_INDENTED_LINE = re.compile(r"^([ \t]+)\S", re.M)


class Style(NamedTuple):
    """A file's own conventions: indentation unit and line ending."""

    unit: str = "  "
    newline: str = "\n"

    @classmethod
    def of(cls, text: str) -> Style:
        newline = "\r\n" if "\r\n" in text else "\n"
        widths = [m.group(1) for m in _INDENTED_LINE.finditer(text)]
        if widths and all(w.startswith("\t") for w in widths[:20]):
            return cls("\t", newline)
        spaces = [len(w) for w in widths if " " in w and "\t" not in w]
        unit = min(spaces) if spaces else 2
        return cls(" " * (unit if unit in (2, 4) else 2), newline)


def indent_of(leaf: Leaf) -> str:
    """The indentation in front of a token that starts a line."""
    pre = leaf.pre[leaf.pre.rfind("\n") + 1 :]
    return pre[: len(pre) - len(pre.lstrip(" \t"))].lstrip("\ufeff")


def body_indent(block: n.Block | None, body: n.Body, style: Style) -> str:
    for element in body.elements:
        if type(element) is not n.EmptyLine:
            return indent_of(element.first_leaf())
    return "" if block is None else indent_of(block.type) + style.unit


def set_attribute(block: n.Block, name: str, value: object, style: Style) -> n.Block:
    """Set ``name = value`` in ``block``: replace the value in place, or add the attribute."""
    if block.open_newline is None and block.body.attribute(name) is None:
        return _expanded_one_line_block(block, name, value, style)
    return block.with_changes(body=set_body_attribute(block, block.body, name, value, style))


def set_body_attribute(
    block: n.Block | None, body: n.Body, name: str, value: object, style: Style
) -> n.Body:
    indent = body_indent(block, body, style)
    elements = list(body.elements)
    for i, element in enumerate(elements):
        if type(element) is n.Attribute and element.name.text == name:
            new_value = build_value(value, indent, style.unit)
            new_value = _with_first_pre(new_value, element.value.first_leaf().pre or " ")
            if style.newline != "\n":
                new_value = _crlf(new_value, style)
            element = element.with_changes(value=new_value)
            if not is_single_line(new_value):
                # A multi-line value leaves its alignment run: `terraform fmt` writes `name = {`
                # with one space, however far the run's `=` stood.
                element = element.with_changes(equals=element.equals.with_changes(pre=" "))
            elements[i] = element
            return realign_body(body.with_changes(elements=tuple(elements)), {i})
    attribute = build_attribute(name, value, indent, style.unit, style.newline)
    position = _attribute_insert_position(elements)
    new_elements: list[n.BodyElement] = [attribute]
    if position < len(elements) and type(elements[position]) is n.Block:
        new_elements.append(_blank_line(style))
    elements[position:position] = new_elements
    return realign_body(body.with_changes(elements=tuple(elements)), {position})


def replace_value(body: n.Body, index: int, value: object, style: Style) -> n.Body:
    """``body`` with the value of its attribute at ``index`` replaced by a one-line ``value``.

    The attribute's alignment run is re-aligned only when it was aligned as `terraform fmt`
    writes it: a formatted file stays formatted, and an unformatted one changes in that value
    alone (no neighbour's spacing changes for an edit that is not about it).
    """
    attribute = body.elements[index]
    new_value = build_value(value, "", style.unit)
    new_value = _with_first_pre(new_value, attribute.value.first_leaf().pre or " ")
    elements = list(body.elements)
    elements[index] = attribute.with_changes(value=new_value)
    replaced = body.with_changes(elements=tuple(elements))
    if realign_body(body, {index}).render() != body.render():
        return replaced
    return realign_body(replaced, {index})


def _attribute_insert_position(elements: list[n.BodyElement]) -> int:
    """Where a new attribute goes: after the last single-line attribute before any nested
    block (joining that run), else after the last attribute, else at the start."""
    last_any = last_single = None
    for i, element in enumerate(elements):
        if type(element) is n.Block:
            break
        if type(element) is n.Attribute:
            last_any = i
            if is_single_line(element.value):
                last_single = i
    if last_single is not None:
        return last_single + 1
    return 0 if last_any is None else last_any + 1


def _expanded_one_line_block(block: n.Block, name: str, value: object, style: Style) -> n.Block:
    """A one-line block (`x {}` or `x { a = 1 }`) laid out on lines, with one more attribute."""
    indent = indent_of(block.type)
    items: list[tuple[str, object]] = [
        (a.name.text, Expr(a.value.render().strip())) for a in block.body.attributes()
    ]
    items.append((name, value))
    lines = attribute_lines(items, indent + style.unit, style.unit)
    source = "x {\n" + "\n".join(lines) + "\n" + indent + "}\n"
    rebuilt = build_body_elements(convert_newlines(source, style.newline))[0]
    return block.with_changes(
        open=block.open.with_changes(pre=block.open.pre or " "),
        open_newline=rebuilt.open_newline,
        body=rebuilt.body,
        close=rebuilt.close,
    )


def remove_attribute(block: n.Block, name: str) -> n.Block:
    """Remove ``name`` and the comments it owns from ``block`` (no change when absent)."""
    body = block.body
    for i, element in enumerate(body.elements):
        if type(element) is n.Attribute and element.name.text == name:
            return block.with_changes(body=remove_element(body, i))
    return block


def owned_comment_lines(body: n.Body, index: int) -> int:
    """How many comment-only lines directly above element ``index`` belong to it."""
    count = 0
    i = index - 1
    while i >= 0:
        element = body.elements[i]
        if type(element) is not n.EmptyLine or element.is_blank:
            break
        count += 1
        i -= 1
    return count


def remove_element(body: n.Body, index: int) -> n.Body:
    """Remove one element with its owned comments; never leave two blank lines in a row."""
    start = index - owned_comment_lines(body, index)
    elements = list(body.elements)
    del elements[start : index + 1]
    if 0 < start < len(elements) and _is_blank(elements[start - 1]) and _is_blank(elements[start]):
        del elements[start]
    elif start == 0 and elements and _is_blank(elements[0]):
        del elements[0]
    elif start == len(elements) and start > 0 and _is_blank(elements[start - 1]):
        del elements[start - 1]
    # Only attributes that now stand where the removed one stood can have changed their run; a
    # blank or comment line there ends the run, and the run beyond it was not touched.
    touched = {
        i for i in (start - 1, start) if 0 <= i < len(elements) and type(elements[i]) is n.Attribute
    }
    return realign_body(body.with_changes(elements=tuple(elements)), touched)


def _is_blank(element: n.BodyElement) -> bool:
    return type(element) is n.EmptyLine and element.is_blank


def _blank_line(style: Style) -> n.EmptyLine:
    return n.EmptyLine(Leaf("NL", style.newline, "", -1))


def append_block(
    body: n.Body, spec: BlockSpec, style: Style, indent: str = "", *, final_newline: bool = True
) -> n.Body:
    """Append a block at the end of ``body``, one blank line after what is there."""
    source = block_source(spec, indent, style.unit) + "\n"
    return append_source(body, source, style, final_newline=final_newline)


def append_source(body: n.Body, source: str, style: Style, *, final_newline: bool = True) -> n.Body:
    """Append body elements given as source laid out for their place ("\n" newlines)."""
    elements = list(body.elements)
    ends_without_newline = _ends_without_newline(elements)
    if ends_without_newline:
        elements[-1] = _with_newline(elements[-1], style.newline)
    while elements and _is_blank(elements[-1]):
        elements.pop()
    if elements:
        source = "\n" + source
    new = list(build_body_elements(convert_newlines(source, style.newline)))
    if ends_without_newline or not final_newline:
        new[-1] = _with_newline(new[-1], "")
    return body.with_changes(elements=tuple(elements + new))


def insert_block_after(
    body: n.Body, anchor: n.BodyElement, spec: BlockSpec, style: Style, indent: str = ""
) -> n.Body:
    """Insert a block right after ``anchor``, separated by one blank line."""
    return insert_source_after(body, anchor, block_source(spec, indent, style.unit) + "\n", style)


def insert_block_before(
    body: n.Body, anchor: n.BodyElement, spec: BlockSpec, style: Style, indent: str = ""
) -> n.Body:
    """Insert a block right before ``anchor`` and the comments it owns, one blank line between."""
    return insert_source_before(body, anchor, block_source(spec, indent, style.unit) + "\n", style)


def insert_source_after(body: n.Body, anchor: n.BodyElement, source: str, style: Style) -> n.Body:
    elements = list(body.elements)
    index = _index_of(elements, anchor)
    if index == len(elements) - 1:
        return append_source(body, source, style)
    new = list(build_body_elements(convert_newlines("\n" + source, style.newline)))
    if not _is_blank(elements[index + 1]):
        new.append(_blank_line(style))
    elements[index + 1 : index + 1] = new
    return body.with_changes(elements=tuple(elements))


def insert_source_before(body: n.Body, anchor: n.BodyElement, source: str, style: Style) -> n.Body:
    elements = list(body.elements)
    index = _index_of(elements, anchor)
    start = index - owned_comment_lines(body, index)
    new = list(build_body_elements(convert_newlines(source, style.newline)))
    new.append(_blank_line(style))
    if start > 0 and not _is_blank(elements[start - 1]):
        new.insert(0, _blank_line(style))
    elements[start:start] = new
    return body.with_changes(elements=tuple(elements))


def find_blocks(body: n.Body, type_: str, *labels: str) -> list[n.Block]:
    """The blocks of ``type_`` whose first labels are ``labels`` (all of that type when none)."""
    return [b for b in body.blocks(type_) if tuple(b.label_values[: len(labels)]) == labels]


def take_element(body: n.Body, index: int) -> tuple[n.Body, str]:
    """Remove element ``index`` with the comments it owns; also return their source ("\n" newlines).

    The source is what `insert_source_*`/`append_source` take, so an element moves with its
    comments, within a body or to another file (of the same nesting depth).
    """
    start = index - owned_comment_lines(body, index)
    source = "".join(e.render() for e in body.elements[start : index + 1])
    source = source.replace("\r\n", "\n")
    if not source.endswith("\n"):
        source += "\n"
    return remove_element(body, index), source


def move_block(
    body: n.Body,
    moved: n.Block,
    style: Style,
    *,
    after: n.Block | None = None,
    before: n.Block | None = None,
) -> n.Body:
    """Move ``moved`` (with its comments) right after or before another block of the same body."""
    if (after is None) == (before is None):
        raise ValueError("move_block takes exactly one of after= or before=")
    anchor = after if after is not None else before
    if anchor is moved:
        return body
    remaining, source = take_element(body, _index_of(list(body.elements), moved))
    if after is not None:
        return insert_source_after(remaining, after, source, style)
    return insert_source_before(remaining, before, source, style)


def _index_of(elements: list[n.BodyElement], element: n.BodyElement) -> int:
    for i, candidate in enumerate(elements):
        if candidate is element:
            return i
    raise ValueError("the element is not in this body")


def _ends_without_newline(elements: list[n.BodyElement]) -> bool:
    if not elements:
        return False
    last = elements[-1]
    if type(last) is n.Damaged:  # text that did not parse is never edited, its end included
        return False
    newline = last.newline
    return newline is not None and newline.text == ""


def _with_newline(element: n.BodyElement, text: str) -> n.BodyElement:
    return element.with_changes(newline=element.newline.with_changes(text=text))


def _with_first_pre(node: n.Expression, pre: str) -> n.Expression:
    from .tree import replace_first_leaf

    return replace_first_leaf(node, lambda leaf: leaf.with_changes(pre=pre))


def _crlf(node: n.Expression, style: Style) -> n.Expression:
    from ..syntax.parser import parse

    source = convert_newlines(node.render(), style.newline)
    tree = parse(f"x ={source}{style.newline}")
    return tree.body.elements[0].value


def comment_text(leaf: Leaf) -> str | None:
    match = COMMENT.search(leaf.pre)
    return match.group() if match else None
