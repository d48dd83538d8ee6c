"""TF002 name-prefix-locals on small modules that once crashed it, silenced it for a whole
module, or made it go round in circles: each case is the smallest HCL that showed the fault."""

from __future__ import annotations

from pathlib import Path

from oracle import needs_oracle
from rulekit import assert_parse_and_fmt_clean, module_with, write

from terrafix.engine.config import Config
from terrafix.engine.pipeline import RunResult, run

EPHEMERAL = Config(select=["TF002"], profile="ephemeral")
PROVIDER = 'provider "aws" {\n  region = "us-east-1"\n}\n\n'


def _fix(module: Path, config: Config = EPHEMERAL) -> RunResult:
    result = run([module], config, fix=True)
    assert result.errors == []
    write(result)
    return result


def _fixed_twice(module: Path) -> str:
    """Fix, check that a second run changes nothing, and return the module's text."""
    first = _fix(module)
    assert first.changed_files
    assert_parse_and_fmt_clean([f.path for f in first.changed_files])
    assert run([module], EPHEMERAL, fix=True).changed_files == []
    return "".join(p.read_text() for p in sorted(module.glob("*.tf")))


def _messages(module: Path) -> dict[str, str]:
    findings = run([module], EPHEMERAL, fix=False).findings
    return {f.message.split(":")[0]: f.message for f in findings}


@needs_oracle
def test_local_that_gets_the_suffix_and_spells_a_renamed_name(tmp_path: Path):
    """The local `base` is a name's prefix (it gets the suffix) and its text equals a renamed
    bucket name (a string that follows the rename): one edit only, no crash."""
    module = module_with(
        tmp_path,
        PROVIDER + 'locals {\n  base = "orders"\n}\n\n'
        'resource "aws_sqs_queue" "q" {\n  name = "${local.base}-queue"\n}\n\n'
        'resource "aws_s3_bucket" "b" {\n  bucket = "orders"\n}\n',
    )
    text = _fixed_twice(module)
    assert 'base = "orders-${var.environment_suffix}"' in text
    assert 'name = "${local.base}-queue"' in text


FOR_EACH_KEYS = (
    PROVIDER + "locals {\n"
    "  queues = {\n"
    '    push  = { name = "push", fifo = false }\n'
    '    email = { name = "email", fifo = true }\n'
    "  }\n"
    "}\n\n"
    'resource "aws_sqs_queue" "q" {\n'
    "  for_each = local.queues\n"
    '  name     = each.value.fifo ? "${each.value.name}.fifo" : each.value.name\n'
    "}\n\n"
    'resource "aws_sns_topic" "t" {\n'
    '  for_each = { orders = "o", payments = "p" }\n'
    '  name     = "${each.key}-events"\n'
    "}\n\n"
    'resource "aws_dynamodb_table" "d" {\n'
    '  name     = "catalog"\n'
    '  hash_key = "id"\n'
    '  tags     = { for k in ["a", "b"] : k => "x" }\n'
    "}\n\n"
    'variable "environments" {\n'
    '  default = { dev = { subnets = ["a"] } }\n'
    "}\n\n"
    'resource "aws_cloudwatch_log_group" "nested" {\n'
    "  for_each = {\n"
    "    for combo in flatten([\n"
    "      for env, config in var.environments : [\n"
    '        for i, subnet in config.subnets : { key = "${env}-${i}" }\n'
    "      ]\n"
    "    ]) : combo.key => combo\n"
    "  }\n"
    '  name     = "${each.key}-logs"\n'
    "}\n"
)


def test_object_keys_and_for_iterators_are_not_references(tmp_path: Path):
    """Bare keys (`name = ...` in an object, `orders = ...` in a for_each map) and `for`
    iterators, nested ones too, are not inputs of unknown origin: the module's names are static
    and get fixed."""
    module = module_with(tmp_path, FOR_EACH_KEYS)
    assert set(_messages(module)) == {
        "aws_sqs_queue.q",
        "aws_sns_topic.t",
        "aws_dynamodb_table.d",
        "aws_cloudwatch_log_group.nested",
    }


@needs_oracle
def test_length_counts_the_default_of_the_project_variable_it_declares(tmp_path: Path):
    """The new `project_name` gets the word the names share (`inventory`, 9 characters); the
    length estimate must count that default, not a guessed width, or the target group's name
    fits in the first pass and is one character too long in the next."""
    module = module_with(
        tmp_path,
        PROVIDER + 'resource "aws_lb_target_group" "tg" {\n'
        '  name     = "inventory-abcdefghijklmn"\n'
        "  port     = 80\n"
        '  protocol = "HTTP"\n'
        "}\n\n"
        'resource "aws_sqs_queue" "q" {\n  name = "inventory-orders"\n}\n',
    )
    text = _fixed_twice(module)
    assert 'default     = "inventory"' in text
    assert 'name_prefix = "tg-"' in text


