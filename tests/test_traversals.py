"""``traversals`` finds every reference in every kind of expression: the names up to the first
index or splat, and the references inside index keys."""

from __future__ import annotations

import terrafix
from terrafix.model.references import traversals

TEXT = """\
resource "aws_instance" "web" {
  ami      = data.aws_ami.ubuntu.id
  count    = length(var.zones)
  subnet   = aws_subnet.private[count.index].id
  legacy   = var.list.0.name
  splat    = aws_eip.all[*].public_ip
  attr     = module.net.*.id
  cond     = var.on ? local.a : -local.b
  sum      = (var.x + 2) * var.y
  items    = [for k, v in var.map : v.name if k != local.skip]
  pairs    = { for s in var.subnets : s.id => upper(s.name)... }
  object   = { (var.key) = var.value, plain = "p" }
  tuple    = [var.first, [var.second]]
  text     = "${var.prefix}-%{ if var.flag }${local.on}%{ else }off%{ endif }"
  loop     = "%{ for n in var.names }${n}%{ endfor }"
  heredoc  = <<-EOT
    ${var.doc}
  EOT
  nested   = var.m[local.k[var.j]]
  expanded = concat(var.lists...)
  literal  = true
  dynamic "tag" {
    for_each = var.tags
    content {
      key = tag.key
    }
  }
}
"""

EXPECTED = [
    ("data", "aws_ami", "ubuntu", "id"),
    ("var", "zones"),
    ("aws_subnet", "private"),
    ("count", "index"),
    ("var", "list"),
    ("aws_eip", "all"),
    ("module", "net"),
    ("var", "on"),
    ("local", "a"),
    ("local", "b"),
    ("var", "x"),
    ("var", "y"),
    ("var", "map"),
    ("v", "name"),
    ("k",),
    ("local", "skip"),
    ("var", "subnets"),
    ("s", "id"),
    ("s", "name"),
    ("var", "key"),
    ("var", "value"),
    ("plain",),  # an object key is read as a name: rules skip roots they do not know
    ("var", "first"),
    ("var", "second"),
    ("var", "prefix"),
    ("var", "flag"),
    ("local", "on"),
    ("var", "names"),
    ("n",),
    ("var", "doc"),
    ("var", "m"),
    ("local", "k"),
    ("var", "j"),
    ("var", "lists"),
    ("true",),
    ("var", "tags"),
    ("tag", "key"),
]


def test_every_kind_of_expression_yields_its_references():
    block = next(terrafix.parse(TEXT).body.blocks())
    found = [traversal.parts for traversal in traversals(block)]
    assert sorted(found) == sorted(EXPECTED)


def test_each_reference_is_the_outermost_node_of_its_chain():
    block = next(terrafix.parse(TEXT).body.blocks())
    rendered = {t.parts: t.node.render().strip() for t in traversals(block)}
    assert rendered[("aws_subnet", "private")] == "aws_subnet.private[count.index].id"
    assert rendered[("var", "list")] == "var.list.0.name"
    assert rendered[("aws_eip", "all")] == "aws_eip.all[*].public_ip"
    assert rendered[("var", "m")] == "var.m[local.k[var.j]]"
    assert rendered[("local", "k")] == "local.k[var.j]"
