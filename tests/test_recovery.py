"""The recovering parser: damaged text costs only the element it is in.

Every input gives a tree that renders to the input and the list of every syntax error; what
fails becomes a ``Damaged`` node, at the granularity HashiCorp's parser recovers at (a line of a
body, a nested block, a top-level block), and everything else parses as if the damage were not
there. ``parse`` keeps raising on the first error.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus import FIXTURES, GENERATED, hcl_files, read
from oracle import ORACLE, needs_oracle, unparsable

import terrafix
from terrafix.syntax import HclSyntaxError, parse_recovering
from terrafix.syntax import nodes as n


def damaged(tree: n.Node) -> list[str]:
    return [node.render() for node in tree.walk() if type(node) is n.Damaged]


def top_level(tree: n.ConfigFile) -> list[tuple[str, object]]:
    """(kind, identity) of each top-level element that is not a blank line."""
    out: list[tuple[str, object]] = []
    for element in tree.body.elements:
        if type(element) is n.Block:
            out.append(("block", (element.block_type, *element.label_values)))
        elif type(element) is n.Attribute:
            out.append(("attribute", element.key))
        elif type(element) is n.Damaged:
            out.append(("damaged", element.header))
    return out


def test_a_valid_file_parses_exactly_as_parse_does():
    text = 'variable "a" {\n  default = "x"\n}\n\nlocals {\n  b = [for x in var.l : x]\n}\n'
    tree, errors = parse_recovering(text, "main.tf")
    assert errors == []
    assert tree == terrafix.parse(text)


def test_parse_still_raises_on_the_first_error():
    with pytest.raises(HclSyntaxError) as raised:
        terrafix.parse('a = 1\nb = "x\nc = 2\n', "main.tf")
    assert (raised.value.line, raised.value.column) == (2, 5)


def test_a_cut_off_file_is_named_truncated_and_keeps_the_blocks_before():
    text = (
        'variable "name_prefix" {\n  type = string\n}\n\n'
        "# the database\n"
        'resource "aws_db_instance" "main" {\n'
        '  engine     = "postgres"\n'
        '  identifier = "${var.name_prefix}-db-'
    )
    tree, errors = parse_recovering(text, "main.tf")
    assert tree.render() == text
    assert top_level(tree) == [
        ("block", ("variable", "name_prefix")),
        ("damaged", ("resource", ("aws_db_instance", "main"))),
    ]
    messages = [f"{e.location}: {e.message}" for e in errors]
    assert messages == [
        "main.tf:8:16: unterminated string: the file ends before its closing quote",
        'main.tf:8:39: file ends inside `resource "aws_db_instance" "main" {` opened at line 6:'
        " is the file truncated?",
    ]


@pytest.mark.parametrize(
    "ending",
    ['  policy = <<EOT\n{\n  "a": 1\n', "  /* a comment that never ends\n", "  tags = {\n    a = "],
)
def test_a_file_cut_off_in_a_heredoc_a_comment_or_an_object(ending: str):
    text = 'output "x" {\n  value = 1\n}\nresource "aws_iam_policy" "p" {\n' + ending
    tree, errors = parse_recovering(text)
    assert tree.render() == text
    assert top_level(tree) == [
        ("block", ("output", "x")),
        ("damaged", ("resource", ("aws_iam_policy", "p"))),
    ]
    assert errors[-1].message.startswith('file ends inside `resource "aws_iam_policy" "p" {`')
    assert errors[-1].offset == len(text)


def test_one_bad_line_costs_only_that_line():
    text = (
        'resource "aws_instance" "web" {\n'
        "  ami      = var.ami\n"
        "  provider = aws.${each.value}\n"
        '  tags     = { Name = "web" }\n'
        "}\n"
        'output "id" {\n  value = aws_instance.web.id\n}\n'
    )
    tree, errors = parse_recovering(text, "main.tf")
    assert tree.render() == text
    resource, output = list(tree.body.blocks())
    assert [type(e).__name__ for e in resource.body.elements] == [
        "Attribute",
        "Damaged",
        "Attribute",
    ]
    assert damaged(tree) == ["  provider = aws.${each.value}\n"]
    assert output.label_values == ("id",)
    assert [(e.line, e.column) for e in errors] == [(3, 18)]


def test_a_bad_nested_block_costs_only_that_block():
    text = (
        'resource "aws_security_group" "sg" {\n'
        '  name = "sg"\n'
        "  ingress { from_port = 443, to_port = 443 }\n"
        "  egress {\n    from_port = 0\n  }\n"
        "}\n"
    )
    tree, errors = parse_recovering(text)
    (block,) = tree.body.blocks()
    assert [b.block_type for b in block.body.blocks()] == ["egress"]
    assert block.body.attribute("name") is not None
    assert damaged(tree) == ["  ingress { from_port = 443, to_port = 443 }\n"]
    assert len(errors) == 1


def test_extraction_damage_fences_prose_and_escapes_are_each_an_error():
    text = (
        "```hcl\n"
        'variable "region" {\n  default = "us-east-1"\n}\n'
        "---\n"
        "Here's the bucket:\n"
        'resource "aws_s3_bucket" "logs" {\n  bucket = "my\\_logs"\n}\n'
        'output "bucket" {\n  value = aws_s3_bucket.logs.id\n}\n'
        "```\n"
    )
    tree, errors = parse_recovering(text, "main.tf")
    assert tree.render() == text
    assert top_level(tree) == [
        ("damaged", None),
        ("block", ("variable", "region")),
        ("damaged", None),
        ("damaged", None),
        ("block", ("resource", "aws_s3_bucket", "logs")),
        ("block", ("output", "bucket")),
        ("damaged", None),
    ]
    assert [e.line for e in errors] == [1, 5, 6, 8, 13]
    assert "invalid escape sequence '\\_'" in errors[3].message


def test_a_one_line_block_with_commas_is_damaged_but_still_declares():
    text = 'variable "tags" { type = map(string), default = {} }\nvariable "ok" {}\n'
    tree, errors = parse_recovering(text)
    first, second = tree.body.elements
    assert type(first) is n.Damaged
    assert first.header == ("variable", ("tags",))
    assert type(second) is n.Block
    assert len(errors) == 1


def test_every_error_is_reported_not_only_the_first():
    text = "a = 1 2\nb = (\nc = 3\n}\nd = 4\n"
    tree, errors = parse_recovering(text)
    assert tree.render() == text
    assert [e.line for e in errors] == [1, 3, 4]
    assert "the '(' opened at 2:5 is not closed yet" in errors[2].message
    # an open bracket holds to the end (newlines mean nothing inside it), as in HashiCorp's scanner
    assert damaged(tree) == ["a = 1 2\n", "b = (\nc = 3\n}\nd = 4\n"]


def test_a_stray_closer_and_unclosed_brackets_resynchronise():
    text = 'a = foo(1, 2]\nb = [1, 2)\nc = "x"\n}\nd = { e = (1 }\nf = 1\n'
    tree, errors = parse_recovering(text)
    assert tree.render() == text
    assert tree.body.attribute("c") is not None
    assert tree.body.attribute("f") is not None
    assert len(errors) >= 3


def test_every_fixture_parses_as_before_or_recovers_losslessly():
    files = hcl_files(FIXTURES)
    if not files:
        pytest.skip("the shared corpora are not here")
    recovered = 0
    for path in files:
        try:
            text = read(path)
        except UnicodeDecodeError:
            continue
        tree, errors = parse_recovering(text, str(path))
        assert tree.render() == text, path
        try:
            strict = terrafix.parse(text)
        except HclSyntaxError as err:
            # the first error is where the strict parse stops, or the end of an unclosed file
            assert errors and errors[0].offset in (err.offset, len(text)), path
            recovered += 1
        else:
            assert errors == [] and tree == strict, path
    assert recovered > 0


# ---------------------------------------------------------------- the generated corpus

EXAMPLES = {
    "Pr1857": "truncated",
    "Pr3690": "truncated",
    "Pr8672": "truncated",
    "Pr1955": "extraction",
    "Pr2417": "extraction",
    "Pr4501": "extraction",
    "Pr1589": "invalid",
    "Pr7157": "invalid",
}


@needs_oracle
@pytest.mark.parametrize("task", sorted(EXAMPLES))
def test_generated_files_hashicorp_rejects_fail_here_too_and_keep_what_is_intact(task: str):
    files = hcl_files(GENERATED / task / "model")
    if not files:
        pytest.skip("the generated corpus is not here")
    rejected = unparsable(files)
    assert rejected
    for path in files:
        text = read(path)
        tree, errors = parse_recovering(text, str(path))
        assert tree.render() == text
        assert bool(errors) == (str(path) in rejected), path
        if errors:
            assert damaged(tree)
            # what survived is real code: the top-level blocks without damage parse on their own
            for block in tree.body.blocks():
                if not damaged(block):
                    assert terrafix.parse(block.render()) is not None
        if EXAMPLES[task] == "truncated" and errors:
            assert "is the file truncated?" in errors[-1].message
            assert errors[-1].offset == len(text)


def test_oracle_is_configured():
    assert ORACLE is None or Path(ORACLE).name == "hcloracle"