@needs_oracle
def test_child_module_length_counts_what_its_caller_passes(tmp_path: Path):
    """A child module's variable default is short, but its caller passes a long project name:
    the target group's name can pass 32 characters and is kept within the limit."""
    root = module_with(
        tmp_path,
        PROVIDER + 'module "web" {\n'
        '  source  = "./modules/web"\n'
        '  project = "customer-portal-frontend"\n'
        "}\n",
    )
    child = root / "modules" / "web"
    child.mkdir(parents=True)
    (child / "main.tf").write_text(
        'variable "project" {\n  type    = string\n  default = "x"\n}\n\n'
        'resource "aws_lb_target_group" "tg" {\n'
        '  name     = "${var.project}-tg"\n'
        "  port     = 80\n"
        '  protocol = "HTTP"\n'
        "}\n"
    )
    _fixed_twice(root)
    assert 'name_prefix = "tg-"' in (child / "main.tf").read_text()


REGISTRY_CALL = (
    PROVIDER + 'module "vpc" {\n'
    '  source  = "terraform-aws-modules/vpc/aws"\n'
    '  version = "~> 5.0"\n'
    '  name    = "shop-vpc"\n'
    "}\n\n"
    'module "labels" {\n'
    '  source = "./labels"\n'
    "}\n\n"
    'resource "aws_sqs_queue" "orders" {\n  name = "shop-orders"\n}\n\n'
    'resource "aws_sns_topic" "events" {\n  name = module.labels.topic_name\n}\n'
)


@needs_oracle
def test_registry_call_and_module_outputs_are_decided_per_name(tmp_path: Path):
    """A registry module call and a name taken from a module's output leave the other names
    of the module to be fixed; the name from the output is the module's to choose."""
    module = module_with(tmp_path, REGISTRY_CALL)
    labels = module / "labels"
    labels.mkdir()
    (labels / "main.tf").write_text('output "topic_name" {\n  value = "events"\n}\n')
    assert set(_messages(module)) == {"aws_sqs_queue.orders"}
    text = _fixed_twice(module)
    assert 'name = "${local.name_prefix}-shop-orders"' in text
    assert "name = module.labels.topic_name" in text
    assert 'name    = "shop-vpc"' in text


def test_names_from_variables_without_defaults_still_leave_a_reusable_module_alone(
    tmp_path: Path,
):
    module = module_with(
        tmp_path,
        'variable "name" {\n  type = string\n}\n\n'
        'resource "aws_sqs_queue" "a" {\n  name = "${var.name}-a"\n}\n\n'
        'resource "aws_sqs_queue" "b" {\n  name = "fixed-b"\n}\n',
    )
    assert _messages(module) == {}


def test_renames_are_not_followed_into_registry_module_arguments(tmp_path: Path):
    """`ingress_nginx = { name = "ingress-nginx-external" }` names a Helm release that a
    registry module creates, even when it spells the same text as a renamed security group."""
    module = module_with(
        tmp_path,
        PROVIDER + 'resource "aws_security_group" "external" {\n'
        '  name = "ingress-nginx-external"\n'
        "}\n\n"
        'module "addons" {\n'
        '  source = "aws-ia/eks-blueprints-addons/aws"\n'
        "  ingress_nginx = {\n"
        '    name = "ingress-nginx-external"\n'
        "  }\n"
        "}\n",
    )
    text = _fixed_twice(module)
    assert 'name = "${local.name_prefix}-ingress-nginx-external"' in text
    assert '    name = "ingress-nginx-external"' in text


@needs_oracle
def test_literal_name_prefix_over_its_limit_is_shortened(tmp_path: Path):
    """AWS caps a load balancer's and a target group's `name_prefix` at 6 characters."""
    module = module_with(
        tmp_path,
        PROVIDER + 'resource "aws_lb" "web" {\n'
        '  name_prefix = "payments-alb-"\n'
        "}\n\n"
        'resource "aws_lb_target_group" "web" {\n'
        '  name_prefix = "payments-"\n'
        "  port        = 80\n"
        '  protocol    = "HTTP"\n'
        "}\n\n"
        'resource "aws_lb_target_group" "ok" {\n'
        '  name_prefix = "api-"\n'
        "  port        = 80\n"
        '  protocol    = "HTTP"\n'
        "}\n",
    )
    messages = _messages(module)
    assert set(messages) == {"aws_lb.web", "aws_lb_target_group.web"}
    assert "13 characters" in messages["aws_lb.web"]
    text = _fixed_twice(module)
    assert 'name_prefix = "alb-"' in text
    assert 'name_prefix = "tg-"' in text
    assert 'name_prefix = "api-"' in text


