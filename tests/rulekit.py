"""Helpers the per-rule tests share: fixture copies, writing fixes, reports, corpus tasks."""

from __future__ import annotations

import csv
import difflib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from corpus import GENERATED
from oracle import not_fmt_clean, unparsable

from terrafix.engine.config import Config
from terrafix.engine.pipeline import RunResult, run
from terrafix.model import Module
from terrafix.output.diff import unified_diff


def copy_fixture(fixtures: Path, tmp_path: Path, name: str) -> Path:
    """Copy fixture module ``name`` into ``tmp_path``, so a fix never edits the checked-in one."""
    target = tmp_path / name
    shutil.copytree(fixtures / name, target)
    return target


def fixture_copier(
    fixtures: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[str], Path]:
    """A copier run from ``tmp_path`` giving relative paths, so snapshots hold no temp path."""
    monkeypatch.chdir(tmp_path)

    def copy(name: str) -> Path:
        copy_fixture(fixtures, tmp_path, name)
        return Path(name)

    return copy


def module_with(tmp_path: Path, text: str) -> Path:
    """A one-file module ``m/main.tf`` holding ``text`` as is, for cases too small for a fixture."""
    module = tmp_path / "m"
    module.mkdir()
    (module / "main.tf").write_text(text, encoding="utf-8", newline="")
    return module


def write(result: RunResult) -> None:
    """Write a run's changed files to disk, so the next run (or the oracle) reads the fix."""
    for file in result.changed_files:
        file.path.parent.mkdir(parents=True, exist_ok=True)
        file.path.write_text(file.final, encoding="utf-8", newline="")


def fix_and_write(paths: Path | list[Path], config: Config) -> RunResult:
    """Fix and write, as `terrafix fix` does, and return the run for its findings."""
    result = run(paths if isinstance(paths, list) else [paths], config, fix=True)
    write(result)
    return result


def fix_twice(module: Path, config: Config) -> RunResult:
    """Fix and write ``module``, then check a second run finds nothing more to change."""
    first = run([module], config, fix=True)
    assert first.errors == []
    write(first)
    assert run([module], config, fix=True).changed_files == []
    return first


def report(result: RunResult) -> str:
    """The diffs, then what is still reported: one snapshot shows what a fix did and left."""
    diffs = "".join(unified_diff(f) for f in result.changed_files)
    remaining = "".join(
        f"{f.path.name}: {f.rule} {f.severity}: {f.message}\n" for f in result.findings
    )
    return f"{diffs}\n# still reported after the fix\n{remaining}"


def state_report(
    root: Path, result: RunResult, before: dict[Path, str], *, new_from_dev_null: bool
) -> str:
    """Each finding as fixed or left with its fix's safety, then the diffs against ``before``."""
    lines = []
    for finding in result.fixed + result.findings:
        state = "fixed" if finding in result.fixed else "left"
        how = finding.fix.applicability if finding.fix else "display-only"
        lines.append(f"{state} ({how}) {finding.path.name}: {finding.message}")
    for file in result.changed_files:
        name = file.path.relative_to(root).as_posix()
        lines.extend(
            difflib.unified_diff(
                before.get(file.path, "").splitlines(),
                file.final.splitlines(),
                f"a/{name}" if file.path in before or not new_from_dev_null else "/dev/null",
                f"b/{name}",
                lineterm="",
            )
        )
    return "\n".join(lines) + "\n"


def assert_parse_and_fmt_clean(paths: list[Path]) -> None:
    """HashiCorp's parser accepts the files and `terraform fmt` would leave them as they are."""
    assert unparsable(paths) == set()
    assert not_fmt_clean(paths) == set()


def assert_task_files_parse_and_clean_stay_clean(changed: list[Path], root: Path) -> None:
    """Fixed copies of generated tasks (made by `copy_task` under ``root``) parse, and those whose
    corpus original was fmt-clean stay fmt-clean (a fix does not reformat a messy file). A file
    that did not parse before is fixed around its damage, and still does not parse."""
    assert newly_unparsable(changed, root) == set()
    originals = {path: model_file(path, root) for path in changed}
    unformatted = not_fmt_clean(list(originals.values()))
    assert not_fmt_clean([p for p in changed if str(originals[p]) not in unformatted]) == set()


def read_module(directory: Path, pattern: str = "*.tf") -> Module:
    """The module of ``directory`` read from disk, to check a fix with the model's own eyes."""
    return Module.from_texts(directory, {p: p.read_text() for p in directory.glob(pattern)})


def parses(task: Path) -> bool:
    """Whether every .tf file under ``task`` parses: unfixed tasks must have one that does not."""
    return all(s.error is None for s in read_module(task, "**/*.tf").files.values())


def flagged_tasks(*columns: str, with_model: bool = True) -> list[str]:
    """Generated tasks that index.csv flags in any of ``columns``, the ones a rule must fix.

    A flag is a count of defects found (`2` for two wildcard statements), so any non-zero one.
    """
    if not (GENERATED / "index.csv").is_file():
        return []
    rows = csv.DictReader((GENERATED / "index.csv").open())
    return [
        r["task_id"]
        for r in rows
        if any(r[c].strip() not in ("", "0") for c in columns)
        and (not with_model or (GENERATED / r["task_id"] / "model").is_dir())
    ]


def copy_task(tmp_path: Path, task: str) -> Path:
    """Copy a generated task's model into ``tmp_path``, so fixes leave the corpus alone."""
    work = tmp_path / task
    shutil.copytree(GENERATED / task / "model", work)
    return work


def newly_unparsable(changed: list[Path], root: Path) -> set[str]:
    """Changed files HashiCorp's parser rejects though it accepted them before the fix. A file
    that did not parse is fixed around its damage and still does not parse: that is expected."""
    rejected = unparsable(changed)
    originals = {str(p): model_file(p, root) for p in changed if str(p) in rejected}
    before = unparsable([o for o in originals.values() if o.exists()])
    return {p for p, o in originals.items() if str(o) not in before}


def model_file(path: Path, root: Path) -> Path:
    """The corpus file that ``path``, copied as ``root/TASK/...`` by `copy_task`, came from."""
    task, *rest = path.relative_to(root).parts
    return GENERATED / task / "model" / Path(*rest)


# A Lambda naming a zip in its module folder: whether TF004 reports it depends on the disk.
LAMBDA_WITH_LOCAL_ZIP = """\
resource "aws_lambda_function" "shipped" {
  filename         = "shipped.zip"
  source_code_hash = filebase64sha256("shipped.zip")
  function_name    = "shipped"
  role             = "arn:aws:iam::123456789012:role/lambda"
  handler          = "index.handler"
  runtime          = "python3.12"
}
"""
