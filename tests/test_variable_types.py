"""TF001 declares undeclared variables with the type (and default) their uses make clear, and
leaves the declaration to a human when uses disagree or say nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus import REAL, needs_shared
from oracle import needs_oracle
from rulekit import assert_parse_and_fmt_clean, module_with, write

from terrafix.engine.config import Config
from terrafix.engine.pipeline import run

CONFIG = Config(select=["TF001"], profile="ephemeral")


def _declared(module: Path) -> str:
    """Fix the module and return the text of the declarations it added."""
    result = run([module], CONFIG, fix=True)
    assert result.errors == []
    write(result)
    assert run([module], CONFIG, fix=True).changed_files == []
    path = module / "variables.tf"
    return path.read_text() if path.exists() else ""


def _fixes(module: Path) -> dict[str, str | None]:
    """Each undeclared variable → its fix's description (None when display-only)."""
    findings = run([module], CONFIG, fix=False).findings
    return {
        f.message.split("'")[1]: (f.fix.description if f.fix else None)
        for f in findings
        if f.rule == "TF001"
    }


@pytest.mark.parametrize(
    ("use", "declaration"),
    [
        ("count = var.replicas", "type = number"),
        ("count = var.create ? 1 : 0", "type = bool"),
        ("count = !var.disabled ? 1 : 0", "type = bool"),
        ("count = (var.replicas) * 2", "type = number"),
        ('name = "queue-${var.stage}"', "type = string"),
        ('name = "q"\n  delay_seconds = var.delay * 2', "type = number"),
        ('name = "q"\n  tags = { Team = var.team }', 'type    = string\n  default = ""'),
        ('name = "q"\n  tags = var.extra_tags', "type    = map(string)\n  default = {}"),
        ('name = "q-${length(var.zones)}"', "type = list(any)"),
        ('name = "q-${var.zones[count.index]}"\n  count = 2', "type = list(any)"),
        ('name = join("-", var.words)', "type = list(string)"),
        # the AWS provider's schema: these arguments have one type in every resource
        ('name = "q"\n  kms_data_key_reuse_period_seconds = var.reuse', "type = number"),
        ('name = "q"\n  sqs_managed_sse_enabled = var.sse', "type = bool"),
    ],
)
def test_type_from_one_use(tmp_path: Path, use: str, declaration: str):
    module = module_with(tmp_path, f'resource "aws_sqs_queue" "q" {{\n  {use}\n}}\n')
    assert declaration in _declared(module)


@needs_oracle
def test_count_switch_gets_the_value_it_treats_as_off(tmp_path: Path):
    """Seed-like: `count = var.notification_email != "" ? 1 : 0` and `endpoint = var...`."""
    module = module_with(
        tmp_path,
        'resource "aws_sns_topic_subscription" "email" {\n'
        '  count     = var.notification_email != "" ? 1 : 0\n'
        "  topic_arn = aws_sns_topic.t.arn\n"
        '  protocol  = "email"\n'
        "  endpoint  = var.notification_email\n"
        "}\n",
    )
    text = _declared(module)
    assert 'variable "notification_email" {\n  type    = string\n  default = ""\n}' in text
    assert_parse_and_fmt_clean([module / "variables.tf"])


def test_for_each_map_or_set_follows_each_value(tmp_path: Path):
    module = module_with(
        tmp_path,
        'resource "aws_sqs_queue" "by_key" {\n'
        "  for_each = var.queue_names\n"
        "  name     = each.key\n"
        "}\n\n"
        'resource "aws_sqs_queue" "by_value" {\n'
        "  for_each = var.queue_delays\n"
        "  name     = each.key\n"
        "  delay_seconds = each.value\n"
        "}\n\n"
        'resource "aws_sqs_queue" "objects" {\n'
        "  for_each = var.queues\n"
        "  name     = each.value.name\n"
        "}\n\n"
        'resource "aws_sqs_queue" "tagged" {\n'
        "  for_each = var.tag_map\n"
        '  name     = "x"\n'
        "  tags     = merge(var.tag_map, {})\n"
        "}\n",
    )
    text = _declared(module)
    assert 'variable "queue_names" {\n  type = set(string)\n}' in text
    assert 'variable "queue_delays" {\n  type = map(string)\n}' in text
    assert 'variable "queues" {\n  type = map(any)\n}' in text
    assert 'variable "tag_map" {\n  type = map(string)\n}' in text  # for_each gives no default


