"""terrafix fix on every code-generated task of ../shared/corpus/generated: no crash, output
parses with HashiCorp's parser, a second run changes nothing, and var.aws_region is declared."""

from __future__ import annotations

from pathlib import Path

from corpus import GENERATED, needs_shared
from oracle import needs_oracle, unparsable
from rulekit import copy_task, flagged_tasks, model_file, read_module, write

from terrafix.engine.config import Config
from terrafix.engine.pipeline import run


def _tasks() -> list[Path]:
    return (
        sorted(p for p in GENERATED.iterdir() if (p / "model").is_dir())
        if GENERATED.is_dir()
        else []
    )


@needs_shared
@needs_oracle
def test_fix_on_generated_tasks(tmp_path: Path):
    tasks = _tasks()
    assert len(tasks) > 150
    changed: list[Path] = []
    not_idempotent: list[str] = []
    for task in tasks:
        work = copy_task(tmp_path, task.name)
        first = run([work], Config(), fix=True)
        write(first)
        changed.extend(f.path for f in first.changed_files)
        second = run([work], Config(), fix=True)
        if second.changed_files:
            not_idempotent.append(task.name)
    assert not_idempotent == []
    originally_broken = set()
    for path in changed:
        source = model_file(path, tmp_path)
        if source.exists() and unparsable([source]):
            originally_broken.add(str(path))
    assert unparsable(changed) - originally_broken == set()


@needs_shared
def test_every_flagged_aws_region_task_is_fixed(tmp_path: Path):
    flagged = flagged_tasks("model_aws_region_var")
    assert flagged
    still_missing = []
    for name in flagged:
        work = copy_task(tmp_path, name)
        result = run([work], Config(select=["TF001"]), fix=True)
        write(result)
        # left alone on purpose: fragments, not modules (test_fragments names the one there is)
        fragments = {note.path for note in result.notes}
        for directory in {p.parent for p in work.rglob("*.tf")} - fragments:
            module = read_module(directory)
            if any(s.error for s in module.files.values()):
                continue  # left unfixed on purpose: a file there does not parse
            uses = module.references_to("var", "aws_region")
            if uses and "aws_region" not in module.variables:
                still_missing.append(str(directory.relative_to(tmp_path)))
    assert still_missing == []
