"""The pipeline holds every fix to Terraform's loader, and one failing rule or oscillating rule
never takes the run (or the other rules' fixes) down."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from click.testing import CliRunner

from terrafix.cli import main
from terrafix.engine import pipeline
from terrafix.engine.config import Config
from terrafix.engine.findings import Applicability, Finding, Fix
from terrafix.engine.pipeline import run
from terrafix.engine.rules import Rule, RuleContext, select_rules
from terrafix.syntax import parse


def text_rule(code: str, rewrite: Callable[[str], str | None]) -> type[Rule]:
    """A rule that offers, per file, the fix ``rewrite(text)`` (None: nothing to fix)."""

    class TextRule(Rule):
        slug = f"test-{code.lower()}"
        summary = explanation = "a rule written for a test"

        def check(self, context: RuleContext) -> Iterable[Finding]:
            for path, source in context.module.files.items():
                new = rewrite(source.text)
                if new is not None and new != source.text:
                    fix = Fix(
                        f"rewrite by {code}", Applicability.SAFE, {path: source.text}, {path: new}
                    )
                    yield Finding(code, self.slug, "fixable", path, 0, 1, f"{code}:{path}", fix=fix)

    TextRule.code = code
    return TextRule


class Exploding(Rule):
    code = "TF990"
    slug = "exploding"
    summary = explanation = "a rule that fails"

    def check(self, context: RuleContext) -> Iterable[Finding]:
        yield from ()
        raise KeyError("no such thing")


@pytest.fixture
def with_rules(monkeypatch):
    """Run the pipeline with the given test rules after the index's rules ``names``."""

    def install(*extra: type[Rule], names: tuple[str, ...] = ()) -> None:
        chosen = select_rules(list(names), None) if names else []
        monkeypatch.setattr(pipeline, "select_rules", lambda select, ignore: [*chosen, *extra])

    return install


def module_with(tmp_path: Path, files: dict[str, str]) -> Path:
    module = tmp_path / "m"
    module.mkdir()
    for name, text in files.items():
        (module / name).write_text(text)
    return module


# ---------------------------------------------------------------- invalid fixes are dropped


def test_a_fix_terraform_would_refuse_is_reported_and_not_written(tmp_path, with_rules):
    refused = text_rule("TF991", lambda t: t.replace('default = "x"', "default = var.other"))
    fine = text_rule("TF992", lambda t: t.replace('value = "a"', 'value = "b"'))
    with_rules(refused, fine)
    module = module_with(
        tmp_path,
        {"main.tf": 'variable "v" {\n  default = "x"\n}\n\noutput "o" {\n  value = "a"\n}\n'},
    )
    result = run([module], Config(), fix=True)
    [error] = result.errors
    assert error == (
        f"{module / 'main.tf'}: error: the TF991 fix (rewrite by TF991) would make Terraform "
        f"refuse the configuration: Variables not allowed at {module / 'main.tf'}:2:13; "
        "it was not applied"
    )
    [written] = result.changed_files
    assert 'default = "x"' in written.final and 'value = "b"' in written.final
    assert [f.rule for f in result.fixed] == ["TF992"]


def test_problems_the_module_already_had_do_not_stop_fixes(tmp_path, with_rules):
    fine = text_rule("TF992", lambda t: t.replace('value = "a"', 'value = "b"'))
    with_rules(fine)
    module = module_with(
        tmp_path, {"main.tf": 'locals {\n  x = 1\n  x = 2\n}\n\noutput "o" {\n  value = "a"\n}\n'}
    )
    result = run([module], Config(), fix=True)
    assert result.errors == []
    assert 'value = "b"' in result.changed_files[0].final


def test_two_fixes_adding_one_entry_apply_once_even_if_their_edits_do_not_touch(
    tmp_path, with_rules, monkeypatch
):
    """With the overlap check switched off, the validation alone keeps the second entry out:
    the fix waits for the next pass, which finds the entry there and has nothing to do."""
    entry = '    archive = { source = "hashicorp/archive" }\n'

    def add_after(anchor: str) -> Callable[[str], str | None]:
        def rewrite(text: str) -> str | None:
            if "archive" in text:
                return None
            return text.replace(anchor, anchor + entry)

        return rewrite

    first = text_rule("TF993", add_after("  required_providers {\n"))
    second = text_rule("TF994", add_after('    aws = { source = "hashicorp/aws" }\n'))
    with_rules(first, second)
    monkeypatch.setattr(pipeline, "_conflicts", lambda edits, accepted: False)
    versions = (
        'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n'
    )
    module = module_with(tmp_path, {"versions.tf": versions})
    result = run([module], Config(), fix=True)
    assert result.errors == []
    assert result.changed_files[0].final.count("archive =") == 1


