"""TF004 archive-file-sources on fixtures rebuilt from the seeds, and on the generated corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from corpus import GENERATED, needs_shared
from oracle import needs_oracle
from rulekit import (
    assert_parse_and_fmt_clean,
    copy_task,
    fix_and_write,
    fixture_copier,
    flagged_tasks,
    module_with,
    newly_unparsable,
    read_module,
)

from terrafix.cli import main
from terrafix.engine.config import Config
from terrafix.engine.pipeline import run
from terrafix.model.module import literal_string
from terrafix.output.diff import unified_diff

FIXTURES = Path(__file__).parent / "fixtures" / "archive"
FIXABLE = ["seed001", "shared", "versions_tf", "existing_source", "built_elsewhere"]
UNTOUCHED = ["s3_and_image", "existing_archive", "present_zip"]
TF004 = Config(profile="ephemeral", select=["TF004"])


@pytest.fixture
def copy(tmp_path: Path, monkeypatch):
    return fixture_copier(FIXTURES, tmp_path, monkeypatch)


def fix(path: Path, config: Config = TF004):
    return fix_and_write(path, config)


@pytest.mark.parametrize("name", FIXABLE)
def test_fixture(copy, name, snapshot):
    path = copy(name)
    first = fix(path)
    assert first.fixed and first.errors == []
    assert [f.message for f in first.findings] == []
    second = run([path], TF004, fix=True)
    assert second.changed_files == [] and second.findings == []
    assert "".join(unified_diff(f) for f in first.changed_files) == snapshot


@pytest.mark.parametrize("name", UNTOUCHED)
def test_nothing_to_do(copy, name):
    result = run([copy(name)], TF004, fix=True)
    assert result.findings == [] and result.changed_files == []


def test_seed_functions_share_nothing_and_layer_goes_under_layers(copy):
    path = copy("seed001")
    text = (path / "lambda.tf").read_text()
    found = run([path], TF004, fix=False).findings
    assert len(found) == 5
    fix(path)
    text = (path / "lambda.tf").read_text()
    assert text.count('data "archive_file"') == 5
    assert '"${path.module}/lambda-src/layers/common-dependencies"' in text
    assert '"${path.module}/.terraform/lambda-layers/common-dependencies.zip"' in text
    assert "filebase64sha256" not in text
    assert text.count("source_code_hash") == 5
    assert (path / "provider.tf").read_text().count("hashicorp/archive") == 1


def test_finding_names_the_directory_to_provide(copy):
    path = copy("seed001")
    messages = {f.message for f in run([path], TF004, fix=False).findings}
    assert (
        "aws_lambda_function.authorizer: package 'authorizer.zip' does not exist and nothing in "
        "the module builds it; build it with data.archive_file.authorizer from "
        "lambda-src/authorizer (provide the function's code in lambda-src/authorizer/)"
    ) in messages


def test_a_check_builds_no_fix_texts_until_they_are_read(copy):
    path = copy("seed001")
    findings = run([path], TF004, fix=False).findings
    assert findings
    fixes = {id(f.fix): f.fix for f in findings}.values()
    assert all(repr(fix.changes) == "DeferredTexts(not built yet)" for fix in fixes)
    fix = next(iter(fixes))
    assert any('data "archive_file"' in text for text in fix.changes.values())
    assert sorted(p.name for p in fix.changes) == ["lambda.tf", "provider.tf"]


def test_existing_code_is_used_and_never_created(copy):
    path = copy("existing_source")
    before = sorted(p.relative_to(path) for p in path.rglob("*"))
    fix(path)
    text = (path / "main.tf").read_text()
    assert 'source_dir  = "${path.module}/lambda/processor"' in text
    assert 'source_file = "${path.module}/notify.py"' in text
    created = sorted(p.relative_to(path) for p in path.rglob("*"))
    assert set(created) - set(before) == {Path("versions.tf")}


def test_shared_package_gets_one_archive(copy):
    path = copy("shared")
    assert len(run([path], TF004, fix=False).findings) == 3
    fix(path)
    text = (path / "main.tf").read_text()
    assert text.count('data "archive_file" "api"') == 1
    assert text.count("filename         = data.archive_file.api.output_path") == 3


def test_variable_default_is_an_unsafe_fix(copy):
    path = copy("variable_default")
    safe = fix(path)
    assert [f.rule for f in safe.findings] == ["TF004"] and safe.changed_files == []
    assert "default of var.package_path" in safe.findings[0].message
    unsafe = fix(path, Config(profile="ephemeral", select=["TF004"], unsafe_fixes=True))
    assert unsafe.findings == []
    text = (path / "main.tf").read_text()
    assert "filename         = data.archive_file.handler.output_path" in text
    assert "source_code_hash = data.archive_file.handler.output_base64sha256" in text


def test_directory_convention_is_an_option(copy):
    path = copy("versions_tf")
    options = {"archive-file-sources": {"source_root": "functions", "output_dir": "dist"}}
    fix(path, Config(profile="ephemeral", select=["TF004"], rules=options))
    text = (path / "lambda.tf").read_text()
    assert 'source_dir  = "${path.module}/functions/cleanup"' in text
    assert 'output_path = "${path.module}/dist/cleanup.zip"' in text


def test_editor_buffer_checks_paths_next_to_the_buffer(copy):
    path = copy("present_zip")
    buffer = (path / "main.tf").read_text().replace('"shipped.zip"', '"missing.zip"', 1)
    result = CliRunner().invoke(
        main,
        [
            "fix",
            "--profile",
            "ephemeral",
            "--select",
            "TF004",
            "--stdin-filename",
            str(path / "main.tf"),
            "-",
        ],
        input=buffer,
        catch_exceptions=False,
    )
    assert "data.archive_file.shipped.output_path" in result.output
    # the hash still names shipped.zip, which exists: only the missing package is rebuilt
    unchanged = CliRunner().invoke(
        main,
        [
            "fix",
            "--profile",
            "ephemeral",
            "--select",
            "TF004",
            "--stdin-filename",
            str(path / "main.tf"),
            "-",
        ],
        input=(path / "main.tf").read_text(),
        catch_exceptions=False,
    )
    assert unchanged.output == (path / "main.tf").read_text()


@needs_oracle
def test_fixed_fixtures_parse_and_stay_fmt_clean(copy):
    written = [f.path for name in FIXABLE for f in fix(copy(name)).changed_files]
    assert written
    assert_parse_and_fmt_clean(written)


def test_home_made_packages_are_reported_and_a_local_file_becomes_an_archive(copy, snapshot):
    """A local_file writes text, no zip; a zip command runs after the plan that hashes it."""
    path = copy("home_made")
    found = run([path], TF004, fix=False).findings
    by_function = {f.key.rsplit(":", 1)[1]: f for f in found}
    assert set(by_function) == {"aws_lambda_function.api", "aws_lambda_function.worker"}
    assert (
        "written by local_file.placeholder as text"
        in by_function["aws_lambda_function.api"].message
    )
    assert by_function["aws_lambda_function.api"].fix.applicability.value == "unsafe"
    assert (
        "source_code_hash reads it at plan time"
        in by_function["aws_lambda_function.worker"].message
    )
    assert by_function["aws_lambda_function.worker"].fix is None
    assert run([path], TF004, fix=True).changed_files == []  # unsafe: not applied by default

    fixed = fix(path, Config(profile="ephemeral", select=["TF004"], unsafe_fixes=True))
    assert fixed.errors == []
    assert [f.key.rsplit(":", 1)[1] for f in fixed.findings] == ["aws_lambda_function.worker"]
    text = (path / "main.tf").read_text()
    assert 'resource "local_file"' not in text and 'filename = "app.py"' in text
    assert_parse_and_fmt_clean([f.path for f in fixed.changed_files])
    again = run([path], Config(profile="ephemeral", select=["TF004"], unsafe_fixes=True), fix=True)
    assert again.changed_files == []
    assert "".join(unified_diff(f) for f in fixed.changed_files) == snapshot


SHARED_PLACEHOLDER = """\
resource "local_file" "placeholder" {
  content  = "exports.handler = async () => ({ statusCode: 200 });"
  filename = "${path.module}/placeholder.zip"
}

