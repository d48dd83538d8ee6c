"""TF002 asks who calls a module many times while it checks one module: the answer is read from
disk once per check, and never kept past it (files change between checks in an editor)."""

from __future__ import annotations

from pathlib import Path

from terrafix.transforms.naming._callers import local_callers
from terrafix.transforms.naming._memo import one_check

from terrafix.model import Module

CALLER = 'module "app" {\n  source = "./app"\n}\n'
CHILD = 'variable "project_name" {\n  type = string\n}\n'


def _child(root: Path) -> Module:
    (root / "app").mkdir()
    (root / "main.tf").write_text(CALLER)
    (root / "app" / "main.tf").write_text(CHILD)
    return Module.from_texts(root / "app", {root / "app" / "main.tf": CHILD})


def test_within_one_check_the_callers_are_read_once(tmp_path):
    child = _child(tmp_path)
    with one_check():
        first = local_callers(child)
        (tmp_path / "main.tf").write_text("# the call is gone\n")
        assert local_callers(child) is first
    assert [call.label_values for _, call in first] == [("app",)]


def test_a_later_check_reads_the_files_again(tmp_path):
    child = _child(tmp_path)
    with one_check():
        assert len(local_callers(child)) == 1
    (tmp_path / "main.tf").write_text("# the call is gone\n")
    with one_check():
        assert local_callers(child) == []
    assert local_callers(child) == []
