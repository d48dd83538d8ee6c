"""TF002 name-prefix-locals on fixtures rebuilt from the seeds: what it rewrites, that the output
parses and is fmt-clean, that a second run changes nothing, and where it must stay silent."""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from corpus import GENERATED, REAL, needs_shared
from oracle import needs_oracle
from rulekit import (
    assert_parse_and_fmt_clean,
    copy_fixture,
    copy_task,
    fix_and_write,
    flagged_tasks,
    newly_unparsable,
    read_module,
    write,
)
from terrafix.transforms.naming._analysis import Origin, OriginAnalysis, name_sites
from terrafix.transforms.naming._length import LengthEstimate

from terrafix.data.resource_names import LEFT_OUT, NOT_PHYSICAL, PHYSICAL_NAMES
from terrafix.engine.config import Config
from terrafix.engine.pipeline import run
from terrafix.model import Module, discover_modules

FIXTURES = Path(__file__).parent / "fixtures" / "name_prefix"
REWRITTEN = [
    "seed000_alb",
    "seed001_lambda",
    "seed002_environment",
    "seed003_lengths",
    "seed003_suffixed",
    "partial_adoption",
    "counted",
    "multi_file",
    "static_prefix_local",
    "child_modules",
    "uppercase_project",
]
UNTOUCHED = ["has_name_prefix", "takes_inputs", "reusable_with_child"]
SAMPLE_STEP = 6
RESOURCE = re.compile(r'^resource "(aws_[a-z0-9_]+)"', re.M)
RESOURCE_ANYWHERE = re.compile(r'^\s*resource\s+"(aws_[a-z0-9_]+)"', re.M)


def _copy(tmp_path: Path, name: str) -> Path:
    return copy_fixture(FIXTURES, tmp_path, name)


def _fix(path: Path, **config) -> list[Path]:
    result = run(
        [path], Config(**{"profile": "ephemeral", "select": ["TF002"], **config}), fix=True
    )
    assert result.errors == []
    write(result)
    return [f.path for f in result.changed_files]


def _render(module: Path, paths: list[Path]) -> str:
    return "".join(f"# {p.relative_to(module)}\n{p.read_text()}\n" for p in sorted(paths))


@needs_oracle
@pytest.mark.parametrize("name", REWRITTEN)
def test_fix_rewrites_names(tmp_path: Path, name: str, snapshot):
    module = _copy(tmp_path, name)
    changed = _fix(module)
    assert changed
    assert_parse_and_fmt_clean(changed)
    assert _fix(module) == []
    assert run([module], Config(profile="ephemeral", select=["TF002"]), fix=False).findings == []
    assert _render(module, changed) == snapshot


@pytest.mark.parametrize("name", UNTOUCHED)
def test_no_finding(name: str):
    assert (
        run([FIXTURES / name], Config(profile="ephemeral", select=["TF002"]), fix=False).findings
        == []
    )


def test_default_profile_needs_unsafe_fixes(tmp_path: Path):
    """A rename replaces a deployed resource: only throwaway stacks get it by default."""
    module = _copy(tmp_path, "seed001_lambda")
    findings = run([module], Config(select=["TF002"]), fix=False).findings
    assert findings and {f.fix.applicability.value for f in findings} == {"unsafe"}
    assert _fix(module, profile="default") == []
    assert _fix(module, profile="default", unsafe_fixes=True)


def test_production_profile_reports_without_a_fix(tmp_path: Path):
    module = _copy(tmp_path, "seed001_lambda")
    findings = run([module], Config(select=["TF002"], profile="production"), fix=False).findings
    assert findings and all(f.fix is None for f in findings)
    assert _fix(module, profile="production", unsafe_fixes=True) == []


def test_policy_keeps_pointing_at_renamed_bucket(tmp_path: Path):
    module = _copy(tmp_path, "multi_file")
    _fix(module)
    compute = (module / "compute.tf").read_text()
    assert '"arn:aws:s3:::${local.name_prefix}-reports/*"' in compute
    assert 'TABLE_NAME  = "${local.name_prefix}-entries"' in compute
    assert 'bucket = "${local.name_prefix}-reports"' in (module / "storage.tf").read_text()


