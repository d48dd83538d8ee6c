"""Reduction callbacks: turn the LALR parser's reductions straight into CST nodes.

The parse driver (``lalr.Driver``) calls one method per grammar rule, or per alias, with the rule's
children (tokens and already-built nodes), so no intermediate parse tree is ever built. A plain
class, not a lark ``Transformer``: parsing with a warm table cache never imports lark.
"""

from __future__ import annotations

from . import nodes as n
from .tokens import Leaf

# HCL binary operator precedence, loosest first; all are left-associative.
PRECEDENCE = {
    "||": 1,
    "&&": 2,
    "==": 3,
    "!=": 3,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
    "%": 6,
}


def _split_for_header(children: list) -> tuple[Leaf | None, Leaf | None, Leaf, Leaf, int]:
    """Key, comma, value and `in` of `for k, v in ...`, given children from the FOR token on."""
    if children[1].type == "COMMA":
        return children[0], children[1], children[2], children[3], 4
    return None, None, children[0], children[1], 2


def fold_operators(c: list) -> n.Expression:
    """``operand (operator operand)*``, flat, to ``BinaryOp`` nodes by HCL's precedence."""
    operands = [c[0]]
    operators: list[Leaf] = []
    for i in range(1, len(c), 2):
        operator = c[i]
        level = PRECEDENCE[operator.text]
        while operators and PRECEDENCE[operators[-1].text] >= level:
            right = operands.pop()
            operands.append(n.BinaryOp(operands.pop(), operators.pop(), right))
        operators.append(operator)
        operands.append(c[i + 1])
    while operators:
        right = operands.pop()
        operands.append(n.BinaryOp(operands.pop(), operators.pop(), right))
    return operands[0]


class TreeBuilder:
    """One method per grammar rule; each returns a node of ``terrafix.syntax.nodes``."""

    def start(self, c):
        return n.ConfigFile(c[0], c[1])

    def body(self, c):
        return n.Body(tuple(c))

    def empty_line(self, c):
        return n.EmptyLine(c[0])

    def damaged(self, c):
        return c[0]  # the recovering driver shifts a finished ``Damaged`` node as the token

    def attribute(self, c):
        return n.Attribute(c[0], c[1], c[2], c[3])

    def one_line_attribute(self, c):
        return n.Attribute(c[0], c[1], c[2], None)

    def block_multiline(self, c):
        return n.Block(c[0], tuple(c[1:-5]), c[-5], c[-4], c[-3], c[-2], c[-1])

    def block_one_line(self, c):
        inner = c[-3]
        if type(inner) is n.Attribute:
            return n.Block(c[0], tuple(c[1:-4]), c[-4], None, n.Body((inner,)), c[-2], c[-1])
        return n.Block(c[0], tuple(c[1:-3]), c[-3], None, n.Body(()), c[-2], c[-1])

    def conditional(self, c):
        return n.Conditional(c[0], c[1], c[2], c[3], c[4])

    def operation(self, c):
        return fold_operators(c)

    def unary_op(self, c):
        return n.UnaryOp(c[0], c[1])

    def get_attr(self, c):
        return n.GetAttr(c[0], c[1], c[2])

    def legacy_index(self, c):
        return n.LegacyIndex(c[0], c[1], c[2])

    def index(self, c):
        return n.Index(c[0], c[1], c[2], c[3])

    def attr_splat(self, c):
        return n.Splat(c[0], c[1], c[2], None)

    def full_splat(self, c):
        return n.Splat(c[0], c[1], c[2], c[3])

    def number(self, c):
        return n.Number(c[0])

    def variable(self, c):
        return n.Variable(c[0])

    def parenthesized(self, c):
        return n.Parenthesized(c[0], c[1], c[2])

    def string_template(self, c):
        return n.TemplateString(c[0], tuple(c[1:-1]), c[-1])

    def heredoc(self, c):
        return n.Heredoc(c[0], tuple(c[1:-1]), c[-1])

    def interpolation(self, c):
        return n.TemplateInterpolation(c[0], c[1], c[2])

    def template_if(self, c):
        else_at = next(
            (i for i, x in enumerate(c) if type(x) is Leaf and x.type == "DIR_ELSE"), None
        )
        if else_at is None:
            return n.TemplateIf(c[0], c[1], c[2], tuple(c[3:-1]), None, (), c[-1])
        return n.TemplateIf(
            c[0], c[1], c[2], tuple(c[3:else_at]), c[else_at], tuple(c[else_at + 1 : -1]), c[-1]
        )

    def template_for(self, c):
        key, comma, value, in_, i = _split_for_header(c[1:])
        i += 1
        return n.TemplateFor(
            c[0], key, comma, value, in_, c[i], c[i + 1], tuple(c[i + 2 : -1]), c[-1]
        )

    def tuple(self, c):
        items = []
        inner = c[1:-1]
        for i in range(0, len(inner), 2):
            comma = inner[i + 1] if i + 1 < len(inner) else None
            items.append(n.TupleItem(inner[i], comma))
        return n.Tuple(c[0], tuple(items), c[-1])

    def object(self, c):
        inner = c[1:-1]
        i = 0
        while i < len(inner) and type(inner[i]) is Leaf:
            i += 1
        leading = tuple(inner[:i])
        items = []
        while i < len(inner):
            item = inner[i]
            i += 1
            start = i
            while i < len(inner) and type(inner[i]) is Leaf:
                i += 1
            items.append(item.with_changes(separators=tuple(inner[start:i])))
        return n.Object(c[0], leading, tuple(items), c[-1])

    def object_item(self, c):
        return n.ObjectItem(c[0], c[1], c[2], ())

    def function_call(self, c):
        open_at = 1 if c[1].type == "LPAR" else 5  # `f (` or `provider :: ns :: f (`
        inner = c[open_at + 1 : -1]
        arguments = []
        i = 0
        while i < len(inner):
            value = inner[i]
            i += 1
            ellipsis = comma = None
            if i < len(inner) and type(inner[i]) is Leaf and inner[i].type == "ELLIPSIS":
                ellipsis = inner[i]
                i += 1
            if i < len(inner) and type(inner[i]) is Leaf and inner[i].type == "COMMA":
                comma = inner[i]
                i += 1
            arguments.append(n.Argument(value, ellipsis, comma))
        return n.FunctionCall(tuple(c[:open_at]), c[open_at], tuple(arguments), c[-1])

    def for_tuple(self, c):
        key, comma, value, in_, i = _split_for_header(c[2:])
        i += 2
        if_, condition = (c[i + 3], c[i + 4]) if len(c) > i + 4 else (None, None)
        return n.ForTuple(
            c[0], c[1], key, comma, value, in_, c[i], c[i + 1], c[i + 2], if_, condition, c[-1]
        )

    def for_object(self, c):
        key, comma, value, in_, i = _split_for_header(c[2:])
        i += 2
        collection, colon, key_result, arrow, value_result = c[i : i + 5]
        rest = c[i + 5 : -1]
        ellipsis = (
            rest[0] if rest and type(rest[0]) is Leaf and rest[0].type == "ELLIPSIS" else None
        )
        if ellipsis is not None:
            rest = rest[1:]
        if_, condition = (rest[0], rest[1]) if rest else (None, None)
        return n.ForObject(
            c[0],
            c[1],
            key,
            comma,
            value,
            in_,
            collection,
            colon,
            key_result,
            arrow,
            value_result,
            ellipsis,
            if_,
            condition,
            c[-1],
        )
