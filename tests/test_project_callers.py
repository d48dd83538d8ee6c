"""A module called from elsewhere in its repository is judged the same from any entry point:
`terrafix check .` at the root, an editor's buffer, one folder, the language server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from terrafix.engine.config import Config
from terrafix.engine.pipeline import run
from terrafix.lsp.context import ModuleContext
from terrafix.model import project_callers
from terrafix.model.project_callers import find_callers, forget_projects

TERRAFIX = Path(sys.executable).with_name("terrafix")
ROOT_MAIN = """\
resource "aws_s3_bucket" "this" {
  bucket        = var.bucket
  force_destroy = var.force_destroy
}
"""
ROOT_VARIABLES = """\
variable "bucket" {
  type = string
}

variable "force_destroy" {
  type    = bool
  default = false
}
"""
EXAMPLE = """\
module "bucket" {
  source = "../../"

  bucket = "example"
}
"""
# A provisioner's `source` is a path to copy, not a module call.
PROVISIONER = """\
resource "null_resource" "copy" {
  provisioner "file" {
    source      = "../../"
    destination = "/tmp/x"
  }
}
"""


@pytest.fixture(autouse=True)
def _fresh_search():
    forget_projects()
    yield
    forget_projects()


def project(tmp_path: Path, example: str = EXAMPLE, *, git: bool = True) -> Path:
    root = tmp_path / "bucket-module"
    (root / "examples" / "complete").mkdir(parents=True)
    if git:
        (root / ".git").mkdir()
    (root / "main.tf").write_text(ROOT_MAIN)
    (root / "variables.tf").write_text(ROOT_VARIABLES)
    (root / "examples" / "complete" / "main.tf").write_text(example)
    # TF008 speaks only for throwaway stacks
    (root / ".terrafix.toml").write_text('profile = "ephemeral"\n')
    return root


def check_buffer(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(TERRAFIX), "check", "--select", "TF008", "--stdin-filename", "main.tf", "-"],
        input=ROOT_MAIN,
        capture_output=True,
        text=True,
        cwd=root,
        timeout=60,
    )


def test_find_callers_confirms_module_calls(tmp_path: Path):
    root = project(tmp_path, EXAMPLE + "\n" + PROVISIONER)
    assert find_callers(root) == ((root / "examples" / "complete").resolve(),)


def test_a_provisioner_source_is_no_call(tmp_path: Path):
    root = project(tmp_path, PROVISIONER)
    assert find_callers(root) == ()


def test_outside_a_repository_nothing_is_searched(tmp_path: Path):
    root = project(tmp_path, git=False)
    assert find_callers(root) == ()


def test_a_project_too_big_is_not_searched(tmp_path: Path, monkeypatch):
    root = project(tmp_path)
    monkeypatch.setattr(project_callers, "MAX_FILES", 2)
    assert find_callers(root) == ()


def test_editor_buffer_of_a_called_module_matches_the_root_run(tmp_path: Path):
    root = project(tmp_path)
    whole = run([root], Config(profile="ephemeral", select=["TF008"]), fix=False)
    assert [f for f in whole.findings if f.path.parent == root] == []
    buffer = check_buffer(root)
    assert (buffer.returncode, buffer.stdout) == (0, "")


def test_editor_buffer_outside_git_still_reports(tmp_path: Path):
    root = project(tmp_path, git=False)
    buffer = check_buffer(root)
    assert buffer.returncode == 1 and "[TF008]" in buffer.stdout


def test_a_run_on_one_folder_knows_its_callers(tmp_path: Path):
    root = project(tmp_path)
    result = run([root / "main.tf"], Config(profile="ephemeral", select=["TF008"]), fix=True)
    assert result.findings == [] and result.changed_files == []


def test_language_server_context_knows_the_callers(tmp_path: Path):
    root = project(tmp_path)
    context = ModuleContext()
    module = context.module(root, {root / "main.tf": ROOT_MAIN})

    def destroyability() -> list[str]:
        return [f.rule for f in context.findings(module) if f.rule == "TF008"]

    assert destroyability() == []
    (root / ".git").rmdir()
    context.forget_configs()
    assert destroyability() == ["TF008"]
