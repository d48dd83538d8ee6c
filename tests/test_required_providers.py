"""TF011 required-providers on fixtures rebuilt from the seeds, and on both corpora."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from corpus import GENERATED, REAL, needs_shared, real_modules
from oracle import needs_oracle, not_fmt_clean
from rulekit import (
    assert_parse_and_fmt_clean,
    copy_task,
    fix_and_write,
    fixture_copier,
    flagged_tasks,
    module_with,
    newly_unparsable,
    parses,
    read_module,
)
from terrafix.transforms.required_providers import provider_uses

from terrafix.engine.config import Config
from terrafix.engine.pipeline import run
from terrafix.model import Module
from terrafix.model.provider_requirements import module_requirements
from terrafix.model.versions import floor_of, lowest, version_key
from terrafix.output.diff import unified_diff

FIXTURES = Path(__file__).parent / "fixtures" / "required_providers"
FIXABLE = [
    "seed001",
    "entries",
    "no_terraform_block",
    "uses",
    "callers",
    "pinned_callers",
    "open_callers",
    "locked",
]
TF011 = Config(select=["TF011"])
EPHEMERAL = Config(select=["TF011"], profile="ephemeral")
UNSAFE = Config(select=["TF011"], unsafe_fixes=True)
PROFILES = {"default": TF011, "ephemeral": EPHEMERAL, "default-unsafe": UNSAFE}


@pytest.fixture
def copy(tmp_path: Path, monkeypatch):
    return fixture_copier(FIXTURES, tmp_path, monkeypatch)


def fix(path: Path, config: Config = EPHEMERAL):
    return fix_and_write(path, config)


def fixes(path: Path, config: Config) -> list[tuple[str, str | None]]:
    """(message, applicability of its fix) for each finding of a check run."""
    return [
        (f.message, f.fix.applicability if f.fix else None)
        for f in run([path], config, fix=False).findings
    ]


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("name", FIXABLE)
def test_fixture(copy, name, profile, snapshot):
    config = PROFILES[profile]
    path = copy(name)
    found = run([path], config, fix=False).findings
    first = fix(path, config)
    assert first.errors == []
    second = run([path], config, fix=True)
    assert second.changed_files == []
    remaining = sorted(f.message for f in second.findings)
    assert remaining == sorted(f.message for f in first.findings)
    report = [
        f"{f.path.as_posix()}: {f.message}"
        + (f" ({f.fix.applicability} fix)" if f.fix else " (no fix)")
        for f in found
    ]
    diff = "".join(unified_diff(f) for f in first.changed_files)
    assert "\n".join(report) + "\n\n" + diff == snapshot


def test_seed_adds_random_and_archive_to_the_existing_block(copy):
    path = copy("seed001")
    expected = [
        "provider 'random' is used but not listed in required_providers; add random = "
        '{ source = "hashicorp/random" }',
        "provider 'archive' is used but not listed in required_providers; add archive = "
        '{ source = "hashicorp/archive" }',
    ]
    # No floor to copy (no callers, no repository, no lock file): the sources alone. Safe for a
    # throwaway stack; on code that may be deployed the entries are the maintainers' call.
    assert fixes(path, TF011) == [(m, "unsafe") for m in expected]
    assert fixes(path, EPHEMERAL) == [(m, "safe") for m in expected]
    assert fix(path, TF011).changed_files == []
    fix(path, UNSAFE)
    module = Module.from_texts(path, {p: p.read_text() for p in path.glob("*.tf")})
    assert sorted(module.required_providers) == ["archive", "aws", "random"]
    assert {s.path.name for s in module.required_providers.values()} == {"provider.tf"}
    assert (
        'archive = {\n      source = "hashicorp/archive"\n    }'
        in (path / "provider.tf").read_text()
    )


def test_unknown_providers_are_reported_without_a_fix(copy):
    path = copy("entries")
    fix(path, EPHEMERAL)
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


@pytest.mark.parametrize(
    "call",
    [
        "provider::time::rfc3339_parse(x)",
        "provider :: time :: rfc3339_parse(x)",
        "provider /* the time provider */ :: time :: rfc3339_parse(x)",
        "provider # the time provider\n    :: time :: rfc3339_parse(x)",
    ],
)
def test_a_provider_function_is_found_however_it_is_spaced(call: str):
    """Only files that spell `provider` then `::` are searched for calls: spacing and comments
    between the tokens still count."""
    text = f'output "t" {{\n  value = (\n    {call}\n  )\n}}\n'
    module = Module.from_texts(Path("/m"), {Path("/m/main.tf"): text})
    assert module.complete
    assert sorted(provider_uses(module)) == ["time"]


def test_a_comment_banner_after_the_word_provider_is_read_in_linear_time():
    """The search for `provider ::` skips comments whole: a banner of `#` is not split into
    ever more comments, which would take time exponential in its length."""
    text = "# provider " + "#" * 200 + '\nprovider "aws" {\n  region = "us-east-1"\n}\n'
    module = Module.from_texts(Path("/m"), {Path("/m/main.tf"): text})
    assert sorted(provider_uses(module)) == ["aws"]


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


# ---------------------------------------------------------------- floors


@pytest.mark.parametrize(
    ("constraint", "floor"),
    [
        (">= 4.9", "4.9"),
        ("~> 4.0", "4.0"),
        ("5.31.0", "5.31.0"),
        ("= 3.1", "3.1"),
        (">= 3.1, < 4.0", "3.1"),
        (">= 2.0, >= 2.5.1", "2.5.1"),
        ("> 1.2", "1.2"),
        ("< 6.0", None),
        ("!= 5.1.0", None),
        ("latest", None),
        (">= 5.0.0-beta1", "5.0.0-beta1"),
    ],
)
def test_floor_of_a_constraint(constraint, floor):
    assert floor_of(constraint) == floor


def test_prerelease_sorts_before_its_release_and_numbers_compare_as_numbers():
    assert lowest(["5.0.0", "5.0.0-beta1", "4.10"]) == "4.10"
    assert lowest(["4.10", "4.9"]) == "4.9"
    assert lowest(["5.0", "5.0.0-beta1"]) == "5.0.0-beta1"


def _repository(tmp_path: Path, files: dict[str, str]) -> Path:
    """A git repository (a `.git` folder is enough) holding ``files``."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _requires(name: str, version: str | None) -> str:
    version_line = f'\n      version = "{version}"' if version else ""
    return (
        f'terraform {{\n  required_providers {{\n    {name} = {{\n      source  = "hashicorp/{name}"'
        f"{version_line}\n    }}\n  }}\n}}\n"
    )


