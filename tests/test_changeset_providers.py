"""Changeset.ensure_required_provider: one entry per provider, in the file the module keeps it."""

from __future__ import annotations

from pathlib import Path

import pytest
from oracle import needs_oracle, not_fmt_clean, unparsable

from terrafix.engine.changeset import Changeset
from terrafix.model import Module

ROOT = Path("/module")

AWS_VERSIONS = """\
terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}
"""

PROVIDER = """\
provider "aws" {
  region = var.aws_region
}
"""


def ensure(files: dict[str, str], *names: str) -> tuple[dict[str, str], list[bool]]:
    """New texts by file name, and what each call answered."""
    module = Module.from_texts(ROOT, {ROOT / k: v for k, v in files.items()})
    changes = Changeset(module)
    answers = [
        changes.ensure_required_provider(name, f"hashicorp/{name}", ">= 2.0") for name in names
    ]
    return {p.name: t for p, t in changes.changes().items()}, answers


def test_adds_to_existing_block_in_versions_tf():
    changed, answers = ensure({"versions.tf": AWS_VERSIONS, "provider.tf": PROVIDER}, "archive")
    assert answers == [True]
    assert list(changed) == ["versions.tf"]
    assert changed["versions.tf"] == AWS_VERSIONS.replace(
        "    }\n  }\n}\n",
        '    }\n    archive = {\n      source  = "hashicorp/archive"\n'
        '      version = ">= 2.0"\n    }\n  }\n}\n',
    )


@pytest.mark.parametrize("holder", ["main.tf", "provider.tf", "terraform.tf", "stack.tf"])
def test_finds_required_providers_wherever_the_module_keeps_it(holder):
    files = {holder: PROVIDER + "\n" + AWS_VERSIONS, "outputs.tf": 'output "x" {\n  value = 1\n}\n'}
    changed, _ = ensure(files, "random")
    assert list(changed) == [holder]
    assert 'random = {\n      source  = "hashicorp/random"' in changed[holder]
    assert changed[holder].count("required_providers") == 1


def test_prefers_versions_file_when_two_files_declare_providers():
    files = {"main.tf": AWS_VERSIONS, "versions.tf": AWS_VERSIONS.replace("aws", "google")}
    changed, _ = ensure(files, "random")
    assert list(changed) == ["versions.tf"]


def test_same_name_twice_and_already_listed_are_no_ops():
    changed, answers = ensure({"versions.tf": AWS_VERSIONS}, "archive", "archive", "aws")
    assert answers == [True, False, False]
    assert changed["versions.tf"].count("archive = {") == 1


def test_several_providers_share_one_new_block():
    changed, answers = ensure(
        {"main.tf": 'resource "random_id" "x" {\n  byte_length = 4\n}\n'}, "archive", "random"
    )
    assert answers == [True, True]
    assert changed == {
        "versions.tf": """\
terraform {
  required_providers {
    archive = {
      source  = "hashicorp/archive"
      version = ">= 2.0"
    }
    random = {
      source  = "hashicorp/random"
      version = ">= 2.0"
    }
  }
}
"""
    }


def test_creates_required_providers_in_terraform_block_before_backend():
    files = {"backend.tf": 'terraform {\n  required_version = ">= 1.0"\n\n  backend "s3" {}\n}\n'}
    changed, _ = ensure(files, "archive")
    assert changed["backend.tf"] == (
        "terraform {\n"
        '  required_version = ">= 1.0"\n'
        "\n"
        "  required_providers {\n"
        "    archive = {\n"
        '      source  = "hashicorp/archive"\n'
        '      version = ">= 2.0"\n'
        "    }\n"
        "  }\n"
        "\n"
        '  backend "s3" {}\n'
        "}\n"
    )


def test_prefers_a_terraform_block_without_backend():
    files = {
        "backend.tf": 'terraform {\n  backend "s3" {}\n}\n',
        "settings.tf": 'terraform {\n  required_version = ">= 1.0"\n}\n',
    }
    changed, _ = ensure(files, "archive")
    assert list(changed) == ["settings.tf"]