resource "aws_lambda_function" "node" {
  function_name = "node"
  role          = "arn:aws:iam::123456789012:role/lambda"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "${path.module}/placeholder.zip"
}

resource "aws_lambda_function" "python" {
  function_name = "python"
  role          = "arn:aws:iam::123456789012:role/lambda"
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "${path.module}/placeholder.zip"
}
"""


def test_home_made_package_of_two_runtimes_is_only_reported(tmp_path: Path):
    """One text cannot be both functions' code: which file it becomes in the zip is unclear."""
    found = run([module_with(tmp_path, SHARED_PLACEHOLDER)], TF004, fix=False).findings
    assert len(found) == 2 and all(f.fix is None for f in found)


# ---------------------------------------------------------------- corpora


def _missing_literal_packages(directory: Path) -> list[str]:
    """Lambda packages named by a plain string that is absent and that no other block mentions."""
    module = read_module(directory)
    if any(s.error for s in module.files.values()):
        return []
    others = " ".join(
        block.render()
        for _, block in module.top_level_blocks()
        if block.label_values[:1] not in (("aws_lambda_function",), ("aws_lambda_layer_version",))
    )
    missing = []
    for (type_, name), symbol in module.resources.items():
        if type_ not in ("aws_lambda_function", "aws_lambda_layer_version"):
            continue
        attribute = symbol.node.body.attribute("filename")
        value = literal_string(attribute.value) if attribute else None
        if value and not (directory / value).exists() and Path(value).name not in others:
            missing.append(f"{directory.name}: {type_}.{name} = {value!r}")
    return missing


