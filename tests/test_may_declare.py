"""``Module.may_declare`` answers for every kind of declaration, in intact and damaged text."""

from __future__ import annotations

from pathlib import Path

import pytest

from terrafix.model import Module

INTACT = """\
variable "region" {}
output "arn" { value = 1 }
module "net" { source = "./net" }
locals { suffix = "x" }
resource "aws_s3_bucket" "logs" {}
data "aws_caller_identity" "me" {}
"""
DAMAGED = 'variable "broken" {\n  type = string\n  default = [\n'


@pytest.fixture(scope="module")
def module() -> Module:
    return Module.from_texts(Path("m"), {Path("m/main.tf"): INTACT, Path("m/cut.tf"): DAMAGED})


@pytest.mark.parametrize(
    "kind, labels",
    [
        ("variable", ("region",)),
        ("output", ("arn",)),
        ("module", ("net",)),
        ("local", ("suffix",)),
        ("resource", ("aws_s3_bucket", "logs")),
        ("data", ("aws_caller_identity", "me")),
        ("variable", ("broken",)),  # in damaged text
    ],
)
def test_what_is_declared_may_be(module: Module, kind: str, labels: tuple[str, ...]):
    assert module.may_declare(kind, *labels)


@pytest.mark.parametrize(
    "kind, labels",
    [
        ("variable", ("arn",)),
        ("output", ("region",)),
        ("module", ("suffix",)),
        ("local", ("net",)),
        ("resource", ("aws_caller_identity", "me")),
        ("data", ("aws_s3_bucket", "logs")),
        ("provider", ("aws",)),
    ],
)
def test_what_is_declared_as_another_kind_is_not(module: Module, kind: str, labels):
    assert not module.may_declare(kind, *labels)
