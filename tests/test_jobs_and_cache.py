"""Worker processes and the result cache change how long a run takes, never what it says."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from rulekit import LAMBDA_WITH_LOCAL_ZIP

from terrafix.cli import main
from terrafix.engine.config import Config
from terrafix.engine.pipeline import run
from terrafix.engine.workers import BATCHES_PER_WORKER, MIN_BYTES_FOR_WORKERS, _batches, run_jobs
from terrafix.output import reports

GENERATED = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "generated"


def _tree(tmp_path: Path, min_bytes: int) -> Path:
    """Generated tasks' models, biggest first, until there is enough to start workers."""
    models = sorted(
        (p for p in GENERATED.glob("*/model") if p.is_dir()),
        key=lambda p: (-sum(f.stat().st_size for f in p.rglob("*.tf")), p.name),
    )
    tree, size = tmp_path / "tree", 0
    for model in models:
        shutil.copytree(model, tree / model.parent.name)
        size += sum(f.stat().st_size for f in model.rglob("*.tf"))
        if size >= min_bytes and len(list(tree.iterdir())) >= 4:
            return tree
    pytest.skip("the generated corpus is too small to start workers")


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    return _tree(tmp_path_factory.mktemp("jobs"), MIN_BYTES_FOR_WORKERS * 2)


@pytest.mark.parametrize(
    "command",
    [
        ["check", "--format", "json"],
        ["check"],
        ["fix", "--dry-run", "--profile", "ephemeral", "--unsafe-fixes"],
    ],
    ids=["check-json", "check-text", "fix-dry-run"],
)
def test_jobs_and_cache_give_byte_identical_results(tree: Path, tmp_path: Path, command):
    cache = str(tmp_path / "cache")
    one = _run(*command, "--jobs", "1", "--no-cache", str(tree))
    two = _run(*command, "--jobs", "2", "--no-cache", str(tree))
    cold = _run(*command, "--jobs", "2", "--cache-dir", cache, str(tree))
    warm = _run(*command, "--jobs", "1", "--cache-dir", cache, str(tree))
    assert one[1], "the run reports something to compare"
    assert one == two == cold == warm
    assert list((tmp_path / "cache").rglob("*.json")), "the cold run filled the cache"


def _pid_after_a_while(job) -> int:
    time.sleep(0.05)
    return os.getpid()


def _size(job) -> int:
    time.sleep(0.01 * (job.size % 7))
    return job.size


class _Job:
    def __init__(self, size: int) -> None:
        self.size = size


def test_workers_share_big_runs_and_keep_the_order():
    jobs = [_Job(MIN_BYTES_FOR_WORKERS) for _ in range(6)]
    pids = list(run_jobs(_pid_after_a_while, jobs, 2))
    assert len(pids) == 6
    assert os.getpid() not in pids and len(set(pids)) == 2
    sizes = [MIN_BYTES_FOR_WORKERS * n for n in (1, 3, 2, 5, 4)]
    assert list(run_jobs(_size, [_Job(size) for size in sizes], 2)) == sizes


def test_workers_take_runs_of_neighbouring_jobs_biggest_first():
    sizes = [1, 1, 1, 1, 50, 1, 1, 1, 1, 1] * (BATCHES_PER_WORKER * 2)
    batches = _batches([_Job(size) for size in sizes], 2)
    assert sorted(i for batch in batches for i in batch) == list(range(len(sizes)))
    assert all(batch == list(range(batch[0], batch[-1] + 1)) for batch in batches)
    totals = [sum(sizes[i] for i in batch) for batch in batches]
    assert totals == sorted(totals, reverse=True)
    assert BATCHES_PER_WORKER * 2 <= len(batches) <= BATCHES_PER_WORKER * 2 + 1


def test_small_runs_stay_in_this_process():
    jobs = [_Job(10) for _ in range(3)]
    assert set(run_jobs(_pid_after_a_while, jobs, 2)) == {os.getpid()}


MODULE = """\
variable "environment" {
  type = string
}

resource "aws_s3_bucket" "logs" {
  bucket = "logs-${var.environment}-${var.aws_region}"
}
"""


def _module(tmp_path: Path) -> Path:
    module = tmp_path / "module"
    module.mkdir()
    (module / "main.tf").write_text(MODULE)
    return module


def test_a_changed_file_is_analysed_again(tmp_path: Path):
    module, cache = _module(tmp_path), str(tmp_path / "cache")
    first = _run("check", "--cache-dir", cache, str(module))
    assert "aws_region" in first[1]
    (module / "variables.tf").write_text('variable "aws_region" {\n  type = string\n}\n')
    second = _run("check", "--cache-dir", cache, str(module))
    assert "aws_region" not in second[1]
    assert second == _run("check", "--no-cache", str(module))


def test_the_config_is_part_of_the_key(tmp_path: Path):
    module, cache = _module(tmp_path), str(tmp_path / "cache")
    everything = _run("check", "--cache-dir", cache, str(module))
    assert "TF001" in everything[1]
    only_tf002 = _run("check", "--select", "TF002", "--cache-dir", cache, str(module))
    assert "TF001" not in only_tf002[1]
    assert only_tf002 == _run("check", "--select", "TF002", "--no-cache", str(module))


def test_no_cache_writes_nothing(tmp_path: Path):
    module, cache = _module(tmp_path), tmp_path / "cache"
    _run("check", "--no-cache", "--cache-dir", str(cache), str(module))
    assert not cache.exists()


