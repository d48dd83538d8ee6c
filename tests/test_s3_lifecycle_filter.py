"""TF012 s3-lifecycle-filter on fixtures rebuilt from the seed, and on the generated corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus import GENERATED, needs_shared
from oracle import needs_oracle
from rulekit import (
    assert_parse_and_fmt_clean,
    copy_task,
    fix_and_write,
    fixture_copier,
    flagged_tasks,
    newly_unparsable,
    parses,
    read_module,
)
from terrafix.transforms.s3_lifecycle_filter import LIFECYCLE, unfiltered_rules

from terrafix.engine.config import Config
from terrafix.engine.pipeline import run
from terrafix.output.diff import unified_diff

FIXTURES = Path(__file__).parent / "fixtures" / "s3_lifecycle_filter"
FIXABLE = ["seed004", "mixed", "dynamic"]
TF012 = Config(profile="ephemeral", select=["TF012"])


@pytest.fixture
def copy(tmp_path: Path, monkeypatch):
    return fixture_copier(FIXTURES, tmp_path, monkeypatch)


def fix(path: Path):
    return fix_and_write(path, TF012)


@pytest.mark.parametrize("name", FIXABLE)
def test_fixture(copy, name, snapshot):
    path = copy(name)
    found = run([path], TF012, fix=False).findings
    first = fix(path)
    assert first.fixed and first.errors == [] and first.findings == []
    assert run([path], TF012, fix=True).changed_files == []
    report = "\n".join(f.message for f in found)
    assert report + "\n\n" + "".join(unified_diff(f) for f in first.changed_files) == snapshot


def test_only_rules_without_filter_or_prefix_are_reported(copy):
    found = run([copy("mixed")], TF012, fix=False).findings
    assert [f.key.rsplit(":", 1)[1] for f in found] == [
        '"archive"',
        '"versions"',
        '"attributes-only"',
    ]
    assert all(f.fix == found[0].fix for f in found)  # one fix for the resource, shared


def test_filter_goes_after_the_arguments_and_comments_stay(copy):
    path = copy("mixed")
    fix(path)
    text = (path / "main.tf").read_text()
    assert (
        '    status = "Enabled"\n\n    filter {}\n\n    # after three months\n    transition {'
    ) in text
    assert '    status = "Disabled"\n\n    filter {}\n  }' in text


def test_clean_module_has_no_findings(copy):
    assert run([copy("clean")], TF012, fix=False).findings == []


@needs_oracle
def test_fixed_fixtures_parse_and_stay_fmt_clean(copy):
    written = [f.path for name in FIXABLE for f in fix(copy(name)).changed_files]
    assert written
    assert_parse_and_fmt_clean(written)


@needs_shared
@needs_oracle
def test_flagged_generated_tasks_get_filters(tmp_path: Path):
    flagged = flagged_tasks("model_s3_lifecycle_filter", with_model=False)
    assert len(flagged) > 20
    changed, unfixed, left, not_idempotent = [], [], [], []
    for name in flagged:
        work = copy_task(tmp_path, name)
        result = fix(work)
        changed += [f.path for f in result.changed_files]
        if not result.changed_files:
            unfixed.append(name)
            continue
        if run([work], TF012, fix=True).changed_files:
            not_idempotent.append(name)
        for directory in {p.parent for p in work.rglob("*.tf")}:
            module = read_module(directory)
            if all(s.error is None for s in module.files.values()):
                left += [
                    f"{directory.name}: {'.'.join(s.node.label_values)}"
                    for (type_, _), s in module.resources.items()
                    if type_ == LIFECYCLE and any(unfiltered_rules(s.node))
                ]
    assert not_idempotent == []
    assert left == []
    assert newly_unparsable(changed, tmp_path) == set()
    # what is left unfixed has a file that does not parse (HashiCorp's parser agrees)
    assert [name for name in unfixed if parses(GENERATED / name / "model")] == []
    assert len(unfixed) <= 6


@pytest.mark.parametrize("profile", ["default", "production"])
def test_deployed_buckets_get_the_filter_only_on_request(copy, profile):
    """On a deployed bucket the next plan changes, and provider releases disagreed on `filter {}`."""
    path = copy("seed004")
    config = Config(profile=profile, select=["TF012"])
    result = run([path], config, fix=True)
    assert result.findings and result.changed_files == []
    assert {f.fix.applicability.value for f in result.findings} == {"unsafe"}
    unsafe = Config(profile=profile, select=["TF012"], unsafe_fixes=True)
    assert run([path], unsafe, fix=True).changed_files
