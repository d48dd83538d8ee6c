"""The scaling benchmark's grown module: it parses, and each copy's names are its own."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from terrafix.model import Module

BENCH = Path(__file__).resolve().parents[1] / "bench" / "module_copies.py"
MODULE = """\
terraform {
  required_version = ">= 1.5"
}

provider "aws" {
  region = var.region
}

variable "region" {
  default = "us-east-1"
}

locals {
  name = "app-${var.region}"
}

data "aws_caller_identity" "current" {}

resource "aws_s3_bucket" "logs" {
  bucket = "${local.name}-${data.aws_caller_identity.current.account_id}"
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id
  versioning_configuration {
    status = "Enabled"
  }
}

module "network" {
  source = "./network"
  name   = local.name
}

output "bucket" {
  value = aws_s3_bucket.logs.bucket
}

output "subnet" {
  value = aws_subnet.undeclared.id
}
"""


def _grown(tmp_path: Path, copies: int) -> Module:
    spec = importlib.util.spec_from_file_location("module_copies", BENCH)
    module_copies = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module_copies)
    source = tmp_path / "source"
    source.mkdir()
    (source / "main.tf").write_text(MODULE, encoding="utf-8")
    target = tmp_path / "grown"
    module_copies.write_copies(source, copies, target)
    texts = {p: p.read_text(encoding="utf-8") for p in sorted(target.iterdir())}
    return Module.from_texts(target, texts)


def _declaration(module: Module, parts: tuple[str, ...]):
    root = parts[0]
    if root == "var":
        return module.variables.get(parts[1])
    if root == "local":
        return module.locals.get(parts[1])
    if root == "module":
        return module.module_calls.get(parts[1])
    if root == "data":
        return module.data_sources.get(parts[1:3])
    return module.resources.get(parts[:2])


def test_each_copy_declares_its_own_suffixed_names_and_one_configuration(tmp_path):
    module = _grown(tmp_path, 3)

    assert sorted(p.name for p in module.files) == ["main.tf", "main_c2.tf", "main_c3.tf"]
    assert not module.damage
    assert set(module.variables) == {"region", "region_c2", "region_c3"}
    assert set(module.locals) == {"name", "name_c2", "name_c3"}
    assert set(module.module_calls) == {"network", "network_c2", "network_c3"}
    assert set(module.outputs) == {
        f"{o}{s}" for o in ("bucket", "subnet") for s in ("", "_c2", "_c3")
    }
    assert ("aws_s3_bucket", "logs_c3") in module.resources
    assert ("aws_caller_identity", "current_c2") in module.data_sources
    assert list(module.providers) == [("aws", None)]
    assert len(module.terraform_blocks) == 1


def test_a_copy_references_its_own_declarations_and_keeps_the_undeclared_one(tmp_path):
    module = _grown(tmp_path, 2)
    original = [r for r in module.references if r.path.name == "main.tf"]
    copy = [r for r in module.references if r.path.name == "main_c2.tf"]

    kept = [r for r in original if r.block.block_type not in ("provider", "terraform")]
    assert len(copy) == len(kept) > 0
    for reference in copy:
        parts = reference.traversal.parts
        found = _declaration(module, parts)
        if parts[:2] == ("aws_subnet", "undeclared"):
            assert found is None
        else:
            assert found is not None and found.path.name == "main_c2.tf", parts
