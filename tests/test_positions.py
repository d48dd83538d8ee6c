"""Positions computed from a tree or a text: spans, lines and columns, bytes and LSP positions."""

from __future__ import annotations

import re

import pytest
from corpus import REAL, hcl_files, needs_shared, read

import terrafix
from terrafix.syntax import nodes as n
from terrafix.syntax.errors import line_col
from terrafix.syntax.positions import (
    LineIndex,
    Position,
    from_byte_offset,
    from_lsp,
    line_col_to_offset,
    locate,
    offset_to_line_col,
    span,
    spans,
    to_byte_offset,
    to_lsp,
)
from terrafix.syntax.tokens import leaf

# Texts that exercise every unit: CJK (1 code point, 3 bytes, 1 UTF-16 unit), emoji (1 code
# point, 4 bytes, 2 units), a skin-tone emoji (2 code points), CRLF, a BOM, a lone CR, tabs.
SAMPLES = {
    "ascii": 'a = 1\nb = "x"\n',
    "cjk": 'name = "日本語"\ntag  = "中文" # 注释\n',
    "emoji": 'a = "👍" # 🎉\nb = "👍🏽x"\n',
    "crlf": 'a = "é"\r\nb = 2\r\n\r\nc = 3',
    "bom": '\ufeffa = "ü"\nb = 1\n',
    "bom-crlf": '\ufeffx = "😀"\r\ny = 1\r\n',
    "lone-cr": "a = 1\rb = 2\nc = 3\n",
    "tabs": "\tа\t= 1\n",  # Cyrillic а
    "empty": "",
    "only-newlines": "\n\n\n",
}


def _reference_line_col(text: str, offset: int) -> tuple[int, int]:
    """Slow and obvious: count what comes before the offset."""
    before = text[:offset]
    line = before.count("\n") + 1
    column = len(before.rsplit("\n", 1)[-1])
    if line == 1 and text.startswith("\ufeff") and offset > 0:
        column -= 1
    return line, column + 1


def _reference_lsp(text: str, offset: int) -> tuple[int, int]:
    """Slow and obvious LSP conversion: the editor's view of the text has no BOM."""
    if text[offset - 1 : offset + 1] == "\r\n":
        offset -= 1  # inside a CRLF: the end of the line's content
    bom = 1 if text.startswith("\ufeff") else 0
    lines = re.split(r"\r\n|\r|\n", text[bom : max(offset, bom)])
    return len(lines) - 1, len(lines[-1].encode("utf-16-le")) // 2


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_line_col_matches_a_naive_count(name):
    text = SAMPLES[name]
    for offset in range(len(text) + 1):
        pos = offset_to_line_col(text, offset)
        assert (pos.line, pos.column) == _reference_line_col(text, offset), offset
        assert pos.offset == offset
        assert (pos.line, pos.column) == line_col(text, offset)  # the errors use the same rule


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_byte_offsets_match_the_encoded_prefix(name):
    text = SAMPLES[name]
    for offset in range(len(text) + 1):
        expected = len(text[:offset].encode("utf-8"))
        assert to_byte_offset(text, offset) == expected
        assert offset_to_line_col(text, offset).byte_offset == expected
        assert from_byte_offset(text, expected) == offset


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_lsp_positions_match_a_naive_conversion_and_invert(name):
    text = SAMPLES[name]
    for offset in range(len(text) + 1):
        line, character = to_lsp(text, offset)
        assert (line, character) == _reference_lsp(text, offset), offset
        back = from_lsp(text, line, character)
        # Offsets inside a line break or on the BOM have no LSP position of their own.
        if offset == 0 and text.startswith("\ufeff"):
            assert back == 1
        elif text[offset - 1 : offset + 1] == "\r\n":
            assert back == offset - 1  # between \r and \n: the end of the line's content
        else:
            assert back == offset, offset


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_line_col_inverts(name):
    text = SAMPLES[name]
    for offset in range(len(text) + 1):
        if text.startswith("\ufeff") and offset == 0:
            continue  # the BOM and the first character share 1:1
        pos = offset_to_line_col(text, offset)
        assert line_col_to_offset(text, pos.line, pos.column) == offset


