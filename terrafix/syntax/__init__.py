"""Lossless HCL syntax: lexer, LALR parser, immutable concrete syntax tree."""

from .errors import HclSyntaxError
from .parser import parse, parse_recovering

__all__ = ["HclSyntaxError", "parse", "parse_recovering"]
