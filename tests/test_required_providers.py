"""TF011 required-providers on fixtures rebuilt from the seeds, and on both corpora."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus import GENERATED, REAL, needs_shared, real_modules
from oracle import needs_oracle
from rulekit import (
    assert_parse_and_fmt_clean,
    copy_task,
    fix_and_write,
    fixture_copier,
    flagged_tasks,
    newly_unparsable,
    parses,
)
from terrafix.transforms.required_providers import provider_uses

from terrafix.engine.config import Config
from terrafix.engine.pipeline import run
from terrafix.model import Module
from terrafix.output.diff import unified_diff

FIXTURES = Path(__file__).parent / "fixtures" / "required_providers"
FIXABLE = ["seed001", "entries", "no_terraform_block", "uses"]
TF011 = Config(select=["TF011"])


@pytest.fixture
def copy(tmp_path: Path, monkeypatch):
    return fixture_copier(FIXTURES, tmp_path, monkeypatch)


def fix(path: Path, config: Config = TF011):
    return fix_and_write(path, config)


@pytest.mark.parametrize("name", FIXABLE)
def test_fixture(copy, name, snapshot):
    path = copy(name)
    found = run([path], TF011, fix=False).findings
    first = fix(path)
    assert first.fixed and first.errors == []
    second = run([path], TF011, fix=True)
    assert second.changed_files == []
    remaining = sorted(f.message for f in second.findings)
    assert remaining == sorted(f.message for f in first.findings)
    report = [f"{f.path.name}: {f.message}{' (fixable)' if f.fix else ''}" for f in found]
    diff = "".join(unified_diff(f) for f in first.changed_files)
    assert "\n".join(report) + "\n\n" + diff == snapshot


def test_seed_adds_random_and_archive_to_the_existing_block(copy):
    path = copy("seed001")
    found = run([path], TF011, fix=False).findings
    assert [f.message for f in found] == [
        "provider 'random' is used but not listed in required_providers; add random = "
        '{ source = "hashicorp/random", version = ">= 3.0" }',
        "provider 'archive' is used but not listed in required_providers; add archive = "
        '{ source = "hashicorp/archive", version = ">= 2.0" }',
    ]
    fix(path)
    module = Module.from_texts(path, {p: p.read_text() for p in path.glob("*.tf")})
    assert sorted(module.required_providers) == ["archive", "aws", "random"]
    assert {s.path.name for s in module.required_providers.values()} == {"provider.tf"}


def test_unknown_providers_are_reported_without_a_fix(copy):
    path = copy("entries")
    fix(path)
    left = run([path], TF011, fix=False).findings
    assert [(f.message, f.fix) for f in left] == [
        (
            "provider 'datadog' is used but not listed in required_providers; "
            "add it with its registry source",
            None,
        )
    ]
    text = (path / "versions.tf").read_text()
    assert 'source = "alekc/kubectl"\n' in text  # a third-party entry keeps its own layout


def test_builtin_terraform_provider_is_never_required(copy):
    path = copy("no_terraform_block")
    fix(path)
    text = (path / "provider.tf").read_text()
    assert "null = {" in text and "terraform =" not in text
    assert text.startswith("terraform {\n  required_providers {\n")


def test_uses_include_aliases_ephemeral_resources_and_provider_functions():
    text = (
        'resource "aws_s3_bucket" "b" {\n  provider = aws.west\n}\n\n'
        'resource "google_compute_instance" "vm" {\n  provider = google-beta\n}\n\n'
        'ephemeral "random_password" "db" {\n  length = 24\n}\n\n'
        'output "t" {\n  value = provider::time::rfc3339_parse("2024-01-01T00:00:00Z").unix\n}\n'
    )
    module = Module.from_texts(Path("/m"), {Path("/m/main.tf"): text})
    assert sorted(provider_uses(module)) == ["aws", "google-beta", "random", "time"]


def test_clean_module_has_no_findings(copy):
    assert run([copy("clean")], TF011, fix=False).findings == []


@needs_oracle
def test_fixed_fixtures_parse_and_stay_fmt_clean(copy):
    written = [f.path for name in FIXABLE for f in fix(copy(name)).changed_files]
    assert written
    assert_parse_and_fmt_clean(written)


# ---------------------------------------------------------------- corpora


@needs_shared
@needs_oracle
def test_flagged_generated_tasks_list_every_provider(tmp_path: Path):
    flagged = flagged_tasks("model_required_providers", with_model=False)
    assert len(flagged) > 50
    changed, unfixed, left = [], [], []
    for name in flagged:
        work = copy_task(tmp_path, name)
        result = fix(work)
        changed += [f.path for f in result.changed_files]
        if not result.changed_files:
            unfixed.append(name)
            continue
        # a second run from disk: nothing left to fix means it would change nothing
        again = run([work], TF011, fix=False)
        broken = {f.path.parent for f in again.files.values() if f.error is not None}
        left += [
            f"{f.path}: {f.message}"
            for f in again.findings
            if f.fix is not None and f.path.parent not in broken
        ]
    assert left == []
    assert newly_unparsable(changed, tmp_path) == set()
    # what is left unfixed has a file that does not parse (HashiCorp's parser agrees)
    assert [name for name in unfixed if parses(GENERATED / name / "model")] == []
    assert len(unfixed) <= 11


@needs_shared
def test_only_true_findings_on_human_written_modules():
    """The real corpus is parsed once for every rule of this family: TF004, TF011-TF013."""
    modules = real_modules()
    assert modules
    config = Config(select=["TF004", "TF011", "TF012", "TF013"])
    found = [f for m in modules for f in run([m], config, fix=False).findings]
    by_rule = {code: [f for f in found if f.rule == code] for code in ("TF004", "TF011", "TF012")}
    assert by_rule["TF004"] == [] and by_rule["TF011"] == []
    # The one real defect: kubecost's lifecycle rules have no filter under AWS provider 5.x,
    # which warns that one of filter or prefix is required.
    kubecost = "aws-ia+terraform-aws-eks-blueprints/patterns/kubecost/main.tf"
    assert [f"{f.path.relative_to(REAL).as_posix()}: {f.message}" for f in by_rule["TF012"]] == [
        f"{kubecost}: aws_s3_bucket_lifecycle_configuration.{name}: lifecycle rule "
        '"cost" has neither filter nor prefix; AWS provider v5 needs one: add filter {}'
        for name in ("cur", "athena_results")
    ]
    # TF013 runs only when selected, since AWS encrypts new queues by default. Selected, it
    # names exactly the example queues that leave encryption to that default.
    queues = [f for f in found if f.rule == "TF013"]
    assert queues and all("/examples/" in f.path.as_posix() for f in queues)
    for finding in queues:
        text = finding.path.read_text()
        block = text[text.rfind("\nresource ", 0, finding.start) : text.find("\n}", finding.start)]
        assert "kms_master_key_id" not in block and "sqs_managed_sse_enabled" not in block
