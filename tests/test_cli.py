"""The terrafix CLI end to end: exit codes, writes, diffs, reports, stdin buffers."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from terrafix.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "modules"


@pytest.fixture
def module(tmp_path: Path, monkeypatch) -> Path:
    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(FIXTURES / name, target)
        return target

    monkeypatch.chdir(tmp_path)
    return copy


def invoke(*args: str, input: str | None = None):
    """Run the CLI in-process. These tests drive it through TF001 (other rules have their own
    tests), so `check` and `fix` run only TF001 unless a test selects rules itself."""
    argv = list(args)
    if argv[0] in ("check", "fix") and "--select" not in argv:
        argv[1:1] = ["--select", "TF001"]
    return CliRunner().invoke(main, argv, input=input, catch_exceptions=False)


def test_check_reports_and_exits_1(module):
    path = module("seed000_region")
    result = invoke("check", str(path))
    assert result.exit_code == 1
    assert (
        "seed000_region/main.tf:4:12: error: variable 'aws_region' is referenced but not declared [TF001]"
        in result.output
    )


def test_fix_writes_variables_file_and_is_idempotent(module, snapshot):
    path = module("seed000_region")
    first = invoke("fix", str(path))
    assert first.exit_code == 0, first.output
    written = (path / "variables.tf").read_text()
    assert 'default     = "us-west-1"' in written
    assert invoke("fix", "--dry-run", str(path)).output == ""
    assert invoke("check", str(path)).exit_code == 0
    assert written == snapshot


def test_dry_run_prints_diff_and_writes_nothing(module, snapshot):
    path = module("undeclared_many")
    before = {p.name: p.read_text() for p in path.iterdir()}
    result = invoke("fix", "--dry-run", "--select", "TF001", str(path))
    assert result.exit_code == 1
    assert result.output.startswith(
        "--- a/undeclared_many/variables.tf\n+++ b/undeclared_many/variables.tf\n"
    )
    assert {p.name: p.read_text() for p in path.iterdir()} == before
    assert result.output == snapshot


def test_unclear_type_is_display_only(module):
    path = module("undeclared_many")
    invoke("fix", str(path))
    remaining = invoke("check", str(path))
    assert remaining.exit_code == 1
    assert "'mystery'" in remaining.output and "(fixable)" not in remaining.output
    assert 'variable "instance_count" {\n  type = number\n}' in (path / "variables.tf").read_text()


def test_json_report_schema(module):
    path = module("undeclared_many")
    data = json.loads(invoke("check", "--format", "json", str(path)).output)
    assert data["version"] == 2
    first = data["findings"][0]
    assert set(first) == {"rule", "slug", "severity", "message", "path", "start", "end", "fix"}
    assert set(first["start"]) == {"line", "column", "offset", "byte"}
    fixable = [f for f in data["findings"] if f["fix"] and f["fix"]["applicability"] == "safe"]
    fixes = {fix["id"]: fix for fix in data["fixes"]}
    assert fixable and all(fixes[f["fix"]["id"]]["edits"] for f in fixable)
    assert len(fixes) == len(data["fixes"])  # each fix once, however many findings share it
    shared = [f["fix"]["id"] for f in data["findings"] if f["fix"]]
    assert len(set(shared)) == len(fixes)


def test_a_fix_shared_by_many_findings_is_reported_once(tmp_path, monkeypatch):
    """Three static names, one fix that builds all three from the prefix: its edits once."""
    monkeypatch.chdir(tmp_path)
    module = tmp_path / "m"
    module.mkdir()
    buckets = "".join(
        f'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "bucket-{i}"\n}}\n\n' for i in range(3)
    )
    (module / "main.tf").write_text(buckets)
    options = ("--profile", "ephemeral", "--select", "TF002")
    data = json.loads(invoke("check", *options, "--format", "json", "m").output)
    assert len(data["findings"]) == 3 and len(data["fixes"]) == 1
    assert {f["fix"]["id"] for f in data["findings"]} == {0}
    assert data["fixes"][0]["edits"]
    sarif = json.loads(invoke("check", *options, "--format", "sarif", "m").output)
    results = sarif["runs"][0]["results"]
    assert sum("fixes" in r for r in results) == 1
    assert all(r["properties"]["fixedWithResult"] == 0 for r in results[1:])


def test_sarif_has_rules_results_and_fixes(module):
    path = module("seed000_region")
    data = json.loads(invoke("check", "--format", "sarif", str(path)).output)
    assert data["version"] == "2.1.0"
    run = data["runs"][0]
    assert run["tool"]["driver"]["rules"][0]["id"] == "TF001"
    result = run["results"][0]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 4
    change = result["fixes"][0]["artifactChanges"][0]
    assert change["artifactLocation"]["uri"].endswith("variables.tf")


def test_github_annotations(module):
    path = module("seed000_region")
    out = invoke("check", "--format", "github", str(path)).output
    assert out.startswith("::error file=seed000_region/main.tf,line=4,col=12,")


def test_parse_error_is_reported_and_fixes_go_on_around_it(module):
    good = module("seed000_region")
    broken = module("undeclared_many")
    damaged = 'resource "x" "y" {\n  a = "unterminated\n}\n```\n'
    (broken / "broken.tf").write_text(damaged)
    result = CliRunner().invoke(main, ["fix", str(good), str(broken)])
    assert result.exit_code == 2
    assert "broken.tf:2:7: error: unterminated string" in result.output
    assert "broken.tf:4:1: error: unexpected character '`'" in result.output
    assert (good / "variables.tf").exists()
    # the module with the damaged file is fixed too, and the damaged file is left as it was
    assert 'variable "aws_region"' in (broken / "variables.tf").read_text()
    assert (broken / "broken.tf").read_text() == damaged


def test_a_declaration_in_damaged_text_is_not_added_again(module):
    path = module("undeclared_many")
    damaged = 'variable "aws_region" {\n  default = "us-east-1"\n'  # cut off: no closing brace
    (path / "region.tf").write_text(damaged)
    result = CliRunner().invoke(main, ["fix", str(path)])
    assert result.exit_code == 2
    assert 'region.tf:3:1: error: file ends inside `variable "aws_region" {`' in result.output
    assert "aws_region" not in (path / "variables.tf").read_text()
    assert (path / "region.tf").read_text() == damaged


def test_crlf_and_bom_are_kept(module):
    path = module("seed000_region")
    main_tf = path / "main.tf"
    main_tf.write_bytes(b"\xef\xbb\xbf" + main_tf.read_bytes().replace(b"\n", b"\r\n"))
    (path / "variables.tf").write_bytes(b'variable "name" {\r\n  type = string\r\n}\r\n')
    assert invoke("fix", str(path)).exit_code == 0
    data = (path / "variables.tf").read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert data.startswith(b'variable "name" {\r\n') and b'default     = "us-west-1"\r\n' in data
    assert main_tf.read_bytes().startswith(b"\xef\xbb\xbf")


def test_read_only_file_keeps_its_mode(module):
    path = module("undeclared_many")
    variables = path / "variables.tf"
    variables.chmod(0o444)
    invoke("fix", str(path))
    assert variables.stat().st_mode & 0o777 == 0o444
    assert "aws_region" in variables.read_text()


def test_stdin_buffer_in_buffer_out(module):
    path = module("undeclared_many")
    buffer = (path / "variables.tf").read_text()
    result = invoke("fix", "--stdin-filename", str(path / "variables.tf"), "-", input=buffer)
    assert result.exit_code in (0, 1)
    assert result.output.startswith(buffer)
    assert 'variable "aws_region"' in result.output
    assert (path / "variables.tf").read_text() == buffer  # nothing written


def test_stdin_requires_dash(module):
    path = module("undeclared_many")
    result = CliRunner().invoke(
        main, ["check", "--stdin-filename", str(path / "main.tf"), str(path)]
    )
    assert result.exit_code == 2
    assert "pass '-'" in result.output


def test_dash_requires_stdin_filename(module):
    path = module("undeclared_many")
    result = CliRunner().invoke(main, ["check", "-"], input=(path / "main.tf").read_text())
    assert result.exit_code == 2
    assert "--stdin-filename PATH" in result.output


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_rule_is_an_error_not_silence(module, option):
    path = module("seed000_region")
    result = CliRunner().invoke(main, ["check", option, "TF999", str(path)])
    assert result.exit_code == 2
    assert "no rule is called 'TF999'" in result.output
    assert (
        invoke("check", "--select", "TF00", "--ignore", "name-prefix-locals", str(path)).exit_code
        == 1
    )


def test_dry_run_json_is_json_only(module):
    path = module("seed000_region")
    result = invoke("fix", "--dry-run", "--format", "json", str(path))
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert [f["rule"] for f in report["fixed"]] == ["TF001"]
    assert (
        not (path / "variables.tf").exists()
        or "aws_region" not in (path / "variables.tf").read_text()
    )


def test_rules_and_explain():
    assert "TF001  aws-region-variable" in invoke("rules").output
    text = invoke("explain", "aws-region-variable").output
    for heading in ("## What it does", "## Why", "## Example", "## Fix safety"):
        assert heading in text
    assert CliRunner().invoke(main, ["explain", "TF999"]).exit_code == 2


def test_suppression_comment(module):
    path = module("seed000_region")
    main_tf = path / "main.tf"
    main_tf.write_text(
        main_tf.read_text().replace(
            "  region = var.aws_region",
            "  region = var.aws_region # terrafix:ignore[TF001] set by CI",
        )
    )
    assert invoke("check", "--select", "TF001", str(path)).exit_code == 0


def test_config_file_selects_rules(module):
    path = module("seed000_region")
    config = path / ".terrafix.toml"
    config.write_text('select = ["aws-region-variable"]\n')
    only = CliRunner().invoke(main, ["check", str(path)])
    assert only.exit_code == 1
    assert {line.split(" [", 1)[1][:6] for line in only.output.splitlines()} == {"TF001]"}
    config.write_text('select = ["TF001"]\nignore = ["TF001"]\n')
    assert CliRunner().invoke(main, ["check", str(path)]).exit_code == 0
    (path / ".terrafix.toml").write_text("nonsense = 1\n")
    bad = CliRunner().invoke(main, ["check", str(path)])
    assert bad.exit_code == 2 and "unknown setting" in bad.output


def test_real_subprocess_exit_codes(module):
    path = module("seed000_region")
    exe = [sys.executable, "-m", "terrafix.cli"]
    check = subprocess.run([*exe, "check", "--select", "TF001", str(path)], capture_output=True)
    assert check.returncode == 1
    fix = subprocess.run([*exe, "fix", "--select", "TF001", str(path)], capture_output=True)
    assert fix.returncode == 0
    again = [*exe, "fix", "--dry-run", "--select", "TF001", str(path)]
    assert subprocess.run(again, capture_output=True).stdout == b""


def test_the_command_flushes_all_it_says_before_its_quick_exit(module):
    """The process ends with os._exit: a big report through a pipe must still arrive whole,
    and a usage error must still say why."""
    path = module("undeclared_many")
    exe = [sys.executable, "-m", "terrafix.cli"]
    report = subprocess.run(
        [*exe, "check", "--select", "TF001", "--format", "json", str(path)], capture_output=True
    )
    assert report.returncode == 1
    assert json.loads(report.stdout)["findings"]
    assert report.stdout.decode() == invoke("check", "--format", "json", str(path)).output
    usage = subprocess.run([*exe, "check", "--profile", "nope", str(path)], capture_output=True)
    assert usage.returncode == 2 and b"Invalid value for '--profile'" in usage.stderr


SARIF_SCHEMA = Path(__file__).parent / "schemas" / "sarif-2.1.0-rtm.5.json"


@pytest.mark.parametrize("fixture", ["seed000_region", "undeclared_many"])
def test_sarif_validates_against_the_sarif_2_1_0_schema(module, fixture):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    data = json.loads(invoke("check", "--format", "sarif", str(module(fixture))).output)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(data), key=str)
    assert [f"{list(e.absolute_path)}: {e.message}" for e in errors] == []
    assert data["runs"][0]["results"], "the fixture has findings, so results must not be empty"


@pytest.mark.parametrize("fixture", ["seed000_region", "undeclared_many"])
def test_json_report_per_fixture(module, fixture, snapshot):
    result = invoke("check", "--format", "json", str(module(fixture)))
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert all(f["rule"] == "TF001" for f in data["findings"])
    assert json.dumps(data, indent=2, sort_keys=True) + "\n" == snapshot


def test_dry_run_colours_only_when_asked_or_on_a_terminal(module):
    path = module("seed000_region")
    plain = invoke("fix", "--dry-run", str(path)).output
    assert "\x1b[" not in plain  # CliRunner's stdout is not a terminal
    colored = invoke("fix", "--dry-run", "--color", "always", str(path)).output
    assert "\x1b[32m+" in colored and "\x1b[1m--- " in colored
    assert invoke("fix", "--dry-run", "--color", "never", str(path)).output == plain


def test_progress_line_only_on_a_terminal_with_many_files(tmp_path):
    from io import StringIO

    from terrafix.output.terminal import PROGRESS_MIN_FILES, progress_reporter

    class Terminal(StringIO):
        def isatty(self) -> bool:
            return True

    assert progress_reporter(StringIO()) is None
    stream = Terminal()
    report = progress_reporter(stream)
    report(1, PROGRESS_MIN_FILES - 1)
    assert stream.getvalue() == ""
    report(PROGRESS_MIN_FILES // 2, PROGRESS_MIN_FILES)
    report(PROGRESS_MIN_FILES, PROGRESS_MIN_FILES)
    shown = stream.getvalue()
    assert f"{PROGRESS_MIN_FILES // 2}/{PROGRESS_MIN_FILES} files" in shown
    assert shown.endswith("\r")  # the line is cleared at the end
