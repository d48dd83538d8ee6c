"""TF023 extraction-damage: Markdown left in code copied from a chat is removed, and nothing else.

The repair is offered only where the damaged text then parses and the change is exactly the
Markdown; truncated text, prose and backslashes inside strings are left as they are.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus import GENERATED, hcl_files, read
from oracle import needs_oracle, unparsable
from rulekit import fix_and_write, module_with

from terrafix.engine.config import Config
from terrafix.engine.pipeline import run
from terrafix.syntax import parse_recovering

TF023 = Config(select=["TF023"], unsafe_fixes=True)
SAFE_ONLY = Config(select=["TF023"])


def fixed(tmp_path: Path, text: str) -> tuple[str, object]:
    module = module_with(tmp_path, text)
    result = fix_and_write(module, TF023)
    return (module / "main.tf").read_text(), result


def test_fences_and_rule_lines_around_code_are_removed(tmp_path: Path):
    text = (
        "```hcl\n"
        'variable "region" {\n  default = "us-east-1"\n}\n'
        "---\n"
        'output "region" {\n  value = var.region\n}\n'
        "```\n"
    )
    after, result = fixed(tmp_path, text)
    assert after == (
        'variable "region" {\n  default = "us-east-1"\n}\n'
        'output "region" {\n  value = var.region\n}\n'
    )
    assert result.syntax_errors == []
    assert run([tmp_path / "m"], TF023, fix=True).changed_files == []


def test_escaped_star_outside_a_string_is_undone_but_not_inside_one(tmp_path: Path):
    text = (
        'resource "aws_db_instance" "db" {\n'
        "  max_allocated_storage = var.size \\* 2\n"
        '  identifier            = "db\\_main"\n'
        "}\n"
    )
    after, result = fixed(tmp_path, text)
    assert "  max_allocated_storage = var.size * 2\n" in after
    assert '"db\\_main"' in after  # Markdown may have eaten a `*` there: not guessed
    assert len(result.syntax_errors) == 1


def test_one_line_block_with_commas_or_semicolons_is_split_and_aligned(tmp_path: Path):
    text = (
        'variable "tags" { type = map(string); default = {} }\n'
        'resource "aws_route_table" "rt" {\n'
        '  route { cidr_block = "0.0.0.0/0", gateway_id = aws_internet_gateway.gw.id }\n'
        "}\n"
    )
    after, result = fixed(tmp_path, text)
    assert after == (
        'variable "tags" {\n  type    = map(string)\n  default = {}\n}\n'
        'resource "aws_route_table" "rt" {\n'
        "  route {\n"
        '    cidr_block = "0.0.0.0/0"\n'
        "    gateway_id = aws_internet_gateway.gw.id\n"
        "  }\n"
        "}\n"
    )
    assert result.syntax_errors == []


@pytest.mark.parametrize(
    "text",
    [
        # cut off: the fence cannot make the block whole, and nothing is invented
        'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n```\n',
        # prose is not Markdown to remove
        'Here is the configuration:\nvariable "a" {}\n',
        # a comma inside a one-line block's only argument is not a separator
        "locals { a = [1, 2] b = 3 }\n",
    ],
)
def test_damage_that_is_not_exactly_extraction_damage_is_left(tmp_path: Path, text: str):
    after, result = fixed(tmp_path, text)
    assert after == text
    assert result.fixed == []


def test_the_repair_is_unsafe(tmp_path: Path):
    module = module_with(tmp_path, '```\nvariable "a" {}\n```\n')
    result = fix_and_write(module, SAFE_ONLY)
    assert result.changed_files == []
    assert [f.rule for f in result.findings] == ["TF023", "TF023"]


@needs_oracle
def test_generated_files_with_extraction_damage(tmp_path: Path):
    """On the generated corpus: what the rule repairs parses with HashiCorp's parser where
    nothing else was wrong, and never gains an error."""
    tasks = ["Pr1589", "Pr1955"]
    if not all((GENERATED / t / "model").is_dir() for t in tasks):
        pytest.skip("the generated corpus is not here")
    repaired = 0
    for task in tasks:
        work = tmp_path / task
        for path in hcl_files(GENERATED / task / "model"):
            target = work / path.relative_to(GENERATED / task / "model")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(read(path), encoding="utf-8", newline="")
        result = fix_and_write(work, TF023)
        repaired += len(result.fixed)
        for file in result.changed_files:
            _, before = parse_recovering(file.original)
            _, after = parse_recovering(file.final)
            assert len(after) < len(before)
            if not after:
                assert unparsable([file.path]) == set()
    assert repaired >= 10
