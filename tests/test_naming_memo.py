"""TF002 asks who calls a module many times while it checks one module: the answer is read from
disk once per check, and never kept past it (files change between checks in an editor)."""

from __future__ import annotations

from pathlib import Path

from terrafix.transforms.naming._analysis import Origin, OriginAnalysis, name_sites, prefix_sites
from terrafix.transforms.naming._callers import local_callers
from terrafix.transforms.naming._length import LengthEstimate
from terrafix.transforms.naming._memo import one_check

from terrafix.model import Module
from terrafix.writer import parse_expression

CALLER = 'module "app" {\n  source = "./app"\n}\n'
CHILD = 'variable "project_name" {\n  type = string\n}\n'


def _child(root: Path) -> Module:
    (root / "app").mkdir()
    (root / "main.tf").write_text(CALLER)
    (root / "app" / "main.tf").write_text(CHILD)
    return Module.from_texts(root / "app", {root / "app" / "main.tf": CHILD})


def test_within_one_check_the_callers_are_read_once(tmp_path):
    child = _child(tmp_path)
    with one_check():
        first = local_callers(child)
        (tmp_path / "main.tf").write_text("# the call is gone\n")
        assert local_callers(child) is first
    assert [call.label_values for _, call in first] == [("app",)]


def test_a_later_check_reads_the_files_again(tmp_path):
    child = _child(tmp_path)
    with one_check():
        assert len(local_callers(child)) == 1
    (tmp_path / "main.tf").write_text("# the call is gone\n")
    with one_check():
        assert local_callers(child) == []
    assert local_callers(child) == []


def test_the_callers_found_within_a_check_are_those_found_without_one(tmp_path):
    child = _child(tmp_path)
    (tmp_path / "main.tf").write_text(CALLER + 'module "again" {\n  source = "./app/"\n}\n')
    outside = local_callers(child)
    with one_check():
        inside = local_callers(child)
    assert [call.label_values for _, call in outside] == [("app",), ("again",)]
    assert [(caller.directory, call) for caller, call in inside] == [
        (caller.directory, call) for caller, call in outside
    ]


def _origins(text: str) -> dict[str, Origin]:
    module = Module.from_texts(Path("/m"), {Path("/m/main.tf"): text})
    analysis = OriginAnalysis(module, {})
    return {site.address: analysis.site_origin(site)[0] for site in name_sites(module)}


def test_a_name_built_with_a_per_deployment_function_differs_per_deployment():
    origins = _origins(
        'resource "aws_sqs_queue" "q" {\n  name = "jobs-${substr(uuid(), 0, 8)}"\n}\n\n'
        'resource "aws_sns_topic" "t" {\n  name = "uuid-topic"\n}\n'
    )
    assert origins == {"aws_sqs_queue.q": Origin.SUFFIXED, "aws_sns_topic.t": Origin.STATIC}


def test_a_module_that_calls_no_per_deployment_function_has_static_names():
    origins = _origins('resource "aws_sqs_queue" "q" {\n  name = "jobs-${lower("A")}"\n}\n')
    assert origins == {"aws_sqs_queue.q": Origin.STATIC}


def test_lower_and_replace_keep_a_names_estimate():
    """A new name is estimated once, before it is wrapped in lower() or replace()."""
    module = Module.from_texts(Path("/m"), {})
    estimate = LengthEstimate(module, 8, {"name_prefix": parse_expression('"Shop-${var.x}"')})
    name = '"${local.name_prefix}-Orders"'
    plain = estimate.value(parse_expression(name))
    assert plain == "Shop-xxxxxxxx-Orders"
    for wrapped in (f"lower({name})", f'replace({name}, "-", "_")', f"lower(lower({name}))"):
        assert estimate.value(parse_expression(wrapped)) == plain


def test_a_files_names_are_found_again_when_its_text_changes():
    path = Path("/m/main.tf")
    before = 'resource "aws_sqs_queue" "q" {\n  name = "jobs"\n}\n'
    after = before + '\nresource "aws_lb" "web" {\n  name_prefix = "webfrontend"\n}\n'
    first = Module.from_texts(Path("/m"), {path: before})
    assert [s.address for s in name_sites(first)] == ["aws_sqs_queue.q"]
    assert prefix_sites(first) == []
    second = Module.from_texts(Path("/m"), {path: after})
    assert [s.address for s in name_sites(second)] == ["aws_sqs_queue.q"]
    assert [s.rules.attribute for s in prefix_sites(second)] == ["name_prefix"]
    assert name_sites(Module.from_texts(Path("/m"), {path: before})) == name_sites(first)
