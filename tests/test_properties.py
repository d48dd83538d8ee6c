"""Properties of the parser over random valid HCL: it round-trips byte for byte, re-parses to an
equal tree, and agrees with HashiCorp's parser that the text is valid.

The generator writes HCL text directly, covering what real files hold: bodies of attributes and
nested (also one-line) blocks with labels, the three comment styles, blank lines, objects,
tuples, templates with interpolations, directives and strip markers, heredocs, function calls
(also provider functions and `...`), operators, conditionals, for-expressions, splats and
traversals, with random spacing, indentation, line endings and a BOM.
"""

from __future__ import annotations

import subprocess

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from oracle import ORACLE, needs_oracle

import terrafix
from terrafix.syntax.positions import spans

NAMES = ["a", "foo", "bar_baz", "x1", "with-dash", "é", "名前", "_u", "var", "local", "each"]
KEYWORDS = ["true", "false", "null"]
NUMBERS = ["0", "1", "42", "007", "1.5", "2e3", "1.25E-2"]
BINARY = ["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||"]
# Pieces of literal template text; none ends in `$` or `%`, so no piece turns a following
# `${` or `%{` into an escape, and no piece is a heredoc marker.
LITERAL = [
    "x",
    "hello world",
    " ",
    "é",
    "日本",
    "👍",
    "\\n",
    '\\"',
    "\\\\",
    "\\t",
    "\\u00e9",
    "\\U0001F600",
    "$${",
    "%%{",
    "$x",
    "% ",
    "{}",
    "#",
    "//",
    "/*",
    "~",
    "'",
]
HEREDOC_LITERAL = [*LITERAL, '"', "\\", "\t", "  "]
MARKERS = ["EOT", "EOF", "END_OF_TEXT", "POLICY"]

SAME_LINE_GAP = st.sampled_from(["", " ", "  ", "\t", " /* c */ "])
FREE_GAP = st.sampled_from(["", " ", "\n", "\n  ", " # c\n", " // c\n", " /* a\nb */ ", "\n\n"])
SPACE = st.sampled_from(["", " ", "  "])
ONE_SPACE = st.sampled_from([" ", "  ", "\t"])


def _join(draw, items: list[str], gap: st.SearchStrategy[str], trailing: bool) -> str:
    """Comma-separated items, with gaps around every comma and an optional trailing comma."""
    out = ""
    for i, item in enumerate(items):
        out += draw(gap) + item + draw(gap)
        if i < len(items) - 1 or (trailing and draw(st.booleans())):
            out += ","
    return out


@st.composite
def quoted(draw, depth: int, literal_only: bool = False) -> str:
    """A quoted template: literals, `${...}`, `%{ if }` and `%{ for }` (on one line)."""
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        kind = "lit" if literal_only or depth <= 0 else draw(st.sampled_from(["lit", "${", "%{"]))
        if kind == "lit":
            parts.append(draw(st.sampled_from(LITERAL)))
        else:
            parts.append(draw(template_piece(depth - 1, kind, inline=True)))
    return '"' + "".join(parts) + '"'


def _strip(draw) -> str:
    """A `~` strip marker, now and then."""
    return "~" if draw(st.integers(0, 3)) == 0 else ""


@st.composite
def template_piece(draw, depth: int, kind: str, inline: bool) -> str:
    """An interpolation or a directive inside a quoted string (``inline``) or a heredoc."""
    gap = SAME_LINE_GAP if inline else FREE_GAP
    if kind == "${":
        body = draw(gap) + draw(expression(depth, inline=inline)) + draw(gap)
        return "${" + _strip(draw) + body + _strip(draw) + "}"

    def inner() -> str:
        pieces = []
        for _ in range(draw(st.integers(0, 2))):
            if draw(st.booleans()):
                pieces.append(draw(st.sampled_from(LITERAL if inline else HEREDOC_LITERAL)))
            else:
                pieces.append(draw(template_piece(depth - 1, "${", inline)))
        return "".join(pieces)

    def tag(words: str) -> str:
        return "%{" + _strip(draw) + draw(ONE_SPACE) + words + draw(SPACE) + _strip(draw)

    condition = draw(expression(depth, inline=True))
    if draw(st.booleans()):
        out = tag(f"if {condition}") + "}" + inner()
        if draw(st.booleans()):
            out += tag("else") + "}" + inner()
        return out + tag("endif") + "}"
    names = draw(st.sampled_from(["v", "k, v", "k,v"]))
    return tag(f"for {names} in {condition}") + "}" + inner() + tag("endfor") + "}"


