"""The GitHub Action and the pre-commit hooks: valid against their schemas, and they run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from terrafix.cli import main

ROOT = Path(__file__).resolve().parents[1]
ACTION = ROOT / "action.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"


def check_jsonschema(path: Path) -> subprocess.CompletedProcess:
    tool = Path(sys.executable).parent / "check-jsonschema"
    command = [str(tool)] if tool.exists() else [shutil.which("check-jsonschema") or "false"]
    return subprocess.run(
        [*command, "--builtin-schema", "vendor.github-actions", str(path)],
        capture_output=True,
        text=True,
    )


def test_action_is_valid_against_the_github_actions_schema():
    result = check_jsonschema(ACTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_check_rejects_a_broken_action(tmp_path: Path):
    broken = tmp_path / "action.yml"
    broken.write_text(ACTION.read_text().replace("using: composite", "using: compost"))
    assert check_jsonschema(broken).returncode != 0


def test_action_exposes_the_documented_inputs_and_output():
    action = YAML(typ="safe").load(ACTION.read_text())
    assert {"paths", "branch", "labels", "profile", "token"} <= set(action["inputs"])
    assert (
        "steps.terrafix.outputs.pull-request-number"
        in (action["outputs"]["pull-request-number"]["value"])
    )


def _run_step(tmp_path: Path, **inputs: str) -> list[str]:
    """Run the action's last step with a stand-in terrafix that records its arguments."""
    action = YAML(typ="safe").load(ACTION.read_text())
    step = action["runs"]["steps"][-1]
    stub = tmp_path / "terrafix" / "bin" / "terrafix"
    stub.parent.mkdir(parents=True)
    stub.write_text('#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n')
    stub.chmod(0o755)
    env = {"PATH": os.environ["PATH"], "RUNNER_TEMP": str(tmp_path)}
    defaults = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    for name, value in {**defaults, **inputs}.items():
        pattern = re.escape("${{ inputs." + name + " }}")
        for key, template in step["env"].items():
            if re.fullmatch(pattern, template):
                env[key] = value
    completed = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout.splitlines()


def test_action_step_passes_inputs_as_separate_arguments(tmp_path: Path):
    args = _run_step(
        tmp_path,
        paths="infra modules/net",
        labels="terraform, bot ",
        select="TF001,TF005",
        **{"unsafe-fixes": "true", "close-stale": "false"},
    )
    assert args == [
        "pr",
        "--branch",
        "terrafix/fixes",
        "--profile",
        "default",
        "--label",
        "terraform",
        "--label",
        "bot",
        "--select",
        "TF001",
        "--select",
        "TF005",
        "--unsafe-fixes",
        "--",
        "infra",
        "modules/net",
    ]


def test_action_step_does_not_evaluate_input_text(tmp_path: Path):
    args = _run_step(tmp_path, labels="$(touch pwned);x")
    assert "$(touch pwned);x" in args
    assert not (tmp_path / "pwned").exists()


@pytest.fixture
def hooks() -> dict[str, dict]:
    return {hook["id"]: hook for hook in YAML(typ="safe").load(HOOKS.read_text())}


def test_pre_commit_hooks_name_real_commands(hooks):
    assert set(hooks) == {"terrafix-check", "terrafix-fix"}
    for hook in hooks.values():
        assert {"id", "name", "entry", "language"} <= set(hook)
        program, command = hook["entry"].split()
        assert program == "terrafix"
        assert CliRunner().invoke(main, [command, "--help"]).exit_code == 0
        assert re.search(hook["files"], "modules/net/main.tf")
        assert not re.search(hook["files"], "README.md")


def test_pre_commit_hooks_run_on_the_files_pre_commit_passes(hooks, tmp_path, monkeypatch):
    module = tmp_path / "stack"
    shutil.copytree(ROOT / "tests" / "fixtures" / "bot" / "repo", module)
    monkeypatch.chdir(tmp_path)

    def hook(name: str):
        _, command = hooks[name]["entry"].split()
        return CliRunner().invoke(main, [command, "--select", "TF001", "stack/main.tf"])

    assert hook("terrafix-check").exit_code == 1
    assert hook("terrafix-fix").exit_code == 0
    assert 'variable "aws_region"' in (module / "variables.tf").read_text()
    assert hook("terrafix-check").exit_code == 0
