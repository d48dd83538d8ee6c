"""The HCL writer: builders and edits on the syntax tree that format what they touch like fmt."""

from .body import (
    Style,
    append_block,
    insert_block_after,
    remove_attribute,
    remove_element,
    set_attribute,
    set_body_attribute,
)
from .build import BlockSpec, Expr, block, build_expression, expr, parse_expression, value_source
from .document import Document
from .textedit import TextEdit, apply_edits, diff_edits
from .tree import path_to, replace_node

__all__ = [
    "BlockSpec",
    "Document",
    "Expr",
    "Style",
    "TextEdit",
    "append_block",
    "apply_edits",
    "block",
    "build_expression",
    "diff_edits",
    "expr",
    "insert_block_after",
    "parse_expression",
    "path_to",
    "remove_attribute",
    "remove_element",
    "replace_node",
    "set_attribute",
    "set_body_attribute",
    "value_source",
]
