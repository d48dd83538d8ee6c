"""Fragment folders (mixins, templates, snippets) are left alone, and the run says why once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from corpus import GENERATED, REAL, needs_shared
from rulekit import module_with

from terrafix.cli import main
from terrafix.engine.config import Config
from terrafix.engine.pipeline import run
from terrafix.model import Module, discover_modules
from terrafix.model.calls import callers_of
from terrafix.model.fragments import fragment_reason

FIXTURES = Path(__file__).parent / "fixtures" / "fragments"
EPHEMERAL = Config(profile="ephemeral", unsafe_fixes=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "repo", tmp_path / "repo")
    return tmp_path / "repo"


def left_alone(root: Path, config: Config = EPHEMERAL) -> dict[str, str]:
    """Folder (relative to ``root``) → the note of each folder a fixing run left alone."""
    result = run([root], config, fix=True)
    return {note.path.relative_to(root).as_posix(): note.message for note in result.notes}


def test_marked_and_loose_folders_are_left_alone_and_modules_are_not(repo):
    notes = left_alone(repo)
    assert sorted(notes) == ["mixins", "snippets-free/tagging", "stacks/loose"]
    assert "its folder 'mixins' holds pieces meant to be copied" in notes["mixins"]
    assert "module.this" in notes["mixins"] and "var.tags" in notes["mixins"]
    assert notes["snippets-free/tagging"].startswith(
        "not a whole module, left alone: a comment in tagging.tf says its files are "
        "'Copy these files into each component'"
    )
    assert notes["stacks/loose"] == (
        "not a whole module, left alone: it has no terraform, provider or variable block, and "
        "4 of the 4 names it references are declared nowhere in it (aws_lambda_function.api, "
        "local.name_prefix, module.alerts, var.error_threshold)"
    )


def test_nothing_is_reported_or_changed_in_a_fragment(repo):
    result = run([repo], EPHEMERAL, fix=True)
    fragments = {note.path for note in result.notes}
    assert len(fragments) == 3
    assert [f for f in result.findings + result.fixed if f.path.parent in fragments] == []
    assert [f.path for f in result.changed_files if f.path.parent in fragments] == []
    assert result.errors == []
    # while the run does fix the whole modules beside them
    changed = {f.path.parent.relative_to(repo).as_posix() for f in result.changed_files}
    assert changed == {"components/queue", "stacks/app/modules/loose"}


def test_the_same_loose_folder_called_as_a_module_is_a_module(repo):
    """`stacks/app/modules/loose` holds the same file as `stacks/loose`, but a module calls it:
    its undeclared names are defects to report."""
    result = run([repo / "stacks" / "app"], EPHEMERAL, fix=False)
    assert result.notes == []
    assert {f.path.parent.name for f in result.findings} >= {"loose"}


def test_a_component_that_vendored_a_mixin_is_a_module(repo):
    module = _module(repo / "components" / "queue")
    assert fragment_reason(module, repo) is None


def test_a_module_that_forgot_its_variables_is_not_a_fragment(tmp_path):
    """Generated code's typical defect: undeclared variables, nothing else."""
    path = module_with(
        tmp_path,
        'resource "aws_s3_bucket" "logs" {\n  bucket = "${var.project}-${var.environment}"\n'
        "  tags   = { Region = var.aws_region }\n}\n",
    )
    assert fragment_reason(_module(path), tmp_path) is None
    found = run([path], EPHEMERAL, fix=False).findings
    assert any(f.rule == "TF001" for f in found)