QUEUE = 'resource "aws_sqs_queue" "q" {\n  name = "jobs"\n}\n'


def test_sibling_modules_of_the_repository_give_the_lowest_floor_they_state(tmp_path):
    root = _repository(
        tmp_path,
        {
            "modules/a/versions.tf": _requires("aws", "~> 4.40"),
            "modules/b/versions.tf": _requires("aws", ">= 4.9, < 6.0"),
            "modules/c/versions.tf": _requires("aws", None),  # states no floor: no say
            "modules/queue/main.tf": QUEUE,
        },
    )
    assert fixes(root / "modules" / "queue", EPHEMERAL) == [
        (
            "provider 'aws' is used but not listed in required_providers; add aws = "
            '{ source = "hashicorp/aws", version = ">= 4.9" } '
            "(the lowest floor the repository's other modules state)",
            "safe",
        )
    ]


def test_a_callers_floor_is_lowered_to_the_lowest_the_repository_states(tmp_path):
    root = _repository(
        tmp_path,
        {
            "versions.tf": _requires("aws", ">= 5.0"),
            "main.tf": 'module "q" {\n  source = "./modules/queue"\n}\n',
            "legacy/versions.tf": _requires("aws", "~> 4.2"),
            "modules/queue/main.tf": QUEUE,
        },
    )
    [(message, _)] = fixes(root / "modules" / "queue", EPHEMERAL)
    assert 'version = ">= 4.2" } (what the module\'s callers allow)' in message


def test_a_lock_file_floor_is_capped_by_the_repository(tmp_path):
    root = _repository(
        tmp_path,
        {
            "other/versions.tf": _requires("aws", ">= 4.0"),
            "stack/main.tf": QUEUE,
            "stack/.terraform.lock.hcl": (
                'provider "registry.terraform.io/hashicorp/aws" {\n  version = "5.31.0"\n}\n'
            ),
        },
    )
    [(message, _)] = fixes(root / "stack", EPHEMERAL)
    assert 'version = ">= 4.0" }' in message


def test_callers_outside_the_run_in_the_same_repository_are_asked(tmp_path):
    """A run on the child alone still finds its caller's constraint."""
    root = _repository(
        tmp_path,
        {
            "main.tf": _requires("aws", "~> 4.0")
            + '\nmodule "q" {\n  source = "./modules/queue"\n}\n',
            "modules/queue/main.tf": QUEUE,
        },
    )
    [(message, _)] = fixes(root / "modules" / "queue", EPHEMERAL)
    assert 'version = ">= 4.0" } (what the module\'s callers allow)' in message


