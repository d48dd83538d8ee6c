"""Builders and edits of the writer, on small real-looking files, as before/after snapshots."""

from __future__ import annotations

import pytest

import terrafix
from terrafix.syntax import nodes as n
from terrafix.writer import (
    Document,
    TextEdit,
    apply_edits,
    block,
    diff_edits,
    expr,
    parse_expression,
    remove_attribute,
    set_attribute,
    value_source,
)
from terrafix.writer.objects import remove_object_item, set_object_item

MAIN = """\
# The database.
resource "aws_db_instance" "main" {
  identifier          = "payment-db" # physical name
  engine              = "postgres"
  skip_final_snapshot = false
  # Kept for restores.
  final_snapshot_identifier = "final"

  tags = {
    Name = "payment-db"
  }
}

resource "aws_iam_role_policy" "p" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue"]
        Resource = "*"
      },
    ]
  })
}
"""


def _first(doc: Document, type_: str) -> n.Block:
    return next(doc.tree.body.blocks(type_))


def _before_after(doc: Document) -> str:
    return f"--- before\n{doc.original}--- after\n{doc.text()}"


def test_value_sources():
    assert value_source('a"b${x}') == '"a\\"b$${x}"'
    assert value_source([1, True, None, 1.5]) == "[1, true, null, 1.5]"
    assert (
        value_source({"Name": "x", "aws:SourceArn": 2})
        == '{\n  Name            = "x"\n  "aws:SourceArn" = 2\n}'
    )
    assert value_source(expr("var.x")) == "var.x"
    with pytest.raises(TypeError):
        value_source(object())


def test_set_existing_attribute_keeps_comment_and_alignment(snapshot):
    doc = Document.parse(MAIN, "main.tf")
    db = _first(doc, "resource")
    doc.replace(db, set_attribute(db, "skip_final_snapshot", True, doc.style))
    assert doc.text().count("skip_final_snapshot = true") == 1
    assert _before_after(doc) == snapshot


def test_remove_attribute_takes_its_comments(snapshot):
    doc = Document.parse(MAIN, "main.tf")
    db = _first(doc, "resource")
    doc.replace(db, remove_attribute(db, "final_snapshot_identifier"))
    assert "Kept for restores" not in doc.text()
    assert _before_after(doc) == snapshot


def test_add_attribute_joins_and_realigns_the_run(snapshot):
    doc = Document.parse(MAIN, "main.tf")
    db = _first(doc, "resource")
    doc.replace(db, set_attribute(db, "deletion_protection", False, doc.style))
    assert (
        '  final_snapshot_identifier = "final"\n  deletion_protection       = false\n' in doc.text()
    )
    assert _before_after(doc) == snapshot


def test_a_value_made_multi_line_leaves_its_alignment_run():
    doc = Document.parse(MAIN, "main.tf")
    db = _first(doc, "resource")
    doc.replace(db, set_attribute(db, "engine", expr('{\n    name = "postgres"\n  }'), doc.style))
    assert '  identifier = "payment-db" # physical name\n  engine = {\n' in doc.text()
    assert "  }\n  skip_final_snapshot = false\n" in doc.text()


def test_replace_nested_value_in_jsonencode(snapshot):
    doc = Document.parse(MAIN, "main.tf")
    policy = list(doc.tree.body.blocks("resource"))[1]
    call = policy.body.attribute("policy").value
    statement = call.arguments[0].value.items[1].value.items[0].value
    resource_item = next(i for i in statement.items if i.key.render().strip() == "Resource")
    doc.replace_expression(
        resource_item.value, parse_expression("aws_secretsmanager_secret.db.arn")
    )
    assert "        Resource = aws_secretsmanager_secret.db.arn\n" in doc.text()
    assert _before_after(doc) == snapshot


def test_object_items_add_and_remove(snapshot):
    doc = Document.parse(MAIN, "main.tf")
    tags = _first(doc, "resource").body.attribute("tags").value
    grown = set_object_item(tags, "Environment", expr("var.environment_suffix"), doc.style)
    doc.replace(tags, grown)
    assert "    Name        = " in doc.text()
    shrunk = remove_object_item(grown, "Name")
    doc.replace(grown, shrunk)
    assert "Name" not in _first(doc, "resource").body.attribute("tags").value.render()
    assert _before_after(doc) == snapshot


def test_append_block_to_file_without_final_newline():
    doc = Document.parse('variable "a" {}', "variables.tf")
    doc.append_block(block("variable", "b", type=expr("string")))
    assert doc.text() == 'variable "a" {}\n\nvariable "b" {\n  type = string\n}'


def test_one_line_block_grows_lines():
    doc = Document.parse('variable "a" {}\n', "variables.tf")
    variable = _first(doc, "variable")
    doc.replace(variable, set_attribute(variable, "type", expr("string"), doc.style))
    assert doc.text() == 'variable "a" {\n  type = string\n}\n'


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("crlf", MAIN.replace("\n", "\r\n")),
        ("tabs", MAIN.replace("  ", "\t")),
        ("bom", "\ufeff" + MAIN),
    ],
)
def test_edits_keep_file_style(name, source):
    doc = Document.parse(source, "main.tf")
    db = _first(doc, "resource")
    doc.replace(db, set_attribute(db, "deletion_protection", False, doc.style))
    doc.append_block(block("variable", "x", type=expr("string")))
    text = doc.text()
    terrafix.parse(text)
    if name == "crlf":
        assert "\n" not in text.replace("\r\n", "")
    if name == "tabs":
        assert "\tdeletion_protection" in text and "\ttype = string" in text
    if name == "bom":
        assert text.startswith("\ufeff# The database.") and text.count("\ufeff") == 1


def test_text_edits_reproduce_the_render():
    doc = Document.parse(MAIN, "main.tf")
    db = _first(doc, "resource")
    doc.replace(db, set_attribute(db, "skip_final_snapshot", True, doc.style))
    doc.append_block(block("variable", "x", type=expr("string")))
    edits = doc.edits()
    assert edits and all(isinstance(e, TextEdit) for e in edits)
    assert apply_edits(doc.original, edits) == doc.text()
    assert diff_edits(MAIN, MAIN) == []
    with pytest.raises(ValueError):
        apply_edits("abc", [TextEdit(0, 2, "x"), TextEdit(1, 3, "y")])


def test_byte_range_counts_utf8():
    text = 'a = "é"\nb = 1\n'
    edit = TextEdit(text.index("b"), text.index("b") + 1, "c")
    assert (text.index("b"), edit.byte_range(text)) == (8, (9, 10))