@st.composite
def heredoc(draw, depth: int) -> str:
    """`<<EOT` or `<<-EOT`, lines of text, interpolations and directives, the marker line."""
    marker = draw(st.sampled_from(MARKERS))
    indented = draw(st.booleans())
    lines = []
    for _ in range(draw(st.integers(0, 3))):
        indent = draw(st.sampled_from(["", "  ", "\t"]))
        pieces = []
        for _ in range(draw(st.integers(0, 3))):
            if depth > 0 and draw(st.integers(0, 3)) == 0:
                kind = draw(st.sampled_from(["${", "%{"]))
                pieces.append(draw(template_piece(depth - 1, kind, inline=False)))
            else:
                pieces.append(draw(st.sampled_from(HEREDOC_LITERAL)))
        lines.append(indent + "".join(pieces) + "\n")
    close_indent = draw(st.sampled_from(["", "  "])) if indented else ""
    opener = "<<-" if indented else "<<"
    # Spaces after the closing marker are fine; after the opening one HashiCorp says no.
    return f"{opener}{marker}\n{''.join(lines)}{close_indent}{marker}{draw(SPACE)}"


@st.composite
def expression(draw, depth: int, inline: bool = False) -> str:
    """Any expression. ``inline``: on one line (inside a quoted string's interpolation)."""
    gap = SAME_LINE_GAP if inline else FREE_GAP
    leaf_kinds = ["number", "name", "keyword", "string"]
    kinds = (
        leaf_kinds
        if depth <= 0
        else [
            *leaf_kinds,
            "tuple",
            "object",
            "call",
            "binary",
            "unary",
            "conditional",
            "parens",
            "for_tuple",
            "for_object",
            "traversal",
            "splat",
        ]
    )
    kind = draw(st.sampled_from(kinds))
    sub = expression(depth - 1, inline)
    if kind == "number":
        return draw(st.sampled_from(NUMBERS))
    if kind == "name":
        return draw(st.sampled_from(NAMES))
    if kind == "keyword":
        return draw(st.sampled_from(KEYWORDS))
    if kind == "string":
        return draw(quoted(depth))
    if kind == "tuple":
        items = draw(st.lists(sub, max_size=3))
        return "[" + _join(draw, items, gap, trailing=True) + draw(gap) + "]"
    if kind == "object":
        return draw(object_(depth, inline))
    if kind == "call":
        name = draw(st.sampled_from(["f", "jsonencode", "lookup", "provider::aws::arn_parse"]))
        args = draw(st.lists(sub, max_size=3))
        inner = _join(draw, args, gap, trailing=False)
        if args and draw(st.integers(0, 3)) == 0:
            inner += "..."
        elif args and draw(st.booleans()):
            inner += ","
        return name + "(" + inner + draw(gap) + ")"
    if kind == "binary":
        operator = draw(st.sampled_from(BINARY))
        # Spaces around the operator: without them `a-b` would be one identifier (still valid).
        return draw(sub) + draw(ONE_SPACE) + operator + draw(ONE_SPACE) + draw(sub)
    if kind == "unary":
        return draw(st.sampled_from(["-", "!"])) + draw(SPACE) + draw(sub)
    if kind == "conditional":
        condition, yes, no = draw(sub), draw(sub), draw(sub)
        return f"({condition} ? {yes} : {no})"
    if kind == "parens":
        return "(" + draw(gap) + draw(sub) + draw(gap) + ")"
    if kind in ("for_tuple", "for_object"):
        names = draw(st.sampled_from(["v", "k, v", "k,v", "i ,x"]))
        header = "for" + draw(ONE_SPACE) + names + " in " + draw(sub) + draw(gap) + ":" + draw(gap)
        if kind == "for_tuple":
            body = draw(sub)
        else:
            body = draw(sub) + draw(gap) + "=>" + draw(gap) + draw(sub)
            if draw(st.booleans()):
                body += "..."
        if draw(st.booleans()):
            body += " if " + draw(sub)
        open_, close = ("[", "]") if kind == "for_tuple" else ("{", "}")
        return open_ + draw(gap) + header + body + draw(gap) + close
    if kind == "traversal":
        out = draw(st.sampled_from(["var", "local", "module", "aws_s3_bucket", "each"]))
        for _ in range(draw(st.integers(1, 3))):
            step = draw(st.sampled_from([".name", ".arn", "[0]", ".0", '["k"]', "[count.index]"]))
            if not (step == ".0" and out.endswith(".0")):  # HCL reads `.0.0` as `.` and `0.0`
                out += step
        return out
    # splat
    root = draw(st.sampled_from(["aws_instance.web", "var.list", "local.xs"]))
    splat = draw(st.sampled_from(["[*]", ".*", "[*].id", ".*.id", '[*].tags["Name"]']))
    return root + splat


@st.composite
def object_(draw, depth: int, inline: bool) -> str:
    """An object on one line (commas) or over several lines (newlines, maybe commas)."""
    sub = expression(depth - 1, inline)
    count = draw(st.integers(0, 3))
    items = []
    for _ in range(count):
        key = draw(st.sampled_from(["a", "name", "Key-1", '"quoted key"', "(var.k)", "var.k", "2"]))
        assign = draw(st.sampled_from(["=", ":", " = ", " : "]))
        items.append(key + assign + draw(SPACE) + draw(sub))
    if inline or not items or draw(st.booleans()):
        return "{" + _join(draw, items, SAME_LINE_GAP, trailing=True) + draw(SPACE) + "}"
    out = "{" + draw(st.sampled_from(["", " # c", " /* c */"])) + "\n"
    for item in items:
        comma = draw(st.sampled_from(["", ","]))
        out += draw(st.sampled_from(["  ", "    ", "\t"])) + item + comma + "\n"
        if draw(st.integers(0, 4)) == 0:
            out += "\n"
    return out + "}"


