"""The lexer's combined matches (``name =`` and ``.name`` in one regex match) give exactly the
tokens that lexing each piece on its own gives: same types, texts, trivia and offsets."""

from __future__ import annotations

import pytest

from terrafix.syntax.lexer import tokenize


def _tokens(text: str) -> list[tuple[str, str, str, int]]:
    return [tuple(token) for token in tokenize(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a = b.c\n",
            [
                ("IDENT", "a", "", 0),
                ("EQUAL", "=", " ", 2),
                ("IDENT", "b", " ", 4),
                ("DOT", ".", "", 5),
                ("IDENT", "c", "", 6),
                ("NL", "\n", "", 7),
            ],
        ),
        (  # trivia between the name and `=`, and between the dot and the name
            "x /* c */= y . z\n",
            [
                ("IDENT", "x", "", 0),
                ("EQUAL", "=", " /* c */", 9),
                ("IDENT", "y", " ", 11),
                ("DOT", ".", " ", 13),
                ("IDENT", "z", " ", 15),
                ("NL", "\n", "", 16),
            ],
        ),
        (  # `==` and `=>` after a name stay operators
            "a = b == c\nm = {for k in l : k => k}\n",
            [
                ("IDENT", "a", "", 0),
                ("EQUAL", "=", " ", 2),
                ("IDENT", "b", " ", 4),
                ("BINOP", "==", " ", 6),
                ("IDENT", "c", " ", 9),
                ("NL", "\n", "", 10),
                ("IDENT", "m", "", 11),
                ("EQUAL", "=", " ", 13),
                ("LBRACE", "{", " ", 15),
                ("FOR", "for", "", 16),
                ("IDENT", "k", " ", 20),
                ("IN", "in", " ", 22),
                ("IDENT", "l", " ", 25),
                ("COLON", ":", " ", 27),
                ("IDENT", "k", " ", 29),
                ("ARROW", "=>", " ", 31),
                ("IDENT", "k", " ", 34),
                ("RBRACE", "}", "", 35),
                ("NL", "\n", "", 36),
            ],
        ),
        (  # legacy index, splat and ellipsis are not traversal steps by name
            "a = l.0.b\nb = f(l.*...)\n",
            [
                ("IDENT", "a", "", 0),
                ("EQUAL", "=", " ", 2),
                ("IDENT", "l", " ", 4),
                ("DOT", ".", "", 5),
                ("NUMBER", "0", "", 6),
                ("DOT", ".", "", 7),
                ("IDENT", "b", "", 8),
                ("NL", "\n", "", 9),
                ("IDENT", "b", "", 10),
                ("EQUAL", "=", " ", 12),
                ("IDENT", "f", " ", 14),
                ("LPAR", "(", "", 15),
                ("IDENT", "l", "", 16),
                ("DOT", ".", "", 17),
                ("STAR", "*", "", 18),
                ("ELLIPSIS", "...", "", 19),
                ("RPAR", ")", "", 22),
                ("NL", "\n", "", 23),
            ],
        ),
        (  # a keyword after a dot in a for header is still typed by the for-expression rules
            "a = [for x in y.in : x]\n",
            [
                ("IDENT", "a", "", 0),
                ("EQUAL", "=", " ", 2),
                ("LBRACK", "[", " ", 4),
                ("FOR", "for", "", 5),
                ("IDENT", "x", " ", 9),
                ("IN", "in", " ", 11),
                ("IDENT", "y", " ", 14),
                ("DOT", ".", "", 15),
                ("IDENT", "in", "", 16),
                ("COLON", ":", " ", 19),
                ("IDENT", "x", " ", 21),
                ("RBRACK", "]", "", 22),
                ("NL", "\n", "", 23),
            ],
        ),
    ],
)
def test_combined_matches_give_the_separate_tokens(text, expected):
    assert _tokens(text)[:-1] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a line break right after a string, a `.name`, `{`, `}` and a `)` back in the body
            'b {\n  s = "x"\n\n\n  t = f(a)\n  u = v.w\n}\n',
            [
                ("IDENT", "b", "", 0),
                ("LBRACE", "{", " ", 2),
                ("NL", "\n", "", 3),
                ("IDENT", "s", "  ", 6),
                ("EQUAL", "=", " ", 8),
                ("QUOTE", '"', " ", 10),
                ("TLIT", "x", "", 11),
                ("QUOTE_END", '"', "", 12),
                ("NL", "\n", "", 13),
                ("NL", "\n", "", 14),
                ("NL", "\n", "", 15),
                ("IDENT", "t", "  ", 18),
                ("EQUAL", "=", " ", 20),
                ("IDENT", "f", " ", 22),
                ("LPAR", "(", "", 23),
                ("IDENT", "a", "", 24),
                ("RPAR", ")", "", 25),
                ("NL", "\n", "", 26),
                ("IDENT", "u", "  ", 29),
                ("EQUAL", "=", " ", 31),
                ("IDENT", "v", " ", 33),
                ("DOT", ".", "", 34),
                ("IDENT", "w", "", 35),
                ("NL", "\n", "", 36),
                ("RBRACE", "}", "", 37),
                ("NL", "\n", "", 38),
            ],
        ),
        (  # where newlines are trivia (a list, a for-expression) they stay in the next token
            "o = {\n  k = [\n    1,\n  ]\n  m = {\n    for k in l : k => k }\n}\n",
            [
                ("IDENT", "o", "", 0),
                ("EQUAL", "=", " ", 2),
                ("LBRACE", "{", " ", 4),
                ("NL", "\n", "", 5),
                ("IDENT", "k", "  ", 8),
                ("EQUAL", "=", " ", 10),
                ("LBRACK", "[", " ", 12),
                ("NUMBER", "1", "\n    ", 18),
                ("COMMA", ",", "", 19),
                ("RBRACK", "]", "\n  ", 23),
                ("NL", "\n", "", 24),
                ("IDENT", "m", "  ", 27),
                ("EQUAL", "=", " ", 29),
                ("LBRACE", "{", " ", 31),
                ("FOR", "for", "\n    ", 37),
                ("IDENT", "k", " ", 41),
                ("IN", "in", " ", 43),
                ("IDENT", "l", " ", 46),
                ("COLON", ":", " ", 48),
                ("IDENT", "k", " ", 50),
                ("ARROW", "=>", " ", 52),
                ("IDENT", "k", " ", 55),
                ("RBRACE", "}", " ", 57),
                ("NL", "\n", "", 58),
                ("RBRACE", "}", "", 59),
                ("NL", "\n", "", 60),
            ],
        ),
        (  # trivia or a carriage return before the line break
            's = "x" \nt = "y"\r\n',
            [
                ("IDENT", "s", "", 0),
                ("EQUAL", "=", " ", 2),
                ("QUOTE", '"', " ", 4),
                ("TLIT", "x", "", 5),
                ("QUOTE_END", '"', "", 6),
                ("NL", "\n", " ", 8),
                ("IDENT", "t", "", 9),
                ("EQUAL", "=", " ", 11),
                ("QUOTE", '"', " ", 13),
                ("TLIT", "y", "", 14),
                ("QUOTE_END", '"', "", 15),
                ("NL", "\r\n", "", 16),
            ],
        ),
    ],
)
def test_a_line_end_taken_on_the_spot_gives_the_same_tokens(text, expected):
    """Where a line break is a token, the lexer takes it right after a string, a traversal step
    or a bracket without another step match; the tokens are those the step match would give."""
    assert _tokens(text)[:-1] == expected
