"""TF024 invalid-configuration: the validation every pass is held to, reported as findings."""

from __future__ import annotations

from pathlib import Path

from rulekit import module_with

from terrafix.engine.config import Config
from terrafix.engine.pipeline import run

BROKEN = """\
variable "name" {
  type = string
}

variable "name" {
  type = string
}

resource "aws_s3_bucket" "logs" {
  bucket = local.bucket_name
  bucket = "logs"
  tags   = { Region = var.aws_region }
}
"""


def test_loader_errors_are_reported_once_each_without_a_fix(tmp_path: Path):
    module = module_with(tmp_path, BROKEN)
    result = run([module], Config(select=["TF001", "TF024"]), fix=False)
    reported = sorted((f.rule, f.message.split(":")[0]) for f in result.findings)
    assert reported == [
        ("TF001", "variable 'aws_region' is referenced but not declared"),
        ("TF024", "Attribute redefined"),
        ("TF024", "Duplicate variable declaration"),
        ("TF024", "Reference to undeclared local value"),
    ]
    invalid = [f for f in result.findings if f.rule == "TF024"]
    assert all(f.severity == "error" and f.fix is None for f in invalid)


def test_a_valid_module_has_nothing_to_report(tmp_path: Path):
    module = module_with(tmp_path, 'variable "name" {\n  type = string\n}\n')
    assert run([module], Config(select=["TF024"]), fix=False).findings == []


def test_references_are_not_judged_while_a_file_is_damaged(tmp_path: Path):
    """The local may be declared in the cut-off file: no 'undeclared' error on a guess."""
    module = module_with(tmp_path, 'output "x" {\n  value = local.name\n}\n')
    (module / "locals.tf").write_text('locals {\n  name = "app"\n  tags = {\n')
    result = run([module], Config(select=["TF024"]), fix=False)
    assert result.findings == [] and result.syntax_errors
