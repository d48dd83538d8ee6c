"""Plain Python values of a syntax tree, in the shape python-hcl2's ``hcl2.loads`` returns.

python-hcl2 is our pinned differential oracle (DESIGN 2.1): projecting our tree to its format and
comparing over the corpus proves that we read every file the way a second, independent parser
does. The format, with comments off (``SerializationOptions(with_comments=False)``):

* a body is a dict; an attribute maps its name to its value; blocks of one type collect in a list
  under that type, each nested one dict deep per label and marked ``"__is_block__": True``;
* a quoted string is its source between its quotes, quotes included (``'"a\\\\n"'``), with
  interpolations and directives printed canonically; a heredoc is its source, marker lines
  included, between double quotes;
* numbers, ``true``, ``false`` and ``null`` become Python values, tuples lists and objects dicts;
  a bare identifier is its name;
* anything else is ``"${...}"`` around its canonical text: single spaces around binary operators,
  ``?`` and ``:``, ``", "`` between items, objects as ``{k = v, ...}``, no comments or newlines.

The canonical text is built with an explicit stack, not recursion: expressions nest as deep as
the source does, and Python's call stack is shallower than that. Only literal tuples and objects
outside ``${...}`` recurse, into lists and dicts that Python itself compares recursively.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias

from .nodes import (
    Attribute,
    BinaryOp,
    Block,
    Body,
    Conditional,
    ConfigFile,
    Expression,
    ForObject,
    ForTuple,
    FunctionCall,
    GetAttr,
    Heredoc,
    Index,
    LegacyIndex,
    Node,
    Number,
    Object,
    Parenthesized,
    Splat,
    TemplateFor,
    TemplateIf,
    TemplateInterpolation,
    TemplatePart,
    TemplateString,
    Tuple,
    UnaryOp,
    Variable,
)
from .tokens import Leaf

Value: TypeAlias = bool | int | float | str | list["Value"] | dict[str, "Value"] | None
Piece: TypeAlias = str | Node

IS_BLOCK = "__is_block__"
LITERALS: dict[str, Value] = {"true": True, "false": False, "null": None}


# ---------------------------------------------------------------- structure


def to_python(tree: ConfigFile) -> dict[str, Value]:
    """The file as ``hcl2.loads(text, serialization_options=...)`` sees it, comments off."""
    return body_to_python(tree.body)


def body_to_python(body: Body) -> dict[str, Value]:
    """Attributes by name, blocks gathered in a list under their type.

    A later attribute replaces whatever came before under its name; a block that follows an
    attribute of its own name starts a fresh list (python-hcl2 refuses that file outright).
    """
    result: dict[str, Value] = {}
    block_lists: dict[str, list[Value]] = {}
    for element in body.elements:
        kind = type(element)
        if kind is Attribute:
            result[element.name.text] = expression_to_python(element.value)
            block_lists.pop(element.name.text, None)
        elif kind is Block:
            name = element.type.text
            if name not in block_lists:
                block_lists[name] = result[name] = []
            block_lists[name].append(block_to_python(element))
    return result


def block_to_python(block: Block) -> dict[str, Value]:
    """The block's body, marked as a block, nested one dict deep per label."""
    value: dict[str, Value] = body_to_python(block.body)
    value[IS_BLOCK] = True
    for label in reversed(block.labels):
        value = {label_to_python(label): value}
    return value


def label_to_python(label: Leaf | TemplateString) -> str:
    """An identifier label is its name; a quoted one keeps its quotes."""
    return label.text if type(label) is Leaf else expression_source(label)


# ---------------------------------------------------------------- values


def expression_to_python(expr: Expression) -> Value:
    """An attribute's value: a Python literal where there is one, else ``"${...}"`` text."""
    kind = type(expr)
    if kind is Tuple:
        return [expression_to_python(item.value) for item in expr.items]
    if kind is Object:
        return {key_to_python(item.key): expression_to_python(item.value) for item in expr.items}
    if kind is Number:
        return number_value(expr.token.text)
    if kind is Variable:
        name = expr.name.text
        return LITERALS.get(name, name)
    if kind is TemplateString or kind is Heredoc:
        return expression_source(expr)
    if kind is UnaryOp:
        negated = negated_number(expr)
        if negated is not None:
            return negated
    return "${" + expression_source(expr) + "}"


def key_to_python(key: Expression) -> str:
    """An object key: names, strings and numbers as text, other expressions as ``"${...}"``."""
    kind = type(key)
    if kind is Variable:
        return key.name.text
    if kind is TemplateString:
        return expression_source(key)
    if kind is Number:
        value = number_value(key.token.text)
        return value if type(value) is str else str(value)
    return "${" + expression_source(key) + "}"


def number_value(text: str) -> int | float | str:
    """An int or float; scientific notation stays text (``"${1e5}"``) so it reads back as written."""
    if "e" in text or "E" in text:
        return "${" + text + "}"
    return float(text) if "." in text else int(text)


def negated_number(expr: UnaryOp) -> int | float | None:
    """``-3`` is the number -3, not an expression; ``-1e5`` stays an expression."""
    operand = expr.operand
    if expr.operator.text != "-" or type(operand) is not Number:
        return None
    value = number_value(operand.token.text)
    return None if type(value) is str else -value


# ---------------------------------------------------------------- canonical text


def expression_source(expr: Node) -> str:
    """The canonical text of an expression: what python-hcl2 puts between ``${`` and ``}``."""
    out: list[str] = []
    stack: list[Piece] = [expr]
    while stack:
        item = stack.pop()
        if type(item) is str:
            out.append(item)
        else:
            stack.extend(reversed(EXPANSIONS[type(item)](item)))
    return "".join(out)