def _deploys_lambda(directory: Path) -> bool:
    """Only modules declaring Lambda functions or layers can have findings: skip the rest."""
    return any("aws_lambda_" in p.read_text() for p in directory.rglob("*.tf"))


def _flagged() -> list[str]:
    return flagged_tasks("model_archive_file", with_model=False)


@needs_shared
@needs_oracle
def test_generated_tasks_build_their_packages(tmp_path: Path):
    tasks = sorted(p for p in GENERATED.iterdir() if (p / "model").is_dir())
    assert set(_flagged()) <= {t.name for t in tasks}
    tasks = [t for t in tasks if _deploys_lambda(t / "model")]
    fixed_tasks, changed, left, not_idempotent = set(), [], [], []
    for task in tasks:
        work = copy_task(tmp_path, task.name)
        result = fix(work)
        if result.fixed:
            fixed_tasks.add(task.name)
        changed += [f.path for f in result.changed_files]
        if result.changed_files and run([work], TF004, fix=True).changed_files:
            not_idempotent.append(task.name)
        for directory in sorted({p.parent for p in work.rglob("*.tf")}):
            left += _missing_literal_packages(directory)
    assert not_idempotent == []
    assert left == []
    assert newly_unparsable(changed, tmp_path) == set()
    # every flagged task whose files parse, and whose zip nothing else builds, is fixed
    assert {"Pr1482", "Pr1497", "Pr3710", "Pr4288", "Pr8776", "Pr9278"} <= fixed_tasks
    assert len(fixed_tasks & set(_flagged())) >= 11


@pytest.mark.parametrize("profile", ["default", "production"])
def test_outside_throwaway_stacks_missing_zips_are_unsafe_to_repackage(copy, profile):
    """A zip missing from the repository is usually built by CI before `terraform apply`."""
    path = copy("seed001")
    result = run([path], Config(profile=profile, select=["TF004"]), fix=True)
    assert result.findings and result.changed_files == []
    assert {f.fix.applicability.value for f in result.findings} == {"unsafe"}
