"""The HCL native-syntax lexer: text to a list of ``Leaf`` tokens with their leading trivia.

HCL's lexical structure depends on context (a newline ends an attribute in a body but not inside
brackets; a quoted string holds a template; a heredoc ends at a marker line), so the lexer keeps a
stack of open constructs and switches mode with it, as HashiCorp's scanner does. Trivia is attached
to the token that follows it, which keeps the parser's token stream short and the tree lossless.

``tokenize`` raises on the first malformed spot. ``tokenize_tolerant`` (for the recovering parse)
never does: it records each problem and leaves a ``BAD`` token there for the parser to meet.
"""

from __future__ import annotations

import re

from .errors import HclSyntaxError, line_col
from .tokens import Leaf
from .trivia import TRIVIA_SAME_LINE, TRIVIA_WITH_NEWLINES

# Context kinds.
BODY, BRACE, BRACE_FOR, PAREN, BRACK, INTERP, DIRECTIVE, QUOTE, HEREDOC = range(9)
NEWLINE_SIGNIFICANT = frozenset({BODY, BRACE})
TEMPLATE_MODES = frozenset({QUOTE, HEREDOC})

# for-expression states of a bracket context.
FOR_NONE, FOR_EXPECTED, FOR_HEADER, FOR_BODY = range(4)

IDENT_RE = r"[^\W\d][\w-]*"
EXPR_TOKEN = re.compile(
    rf"(?P<IDENT>{IDENT_RE})"
    r"|(?P<NUMBER>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<NL>\r?\n)"
    r'|(?P<QUOTE>")'
    rf"|(?P<HEREDOC><<(-?)({IDENT_RE})[ \t]*\r?\n)"
    r"|(?P<OP>==|!=|<=|>=|&&|\|\||=>|\.\.\.|::|~\}|[{}()\[\],.=:?!<>+\-*/%])"
)
DIGITS = re.compile(r"\d+")
IDENT_ATOMIC = r"[^\W\d][\w-]*+"
FOR_AHEAD = re.compile(
    rf"(?:\s|#[^\n]*+|//[^\n]*+|/\*.*?\*/)*+for\s+{IDENT_ATOMIC}\s*(?:,\s*{IDENT_ATOMIC}\s*)?\s+in\b",
    re.S,
)
# Only HCL's escapes continue a literal; any other backslash stops it and is reported.
QUOTED_LITERAL = re.compile(
    r'(?:\$\$\{|%%\{|\\(?:[nrt"\\]|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})|[^"\\$%\r\n]+|\$(?!\{)|%(?!\{))+'
)
HEREDOC_LINE = re.compile(r"(?:\$\$\{|%%\{|[^$%\n]+|\$(?!\{)|%(?!\{))*\n?")
TEMPLATE_OPEN = re.compile(r"\$\{~?|%\{~?[ \t]*(if|for|else|endif|endfor)\b")
DIRECTIVE_END = re.compile(r"[ \t]*~?\}")

OPERATOR_TYPES = {
    "{": "LBRACE",
    "}": "RBRACE",
    "(": "LPAR",
    ")": "RPAR",
    "[": "LBRACK",
    "]": "RBRACK",
    ",": "COMMA",
    ".": "DOT",
    "=": "EQUAL",
    ":": "COLON",
    "?": "QUESTION",
    "!": "BANG",
    "-": "MINUS",
    "*": "STAR",
    "...": "ELLIPSIS",
    "=>": "ARROW",
    "::": "DCOLON",
    "~}": "TCLOSE",
}
for _op in ("==", "!=", "<=", ">=", "&&", "||", "<", ">", "+", "/", "%"):
    OPERATOR_TYPES[_op] = "BINOP"
OPENER_TEXT = {BRACE: "{", BRACE_FOR: "{", PAREN: "(", BRACK: "[", INTERP: "${", DIRECTIVE: "%{"}
DIRECTIVE_TYPES = {
    "if": "DIR_IF",
    "for": "DIR_FOR",
    "else": "DIR_ELSE",
    "endif": "DIR_ENDIF",
    "endfor": "DIR_ENDFOR",
}


