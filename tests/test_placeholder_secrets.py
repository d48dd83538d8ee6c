"""TF015 placeholder-secrets: generated passwords instead of placeholders and literals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from corpus import GENERATED, REAL, needs_shared, read
from oracle import needs_oracle
from rulekit import (
    assert_parse_and_fmt_clean,
    copy_fixture,
    copy_task,
    fix_and_write,
    fix_twice,
    module_with,
    newly_unparsable,
    write,
)

from terrafix.data.advice import DATABASE_PASSWORDS, is_placeholder
from terrafix.engine.config import Config
from terrafix.engine.pipeline import run
from terrafix.engine.rules import find_rule
from terrafix.model import Module
from terrafix.output.diff import unified_diff
from terrafix.syntax.values import expression_to_python

FIXTURES = Path(__file__).parent / "fixtures" / "advice"
CASES = ["secrets_seed001", "secrets_databases"]
UNSAFE = Config(select=["TF015"], unsafe_fixes=True)
# Files without these words hold nothing TF015 reports (the corpus checks parse only the rest).
TRIGGER = re.compile(r"password|secret_string|SecureString")
LITERAL = re.compile(r'^\s*(password|master_password|admin_user_password)\s*=\s*"', re.MULTILINE)


def _copy(tmp_path: Path, name: str) -> Path:
    return copy_fixture(FIXTURES, tmp_path, name)


@pytest.mark.parametrize("case", CASES)
def test_fixture(case: str, tmp_path: Path, monkeypatch, snapshot):
    monkeypatch.chdir(tmp_path)
    first = fix_twice(_copy(tmp_path, case), UNSAFE)
    diffs = "".join(unified_diff(f) for f in first.changed_files)
    messages = "".join(f"{f.rule}: {f.message}\n" for f in first.fixed)
    assert f"{diffs}\n# fixed\n{messages}" == snapshot


@needs_oracle
def test_fixed_fixtures_parse_and_stay_fmt_clean(tmp_path: Path):
    changed = []
    for case in CASES:
        result = fix_and_write(_copy(tmp_path, case), UNSAFE)
        changed.extend(f.path for f in result.changed_files)
    assert len(changed) >= 3
    assert_parse_and_fmt_clean(changed)


def test_fixes_are_unsafe_and_explained(tmp_path: Path):
    module = _copy(tmp_path, "secrets_seed001")
    result = run([module], Config(select=["TF015"]), fix=True)
    assert result.changed_files == []
    assert {f.fix.applicability for f in result.findings} == {"unsafe"}
    rule = find_rule("placeholder-secrets")
    for heading in ("## What it does", "## Why", "## Example", "## Fix safety"):
        assert heading in rule.explanation
    assert "--unsafe-fixes" in rule.explanation


def test_values_set_outside_terraform_and_non_credentials_stay(tmp_path: Path):
    module = _copy(tmp_path, "secrets_seed001")
    write(run([module], UNSAFE, fix=True))
    text = (module / "ssm.tf").read_text()
    assert 'value = "set-out-of-band"' in text  # lifecycle ignore_changes = [value]
    assert 'value = "REPLACE_WITH_API_URL"' in text  # type String: not a secret
    assert 'endpoint    = "REPLACE_WITH_ENDPOINT"' in text  # not a credential's key


def test_password_the_module_reads_is_generated_not_managed(tmp_path: Path):
    module = module_with(
        tmp_path,
        'resource "aws_db_instance" "db" {\n'
        '  username = "admin"\n'
        '  password = "hunter2"\n'
        "}\n\n"
        'output "url" {\n'
        '  value = "mysql://admin:${aws_db_instance.db.password}@host"\n'
        "}\n",
    )
    write(run([module], UNSAFE, fix=True))
    text = (module / "main.tf").read_text()
    assert "manage_master_user_password" not in text
    assert "password = random_password.db_password.result" in text
    assert 'resource "random_password" "db_password"' in text


def test_existing_random_password_name_is_not_reused(tmp_path: Path):
    module = module_with(
        tmp_path,
        'resource "random_password" "token" {\n  length = 16\n}\n\n'
        'resource "aws_ssm_parameter" "token" {\n'
        '  type  = "SecureString"\n'
        '  value = "TODO"\n'
        "}\n",
    )
    write(run([module], UNSAFE, fix=True))
    text = (module / "main.tf").read_text()
    assert "value = random_password.token_2.result" in text


def test_variable_default_password_is_reported_not_rewritten(tmp_path: Path):
    module = module_with(
        tmp_path,
        'variable "db_password" {\n  type    = string\n  default = "hunter2"\n}\n\n'
        'resource "aws_db_instance" "db" {\n  password = var.db_password\n}\n\n'
        'variable "token" {\n  default = "k9Xq2-live-token"\n}\n\n'
        'resource "aws_ssm_parameter" "token" {\n'
        '  type  = "SecureString"\n  value = var.token\n}\n',
    )
    result = run([module], UNSAFE, fix=True)
    assert result.changed_files == []
    (finding,) = result.findings
    assert finding.fix is None and "'db_password' has a literal as its default" in finding.message
    assert "hunter2" not in finding.message
    text = (module / "main.tf").read_text()
    assert text[finding.start : finding.end] == 'default = "hunter2"'


def test_secret_named_for_a_user_name_keeps_its_value(tmp_path: Path):
    module = module_with(
        tmp_path,
        'resource "aws_secretsmanager_secret_version" "db_master_username" {\n'
        '  secret_string = "admin"\n'
        "}\n",
    )
    assert run([module], UNSAFE, fix=True).findings == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("REPLACE_WITH_ACTUAL_TOKEN", True),
        ("changeme", True),
        ("ChangeMe123!", True),
        ("password123", True),
        ("CHANGE_ME", True),
        ("TODO", True),
        ("your-api-key-here", True),
        ("<token>", True),
        ("admin", False),
        ("us-east-1", False),
        ("arn:aws:iam::123456789012:role/app", False),
        ("Xk9#mQ2$vL8p", False),
    ],
)
def test_placeholder_table(value: str, expected: bool):
    assert is_placeholder(value) is expected


# ---------------------------------------------------------------- corpora


def _mentioning(root: Path) -> list[Path]:
    return sorted({p.parent for p in root.rglob("*.tf") if TRIGGER.search(read(p))})


@needs_shared
def test_nothing_proposed_on_human_written_modules():
    modules = _mentioning(REAL)
    assert len(modules) >= 10
    result = run(modules, UNSAFE, fix=False)
    assert [(str(f.path), f.message) for f in result.findings] == []


def _literal_database_passwords(root: Path) -> list[str]:
    """Database password arguments that are still string literals, read through the plain-values
    projection (not through the rule's own reading of the tree)."""
    out = []
    for directory in sorted({p.parent for p in root.rglob("*.tf") if LITERAL.search(read(p))}):
        module = Module.from_texts(directory, {p: read(p) for p in directory.glob("*.tf")})
        for (type_, name), symbol in module.resources.items():
            spec = DATABASE_PASSWORDS.get(type_)
            attribute = symbol.node.body.attribute(spec.argument) if spec else None
            value = expression_to_python(attribute.value) if attribute else None
            if isinstance(value, str) and value.startswith('"'):
                out.append(f"{type_}.{name}")
    return out


@needs_shared
@needs_oracle
def test_generated_tasks_lose_their_placeholders(tmp_path: Path):
    tasks = sorted(p.parent.name for p in GENERATED.glob("*/model") if _mentioning(p))
    changed: list[Path] = []
    fixed: set[str] = set()
    reported: set[str] = set()
    problems: dict[str, str] = {}
    for task in tasks:
        work = copy_task(tmp_path, task)
        first = run([work], UNSAFE, fix=True)
        write(first)
        changed.extend(f.path for f in first.changed_files)
        if first.fixed:
            fixed.add(task)
        unfixed = [f.message for f in first.findings if f.fix is not None]
        if unfixed or first.errors:
            problems[task] = "; ".join(unfixed + first.errors)
        elif first.changed_files and run([work], UNSAFE, fix=True).changed_files:
            problems[task] = "second run changed files"
        reported.update(task for f in first.findings if "variable" in f.message)
        literal = _literal_database_passwords(work)
        if literal:
            problems[task] = f"literal database passwords remain: {literal}"
    assert problems == {}
    assert len(fixed) >= 10
    assert len(reported) >= 5  # variables with a placeholder default: reported, not rewritten
    assert newly_unparsable(changed, tmp_path) == set()


def test_counted_database_gets_a_password_per_instance(tmp_path: Path):
    module = module_with(
        tmp_path,
        'resource "aws_docdb_cluster" "shard" {\n'
        "  count           = var.shards\n"
        '  master_password = "changeme"\n'
        "}\n",
    )
    write(run([module], UNSAFE, fix=True))
    text = (module / "main.tf").read_text()
    assert (
        'resource "random_password" "shard_password" {\n'
        "  count            = var.shards\n"
        "  length           = 32\n"
    ) in text
    assert "master_password = random_password.shard_password[count.index].result" in text


@pytest.mark.parametrize(
    ("switch", "expected"),
    [
        ("true", '  username                    = "admin"\n  manage_master_user_password = true\n'),
        ("false", "  password                    = random_password.db_password.result\n"),
    ],
)
def test_existing_manage_switch_is_respected(tmp_path: Path, switch: str, expected: str):
    module = module_with(
        tmp_path,
        'resource "aws_db_instance" "db" {\n'
        '  username                    = "admin"\n'
        f"  manage_master_user_password = {switch}\n"
        '  password                    = "changeme"\n'
        "}\n",
    )
    write(run([module], UNSAFE, fix=True))
    text = (module / "main.tf").read_text()
    assert expected in text
    assert text.count("manage_master_user_password") == 1
