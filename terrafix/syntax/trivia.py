"""Patterns for the text between tokens: whitespace and the three comment styles."""

from __future__ import annotations

import re

# Trivia where newlines are insignificant: inside (), [], ${} and %{}, and in for-expressions.
# Each takes the plain whitespace run first, and every repetition possessively: the same
# match, fewer engine steps, and a pattern that can lead another without backtracking into it.
TRIVIA_WITH_NEWLINES = re.compile(
    r"[ \t\r\n\f\v]*+(?:(?:#[^\n]*+|//[^\n]*+|/\*.*?\*/)[ \t\r\n\f\v]*+)*+", re.S
)
# Trivia where a newline ends an attribute or an object item: bodies and objects.
TRIVIA_SAME_LINE = re.compile(
    r"[ \t\f\v]*+(?:(?:\r(?!\n)|#[^\r\n]*+|//[^\r\n]*+|/\*.*?\*/)[ \t\f\v]*+)*+", re.S
)
COMMENT = re.compile(r"#[^\r\n]*|//[^\r\n]*|/\*.*?\*/", re.S)


def comments_in(trivia: str) -> list[str]:
    """Every comment in a trivia string, in order."""
    return COMMENT.findall(trivia)
