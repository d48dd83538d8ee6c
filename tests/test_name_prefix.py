"""TF002 name-prefix-locals on fixtures rebuilt from the seeds: what it rewrites, that the output
parses and is fmt-clean, that a second run changes nothing, and where it must stay silent."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from oracle import needs_oracle, not_fmt_clean, unparsable

from terrafix.engine.config import Config
from terrafix.engine.pipeline import run

FIXTURES = Path(__file__).parent / "fixtures" / "name_prefix"
REWRITTEN = [
    "seed000_alb",
    "seed001_lambda",
    "seed002_environment",
    "seed003_lengths",
    "partial_adoption",
    "counted",
    "multi_file",
    "static_prefix_local",
]
UNTOUCHED = ["has_name_prefix", "takes_inputs"]


def _copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    return target


def _fix(path: Path, **config) -> list[Path]:
    result = run([path], Config(select=["TF002"], **config), fix=True)
    assert result.errors == []
    for file in result.changed_files:
        file.path.write_text(file.final, encoding="utf-8", newline="")
    return [f.path for f in result.changed_files]


def _render(module: Path, paths: list[Path]) -> str:
    return "".join(f"# {p.name}\n{p.read_text()}\n" for p in sorted(paths))


@needs_oracle
@pytest.mark.parametrize("name", REWRITTEN)
def test_fix_rewrites_names(tmp_path: Path, name: str, snapshot):
    module = _copy(tmp_path, name)
    changed = _fix(module)
    assert changed
    assert unparsable(changed) == set()
    assert not_fmt_clean(changed) == set()
    assert _fix(module) == []
    assert run([module], Config(select=["TF002"]), fix=False).findings == []
    assert _render(module, changed) == snapshot


@pytest.mark.parametrize("name", UNTOUCHED)
def test_no_finding(name: str):
    assert run([FIXTURES / name], Config(select=["TF002"]), fix=False).findings == []


def test_production_profile_needs_unsafe_fixes(tmp_path: Path):
    module = _copy(tmp_path, "seed001_lambda")
    findings = run([module], Config(select=["TF002"], profile="production"), fix=False).findings
    assert findings and {f.fix.applicability.value for f in findings} == {"unsafe"}
    assert _fix(module, profile="production") == []
    assert _fix(module, profile="production", unsafe_fixes=True)


def test_policy_keeps_pointing_at_renamed_bucket(tmp_path: Path):
    module = _copy(tmp_path, "multi_file")
    _fix(module)
    compute = (module / "compute.tf").read_text()
    assert '"arn:aws:s3:::${local.name_prefix}-reports/*"' in compute
    assert 'TABLE_NAME  = "${local.name_prefix}-entries"' in compute
    assert 'bucket = "${local.name_prefix}-reports"' in (module / "storage.tf").read_text()


def test_long_names_use_prefix_argument_or_substr(tmp_path: Path):
    module = _copy(tmp_path, "seed003_lengths")
    findings = run([module], Config(select=["TF002"]), fix=False).findings
    messages = {f.message.split(":")[0]: f.message for f in findings}
    assert "name_prefix = 'tg-'" in messages["aws_lb_target_group.app"]
    assert "substr()" in messages["aws_lambda_function.report"]
