"""TF005–TF009 where an automatically loaded variable file sets the guard's variable: the value
is fixed in that file, as an unsafe fix (a person wrote it down), and only in `ephemeral`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from oracle import needs_oracle, not_fmt_clean, unparsable
from rulekit import write
from terraform_oracle import TERRAFORM, needs_terraform

from terrafix.engine.config import Config
from terrafix.engine.findings import Applicability
from terrafix.engine.pipeline import run
from terrafix.output.reports import json_report, text_report

RULES = ["TF005", "TF006", "TF007", "TF008", "TF009"]
EPHEMERAL = Config(profile="ephemeral", select=RULES)
UNSAFE = Config(profile="ephemeral", select=RULES, unsafe_fixes=True)

VARIABLES = """\
variable "region" {
  type = string
}

variable "protect" {
  type    = bool
  default = false
}

variable "skip" {
  type    = bool
  default = true
}

variable "window" {
  type    = number
  default = 0
}

variable "force" {
  type    = bool
  default = true
}

variable "pool_protection" {
  type    = string
  default = "INACTIVE"
}
"""

MAIN = """\
resource "aws_db_instance" "db" {
  identifier          = "db"
  skip_final_snapshot = var.skip
  deletion_protection = var.protect
}

resource "aws_secretsmanager_secret" "db" {
  name                    = "db"
  recovery_window_in_days = var.window
}

resource "aws_s3_bucket" "logs" {
  bucket        = "logs"
  force_destroy = var.force
}

resource "aws_ecr_repository" "app" {
  name         = "app"
  force_delete = var.force
}

