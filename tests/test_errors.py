"""Malformed HCL fails with an ``HclSyntaxError`` at the right place: never a lark error, a hang
or a crash, whatever the input (typos, truncated files, binary data, huge or deeply nested files).
"""

from __future__ import annotations

import contextlib
import copy
import pickle
import random
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from corpus import REAL, hcl_files, needs_shared, read
from oracle import ORACLE, needs_oracle

import terrafix
from terrafix.syntax.errors import HclSyntaxError


@contextlib.contextmanager
def no_hang(seconds: int = 300) -> Iterator[None]:
    """Fail instead of hanging the test run (a guard, not a speed check: the limit is huge)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def expire(signum, frame):
        raise AssertionError(f"still running after {seconds} s: the parser hangs")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def parse_or_error(text: str, path: str | None = None) -> HclSyntaxError | None:
    """Parse ``text``: None if it parses (and then it must round-trip), else the error."""
    try:
        tree = terrafix.parse(text, path=path)
    except HclSyntaxError as err:
        assert_well_formed(err, text)
        return err
    assert tree.render() == text
    return None


def assert_well_formed(err: HclSyntaxError, text: str) -> None:
    """The error's location lies in the text, and its excerpt shows that line with a caret."""
    assert type(err) is HclSyntaxError
    assert 1 <= err.line <= text.count("\n") + 1
    assert err.column >= 1
    assert 0 <= err.offset <= len(text)
    assert err.message and "\n" not in err.message
    source, caret = err.excerpt.split("\n")
    line = text.split("\n")[err.line - 1].rstrip("\r")
    if err.line == 1:
        line = line.removeprefix("\ufeff")
    assert source == line.expandtabs(1)[:200]
    assert caret.strip() == "^" and set(caret[:-1]) <= {" "}
    assert len(caret) - 1 == min(err.column - 1, len(source))
    assert f":{err.line}:{err.column}: {err.message}" in str(err)


@dataclass(frozen=True)
class Case:
    text: str
    line: int
    column: int
    message: str  # a part of the message
    # HashiCorp's parser reports the same line and column. Where it does not, we point at the
    # construct that is left open (the string's quote, the heredoc, the bracket), where HCL points
    # at the place it gave up.
    same_as_hcl: bool = True


