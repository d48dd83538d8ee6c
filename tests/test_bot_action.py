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
ROLLOUT = ROOT / ".github" / "workflows" / "terrafix-rollout.yml"
ROLLOUT_CALLER = ROOT / "docs" / "examples" / "terrafix-org-rollout.yml"


def check_jsonschema(
    path: Path, schema: str = "vendor.github-actions"
) -> subprocess.CompletedProcess:
    tool = Path(sys.executable).parent / "check-jsonschema"
    command = [str(tool)] if tool.exists() else [shutil.which("check-jsonschema") or "false"]
    return subprocess.run(
        [*command, "--builtin-schema", schema, str(path)],
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
    stub.write_text('#!/bin/sh\npwd\nfor a in "$@"; do printf "%s\\n" "$a"; done\n')
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
    cwd, *args = completed.stdout.splitlines()
    assert Path(cwd) == (tmp_path / env["TERRAFIX_WORKDIR"]).resolve()
    return args


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
        "--commit-style",
        "conventional",
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


def test_action_step_passes_labels_with_quotes_apostrophes_and_backslashes_intact(
    tmp_path: Path,
):
    labels = "don't merge, say \"hi\", back\\slash, tab\tinside, it's $HOME"
    args = _run_step(tmp_path, labels=labels)
    given = [args[i + 1] for i, arg in enumerate(args) if arg == "--label"]
    assert given == ["don't merge", 'say "hi"', "back\\slash", "tab\tinside", "it's $HOME"]


def test_action_step_routes_reviews(tmp_path: Path):
    args = _run_step(tmp_path, reviewers="alice, acme/platform-team", assignees="bob", draft="true")
    assert args[args.index("--reviewer") :][:4] == [
        "--reviewer",
        "alice",
        "--reviewer",
        "acme/platform-team",
    ]
    assert args[args.index("--assignee") + 1] == "bob" and "--draft" in args


def test_action_step_fixes_a_checkout_in_a_folder_of_another_repository(tmp_path: Path):
    (tmp_path / "target").mkdir()
    args = _run_step(tmp_path, **{"working-directory": "target", "repository": "acme/network"})
    assert args[args.index("--repo") + 1] == "acme/network"


def _run_scripts(document: dict) -> list[str]:
    steps = list(document.get("runs", {}).get("steps", []))
    for job in document.get("jobs", {}).values():
        steps += job.get("steps", [])
    return [step["run"] for step in steps if "run" in step]


@pytest.mark.parametrize("path", [ACTION, ROLLOUT], ids=["action", "rollout"])
def test_no_expression_is_pasted_into_a_shell_script(path: Path):
    scripts = _run_scripts(YAML(typ="safe").load(path.read_text()))
    assert scripts
    assert all("${{" not in script for script in scripts)


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


# -- organisation-wide rollout: a reusable workflow over a matrix of repositories ------------


@pytest.mark.parametrize("path", [ROLLOUT, ROLLOUT_CALLER], ids=["reusable", "caller"])
def test_rollout_workflows_are_valid_against_the_github_workflows_schema(path: Path):
    result = check_jsonschema(path, "vendor.github-workflows")
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_schema_check_rejects_a_broken_reusable_workflow(tmp_path: Path):
    broken = tmp_path / "rollout.yml"
    broken.write_text(ROLLOUT.read_text().replace("type: string", "type: text", 1))
    assert check_jsonschema(broken, "vendor.github-workflows").returncode != 0


def test_the_caller_runs_the_reusable_workflow_once_per_repository_with_its_inputs():
    yaml = YAML(typ="safe")
    reusable = yaml.load(ROLLOUT.read_text())
    call = (reusable.get("on") or reusable[True])["workflow_call"]
    [job] = yaml.load(ROLLOUT_CALLER.read_text())["jobs"].values()

    assert job["uses"].endswith("/.github/workflows/terrafix-rollout.yml@v0.1.0")
    assert len(job["strategy"]["matrix"]["repository"]) >= 2
    assert job["with"]["repository"] == "${{ matrix.repository }}"
    assert set(job["with"]) <= set(call["inputs"])
    required = {name for name, spec in call["inputs"].items() if spec.get("required")}
    assert required <= set(job["with"])
    assert set(job["secrets"]) == set(call["secrets"])


def test_the_reusable_workflow_gives_the_action_only_inputs_it_has():
    yaml = YAML(typ="safe")
    action_inputs = set(yaml.load(ACTION.read_text())["inputs"])
    [job] = yaml.load(ROLLOUT.read_text())["jobs"].values()
    [step] = [s for s in job["steps"] if s.get("id") == "terrafix"]
    assert step["uses"] == "./.terrafix-action"
    assert set(step["with"]) <= action_inputs
    assert step["with"]["repository"] == "${{ inputs.repository }}"
    assert step["with"]["working-directory"] == "target"
    checkouts = [
        s["with"] for s in job["steps"] if s.get("uses", "").startswith("actions/checkout")
    ]
    assert {c["path"] for c in checkouts} == {"target", ".terrafix-action"}
    assert all(c["persist-credentials"] is False for c in checkouts)


def test_the_reusable_workflow_splits_the_repository_name_without_evaluating_it(tmp_path: Path):
    [job] = YAML(typ="safe").load(ROLLOUT.read_text())["jobs"].values()
    [step] = [s for s in job["steps"] if s.get("id") == "target"]
    output = tmp_path / "output"
    env = {"PATH": os.environ["PATH"], "GITHUB_OUTPUT": str(output), "REPOSITORY": "acme/$(x)"}
    subprocess.run(["bash", "-e", "-c", step["run"]], env=env, check=True, cwd=tmp_path)
    assert output.read_text() == "owner=acme\nname=$(x)\n"


# -- pre-commit: only the modules of the staged files; advice need not block -----------------

BACKEND = 'terraform {\n  backend "s3" {}\n}\n'


def _git(cwd: Path, *args: str) -> str:
    identity = ["-c", "user.name=Dev", "-c", "user.email=dev@example.invalid"]
    out = subprocess.run(["git", *identity, *args], cwd=cwd, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_fix_hook_changes_only_the_modules_of_the_staged_files_and_names_new_files(
    hooks, tmp_path, monkeypatch
):
    repo = ROOT / "tests" / "fixtures" / "bot" / "repo"
    shutil.copytree(repo, tmp_path / "stack")
    shutil.copytree(repo, tmp_path / "untouched")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "Two stacks")
    monkeypatch.chdir(tmp_path)
    before = {p: p.read_bytes() for p in (tmp_path / "untouched").rglob("*") if p.is_file()}

    # A commit that touches one file of one stack: pre-commit passes the staged names.
    main_tf = tmp_path / "stack" / "main.tf"
    main_tf.write_text(main_tf.read_text() + "\n# tweak\n")
    _git(tmp_path, "add", "stack/main.tf")
    staged = _git(tmp_path, "diff", "--cached", "--name-only").split()
    assert staged == ["stack/main.tf"]
    _, command = hooks["terrafix-fix"]["entry"].split()
    result = CliRunner().invoke(main, [command, "--select", "TF001", *staged])

    assert result.exit_code == 0, result.output
    assert "created stack/variables.tf (a new file: add it to the commit)" in result.output
    assert 'variable "aws_region"' in (tmp_path / "stack" / "variables.tf").read_text()
    after = {p: p.read_bytes() for p in (tmp_path / "untouched").rglob("*") if p.is_file()}
    assert after == before
    # The staged file itself is left as staged; the only other change is the new file.
    assert sorted(_git(tmp_path, "status", "--porcelain").split("\n")[:-1]) == [
        "?? stack/variables.tf",
        "M  stack/main.tf",
    ]


def test_check_hook_can_pass_when_only_advice_remains(hooks, tmp_path, monkeypatch):
    stack = tmp_path / "stack"
    stack.mkdir()
    (stack / "backend.tf").write_text(BACKEND)
    monkeypatch.chdir(tmp_path)
    _, command = hooks["terrafix-check"]["entry"].split()

    def check(*args: str):
        return CliRunner().invoke(main, [command, "--select", "TF020", *args, "stack/backend.tf"])

    advice = check()
    assert advice.exit_code == 1 and "[TF020]" in advice.output  # reported, and by default fails
    assert check("--fail-on", "warning").exit_code == 0  # advice alone passes
    assert "[TF020]" in check("--fail-on", "warning").output  # still shown

    (stack / "main.tf").write_text('provider "aws" {\n  region = var.aws_region\n}\n')
    both = CliRunner().invoke(
        main, [command, "--select", "TF020,TF001", "--fail-on", "warning", "stack/main.tf"]
    )
    assert both.exit_code == 1  # a defect still fails
