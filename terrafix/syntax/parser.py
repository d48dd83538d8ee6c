"""``parse``: HCL text to a ``ConfigFile`` tree, on lark's LALR parser and our own lexer.

The lark parser is built on first use, not at import, and lark caches its grammar analysis on
disk, so ``import terrafix`` stays cheap and later processes skip the table construction.
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

from lark import Lark
from lark.exceptions import UnexpectedInput, UnexpectedToken
from lark.lexer import Lexer

from .builder import TreeBuilder
from .errors import HclSyntaxError
from .lexer import tokenize
from .nodes import ConfigFile

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


class _TokenListLexer(Lexer):
    """Hands lark the token list our lexer already made."""

    __future_interface__ = 0

    def __init__(self, lexer_conf) -> None:
        pass

    def lex(self, tokens):  # type: ignore[override]
        return iter(tokens)


@functools.cache
def _lark() -> Lark:
    cache_dir = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "terrafix"
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        cache: str | bool = str(cache_dir / f"grammar-{_grammar_digest()}.lark-cache")
    except OSError:
        cache = os.path.join(tempfile.gettempdir(), f"terrafix-grammar-{_grammar_digest()}")
    return Lark(
        GRAMMAR.read_text(encoding="utf-8"),
        parser="lalr",
        lexer=_TokenListLexer,
        transformer=TreeBuilder(),
        cache=cache,
        maybe_placeholders=False,
    )


@functools.cache
def _grammar_digest() -> str:
    import hashlib

    import lark

    data = GRAMMAR.read_bytes() + lark.__version__.encode()
    return hashlib.sha256(data).hexdigest()[:16]


def parse(text: str, path: str | os.PathLike[str] | None = None) -> ConfigFile:
    """Parse one HCL file; ``tree.render() == text``. Raises ``HclSyntaxError``."""
    name = os.fspath(path) if path is not None else None
    if not isinstance(text, str):
        raise TypeError(f"parse() takes the file's text as str, not {type(text).__name__}")
    tokens = tokenize(text, name)
    try:
        return _lark().parse(tokens)
    except UnexpectedToken as err:
        raise _syntax_error(err, text, name) from None
    except UnexpectedInput as err:  # pragma: no cover - the token list leaves no other kind
        raise HclSyntaxError(f"invalid syntax: {err}", text, 0, name) from None


def _syntax_error(err: UnexpectedToken, text: str, path: str | None) -> HclSyntaxError:
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
