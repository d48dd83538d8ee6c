"""`exclude` in the config and `--exclude` on the command line: gitignore-like path globs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from terrafix.cli import main
from terrafix.engine.config import Config, ConfigError, find_config, load_config
from terrafix.engine.exclude import Exclusions
from terrafix.engine.pipeline import run
from terrafix.model import discover_modules

# A finding in every folder (aws is not in required_providers), and nothing that would make a
# folder a fragment.
QUEUE = 'resource "aws_sqs_queue" "q" {\n  name = "jobs"\n}\n'
LAYOUT = [
    "main.tf",
    "mixins/tags.mixin.tf",
    "modules/_templates/main.tf",
    "modules/vpc/main.tf",
    "modules/vpc/legacy.mixin.tf",
    "examples/a/legacy/main.tf",
    "examples/b/main.tf",
    "stacks/modules/_templates/main.tf",
]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for name in LAYOUT:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(QUEUE)
    return root


def found(root: Path, globs: list[str], base: Path | None = None) -> list[str]:
    exclusions = Exclusions([(base or root, globs)])
    modules = discover_modules(
        [root], lambda path, is_dir: exclusions.excludes(path, is_dir=is_dir)
    )
    return sorted(f.relative_to(root).as_posix() for files in modules.values() for f in files)


@pytest.mark.parametrize(
    ("globs", "left_out"),
    [
        ([], []),
        (["mixins"], ["mixins/tags.mixin.tf"]),
        (["*.mixin.tf"], ["mixins/tags.mixin.tf", "modules/vpc/legacy.mixin.tf"]),
        (["_templates/"], ["modules/_templates/main.tf", "stacks/modules/_templates/main.tf"]),
        (["/modules/_templates"], ["modules/_templates/main.tf"]),
        (["modules/_templates"], ["modules/_templates/main.tf"]),  # a slash anchors it
        (["examples/**/legacy"], ["examples/a/legacy/main.tf"]),
        (["examples/", "!examples/b/"], ["examples/a/legacy/main.tf", "examples/b/main.tf"]),
        (["main.tf"], [n for n in LAYOUT if n.endswith("/main.tf") or n == "main.tf"]),
    ],
)
def test_globs_match_as_gitignore_lines_do(tree, globs, left_out):
    assert found(tree, globs) == sorted(set(LAYOUT) - set(left_out))


def test_globs_are_relative_to_their_own_folder(tree):
    # anchored to repo/modules: `/_templates` is modules/_templates, not stacks/modules/_templates
    assert "stacks/modules/_templates/main.tf" in found(tree, ["/_templates"], tree / "modules")
    assert "modules/_templates/main.tf" not in found(tree, ["/_templates"], tree / "modules")
    # a base outside the run's paths matches nothing
    assert found(tree, ["*"], tree.parent / "elsewhere") == sorted(LAYOUT)


def test_config_file_reads_exclude(tree):
    (tree / ".terrafix.toml").write_text('exclude = ["mixins/", "modules/_templates"]\n')
    config = load_config(find_config(tree))
    assert config.exclude == ["mixins/", "modules/_templates"]
    folders = {p.parent.relative_to(tree).as_posix() for p in run([tree], config, fix=False).files}
    assert "mixins" not in folders and "modules/_templates" not in folders
    assert {"modules/vpc", "stacks/modules/_templates"} <= folders


def test_pyproject_table_reads_exclude(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.terrafix]\nexclude = ["legacy/"]\n')
    assert load_config(tmp_path / "pyproject.toml").exclude == ["legacy/"]


def test_exclude_must_be_a_list_of_strings(tmp_path):
    (tmp_path / ".terrafix.toml").write_text('exclude = "mixins"\n')
    with pytest.raises(ConfigError, match="exclude must be a list"):
        load_config(tmp_path / ".terrafix.toml")


def test_config_globs_are_relative_to_the_config_file_wherever_the_run_starts(tree, monkeypatch):
    (tree / ".terrafix.toml").write_text('exclude = ["/modules/_templates"]\n')
    monkeypatch.chdir(tree / "examples")
    config = load_config(find_config(tree / "modules"))
    paths = {
        p.relative_to(tree).as_posix() for p in run([tree / "modules"], config, fix=False).files
    }
    assert paths == {"modules/vpc/main.tf", "modules/vpc/legacy.mixin.tf"}


def test_command_line_exclude_adds_to_the_config_and_is_relative_to_the_current_folder(
    tree, monkeypatch
):
    (tree / ".terrafix.toml").write_text('exclude = ["mixins/"]\n')
    monkeypatch.chdir(tree / "modules")
    result = CliRunner().invoke(main, ["check", "--format", "json", "--exclude", "/vpc", str(tree)])
    paths = {Path(f["path"]).resolve() for f in json.loads(result.stdout)["findings"]}
    folders = {p.parent.relative_to(tree.resolve()).as_posix() for p in paths}
    assert folders == {
        ".",
        "modules/_templates",
        "examples/a/legacy",
        "examples/b",
        "stacks/modules/_templates",
    }


def test_a_path_named_on_the_command_line_and_excluded_is_noted_not_checked(tree, monkeypatch):
    monkeypatch.chdir(tree)
    result = CliRunner().invoke(main, ["check", "--exclude", "mixins", "mixins"])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "mixins: note: excluded by the exclude setting or --exclude\n"


def test_no_exclusions_by_default():
    assert not Config().exclusions()