def test_outside_a_repository_other_folders_of_the_run_are_not_siblings(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "versions.tf").write_text(_requires("aws", ">= 5.0"))
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "main.tf").write_text(QUEUE)
    found = run([tmp_path], EPHEMERAL, fix=False).findings
    assert [f.message for f in found] == [
        "provider 'aws' is used but not listed in required_providers; add aws = "
        '{ source = "hashicorp/aws" }'
    ]


def test_an_entry_without_version_is_not_reported_when_there_is_no_floor_to_copy(tmp_path):
    module = module_with(tmp_path, _requires("aws", None) + "\n" + QUEUE)
    assert run([module], EPHEMERAL, fix=False).findings == []


# ---------------------------------------------------------------- bare version strings

BARE = {
    "aligned": (
        "terraform {\n"
        '  required_version = ">= 0.12"\n\n'
        "  required_providers {\n"
        '    aws      = "~> 2.0"\n'
        '    template = "~> 2.0"\n'
        '    datadog  = "~> 3.0"\n'
        "  }\n}\n"
    ),
    "commented": (
        "terraform {\n  required_providers {\n"
        '    datadog = "~> 3.0"\n'
        '    aws     = "~> 2.0" # pinned\n'
        '    foo     = "1.0"    # the next line\'s comment aligns with a comment just above it\n'
        "  }\n}\n"
    ),
    "one_line_objects": (
        "terraform {\n  required_providers {\n"
        '    datadog = { source = "DataDog/datadog", version = "3.0" }\n'
        '    null    = "~> 2.1"\n'
        "  }\n}\n"
    ),
}


@needs_oracle
@pytest.mark.parametrize("name", BARE)
def test_bare_version_strings_become_objects_and_stay_fmt_clean(tmp_path, name):
    module = module_with(tmp_path, BARE[name])
    assert not_fmt_clean([module / "main.tf"]) == set()
    fix(module, EPHEMERAL)
    assert_parse_and_fmt_clean([module / "main.tf"])
    entries = module_requirements(read_module(module))
    hashicorp = [r for r in entries if r.name in ("aws", "template", "null")]
    assert hashicorp and all(r.source == f"hashicorp/{r.name}" and r.version for r in hashicorp)
    others = {r.name: r.source for r in entries if r not in hashicorp}
    assert others.get("foo") is None and "datadog" in others  # unknown ones as they were
    assert run([module], EPHEMERAL, fix=True).changed_files == []


def test_an_entry_with_a_trailing_comment_stays_on_its_line(tmp_path):
    module = module_with(tmp_path, BARE["commented"])
    fix(module, EPHEMERAL)
    assert (
        '    aws     = { source = "hashicorp/aws", version = "~> 2.0" } # pinned\n'
        in (module / "main.tf").read_text()
    )


def test_a_one_line_block_gets_a_one_line_object(tmp_path):
    module = module_with(tmp_path, BARE["one_line_objects"])
    fix(module, EPHEMERAL)
    assert (
        '    null    = { source = "hashicorp/null", version = "~> 2.1" }\n'
        in (module / "main.tf").read_text()
    )


def test_bare_strings_are_left_alone_by_the_safe_fixes_of_the_default_profile(tmp_path):
    module = module_with(tmp_path, BARE["aligned"])
    assert run([module], TF011, fix=True).changed_files == []
    assert run([module], UNSAFE, fix=True).changed_files


@needs_shared
def test_child_modules_stripped_of_their_versions_get_floors_no_higher_than_their_own(tmp_path):
    """Real repositories with every `modules/*/versions.tf` deleted: the floors TF011 copies
    from the callers are never above the ones the maintainers wrote, and mostly equal."""
    theirs: dict[tuple[Path, str], str | None] = {}
    repositories = [
        "terraform-aws-modules+terraform-aws-rds",
        "terraform-aws-modules+terraform-aws-ecs",
    ]
    for repository in repositories:
        shutil.copytree(REAL / repository, tmp_path / repository)
        for versions in (tmp_path / repository).glob("modules/*/versions.tf"):
            for entry in module_requirements(read_module(versions.parent)):
                theirs[(versions.parent, entry.name)] = floor_of(entry.version)
            versions.unlink()
    compared = {"same": 0, "lower": 0, "none": 0}
    for finding in run([tmp_path / r for r in repositories], EPHEMERAL, fix=False).findings:
        wrote = theirs.get((finding.path.parent, finding.message.split("'")[1]))
        if wrote is None:
            continue
        if 'version = ">= ' not in finding.message:
            compared["none"] += 1  # no caller lists the provider: the source alone
            continue
        ours = finding.message.split('version = ">= ', 1)[1].split('"')[0]
        assert version_key(ours) <= version_key(wrote), finding.message
        compared["same" if ours == wrote else "lower"] += 1
    assert compared["same"] >= 8 and compared["same"] > compared["lower"] + compared["none"]
