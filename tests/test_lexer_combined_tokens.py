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