def test_long_literal_role_prefix_is_cut_to_its_limit(tmp_path: Path):
    """An IAM role's name_prefix allows 38 characters; a template is left alone (a cut could
    split an interpolation)."""
    module = module_with(
        tmp_path,
        PROVIDER + 'resource "aws_iam_role" "a" {\n'
        '  name_prefix        = "payments-processing-lambda-execution-role-"\n'
        '  assume_role_policy = "{}"\n'
        "}\n\n"
        'resource "aws_iam_role" "b" {\n'
        '  name_prefix        = "${var.p}-payments-processing-lambda-execution-role-"\n'
        '  assume_role_policy = "{}"\n'
        "}\n\n"
        'variable "p" {\n  type = string\n}\n',
    )
    assert set(_messages(module)) == {"aws_iam_role.a"}
    _fix(module)
    assert (
        'name_prefix        = "payments-processing-lambda-execution-"'
        in (module / "main.tf").read_text()
    )


@needs_oracle
def test_child_length_counts_the_suffix_its_caller_gets_in_the_same_run(tmp_path: Path):
    """The caller's prefix local gets the suffix in this run, which makes the name it passes
    9 characters longer: the child's replication group id must be kept within 40 characters
    in this run, not in the next."""
    root = module_with(
        tmp_path,
        PROVIDER
        + 'variable "project" {\n  type    = string\n  default = "payments-platform-eu"\n}\n\n'
        'variable "environment_suffix" {\n  type    = string\n  default = "dev"\n}\n\n'
        'locals {\n  name_prefix = "${var.project}"\n}\n\n'
        'resource "aws_sqs_queue" "q" {\n  name = "${local.name_prefix}-queue"\n}\n\n'
        'module "cache" {\n'
        '  source             = "./cache"\n'
        "  name_prefix        = local.name_prefix\n"
        "  environment_suffix = var.environment_suffix\n"
        "}\n",
    )
    child = root / "cache"
    child.mkdir()
    (child / "main.tf").write_text(
        'variable "name_prefix" {\n  type = string\n}\n\n'
        'variable "environment_suffix" {\n  type = string\n}\n\n'
        'resource "aws_elasticache_replication_group" "r" {\n'
        '  replication_group_id = "${var.name_prefix}-redis-${var.environment_suffix}"\n'
        '  description          = "cache"\n'
        "}\n"
    )
    _fixed_twice(root)
    assert "substr(" in (child / "main.tf").read_text()


@needs_oracle
def test_names_built_from_the_prefix_local_through_a_conditional_or_for_each(tmp_path: Path):
    """The prefix local gets the suffix; names that reach it through a conditional or through
    a for_each map of templates follow it and are not prefixed a second time (a log group
    `/aws/lambda/<function>` keeps its form)."""
    module = module_with(
        tmp_path,
        PROVIDER + 'variable "project" {\n  type    = string\n  default = "shop"\n}\n\n'
        'locals {\n  name_prefix = "${var.project}-prod"\n}\n\n'
        'resource "aws_sqs_queue" "q" {\n'
        "  for_each   = { orders = true, mails = false }\n"
        "  fifo_queue = each.value\n"
        '  name       = each.value ? "${local.name_prefix}-${each.key}.fifo" : '
        '"${local.name_prefix}-${each.key}"\n'
        "}\n\n"
        'resource "aws_cloudwatch_log_group" "lambda" {\n'
        "  for_each = {\n"
        '    api = "/aws/lambda/${local.name_prefix}-api"\n'
        "  }\n"
        "  name = each.value\n"
        "}\n",
    )
    text = _fixed_twice(module)
    assert 'name_prefix = "${var.project}-prod-${var.environment_suffix}"' in text
    assert "  name = each.value\n" in text
    assert '"${local.name_prefix}-${each.key}.fifo" : "${local.name_prefix}-${each.key}"' in text


@needs_oracle
def test_glue_database_joins_the_prefix_with_underscores(tmp_path: Path):
    """Athena reads Glue databases and allows no `-` in their names."""
    module = module_with(
        tmp_path,
        PROVIDER + 'resource "aws_glue_catalog_database" "db" {\n  name = "compliance_db"\n}\n',
    )
    text = _fixed_twice(module)
    assert 'name = replace("${local.name_prefix}-compliance_db", "-", "_")' in text


@needs_oracle
def test_a_local_that_is_a_whole_name_is_no_prefix_for_other_names(tmp_path: Path):
    """`name = local.role_name` gets its suffix through the local, but buckets are not named
    after the role: they get the module's own name prefix."""
    module = module_with(
        tmp_path,
        PROVIDER + 'variable "project" {\n  type    = string\n  default = "shop"\n}\n\n'
        'locals {\n  role_name = "${var.project}-lambda-role"\n}\n\n'
        'resource "aws_iam_role" "lambda" {\n'
        "  name               = local.role_name\n"
        '  assume_role_policy = "{}"\n'
        "}\n\n"
        'resource "aws_s3_bucket" "data" {\n  bucket = "shop-data"\n}\n',
    )
    text = _fixed_twice(module)
    assert 'role_name   = "${var.project}-lambda-role-${var.environment_suffix}"' in text
    assert "  name               = local.role_name\n" in text
    assert 'bucket = "${local.name_prefix}-data"' in text
