"""TF013 sqs-encryption on fixtures rebuilt from the seed, and on the generated corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus import GENERATED, needs_shared
from oracle import needs_oracle, unparsable
from rulekit import assert_parse_and_fmt_clean, copy_task, fix_and_write, fixture_copier
from terrafix.transforms.sqs_encryption import SqsEncryption

from terrafix.engine.config import Config
from terrafix.engine.pipeline import run
from terrafix.engine.rules import select_rules
from terrafix.output.diff import unified_diff

FIXTURES = Path(__file__).parent / "fixtures" / "sqs_encryption"
TF013 = Config(select=["TF013"])


@pytest.fixture
def copy(tmp_path: Path, monkeypatch):
    return fixture_copier(FIXTURES, tmp_path, monkeypatch)


def fix(path: Path, config: Config = TF013):
    return fix_and_write(path, config)


def test_seed_queues_get_managed_encryption(copy, snapshot):
    path = copy("seed001")
    found = run([path], TF013, fix=False).findings
    assert [f.message for f in found] == [
        f"aws_sqs_queue.{name} is not encrypted at rest (no kms_master_key_id); "
        "set sqs_managed_sse_enabled = true"
        for name in ("event_queue", "event_dlq", "fifo")
    ]
    first = fix(path)
    assert first.findings == [] and first.errors == []
    assert run([path], TF013, fix=True).changed_files == []
    assert "".join(unified_diff(f) for f in first.changed_files) == snapshot


def test_explicit_off_is_an_unsafe_fix(copy):
    path = copy("explicit_off")
    safe = fix(path)
    assert [f.message for f in safe.findings] == [
        "aws_sqs_queue.plain turns encryption off at rest (no kms_master_key_id); "
        "set sqs_managed_sse_enabled = true"
    ]
    assert safe.changed_files == []
    fix(path, Config(select=["TF013"], unsafe_fixes=True))
    assert "sqs_managed_sse_enabled = true\n" in (path / "main.tf").read_text()


def test_kms_or_any_sse_setting_is_left_alone(copy):
    assert run([copy("clean")], TF013, fix=False).findings == []


def test_runs_only_when_selected_by_name():
    assert SqsEncryption not in select_rules(None, [])
    assert SqsEncryption not in select_rules(["TF01"], [])
    assert SqsEncryption in select_rules(["sqs-encryption"], [])


@needs_oracle
def test_fixed_fixtures_parse_and_stay_fmt_clean(copy):
    written = [f.path for f in fix(copy("seed001")).changed_files]
    written += [
        f.path
        for f in fix(copy("explicit_off"), Config(["TF013"], unsafe_fixes=True)).changed_files
    ]
    assert len(written) == 2
    assert_parse_and_fmt_clean(written)


@needs_shared
@needs_oracle
def test_generated_queues_are_encrypted(tmp_path: Path):
    """No task is flagged for this defect; every generated queue is checked instead."""
    tasks = sorted(
        p
        for p in GENERATED.iterdir()
        if (p / "model").is_dir()
        and any('"aws_sqs_queue"' in f.read_text() for f in (p / "model").rglob("*.tf"))
    )
    assert len(tasks) > 10
    changed, left, not_idempotent = [], [], []
    for task in tasks:
        work = copy_task(tmp_path, task.name)
        result = fix(work)
        changed += [f.path for f in result.changed_files]
        broken = {f.path.parent for f in result.files.values() if f.error is not None}
        left += [f.message for f in result.findings if f.path.parent not in broken]
        if result.changed_files and run([work], TF013, fix=True).changed_files:
            not_idempotent.append(task.name)
    assert changed
    assert left == [] and not_idempotent == []
    assert unparsable(changed) == set()


def test_setting_joins_the_queue_settings_not_its_meta_arguments(tmp_path: Path):
    (tmp_path / "main.tf").write_text(
        'resource "aws_sqs_queue" "q" {\n  count = var.enabled ? 1 : 0\n\n'
        '  name          = "q"\n  delay_seconds = 0\n\n  tags = var.tags\n}\n'
    )
    fix(tmp_path)
    assert (tmp_path / "main.tf").read_text() == (
        'resource "aws_sqs_queue" "q" {\n  count = var.enabled ? 1 : 0\n\n'
        '  name                    = "q"\n  delay_seconds           = 0\n'
        "  sqs_managed_sse_enabled = true\n\n  tags = var.tags\n}\n"
    )