COMMENT_LINE = st.sampled_from(
    ["# comment", "// comment", "/* comment */", "/* multi\n   line */", "#", "# 日本 👍"]
)
TRAILING_COMMENT = st.sampled_from(["", "", " # c", " // c", " /* c */", "\t# tab"])


@st.composite
def body(draw, depth: int, indent: str) -> str:
    """Attributes, blocks, blank and comment lines, each ending with a newline."""
    out = ""
    unused = list(NAMES)  # an attribute is set once per body
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["attribute", "attribute", "block", "blank", "comment"]))
        if kind == "attribute" and unused:
            name = draw(st.sampled_from(unused))
            unused.remove(name)
            equals = draw(SPACE) + "=" + draw(SPACE)
            if draw(st.integers(0, 5)) == 0:
                # A heredoc ends on its marker line: nothing may follow the marker.
                out += indent + name + equals + draw(heredoc(2)) + "\n"
            else:
                value = draw(expression(draw(st.integers(0, 3))))
                out += indent + name + equals + value + draw(TRAILING_COMMENT) + "\n"
        elif kind in ("block", "attribute"):
            out += draw(block(depth, indent))
        elif kind == "blank":
            out += draw(st.sampled_from(["", "  ", "\t"])) + "\n"
        else:
            out += indent + draw(COMMENT_LINE) + "\n"
    return out


@st.composite
def block(draw, depth: int, indent: str) -> str:
    """`type "label" label {` ... `}`, or a one-line block `type { a = 1 }` / `type {}`."""
    type_ = draw(st.sampled_from(["resource", "locals", "dynamic", "x", "名前"]))
    labels = draw(
        st.lists(st.one_of(st.sampled_from(["web", "aws_s3_bucket"]), quoted(0, True)), max_size=2)
    )
    head = indent + type_ + "".join(draw(ONE_SPACE) + label for label in labels) + draw(SPACE)
    if depth <= 0 or draw(st.integers(0, 3)) == 0:
        if draw(st.booleans()):
            return head + "{}" + draw(TRAILING_COMMENT) + "\n"
        attribute = draw(st.sampled_from(NAMES)) + " = " + draw(expression(1, inline=True))
        return head + "{" + draw(ONE_SPACE) + attribute + draw(SPACE) + "}\n"
    inner_indent = indent + draw(st.sampled_from(["  ", "    ", "\t"]))
    opening = "{" + draw(TRAILING_COMMENT) + "\n"
    return head + opening + draw(body(depth - 1, inner_indent)) + indent + "}" + "\n"


@st.composite
def hcl_file(draw) -> str:
    """A whole file, with LF, CRLF or mixed line endings, maybe a BOM, maybe no final newline."""
    text = draw(body(3, ""))
    endings = draw(st.sampled_from(["lf", "crlf", "mixed"]))
    if endings == "crlf":
        text = text.replace("\n", "\r\n")
    elif endings == "mixed":
        lines = text.split("\n")
        ends = draw(st.lists(st.booleans(), min_size=len(lines), max_size=len(lines)))
        text = "".join(
            line + ("\r\n" if crlf else "\n") for line, crlf in zip(lines[:-1], ends, strict=False)
        )
        text += lines[-1]
    # No final newline, unless the file ends with a heredoc: its marker line needs one.
    if draw(st.booleans()) and not text.rstrip().endswith(tuple(MARKERS)):
        text = text.rstrip("\r\n")
    if draw(st.integers(0, 5)) == 0:
        text = "\ufeff" + text
    return text


PROPERTY_SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@PROPERTY_SETTINGS
@given(hcl_file())
def test_parse_then_render_is_the_identity(text):
    assert terrafix.parse(text).render() == text


@PROPERTY_SETTINGS
@given(hcl_file())
def test_reparsing_the_render_gives_an_equal_tree(text):
    tree = terrafix.parse(text)
    again = terrafix.parse(tree.render())
    assert again == tree
    assert [leaf.pos for leaf in again.leaves()] == [leaf.pos for leaf in tree.leaves()]


@PROPERTY_SETTINGS
@given(hcl_file())
def test_spans_agree_with_the_parser_positions(text):
    tree = terrafix.parse(text)
    found = spans(tree)
    for token in tree.leaves():
        start, end = found[id(token)]
        assert start == token.pos and text[start:end] == token.text


@needs_oracle
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hcl_file())
def test_hashicorp_accepts_what_we_generate(tmp_path_factory, text):
    """Keeps the generator honest: what it writes is HCL to HashiCorp's parser too."""
    assume("provider::" not in text)  # newer than the HCL library the oracle is built on
    path = tmp_path_factory.mktemp("hcl") / "main.tf"
    path.write_text(text, encoding="utf-8", newline="")
    result = subprocess.run([ORACLE, "parse", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