def test_a_folder_with_a_file_that_does_not_parse_is_judged_as_a_module(tmp_path):
    path = module_with(tmp_path, "locals {\n  a = local.b\n  c = module.d.e\n  f = var.g\n")
    (path / "b.tf").write_text('resource "aws_s3_bucket" "x" {\n  bucket = local.h\n}\n')
    assert fragment_reason(_module(path), tmp_path) is None


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("# Helpers.\nlocals {\n  a = var.x\n}\n", False),  # one name: no marker, no share
        ("# This mixin adds tags.\nlocals {\n  a = var.x\n}\n", True),
        ("# A drop-in replacement for the old module.\nlocals {\n  a = var.x\n}\n", False),
        ("/* Meant to be copied into every stack. */\nlocals {\n  a = var.x\n}\n", True),
        ('# This mixin adds tags.\nvariable "x" {}\n\nlocals {\n  a = var.x\n}\n', False),
    ],
)
def test_comment_markers_need_a_name_declared_nowhere(tmp_path, text, fragment):
    path = module_with(tmp_path, text)
    assert (fragment_reason(_module(path), tmp_path) is not None) is fragment


def test_the_note_is_in_text_and_json_output_and_is_not_an_error(repo):
    runner = CliRunner()
    text = runner.invoke(main, ["check", str(repo / "mixins")])
    assert text.exit_code == 0
    assert text.stderr.count(": note: not a whole module, left alone:") == 1
    assert "mixins: note:" in text.stderr
    report = runner.invoke(main, ["check", "--format", "json", str(repo / "mixins")])
    assert report.exit_code == 0
    [note] = json.loads(report.stdout)["notes"]
    assert note["path"].endswith("mixins") and note["message"].startswith("not a whole module")


# ---------------------------------------------------------------- corpora


@needs_shared
def test_the_security_group_template_folder_is_left_alone():
    repository = REAL / "terraform-aws-modules+terraform-aws-security-group"
    result = run([repository], Config(), fix=True)
    [note] = result.notes
    assert note.path == repository / "modules" / "_templates"
    assert "var.auto_computed_egress_rules" in note.message
    assert [f for f in result.findings + result.fixed if "_templates" in f.path.parts] == []


@needs_shared
def test_human_modules_are_not_fragments_except_the_template_folder():
    found = _fragments(REAL)
    assert found == ["terraform-aws-modules+terraform-aws-security-group/modules/_templates"]


@needs_shared
def test_generated_modules_are_not_fragments():
    """Generated code with undeclared names is to be fixed, not left alone. The one folder
    left alone holds four code excerpts of an answer: `main.tf` calls `./modules/*` folders
    that do not exist and no file declares the locals, resources and variables they use."""
    found = [path for path in _fragments(GENERATED) if "/model" in f"/{path}"]
    assert found == ["Pr5475/model"]


def _fragments(root: Path) -> list[str]:
    modules = {d: _module(d, fs) for d, fs in discover_modules([root]).items()}
    callers = callers_of(modules.values())
    return [
        d.relative_to(root).as_posix()
        for d, m in modules.items()
        if fragment_reason(m, root, called=bool(callers.get(d.resolve()))) is not None
    ]


def _module(directory: Path, files: list[Path] | None = None) -> Module:
    files = files if files is not None else sorted(directory.glob("*.tf"))
    return Module.from_texts(directory, {p: p.read_text() for p in files})


def test_sarif_and_github_output_carry_the_note(repo):
    import jsonschema

    schema = json.loads((Path(__file__).parent / "schemas" / "sarif-2.1.0-rtm.5.json").read_text())
    runner = CliRunner()
    sarif = json.loads(runner.invoke(main, ["check", "--format", "sarif", str(repo)]).stdout)
    jsonschema.validate(sarif, schema)
    [invocation] = sarif["runs"][0]["invocations"]
    notified = [n["message"]["text"] for n in invocation["toolExecutionNotifications"]]
    assert len(notified) == 3 and all(t.startswith("not a whole module") for t in notified)
    github = runner.invoke(main, ["check", "--format", "github", str(repo)]).stdout
    assert github.count("::notice title=terrafix::") == 3


@pytest.mark.parametrize("marker", [".terraform.lock.hcl", ".terraform-version", ".terraform"])
def test_a_folder_where_terraform_has_run_is_a_module(repo, marker):
    loose = repo / "stacks" / "loose"
    assert fragment_reason(_module(loose), repo) is not None
    if marker == ".terraform":
        (loose / marker).mkdir()
    else:
        (loose / marker).write_text("")
    assert fragment_reason(_module(loose), repo) is None
