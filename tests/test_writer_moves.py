"""Writer edits that move code around: tuple items, insert-before, moving blocks, heredocs.

Each edit is checked for its exact text and for what HashiCorp's tools say about the result
(parses, `terraform fmt`-clean) when the oracle is available.
"""

from __future__ import annotations

import pytest
from oracle import needs_oracle, not_fmt_clean, unparsable

import terrafix
from terrafix.syntax import nodes as n
from terrafix.writer import Document, block, expr, remove_attribute
from terrafix.writer.body import (
    Style,
    append_source,
    find_blocks,
    insert_block_before,
    move_block,
    take_element,
)
from terrafix.writer.build import block_source, call, heredoc, template, value_source
from terrafix.writer.tree import replace_expression
from terrafix.writer.tuples import insert_tuple_item, remove_tuple_item

MODULE = """\
# Provider for the app.
provider "aws" {
  region = var.region
}

# The bucket.
resource "aws_s3_bucket" "b" {
  bucket = "x"
}

resource "aws_s3_bucket" "c" {
  bucket = "y"
}
"""


def _tuple_edit(source: str, edit) -> str:
    tree = terrafix.parse(source)
    tup = tree.body.elements[0].value
    assert isinstance(tup, n.Tuple)
    out = replace_expression(tree, tup, edit(tup, Style.of(source))).render()
    terrafix.parse(out)
    return out


@pytest.mark.parametrize(
    ("source", "index", "expected"),
    [
        ("x = [a, b]\n", 0, "x = [new.arn, a, b]\n"),
        ("x = [a, b]\n", 1, "x = [a, new.arn, b]\n"),
        ("x = [a, b]\n", 2, "x = [a, b, new.arn]\n"),
        ("x = []\n", 0, "x = [new.arn]\n"),
        ("x = [\n]\n", 0, "x = [\n  new.arn,\n]\n"),
        ("x = [\n  a,\n  b,\n]\n", 2, "x = [\n  a,\n  b,\n  new.arn,\n]\n"),
        ("x = [\n  a\n]\n", 1, "x = [\n  a,\n  new.arn\n]\n"),
        (
            "x = [\n  a, # first\n  b # second\n]\n",
            1,
            "x = [\n  a, # first\n  new.arn,\n  b # second\n]\n",
        ),
        (
            "x = [\n  a, # first\n  b # second\n]\n",
            2,
            "x = [\n  a, # first\n  b, # second\n  new.arn\n]\n",
        ),
        ("x = [\r\n  a,\r\n]\r\n", 1, "x = [\r\n  a,\r\n  new.arn,\r\n]\r\n"),
    ],
)
def test_insert_tuple_item_follows_the_layout(source, index, expected):
    out = _tuple_edit(source, lambda t, style: insert_tuple_item(t, index, expr("new.arn"), style))
    assert out == expected


@pytest.mark.parametrize(
    ("source", "index", "expected"),
    [
        ("x = [a, b]\n", 0, "x = [b]\n"),
        ("x = [a, b]\n", 1, "x = [a]\n"),
        ("x = [a, b, c]\n", 1, "x = [a, c]\n"),
        ("x = [\n  a,\n  b,\n]\n", 1, "x = [\n  a,\n]\n"),
        ("x = [\n  a, # first\n  b # second\n]\n", 1, "x = [\n  a # first\n]\n"),
        ("x = [\n  a, # first\n  b # second\n]\n", 0, "x = [\n  b # second\n]\n"),
        ("x = [\n  a\n]\n", 0, "x = []\n"),
    ],
)
def test_remove_tuple_item_keeps_comma_style_and_comments(source, index, expected):
    assert _tuple_edit(source, lambda t, style: remove_tuple_item(t, index)) == expected


def test_insert_before_goes_above_the_owned_comments():
    doc = Document.parse(MODULE, "main.tf")
    bucket = find_blocks(doc.tree.body, "resource", "aws_s3_bucket", "b")[0]
    body = insert_block_before(doc.tree.body, bucket, block("locals", x=1), doc.style)
    assert body.render() == MODULE.replace("# The bucket.", "locals {\n  x = 1\n}\n\n# The bucket.")


def test_find_blocks_by_type_and_labels():
    body = terrafix.parse(MODULE).body
    assert [b.label_values for b in find_blocks(body, "resource")] == [
        ("aws_s3_bucket", "b"),
        ("aws_s3_bucket", "c"),
    ]
    assert [b.label_values for b in find_blocks(body, "resource", "aws_s3_bucket", "c")] == [
        ("aws_s3_bucket", "c")
    ]
    assert find_blocks(body, "resource", "aws_instance") == []