SCRIPT_MODULE = """\
provider "aws" {
  region = "us-east-1"
}

resource "aws_cloudformation_stack" "athena" {
  name = "kubecost"
}

resource "null_resource" "download" {
  provisioner "local-exec" {
    command = <<EOT
      aws s3 cp s3://reports/kubecost/crawler-cfn.yml crawler-cfn.yml
    EOT
  }
}

resource "aws_instance" "web" {
  user_data = "echo kubecost > /etc/role"
}
"""


def test_scripts_keep_words_that_equal_a_renamed_name(tmp_path: Path):
    (tmp_path / "main.tf").write_text(SCRIPT_MODULE)
    _fix(tmp_path)
    main = (tmp_path / "main.tf").read_text()
    assert 'name = "${local.name_prefix}-kubecost"' in main
    assert "s3://reports/kubecost/crawler-cfn.yml" in main
    assert 'user_data = "echo kubecost > /etc/role"' in main


def test_long_names_use_prefix_argument_or_substr(tmp_path: Path):
    module = _copy(tmp_path, "seed003_lengths")
    findings = run([module], Config(profile="ephemeral", select=["TF002"]), fix=False).findings
    messages = {f.message.split(":")[0]: f.message for f in findings}
    assert "name_prefix = 'tg-'" in messages["aws_lb_target_group.app"]
    assert "substr()" in messages["aws_lambda_function.report"]


def test_suffixed_name_over_the_limit_switches_to_prefix(tmp_path: Path):
    """Seed 003: `tg-${var.environment}-...-${var.environment_suffix}` can pass 32 characters."""
    module = _copy(tmp_path, "seed003_suffixed")
    findings = run([module], Config(profile="ephemeral", select=["TF002"]), fix=False).findings
    assert [f.message.split(":")[0] for f in findings] == ["aws_lb_target_group.app"]
    assert "can exceed its AWS length limit" in findings[0].message
    _fix(module)
    text = (module / "main.tf").read_text()
    assert 'name_prefix = "tg-"' in text
    assert 'name               = "alb-${var.environment}-${var.environment_suffix}"' in text


# ---------------------------------------------------------------- the generated corpus


def _flagged_tasks() -> list[str]:
    return flagged_tasks("model_env_suffix_name_prefix", "model_name_length")


def _sample(tasks: list[str]) -> list[str]:
    """Every task with TERRAFIX_FULL_CORPUS=1, else an evenly spread sample that runs fast."""
    return tasks if os.environ.get("TERRAFIX_FULL_CORPUS") else tasks[::SAMPLE_STEP]


def _copy_task(tmp_path: Path, task: str) -> Path:
    """The task's model, with the provider.tf its prompt says already exists beside it."""
    work = copy_task(tmp_path, task)
    provider = GENERATED / task / "ideal" / "provider.tf"
    if provider.is_file() and not (work / "provider.tf").exists():
        texts = [p.read_text() for p in work.glob("*.tf")]
        if not any('provider "aws"' in t for t in texts):
            shutil.copy(provider, work / "provider.tf")
    return work


def _unfixed_names(work: Path) -> tuple[list[str], bool]:
    """Physical names without a per-deployment part or over their limit; and whether some
    file of the task does not parse (such modules are left alone on purpose)."""
    problems: list[str] = []
    broken = False
    for directory, files in discover_modules([work]).items():
        module = Module.from_texts(directory, {p: p.read_text() for p in files})
        if any(s.error for s in module.files.values()):
            broken = True
            continue
        analysis = OriginAnalysis(module)
        estimate = LengthEstimate(module, 8)
        for site in name_sites(module):
            where = f"{directory.relative_to(work)}:{site.address}"
            if analysis.site_origin(site)[0] is not Origin.SUFFIXED:
                problems.append(f"{where} has no suffix")
            elif estimate.length(site.attribute.value) > site.rules.max_length:
                problems.append(f"{where} can exceed {site.rules.max_length} characters")
    return problems, broken


@needs_shared
@needs_oracle
def test_generated_tasks_get_suffixed_names(tmp_path: Path):
    tasks = _sample(_flagged_tasks())
    assert tasks
    fixed, unfixed, not_idempotent, corrupted = [], {}, [], []
    for task in tasks:
        work = _copy_task(tmp_path, task)
        changed = _fix_task(work)
        if _fix_task(work):
            not_idempotent.append(task)
        if changed and newly_unparsable(changed, tmp_path):
            corrupted.append(task)
        problems, broken = _unfixed_names(work)
        if problems:
            unfixed[task] = problems[:3]
        elif not broken:
            fixed.append(task)
    assert not_idempotent == []
    assert corrupted == []
    parsable = len(fixed) + len(unfixed)
    print(f"TF002: {len(fixed)}/{parsable} parsable flagged tasks fully fixed")
    assert len(fixed) >= 0.7 * parsable, unfixed  # 137/143 on the full set