def _step(trivia: re.Pattern[str]) -> re.Pattern[str]:
    """Trivia, then the next token (or the end of the text), in one match: half the regex calls.

    The trivia repeats possessively, so it is exactly what ``trivia.match`` alone would take:
    the engine never backtracks into a comment to find a token in it (``/* x`` stays an error).
    It is not a group (the token's start is where its trivia ends); ``lastindex`` names the
    token's group, as in ``EXPR_TOKEN``. A quoted
    string with nothing but plain text (most of them) is one ``STRING`` match, lexed on the spot
    into the same three tokens the template mode would make; so are a traversal step ``.name``
    (``ATTR``) and the start of an attribute ``name =`` (``ASSIGN``) into their two. Brackets
    have their own groups (``OPEN``, ``CLOSE``) ahead of ``OP``, so the loop handles them inline.
    """
    if not trivia.pattern.endswith("*+"):  # pragma: no cover - guards a trivia change
        raise ValueError("trivia must end in a possessive repetition to lead a step pattern")
    flags = "s" if trivia.flags & re.S else ""
    gap = rf"(?{flags}:{trivia.pattern})"
    return re.compile(
        rf"{gap}(?:(?P<STRING>{SIMPLE_STRING})|(?P<ATTR>\.{IDENT_RE})"
        rf"|(?P<ASSIGN>({IDENT_ATOMIC}){gap}=(?![=>]))|(?P<OPEN>[{{(\[])|(?P<CLOSE>[}})\]])"
        rf"|{EXPR_TOKEN.pattern}|(?P<END>\Z))",
        EXPR_TOKEN.flags,
    )


# A string that QUOTED_LITERAL would take whole: no escape, `${`, `%{` or line break in it.
SIMPLE_STRING = r'"[^"\\$%\r\n]*+"'


STEP_SAME_LINE = _step(TRIVIA_SAME_LINE)
STEP_FREE = _step(TRIVIA_WITH_NEWLINES)
_GROUP = STEP_SAME_LINE.groupindex
G_IDENT, G_NUMBER, G_NL, G_STRING, G_ATTR, G_ASSIGN, G_OPEN, G_CLOSE, G_QUOTE, G_HEREDOC, G_OP = (
    _GROUP[name]
    for name in (
        "IDENT",
        "NUMBER",
        "NL",
        "STRING",
        "ATTR",
        "ASSIGN",
        "OPEN",
        "CLOSE",
        "QUOTE",
        "HEREDOC",
        "OP",
    )
)
# The step pattern of each context kind (indexed by kind); None for the template modes.
STEPS: tuple[re.Pattern[str] | None, ...] = tuple(
    None if kind in TEMPLATE_MODES else STEP_SAME_LINE if kind in NEWLINE_SIGNIFICANT else STEP_FREE
    for kind in range(9)
)
# What an opening bracket pushes and the token it makes; `{` and `[` may start a for-expression.
OPENERS = {"{": (BRACE, "LBRACE"), "(": (PAREN, "LPAR"), "[": (BRACK, "LBRACK")}
# The context kinds each closing bracket closes in well-formed text, and its token type.
CLOSES = {"}": ((BRACE, BRACE_FOR), "RBRACE"), ")": ((PAREN,), "RPAR"), "]": ((BRACK,), "RBRACK")}
# Operators that leave the context stack alone; the rest (brackets, `~}`, and `/` for its `/*`
# check) are handled apart.
SIMPLE_OPERATORS = {
    op: type_
    for op, type_ in OPERATOR_TYPES.items()
    if op not in {"{", "}", "(", ")", "[", "]", "~}", "/"}
}
# The hot loop builds tokens with ``tuple.__new__`` (NamedTuple's ``__new__`` is Python code).
if Leaf._fields != ("type", "text", "pre", "pos"):  # pragma: no cover - guards a Leaf change
    raise ImportError("the lexer builds Leaf as (type, text, pre, pos); update it with Leaf")


class _Context:
    """One open construct: its kind, where it opened, and mode details."""

    __slots__ = ("for_state", "kind", "line_start", "marker", "pos")

    def __init__(self, kind: int, pos: int, for_state: int = FOR_NONE, marker: str = "") -> None:
        self.kind = kind
        self.pos = pos
        self.for_state = for_state
        self.marker = marker
        self.line_start = True