def test_emoji_counts_one_column_four_bytes_two_utf16_units():
    text = 'a = "👍" = 1\n'
    after = text.index("=", 5)
    assert offset_to_line_col(text, after) == Position(1, 9, 8, 11)
    assert to_lsp(text, after) == (0, 9)
    assert from_lsp(text, 0, 9) == after
    # An LSP character in the middle of the surrogate pair falls back to the emoji's start.
    assert from_lsp(text, 0, 6) == text.index("👍")


def test_cjk_columns_and_bytes():
    text = 'x = "中文"\ny = 1\n'
    close = text.index('"', 5)
    assert offset_to_line_col(text, close) == Position(1, 8, 7, 11)
    assert to_lsp(text, close) == (0, 7)
    assert to_byte_offset(text, len(text)) == len(text.encode())


def test_crlf_line_ends_are_not_part_of_the_lsp_line():
    text = "ab\r\ncd"
    assert to_lsp(text, 2) == (0, 2)
    assert to_lsp(text, 3) == (0, 2)  # between \r and \n
    assert to_lsp(text, 4) == (1, 0)
    assert from_lsp(text, 0, 99) == 2  # past the end of a line: its end, before the \r
    assert offset_to_line_col(text, 4) == Position(2, 1, 4, 4)


def test_a_lone_cr_ends_an_lsp_line_but_not_an_hcl_line():
    text = "a\rb\n"
    assert to_lsp(text, 2) == (1, 0)
    assert offset_to_line_col(text, 2)[:2] == (1, 3)


def test_bom_takes_no_column_and_no_lsp_character_but_three_bytes():
    text = "\ufeffab\n"
    assert offset_to_line_col(text, 1) == Position(1, 1, 1, 3)
    assert offset_to_line_col(text, 2) == Position(1, 2, 2, 4)
    assert to_lsp(text, 0) == to_lsp(text, 1) == (0, 0)
    assert from_lsp(text, 0, 0) == 1
    assert from_lsp(text, 0, 1) == 2
    assert line_col_to_offset(text, 1, 1) == 1


def test_out_of_range_positions_are_clamped():
    text = "a = 1\nb = 2\n"
    assert offset_to_line_col(text, -5).offset == 0
    assert offset_to_line_col(text, 999) == Position(3, 1, len(text), len(text))
    assert from_lsp(text, 99, 0) == len(text)
    assert from_lsp(text, -1, 0) == 0
    assert from_lsp(text, 1, -3) == 6
    assert line_col_to_offset(text, 1, 99) == 5  # the newline ending line 1
    assert line_col_to_offset(text, 0, 1) == 0
    assert from_byte_offset(text, 999) == len(text)


def test_surrogate_escaped_bytes_count_as_one_byte():
    raw = b'a = "\xff\xfe"\n'
    text = raw.decode("utf-8", "surrogateescape")
    assert to_byte_offset(text, len(text)) == len(raw)
    assert to_byte_offset(text, text.index('"', 5)) == raw.index(b'"', 5)


def test_line_index_handles_many_lookups_on_a_large_text():
    text = "x = 1\n" * 200_000 + 'y = "é"\n'
    index = LineIndex(text)
    last = text.index("y")
    assert index.position(last) == Position(200_001, 1, last, last)
    assert index.to_lsp(last + 5) == (200_000, 5)
    assert index.from_lsp(200_000, 6) == last + 6
    assert index.byte_offset(len(text)) == len(text.encode())
    for line in range(1, 200_000, 997):
        assert index.position(index.offset(line, 3)).line == line


# ----------------------------------------------------------------------- spans over a tree