# ---------------------------------------------------------------- TF004 + TF011: one archive entry

LAMBDA = """resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = "arn:aws:iam::123456789012:role/x"
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "worker.zip"
}
"""
EXISTING = """data "archive_file" "existing" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/existing.zip"
}

resource "random_id" "x" {
  byte_length = 4
}
"""
VERSIONS = 'terraform {\n  required_providers {\n    aws = "~> 5.0"\n  }\n}\n'


@pytest.mark.parametrize("lambda_file", ["a_lambda.tf", "z_lambda.tf"])
def test_archive_file_and_required_providers_add_archive_once(tmp_path, lambda_file):
    """TF004 (archive_file for a missing zip) and TF011 (archive is used but not listed, and a
    bare version string to repair) both want `archive` in required_providers; whichever comes
    first, the entry is written once and Terraform's loader accepts the result."""
    module = module_with(
        tmp_path, {lambda_file: LAMBDA, "main.tf": EXISTING, "versions.tf": VERSIONS}
    )
    (module / "lambda-src" / "worker").mkdir(parents=True)
    (module / "lambda-src" / "worker" / "index.py").write_text("def handler(e, c): pass\n")
    result = run([module], Config(profile="ephemeral", select=["TF004", "TF011"]), fix=True)
    assert result.errors == []
    assert {f.rule for f in result.fixed} == {"TF004", "TF011"}
    versions = next(f.final for f in result.changed_files if f.path.name == "versions.tf")
    parse(versions)
    assert versions.count("archive = {") == 1
    assert versions.count("random = {") == 1


# ---------------------------------------------------------------- failures stay local


def test_a_rule_that_raises_is_reported_and_the_others_still_run(tmp_path, with_rules):
    with_rules(Exploding, names=("TF001",))
    module = module_with(tmp_path, {"main.tf": 'output "o" {\n  value = var.missing\n}\n'})
    result = run([module], Config(), fix=False)
    [error] = result.errors
    assert error.startswith(f"{module}: error: internal error in rule TF990 (exploding): KeyError")
    assert "please report it" in error
    assert [f.rule for f in result.findings] == ["TF001"]


def test_check_prints_the_other_findings_and_exits_2(tmp_path, with_rules, monkeypatch):
    with_rules(Exploding, names=("TF001",))
    module = module_with(tmp_path, {"main.tf": 'output "o" {\n  value = var.missing\n}\n'})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "m"], catch_exceptions=False)
    assert result.exit_code == 2
    assert (
        "m/main.tf:2:11: error: variable 'missing' is referenced but not declared" in result.output
    )
    assert "internal error in rule TF990" in result.output
    assert module.exists()


def test_a_failure_outside_the_rules_leaves_that_module_alone(tmp_path, with_rules, monkeypatch):
    with_rules(names=("TF001",))
    broken = module_with(tmp_path, {"main.tf": 'output "o" {\n  value = var.missing\n}\n'})
    other = tmp_path / "other"
    other.mkdir()
    (other / "main.tf").write_text('output "o" {\n  value = var.region\n}\n')
    real_fix_module = pipeline._fix_module

    def failing(module, *args):
        if module.directory == broken:
            raise RuntimeError("boom")
        return real_fix_module(module, *args)

    monkeypatch.setattr(pipeline, "_fix_module", failing)
    result = run([broken, other], Config(), fix=True)
    assert result.errors == [
        f"{broken}: error: internal error: RuntimeError: boom; the module was left as it is. "
        "This is a bug in terrafix: please report it"
    ]
    assert [f.path.parent for f in result.changed_files] == [other]


def test_only_the_rule_that_does_not_converge_loses_its_fixes(tmp_path, with_rules):
    def toggle(text: str) -> str:
        return text.replace('"on"', '"tmp"').replace('"off"', '"on"').replace('"tmp"', '"off"')

    with_rules(text_rule("TF995", toggle), names=("TF001",))
    module = module_with(tmp_path, {"main.tf": 'output "o" {\n  value = [var.region, "on"]\n}\n'})
    result = run([module], Config(), fix=True)
    assert result.errors == [
        f"{module}: error: fixes of TF995 did not converge; those fixes were not applied to "
        "this module"
    ]
    assert [f.rule for f in result.fixed] == ["TF001"]
    main_tf = next(f for f in result.files.values() if f.path.name == "main.tf")
    assert main_tf.final == main_tf.original
    assert any(
        f.path.name == "variables.tf" and 'variable "region"' in f.final
        for f in result.changed_files
    )
