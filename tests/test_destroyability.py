"""TF005–TF009: stacks that `terraform destroy` can remove (snapshots, protection, force flags)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from corpus import needs_shared
from oracle import needs_oracle
from rulekit import (
    assert_parse_and_fmt_clean,
    assert_task_files_parse_and_clean_stay_clean,
    copy_fixture,
    copy_task,
    fix_and_write,
    fix_twice,
    flagged_tasks,
    module_with,
    read_module,
    report,
    write,
)

from terrafix.data.destroyability import ALL_TABLES
from terrafix.engine.config import Config
from terrafix.engine.pipeline import run
from terrafix.engine.rules import find_rule
from terrafix.model import Module
from terrafix.output.diff import unified_diff
from terrafix.syntax.values import body_to_python, expression_to_python

FIXTURES = Path(__file__).parent / "fixtures" / "destroyability"
RULES = ["TF005", "TF006", "TF007", "TF008", "TF009"]
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


def _copy(tmp_path: Path, name: str, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return copy_fixture(FIXTURES, tmp_path, name)


@pytest.mark.parametrize("case", CASES)
def test_fixture(case: str, tmp_path: Path, monkeypatch, snapshot):
    first = fix_twice(_copy(tmp_path, case, monkeypatch), Config(profile="ephemeral", select=RULES))
    assert report(first) == snapshot


@needs_oracle
def test_fixed_fixtures_parse_and_stay_fmt_clean(tmp_path: Path, monkeypatch):
    changed = []
    for case in CASES:
        result = fix_and_write(
            _copy(tmp_path, case, monkeypatch), Config(profile="ephemeral", select=RULES)
        )
        changed.extend(f.path for f in result.changed_files)
    assert len(changed) >= len(CASES)
    assert_parse_and_fmt_clean(changed)


@pytest.mark.parametrize("case", CASES)
def test_production_profile_proposes_nothing(case: str, tmp_path: Path, monkeypatch):
    module = _copy(tmp_path, case, monkeypatch)
    result = run([module], Config(select=RULES, profile="production"), fix=True)
    assert result.findings == [] and result.changed_files == []


def test_each_rule_alone_fixes_only_its_argument(tmp_path: Path, monkeypatch):
    module = _copy(tmp_path, "seed002_cicd", monkeypatch)
    result = run([module], Config(profile="ephemeral", select=["TF007"]), fix=True)
    (file,) = result.changed_files
    changed = [
        line
        for line in unified_diff(file).splitlines()
        if line[:1] in "+-" and not line.startswith(("---", "+++"))
    ]
    assert changed == [
        '-  name = "payments-aurora-credentials"',
        '+  name                    = "payments-aurora-credentials"',
        "+  recovery_window_in_days = 0",
    ]


def test_shared_lifecycle_keeps_other_entries(tmp_path: Path, monkeypatch):
    module = _copy(tmp_path, "values", monkeypatch)
    write(run([module], Config(profile="ephemeral", select=["TF005"]), fix=True))
    text = (module / "main.tf").read_text()
    assert 'final_snapshot_identifier = "commented' not in text
    assert "Snapshot name must be unique" not in text and "# unique" not in text
    assert "    ignore_changes = [\n      password,\n      tags,\n    ]" in text
    assert "create_before_destroy = true" in text
    # a conditional keeps its snapshot name: it is reported, not rewritten
    assert 'var.environment == "prod" ? "conditional-final" : null' in text


def test_variable_used_for_opposite_guards_is_reported(tmp_path: Path, monkeypatch):
    module = module_with(
        tmp_path,
        'resource "aws_db_instance" "db" {\n'
        "  skip_final_snapshot = var.flag\n"
        "  deletion_protection = var.flag\n"
        "}\n\n"
        'variable "flag" {\n  default = false\n}\n',
    )
    result = run([module], Config(profile="ephemeral", select=RULES), fix=True)
    assert result.changed_files == []
    (finding,) = result.findings
    assert finding.rule == "TF005" and finding.fix is None
    assert "also sets deletion_protection on aws_db_instance.db" in finding.message


def test_variable_used_elsewhere_is_reported(tmp_path: Path, monkeypatch):
    module = module_with(
        tmp_path,
        'resource "aws_lb" "app" {\n'
        "  enable_deletion_protection = var.production\n"
        "}\n\n"
        'resource "aws_wafv2_web_acl_association" "app" {\n'
        "  count = var.production ? 1 : 0\n"
        "}\n\n"
        'variable "production" {\n  default = true\n}\n',
    )
    result = run([module], Config(profile="ephemeral", select=RULES), fix=True)
    assert result.changed_files == []
    (finding,) = result.findings
    assert finding.fix is None
    assert "is also used in resource aws_wafv2_web_acl_association.app" in finding.message


def test_explanations_name_the_profiles():
    for code in RULES:
        rule = find_rule(code)
        assert rule is not None
        text = rule.explanation
        for heading in ("## What it does", "## Why", "## Example", "## Fix safety", "## Profiles"):
            assert heading in text, (code, heading)
        assert "--profile ephemeral" in text


@pytest.mark.parametrize("profile", ["default", "production"])
def test_rules_stay_quiet_unless_the_stack_is_ephemeral(profile: str, tmp_path: Path, monkeypatch):
    """A protected database is not a defect in a stack that is meant to last."""
    module = _copy(tmp_path, "seed000_aurora", monkeypatch)
    result = run([module], Config(select=RULES, profile=profile), fix=True)
    assert result.findings == [] and result.changed_files == []


# ---------------------------------------------------------------- generated corpus


VARIABLE = re.compile(r"\$\{var\.([A-Za-z_][\w-]*)\}\Z")


def _blocking(module: Module, reported: set[str]) -> list[str]:
    """Guarded resources whose values (read through the plain-values projection) still block
    destroy: a literal other than the destroyable one, a variable whose default is, or an
    expression nobody reported."""
    defaults = {
        name: body_to_python(symbol.node.body).get("default", None)
        for name, symbol in module.variables.items()
    }
    out = []
    for (type_, name), symbol in module.resources.items():
        for table in ALL_TABLES:
            guard = table.get(type_)
            if guard is None:
                continue
            attribute = symbol.node.body.attribute(guard.argument)
            if attribute is None:
                if not guard.default_destroyable:
                    out.append(f"{type_}.{name}.{guard.argument}")
                continue
            value = expression_to_python(attribute.value)
            variable = VARIABLE.match(value) if isinstance(value, str) else None
            if variable:
                value = defaults.get(variable.group(1))
                if f"{type_}.{name}" in reported:
                    continue  # the variable has other uses: reported
            if isinstance(value, str) and value.startswith("${"):
                if f"{type_}.{name}" not in reported:
                    out.append(f"{type_}.{name}.{guard.argument}: expression not reported")
                continue
            if value != guard.destroyable:
                out.append(f"{type_}.{name}.{guard.argument} = {value!r}")
    return out


@needs_shared
@needs_oracle
def test_flagged_generated_tasks_become_destroyable(tmp_path: Path):
    tasks = flagged_tasks("model_destroyability")
    assert len(tasks) >= 10
    problems: dict[str, object] = {}
    changed: list[Path] = []
    for task in tasks:
        work = copy_task(tmp_path, task)
        first = run([work], Config(profile="ephemeral", select=RULES), fix=True)
        write(first)
        changed.extend(f.path for f in first.changed_files)
        second = run([work], Config(profile="ephemeral", select=RULES), fix=True)
        if second.changed_files:
            problems[task] = "second run changed files"
        reported = {f.key.rsplit(":", 1)[-1] for f in second.findings}
        broken = {d for d in first.errors if "does not parse" in d}
        for directory in sorted({p.parent for p in work.rglob("*.tf")}):
            if any(str(directory) in b for b in broken):
                continue
            module = read_module(directory)
            blocking = _blocking(module, reported)
            if blocking:
                problems[f"{task}/{directory.relative_to(work)}"] = blocking
    assert problems == {}
    assert changed
    assert_task_files_parse_and_clean_stay_clean(changed, tmp_path)


def test_ignore_changes_entry_goes_wherever_it_sits(tmp_path: Path):
    module = module_with(
        tmp_path,
        'resource "aws_db_instance" "first" {\n'
        '  final_snapshot_identifier = "first-final"\n\n'
        "  lifecycle {\n"
        '    ignore_changes = [final_snapshot_identifier, "password"]\n'
        "  }\n"
        "}\n\n"
        'resource "aws_neptune_cluster" "one_line" {\n'
        '  final_snapshot_identifier = "one-line-final"\n'
        "  lifecycle { ignore_changes = [final_snapshot_identifier] }\n"
        "}\n",
    )
    write(run([module], Config(profile="ephemeral", select=["TF005"]), fix=True))
    assert (module / "main.tf").read_text() == (
        'resource "aws_db_instance" "first" {\n'
        "  skip_final_snapshot = true\n\n"
        "  lifecycle {\n"
        '    ignore_changes = ["password"]\n'
        "  }\n"
        "}\n\n"
        'resource "aws_neptune_cluster" "one_line" {\n'
        "  skip_final_snapshot = true\n"
        "}\n"
    )


def test_auto_loaded_tfvars_win_over_the_default(tmp_path: Path):
    module = module_with(
        tmp_path,
        'resource "aws_lb" "app" {\n  enable_deletion_protection = var.protect\n}\n\n'
        'resource "aws_s3_bucket" "logs" {\n  force_destroy = var.force\n}\n\n'
        'variable "protect" {\n  default = false\n}\n\n'
        'variable "force" {\n  default = false\n}\n',
    )
    (module / "terraform.tfvars").write_text("protect = false\nforce = false\n")
    (module / "ci.auto.tfvars").write_text("protect = true\nforce = true\n")
    result = run([module], Config(profile="ephemeral", select=RULES), fix=True)
    assert result.changed_files == []
    (finding,) = result.findings
    assert finding.rule == "TF006" and finding.fix.applicability == "unsafe"
    assert "which ci.auto.tfvars sets to true" in finding.message
    assert [p.name for p in finding.fix.changes] == ["ci.auto.tfvars"]


CHILD_DB = """\
variable "deletion_protection" {
  type    = bool
  default = false
}