CASES = {
    "unterminated string": Case('a = "abc\nb = 1\n', 1, 5, "unterminated string", False),
    "unterminated string at end of file": Case(
        'a = "abc', 1, 5, "file ends before its closing quote", False
    ),
    "unterminated string inside an interpolation": Case(
        'a = "${x"\n', 1, 9, "'${' opened at 1:6 missing its '}'", False
    ),
    "unterminated heredoc": Case("a = <<EOT\nhello\n", 1, 5, "no closing 'EOT' line", False),
    "heredoc marker with a suffix": Case(
        "a = <<-EOT\n  hello\n  EOTX\n", 1, 5, "unterminated heredoc", False
    ),
    "heredoc marker at the end of the file": Case(
        "a = <<EOT\nx\nEOT", 3, 4, "closing 'EOT' line must end with a newline"
    ),
    "unterminated block comment": Case("a = 1\n/* hello\nb = 2\n", 2, 1, "'/*' has no closing"),
    "unterminated block comment in a tuple": Case("a = [1, /* x\n", 1, 9, "unterminated block"),
    "unterminated block comment after a value": Case(
        "a = 1 /* x *\n", 1, 7, "unterminated block", False
    ),
    "two equals signs": Case("a = = 1\n", 1, 5, "unexpected '='"),
    "closing brace at top level": Case("}\n", 1, 1, "nothing is open here"),
    "closing brace after an attribute": Case("a = 1\n}\n", 2, 1, "nothing is open here"),
    "extra closing brace after a block": Case("b {\n}\n}\n", 3, 1, "nothing is open here"),
    "two attributes on one line": Case("a = 1 b = 2\n", 1, 7, "unexpected identifier 'b'"),
    "unclosed block": Case("b {\n  a = 1\n", 1, 3, "'{' is never closed"),
    "unclosed tuple": Case("a = [1, 2\n", 1, 5, "'[' is never closed"),
    "unclosed parenthesis": Case("a = (1 + 2\n", 1, 5, "'(' is never closed", False),
    "unclosed function call": Case("a = f(1,\n  2\n", 1, 6, "'(' is never closed", False),
    "stray closing bracket": Case("a = 1]\n", 1, 6, "unexpected ']'"),
    "stray closing parenthesis": Case("a = f(1))\n", 1, 9, "unexpected ')'"),
    "bracket closed by a parenthesis": Case(
        "a = [1, 2)\n", 1, 10, "the '[' opened at 1:5 is not closed yet"
    ),
    "parenthesis closed by a bracket": Case(
        "a = (1, 2]\n", 1, 10, "the '(' opened at 1:5 is not closed yet", False
    ),
    "brace closed by a bracket": Case("a = {x = 1]\n", 1, 11, "the '{' opened at 1:5"),
    "if directive without endif": Case(
        'a = "%{ if x }"\n', 1, 15, "the '%{ if }' opened at 1:6 has no '%{ endif }'"
    ),
    "for directive without endfor": Case(
        'a = "%{ for x in y }${x}"\n', 1, 25, "has no '%{ endfor }'"
    ),
    "if directive without endif in a heredoc": Case(
        "a = <<EOT\n%{ if x }\nEOT\n", 3, 1, "the '%{ if }' opened at 2:1", False
    ),
    "endif without if": Case('a = "%{ endif }"\n', 1, 6, "without a '%{ if }'"),
    "else without if": Case('a = "x%{ else }y"\n', 1, 7, "without a '%{ if }'"),
    "endif closing a for": Case('a = "%{ for x in y }%{ endif }"\n', 1, 21, "has no '%{ endfor }'"),
    "unknown directive": Case('a = "%{ fi x }"\n', 1, 6, "unknown template directive", False),
    "directive left open": Case('a = "%{ if x "\n', 1, 14, "'%{' opened at 1:6", False),
    "invalid escape": Case('a = "\\q"\n', 1, 6, "invalid escape sequence '\\q'"),
    "short unicode escape": Case('a = "\\u12"\n', 1, 6, "\\u takes 4 hexadecimal digits"),
    "backslash at the end of a line": Case('a = "ab\\\nc"\n', 1, 8, "past the end of a line"),
    "attribute without a value": Case("a =\n", 1, 4, "unexpected newline"),
    "attribute without a value at end of file": Case("a =", 1, 4, "unexpected newline"),
    "attribute without a value in a block": Case("b {\n  a =\n}\n", 2, 6, "unexpected newline"),
    "identifier alone": Case("a\n", 1, 2, "expected '=' or '{'", False),
    "dot without a name": Case("a = b.\n", 1, 7, "expected '*' or identifier or number"),
    "for without a colon": Case("a = [for x in y]\n", 1, 16, "expected ':'"),
    "NUL byte": Case("a = 1\n\x00\n", 2, 1, "unexpected character '\\x00'"),
    "replacement character": Case("a = \ufffd\n", 1, 5, "unexpected character '\ufffd'"),
    "error after CRLF lines": Case("x = 1\r\na = = 1\r\n", 2, 5, "unexpected '='"),
    "error after CJK text": Case('a = "中文" = 1\n', 1, 10, "expected a newline after this item"),
    "error after a tab": Case("\ta = = 1\n", 1, 6, "unexpected '='"),
    "error after a BOM": Case("\ufeffa = = 1\n", 1, 5, "unexpected '='"),
    # HashiCorp counts the emoji's two code points as one column; we count code points.
    "error after an emoji": Case('a = "👍🏽" = 1\n', 1, 10, "expected a newline", False),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_malformed_input_raises_at_the_right_place(name):
    case = CASES[name]
    with pytest.raises(HclSyntaxError) as info:
        terrafix.parse(case.text, path="main.tf")
    err = info.value
    assert (err.line, err.column) == (case.line, case.column), err.message
    assert case.message in err.message
    assert err.path == "main.tf"
    assert_well_formed(err, case.text)


def _hcl_error_location(path: Path) -> tuple[int, int] | None:
    result = subprocess.run([ORACLE, "parse", str(path)], capture_output=True, text=True)
    for line in result.stdout.splitlines():
        if ": error:" in line:
            _, row, column, _ = line.split(":", 3)
            return int(row), int(column)
    return None


@needs_oracle
def test_positions_agree_with_hashicorp(tmp_path):
    disagree = []
    for name, case in sorted(CASES.items()):
        path = tmp_path / "case.tf"
        path.write_text(case.text, encoding="utf-8", newline="")
        found = _hcl_error_location(path)
        assert found is not None, f"{name}: HashiCorp's parser accepts it"
        if case.same_as_hcl and found != (case.line, case.column):
            disagree.append(f"{name}: HCL says {found}, we say {(case.line, case.column)}")
    assert disagree == []


def test_excerpt_shows_the_line_and_a_caret():
    with pytest.raises(HclSyntaxError) as info:
        terrafix.parse("a = 1\nb = = 2\nc = 3\n", path="x.tf")
    err = info.value
    assert err.excerpt == "b = = 2\n    ^"
    assert str(err) == "x.tf:2:5: unexpected '='\nb = = 2\n    ^"
    assert err.location == "x.tf:2:5"


def test_excerpt_drops_the_bom_and_the_carriage_return():
    with pytest.raises(HclSyntaxError) as info:
        terrafix.parse("\ufeffa = = 1\r\n")
    assert info.value.excerpt == "a = = 1\n    ^"


def test_errors_are_value_errors_not_lark_errors():
    with pytest.raises(ValueError) as info:
        terrafix.parse("a = = 1\n")
    assert type(info.value) is HclSyntaxError
    assert info.value.__cause__ is None and info.value.__suppress_context__


@pytest.mark.parametrize("clone", [pickle.loads, copy.copy], ids=["pickle", "copy"])
def test_errors_survive_pickling(clone):
    with pytest.raises(HclSyntaxError) as info:
        terrafix.parse('x = 1\ny = "abc\n', path="dir/main.tf")
    err = info.value
    again = clone(pickle.dumps(err)) if clone is pickle.loads else clone(err)
    assert type(again) is HclSyntaxError
    fields = ("message", "path", "offset", "line", "column", "excerpt")
    assert [getattr(again, f) for f in fields] == [getattr(err, f) for f in fields]
    assert str(again) == str(err)
    assert again.args == err.args


# ------------------------------------------------------------------------ nasty inputs


def test_binary_garbage_fails_cleanly():
    rng = random.Random(20240601)
    outcomes = set()
    with no_hang():
        for _ in range(300):
            raw = rng.randbytes(rng.randrange(1, 300))
            for text in (raw.decode("utf-8", errors="replace"), raw.decode("latin-1")):
                outcomes.add(parse_or_error(text) is None)
    assert False in outcomes  # garbage is mostly rejected (and never crashes the parser)


@pytest.mark.parametrize(
    "text",
    ["\x00", "\x00" * 1000, "a = 1\n\x00", 'a = "\x00"\x00\n', "\x00{", "b {\n\x00\n}\n"],
    ids=repr,
)
def test_nul_bytes(text):
    parse_or_error(text)


def test_nul_inside_a_string_is_kept_like_hashicorp_does():
    text = 'a = "x\x00y"\n'
    assert terrafix.parse(text).render() == text


@pytest.mark.parametrize("opener", ["[", "(", "{", "${", "%{ if ", "<<EOT\n"])
def test_unclosed_construct_at_end_of_file(opener):
    text = f"a = {opener}" if "$" not in opener and "%" not in opener else f'a = "{opener}'
    err = parse_or_error(text)
    assert err is not None
    assert err.line == 1


def test_deep_nesting_parses_and_renders():
    depth = 10_000
    text = "a = " + "[" * depth + "]" * depth + "\n"
    with no_hang():
        tree = terrafix.parse(text)
    assert tree.render() == text
    assert sum(1 for _ in tree.leaves()) == 2 * depth + 4  # a, =, the brackets, NL, EOF


@pytest.mark.parametrize(
    "make",
    [
        lambda d: "a = " + "{ x = " * d + "1" + " }" * d + "\n",
        lambda d: "a = " + "(" * d + "1" + ")" * d + "\n",
        lambda d: "a = " + "f(" * d + ")" * d + "\n",
        lambda d: "a = " + "-" * d + "1\n",
        lambda d: "a = " + '"${' * d + "x" + '}"' * d + "\n",
        lambda d: "a = " + "x ? " * d + "1" + " : 2" * d + "\n",
        lambda d: "a = x" + ".y[0]" * d + "\n",
        lambda d: "b {\n" * d + "}\n" * d,
    ],
    ids=["objects", "parens", "calls", "unary", "templates", "conditionals", "traversal", "blocks"],
)
def test_other_deep_nesting_parses_and_renders(make):
    text = make(3_000)
    with no_hang():
        assert terrafix.parse(text).render() == text


def test_deep_nesting_that_is_never_closed_fails_cleanly():
    text = "a = " + "[" * 10_000 + "\n"
    with no_hang():
        err = parse_or_error(text)
    assert err is not None and "never closed" in err.message


@needs_shared
def test_a_five_megabyte_file():
    parts, size = [], 0
    for path in hcl_files(REAL):
        text = read(path)
        parts.append(text if text.endswith("\n") else text + "\n")
        size += len(parts[-1].encode())
        if size >= 5_000_000:
            break
    text = "".join(parts)
    assert len(text.encode()) >= 5_000_000
    with no_hang():
        tree = terrafix.parse(text)
    assert tree.render() == text
    # An error at the very end of a large file is still located exactly.
    broken = text + 'oops = "x\n'
    with no_hang(), pytest.raises(HclSyntaxError) as info:
        terrafix.parse(broken)
    assert (info.value.line, info.value.column) == (text.count("\n") + 1, 8)


def _files_for_truncation() -> list[Path]:
    """A spread of real files: the largest few and a sample of the rest."""
    files = hcl_files(REAL)
    largest = sorted(files, key=lambda p: p.stat().st_size)[-3:]
    return largest + files[::150]


@needs_shared
def test_truncated_files_parse_or_fail_cleanly():
    rng = random.Random(7)
    failed = 0
    with no_hang(600):
        for path in _files_for_truncation():
            text = read(path)
            cuts = {len(text) * k // 20 for k in range(20)} | {rng.randrange(len(text) + 1)}
            for cut in sorted(cuts):
                failed += parse_or_error(text[:cut], path=str(path)) is not None
    assert failed > 0


@needs_shared
@needs_oracle
def test_truncated_files_are_rejected_exactly_when_hashicorp_rejects_them(tmp_path):
    rng = random.Random(11)
    paths, ours = [], {}
    for i, path in enumerate(hcl_files(REAL)[::100]):
        text = read(path)
        for j in range(6):
            cut = tmp_path / f"{i}-{j}.tf"
            cut_text = text[: rng.randrange(len(text) + 1)]
            cut.write_text(cut_text, encoding="utf-8", newline="")
            paths.append(cut)
            ours[str(cut)] = parse_or_error(cut_text) is not None
    result = subprocess.run([ORACLE, "parse", *map(str, paths)], capture_output=True, text=True)
    theirs = {line.split(":", 1)[0] for line in result.stdout.splitlines() if ": error:" in line}
    disagree = [p for p, rejected in ours.items() if rejected != (p in theirs)]
    assert disagree == []
