"""Lossless HCL syntax: lexer, LALR parser, immutable concrete syntax tree."""

from .errors import HclSyntaxError
from .parser import parse

__all__ = ["HclSyntaxError", "parse"]
