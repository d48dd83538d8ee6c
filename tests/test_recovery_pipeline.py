"""Fixes go on around damaged text: other files and intact blocks are fixed, error nodes never
edited, every syntax error still reported, and the run still says a file did not parse."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from rulekit import fix_and_write

from terrafix.cli import main
from terrafix.engine.config import Config
from terrafix.engine.damage import damage_spans, text_keeps_damage
from terrafix.engine.pipeline import run
from terrafix.model.module import SourceFile

TF005 = Config(select=["TF005"], profile="ephemeral")
TF001 = Config(select=["TF001"], profile="ephemeral")

DAMAGED_DB = (
    'resource "aws_db_instance" "a" {\n  engine = "postgres"\n  skip_final_snapshot = false,\n}\n'
)
INTACT_DB = 'resource "aws_db_instance" "b" {\n  engine = "postgres"\n}\n'


def module(tmp_path: Path, files: dict[str, str]) -> Path:
    directory = tmp_path / "m"
    directory.mkdir()
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8", newline="")
    return directory


def test_a_block_with_damage_is_left_and_the_intact_one_fixed(tmp_path: Path):
    path = module(tmp_path, {"main.tf": DAMAGED_DB + "\n" + INTACT_DB})
    result = fix_and_write(path, TF005)
    text = (path / "main.tf").read_text()
    # the damaged line may hold the very argument: adding it again would make a duplicate
    assert text.startswith(DAMAGED_DB)
    assert text.endswith(
        'resource "aws_db_instance" "b" {\n'
        '  engine              = "postgres"\n'
        "  skip_final_snapshot = true\n"
        "}\n"
    )
    assert [f.message.split(" ")[0] for f in result.fixed] == ["aws_db_instance.b"]
    assert [f"{e.line}:{e.column}" for e in result.syntax_errors] == ["3:30"]
    assert [f.message.split(" ")[0] for f in result.findings] == ["aws_db_instance.a"]


def test_a_finding_in_damaged_text_is_reported_without_a_fix(tmp_path: Path):
    path = module(tmp_path, {"main.tf": DAMAGED_DB + "\n" + INTACT_DB})
    outcome = CliRunner().invoke(
        main, ["check", "--select", "TF005", "--profile", "ephemeral", str(path)]
    )
    lines = [line for line in outcome.stdout.splitlines() if "[TF005]" in line]
    assert len(lines) == 2
    damaged, intact = sorted(lines, key=lambda line: "aws_db_instance.b" in line)
    assert "aws_db_instance.a" in damaged and "(fixable)" not in damaged
    assert "aws_db_instance.b" in intact and intact.endswith("(fixable)")
    assert [f.fix is None for f in run([path], TF005, fix=False).findings] == [True, False]


def test_other_files_of_the_module_are_fixed_and_the_exit_code_says_parse_error(tmp_path: Path):
    damaged = "```hcl\n" + DAMAGED_DB + "```\n"
    path = module(tmp_path, {"broken.tf": damaged, "db.tf": INTACT_DB})
    outcome = CliRunner().invoke(main, ["fix", "--profile", "ephemeral", str(path)])
    assert outcome.exit_code == 2
    assert "broken.tf:1:1: error: unexpected character '`'" in outcome.output
    assert "broken.tf:4:30: error: unexpected ','" in outcome.output
    assert "broken.tf:6:1: error: unexpected character '`'" in outcome.output
    assert (path / "broken.tf").read_text() == damaged
    assert "skip_final_snapshot = true" in (path / "db.tf").read_text()


def test_nothing_is_appended_to_a_file_cut_off_inside_a_block(tmp_path: Path):
    cut = 'variable "name" {\n  type = string\n}\n\nvariable "x" {\n  type = string\n'
    path = module(
        tmp_path,
        {"main.tf": 'provider "aws" {\n  region = var.aws_region\n}\n', "variables.tf": cut},
    )
    result = fix_and_write(path, TF001)
    assert (path / "variables.tf").read_text() == cut
    assert result.fixed == []
    assert [f.rule for f in result.findings] == ["TF001"]
    assert result.syntax_errors[0].message.startswith('file ends inside `variable "x" {`')


def test_a_declaration_in_a_cut_off_block_is_not_added_again(tmp_path: Path):
    cut = 'variable "aws_region" {\n  default = "us-east-1"\n'
    path = module(
        tmp_path,
        {"main.tf": 'provider "aws" {\n  region = var.aws_region\n}\n', "region.tf": cut},
    )
    result = run([path], TF001, fix=False)
    assert result.findings == []


def test_damage_spans_cover_damaged_top_level_elements_and_a_cut_off_end():
    text = "a = 1\nb = (\n" + INTACT_DB
    source = SourceFile.load(Path("x.tf"), text)
    assert damage_spans(source) == [(6, len(text) + 1)]
    text = DAMAGED_DB + INTACT_DB
    source = SourceFile.load(Path("x.tf"), text)
    assert damage_spans(source) == [(0, len(DAMAGED_DB))]


def test_a_pass_may_not_change_or_add_damage():
    before = "a = 1\nb = = 2\n"
    assert text_keeps_damage(before, "a = 2\nb = = 2\n")
    assert text_keeps_damage(before, "a = 1\n")  # a repair removed it
    assert not text_keeps_damage(before, "a = 1\nb = = 3\n")
    assert not text_keeps_damage(before, "a = 1\nb = = 2\nc = \n")
