"""The calls editors' generic plugins make: a buffer on stdin, lines or a fixed buffer out."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from itertools import accumulate
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import needs_oracle, unparsable

from terrafix.output.lsp import LspPositions

FIXTURES = Path(__file__).parent / "fixtures" / "editor"
TERRAFIX = Path(sys.executable).with_name("terrafix")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES, tmp_path, dirs_exist_ok=True)
    return tmp_path


def call(*args: str, buffer: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TERRAFIX), *args, "-"],
        input=buffer,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )


def test_check_prints_one_based_lines(workspace):
    module = workspace / "region"
    buffer = (module / "main.tf").read_text()
    result = call("check", "--stdin-filename", "main.tf", buffer=buffer, cwd=module)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "main.tf:3:12: error: variable 'aws_region' is referenced but not declared [TF001] (fixable)"
    ]


def test_check_reads_the_buffer_not_the_file(workspace):
    module = workspace / "region"
    buffer = (module / "main.tf").read_text() + '\nvariable "aws_region" {\n  type = string\n}\n'
    result = call("check", "--stdin-filename", "main.tf", buffer=buffer, cwd=module)
    assert (result.returncode, result.stdout) == (0, "")


@needs_oracle
def test_fix_prints_the_fixed_buffer_and_writes_nothing(workspace):
    module = workspace / "region"
    path = module / "main.tf"
    buffer = path.read_text()
    result = call("fix", "--stdin-filename", "main.tf", buffer=buffer, cwd=module)
    assert result.returncode == 0, result.stderr
    # No variables.tf to edit, and a formatter cannot create one: the declaration joins the buffer.
    assert result.stdout == buffer + (
        "\n"
        'variable "aws_region" {\n'
        '  description = "AWS region for deployment"\n'
        "  type        = string\n"
        '  default     = "eu-west-1"\n'
        "}\n"
    )
    assert path.read_text() == buffer
    assert sorted(p.name for p in module.iterdir()) == ["main.tf"]
    again = call("fix", "--stdin-filename", "main.tf", buffer=result.stdout, cwd=module)
    assert (again.returncode, again.stdout) == (0, result.stdout)
    fixed = workspace / "fixed.tf"
    fixed.write_text(result.stdout)
    assert not unparsable([fixed])


def test_fix_never_touches_other_files(workspace):
    module = workspace / "with_variables"
    buffer = (module / "main.tf").read_text()
    variables = (module / "variables.tf").read_text()
    result = call("fix", "--stdin-filename", "main.tf", buffer=buffer, cwd=module)
    # The declaration belongs in variables.tf, which a formatter call cannot change.
    assert result.returncode == 1
    assert result.stdout == buffer
    assert (module / "variables.tf").read_text() == variables


def test_lsp_format_counts_utf16_units(workspace):
    module = workspace / "unicode"
    buffer = (module / "main.tf").read_text()
    result = call(
        "check", "--format", "lsp", "--stdin-filename", "main.tf", buffer=buffer, cwd=module
    )
    assert result.returncode == 1
    [diagnostic] = json.loads(result.stdout)["diagnostics"]
    line = buffer.splitlines()[2]
    before = line[: line.index("var.aws_region")]
    units = len(before.encode("utf-16-le")) // 2
    assert units == len(before) + 1  # the emoji takes two UTF-16 units
    assert diagnostic["range"] == {
        "start": {"line": 2, "character": units},
        "end": {"line": 2, "character": units + len("var.aws_region")},
    }
    assert diagnostic["code"] == "TF001"
    [file] = diagnostic["fix"]["files"]
    assert file["new_file"] is True


def test_fix_lsp_format_returns_buffer_edits(workspace):
    module = workspace / "region"
    buffer = (module / "main.tf").read_text()
    result = call(
        "fix", "--format", "lsp", "--stdin-filename", "main.tf", buffer=buffer, cwd=module
    )
    document = json.loads(result.stdout)
    [edit] = document["edits"]
    end = {"line": len(buffer.splitlines()), "character": 0}
    assert edit["range"] == {"start": end, "end": end}
    assert edit["newText"].startswith('\nvariable "aws_region" {\n')
    assert document["diagnostics"] == []


@pytest.mark.parametrize("command", ["check", "fix"])
def test_broken_buffer_gives_one_diagnostic_and_no_edits(workspace, command):
    module = workspace / "region"
    buffer = (workspace / "broken.tf.txt").read_text()
    text = call(command, "--stdin-filename", "main.tf", buffer=buffer, cwd=module)
    assert text.returncode == 2
    assert "Traceback" not in text.stderr
    if command == "check":
        assert text.stdout == (
            'main.tf:4:1: error: file ends inside `provider "aws" {` opened at line 1:'
            " is the file truncated? [syntax]\n"
        )
    else:
        assert text.stdout == buffer
    lsp = call(command, "--format", "lsp", "--stdin-filename", "main.tf", buffer=buffer, cwd=module)
    assert lsp.returncode == 2
    document = json.loads(lsp.stdout)
    [diagnostic] = document["diagnostics"]
    assert diagnostic["code"] == "syntax"
    assert diagnostic["range"]["start"] == {"line": 3, "character": 0}  # where the text stops
    assert diagnostic["fix"] is None
    assert document.get("edits", []) == []


def test_half_typed_buffer_keeps_the_findings_of_its_intact_parts(workspace):
    module = workspace / "region"
    buffer = (
        'provider "aws" {\n  region = var.aws_region\n}\n\n'
        'resource "aws_s3_bucket" "logs" {\n  bucket = "lo'
    )
    check = call("check", "--stdin-filename", "main.tf", buffer=buffer, cwd=module)
    assert check.returncode == 2
    lines = check.stdout.splitlines()
    assert any(line.startswith("main.tf:2:12: error: variable 'aws_region'") for line in lines)
    assert "main.tf:6:12: error: unterminated string" in check.stdout
    assert "main.tf:6:15: error: file ends inside `resource" in check.stdout
    fixed = call("fix", "--stdin-filename", "main.tf", buffer=buffer, cwd=module)
    assert fixed.returncode == 2
    assert fixed.stdout == buffer  # the declaration goes to variables.tf; the buffer is untouched


def test_unsaved_buffer_in_a_new_directory(workspace):
    buffer = 'provider "aws" {\n  region = var.aws_region\n}\n'
    result = call("check", "--stdin-filename", "draft/new.tf", buffer=buffer, cwd=workspace)
    assert result.returncode == 1
    assert "draft/new.tf:2:12: error: variable 'aws_region'" in result.stdout
    fixed = call("fix", "--stdin-filename", "draft/new.tf", buffer=buffer, cwd=workspace)
    assert (fixed.returncode, fixed.stdout[: len(buffer)]) == (0, buffer)
    assert 'variable "aws_region" {' in fixed.stdout
    assert not (workspace / "draft").exists()


UNITS = {"utf-8": ("utf-8", 1), "utf-16": ("utf-16-le", 2), "utf-32": ("utf-32-le", 4)}


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(["a", "é", "漢", "😀", " ", "\n", "\r\n", "\r"]), max_size=30),
    encoding=st.sampled_from(sorted(UNITS)),
    data=st.data(),
)
def test_lsp_positions_count_the_negotiated_units(pieces, encoding, data):
    text = "".join(pieces)
    # Offsets at piece boundaries, never between the \r and \n of one line break.
    boundaries = [
        b for b in [0, *accumulate(len(p) for p in pieces)] if text[b - 1 : b + 1] != "\r\n"
    ]
    offset = data.draw(st.sampled_from(boundaries))
    line_start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    codec, size = UNITS[encoding]
    expected = {
        "line": len(re.findall(r"\r\n|\r|\n", text[:offset])),
        "character": len(text[line_start:offset].encode(codec)) // size,
    }
    positions = LspPositions(text, encoding)
    assert positions.position(offset) == expected
    assert positions.offset(expected["line"], expected["character"]) == offset


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_declaration_appended_to_a_buffer_uses_its_line_endings(tmp_path: Path, newline: str):
    """A CRLF buffer gets CRLF blank lines too, even in a module whose other files use LF."""
    other = "\n" if newline == "\r\n" else "\r\n"
    (tmp_path / "outputs.tf").write_bytes(
        f'output "x" {{{other}  value = 1{other}}}{other}'.encode()
    )
    buffer = newline.join(['provider "aws" {', "  region = var.aws_region", "}", ""])
    result = subprocess.run(
        [str(TERRAFIX), "fix", "--select", "TF001", "--stdin-filename", "main.tf", "-"],
        input=buffer.encode(),
        capture_output=True,
        cwd=tmp_path,
        timeout=60,
    )
    fixed = result.stdout.decode()
    assert result.returncode == 0 and fixed.startswith(buffer + newline + 'variable "aws_region" {')
    assert fixed.endswith("}" + newline) and not fixed.endswith(newline * 2)
    bare = fixed.replace("\r\n", "")
    assert ("\n" not in bare and "\r" not in bare) if newline == "\r\n" else "\r" not in fixed


@pytest.mark.parametrize(
    ("unit", "encode"),
    [
        ("character", lambda s: s),
        ("byte", lambda s: s.encode("utf-8")),
        ("utf-16", lambda s: s.encode("utf-16-le")[::2]),
    ],
)
def test_column_unit_counts_findings_and_syntax_errors_alike(workspace, unit, encode):
    """After `é` and an emoji, code points, bytes and UTF-16 units disagree; each unit counts
    the text before the finding and before the syntax error its own way."""
    module = workspace / "region"
    buffer = (
        'provider "aws" {\n  region = "é😀${var.aws_region}"\n}\n\n'
        'resource "aws_s3_bucket" "b" {\n  bucket = "é😀" oops\n}\n'
    )
    lines = buffer.splitlines()
    result = call(
        "check", "--column-unit", unit, "--stdin-filename", "main.tf", buffer=buffer, cwd=module
    )
    assert result.returncode == 2, result.stdout
    finding = len(encode(lines[1][: lines[1].index("var.aws_region")])) + 1
    error = len(encode(lines[5][: lines[5].index("oops")])) + 1
    assert [row.split(": ")[0] for row in result.stdout.splitlines()] == [
        f"main.tf:2:{finding}",
        f"main.tf:6:{error}",
    ]


def test_broken_tfvars_fails_check_named_walked_or_on_stdin(workspace):
    """Terraform stops at a variable definitions file that does not parse, so `check` does too:
    named on the command line, found in a folder, or sent as a buffer."""
    module = workspace / "with_variables"
    (module / "terraform.tfvars").write_text('environment = "prod"\nregion = \n')
    for args, buffer in [
        (["check", "terraform.tfvars"], None),
        (["check", "."], None),
        (["check", "--stdin-filename", "terraform.tfvars", "-"], "region = \n"),
    ]:
        result = subprocess.run(
            [str(TERRAFIX), *args],
            input=buffer,
            capture_output=True,
            text=True,
            cwd=module,
            timeout=60,
        )
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "terraform.tfvars:" in result.stdout + result.stderr
    # a sound one is no module file: no rule reads it, and check passes it
    (module / "terraform.tfvars").write_text('environment = "prod"\n')
    result = call(
        "check", "--stdin-filename", "terraform.tfvars", buffer='environment = "a"\n', cwd=module
    )
    assert (result.returncode, result.stdout) == (0, "")