def test_disagreeing_uses_leave_it_display_only(tmp_path: Path):
    """A list (`length`) and a string (`lower`) at once: no type can be right."""
    module = module_with(
        tmp_path,
        'resource "aws_sqs_queue" "q" {\n'
        "  count = length(var.mixed)\n"
        "  name  = lower(var.mixed)\n"
        "}\n\n"
        'resource "aws_sqs_queue" "r" {\n'
        '  name = "r"\n'
        "  policy = jsonencode(var.thing)\n"
        "}\n",
    )
    assert _fixes(module) == {"mixed": None, "thing": None}


def test_root_module_message_says_the_value_must_be_set(tmp_path: Path):
    module = module_with(tmp_path, 'resource "aws_sqs_queue" "q" {\n  count = var.replicas\n}\n')
    assert "must be set with -var or a .tfvars file" in _fixes(module)["replicas"]


def _two_modules(tmp_path: Path, root: str, child: str) -> tuple[Path, Path]:
    root_dir = module_with(tmp_path, root)
    child_dir = root_dir / "modules" / "child"
    child_dir.mkdir(parents=True)
    (child_dir / "main.tf").write_text(child)
    return root_dir, child_dir


def test_module_argument_takes_the_called_modules_declared_type(tmp_path: Path):
    root, _ = _two_modules(
        tmp_path,
        'module "child" {\n  source  = "./modules/child"\n  subnets = var.private_subnets\n}\n',
        'variable "subnets" {\n  type = list(object({ cidr = string }))\n}\n',
    )
    assert "type = list(object({ cidr = string }))" in _declared(root)


def test_child_variable_takes_the_type_of_what_callers_pass(tmp_path: Path):
    root, child = _two_modules(
        tmp_path,
        'variable "zones" {\n  type = list(string)\n}\n\n'
        'module "child" {\n'
        '  source = "./modules/child"\n'
        "  zones  = var.zones\n"
        '  stage  = "dev"\n'
        "  size   = 3\n"
        "}\n",
        'resource "aws_sqs_queue" "q" {\n'
        "  count = var.size\n"
        '  name  = "${var.stage}-${var.zones[count.index]}"\n'
        "  tags  = { Owner = var.owner }\n"
        "}\n",
    )
    result = run([root], CONFIG, fix=True)
    write(result)
    text = (child / "variables.tf").read_text()
    assert 'variable "zones" {\n  type = list(string)\n}' in text
    assert 'variable "stage" {\n  type = string\n}' in text
    assert 'variable "size" {\n  type = number\n}' in text
    # no caller passes `owner`: the tag's default "" keeps the call valid
    assert 'variable "owner" {\n  type    = string\n  default = ""\n}' in text


def test_child_variable_no_caller_passes_and_no_default_stays_display_only(tmp_path: Path):
    root, _ = _two_modules(
        tmp_path,
        'module "child" {\n  source = "./modules/child"\n}\n',
        'resource "aws_sqs_queue" "q" {\n  count = var.size\n}\n',
    )
    findings = run([root], CONFIG, fix=False).findings
    assert [(f.message.split("'")[1], f.fix) for f in findings] == [("size", None)]