def test_one_line_terraform_block_is_laid_out():
    changed, _ = ensure({"main.tf": "terraform {}\n\n" + PROVIDER}, "tls")
    assert changed["main.tf"].startswith(
        'terraform {\n  required_providers {\n    tls = {\n      source  = "hashicorp/tls"\n'
    )
    assert changed["main.tf"].endswith("}\n\n" + PROVIDER)


def test_one_line_entries_stay_one_line_and_aligned():
    versions = (
        "terraform {\n  required_providers {\n"
        '    aws = { source = "hashicorp/aws", version = "~> 5.0" }\n  }\n}\n'
    )
    changed, _ = ensure({"versions.tf": versions}, "archive")
    assert changed["versions.tf"] == (
        "terraform {\n  required_providers {\n"
        '    aws     = { source = "hashicorp/aws", version = "~> 5.0" }\n'
        '    archive = { source = "hashicorp/archive", version = ">= 2.0" }\n  }\n}\n'
    )


def test_new_terraform_block_goes_on_top_of_provider_tf():
    changed, _ = ensure({"provider.tf": "# AWS\n" + PROVIDER, "main.tf": ""}, "archive")
    text = changed["provider.tf"]
    assert text.startswith("terraform {\n  required_providers {\n")
    assert text.endswith("}\n\n# AWS\n" + PROVIDER)


def test_never_writes_provider_settings_into_main_tf():
    changed, _ = ensure({"main.tf": PROVIDER}, "archive")
    assert list(changed) == ["versions.tf"]


def test_keeps_crlf_and_tabs():
    text = 'terraform {\r\n\trequired_providers {\r\n\t\taws = {\r\n\t\t\tsource = "hashicorp/aws"\r\n\t\t}\r\n\t}\r\n}\r\n'
    changed, _ = ensure({"versions.tf": text}, "archive")
    assert '\t\tarchive = {\r\n\t\t\tsource  = "hashicorp/archive"\r\n' in changed["versions.tf"]
    assert "\n" not in changed["versions.tf"].replace("\r\n", "")


@needs_oracle
def test_results_parse_and_are_fmt_clean(tmp_path: Path):
    cases = [
        {"versions.tf": AWS_VERSIONS},
        {"main.tf": "terraform {}\n\n" + PROVIDER},
        {"backend.tf": 'terraform {\n  required_version = ">= 1.0"\n  backend "s3" {}\n}\n'},
        {"provider.tf": PROVIDER},
        {"main.tf": "terraform {\n  required_providers {}\n}\n"},
    ]
    written = []
    for i, files in enumerate(cases):
        changed, _ = ensure(files, "archive", "random")
        for name, text in changed.items():
            path = tmp_path / f"{i}_{name}"
            path.write_text(text)
            written.append(path)
    assert len(written) == len(cases)
    assert unparsable(written) == set()
    assert not_fmt_clean(written) == set()


def test_new_file_uses_fmt_indentation_even_in_a_four_space_module():
    four = 'resource "aws_s3_bucket" "b" {\r\n    bucket = "x"\r\n}\r\n'
    texts, answers = ensure({"main.tf": four}, "random")
    assert answers == [True]
    [created] = [text for name, text in texts.items() if name != "main.tf"]
    assert "\r\n  required_providers {\r\n    random = {\r\n" in created
    assert "\n" not in created.replace("\r\n", "")


def test_without_a_version_the_entry_names_its_source_alone():
    module = Module.from_texts(ROOT, {ROOT / "versions.tf": AWS_VERSIONS})
    changes = Changeset(module)
    assert changes.ensure_required_provider("random", "hashicorp/random", None)
    assert changes.changes()[ROOT / "versions.tf"] == AWS_VERSIONS.replace(
        "    }\n  }\n}\n",
        '    }\n    random = {\n      source = "hashicorp/random"\n    }\n  }\n}\n',
    )
