"""TF014 provider-in-main: provider and terraform blocks leave main.tf for the provider file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from corpus import GENERATED, needs_shared
from oracle import needs_oracle, not_fmt_clean
from rulekit import (
    assert_parse_and_fmt_clean,
    copy_fixture,
    copy_task,
    fix_and_write,
    fix_twice,
    flagged_tasks,
    newly_unparsable,
    report,
    write,
)

from terrafix.engine.config import Config
from terrafix.engine.pipeline import run
from terrafix.engine.rules import select_rules

FIXTURES = Path(__file__).parent / "fixtures" / "provider_in_main"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())
SELECT = Config(select=["TF014"])


def _copy(tmp_path: Path, name: str, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return copy_fixture(FIXTURES, tmp_path, name)


@pytest.mark.parametrize("case", CASES)
def test_fixture(case: str, tmp_path: Path, monkeypatch, snapshot):
    assert report(fix_twice(_copy(tmp_path, case, monkeypatch), SELECT)) == snapshot


@needs_oracle
def test_fixed_fixtures_parse_and_stay_fmt_clean(tmp_path: Path, monkeypatch):
    changed = []
    for case in CASES:
        result = fix_and_write(_copy(tmp_path, case, monkeypatch), SELECT)
        changed.extend(f.path for f in result.changed_files)
    assert len(changed) >= len(CASES)
    assert_parse_and_fmt_clean(changed)


def test_runs_only_when_named():
    assert "TF014" not in {r.code for r in select_rules(None, None)}
    assert "TF014" not in {r.code for r in select_rules(["TF0"], None)}
    assert "TF014" in {r.code for r in select_rules(["provider-in-main"], None)}
    assert "TF014" not in {r.code for r in select_rules(["TF014"], ["TF014"])}


def test_duplicate_provider_is_reported_not_merged(tmp_path: Path, monkeypatch):
    module = _copy(tmp_path, "existing_provider_file", monkeypatch)
    before = (module / "provider.tf").read_text()
    result = run([module], SELECT, fix=True)
    write(result)
    provider_tf = (module / "provider.tf").read_text()
    assert provider_tf.startswith(before)
    assert 'alias  = "us_east_1"' in provider_tf
    main_tf = (module / "main.tf").read_text()
    assert 'provider "aws" {\n  region = var.aws_region\n}' in main_tf
    assert 'backend "s3" {}' in main_tf
    assert sorted((f.severity, " ".join(f.message.split()[:3])) for f in result.findings) == [
        ("error", 'provider "aws" is'),
        ("warning", "terraform settings are"),
    ]


def test_crlf_and_missing_final_newline(tmp_path: Path):
    module = tmp_path / "m"
    module.mkdir()
    (module / "main.tf").write_bytes(
        b'resource "null_resource" "a" {}\r\n\r\n# The default provider.\r\n'
        b'provider "aws" {\r\n  region = "eu-west-1"\r\n}'
    )
    result = run([module], SELECT, fix=True)
    write(result)
    assert (module / "main.tf").read_bytes() == b'resource "null_resource" "a" {}\r\n'
    assert (module / "provider.tf").read_bytes() == (
        b'# The default provider.\r\nprovider "aws" {\r\n  region = "eu-west-1"\r\n}\r\n'
    )


def test_main_files_option(tmp_path: Path):
    module = tmp_path / "m"
    module.mkdir()
    (module / "tap_stack.tf").write_text('provider "aws" {}\n\nresource "null_resource" "a" {}\n')
    assert run([module], SELECT, fix=True).findings == []
    config = Config(select=["TF014"], rules={"provider-in-main": {"main-files": ["tap_stack.tf"]}})
    result = run([module], config, fix=True)
    assert [f.path.name for f in result.changed_files] == ["provider.tf", "tap_stack.tf"]


# ---------------------------------------------------------------- generated corpus

CORPUS_CONFIG = Config(
    select=["TF014"], rules={"provider-in-main": {"main-files": ["main.tf", "tap_stack.tf"]}}
)


def _flagged() -> list[str]:
    return flagged_tasks("model_provider_in_main")


@needs_shared
@needs_oracle
def test_flagged_generated_tasks_are_fixed(tmp_path: Path):
    tasks = _flagged()
    assert len(tasks) >= 20
    not_fixed, not_idempotent, changed = [], [], {}
    for task in tasks:
        work = copy_task(tmp_path, task)
        first = run([work], CORPUS_CONFIG, fix=True)
        write(first)
        for file in first.changed_files:
            source = GENERATED / task / "model" / file.path.relative_to(work)
            changed[file.path] = source if source.exists() else None
        second = run([work], CORPUS_CONFIG, fix=True)
        if second.changed_files:
            not_idempotent.append(task)
        if second.findings:
            not_fixed.append(task)
    assert not_idempotent == []
    assert len(not_fixed) <= len(tasks) * 0.05, not_fixed
    assert newly_unparsable(list(changed), tmp_path) == set()
    # moved code keeps its own layout: only check files whose sources were fmt-clean
    sources = {p: s for p, s in changed.items() if s is not None}
    unformatted_sources = {Path(p) for p in not_fmt_clean(list(sources.values()))}
    from_clean = [
        p
        for p in changed
        if p.name in ("main.tf", "tap_stack.tf") and sources.get(p) not in unformatted_sources
    ]
    new_from_clean = [
        p.parent / "provider.tf" for p in from_clean if (p.parent / "provider.tf") in changed
    ]
    assert not_fmt_clean(from_clean + new_from_clean) == set()


@needs_shared
def test_beside_the_prompts_provider_file_duplicates_are_reported(tmp_path: Path):
    """The tasks' prompts promise a provider.tf (the one in ideal/): with it beside the model,
    a second default aws provider is reported and provider.tf keeps its own configuration."""
    reported = 0
    for task in _flagged():
        given = GENERATED / task / "ideal" / "provider.tf"
        work = copy_task(tmp_path, task)
        if not given.exists() or (work / "provider.tf").exists():
            continue
        shutil.copy(given, work / "provider.tf")
        result = run([work], CORPUS_CONFIG, fix=True)
        write(result)
        assert (work / "provider.tf").read_text().startswith(given.read_text())
        reported += sum(1 for f in result.findings if "configured both in" in f.message)
    assert reported >= 10
