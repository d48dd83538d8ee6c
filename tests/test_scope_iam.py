"""TF003 scope-iam-arns: seed fixtures as snapshots, the "*" that must stay, and the corpora."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corpus import REAL, needs_shared
from oracle import needs_oracle
from rulekit import (
    assert_parse_and_fmt_clean,
    assert_task_files_parse_and_clean_stay_clean,
    copy_fixture,
    copy_task,
    fix_and_write,
    flagged_tasks,
    state_report,
)
from terrafix.transforms._iam_policies import json_text, statements
from terrafix.transforms.scope_iam_arns import ScopeIamArns

from terrafix.data.iam_resources import action_scope
from terrafix.engine.config import Config
from terrafix.engine.pipeline import run
from terrafix.model import Module, discover_modules
from terrafix.syntax import parse
from terrafix.syntax.values import expression_to_python
from terrafix.writer import parse_expression
from terrafix.writer.tuples import insert_tuple_item

FIXTURES = Path(__file__).parent / "fixtures" / "iam"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith("acct"))


@pytest.fixture(autouse=True)
def only_this_rule(monkeypatch):
    """Run TF003 alone, without importing every other transform of the package."""
    monkeypatch.setattr("terrafix.engine.pipeline.select_rules", lambda *_: [ScopeIamArns])


def _copy(tmp_path: Path, name: str) -> Path:
    return copy_fixture(FIXTURES, tmp_path, name)


def _fix(path: Path, *, unsafe: bool = True, profile: str = "default"):
    return fix_and_write(path, Config(select=["TF003"], unsafe_fixes=unsafe, profile=profile))


@pytest.mark.parametrize("case", CASES)
def test_fixture_snapshot(tmp_path: Path, case: str, snapshot):
    path = _copy(tmp_path, case)
    before = {p: p.read_text() for p in path.rglob("*.tf")}
    result = _fix(path)
    assert result.errors == []
    assert state_report(path, result, before, new_from_dev_null=False) == snapshot
    assert _fix(path).changed_files == []


@needs_oracle
@pytest.mark.parametrize("case", CASES)
def test_fixture_output_parses_and_is_fmt_clean(tmp_path: Path, case: str):
    path = _copy(tmp_path, case)
    changed = [f.path for f in _fix(path).changed_files]
    assert_parse_and_fmt_clean(changed)


def test_seed_secrets_scoped_safely(tmp_path: Path):
    path = _copy(tmp_path, "seed_secrets")
    result = _fix(path, unsafe=False)
    text = (path / "main.tf").read_text()
    assert "aws_secretsmanager_secret.rds_credentials.arn" in text
    assert "aws_secretsmanager_secret.app_secrets.arn" in text
    assert "Resource = [aws_kms_key.rds.arn]" in text
    assert {f.fix.applicability for f in result.fixed} == {"safe"}


def test_production_profile_makes_scoping_unsafe(tmp_path: Path):
    path = _copy(tmp_path, "seed_secrets")
    result = _fix(path, unsafe=False, profile="production")
    assert result.changed_files == []
    assert {f.fix.applicability for f in result.findings if f.fix} == {"unsafe"}


def _wildcard_statements(path: Path) -> dict[tuple[str, str], tuple[str, ...]]:
    out = {}
    for directory, files in discover_modules([path]).items():
        module = Module.from_texts(directory, {p: p.read_text() for p in files})
        for statement in statements(module):
            if statement.wildcard:
                out[(statement.address, statement.sid or str(statement.index))] = statement.actions
    return out


def test_required_wildcards_stay(tmp_path: Path):
    """VPC ENI actions, X-Ray, PutMetricData, KMS key policies, Deny and trust policies."""
    path = _copy(tmp_path, "mixed")
    _fix(path)
    left = _wildcard_statements(path)
    kept_actions = {a for actions in left.values() for a in actions or ()}
    assert {"ec2:CreateNetworkInterface", "xray:PutTraceSegments", "kms:*"} <= kept_actions
    assert "cloudwatch:PutMetricData" in kept_actions
    assert "s3:DeleteBucket" in kept_actions  # the Deny statement
    text = (path / "main.tf").read_text()
    assert 'Resource  = "*"' in text  # the key policy, untouched


def test_vpc_lambda_keeps_wildcard_and_splits(tmp_path: Path):
    path = _copy(tmp_path, "vpc_lambda")
    result = _fix(path, unsafe=False)
    text = (path / "main.tf").read_text()
    assert '"ec2:CreateNetworkInterface"' in text
    assert "${aws_cloudwatch_log_group.canary.arn}:*" in text
    assert result.fixed and all(f.fix.applicability == "safe" for f in result.fixed)


def test_no_fix_when_the_resource_depends_on_the_policy(tmp_path: Path):
    path = _copy(tmp_path, "cycle")
    result = _fix(path)
    assert result.changed_files == []
    assert [f.fix for f in result.findings] == [None]


def test_heredoc_json_is_edited_only_where_certain(tmp_path: Path):
    path = _copy(tmp_path, "heredoc")
    result = _fix(path)
    text = (path / "main.tf").read_text()
    assert '"Resource": ${jsonencode(aws_sqs_queue.jobs[*].arn)}' in text
    assert '"Resource": "${aws_kms_key.jobs.arn}"' in text
    assert '["*", "arn:aws:kms:us-east-1:${var.shared_account}:key/shared"]' in text
    (left,) = result.findings  # kms:Encrypt beside xray: a split, which a heredoc does not get
    assert left.fix is None and "kms:Encrypt" in left.message
    blocks = parse(text).body.blocks("resource")
    worker = next(b for b in blocks if b.label_values == ("aws_iam_policy", "worker"))
    # the heredoc is still a JSON document with its four statements
    assert len(json_text(worker.body.attribute("policy").value)["Statement"]) == 4


def test_action_scope_from_dataset():
    assert action_scope("secretsmanager:GetSecretValue").resource_types == ("secret",)
    assert action_scope("dynamodb:Query").resource_types == ("table", "index")
    assert action_scope("xray:PutTraceSegments").needs_wildcard
    assert action_scope("ec2:CreateNetworkInterface").needs_wildcard
    assert action_scope("kms:*").needs_wildcard  # kms:CreateKey has no resource
    assert not action_scope("nosuchservice:Thing").known
    assert not action_scope("iam:CreateServiceLinkedRole").names_own


@pytest.mark.parametrize(
    ("source", "index", "expected"),
    [
        ("[1, 2]", 1, "[1, 9, 2]"),
        ("[1, 2]", 2, "[1, 2, 9]"),
        ("[1, 2]", 0, "[9, 1, 2]"),
        ("[]", 0, "[9]"),
        ("[\n  1,\n  2\n]", 2, "[\n  1,\n  2,\n  9\n]"),
        ("[\n  1,\n  2,\n]", 1, "[\n  1,\n  9,\n  2,\n]"),
        ("[\n  # a\n  1\n]", 0, "[\n  9,\n  # a\n  1\n]"),
    ],
)
def test_insert_tuple_item(source: str, index: int, expected: str):
    tup = parse(f"x = {source}\n").body.elements[0].value
    assert insert_tuple_item(tup, index, parse_expression("9")).render() == " " + expected


# ---------------------------------------------------------------- corpora


def _modules(path: Path) -> list[Module]:
    return [
        Module.from_texts(directory, {p: p.read_text() for p in files})
        for directory, files in discover_modules([path]).items()
    ]


def _policy_shape_errors(modules: list[Module]) -> list[str]:
    """Statements whose projected values are not a valid IAM statement shape."""
    errors = []
    for module in modules:
        for statement in statements(module):
            if statement.form != "jsonencode":
                continue
            value = expression_to_python(statement.node)
            where = f"{statement.path.name}:{statement.address}#{statement.index}"
            if not isinstance(value, dict):
                errors.append(f"{where}: not an object")
                continue
            for key in ("Resource", "Action"):
                item = value.get(key)
                if item is None:
                    continue
                items = item if isinstance(item, list) else [item]
                if not items or not all(isinstance(i, str) for i in items):
                    errors.append(f"{where}: {key} is {json.dumps(item)}")
    return errors


def _scopable_on_wildcard(modules: list[Module]) -> int:
    count = 0
    for module in modules:
        for s in statements(module):
            if s.wildcard and s.actions and not s.is_resource_policy and s.effect == "Allow":
                count += sum(1 for a in s.actions if not action_scope(a).needs_wildcard)
    return count


@needs_shared
@needs_oracle
def test_generated_tasks_with_iam_wildcards(tmp_path: Path, capsys):
    tasks = flagged_tasks("model_iam_wildcard")
    assert tasks
    before = after = fixed = 0
    changed: list[Path] = []
    for name in tasks:
        work = copy_task(tmp_path, name)
        modules = _modules(work)
        before += _scopable_on_wildcard(modules)
        result = _fix(work)
        assert all("does not parse" in e for e in result.errors), (name, result.errors)
        fixed += sum(1 for f in result.fixed if f.rule == "TF003")
        changed.extend(f.path for f in result.changed_files)
        assert _fix(work).changed_files == [], f"{name}: second run changed files"
        if result.changed_files:
            modules = _modules(work)
        assert _policy_shape_errors(modules) == [], name
        after += _scopable_on_wildcard(modules)
    assert_task_files_parse_and_clean_stay_clean(changed, tmp_path)
    assert fixed > 0 and after < before
    with capsys.disabled():
        print(
            f"\nTF003 on {len(tasks)} generated tasks: {fixed} statements scoped, "
            f'scopable actions on "*" {before} -> {after}'
        )


@needs_shared
def test_real_modules_keep_required_wildcards(tmp_path: Path):
    """Safe fixes on human-written modules change no policy whose "*" is required."""
    result = run(_directories_with(REAL, '"*"'), Config(select=["TF003"]), fix=True)
    assert result.changed_files == []
    assert result.errors == []


def _directories_with(root: Path, text: str) -> list[Path]:
    """Module directories under ``root`` whose files contain ``text`` (the rest cannot match)."""
    return sorted({p.parent for p in root.rglob("*.tf") if text in p.read_text(errors="replace")})


def test_suppression_comment_keeps_a_wildcard(tmp_path: Path):
    path = _copy(tmp_path, "seed_secrets")
    main = path / "main.tf"
    main.write_text(
        main.read_text().replace(
            "# Access to ALL secrets!", "# terrafix:ignore[TF003] reads secrets of other stacks"
        )
    )
    _fix(path)
    text = main.read_text()
    assert 'Resource = ["*"] # terrafix:ignore[TF003]' in text
    assert "Resource = [aws_kms_key.rds.arn]" in text