def joined(items: list[Piece], separator: str) -> list[Piece]:
    """``items`` with ``separator`` between each two."""
    out: list[Piece] = []
    for item in items:
        if out:
            out.append(separator)
        out.append(item)
    return out


def number_source(expr: Number) -> list[Piece]:
    """Ints and floats as Python prints them (``007`` is ``7``); scientific notation as written."""
    text = expr.token.text
    if "e" in text or "E" in text:
        return [text]
    return [str(float(text)) if "." in text else str(int(text))]


def heredoc_source(expr: Heredoc) -> list[Piece]:
    """The heredoc exactly as written, from ``<<`` through the closing marker, in quotes."""
    return ['"' + expr.render()[len(expr.open.pre) :] + '"']


def tuple_source(expr: Tuple) -> list[Piece]:
    return ["[", *joined([item.value for item in expr.items], ", "), "]"]


def object_source(expr: Object) -> list[Piece]:
    """``{k = v, ...}`` whichever of ``=`` and ``:`` the source used."""
    items: list[Piece] = []
    for item in expr.items:
        if items:
            items.append(", ")
        items += [item.key, " = ", item.value]
    return ["{", *items, "}"]


def call_source(expr: FunctionCall) -> list[Piece]:
    """``f(a, b)``, ``f(list ...)``, ``provider::aws::arn_parse(x)``."""
    arguments = expr.arguments
    out: list[Piece] = [expr.function_name, "("]
    out += joined([argument.value for argument in arguments], ", ")
    if arguments and arguments[-1].ellipsis is not None:
        out.append(" ...")
    out.append(")")
    return out


def for_intro(expr: ForTuple | ForObject | TemplateFor) -> list[Piece]:
    """``for k, v in collection`` (the caller adds what follows)."""
    names = expr.value.text if expr.key is None else f"{expr.key.text}, {expr.value.text}"
    return [f"for {names} in ", expr.collection]


def for_condition(expr: ForTuple | ForObject) -> list[Piece]:
    return [] if expr.condition is None else [" if ", expr.condition]


def for_tuple_source(expr: ForTuple) -> list[Piece]:
    return ["[", *for_intro(expr), " : ", expr.result, *for_condition(expr), "]"]


def for_object_source(expr: ForObject) -> list[Piece]:
    grouping = [] if expr.ellipsis is None else ["..."]
    return [
        "{",
        *for_intro(expr),
        " : ",
        expr.key_result,
        " => ",
        expr.value_result,
        *grouping,
        *for_condition(expr),
        "}",
    ]


# ---------------------------------------------------------------- templates


def template_pieces(parts: tuple[TemplatePart, ...]) -> list[Piece]:
    """Literal text as written (escapes and all); interpolations and directives as nodes."""
    return [part.text if type(part) is Leaf else part for part in parts]


def directive(open_text: str, words: list[Piece], close_text: str) -> list[Piece]:
    """``%{ if x }`` or, with strip markers, ``%{~ if x ~}``: one space inside each brace."""
    opening = "%{~ " if open_text.startswith("%{~") else "%{ "
    closing = " ~}" if close_text.endswith("~}") else " }"
    return [opening, *words, closing]


def keyword_directive(leaf: Leaf, keyword: str) -> list[Piece]:
    """``%{ else }``, ``%{ endif }``, ``%{ endfor }``: lexed as one token each."""
    return directive(leaf.text, [keyword], leaf.text)


def template_string_source(expr: TemplateString) -> list[Piece]:
    return ['"', *template_pieces(expr.parts), '"']


def interpolation_source(part: TemplateInterpolation) -> list[Piece]:
    return [part.open.text, part.expression, part.close.text]


def template_if_source(part: TemplateIf) -> list[Piece]:
    out = directive(part.open.text, ["if ", part.condition], part.open_close.text)
    out += template_pieces(part.then_parts)
    if part.else_ is not None:
        out += keyword_directive(part.else_, "else")
        out += template_pieces(part.else_parts)
    return out + keyword_directive(part.endif, "endif")


def template_for_source(part: TemplateFor) -> list[Piece]:
    out = directive(part.open.text, for_intro(part), part.open_close.text)
    out += template_pieces(part.parts)
    return out + keyword_directive(part.endfor, "endfor")


EXPANSIONS: dict[type, Callable[[Any], list[Piece]]] = {
    Number: number_source,
    Variable: lambda e: [e.name.text],
    TemplateString: template_string_source,
    Heredoc: heredoc_source,
    Tuple: tuple_source,
    Object: object_source,
    FunctionCall: call_source,
    Parenthesized: lambda e: ["(", e.expression, ")"],
    UnaryOp: lambda e: [e.operator.text, e.operand],
    BinaryOp: lambda e: [e.left, f" {e.operator.text} ", e.right],
    Conditional: lambda e: [e.condition, " ? ", e.true_result, " : ", e.false_result],
    ForTuple: for_tuple_source,
    ForObject: for_object_source,
    GetAttr: lambda e: [e.target, "." + e.name.text],
    Index: lambda e: [e.target, "[", e.key, "]"],
    LegacyIndex: lambda e: [e.target, "." + str(int(e.index.text))],
    Splat: lambda e: [e.target, ".*" if e.close is None else "[*]"],
    TemplateInterpolation: interpolation_source,
    TemplateIf: template_if_source,
    TemplateFor: template_for_source,
}