resource "aws_cognito_user_pool" "users" {
  name                = "users"
  deletion_protection = var.pool_protection
}
"""

# Formatted as `terraform fmt` writes it: aligned `=` and trailing comments.
TFVARS = """\
region          = "eu-west-1" # where
protect         = true        # keep the database
skip            = "false"
window          = 30
force           = false
pool_protection = "ACTIVE"
"""

FIXED = """\
region          = "eu-west-1" # where
protect         = false       # keep the database
skip            = true
window          = 0
force           = true
pool_protection = "INACTIVE"
"""


def stack(tmp_path: Path, tfvars: str = TFVARS, main: str = MAIN) -> Path:
    module = tmp_path / "stack"
    module.mkdir()
    (module / "variables.tf").write_text(VARIABLES)
    (module / "main.tf").write_text(main)
    (module / "terraform.tfvars").write_text(tfvars)
    return module


def test_values_are_fixed_in_terraform_tfvars_only_with_unsafe_fixes(tmp_path: Path):
    module = stack(tmp_path)
    checked = run([module], EPHEMERAL, fix=True)
    assert checked.changed_files == []
    assert {f.rule for f in checked.findings} == set(RULES)
    assert all(f.fix.applicability is Applicability.UNSAFE for f in checked.findings)
    assert "terraform.tfvars sets to true" in text_report(checked)
    assert "(fixable with --unsafe-fixes)" in text_report(checked)

    fixed = run([module], UNSAFE, fix=True)
    assert [f.path.name for f in fixed.changed_files] == ["terraform.tfvars"]
    write(fixed)
    assert (module / "terraform.tfvars").read_text() == FIXED
    assert (module / "main.tf").read_text() == MAIN
    assert fixed.findings == []
    again = run([module], UNSAFE, fix=True)
    assert again.changed_files == [] and again.findings == []


def test_the_fix_is_in_the_json_report_with_its_edit_of_the_variable_file(tmp_path: Path):
    module = stack(tmp_path, "protect = true\n", MAIN.split("\n\n")[0] + "\n")
    result = run([module], Config(profile="ephemeral", select=["TF006"]), fix=False)
    report = json.loads(json_report(result))
    (finding,) = report["findings"]
    fix = next(f for f in report["fixes"] if f["id"] == finding["fix"]["id"])
    assert finding["fix"]["applicability"] == "unsafe"
    (edit,) = fix["edits"]
    assert edit["path"].endswith("terraform.tfvars") and not edit["new_file"]
    assert "false" in edit["new_text"]
    assert [p.name for p in result.files].count("terraform.tfvars") == 1


@pytest.mark.parametrize("profile", ["default", "production"])
def test_nothing_is_offered_outside_ephemeral(tmp_path: Path, profile: str):
    module = stack(tmp_path)
    result = run([module], Config(profile=profile, select=RULES, unsafe_fixes=True), fix=True)
    assert result.findings == [] and result.changed_files == []


def test_an_unformatted_file_changes_in_that_value_alone(tmp_path: Path):
    module = stack(tmp_path, 'region = "x"\nprotect   =   true   # on\nforce=true\n')
    result = run(
        [module], Config(profile="ephemeral", select=["TF006"], unsafe_fixes=True), fix=True
    )
    (file,) = result.changed_files
    assert file.final == 'region = "x"\nprotect   =   false   # on\nforce=true\n'


def test_the_last_file_that_sets_the_variable_is_the_one_fixed(tmp_path: Path):
    module = stack(tmp_path, "protect = false\n")
    (module / "b.auto.tfvars").write_text("protect = true\n")
    (module / "a.auto.tfvars").write_text("protect = true\n")
    result = run(
        [module], Config(profile="ephemeral", select=["TF006"], unsafe_fixes=True), fix=True
    )
    assert {f.path.name: f.final for f in result.changed_files} == {
        "b.auto.tfvars": "protect = false\n"
    }


def test_a_value_from_a_json_file_is_reported_and_left(tmp_path: Path):
    module = stack(tmp_path, "protect = true\n")
    (module / "ci.auto.tfvars.json").write_text('{"protect": true}\n')
    result = run(
        [module], Config(profile="ephemeral", select=["TF006"], unsafe_fixes=True), fix=True
    )
    assert result.changed_files == []
    (finding,) = result.findings
    assert finding.fix is None and "ci.auto.tfvars.json sets to true" in finding.message


def test_a_variable_used_elsewhere_is_reported_and_left(tmp_path: Path):
    main = MAIN + '\noutput "protected" {\n  value = var.protect\n}\n'
    module = stack(tmp_path, "protect = true\n", main)
    result = run(
        [module], Config(profile="ephemeral", select=["TF006"], unsafe_fixes=True), fix=True
    )
    assert result.changed_files == []
    (finding,) = result.findings
    assert finding.fix is None and finding.severity == "info"
    assert "terraform.tfvars is not changed because var.protect is also used in output" in (
        finding.message
    )


@pytest.mark.parametrize(
    "tfvars",
    ["protect = true\nprotect = true\n", "protect = true\nregion = \n", "protect = null\n"],
    ids=["repeated", "damaged", "null"],
)
def test_a_file_terraform_refuses_or_a_null_is_left(tmp_path: Path, tfvars: str):
    module = stack(tmp_path, tfvars)
    result = run(
        [module], Config(profile="ephemeral", select=["TF006"], unsafe_fixes=True), fix=True
    )
    assert result.changed_files == []
    assert all(f.fix is None for f in result.findings)


def test_an_excluded_file_is_reported_and_left(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    module = stack(tmp_path, "protect = true\n")
    config = Config(
        profile="ephemeral", select=["TF006"], unsafe_fixes=True, exclude=["terraform.tfvars"]
    )
    result = run([module], config, fix=True)
    assert result.changed_files == []
    (finding,) = result.findings
    assert finding.fix is None and "terraform.tfvars sets to true" in finding.message


@needs_oracle
def test_the_fixed_file_parses_and_stays_fmt_clean(tmp_path: Path):
    module = stack(tmp_path)
    assert not_fmt_clean([module / "terraform.tfvars"]) == set()
    write(run([module], UNSAFE, fix=True))
    assert unparsable([module / "terraform.tfvars"]) == set()
    assert not_fmt_clean([module / "terraform.tfvars"]) == set()


@needs_terraform
def test_terraform_reads_the_fixed_values(tmp_path: Path):
    module = stack(tmp_path)
    write(run([module], UNSAFE, fix=True))
    (module / "main.tf").unlink()  # only the variables: `terraform console` needs no provider
    values = subprocess.run(
        [TERRAFORM, "console"],
        input='"${var.protect} ${var.skip} ${var.window} ${var.force} ${var.pool_protection}"\n',
        cwd=module,
        capture_output=True,
        text=True,
        env={"HOME": str(tmp_path), "TF_CLI_CONFIG_FILE": "/dev/null", "CHECKPOINT_DISABLE": "1"},
        timeout=120,
        check=True,
    )
    assert values.stdout.strip() == '"false true 0 true INACTIVE"'


def test_the_editor_offers_the_same_fix_in_the_variable_file(tmp_path: Path):
    from terrafix.lsp.context import ModuleContext

    module = stack(tmp_path)
    (module / ".terrafix.toml").write_text(f'profile = "ephemeral"\nselect = {json.dumps(RULES)}\n')
    context = ModuleContext()
    found = context.findings(context.module(module, {}))
    cli = run([module], EPHEMERAL, fix=False).findings
    assert [(f.rule, f.message) for f in found] == [(f.rule, f.message) for f in cli]
    assert {p.name for f in found for p in f.fix.changes} == {"terraform.tfvars"}
    assert {f.fix.applicability for f in found} == {Applicability.UNSAFE}
