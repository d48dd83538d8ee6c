"""parse(text).render() == text, byte for byte, on real Terraform and perturbed copies of it."""

from __future__ import annotations

import re

import pytest
from corpus import FIXTURES, REAL, hcl_files, needs_shared, read, real_modules

import terrafix


def _squash(text: str) -> str:
    text = re.sub(r"(?m)^(\s*\w+) += +", r"\1=", text)
    return text.replace("{ ", "{").replace(" }", "}")


PERTURBATIONS = {
    "as-is": lambda t: t,
    "crlf": lambda t: t.replace("\r\n", "\n").replace("\n", "\r\n"),
    "bom": lambda t: "\ufeff" + t,
    "tabs": lambda t: t.replace("  ", "\t"),
    "trailing-spaces": lambda t: t.replace("\n", "  \n"),
    "no-final-newline": lambda t: t.rstrip("\r\n"),
    "squashed": _squash,
    "extra-blank-lines": lambda t: t.replace("\n\n", "\n\n\n\n"),
}

# Fixture files that HashiCorp's own parser rejects: they must fail cleanly, not round-trip.
INVALID_FIXTURES = {
    "amplify-education+python-hcl2/test/integration/hcl2_original/smoke.tf",
    "amplify-education+python-hcl2/test/integration/specialized/template_directives.tf",
    "amplify-education+python-hcl2/test/integration/specialized/template_directives_reconstructed.tf",
    "hashicorp+hcl/specsuite/tests/structure/attributes/singleline_bad.hcl",
    "hashicorp+hcl/specsuite/tests/structure/blocks/single_oneline_invalid.hcl",
    "hashicorp+hcl/specsuite/tests/structure/blocks/single_unclosed.hcl",
    "hashicorp+hcl/hclwrite/fuzz/testdata/fuzz/FuzzParseConfig/function-call-tmpl.hcl",
}


def _roundtrip_failures(files, perturb) -> list[str]:
    failures = []
    for path in files:
        text = perturb(read(path))
        try:
            out = terrafix.parse(text, path=str(path)).render()
        except terrafix.HclSyntaxError as err:
            failures.append(f"{path}: {err.message} at {err.line}:{err.column}")
            continue
        if out != text:
            failures.append(f"{path}: render differs")
    return failures


@needs_shared
@pytest.mark.parametrize("perturbation", sorted(PERTURBATIONS))
@pytest.mark.parametrize("module", real_modules(), ids=lambda p: p.name)
def test_real_corpus_roundtrips(module, perturbation):
    files = hcl_files(module)
    assert files, f"no HCL files under {module}"
    assert _roundtrip_failures(files, PERTURBATIONS[perturbation]) == []


def _fixture_files():
    return [p for p in hcl_files(FIXTURES) if not p.name.endswith(".json")]


@needs_shared
@pytest.mark.parametrize("perturbation", sorted(PERTURBATIONS))
def test_fixture_corpus_roundtrips(perturbation):
    files = [p for p in _fixture_files() if str(p.relative_to(FIXTURES)) not in INVALID_FIXTURES]
    assert len(files) > 50
    assert _roundtrip_failures(files, PERTURBATIONS[perturbation]) == []


@needs_shared
@pytest.mark.parametrize("name", sorted(INVALID_FIXTURES))
def test_invalid_fixtures_raise_syntax_error(name):
    path = FIXTURES / name
    with pytest.raises(terrafix.HclSyntaxError) as info:
        terrafix.parse(read(path), path=str(path))
    assert info.value.path == str(path)
    assert info.value.line >= 1 and info.value.column >= 1


@needs_shared
def test_real_corpus_is_all_there():
    assert len(hcl_files(REAL)) >= 1400