def _fix_task(work: Path) -> list[Path]:
    return [
        f.path
        for f in fix_and_write(work, Config(profile="ephemeral", select=["TF002"])).changed_files
    ]


@needs_shared
def test_real_modules_that_take_names_from_inputs_are_left_alone():
    """Reusable modules named by their callers (var.name, ...) get no finding at all."""
    result = run([REAL], Config(profile="ephemeral", select=["TF002"]), fix=False)
    flagged = {f.path.parent for f in result.findings}
    for directory in flagged:
        module = read_module(directory)
        analysis = OriginAnalysis(module)
        leads = {analysis.site_origin(s)[1] for s in name_sites(module)}
        assert Origin.INPUT not in leads, directory
    # Root patterns whose fixed names sit beside registry module calls: each name is judged
    # on its own, and a second deployment in one account would collide on these.
    assert all(read_module(d).providers or read_module(d).module_calls for d in flagged)
    assert len(flagged) <= 7  # all of them eks-blueprints patterns


@needs_oracle
def test_random_suffix_option_falls_back_to_random_string(tmp_path: Path, snapshot):
    """Seed 000: an empty environment_suffix falls back to a random_string, which needs the
    random provider."""
    module = _copy(tmp_path, "seed000_alb")
    options = {"rules": {"name-prefix-locals": {"random_suffix": True}}}
    changed = _fix(module, **options)
    assert_parse_and_fmt_clean(changed)
    assert _fix(module, **options) == []
    assert 'source  = "hashicorp/random"' in (module / "versions.tf").read_text()
    assert _render(module, changed) == snapshot


def test_suppressed_name_is_kept(tmp_path: Path):
    module = _copy(tmp_path, "seed002_environment")
    main = module / "main.tf"
    main.write_text(
        main.read_text().replace(
            'resource "aws_sns_topic"',
            '# terrafix:ignore[TF002] shared with other stacks\nresource "aws_sns_topic"',
        )
    )
    _fix(module)
    text = main.read_text()
    assert 'name = "${var.project_name}-${var.environment}-alerts"' in text
    assert 'bucket = "${local.name_prefix}-${var.environment}-artifacts"' in text
    assert run([module], Config(profile="ephemeral", select=["TF002"]), fix=False).findings == []


@needs_shared
def test_table_covers_the_most_used_resource_types():
    """Every one of the 80 AWS resource types the corpora use most is known: it has a physical
    name with its rules, or is listed as having none that needs a suffix."""
    counts: Counter[str] = Counter()
    for root in (REAL, GENERATED):
        for path in root.rglob("*.tf"):
            counts.update(RESOURCE.findall(path.read_text(encoding="utf-8", errors="replace")))
    top = [name for name, _ in counts.most_common(80)]
    assert [t for t in top if t not in PHYSICAL_NAMES and t not in NOT_PHYSICAL] == []
    assert not set(PHYSICAL_NAMES) & set(NOT_PHYSICAL)
    assert PHYSICAL_NAMES["aws_lb_target_group"].max_length == 32
    assert PHYSICAL_NAMES["aws_lb_target_group"].prefix_limit == 6
    assert PHYSICAL_NAMES["aws_s3_bucket"].lowercase


@needs_shared
def test_every_generated_resource_type_is_known_or_left_out_with_a_reason():
    """Every AWS resource type the generated tasks use (model and ideal answers) has its physical
    name in the table, is listed as having none that needs a suffix, or is left out with a
    reason; the ones left out are exactly these."""
    types: set[str] = set()
    for path in GENERATED.rglob("*.tf"):
        if {"model", "ideal"} & set(path.parts):
            types.update(RESOURCE_ANYWHERE.findall(path.read_text(errors="replace")))
    assert types
    known = set(PHYSICAL_NAMES) | set(NOT_PHYSICAL) | set(LEFT_OUT)
    assert sorted(types - known) == []
    assert not set(LEFT_OUT) & (set(PHYSICAL_NAMES) | set(NOT_PHYSICAL))
    assert all(reason for reason in LEFT_OUT.values())
    assert sorted(LEFT_OUT) == [
        "aws_cloudwatch_log_resource_policy",
        "aws_codestarconnections_connection",
        "aws_dax_subnet_group",
        "aws_quicksight_dashboard",
        "aws_quicksight_data_set",
        "aws_quicksight_data_source",
        "aws_quicksight_group",
        "aws_quicksight_vpc_connection",
        "aws_s3_directory_bucket",
    ]
    assert PHYSICAL_NAMES["aws_scheduler_schedule"].max_length == 64
    assert PHYSICAL_NAMES["aws_vpclattice_service"].max_length == 40
    assert PHYSICAL_NAMES["aws_glue_catalog_database"].lowercase