def tokenize(text: str, path: str | None = None) -> list[Leaf]:
    """Split HCL source into tokens; raise ``HclSyntaxError`` on malformed input."""
    return _Lexer(text, path).run()


def tokenize_tolerant(
    text: str, path: str | None = None
) -> tuple[list[Leaf], list[HclSyntaxError]]:
    """Split any text into tokens, never raising: malformed text becomes ``BAD`` tokens.

    Every problem is recorded and leaves a ``BAD`` token (or a zero-width ``BADCLOSE`` per
    context it had to abandon) where it is, so the parser meets it there and recovers; the
    context stack is resynchronised as HashiCorp's scanner does: a string ends at its line, a
    closer closes the nearest construct it can close, the end of the text ends everything.
    """
    lexer = _Lexer(text, path, tolerant=True)
    return lexer.run(), lexer.problems


class _Lexer:
    def __init__(self, text: str, path: str | None, tolerant: bool = False) -> None:
        self.text = text
        self.path = path
        self.tolerant = tolerant
        self.problems: list[HclSyntaxError] = []
        self.tokens: list[Leaf] = []
        self.stack = [_Context(BODY, 0)]
        # Open `%{ if }` / `%{ for }` directives: (keyword, offset, template, seen `else`).
        self.directives: list[tuple[str, int, _Context, bool]] = []

    def error(self, message: str, offset: int) -> HclSyntaxError:
        return HclSyntaxError(message, self.text, offset, self.path)

    def fail(self, message: str, offset: int) -> None:
        """Strict: raise. Tolerant: record, and let the caller leave a ``BAD`` token."""
        err = self.error(message, offset)
        if not self.tolerant:
            raise err
        self.problems.append(err)

    def bad(self, start: int, end: int, pre: str = "") -> None:
        """A ``BAD`` token for text that is not HCL; adjacent bad text joins the previous one."""
        tokens = self.tokens
        last = tokens[-1] if tokens else None
        if (
            not pre
            and last is not None
            and last.type == "BAD"
            and last.pos + len(last.text) == start
        ):
            tokens[-1] = Leaf("BAD", last.text + self.text[start:end], last.pre, last.pos)
        else:
            tokens.append(Leaf("BAD", self.text[start:end], pre, start))

    def skip_unexpected(self, ctx: _Context, pos: int) -> int:
        """Tolerant: the text at ``pos`` starts no token; make it ``BAD`` and go on after it."""
        text = self.text
        trivia = TRIVIA_SAME_LINE if ctx.kind in NEWLINE_SIGNIFICANT else TRIVIA_WITH_NEWLINES
        start = trivia.match(text, pos).end()
        end = len(text) if text.startswith("/*", start) else start + 1
        last = self.tokens[-1] if self.tokens else None
        if not (last and last.type == "BAD" and last.pos + len(last.text) == start):
            self.problems.append(self.unexpected(ctx, pos))
        self.bad(start, end, text[pos:start])
        return end

    def abandon(self, pos: int, kinds: frozenset[int], pre: str = "") -> None:
        """Tolerant: close open constructs of ``kinds`` at ``pos``, one ``BADCLOSE`` each.

        A quoted string goes with the interpolations it sits in (`"${x"`); a heredoc, a bracket
        or the body stop the unwinding.
        """
        stack = self.stack
        while len(stack) > 1 and stack[-1].kind in kinds:
            ctx = stack.pop()
            while self.directives and self.directives[-1][2] is ctx:
                self.directives.pop()
            self.tokens.append(Leaf("BADCLOSE", "", pre, pos))
            pre = ""
            if ctx.kind in TEMPLATE_MODES and stack[-1].kind not in (INTERP, DIRECTIVE):
                break

    def run(self) -> list[Leaf]:
        """The hot loop: one ``STEP_*`` match per token, an inner loop while the step pattern holds."""
        text = self.text
        pos = 1 if text.startswith("\ufeff") else 0
        bom = text[:pos]
        tokens = self.tokens
        append = tokens.append
        stack = self.stack
        new = tuple.__new__
        while True:
            ctx = stack[-1]
            pattern = STEPS[ctx.kind]
            if pattern is None:
                pos = self.template(ctx, pos)
                continue
            step = pattern.match
            # A context's for-state never returns to FOR_NONE, so this holds while ctx does.
            plain = ctx.for_state == FOR_NONE
            # Where newlines are tokens, a token right before one takes it on the spot.
            same_line = pattern is STEP_SAME_LINE
            while True:  # until the context changes to one with another step pattern
                m = step(text, pos)
                if m is None:
                    if not self.tolerant:
                        raise self.unexpected(ctx, pos)
                    pos = self.skip_unexpected(ctx, pos)
                    continue
                group = m.lastindex
                start, end = m.span(group)
                pre = text[pos:start]
                pos = end
                # Branches in order of how often the group matches in real modules.
                if group == G_NL:
                    append(new(Leaf, ("NL", text[start:end], pre, start)))
                    while text.startswith("\n", pos):  # blank lines, one step call for all
                        append(new(Leaf, ("NL", "\n", "", pos)))
                        pos += 1
                elif group == G_ASSIGN:
                    name_end = m.end(group + 1)
                    value = text[start:name_end]
                    type_ = "IDENT" if plain else self.keyword(ctx, value)
                    append(new(Leaf, (type_, value, pre, start)))
                    append(new(Leaf, ("EQUAL", "=", text[name_end : end - 1], end - 1)))
                elif group == G_IDENT:
                    value = text[start:end]
                    type_ = "IDENT" if plain else self.keyword(ctx, value)
                    append(new(Leaf, (type_, value, pre, start)))
                elif group == G_ATTR:
                    append(new(Leaf, ("DOT", ".", pre, start)))
                    value = text[start + 1 : end]
                    type_ = "IDENT" if plain else self.keyword(ctx, value)
                    append(new(Leaf, (type_, value, "", start + 1)))
                    if same_line and text.startswith("\n", pos):  # no step call for the line end
                        append(new(Leaf, ("NL", "\n", "", pos)))
                        pos += 1
                elif group == G_STRING:
                    append(new(Leaf, ("QUOTE", '"', pre, start)))
                    if end - start > 2:
                        append(new(Leaf, ("TLIT", text[start + 1 : end - 1], "", start + 1)))
                    append(new(Leaf, ("QUOTE_END", '"', "", end - 1)))
                    if same_line and text.startswith("\n", pos):  # no step call for the line end
                        append(new(Leaf, ("NL", "\n", "", pos)))
                        pos += 1
                elif group == G_OPEN:
                    value = text[start]
                    kind, type_ = OPENERS[value]
                    for_state = FOR_NONE
                    if value != "(" and FOR_AHEAD.match(text, pos):
                        for_state = FOR_EXPECTED
                        if kind == BRACE:
                            kind = BRACE_FOR
                    ctx = _Context(kind, start, for_state)
                    stack.append(ctx)
                    append(new(Leaf, (type_, value, pre, start)))
                    plain = for_state == FOR_NONE
                    if STEPS[kind] is not pattern:
                        break
                    if same_line and text.startswith("\n", pos):  # no step call for the line end
                        append(new(Leaf, ("NL", "\n", "", pos)))
                        pos += 1
                elif group == G_CLOSE:
                    value = text[start]
                    kinds, type_ = CLOSES[value]
                    if ctx.kind not in kinds:  # the `}` of `${`/`%{`, or a stray closer
                        pos = self.operator(ctx, value, pre, start, pos)
                        break
                    stack.pop()
                    append(new(Leaf, (type_, value, pre, start)))
                    ctx = stack[-1]
                    plain = ctx.for_state == FOR_NONE
                    # `)` or `]` often ends an attribute's line: take the line end for the body.
                    if STEPS[ctx.kind] is STEP_SAME_LINE and text.startswith("\n", pos):
                        append(new(Leaf, ("NL", "\n", "", pos)))
                        pos += 1
                    if STEPS[ctx.kind] is not pattern:
                        break
                elif group == G_OP:
                    value = text[start:end]
                    type_ = SIMPLE_OPERATORS.get(value)
                    if type_ is None:  # `~}` or `/`
                        pos = self.operator(ctx, value, pre, start, pos)
                        break
                    append(new(Leaf, (type_, value, pre, start)))
                elif group == G_QUOTE:
                    append(new(Leaf, ("QUOTE", '"', pre, start)))
                    stack.append(_Context(QUOTE, start))
                    break
                elif group == G_NUMBER:
                    value = text[start:end]
                    if tokens and tokens[-1].type == "DOT":  # legacy index `a.0.1`: digits only
                        value = DIGITS.match(text, start).group()
                        pos = start + len(value)
                    append(new(Leaf, ("NUMBER", value, pre, start)))
                elif group == G_HEREDOC:
                    append(new(Leaf, ("HEREDOC", text[start:end], pre, start)))
                    stack.append(_Context(HEREDOC, start, marker=m.group(group + 2)))
                    break
                else:  # END: only trivia was left
                    tokens = self.finish(pre, start)
                    if bom:  # the byte-order mark leads the first token's trivia
                        first = tokens[0]
                        tokens[0] = new(Leaf, (first.type, first.text, bom + first.pre, first.pos))
                    return tokens

    def unexpected(self, ctx: _Context, pos: int) -> HclSyntaxError:
        """The error for text where no token starts."""
        text = self.text
        trivia = TRIVIA_SAME_LINE if ctx.kind in NEWLINE_SIGNIFICANT else TRIVIA_WITH_NEWLINES
        start = trivia.match(text, pos).end()
        if text.startswith("/*", start):
            return self.error("unterminated block comment: '/*' has no closing '*/'", start)
        char = text[start]
        return self.error(f"unexpected character {char!r}", start)

    def keyword(self, ctx: _Context, word: str) -> str:
        """Decide whether an identifier is a for-expression keyword here."""
        state = ctx.for_state
        if state == FOR_NONE:
            return "IDENT"
        if state == FOR_EXPECTED and word == "for" and self.tokens[-1].type in ("LBRACE", "LBRACK"):
            ctx.for_state = FOR_HEADER
            return "FOR"
        if state == FOR_HEADER and word == "in":
            ctx.for_state = FOR_BODY
            return "IN"
        if state == FOR_BODY and word == "if":
            return "IF"
        return "IDENT"

    def operator(self, ctx: _Context, value: str, pre: str, start: int, pos: int) -> int:
        """Lex what the hot loop leaves: the `}` or `~}` of a `${`/`%{`, a closer that matches
        nothing open, and `/` (for its `/*` check); return where lexing goes on."""
        if value in ("}", "~}") and ctx.kind in (INTERP, DIRECTIVE):
            self.tokens.append(Leaf("TCLOSE", value, pre, start))
            self.stack.pop()
            return pos
        if value == "/":
            if self.text.startswith("*", pos):
                # The trivia pattern takes a whole `/* ... */`; a `/*` left over has no end.
                self.fail("unterminated block comment: '/*' has no closing '*/'", start)
                self.bad(start, len(self.text), pre)
                return len(self.text)
            self.tokens.append(Leaf(OPERATOR_TYPES[value], value, pre, start))
            return pos
        return self.stray_closer(ctx, value, pre, start, pos)

    def stray_closer(self, ctx: _Context, value: str, pre: str, start: int, pos: int) -> int:
        """A closer that does not match the innermost construct: an error; tolerant, it closes
        the nearest construct it can (abandoning those in between) or is ``BAD`` text."""
        self.fail(self.mismatch(ctx, value), start)
        closes = {")": (PAREN,), "]": (BRACK,), "~}": (INTERP, DIRECTIVE)}.get(
            value, (BRACE, BRACE_FOR, INTERP, DIRECTIVE)
        )
        stack = self.stack
        target = 0
        for i in range(len(stack) - 1, 0, -1):
            if stack[i].kind in closes:
                target = i
                break
            if stack[i].kind in TEMPLATE_MODES:
                break
        if not target:
            self.bad(start, pos, pre)
            return pos
        while len(stack) - 1 > target:
            stack.pop()
            self.tokens.append(Leaf("BADCLOSE", "", pre, start))
            pre = ""
        kind = stack.pop().kind
        if kind in (INTERP, DIRECTIVE):
            type_ = "TCLOSE"
        else:
            type_ = {"}": "RBRACE", ")": "RPAR", "]": "RBRACK"}[value]
        self.tokens.append(Leaf(type_, value, pre, start))
        return pos

    def mismatch(self, ctx: _Context, closer: str) -> str:
        if ctx.kind == BODY:
            return f"unexpected {closer!r}: nothing is open here"
        opener = OPENER_TEXT.get(ctx.kind, "?")
        from .errors import line_col

        line, col = line_col(self.text, ctx.pos)
        return f"unexpected {closer!r}: the {opener!r} opened at {line}:{col} is not closed yet"

    def template(self, ctx: _Context, pos: int) -> int:
        """Lex one piece of a quoted string or heredoc body; return the new position."""
        text = self.text
        if ctx.kind == QUOTE:
            m = QUOTED_LITERAL.match(text, pos)
            if m:
                self.tokens.append(Leaf("TLIT", m.group(), "", pos))
                pos = m.end()
            if text.startswith('"', pos):
                if self.directives and self.directives[-1][2] is ctx:
                    self.unclosed_at_end(ctx, pos)
                self.tokens.append(Leaf("QUOTE_END", '"', "", pos))
                self.stack.pop()
                return pos + 1
            if pos >= len(text) or text[pos] in "\r\n":
                self.fail(self.unterminated_string(pos), ctx.pos)
                self.abandon(pos, frozenset({QUOTE, INTERP, DIRECTIVE}))
                return pos
            if text[pos] == "\\":
                self.fail(self.invalid_escape(pos), pos)
                end = pos + 2 if pos + 1 < len(text) and text[pos + 1] not in "\r\n" else pos + 1
                self.bad(pos, end)
                return end
            return self.template_open(pos)
        return self.heredoc(ctx, pos)

    def unterminated_string(self, pos: int) -> str:
        if pos >= len(self.text):
            message = "unterminated string: the file ends before its closing quote"
        else:
            message = "unterminated string: a quoted string must end on its own line"
        outer = self.stack[-2]
        if outer.kind in (INTERP, DIRECTIVE):  # `"${x"`: the inner quote is the symptom
            line, col = line_col(self.text, outer.pos)
            opener = OPENER_TEXT[outer.kind]
            message += f" (is the {opener!r} opened at {line}:{col} missing its '}}'?)"
        return message

    def invalid_escape(self, pos: int) -> str:
        escape = self.text[pos : pos + 2].rstrip("\r\n")
        if escape in ("\\u", "\\U"):
            digits = 4 if escape == "\\u" else 8
            return f"invalid escape sequence: {escape} takes {digits} hexadecimal digits"
        if escape == "\\":
            return "invalid escape sequence: a quoted string cannot go on past the end of a line"
        return f"invalid escape sequence '{escape}': use \\n, \\r, \\t, \\\", \\\\, \\uNNNN or \\UNNNNNNNN"

    def unclosed_at_end(self, template: _Context, pos: int) -> None:
        """A template ends with a `%{ if }`/`%{ for }` open: an error; tolerant, a ``BAD`` mark."""
        self.fail(self.unclosed_directive(), pos)
        while self.directives and self.directives[-1][2] is template:
            self.directives.pop()
        self.bad(pos, pos)

    def unclosed_directive(self) -> str:
        keyword, pos, _, _ = self.directives[-1]
        line, col = line_col(self.text, pos)
        end = "endif" if keyword == "if" else "endfor"
        return f"the '%{{ {keyword} }}' opened at {line}:{col} has no '%{{ {end} }}'"

    def heredoc(self, ctx: _Context, pos: int) -> int:
        text = self.text
        end = len(text)
        literal_start = pos
        marker = ctx.marker
        while True:
            if ctx.line_start:
                line_end = text.find("\n", pos)
                line = text[pos : end if line_end < 0 else line_end]
                if line.strip(" \t\r") == marker:
                    if line_end < 0:
                        self.fail(
                            f"the heredoc's closing {marker!r} line must end with a newline", end
                        )
                        return self.unterminated_heredoc(ctx, literal_start)
                    if pos > literal_start:
                        self.tokens.append(Leaf("TLIT", text[literal_start:pos], "", literal_start))
                    if self.directives and self.directives[-1][2] is ctx:
                        self.unclosed_at_end(ctx, pos)
                    stop = pos + line.index(marker) + len(marker)
                    self.tokens.append(Leaf("HEREDOC_END", text[pos:stop], "", pos))
                    self.stack.pop()
                    return stop
            if pos >= end:
                self.fail(f"unterminated heredoc: no closing {marker!r} line", ctx.pos)
                return self.unterminated_heredoc(ctx, literal_start)
            new_pos = HEREDOC_LINE.match(text, pos).end()
            if new_pos > pos:
                ctx.line_start = text[new_pos - 1] == "\n"
                pos = new_pos
                if ctx.line_start or pos >= end:
                    continue
            if pos > literal_start:
                self.tokens.append(Leaf("TLIT", text[literal_start:pos], "", literal_start))
            return self.template_open(pos)

    def unterminated_heredoc(self, ctx: _Context, literal_start: int) -> int:
        """Tolerant: the heredoc's text runs to the end of the file; nothing is open after it."""
        end = len(self.text)
        if end > literal_start:
            self.tokens.append(Leaf("TLIT", self.text[literal_start:end], "", literal_start))
        self.abandon(end, frozenset({HEREDOC}))
        return end

    def template_open(self, pos: int) -> int:
        """Lex `${`, `%{ if ...`, `%{ else }` and friends inside a template."""
        text = self.text
        m = TEMPLATE_OPEN.match(text, pos)
        if m is None:  # literals stop only before `${` and `%{`, so this is `%{` + a typo
            self.fail("unknown template directive: '%{' takes if, for, else, endif or endfor", pos)
            self.bad(pos, pos + 2)
            return pos + 2
        keyword = m.group(1)
        top = self.stack[-1]
        top.line_start = False
        if keyword is None:
            self.tokens.append(Leaf("INTERP", m.group(), "", pos))
            self.stack.append(_Context(INTERP, pos))
            return m.end()
        if keyword in ("if", "for"):
            self.directives.append((keyword, pos, top, False))
            self.tokens.append(Leaf(DIRECTIVE_TYPES[keyword], m.group(), "", pos))
            for_state = FOR_HEADER if keyword == "for" else FOR_NONE
            self.stack.append(_Context(DIRECTIVE, pos, for_state))
            return m.end()
        close = DIRECTIVE_END.match(text, m.end())
        if close is None:
            self.fail(f"expected '}}' to close the %{{ {keyword} }} directive", m.end())
            self.bad(pos, m.end())
            return m.end()
        try:
            self.close_directive(keyword, pos, top)
        except HclSyntaxError as err:
            if not self.tolerant:
                raise
            self.problems.append(err)
            self.bad(pos, close.end())
            return close.end()
        self.tokens.append(Leaf(DIRECTIVE_TYPES[keyword], text[pos : close.end()], "", pos))
        return close.end()

    def close_directive(self, keyword: str, pos: int, template: _Context) -> None:
        """Match `%{ else }`, `%{ endif }` and `%{ endfor }` with the directive they close."""
        wanted = "for" if keyword == "endfor" else "if"
        open_ = self.directives[-1] if self.directives else None
        if open_ is None or open_[2] is not template or open_[0] != wanted:
            if open_ is not None and open_[2] is template:
                raise self.error(f"'%{{ {keyword} }}' here: {self.unclosed_directive()}", pos)
            raise self.error(f"'%{{ {keyword} }}' without a '%{{ {wanted} }}' before it", pos)
        if keyword != "else":
            self.directives.pop()
        elif open_[3]:
            raise self.error("a second '%{ else }' for the same '%{ if }'", pos)
        else:
            self.directives[-1] = (*open_[:3], True)

    def finish(self, pre: str, pos: int) -> list[Leaf]:
        # Tolerant, what is still open is the parser's to report: it names the enclosing block.
        if len(self.stack) > 1 and not self.tolerant:
            ctx = self.stack[-1]
            opener = OPENER_TEXT.get(ctx.kind, "?")
            raise self.error(f"{opener!r} is never closed", ctx.pos)
        tokens = self.tokens
        if pre or not tokens or tokens[-1].type != "NL":
            # A final line without a newline still ends its attribute: an empty newline token.
            tokens.append(Leaf("NL", "", pre, pos))
        tokens.append(Leaf("EOF", "", "", pos))
        return tokens
