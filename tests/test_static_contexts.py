"""Where Terraform takes no reference: the question every rule asks before writing one."""

from __future__ import annotations

import pytest

from terrafix.model.static_contexts import Kind, allows_new_references, static_place
from terrafix.syntax import nodes as n
from terrafix.syntax import parse

CONFIG = """
terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = { source = "hashicorp/aws", configuration_aliases = [aws.west] }
  }
  backend "s3" {
    bucket = "state"
  }
}

variable "v" {
  description = "doc"
  type        = list(string)
  default     = ["a"]

  validation {
    condition     = length(var.v) > 0
    error_message = "must not be empty"
  }
}

output "o" {
  description = "doc"
  value       = aws_s3_bucket.b.id
  depends_on  = [aws_s3_bucket.b]
}

module "m" {
  source    = "./m"
  version   = "1.0"
  count     = length(aws_s3_bucket.b.tags)
  providers = { aws = aws.west }
  name      = "x"
}

provider "aws" {
  alias  = "west"
  region = "us-west-2"
}

resource "aws_s3_bucket" "b" {
  provider    = aws.west
  for_each    = toset(aws_s3_bucket.b.tags)
  bucket      = "b"
  description = "a bucket"

  lifecycle {
    prevent_destroy       = false
    create_before_destroy = true
    ignore_changes        = [tags]
    replace_triggered_by  = [aws_s3_bucket.b.id]
  }
}

moved {
  from = aws_s3_bucket.a
  to   = aws_s3_bucket.b
}
"""


def _value(path: str) -> tuple[n.Block, n.Expression]:
    """The top-level block and the value at ``block-header/nested.../argument``."""
    *headers, argument = path.split("/")
    tree = parse(CONFIG)
    top = next(
        b for b in tree.body.blocks() if " ".join((b.block_type, *b.label_values)) == headers[0]
    )
    block = top
    for inner in headers[1:]:
        block = next(block.body.blocks(inner))
    if "." in argument:  # a key of a required_providers entry
        entry, key = argument.split(".")
        obj = block.body.attribute(entry).value
        return top, next(i.value for i in obj.items if i.key.render().strip() == key)
    return top, block.body.attribute(argument).value


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("terraform/required_version", Kind.CONSTANT),
        ("terraform/required_providers/aws.source", Kind.CONSTANT),
        ("terraform/required_providers/aws.configuration_aliases", Kind.NAMES),
        ("terraform/backend/bucket", Kind.CONSTANT),
        ("variable v/description", Kind.CONSTANT),
        ("variable v/type", Kind.NAMES),
        ("variable v/default", Kind.CONSTANT),
        ("variable v/validation/condition", None),
        ("output o/description", Kind.CONSTANT),
        ("output o/value", None),
        ("output o/depends_on", Kind.ADDRESS),
        ("module m/source", Kind.CONSTANT),
        ("module m/version", Kind.CONSTANT),
        ("module m/count", None),
        ("module m/providers", Kind.NAMES),
        ("module m/name", None),
        ("provider aws/alias", Kind.CONSTANT),
        ("provider aws/region", None),
        ("resource aws_s3_bucket b/provider", Kind.NAMES),
        ("resource aws_s3_bucket b/for_each", None),
        ("resource aws_s3_bucket b/bucket", None),
        ("resource aws_s3_bucket b/lifecycle/prevent_destroy", Kind.CONSTANT),
        ("resource aws_s3_bucket b/lifecycle/create_before_destroy", Kind.CONSTANT),
        ("resource aws_s3_bucket b/lifecycle/ignore_changes", Kind.NAMES),
        ("resource aws_s3_bucket b/lifecycle/replace_triggered_by", Kind.RESOURCES),
        ("moved/from", Kind.ADDRESS),
        ("moved/to", Kind.ADDRESS),
    ],
)
def test_static_place_of_each_argument(path: str, kind: Kind | None):
    block, value = _value(path)
    place = static_place(block, value)
    assert (place.kind if place else None) is kind
    inner = next(value.walk())  # the answer holds for every node inside the value as well
    assert (static_place(block, inner) is not None) is (kind is not None)


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("output o/value", True),
        ("resource aws_s3_bucket b/bucket", True),
        ("module m/name", True),
        ("resource aws_s3_bucket b/description", False),  # prose
        ("variable v/validation/error_message", False),  # prose
        ("variable v/default", False),
        ("module m/source", False),
        ("terraform/backend/bucket", False),
    ],
)
def test_rules_may_write_references_only_where_terraform_evaluates_and_no_one_reads_prose(
    path: str, allowed: bool
):
    block, value = _value(path)
    assert allows_new_references(block, value) is allowed