PLUGINS = Path("/opt/tf-plugins")


@pytest.mark.skipif(
    shutil.which("terraform") is None or not (PLUGINS / "registry.terraform.io").is_dir(),
    reason="needs terraform and a local mirror of the AWS provider",
)
def test_table_matches_the_aws_provider_schema(tmp_path: Path):
    """Every named type exists in the AWS provider with its name and prefix arguments, and a
    type listed as not the provider's is indeed not."""
    import json
    import subprocess

    (tmp_path / "main.tf").write_text(
        'terraform {\n  required_providers {\n    aws = {\n      source = "hashicorp/aws"\n'
        "    }\n  }\n}\n"
    )
    env = {**os.environ, "TF_CLI_CONFIG_FILE": "/dev/null", "TF_DATA_DIR": str(tmp_path / ".d")}
    init = ["terraform", "init", "-backend=false", f"-plugin-dir={PLUGINS}", "-input=false"]
    subprocess.run(init, cwd=tmp_path, env=env, check=True, capture_output=True)
    schema = subprocess.run(
        ["terraform", "providers", "schema", "-json"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    ).stdout
    provider = json.loads(schema)["provider_schemas"]["registry.terraform.io/hashicorp/aws"]
    types = provider["resource_schemas"]
    for name, rules in PHYSICAL_NAMES.items():
        attributes = types[name]["block"]["attributes"]
        assert rules.attribute in attributes, name
        assert rules.prefix_attribute is None or rules.prefix_attribute in attributes, name
    for name, reason in NOT_PHYSICAL.items():
        assert (name in types) != reason.startswith("not a resource type"), name
    assert set(LEFT_OUT) <= set(types)


BACKEND_NAMED_TABLE = """terraform {
  backend "s3" {
    bucket         = "prod-state-bucket"
    key            = "state.tfstate"
    region         = "us-east-1"
    dynamodb_table = "prod-state-lock"
  }
}

resource "aws_dynamodb_table" "lock" {
  name         = "prod-state-lock"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "LockID"

  attribute {
    name = "LockID"
    type = "S"
  }
}

output "table" {
  description = "The lock table prod-state-lock"
  value       = "prod-state-lock"
}"""


def test_renamed_names_are_not_followed_where_no_reference_may_go(tmp_path: Path):
    """The backend's lock table and an output's description spell the renamed table's name,
    but a backend takes no reference and a description is prose: both stay as written."""
    module = tmp_path / "m"
    module.mkdir()
    (module / "main.tf").write_text(BACKEND_NAMED_TABLE)
    result = run([module], Config(select=["TF002"], profile="ephemeral"), fix=True)
    assert result.errors == []
    main = next(f.final for f in result.changed_files if f.path.name == "main.tf")
    assert 'dynamodb_table = "prod-state-lock"' in main
    assert 'description = "The lock table prod-state-lock"' in main
    assert 'value       = "${local.name_prefix}-prod-state-lock"' in main


def test_a_reported_fix_builds_the_texts_a_fix_run_writes(tmp_path: Path):
    """A check builds a fix's texts only when they are read, here after the run is over."""
    module = _copy(tmp_path, "seed001_lambda")
    config = Config(profile="ephemeral", select=["TF002"])
    reported = run([module], config, fix=False).findings
    fixed = run([module], config, fix=True)
    assert {id(f.fix) for f in reported} == {id(reported[0].fix)}  # one module-wide fix
    assert dict(reported[0].fix.changes) == {f.path: f.final for f in fixed.changed_files}
    assert reported[0].fix.edits == fixed.fixed[0].fix.edits
