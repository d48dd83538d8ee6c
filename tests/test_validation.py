"""The offline validation agrees with Terraform's own loader, case by case, and finds nothing
Terraform would not on the human-written corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from corpus import REAL
from terraform_oracle import TerraformError, needs_terraform, terraform_errors

from terrafix.model import Module, discover_modules
from terrafix.model.validation import new_problems, validate

# Terraform's titles for what the validation checks (resource titles name the type).
CHECKED = re.compile(
    r"Attribute redefined|Duplicate (variable declaration|local value definition|output "
    r"definition|module call|provider configuration|required providers configuration|"
    r'(resource|data) ".*" configuration)|Variables not allowed|Function calls not allowed|'
    r"Invalid expression|Invalid reference in replace_triggered_by expression|"
    r"Reference to undeclared (input variable|local value|resource|module)"
)

# (id, files, terraform command, how many problems both must find)
CASES = [
    # ---- an argument set twice
    (
        "repeated-top",
        {"main.tf": 'resource "terraform_data" "a" {\n  input = 1\n  input = 2\n}\n'},
        "init",
        1,
    ),
    (
        "repeated-required-provider",
        {
            "versions.tf": "terraform {\n  required_providers {\n"
            '    archive = { source = "hashicorp/archive" }\n'
            '    archive = { source = "hashicorp/archive" }\n  }\n}\n'
        },
        "init",
        1,
    ),
    (
        "repeated-nested",
        {
            "main.tf": 'resource "terraform_data" "a" {\n  lifecycle {\n'
            "    prevent_destroy = false\n    prevent_destroy = true\n  }\n}\n"
        },
        "init",
        1,
    ),
    ("repeated-local", {"main.tf": "locals {\n  a = 1\n  a = 2\n}\n"}, "init", 1),
    # ---- duplicate declarations
    (
        "duplicate-variable",
        {"a.tf": 'variable "x" {}\n', "b.tf": 'variable "x" {\n  default = 1\n}\n'},
        "init",
        1,
    ),
    ("duplicate-local", {"main.tf": "locals {\n  a = 1\n}\n\nlocals {\n  a = 2\n}\n"}, "init", 1),
    (
        "duplicate-output",
        {"main.tf": 'output "o" {\n  value = 1\n}\n\noutput "o" {\n  value = 2\n}\n'},
        "init",
        1,
    ),
    (
        "duplicate-resource-and-data",
        {
            "main.tf": 'resource "terraform_data" "a" {}\n\nresource "terraform_data" "a" {}\n\n'
            'data "terraform_remote_state" "r" {\n  backend = "local"\n}\n\n'
            'data "terraform_remote_state" "r" {\n  backend = "local"\n}\n'
        },
        "init",
        2,
    ),
    (
        "duplicate-module",
        {"main.tf": 'module "m" {\n  source = "./m"\n}\n\nmodule "m" {\n  source = "./m"\n}\n'},
        "init",
        1,
    ),
    (
        "duplicate-providers",
        {
            "main.tf": 'provider "aws" {}\n\nprovider "aws" {}\n\n'
            'provider "aws" {\n  alias = "w"\n}\n\nprovider "aws" {\n  alias = "w"\n}\n\n'
            'provider "aws" {\n  alias = "e"\n}\n'
        },
        "init",
        2,
    ),
    (
        "duplicate-required-providers-blocks",
        {
            "a.tf": 'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n',
            "b.tf": "terraform {\n  required_providers {\n"
            '    random = { source = "hashicorp/random" }\n  }\n}\n',
        },
        "init",
        1,
    ),
    (
        "override-file-merges",
        {
            "main.tf": 'variable "x" {\n  default = 1\n}\n',
            "override.tf": 'variable "x" {\n  default = 2\n}\n',
        },
        "init",
        0,
    ),
    # ---- references where Terraform takes constants
    (
        "variable-static",
        {
            "main.tf": 'variable "x" {\n  description = "the ${var.y} one"\n  default     = ["a", local.z]\n'
            "  sensitive   = var.s\n  nullable    = local.n\n}\n\n"
            'variable "f" {\n  default = upper("x")\n}\n'
        },
        "init",
        5,
    ),
    (
        "variable-literals-are-fine",
        {
            "main.tf": 'variable "x" {\n  type = object({ enabled = bool, name = optional(string) })\n'
            "  default = {\n    enabled = true\n    name    = null\n  }\n\n"
            "  validation {\n    condition     = var.x.enabled || var.y\n"
            '    error_message = "needs ${var.y}"\n  }\n}\n\nvariable "y" {\n  type = bool\n}\n'
        },
        "init",
        0,
    ),
    (
        "output-module-provider-static",
        {
            "main.tf": 'output "o" {\n  value       = 1\n  description = "for ${var.v}"\n}\n\n'
            'module "m" {\n  source  = "./${var.v}"\n  version = var.v\n}\n\n'
            'provider "aws" {\n  alias = var.v\n}\n\nvariable "v" {}\n'
        },
        "init",
        4,
    ),
    (
        "terraform-block-static",
        {"main.tf": 'terraform {\n  required_version = ">= ${var.v}"\n}\n\nvariable "v" {}\n'},
        "init",
        1,
    ),
    (
        "backend-static",
        {
            "main.tf": 'terraform {\n  backend "local" {\n    path = "${var.dir}/state"\n  }\n}\n\n'
            'variable "dir" {}\n'
        },
        "init-backend",
        1,
    ),
    (
        "lifecycle-static",
        {
            "main.tf": 'resource "terraform_data" "a" {\n  lifecycle {\n    prevent_destroy       = var.p\n'
            "    create_before_destroy = local.c\n    ignore_changes        = [input]\n"
            "    replace_triggered_by  = [var.p, terraform_data.b]\n  }\n}\n\n"
            'resource "terraform_data" "b" {}\n\nvariable "p" {}\n\nlocals {\n  c = true\n}\n'
        },
        "init",
        3,
    ),
    (
        "addresses",
        {
            "main.tf": 'resource "terraform_data" "a" {\n  count      = length(terraform_data.b)\n'
            '  depends_on = [terraform_data.b, upper("x")]\n}\n\n'
            'resource "terraform_data" "b" {\n  provider = terraform\n}\n\n'
            "moved {\n  from = terraform_data.old\n  to   = terraform_data.a[0]\n}\n\n"
            "moved {\n  from = terraform_data.older\n  to   = terraform_data.a[var.i]\n}\n\n"
            'variable "i" {}\n'
        },
        "init",
        2,
    ),
    (
        "import-addresses-may-use-each",
        {
            "main.tf": 'variable "ids" {\n  default = { a = "x" }\n}\n\n'
            "import {\n  for_each = var.ids\n  to       = terraform_data.t[each.key]\n"
            "  id       = each.value\n}\n\n"
            'resource "terraform_data" "t" {\n  for_each = var.ids\n}\n\n'
            "removed {\n  from = terraform_data.gone\n\n  lifecycle {\n    destroy = false\n  }\n}\n"
        },
        "init",
        0,
    ),
    # ---- references to what the module does not declare
    (
        "undeclared",
        {
            "main.tf": 'resource "terraform_data" "a" {\n  input = [var.nope, local.nope]\n}\n\n'
            'output "o" {\n  value = [terraform_data.gone.id, module.none.x, '
            "data.terraform_remote_state.gone.outputs]\n}\n\n"
            'output "p" {\n  value      = 1\n  depends_on = [terraform_data.missing]\n}\n'
        },
        "validate",
        5,  # Terraform names a line once per title: two undeclared resources on line 6
    ),
    (
        "scopes-resolve",
        {
            "main.tf": 'variable "names" {\n  type    = list(string)\n  default = ["a"]\n}\n\n'
            "locals {\n  upper_names = [for name_x in var.names : upper(name_x)]\n"
            '  pairs       = { for k_1, v_1 in var.names : v_1 => k_1 if v_1 != "" }\n'
            '  text        = "%{for n_x in var.names}${n_x}%{endfor}"\n}\n\n'
            'resource "terraform_data" "each" {\n  for_each = toset(var.names)\n'
            "  input    = [each.key, path.module, terraform.workspace, local.pairs]\n}\n\n"
            'resource "terraform_data" "counted" {\n  count = 2\n  input = count.index\n\n'
            "  lifecycle {\n    postcondition {\n      condition     = self.input != null\n"
            '      error_message = "x"\n    }\n  }\n}\n\n'
            'check "state" {\n  data "terraform_remote_state" "s" {\n    backend = "local"\n  }\n\n'
            "  assert {\n    condition     = data.terraform_remote_state.s.outputs != null\n"
            '    error_message = "x"\n  }\n}\n\n'
            'output "o" {\n  value = [local.upper_names, local.text, terraform_data.counted[0].id]\n}\n'
        },
        "validate",
        0,
    ),
]


def _write(tmp_path: Path, files: dict[str, str]) -> Path:
    module = tmp_path / "m"
    module.mkdir()
    for name, text in files.items():
        (module / name).write_text(text)
    return module


def _ours(module: Path) -> set[TerraformError]:
    texts = {p: p.read_text() for p in sorted(module.glob("*.tf"))}
    problems = validate(Module.from_texts(module, texts))
    return {TerraformError(p.summary, p.path.name, p.line) for p in problems}


def _theirs(module: Path, command: str) -> set[TerraformError]:
    return {e for e in terraform_errors(module, command=command) if CHECKED.fullmatch(e.summary)}


@needs_terraform
@pytest.mark.parametrize(
    ("files", "command", "count"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_validation_agrees_with_terraform(tmp_path, files, command, count):
    module = _write(tmp_path, files)
    ours = _ours(module)
    assert ours == _theirs(module, command)
    assert len(ours) == count


def test_dynamic_block_iterators_are_in_scope(tmp_path):
    """No offline Terraform has a provider with nested blocks, so this one is ours alone."""
    module = _write(
        tmp_path,
        {
            "main.tf": 'resource "aws_security_group" "sg" {\n'
            '  dynamic "ingress_rule" {\n    for_each = var.rules\n'
            "    content {\n      from_port = ingress_rule.value.port\n    }\n  }\n\n"
            '  dynamic "egress" {\n    for_each = var.rules\n    iterator = out_rule\n'
            "    content {\n      to_port = out_rule.value.port\n"
            "      cidr_blocks = [for c_1 in out_rule.value.cidrs : c_1.block]\n    }\n  }\n}\n\n"
            'variable "rules" {}\n'
        },
    )
    assert _ours(module) == set()


def test_references_are_not_judged_when_declarations_may_be_hidden(tmp_path):
    module = _write(tmp_path, {"main.tf": 'output "o" {\n  value = var.elsewhere\n}\n'})
    assert {e.summary for e in _ours(module)} == {"Reference to undeclared input variable"}
    (module / "variables.tf.json").write_text('{"variable": {"elsewhere": {}}}')
    assert _ours(module) == set()


def test_problems_carry_terraform_wording_and_positions(tmp_path):
    module = _write(
        tmp_path,
        {"versions.tf": 'terraform {\n  required_providers {\n    a = "1"\n    a = "2"\n  }\n}\n'},
    )
    [problem] = validate(
        Module.from_texts(module, {module / "versions.tf": (module / "versions.tf").read_text()})
    )
    assert (problem.summary, problem.line, problem.column, problem.source) == (
        "Attribute redefined",
        4,
        5,
        "a",
    )
    assert problem.detail == (
        'The argument "a" was already set at versions.tf:3,5-6. Each argument may be set only once.'
    )
    text = (module / "versions.tf").read_text()
    assert problem.byte_span(text) == (text.index('a = "2"'), text.index('a = "2"') + 1)


def test_new_problems_ignore_positions_but_count_repeats(tmp_path):
    module = _write(tmp_path, {"main.tf": "locals {\n  a = 1\n  a = 2\n}\n"})
    path = module / "main.tf"
    before = validate(Module.from_texts(module, {path: path.read_text()}))
    shifted = validate(Module.from_texts(module, {path: "\n\nlocals {\n  a = 1\n  a = 2\n}\n"}))
    assert new_problems(before, shifted) == []
    again = validate(Module.from_texts(module, {path: "locals {\n  a = 1\n  a = 2\n  a = 3\n}\n"}))
    assert [p.line for p in new_problems(before, again)] == [4]


def test_a_name_the_module_already_lacks_is_no_new_problem_in_another_file(tmp_path):
    module = _write(tmp_path, {"main.tf": 'output "o" {\n  value = var.project\n}\n'})
    main = module / "main.tf"
    before = validate(Module.from_texts(module, {main: main.read_text()}))
    texts = {
        main: main.read_text(),
        module / "locals.tf": 'locals {\n  p = "${var.project}-x"\n}\n',
    }
    assert new_problems(before, validate(Module.from_texts(module, texts))) == []
    texts[module / "locals.tf"] = 'locals {\n  p = "${var.other}-x"\n}\n'
    [added] = new_problems(before, validate(Module.from_texts(module, texts)))
    assert (added.summary, added.source) == ("Reference to undeclared input variable", "var.other")


# ---------------------------------------------------------------- the human corpus


def _corpus_problems():
    out = {}
    for directory, files in discover_modules([REAL]).items():
        problems = validate(Module.from_texts(directory, {f: f.read_text() for f in files}))
        if problems:
            out[directory] = problems
    return out


@pytest.mark.skipif(not REAL.exists(), reason="../shared/corpus/real is absent")
@needs_terraform
def test_human_corpus_problems_are_all_confirmed_by_terraform(tmp_path):
    """Every problem found in human modules is one Terraform reports too: the loader's own
    (`init`) for declarations, and for undeclared variables and locals `validate` on a probe
    module holding the module's variables and locals and one output per reported reference."""
    found = _corpus_problems()
    for directory, problems in found.items():
        loader = {p for p in problems if not p.summary.startswith("Reference to undeclared")}
        if loader:
            assert _loader_confirms(directory, loader)
        undeclared = [p for p in problems if p.summary.startswith("Reference to undeclared")]
        if undeclared:
            assert _probe_confirms(tmp_path / directory.name, directory, undeclared)


def _loader_confirms(directory: Path, problems) -> bool:
    """`terraform init` reports every one of ``problems``; those in a backend's settings only
    when the backend is initialised too (which stops at the error, before any connection)."""
    ours = {TerraformError(p.summary, p.path.name, p.line) for p in problems}
    theirs = _theirs(directory, "init")
    if not ours <= theirs:
        theirs |= _theirs(directory, "init-backend")
    return ours <= theirs


def _probe_confirms(probe: Path, directory: Path, problems) -> bool:
    """Terraform, given the module's variables and an output per reference, finds each of
    them undeclared (only references to variables are probed: no others are expected)."""
    if any(p.summary != "Reference to undeclared input variable" for p in problems):
        return False
    probe.mkdir(parents=True)
    module = Module.from_texts(directory, {f: f.read_text() for f in directory.glob("*.tf")})
    blocks = [s.node.render() for s in module.variables.values()]
    blocks += [f'output "probe_{i}" {{\n  value = {p.source}\n}}\n' for i, p in enumerate(problems)]
    (probe / "main.tf").write_text("\n".join(blocks))
    theirs = terraform_errors(probe, command="validate")
    return sum(e.summary == "Reference to undeclared input variable" for e in theirs) == len(
        problems
    )
