"""A run walks its tree once: tfvars files are found in the walk module discovery made, the
same files, with the same questions about exclusions asked in the same order."""

from __future__ import annotations

from pathlib import Path

import pytest

from terrafix.engine.exclude import Exclusions
from terrafix.model.discovery import discover_modules, discover_tfvars

LAYOUT = [
    "main.tf",
    "terraform.tfvars",
    "envs/prod/main.tf",
    "envs/prod/prod.auto.tfvars",
    "envs/stage/stage.tfvars",
    "modules/vpc/main.tf",
    "modules/vpc/legacy/old.tfvars",
    ".terraform/modules/x/main.tf",
    ".terraform/modules/x/x.tfvars",
]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for name in LAYOUT:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("locals {}\n")
    return tmp_path


def _asking(root: Path, globs: list[str], asked: list[tuple[str, bool]]):
    exclusions = Exclusions([(root, globs)])

    def excluded(path: Path, is_dir: bool) -> bool:
        asked.append((path.relative_to(root).as_posix(), is_dir))
        return exclusions.excludes(path, is_dir=is_dir)

    return excluded


@pytest.mark.parametrize("globs", [[], ["legacy"], ["envs/stage"], ["*.auto.tfvars", "modules"]])
def test_tfvars_found_in_the_modules_walk_are_those_a_walk_of_their_own_finds(tree, globs):
    alone: list = []
    discover_modules([tree], _asking(tree, globs, alone))
    expected = discover_tfvars([tree], _asking(tree, globs, alone))

    shared: list = []
    walks: dict = {}
    discover_modules([tree], _asking(tree, globs, shared), walks)
    assert discover_tfvars([tree], _asking(tree, globs, shared), walks) == expected
    assert expected and all(".terraform" not in p.parts for p in expected)
    files_asked = [question for question in alone if not question[1]]
    assert [question for question in shared if not question[1]] == files_asked
    assert set(shared) == set(alone)
