"""The HCL writer: builders and edits on the syntax tree that format what they touch like fmt."""

from .body import (
    Style,
    append_block,
    append_source,
    find_blocks,
    insert_block_after,
    insert_block_before,
    move_block,
    remove_attribute,
    remove_element,
    set_attribute,
    set_body_attribute,
    take_element,
)
from .build import (
    BlockSpec,
    Expr,
    Heredoc,
    block,
    build_expression,
    call,
    expr,
    heredoc,
    parse_expression,
    template,
    value_source,
)
from .document import Document
from .textedit import TextEdit, apply_edits, diff_edits
from .tree import path_to, replace_expression, replace_node
from .tuples import insert_tuple_item, remove_tuple_item

__all__ = [
    "BlockSpec",
    "Document",
    "Expr",
    "Heredoc",
    "Style",
    "TextEdit",
    "append_block",
    "append_source",
    "apply_edits",
    "block",
    "build_expression",
    "call",
    "diff_edits",
    "expr",
    "find_blocks",
    "heredoc",
    "insert_block_after",
    "insert_block_before",
    "insert_tuple_item",
    "move_block",
    "parse_expression",
    "path_to",
    "remove_attribute",
    "remove_element",
    "remove_tuple_item",
    "replace_expression",
    "replace_node",
    "set_attribute",
    "set_body_attribute",
    "take_element",
    "template",
    "value_source",
]
