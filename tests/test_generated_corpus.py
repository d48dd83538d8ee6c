"""terrafix fix on every code-generated task of ../shared/corpus/generated: no crash, output
parses with HashiCorp's parser, a second run changes nothing, and var.aws_region is declared."""

from __future__ import annotations

from pathlib import Path

from corpus import GENERATED, needs_shared
from oracle import needs_oracle, unparsable
from rulekit import copy_task, flagged_tasks, model_file, read_module, write

from terrafix.data.destroyability import ALL_TABLES
from terrafix.data.resource_names import PHYSICAL_NAMES
from terrafix.engine.config import Config
from terrafix.engine.pipeline import run
from terrafix.syntax import HclSyntaxError, parse

# The post-mortems' world: stacks created and destroyed per test, where every fix is wanted.
EPHEMERAL = Config(profile="ephemeral")


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
        first = run([work], EPHEMERAL, fix=True)
        write(first)
        changed.extend(f.path for f in first.changed_files)
        second = run([work], EPHEMERAL, fix=True)
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


def _guarded_values(text: str) -> dict[tuple[str, str, str], str]:
    """Each resource's physical name and deletion guards, as source text, keyed by address."""
    try:
        tree = parse(text)
    except HclSyntaxError:
        return {}
    guards = {guard.argument for table in ALL_TABLES for guard in table.values()}
    out = {}
    for block in tree.body.blocks("resource"):
        type_, name = block.label_values[:2]
        names = PHYSICAL_NAMES.get(type_)
        watched = guards | ({names.attribute} if names else set())
        for attribute in block.body.attributes():
            if attribute.name.text in watched:
                out[(type_, name, attribute.name.text)] = attribute.value.render().strip()
        for lifecycle in block.body.blocks("lifecycle"):
            kept = lifecycle.body.attribute("prevent_destroy")
            if kept is not None:
                out[(type_, name, "prevent_destroy")] = kept.value.render().strip()
    return out


@needs_shared
def test_default_profile_never_renames_or_unprotects(tmp_path: Path):
    """On code that may be deployed, a safe fix leaves every physical name and guard as it was."""
    touched = []
    for task in _tasks()[::3]:
        work = copy_task(tmp_path, task.name)
        for file in run([work], Config(), fix=True).changed_files:
            if file.original is None:
                continue
            before, after = _guarded_values(file.original), _guarded_values(file.final)
            touched.extend(
                f"{task.name}: {key}"
                for key in before.keys() | after.keys()
                if before.get(key) != after.get(key)
            )
    assert touched == []