def test_move_block_carries_its_comments():
    tree = terrafix.parse(MODULE)
    body = tree.body
    provider = find_blocks(body, "provider")[0]
    last = find_blocks(body, "resource", "aws_s3_bucket", "c")[0]
    moved = move_block(body, provider, Style.of(MODULE), after=last).render()
    assert moved == (
        '# The bucket.\nresource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n\n'
        'resource "aws_s3_bucket" "c" {\n  bucket = "y"\n}\n\n'
        '# Provider for the app.\nprovider "aws" {\n  region = var.region\n}\n'
    )
    back = terrafix.parse(moved).body
    first = find_blocks(back, "resource", "aws_s3_bucket", "b")[0]
    provider = find_blocks(back, "provider")[0]
    assert move_block(back, provider, Style.of(MODULE), before=first).render() == MODULE


def test_move_block_to_another_file_converts_line_endings():
    body, source = take_element(terrafix.parse(MODULE).body, 1)
    assert source == '# Provider for the app.\nprovider "aws" {\n  region = var.region\n}\n'
    assert body.render() == MODULE.split("\n\n", 1)[1]
    target_text = 'terraform {\r\n  required_version = ">= 1.5"\r\n}\r\n'
    target = terrafix.parse(target_text)
    moved = append_source(target.body, source, Style.of(target_text)).render()
    assert moved == target_text + "\r\n" + source.replace("\n", "\r\n")


@pytest.mark.parametrize(
    "text",
    [
        '{\n  "Version": "2012-10-17",\n  "Resource": "${x}"\n}\n',
        "echo hi\n\nEOT\nexit 0\n",
        "  indented\n  both\n",
    ],
)
def test_heredoc_builder_escapes_and_indents(text):
    source = block_source(block("locals", policy=heredoc(text), name="n")) + "\n"
    tree = terrafix.parse(source)
    assert tree.render() == source
    assert "${" not in source.replace("$${", "")
    assert "\n  name   = " in source  # the heredoc attribute stays in the `=` run
    marker = source.split("<<", 1)[1].split("\n", 1)[0].lstrip("-")
    assert marker not in [line.strip() for line in text.splitlines()]


@needs_oracle
def test_moves_and_heredocs_satisfy_hashicorp_tools(tmp_path):
    body = terrafix.parse(MODULE).body
    provider, last = find_blocks(body, "provider")[0], find_blocks(body, "resource")[-1]
    outputs = {
        "moved.tf": move_block(body, provider, Style.of(MODULE), after=last).render(),
        "heredoc.tf": block_source(
            block("resource", "aws_iam_policy", "p", policy=heredoc('{\n  "a": "${b}"\n}\n'))
        )
        + "\n",
    }
    paths = []
    for name, text in outputs.items():
        path = tmp_path / name
        path.write_text(text)
        paths.append(path)
    assert unparsable(paths) == set()
    assert not_fmt_clean(paths) == set()


def test_call_and_template_builders_escape_literal_text():
    name = template(expr("local.name_prefix"), '-alb "${x}"')
    assert value_source(name) == '"${local.name_prefix}-alb \\"$${x}\\""'
    hashed = call("filebase64sha256", expr("data.archive_file.auth.output_path"))
    assert value_source(hashed) == "filebase64sha256(data.archive_file.auth.output_path)"
    assert value_source(call("max", 1, 2.5, "a")) == 'max(1, 2.5, "a")'
    source = block_source(block("locals", name=name, hash=hashed)) + "\n"
    assert terrafix.parse(source).render() == source


def test_removing_an_attribute_leaves_the_next_run_alone():
    source = 'resource "a" "b" {\n  x = 1\n  yy = 2\n\n  monitoring_a = 1\n  m = 2\n}\n'
    tree = terrafix.parse(source)
    resource = tree.body.elements[0]
    body = tree.body.with_changes(elements=(remove_attribute(resource, "yy"),))
    assert body.render() == source.replace("  yy = 2\n", "")


def test_removing_the_longest_attribute_realigns_its_own_run():
    source = 'resource "a" "b" {\n  x            = 1\n  yyyyyyyyyyyy = 2\n  z            = 3\n}\n'
    tree = terrafix.parse(source)
    resource = tree.body.elements[0]
    body = tree.body.with_changes(elements=(remove_attribute(resource, "yyyyyyyyyyyy"),))
    assert body.render() == 'resource "a" "b" {\n  x = 1\n  z = 3\n}\n'