SOURCE = """\
# leading comment
resource "aws_s3_bucket" "b" {
  bucket = "x-${var.env}" # trailing
  tags = {
    Name = "日本"
  }
}
empty {}
"""


def test_spans_of_a_fresh_parse_agree_with_the_parser_positions():
    tree = terrafix.parse(SOURCE)
    found = spans(tree)
    for token in tree.leaves():
        assert found[id(token)] == (token.pos, token.pos + len(token.text))


def test_span_excludes_leading_trivia_and_the_variant_includes_it():
    tree = terrafix.parse(SOURCE)
    block = next(tree.body.blocks("resource"))
    start, end = span(tree, block)
    assert SOURCE[start:end].startswith("resource")
    assert SOURCE[start:end].endswith("}\n")
    attribute = block.body.attribute("bucket")
    start, end = span(tree, attribute)
    assert SOURCE[start:end] == 'bucket = "x-${var.env}" # trailing\n'
    start, end = span(tree, attribute, include_trivia=True)
    assert SOURCE[start:end] == '  bucket = "x-${var.env}" # trailing\n'
    name = attribute.value.parts[1].expression
    assert SOURCE[slice(*span(tree, name))] == "var.env"


def test_span_of_every_node_is_its_render_without_the_first_leading_trivia():
    tree = terrafix.parse(SOURCE)
    tight = spans(tree)
    loose = spans(tree, include_trivia=True)
    for node in tree.walk():
        text = node.render()
        first = node.first_leaf()
        pre = first.pre if first is not None else ""
        assert SOURCE[slice(*loose[id(node)])] == text
        assert SOURCE[slice(*tight[id(node)])] == text[len(pre) :]


def test_empty_nodes_get_an_empty_span_where_they_sit():
    text = "empty {}\n"
    tree = terrafix.parse(text)
    body = next(tree.body.blocks()).body
    assert body.elements == ()
    assert span(tree, body) == (7, 7)
    empty = terrafix.parse("")
    assert spans(empty)[id(empty.body)] == (0, 0)


def test_spans_follow_edits_where_leaf_pos_goes_stale():
    tree = terrafix.parse('a = 1\nb = "日本"\n')
    first = tree.body.elements[0]
    longer = first.with_changes(value=n.Number(leaf("NUMBER", "12345", " ")))
    edited = tree.with_changes(
        body=tree.body.with_changes(elements=(longer, tree.body.elements[1]))
    )
    text = edited.render()
    second = edited.body.elements[1]
    assert second.name.pos == 6  # stale
    start, end = span(edited, second.value)
    assert text[start:end] == '"日本"'
    begin, finish = locate(edited, second.value)
    assert (begin.line, begin.column, begin.byte_offset) == (2, 5, 14)
    assert (finish.line, finish.column, finish.byte_offset) == (2, 9, 22)


def test_span_of_a_foreign_node_is_an_error():
    tree = terrafix.parse("a = 1\n")
    with pytest.raises(ValueError):
        span(tree, n.Variable(leaf("IDENT", "x")))


def test_spans_of_a_very_deep_tree():
    depth = 10_000
    text = "a = " + "[" * depth + "]" * depth + "\n"
    tree = terrafix.parse(text)
    innermost = next(node for node in tree.walk() if type(node) is n.Tuple and not node.items)
    assert span(tree, innermost) == (4 + depth - 1, 4 + depth + 1)


@needs_shared
def test_spans_over_the_real_corpus():
    for path in hcl_files(REAL)[::25]:
        text = read(path)
        try:
            tree = terrafix.parse(text)
        except terrafix.HclSyntaxError:
            continue
        found = spans(tree)
        for token in tree.leaves():
            assert found[id(token)][0] == token.pos
        index = LineIndex(text)
        for node in tree.body.elements:
            start, _ = found[id(node)]
            pos = index.position(start)
            assert (pos.line, pos.column) == _reference_line_col(text, start)
