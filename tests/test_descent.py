"""The recursive-descent fast path (terrafix.syntax.descent) against the reference LALR driver.

Over every corpus file, generated file, fixture, random valid file and a snippet per grammar
construct, the fast path must build the very tree the driver builds; over broken token lists it
must reject exactly what the driver rejects; and nesting too deep for it must still parse.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from corpus import GENERATED, REAL, hcl_files, read
from hypothesis import given
from test_properties import PROPERTY_SETTINGS, hcl_file

import terrafix
from terrafix.syntax import lalr, nodes, parser
from terrafix.syntax.descent import Rejected, parse_tokens
from terrafix.syntax.lexer import tokenize
from terrafix.syntax.tokens import Leaf

FIXTURES = Path(__file__).parent / "fixtures"

# One snippet (or more) per grammar construct and per shape the fast path builds on its own.
CONSTRUCTS = {
    "empty file": "",
    "comment only": "# only a comment",
    "no final newline": "a = 1",
    "bom": '\ufeffa = "x"\n',
    "crlf": 'a = "x"\r\nb {\r\n  c = d\r\n}\r\n',
    "empty lines and comments": "\n\n# c\na = 1 // x\n\n/* b */\nb = 2\n",
    "plain values": 'a = "s"\nb = x\nc = 12\nd = 1.5e3\ne = ""\nf = true\n',
    "traversals": "a = var.x.y\nb = v.attr.0[1][*].name\nc = v.*.id\nd = x[0].y\n",
    "string then traversal": 'a = "s"[0]\nb = "s".x\nc = {a = "s".y}\n',
    "index by expression": 'a = m[var.k][f(1)]["k"]\n',
    "splats": "a = l[*].id\nb = l.*.id\nc = l[*]\nd = l.*\n",
    "legacy index": "a = l.0\nb = l.0.1.name\n",
    "operators": "a = 1 + 2 * 3 - 4 / 5 % 6 == 7 && !b || c >= -d\nb = a < b != c <= d\n",
    "same precedence chain": "a = 1 - 2 - 3 + 4\nb = x * y / z % w\n",
    "unary": "a = -1\nb = !x\nc = - - !x.y\nd = -f(1)[0]\n",
    "conditionals": "a = x ? y : z ? 1 : 2\nb = (x ? 1 : 2) + 3\nc = a == b ? c : d\n",
    "conditional in object value and key": "a = {x ? a : b = c ? d : e}\n",
    "parenthesized": "a = (1)\nb = ((x).y)\n",
    "tuples": "a = [1, 2, [3], ]\nb = []\nc = [\n  x,\n  y\n]\n",
    "objects": "a = {\n  b = 1,\n  c = 2\n\n  d : 3\n}\nb = {}\nc = {x = 1, y = 2}\nd = {\n}\n",
    "object keys": 'a = {"k" = 1, (k) = 2, k.x = 3, "${p}-x" = 4, 5 = 6}\n',
    "object with trailing comma": "a = {x = 1, }\nb = {\n  x = 1,\n}\n",
    "calls": "a = f()\nb = g(1, 2...)\nc = h(x, y,)\nd = g(l..., )\ne = f(\n  1,\n  2\n)\n",
    "provider function": "a = provider::aws::arn_parse(var.arn).region\n",
    "for tuple": 'a = [for v in l : v]\nb = [for k, v in m : v if k != ""]\n',
    "for object": "b = {for x in l : x => upper(x)... if x}\nc = {for k, v in m : k => v}\n",
    "for object grouping only": "a = {for x in l : x => x...}\n",
    "templates": 'a = "x-${var.env}-y"\nb = "${a}${b}"\nc = "${~ x ~}"\n',
    "template directives": 'a = "%{ if x }yes%{ else }no%{ endif } %{ for i in l }${i}%{ endfor }"\n',
    "template for with key": 'a = "%{ for k, v in m }${k}=${v}%{ endfor }"\n',
    "nested directives": 'a = "%{ if a }%{ if b }x%{ endif }%{ else }%{ for i in l }i%{ endfor }'
    '%{ endif }"\n',
    "heredocs": "a = <<-EOT\n  hello ${name}\n  %{ if x }y%{ endif }\n  EOT\nb = <<EOT\nEOT\n",
    "heredoc in call": "a = f(<<EOT\nx\nEOT\n)\n",
    "blocks": 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n  tags = {}\n\n  inner {\n  }\n}\n',
    "one-line blocks": 'locals { a = 1 }\nempty {}\nlabelled x "y" {}\nb "l" { c = [1] }\n',
    "label with interpolation": 'a "x-${y}" {\n}\n',
    "label escapes": 'a "x\\"y" {}\n',
    "keywords as names": "a = {for = 1, in = 2, if = 3}\nb = x.for\nfor = 1\n",
    "deep but not too deep": "a = " + "[" * 50 + "1" + "]" * 50 + "\n",
}

# Tokens the grammar rejects where they are; both parsers must refuse them.
REJECTED = [
    "a = 1 2\n",
    "a = \n",
    "= 1\n",
    "b { a = 1\n}\n",
    "x {\n  y = (1 + )\n}\n",
    "a b c\n",
    "a = {b = 1 c = 2}\n",
    "a = [1 2]\n",
    "a = f(1... 2)\n",
    "a = f(1..., 2)\n",
    "a = {\n  b = 1\n  , c = 2\n}\n",
    "a = x ? y\n",
    "a = x[*y]\n",
    "a = x.(y)\n",
    "b { a = 1 } c\n",
    "b { a = 1 c = 2 }\n",
    "a::b::c(1)\n",
    "a = p::q(1)\n",
    "a = {for x in l : x}\n",
    "a = [for x in l : x => y]\n",
    "a = [,]\n",
    "a = x...\n",
]


def _driver_tree(tokens: list[Leaf]) -> nodes.ConfigFile | None:
    try:
        return parser._driver().parse(tokens)
    except lalr.ParseError:
        return None


def _descent_tree(tokens: list[Leaf]) -> nodes.ConfigFile | None:
    try:
        return parse_tokens(tokens)
    except Rejected:
        return None


def _assert_same(tokens: list[Leaf]) -> None:
    """Both parsers accept, with equal trees (node classes, fields and ``Leaf`` tuples)."""
    expected = _driver_tree(tokens)
    assert expected is not None
    assert _descent_tree(tokens) == expected


def _dump(tree: nodes.Node) -> list[object]:
    """Node classes, field layout and leaves in source order; no recursion, for deep trees."""
    out: list[object] = []
    stack: list[object] = [tree]
    while stack:
        item = stack.pop()
        if type(item) is Leaf or item is None or isinstance(item, str):
            out.append(item)
        elif type(item) is tuple:
            out.append(("tuple", len(item)))
            stack.extend(reversed(item))
        else:
            out.append(type(item).__name__)
            stack.extend(reversed(item._fields_of(item)))
    return out


def _corpus_files() -> list[Path]:
    return hcl_files(REAL) + hcl_files(GENERATED) + hcl_files(FIXTURES)


@pytest.mark.parametrize("name", sorted(CONSTRUCTS))
def test_same_tree_as_the_driver_for_each_construct(name):
    _assert_same(tokenize(CONSTRUCTS[name]))


@pytest.mark.parametrize("text", REJECTED)
def test_rejects_what_the_driver_rejects(text):
    tokens = tokenize(text)
    assert _driver_tree(tokens) is None
    with pytest.raises(Rejected):
        parse_tokens(tokens)


def test_same_tree_as_the_driver_for_every_corpus_file():
    files = _corpus_files()
    if not files:
        pytest.skip("no corpus files")
    compared = 0
    for path in files:
        try:
            tokens = tokenize(read(path))
        except (terrafix.HclSyntaxError, UnicodeDecodeError):
            continue
        expected = _driver_tree(tokens)
        if expected is None:
            assert _descent_tree(tokens) is None, path
            continue
        assert _descent_tree(tokens) == expected, path
        compared += 1
    assert compared > len(files) // 2


def test_broken_token_lists_are_rejected_exactly_when_the_driver_rejects_them():
    rng = random.Random(11)
    texts = list(CONSTRUCTS.values()) + [read(p) for p in hcl_files(REAL)[::20]]
    rejected = attempts = 0
    for text in texts:
        tokens = tokenize(text)
        if len(tokens) < 2:
            continue
        for _ in range(6):
            broken = list(tokens)
            if rng.random() < 0.5:
                del broken[rng.randrange(len(broken) - 1)]
            else:
                broken.insert(rng.randrange(len(broken) - 1), rng.choice(broken))
            expected = _driver_tree(broken)
            assert _descent_tree(broken) == expected
            rejected += expected is None
            attempts += 1
    assert rejected > attempts // 2  # most mutations must be errors, or this tests little


@PROPERTY_SETTINGS
@given(hcl_file())
def test_same_tree_as_the_driver_for_random_valid_files(text):
    _assert_same(tokenize(text))


@pytest.mark.parametrize(("open_", "close"), [("[", "]"), ("(", ")"), ("{a = ", "}"), ("-", "")])
def test_nesting_too_deep_for_the_fast_path_still_parses_to_the_driver_tree(open_, close):
    depth = sys.getrecursionlimit() * 2
    text = f"x = {open_ * depth}1{close * depth}\n"
    tokens = tokenize(text)
    with pytest.raises(RecursionError):
        parse_tokens(tokens)
    tree = terrafix.parse(text)
    assert tree.render() == text
    assert _dump(tree) == _dump(parser._driver().parse(tokens))


def test_parse_takes_the_fast_path_for_valid_files(monkeypatch):
    def no_driver():
        raise AssertionError("a valid file reached the LALR driver")

    text = CONSTRUCTS["blocks"]
    expected = terrafix.parse(text)
    monkeypatch.setattr(parser, "_driver", no_driver)
    assert terrafix.parse(text) == expected
    assert parser.parse_recovering(text) == (expected, [])
    with pytest.raises(AssertionError):
        terrafix.parse("a = 1 2\n")