def test_a_caller_that_does_not_parse_leaves_every_child_variable_undecided(tmp_path: Path):
    root, child = _two_modules(
        tmp_path,
        'module "child" {\n  source = "./modules/child"\n  size   = 3\n  stage  = "dev"\n}\n',
        'resource "aws_sqs_queue" "q" {\n  count = var.size\n  name  = var.stage\n}\n',
    )
    (root / "broken.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = \n')
    findings = [f for f in run([root], CONFIG, fix=False).findings if f.path.parent == child]
    undeclared = sorted((f.message.split("'")[1], f.fix) for f in findings if f.rule == "TF001")
    assert undeclared == [("size", None), ("stage", None)]
    (root / "broken.tf").unlink()
    findings = [f for f in run([root], CONFIG, fix=False).findings if f.path.parent == child]
    fixed = sorted(f.message.split("'")[1] for f in findings if f.rule == "TF001" and f.fix)
    assert fixed == ["size", "stage"]


@needs_shared
def test_real_modules_get_no_new_declarations():
    """Human modules declare what they use: only the security-group module's `_templates`
    folder (template sources rendered by a script, not a module) references undeclared
    variables."""
    result = run([REAL], Config(select=["TF001"], profile="ephemeral"), fix=True)
    changed = {f.path.parent.name for f in result.changed_files}
    assert changed <= {"_templates"}


def test_child_variable_from_callers_resource_attributes_and_module_outputs(tmp_path: Path):
    """`aws_kms_key.k.arn` is a string, `module.net.subnet_ids` a list of strings and
    `module.q.dlq_arns[0]` one string; a number passed into a Lambda environment variable is a
    number (the map converts it)."""
    root, child = _two_modules(
        tmp_path,
        'variable "rules" {\n  type = number\n}\n\n'
        'module "child" {\n'
        '  source     = "./modules/child"\n'
        "  kms_key    = aws_kms_key.k.arn\n"
        "  subnet_ids = module.net.subnet_ids\n"
        "  dlq        = module.q.dlq_arns[0]\n"
        "  rules      = var.rules\n"
        "}\n",
        'resource "aws_lambda_function" "f" {\n'
        '  function_name = "f"\n'
        "  kms_key_arn   = var.kms_key\n"
        "  vpc_config {\n"
        "    subnet_ids = var.subnet_ids\n"
        "  }\n"
        "  environment {\n"
        "    variables = { RULES = var.rules, DLQ = var.dlq }\n"
        "  }\n"
        "}\n",
    )
    write(run([root], CONFIG, fix=True))
    text = (child / "variables.tf").read_text()
    assert 'variable "kms_key" {\n  type = string\n}' in text
    assert 'variable "subnet_ids" {\n  type = list(string)\n}' in text
    assert 'variable "dlq" {\n  type = string\n}' in text
    assert 'variable "rules" {\n  type = number\n}' in text


def test_count_switch_default_is_only_the_value_that_turns_it_off(tmp_path: Path):
    """`var.stage == "prod" ? 1 : 0` turns the alarm on for "prod": no default is implied;
    `var.email == "" ? 0 : 1` turns it off for ""."""
    module = module_with(
        tmp_path,
        'resource "aws_sns_topic" "a" {\n  count = var.stage == "prod" ? 1 : 0\n}\n\n'
        'resource "aws_sns_topic" "b" {\n  count = var.email == "" ? 0 : 1\n}\n',
    )
    text = _declared(module)
    assert 'variable "stage" {\n  type = string\n}' in text
    assert 'variable "email" {\n  type    = string\n  default = ""\n}' in text


def test_child_variable_passed_an_object_with_mixed_values_is_any(tmp_path: Path):
    """`{ name = "a", size = 2, zones = [...] }` fits no map type: `any` takes it as it is."""
    root, child = _two_modules(
        tmp_path,
        'module "child" {\n'
        '  source   = "./modules/child"\n'
        '  settings = { name = "a", size = 2, zones = ["x"] }\n'
        '  labels   = { team = "core" }\n'
        "}\n",
        'resource "aws_sqs_queue" "q" {\n'
        "  name          = var.settings.name\n"
        "  delay_seconds = var.settings.size\n"
        "  tags          = var.labels\n"
        "}\n",
    )
    write(run([root], CONFIG, fix=True))
    text = (child / "variables.tf").read_text()
    assert 'variable "settings" {\n  type = any\n}' in text
    assert 'variable "labels" {\n  type = map(string)\n}' in text


def test_nested_block_argument_typed_by_the_provider_schema(tmp_path: Path):
    """Seed-like: `delivery_frequency` sits in a nested block and is always a string."""
    module = module_with(
        tmp_path,
        'resource "aws_config_delivery_channel" "c" {\n'
        '  s3_bucket_name = "b"\n'
        "  snapshot_delivery_properties {\n"
        "    delivery_frequency = var.config_snapshot_frequency\n"
        "  }\n"
        "}\n",
    )
    assert 'variable "config_snapshot_frequency" {\n  type = string\n}' in _declared(module)


def test_argument_types_are_those_of_the_provider():
    from terrafix.data.argument_types import argument_type

    assert argument_type("runtime") == "string"
    assert argument_type("memory_size") == "number"
    assert argument_type("subnet_ids") == "list(string)"  # a set in some resources
    assert argument_type("port") is None  # a number in most resources, a string in a few