resource "aws_db_instance" "main" {
  identifier          = "app"
  skip_final_snapshot = true
  deletion_protection = var.deletion_protection
}
"""


def test_a_guard_passed_to_a_child_module_is_fixed_where_it_is_passed(tmp_path: Path):
    """The child leaves the value to its callers; the caller's argument is where it is chosen."""
    root = tmp_path / "stack"
    (root / "modules" / "db").mkdir(parents=True)
    (root / "modules" / "db" / "main.tf").write_text(CHILD_DB)
    (root / "main.tf").write_text(
        'module "db" {\n  source              = "./modules/db"\n  deletion_protection = true\n}\n'
    )
    config = Config(profile="ephemeral", select=RULES)
    (finding,) = run([root], config, fix=False).findings
    assert finding.rule == "TF006" and finding.path.name == "main.tf"
    assert finding.message.startswith("module.db passes deletion_protection = true")
    first = fix_and_write(root, config)
    assert [f.path.name for f in first.changed_files] == ["main.tf"]
    assert "deletion_protection = false" in (root / "main.tf").read_text()
    assert run([root], config, fix=True).changed_files == []
    assert run([root], Config(select=RULES), fix=False).findings == []  # default: quiet


def test_an_address_declared_twice_is_fixed_in_both_copies(tmp_path: Path):
    module = tmp_path / "m"
    module.mkdir()
    bucket = 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n'
    (module / "main.tf").write_text(bucket)
    (module / "logs.tf").write_text(bucket)
    result = fix_and_write(module, Config(profile="ephemeral", select=["TF008"]))
    assert result.errors == [] and len(result.fixed) == 2
    for name in ("main.tf", "logs.tf"):
        assert "force_destroy = true" in (module / name).read_text()
