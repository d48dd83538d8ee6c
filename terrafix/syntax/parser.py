"""``parse``: HCL text to a ``ConfigFile`` tree: our lexer, then our recursive-descent parser,
or lark's LALR(1) tables and our driver where that gives up.

lark computes the tables from ``hcl.lark``; ``lalr.Driver`` runs them over the token list and
builds the tree with ``TreeBuilder`` (see ``lalr`` for why we do not use lark's own parse loop).
``descent`` builds the same tree for valid files, faster; the driver stays the reference that
reports errors and recovers from them (see ``descent`` for why there are two).
The tables are loaded on first use, from the user cache when they are there, so
``import terrafix`` stays cheap and only a cold cache pays for lark's grammar analysis.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from .builder import TreeBuilder
from .descent import Rejected, parse_tokens
from .errors import HclSyntaxError, line_col
from .lalr import Driver, ParseError, load_table
from .lexer import tokenize, tokenize_tolerant
from .nodes import ConfigFile, Damaged

GRAMMAR = Path(__file__).with_name("hcl.lark")

# What a person calls each terminal, for error messages.
TOKEN_NAMES = {
    "IDENT": "identifier",
    "NUMBER": "number",
    "NL": "newline",
    "EOF": "end of file",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LPAR": "'('",
    "RPAR": "')'",
    "LBRACK": "'['",
    "RBRACK": "']'",
    "COMMA": "','",
    "DOT": "'.'",
    "EQUAL": "'='",
    "COLON": "':'",
    "QUESTION": "'?'",
    "ELLIPSIS": "'...'",
    "ARROW": "'=>'",
    "DCOLON": "'::'",
    "BINOP": "operator",
    "MINUS": "'-'",
    "STAR": "'*'",
    "BANG": "'!'",
    "FOR": "'for'",
    "IN": "'in'",
    "IF": "'if'",
    "QUOTE": "string",
    "QUOTE_END": "'\"'",
    "TLIT": "template text",
    "INTERP": "'${'",
    "TCLOSE": "'}'",
    "HEREDOC": "heredoc",
    "HEREDOC_END": "heredoc end marker",
    "DIR_IF": "'%{ if'",
    "DIR_FOR": "'%{ for'",
    "DIR_ELSE": "'%{ else }'",
    "DIR_ENDIF": "'%{ endif }'",
    "DIR_ENDFOR": "'%{ endfor }'",
}


@functools.cache
def _driver() -> Driver:
    return Driver(load_table(GRAMMAR), TreeBuilder())


def parse(text: str, path: str | os.PathLike[str] | None = None) -> ConfigFile:
    """Parse one HCL file; ``tree.render() == text``. Raises ``HclSyntaxError``."""
    name = os.fspath(path) if path is not None else None
    if not isinstance(text, str):
        raise TypeError(f"parse() takes the file's text as str, not {type(text).__name__}")
    tokens = tokenize(text, name)
    try:
        return parse_tokens(tokens)
    except (Rejected, RecursionError):
        pass  # not valid, or nested too deep for the fast path: the reference driver decides
    try:
        return _driver().parse(tokens)
    except ParseError as err:
        raise _syntax_error(err, text, name) from None


def parse_recovering(
    text: str, path: str | os.PathLike[str] | None = None
) -> tuple[ConfigFile, list[HclSyntaxError]]:
    """Parse any text: the tree, with ``Damaged`` nodes where it does not parse, and every error.

    ``tree.render() == text`` always. A file that parses gets exactly the tree ``parse`` gives
    (and costs what ``parse`` costs); only a damaged file goes on to the recovering driver.
    Errors are in source order, at most one per line, except that a file cut off inside a block
    is always named as such.
    """
    name = os.fspath(path) if path is not None else None
    if not isinstance(text, str):
        raise TypeError(f"parse_recovering() takes text as str, not {type(text).__name__}")
    # The tolerant lexer gives a well-formed text exactly the strict lexer's tokens, so a
    # damaged file is lexed once, not once to fail and once to recover.
    tokens, errors = tokenize_tolerant(text, name)
    if not errors:
        try:
            return parse_tokens(tokens), []
        except (Rejected, RecursionError):
            pass  # not valid, or nested too deep for the fast path: the driver recovers
    truncated: list[HclSyntaxError] = []

    def on_error(token, expected: list[str], unwound: list, at_end: bool) -> None:
        if at_end:
            truncated.append(_truncated(text, name, unwound or [token]))
        elif token.type not in ("BAD", "BADCLOSE"):  # the lexer has said what is wrong there
            errors.append(_syntax_error(ParseError(token, expected), text, name))

    tree = _driver().parse_recovering(tokens, Damaged, on_error)
    return tree, _one_per_line(errors, truncated)


def _truncated(text: str, path: str | None, unwound: list) -> HclSyntaxError:
    """The file ends inside an element: name it by its first line."""
    start = next((t.pos for t in unwound if t.pos >= 0 and t.text), len(text))
    line_end = text.find("\n", start)
    opening = text[start : len(text) if line_end < 0 else line_end].strip()
    if len(opening) > 60:
        opening = opening[:57] + "..."
    line, _ = line_col(text, start)
    message = f"file ends inside `{opening}` opened at line {line}: is the file truncated?"
    return HclSyntaxError(message, text, len(text), path)


def _one_per_line(
    errors: list[HclSyntaxError], always: list[HclSyntaxError]
) -> list[HclSyntaxError]:
    """The first error of each line (later ones there are mostly its echoes), plus ``always``."""
    kept: list[HclSyntaxError] = []
    lines: set[int] = set()
    for err in sorted(errors, key=lambda e: e.offset):
        if err.line not in lines:
            lines.add(err.line)
            kept.append(err)
    return sorted(kept + always, key=lambda e: e.offset)


def _syntax_error(err: ParseError, text: str, path: str | None) -> HclSyntaxError:
    token = err.token
    expected = sorted(TOKEN_NAMES.get(t, t) for t in err.expected if t in TOKEN_NAMES)
    found = TOKEN_NAMES.get(token.type, token.type)
    if token.type in ("IDENT", "NUMBER", "BINOP") and token.text:
        found = f"{found} {token.text!r}"
    offset = token.pos if token.pos >= 0 else len(text)
    if expected == ["newline"]:
        message = f"unexpected {found}: expected a newline after this item"
    elif len(expected) <= 4:
        message = f"unexpected {found}: expected {' or '.join(expected)}"
    else:
        message = f"unexpected {found}"
    return HclSyntaxError(message, text, offset, path)
