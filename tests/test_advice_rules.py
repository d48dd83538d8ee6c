"""TF016–TF021: advice on Lambda concurrency, Performance Insights, image tags, VPC lookups,
empty S3 backends, and nested blocks written as objects (the one of them that fixes code)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from corpus import GENERATED, REAL, needs_shared, read
from oracle import needs_oracle, unparsable
from rulekit import (
    assert_parse_and_fmt_clean,
    copy_fixture,
    copy_task,
    fix_and_write,
    fix_twice,
    module_with,
    write,
)

from terrafix.engine.config import Config
from terrafix.engine.pipeline import run
from terrafix.engine.rules import find_rule
from terrafix.output.diff import unified_diff

FIXTURES = Path(__file__).parent / "fixtures" / "advice"
# fixture directory → the rule it exercises
CASES = {
    "method_settings": "TF021",
    "latest_image": "TF018",
    "empty_backend": "TF020",
    "reserved_concurrency": "TF016",
    "performance_insights": "TF017",
    "vpc_lookup": "TF019",
}
RULES = ["TF016", "TF017", "TF018", "TF019", "TF020", "TF021"]
# Text without these cannot hold a finding of RULES: the corpus checks parse only modules that
# mention one (parsing every module of both corpora takes most of a minute).
TRIGGERS = re.compile(
    r":latest|image_uri|container_definitions|backend\s+\"s3\"|reserved_concurrent_executions|"
    r"performance_insights_enabled|data\s+\"aws_vpc\"|"
    r"\b(settings|environment|vpc_config|tracing_config|dead_letter_config|ephemeral_storage|"
    r"image_config|logging_config|point_in_time_recovery|server_side_encryption|ttl|"
    r"serverlessv2_scaling_configuration)\s*=\s*\{"
)


def _copy(tmp_path: Path, name: str) -> Path:
    return copy_fixture(FIXTURES, tmp_path, name)


def _report(result, root: Path) -> str:
    diffs = "".join(unified_diff(f) for f in result.changed_files).replace(str(root), "")
    remaining = "".join(
        f"{f.path.name}:{f.start}: {f.rule} {f.severity}: {f.message}\n" for f in result.findings
    )
    return f"{diffs}\n# reported after the fix\n{remaining}"


@pytest.mark.parametrize("case", sorted(CASES))
def test_fixture(case: str, tmp_path: Path, monkeypatch, snapshot):
    monkeypatch.chdir(tmp_path)
    first = fix_twice(_copy(tmp_path, case), Config(select=[CASES[case]]))
    assert _report(first, tmp_path) == snapshot


@needs_oracle
def test_fixed_fixtures_parse_and_stay_fmt_clean(tmp_path: Path):
    changed = []
    for case, code in CASES.items():
        result = fix_and_write(_copy(tmp_path, case), Config(select=[code]))
        changed.extend(f.path for f in result.changed_files)
    assert changed
    assert_parse_and_fmt_clean(changed)


def test_explanations_have_every_section():
    for code in RULES:
        rule = find_rule(code)
        assert rule is not None
        for heading in ("## What it does", "## Why", "## Example", "## Fix safety"):
            assert heading in rule.explanation, (code, heading)


# ---------------------------------------------------------------- TF021 method-settings-block


def test_block_keeps_comments_and_drops_commas(tmp_path: Path):
    module = module_with(
        tmp_path,
        'resource "aws_api_gateway_method_settings" "main" {\n'
        "  settings = {\n"
        "    # log everything\n"
        '    logging_level = "INFO", # for now\n'
        "    metrics_enabled = true\n"
        "  }\n"
        "}\n",
    )
    write(run([module], Config(select=["TF021"]), fix=True))
    assert (module / "main.tf").read_text() == (
        'resource "aws_api_gateway_method_settings" "main" {\n'
        "  settings {\n"
        "    # log everything\n"
        '    logging_level   = "INFO" # for now\n'
        "    metrics_enabled = true\n"
        "  }\n"
        "}\n"
    )


def test_crlf_file_stays_crlf(tmp_path: Path):
    module = module_with(
        tmp_path,
        'resource "aws_api_gateway_method_settings" "main" {\r\n'
        '  method_path = "*/*"\r\n'
        "  settings    = { metrics_enabled = true }\r\n"
        "}\r\n",
    )
    write(run([module], Config(select=["TF021"]), fix=True))
    assert (module / "main.tf").read_bytes() == (
        b'resource "aws_api_gateway_method_settings" "main" {\r\n'
        b'  method_path = "*/*"\r\n'
        b"  settings {\r\n"
        b"    metrics_enabled = true\r\n"
        b"  }\r\n"
        b"}\r\n"
    )


def test_object_with_computed_keys_is_only_reported(tmp_path: Path):
    module = module_with(
        tmp_path,
        'resource "aws_api_gateway_method_settings" "main" {\n'
        "  settings = { (var.key) = true }\n"
        "}\n",
    )
    result = run([module], Config(select=["TF021"]), fix=True)
    assert result.changed_files == []
    (finding,) = result.findings
    assert finding.fix is None and "dynamic" in finding.message


# ---------------------------------------------------------------- TF020 empty-s3-backend


def test_empty_backend_runs_only_when_selected_by_name(tmp_path: Path):
    module = _copy(tmp_path, "empty_backend")
    assert run([module], Config(), fix=False).findings == []
    assert run([module], Config(select=["TF02"]), fix=False).findings == []
    assert [f.rule for f in run([module], Config(select=["TF020"]), fix=False).findings] == [
        "TF020"
    ]


def test_backend_config_file_beside_it_is_right(tmp_path: Path):
    module = _copy(tmp_path, "empty_backend")
    (module / "prod.s3.tfbackend").write_text('bucket = "state"\n')
    assert run([module], Config(select=["TF020"]), fix=False).findings == []


# ---------------------------------------------------------------- TF016 lambda-reserved-concurrency

SEED_FUNCTIONS = "".join(
    f'resource "aws_lambda_function" "{name}" {{\n  reserved_concurrent_executions = {n}\n}}\n\n'
    for name, n in (("event_ingestion", 100), ("event_processing", 50), ("event_storage", 75))
)


def test_seed_reservations_fit_the_default_limit(tmp_path: Path):
    module = module_with(tmp_path, SEED_FUNCTIONS)
    assert run([module], Config(select=["TF016"]), fix=False).findings == []


def test_account_limit_is_an_option_and_the_message_shows_the_arithmetic(tmp_path: Path):
    module = module_with(tmp_path, SEED_FUNCTIONS)
    config = Config(select=["TF016"], rules={"lambda-reserved-concurrency": {"account_limit": 300}})
    (finding,) = run([module], config, fix=False).findings
    assert finding.fix is None
    assert "100 + 50 + 75 = 225" in finding.message
    assert "account limit 300 that leaves 75 unreserved" in finding.message
    assert "reserve at most 200 in all" in finding.message
    caps = [int(x) for x in re.findall(r"≤ (\d+)", finding.message)]
    assert caps == [88, 44, 66] and sum(caps) <= 200
    assert (module / "main.tf").read_text()[finding.start : finding.end] == (
        "reserved_concurrent_executions = 100"
    )


# ---------------------------------------------------------------- TF019 wildcard-vpc-lookup


def test_default_vpc_is_reported_only_on_request(tmp_path: Path):
    module = _copy(tmp_path, "vpc_lookup")
    config = Config(select=["TF019"], rules={"TF019": {"report_default_vpc": True}})
    messages = [f.message for f in run([module], config, fix=False).findings]
    assert len(messages) == 3
    assert any(m.startswith("data.aws_vpc.default relies on the default VPC") for m in messages)


# ---------------------------------------------------------------- corpora


def _mentioning(root: Path) -> list[Path]:
    """Module directories under ``root`` with a .tf file that TRIGGERS matches."""
    found = {p.parent for p in root.rglob("*.tf") if TRIGGERS.search(read(p))}
    return sorted(found)


@needs_shared
def test_nothing_reported_on_human_written_modules():
    modules = _mentioning(REAL)
    assert len(modules) >= 20
    result = run(modules, Config(select=RULES), fix=False)
    assert [(f.rule, str(f.path), f.message) for f in result.findings] == []


@needs_shared
@needs_oracle
def test_generated_tasks_parse_and_settle(tmp_path: Path):
    tasks = sorted(p.parent.name for p in GENERATED.glob("*/model") if _mentioning(p))
    assert len(tasks) >= 20
    changed: list[Path] = []
    unsettled = []
    for task in tasks:
        work = copy_task(tmp_path, task)
        first = run([work], Config(select=RULES), fix=True)
        write(first)
        changed.extend(f.path for f in first.changed_files)
        if first.changed_files and run([work], Config(select=RULES), fix=True).changed_files:
            unsettled.append(task)
    assert unsettled == []
    assert unparsable(changed) == set()
