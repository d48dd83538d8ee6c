"""The LALR driver (terrafix.syntax.lalr): lark's own parse loop is the reference for its trees and
errors; it must not recurse; and its table cache must never be what makes a parse fail."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from corpus import REAL, hcl_files, read

import terrafix
from terrafix.syntax import lalr, nodes, parser
from terrafix.syntax.builder import TreeBuilder
from terrafix.syntax.lexer import tokenize

SNIPPETS = [
    "",
    "# only a comment",
    'a = 1\nb = "x"\n\n# note\nc = true\n',
    'resource "aws_s3_bucket" "b" {\n  bucket = "x-${var.env}"\n  tags = {}\n}\n',
    'locals { a = 1 }\nempty {}\nlabelled x "y" {}\n',
    "a = {\n  b = 1,\n  c = 2\n\n  d : 3\n}\n",
    "a = [1, 2, [3], ]\nb = []\nc = (1)\n",
    "a = f()\nb = g(1, 2...)\nc = h(x, y,)\nd = provider::aws::arn_parse(var.arn)\n",
    "a = 1 + 2 * 3 - 4 / 5 % 6 == 7 && !b || c >= -d\n",
    "a = x ? y : z ? 1 : 2\n",
    "a = v.attr.0[1][*].name\nb = v.*.id\n",
    'a = [for k, v in m : v if k != ""]\nb = {for x in l : x => upper(x)... if x}\n',
    'a = "%{ if x }yes%{ else }no%{ endif } %{ for i in l }${i}%{ endfor }"\n',
    "a = <<-EOT\n  hello ${name}\n  EOT\nb = <<EOT\nEOT\n",
    "a = 1",
]


@pytest.fixture(scope="module")
def lark_parser():
    """lark's generic LALR loop on the same grammar and tree builder."""
    lark = pytest.importorskip("lark")
    from lark.lexer import Lexer

    class TokenList(Lexer):
        __future_interface__ = 0

        def __init__(self, lexer_conf: object) -> None:
            pass

        def lex(self, tokens):  # type: ignore[override]
            return iter(tokens)

    return lark.Lark(
        parser.GRAMMAR.read_text(encoding="utf-8"),
        parser="lalr",
        lexer=TokenList,
        transformer=TreeBuilder(),
        maybe_placeholders=False,
    )


def _ours(tokens: list) -> object:
    try:
        return parser._driver().parse(tokens)
    except lalr.ParseError as err:
        return ("error", err.token, sorted(err.expected))


def _lark(lark_parser, tokens: list) -> object:
    from lark.exceptions import UnexpectedToken

    try:
        return lark_parser.parse(list(tokens))
    except UnexpectedToken as err:
        return ("error", err.token, sorted(err.expected))


def _token_lists() -> list[list]:
    texts = list(SNIPPETS)
    if REAL.is_dir():
        texts += [read(p) for p in hcl_files(REAL)[::25]]
    return [tokenize(t) for t in texts]


def _broken(tokens: list, rng: random.Random) -> list:
    """The token list with one token dropped or one copied elsewhere: a parse error, mostly."""
    broken = list(tokens)
    if rng.random() < 0.5:
        del broken[rng.randrange(len(broken) - 1)]
    else:
        broken.insert(rng.randrange(len(broken) - 1), rng.choice(broken))
    return broken


def test_same_trees_as_lark(lark_parser):
    for tokens in _token_lists():
        assert _ours(tokens) == _lark(lark_parser, tokens)


