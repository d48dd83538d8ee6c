"""TF022: `lifecycle { prevent_destroy = true }` goes, so terraform destroy can run."""

from __future__ import annotations

import re
from pathlib import Path

from corpus import GENERATED, needs_shared
from oracle import needs_oracle
from rulekit import (
    assert_task_files_parse_and_clean_stay_clean,
    copy_fixture,
    copy_task,
    fix_and_write,
    fix_twice,
    parses,
    report,
)

from terrafix.engine.config import Config
from terrafix.engine.pipeline import run

FIXTURES = Path(__file__).parent / "fixtures" / "prevent_destroy"
CONFIG = Config(profile="ephemeral", select=["TF022"])
GUARD = re.compile(r"^\s*prevent_destroy\s*=\s*true\b", re.M)


def test_fixture(tmp_path: Path, monkeypatch, snapshot):
    monkeypatch.chdir(tmp_path)
    module = copy_fixture(FIXTURES, tmp_path, "buckets_and_cluster")
    result = fix_twice(module, CONFIG)
    text = (module / "main.tf").read_text()
    assert not GUARD.search(text)
    assert "ignore_changes = [master_password]" in text  # the rest of a lifecycle stays
    assert "prevent_destroy = false" in text  # nothing to do there
    assert report(result) == snapshot


def test_production_profile_proposes_nothing(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    module = copy_fixture(FIXTURES, tmp_path, "buckets_and_cluster")
    result = run([module], Config(select=["TF022"], profile="production"), fix=True)
    assert result.findings == [] and result.changed_files == []


def _guarded_tasks() -> list[str]:
    if not GENERATED.is_dir():
        return []
    return sorted(
        task.name
        for task in GENERATED.iterdir()
        if any(GUARD.search(f.read_text(encoding="utf-8")) for f in task.glob("model/**/*.tf"))
    )


@needs_shared
@needs_oracle
def test_generated_tasks_lose_every_prevent_destroy(tmp_path: Path):
    tasks = _guarded_tasks()
    assert len(tasks) >= 5
    fixed, changed = 0, []
    for task in tasks:
        work = copy_task(tmp_path, task)
        if not parses(work):
            continue  # modules with a file that does not parse are left alone by design
        result = fix_and_write(work, CONFIG)
        assert result.errors == []
        assert run([work], CONFIG, fix=True).changed_files == []
        assert not any(GUARD.search(f.read_text()) for f in work.glob("**/*.tf")), task
        changed.extend(f.path for f in result.changed_files)
        fixed += 1
    assert fixed >= 5
    assert_task_files_parse_and_clean_stay_clean(changed, tmp_path)
