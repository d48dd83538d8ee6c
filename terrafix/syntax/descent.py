"""A recursive-descent parser for well-formed HCL: the fast path of ``parse``.

Two parsers read the same token list and build the same trees. ``lalr.Driver``, over the tables
lark computes from ``hcl.lark``, is the reference: it names the unexpected token and what was
expected there, and its recovering mode turns damaged text into ``Damaged`` nodes. That
generality costs a table lookup and a stack shuffle per token and per reduction. Most files are
valid, so they first go through this parser: the same grammar, written out by hand, with the
common shapes (a string, a traversal, a call) built in a few steps. It gives up on the first token
the grammar does not allow there (``Rejected``), and on nesting deeper than Python's stack
(``RecursionError``); either way ``parse`` then runs the reference driver over the same tokens,
so errors, their messages and recovery are the driver's alone.

It must accept nothing the grammar rejects, and build for what it accepts exactly the tree the
driver and ``TreeBuilder`` build (the grammar is unambiguous, so there is one such tree); the
tests compare both parsers' trees over every corpus file.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter

from . import nodes as n
from .builder import fold_operators
from .tokens import Leaf

Argument = n.Argument
Attribute = n.Attribute
Block = n.Block
Body = n.Body
Conditional = n.Conditional
EmptyLine = n.EmptyLine
ForObject = n.ForObject
ForTuple = n.ForTuple
FunctionCall = n.FunctionCall
GetAttr = n.GetAttr
Heredoc = n.Heredoc
Index = n.Index
LegacyIndex = n.LegacyIndex
Number = n.Number
Object = n.Object
ObjectItem = n.ObjectItem
Parenthesized = n.Parenthesized
Splat = n.Splat
TemplateFor = n.TemplateFor
TemplateIf = n.TemplateIf
TemplateInterpolation = n.TemplateInterpolation
TemplateString = n.TemplateString
Tuple = n.Tuple
TupleItem = n.TupleItem
UnaryOp = n.UnaryOp
Variable = n.Variable

BINARY_OPERATORS = frozenset(("BINOP", "MINUS", "STAR"))
# Tokens that may continue an expression after a primary one; any other ends it.
CONTINUATIONS = frozenset(("DOT", "LBRACK", "BINOP", "MINUS", "STAR", "QUESTION"))
CALLS = frozenset(("LPAR", "DCOLON"))
# Past the last token (EOF) the lookahead reads these, which match no token type.
PADDING = ("",) * 8


class Rejected(Exception):
    """The token at ``index`` is not one this parser expects there."""

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


def parse_tokens(tokens: Sequence[Leaf]) -> n.ConfigFile:
    """The ``ConfigFile`` for the lexer's ``tokens``; raises ``Rejected`` or ``RecursionError``."""
    toks = tokens
    kinds = list(map(itemgetter(0), tokens))
    kinds.extend(PADDING)

    def expect(i: int, kind: str) -> Leaf:
        if kinds[i] != kind:
            raise Rejected(i)
        return toks[i]

    # ------------------------------------------------------------ expressions

    def expr(i: int) -> tuple[n.Expression, int]:
        """``operation`` or ``operation ? expr : expr``."""
        kind = kinds[i]
        # Most expressions are a plain string or a traversal: built here, with no further call.
        if kind == "QUOTE" and kinds[i + 1] == "TLIT" and kinds[i + 2] == "QUOTE_END":
            node = TemplateString(toks[i], (toks[i + 1],), toks[i + 2])
            i += 3
            kind = kinds[i]
            if kind in CONTINUATIONS:
                node, i = postfix(node, i)
                kind = kinds[i]
        elif kind == "IDENT" and kinds[i + 1] not in CALLS:
            node = Variable(toks[i])
            i += 1
            kind = kinds[i]
            while kind == "DOT" and kinds[i + 1] == "IDENT":
                node = GetAttr(node, toks[i], toks[i + 1])
                i += 2
                kind = kinds[i]
            if kind in CONTINUATIONS:
                node, i = postfix(node, i)
                kind = kinds[i]
        else:
            node, i = operand(i)
            kind = kinds[i]
        if kind in BINARY_OPERATORS:
            chain: list = [node]
            while kind in BINARY_OPERATORS:
                chain.append(toks[i])
                node, i = operand(i + 1)
                chain.append(node)
                kind = kinds[i]
            node = fold_operators(chain)
        if kind == "QUESTION":
            question = toks[i]
            true_result, i = expr(i + 1)
            colon = expect(i, "COLON")
            false_result, i = expr(i + 1)
            return Conditional(node, question, true_result, colon, false_result), i
        return node, i

    def operand(i: int) -> tuple[n.Expression, int]:
        """A unary operation, or a primary expression with its traversals."""
        kind = kinds[i]
        if kind == "IDENT":
            after = kinds[i + 1]
            if after == "LPAR" or after == "DCOLON":
                node, i = call(i)
            else:
                node = Variable(toks[i])
                i += 1
        elif kind == "QUOTE":
            if kinds[i + 1] == "TLIT" and kinds[i + 2] == "QUOTE_END":
                node = TemplateString(toks[i], (toks[i + 1],), toks[i + 2])
                i += 3
            else:
                node, i = template(i, "QUOTE_END", TemplateString)
        elif kind == "NUMBER":
            node = Number(toks[i])
            i += 1
        elif kind == "LBRACE":
            node, i = for_object(i) if kinds[i + 1] == "FOR" else object_(i)
        elif kind == "LBRACK":
            node, i = for_tuple(i) if kinds[i + 1] == "FOR" else tuple_(i)
        elif kind == "LPAR":
            inner, j = expr(i + 1)
            node = Parenthesized(toks[i], inner, expect(j, "RPAR"))
            i = j + 1
        elif kind == "HEREDOC":
            node, i = template(i, "HEREDOC_END", Heredoc)
        elif kind == "MINUS" or kind == "BANG":
            inner, j = operand(i + 1)
            return UnaryOp(toks[i], inner), j
        else:
            raise Rejected(i)
        if kinds[i] in CONTINUATIONS:
            return postfix(node, i)
        return node, i

    def postfix(node: n.Expression, i: int) -> tuple[n.Expression, int]:
        """``node`` with the traversals (attributes, indexes, splats) that follow it."""
        kind = kinds[i]
        while kind == "DOT" or kind == "LBRACK":
            after = kinds[i + 1]
            if kind == "DOT":
                if after == "IDENT":
                    node = GetAttr(node, toks[i], toks[i + 1])
                elif after == "NUMBER":
                    node = LegacyIndex(node, toks[i], toks[i + 1])
                elif after == "STAR":
                    node = Splat(node, toks[i], toks[i + 1], None)
                else:
                    raise Rejected(i + 1)
                i += 2
            elif after == "STAR":
                node = Splat(node, toks[i], toks[i + 1], expect(i + 2, "RBRACK"))
                i += 3
            else:
                key, j = expr(i + 1)
                node = Index(node, toks[i], key, expect(j, "RBRACK"))
                i = j + 1
            kind = kinds[i]
        return node, i

    def call(i: int) -> tuple[n.FunctionCall, int]:
        """``f(...)`` or ``provider::ns::f(...)``."""
        if kinds[i + 1] == "DCOLON":
            if kinds[i + 2] != "IDENT" or kinds[i + 3] != "DCOLON" or kinds[i + 4] != "IDENT":
                raise Rejected(i + 2)
            name = tuple(toks[i : i + 5])
            i += 5
        else:
            name = (toks[i],)
            i += 1
        open_ = expect(i, "LPAR")
        i += 1
        arguments = []
        if kinds[i] != "RPAR":
            while True:
                value, i = expr(i)
                kind = kinds[i]
                if kind == "COMMA":
                    arguments.append(Argument(value, None, toks[i]))
                    i += 1
                    if kinds[i] == "RPAR":
                        break
                elif kind == "ELLIPSIS":
                    ellipsis = toks[i]
                    i += 1
                    comma = None
                    if kinds[i] == "COMMA":
                        comma = toks[i]
                        i += 1
                    arguments.append(Argument(value, ellipsis, comma))
                    break
                else:
                    arguments.append(Argument(value, None, None))
                    break
        return FunctionCall(name, open_, tuple(arguments), expect(i, "RPAR")), i + 1

    def tuple_(i: int) -> tuple[n.Tuple, int]:
        open_ = toks[i]
        i += 1
        items = []
        if kinds[i] != "RBRACK":
            while True:
                value, i = expr(i)
                if kinds[i] == "COMMA":
                    items.append(TupleItem(value, toks[i]))
                    i += 1
                    if kinds[i] == "RBRACK":
                        break
                else:
                    items.append(TupleItem(value, None))
                    break
        return Tuple(open_, tuple(items), expect(i, "RBRACK")), i + 1

    def object_(i: int) -> tuple[n.Object, int]:
        open_ = toks[i]
        start = i = i + 1
        while kinds[i] == "NL":
            i += 1
        leading = tuple(toks[start:i])
        items = []
        while kinds[i] != "RBRACE":
            kind = kinds[i + 1]
            if kinds[i] == "IDENT" and (kind == "EQUAL" or kind == "COLON"):
                key = Variable(toks[i])  # the usual `name = value`
                i += 1
            else:
                key, i = expr(i)
                kind = kinds[i]
                if kind != "EQUAL" and kind != "COLON":
                    raise Rejected(i)
            assign = toks[i]
            i += 1
            if kinds[i] == "QUOTE" and kinds[i + 1] == "TLIT" and kinds[i + 2] == "QUOTE_END":
                value = TemplateString(toks[i], (toks[i + 1],), toks[i + 2])
                i += 3
                if kinds[i] in CONTINUATIONS:
                    value, i = expr(i - 3)
            else:
                value, i = expr(i)
            start = i
            kind = kinds[i]
            if kind == "COMMA":
                i += 1
            elif kind != "NL":
                items.append(ObjectItem(key, assign, value, ()))
                break
            while kinds[i] == "NL":
                i += 1
            items.append(ObjectItem(key, assign, value, tuple(toks[start:i])))
        return Object(open_, leading, tuple(items), expect(i, "RBRACE")), i + 1

    def for_header(i: int) -> tuple[Leaf | None, Leaf | None, Leaf, Leaf, n.Expression, int]:
        """``IDENT (, IDENT)? in expr`` from ``i``: key, comma, value, `in`, collection."""
        first = expect(i, "IDENT")
        if kinds[i + 1] == "COMMA":
            key, comma, value = first, toks[i + 1], expect(i + 2, "IDENT")
            i += 3
        else:
            key = comma = None
            value = first
            i += 1
        in_ = expect(i, "IN")
        collection, i = expr(i + 1)
        return key, comma, value, in_, collection, i

    def for_tuple(i: int) -> tuple[n.ForTuple, int]:
        open_, for_ = toks[i], toks[i + 1]
        key, comma, value, in_, collection, i = for_header(i + 2)
        colon = expect(i, "COLON")
        result, i = expr(i + 1)
        if_ = condition = None
        if kinds[i] == "IF":
            if_ = toks[i]
            condition, i = expr(i + 1)
        close = expect(i, "RBRACK")
        node = ForTuple(
            open_, for_, key, comma, value, in_, collection, colon, result, if_, condition, close
        )
        return node, i + 1

    def for_object(i: int) -> tuple[n.ForObject, int]:
        open_, for_ = toks[i], toks[i + 1]
        key, comma, value, in_, collection, i = for_header(i + 2)
        colon = expect(i, "COLON")
        key_result, i = expr(i + 1)
        arrow = expect(i, "ARROW")
        value_result, i = expr(i + 1)
        ellipsis = if_ = condition = None
        if kinds[i] == "ELLIPSIS":
            ellipsis = toks[i]
            i += 1
        if kinds[i] == "IF":
            if_ = toks[i]
            condition, i = expr(i + 1)
        close = expect(i, "RBRACE")
        node = ForObject(
            open_,
            for_,
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
            close,
        )
        return node, i + 1

    # ------------------------------------------------------------ templates

    def template(i: int, end: str, make: type) -> tuple[n.Expression, int]:
        """A quoted string or a heredoc: its opening token, parts and ``end`` token."""
        parts, j = template_parts(i + 1)
        return make(toks[i], parts, expect(j, end)), j + 1

    def template_parts(i: int) -> tuple[tuple, int]:
        """Literals, interpolations and directives from ``i`` up to a token that is none."""
        parts = []
        while True:
            kind = kinds[i]
            if kind == "TLIT":
                parts.append(toks[i])
                i += 1
            elif kind == "INTERP":
                inner, j = expr(i + 1)
                parts.append(TemplateInterpolation(toks[i], inner, expect(j, "TCLOSE")))
                i = j + 1
            elif kind == "DIR_IF":
                condition, j = expr(i + 1)
                open_close = expect(j, "TCLOSE")
                then_parts, j = template_parts(j + 1)
                else_ = None
                else_parts: tuple = ()
                if kinds[j] == "DIR_ELSE":
                    else_ = toks[j]
                    else_parts, j = template_parts(j + 1)
                endif = expect(j, "DIR_ENDIF")
                parts.append(
                    TemplateIf(toks[i], condition, open_close, then_parts, else_, else_parts, endif)
                )
                i = j + 1
            elif kind == "DIR_FOR":
                key, comma, value, in_, collection, j = for_header(i + 1)
                open_close = expect(j, "TCLOSE")
                body_parts, j = template_parts(j + 1)
                endfor = expect(j, "DIR_ENDFOR")
                parts.append(
                    TemplateFor(
                        toks[i], key, comma, value, in_, collection, open_close, body_parts, endfor
                    )
                )
                i = j + 1
            else:
                return tuple(parts), i

    # ------------------------------------------------------------ bodies

    def body(i: int) -> tuple[n.Body, int]:
        """Attributes, blocks and empty lines from ``i`` up to a token that starts none."""
        elements = []
        append = elements.append
        while True:
            kind = kinds[i]
            if kind == "IDENT":
                after = kinds[i + 1]
                if after == "EQUAL":
                    j = i + 2
                    value_kind = kinds[j]
                    # The common one-token and plain-string values, built without ``expr``.
                    if value_kind == "QUOTE" and kinds[j + 1] == "TLIT":
                        if kinds[j + 2] == "QUOTE_END" and kinds[j + 3] == "NL":
                            value = TemplateString(toks[j], (toks[j + 1],), toks[j + 2])
                            append(Attribute(toks[i], toks[i + 1], value, toks[j + 3]))
                            i = j + 4
                            continue
                    elif value_kind == "IDENT" and kinds[j + 1] == "NL":
                        value = Variable(toks[j])
                        append(Attribute(toks[i], toks[i + 1], value, toks[j + 1]))
                        i = j + 2
                        continue
                    elif value_kind == "NUMBER" and kinds[j + 1] == "NL":
                        value = Number(toks[j])
                        append(Attribute(toks[i], toks[i + 1], value, toks[j + 1]))
                        i = j + 2
                        continue
                    value, j = expr(j)
                    if kinds[j] != "NL":
                        raise Rejected(j)
                    append(Attribute(toks[i], toks[i + 1], value, toks[j]))
                    i = j + 1
                else:
                    node, i = block(i)
                    append(node)
            elif kind == "NL":
                append(EmptyLine(toks[i]))
                i += 1
            else:
                return Body(tuple(elements)), i

    def block(i: int) -> tuple[n.Block, int]:
        type_ = toks[i]
        i += 1
        labels = []
        while True:
            kind = kinds[i]
            if kind == "IDENT":
                labels.append(toks[i])
                i += 1
            elif kind == "QUOTE":
                if kinds[i + 1] == "TLIT" and kinds[i + 2] == "QUOTE_END":
                    labels.append(TemplateString(toks[i], (toks[i + 1],), toks[i + 2]))
                    i += 3
                else:
                    label, i = template(i, "QUOTE_END", TemplateString)
                    labels.append(label)
            else:
                break
        if kinds[i] != "LBRACE":
            raise Rejected(i)
        open_ = toks[i]
        i += 1
        if kinds[i] == "NL":
            open_newline = toks[i]
            inner, i = body(i + 1)
        else:
            open_newline = None
            if kinds[i] == "IDENT":
                name = toks[i]
                equals = expect(i + 1, "EQUAL")
                value, i = expr(i + 2)
                inner = Body((Attribute(name, equals, value, None),))
            else:
                inner = Body(())
        if kinds[i] != "RBRACE" or kinds[i + 1] != "NL":
            raise Rejected(i if kinds[i] != "RBRACE" else i + 1)
        node = Block(type_, tuple(labels), open_, open_newline, inner, toks[i], toks[i + 1])
        return node, i + 2

    top, i = body(0)
    eof = expect(i, "EOF")
    if i + 1 != len(toks):
        raise Rejected(i + 1)
    return n.ConfigFile(top, eof)