def test_same_error_token_and_expected_set_as_lark(lark_parser):
    rng = random.Random(7)
    errors = attempts = 0
    for tokens in _token_lists():
        for _ in range(4):
            broken = _broken(tokens, rng)
            ours = _ours(broken)
            assert ours == _lark(lark_parser, broken)
            errors += type(ours) is tuple
            attempts += 1
    assert errors > attempts // 2  # most mutations must be errors, or this tests little


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("a = 1 2\n", 1, 7, "unexpected number '2'"),
        ("a = \n", 1, 5, "unexpected newline"),
        ("= 1\n", 1, 1, "unexpected '=': expected end of file or identifier or newline"),
        ("b { a = 1\n}\n", 1, 10, "unexpected newline: expected '}'"),
        ("x {\n  y = (1 + )\n}\n", 2, 12, "unexpected ')'"),
        ("a b c\n", 1, 6, "unexpected newline: expected '{' or identifier or string"),
        ("a = {b = 1 c = 2}\n", 1, 12, "unexpected identifier 'c'"),
    ],
)
def test_syntax_error_position_and_message(text, line, column, message):
    with pytest.raises(terrafix.HclSyntaxError) as info:
        terrafix.parse(text, path="main.tf")
    err = info.value
    assert (err.path, err.line, err.column, err.message) == ("main.tf", line, column, message)


@pytest.mark.parametrize(("open_", "close"), [("[", "]"), ("(", ")"), ("{a = ", "}"), ("-", "")])
def test_deep_nesting_parses_without_recursion(open_, close):
    depth = 10_000
    text = f"x = {open_ * depth}1{close * depth}\n"
    tree = terrafix.parse(text)
    value = tree.body.elements[0].value
    seen = 0
    while type(value) is not nodes.Number:
        seen += 1
        if type(value) in (nodes.Tuple, nodes.Object):
            value = value.items[0].value
        elif type(value) is nodes.UnaryOp:
            value = value.operand
        else:
            value = value.expression
    assert seen == depth


# ---------------------------------------------------------------- the table cache


def _load(monkeypatch, cache_home: Path) -> dict:
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    return lalr.load_table(parser.GRAMMAR)


def _works(table: dict) -> bool:
    """lark numbers its states differently from run to run, so compare tables by what they do."""
    text = SNIPPETS[3]
    return lalr.Driver(table, TreeBuilder()).parse(tokenize(text)).render() == text


def _cache_files(cache_home: Path) -> list[Path]:
    return sorted((cache_home / "terrafix").glob("lalr-*.json"))


def test_table_is_cached_and_reused(tmp_path, monkeypatch):
    table = _load(monkeypatch, tmp_path)
    [cached] = _cache_files(tmp_path)
    assert json.loads(cached.read_text(encoding="utf-8")) == table
    assert _load(monkeypatch, tmp_path) == table  # the very same table, read back
    assert _works(table)


def test_corrupt_or_stale_cache_is_recomputed(tmp_path, monkeypatch):
    table = _load(monkeypatch, tmp_path)
    [cached] = _cache_files(tmp_path)
    for junk in ("{not json", "[]", json.dumps({**table, "digest": "stale"})):
        cached.write_text(junk, encoding="utf-8")
        recomputed = _load(monkeypatch, tmp_path)
        assert recomputed["digest"] == table["digest"] and _works(recomputed)
        assert json.loads(cached.read_text(encoding="utf-8")) == recomputed


def test_unwritable_cache_dir_falls_back_to_memory(tmp_path, monkeypatch):
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("", encoding="utf-8")
    assert _works(_load(monkeypatch, not_a_dir))


def _python(code: str, cache_home: Path) -> str:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_import_is_cheap_and_a_warm_cache_needs_no_lark(tmp_path):
    probe = "import sys, terrafix, terrafix.syntax; print('lark' in sys.modules)"
    assert _python(probe, tmp_path) == "False"
    assert _cache_files(tmp_path) == []  # importing builds no table
    valid = "import sys, terrafix; terrafix.parse('a = 1\\n'); print('lark' in sys.modules)"
    assert _python(valid, tmp_path) == "False"  # the descent parser needs no table
    assert _cache_files(tmp_path) == []
    parse = (  # an invalid file goes to the LALR driver, which needs the table
        "import sys, terrafix\n"
        "try:\n    terrafix.parse('a = 1 2\\n')\n"
        "except terrafix.HclSyntaxError:\n    print('lark' in sys.modules)"
    )
    assert _python(parse, tmp_path) == "True"  # cold cache: lark computes the table
    assert len(_cache_files(tmp_path)) == 1
    assert _python(parse, tmp_path) == "False"  # warm cache: lark is not even imported