def test_a_damaged_cache_entry_is_ignored(tmp_path: Path):
    module, cache = _module(tmp_path), tmp_path / "cache"
    expected = _run("check", "--format", "json", "--cache-dir", str(cache), str(module))
    entries = list(cache.rglob("*.json"))
    assert len(entries) == 1
    entries[0].write_text('{"key": "truncated')
    assert _run("check", "--format", "json", "--cache-dir", str(cache), str(module)) == expected
    stored = json.loads(entries[0].read_text())
    stored["result"]["findings"] = []
    stored["key"] = "another module's key"
    entries[0].write_text(json.dumps(stored))
    assert _run("check", "--format", "json", "--cache-dir", str(cache), str(module)) == expected


def test_clean_removes_only_terrafix_entries(tmp_path: Path):
    module, cache = _module(tmp_path), tmp_path / "cache"
    _run("check", "--cache-dir", str(cache), str(module))
    (cache / "notes.txt").write_text("a person's file\n")
    code, out, _ = _run("clean", "--cache-dir", str(cache))
    assert code == 0 and "removed 1 cache entry" in out
    assert [p.name for p in cache.iterdir()] == ["notes.txt"]


def test_cache_dir_setting_is_relative_to_the_config_file(tmp_path: Path):
    module = _module(tmp_path)
    (tmp_path / ".terrafix.toml").write_text('cache-dir = ".terrafix-cache"\n')
    _run("check", str(module))
    assert list((tmp_path / ".terrafix-cache").rglob("*.json"))


def test_a_cached_result_goes_stale_with_what_its_rules_saw_on_disk(tmp_path: Path):
    module, cache = tmp_path / "module", str(tmp_path / "cache")
    module.mkdir()
    (module / "main.tf").write_text(LAMBDA_WITH_LOCAL_ZIP)
    missing = _run("check", "--select", "TF004", "--cache-dir", cache, str(module))
    assert "TF004" in missing[1]
    (module / "shipped.zip").write_bytes(b"PK\x05\x06" + bytes(18))  # the file now exists
    present = _run("check", "--select", "TF004", "--cache-dir", cache, str(module))
    assert "TF004" not in present[1]
    assert present == _run("check", "--select", "TF004", "--no-cache", str(module))


def _die_in_a_worker(job) -> int:
    if job.size == MIN_BYTES_FOR_WORKERS * 2 and os.getpid() != PARENT:
        os._exit(1)  # as a worker killed by the system would
    return job.size


PARENT = os.getpid()


def test_a_worker_that_dies_costs_time_not_results():
    sizes = [MIN_BYTES_FOR_WORKERS * n for n in (1, 2, 3, 4)]
    assert list(run_jobs(_die_in_a_worker, [_Job(size) for size in sizes], 2)) == sizes


def test_a_front_ends_callback_keeps_its_jobs_in_its_process(tree: Path):
    from terrafix.engine.config import Config
    from terrafix.engine.pipeline import run

    config = Config(profile="ephemeral", unsafe_fixes=True)
    assert run([tree], config, fix=True, jobs=2).changed_files, "the tree has fixes to refuse"
    refused = run([tree], config, fix=True, jobs=2, adapt=lambda finding: None)
    assert refused.changed_files == []


def test_a_text_check_leaves_fix_texts_out_and_keeps_what_it_prints(tmp_path: Path):
    module = _module(tmp_path)
    full = run([module], Config(), fix=False)
    lean = run([module], Config(), fix=False, fix_texts=False)
    assert [f.fix.description for f in full.findings if f.fix]
    assert [(f.key, f.fix and (f.fix.description, f.fix.applicability)) for f in lean.findings] == [
        (f.key, f.fix and (f.fix.description, f.fix.applicability)) for f in full.findings
    ]
    lean_fix = next(f.fix for f in lean.findings if f.fix)
    with pytest.raises(LookupError):  # reading them is a caller's bug, never "no change"
        dict(lean_fix.changes)
    assert reports.text_report(lean) == reports.text_report(full)


def test_a_text_check_cached_without_fix_texts_does_not_answer_a_json_check(tmp_path: Path):
    module, cache = _module(tmp_path), str(tmp_path / "cache")
    _run("check", "--cache-dir", cache, str(module))
    cached = _run("check", "--format", "json", "--cache-dir", cache, str(module))
    fresh = _run("check", "--format", "json", "--no-cache", str(module))
    assert cached == fresh
    assert json.loads(fresh[1])["fixes"], "the JSON report carries the fix's edits"


def _age(entries, days: float) -> None:
    then = time.time() - days * 24 * 3600
    for entry in entries:
        os.utime(entry, (then, then))


def test_entries_no_run_used_for_a_month_are_removed_once_a_day(tmp_path: Path):
    (tmp_path / "kept").mkdir()
    (tmp_path / "dropped").mkdir()
    kept, dropped = _module(tmp_path / "kept"), _module(tmp_path / "dropped")
    cache = tmp_path / "cache"
    _run("check", "--cache-dir", str(cache), str(kept), str(dropped))
    entries = set(cache.rglob("??/*.json"))
    assert len(entries) >= 2, "both modules' results were stored"
    _age([p for p in cache.rglob("*") if p.is_file()], days=40)  # the stamp too
    (dropped / "main.tf").write_text(MODULE.replace("logs", "audit"))

    _run("check", "--cache-dir", str(cache), str(kept), str(dropped))

    left = set(cache.rglob("??/*.json"))
    assert entries - left, "the changed module's old result, used by no run since, is gone"
    assert entries & left, "the unchanged module's result, used by this run, stays"
    assert any("audit" in p.read_text() for p in left - entries), "its new result is stored"
    _age(left, days=40)  # the stamp stays fresh: nobody looks again today
    _run("check", "--cache-dir", str(cache), str(kept), str(dropped))
    assert set(cache.rglob("??/*.json")) == left
