"""A module that another module of the run calls is reusable: its variables are its callers'
inputs, so rules leave their defaults alone (terraform-aws-modules' `force_destroy = false`)."""

from __future__ import annotations

from pathlib import Path

from terrafix.engine.config import Config
from terrafix.engine.pipeline import run
from terrafix.model import Module
from terrafix.model.calls import callers_of, local_sources

CHILD = """\
variable "force_destroy" {
  type    = bool
  default = false
}

resource "aws_s3_bucket" "this" {
  bucket        = "logs"
  force_destroy = var.force_destroy
}
"""

CALLER = """\
module "bucket" {
  source = "../child"
}

module "remote" {
  source = "terraform-aws-modules/s3-bucket/aws"
}
"""


def _layout(root: Path) -> tuple[Path, Path]:
    child, caller = root / "child", root / "examples"
    child.mkdir()
    caller.mkdir()
    (child / "main.tf").write_text(CHILD)
    (caller / "main.tf").write_text(CALLER)
    return child, caller


def test_local_sources_resolve_and_remote_ones_are_ignored(tmp_path):
    child, caller = _layout(tmp_path)
    module = Module.from_texts(caller, {caller / "main.tf": CALLER})
    assert local_sources(module) == [child.resolve()]
    assert callers_of([module]) == {child.resolve(): (caller,)}


def test_called_module_keeps_its_variable_defaults(tmp_path):
    child, _ = _layout(tmp_path)
    together = run([tmp_path], Config(profile="ephemeral", select=["TF008"]), fix=True)
    assert not together.changed_files
    assert not [f for f in together.findings if f.rule == "TF008"]

    alone = run([child], Config(profile="ephemeral", select=["TF008"]), fix=True)
    [changed] = alone.changed_files
    assert "default = true" in changed.final
