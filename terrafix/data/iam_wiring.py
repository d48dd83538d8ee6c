"""How Terraform resources wire an IAM principal to the resources it acts on, and which
resources AWS services write into on their own.

Paths are attribute names through nested blocks and object keys, joined by dots; a path
matches an attribute whose path ends with it (``bucket_arn`` matches every ``bucket_arn`` of a
Firehose stream, however deep).
"""

from __future__ import annotations

# Resources a service writes into: CloudTrail trails, flow logs, access logs, Config delivery,
# replication targets, ... A policy for an unrelated principal never names them: an application
# role scoped to the audit trail's bucket could write into the audit trail.
SERVICE_DESTINATIONS: dict[str, tuple[str, ...]] = {
    "aws_cloudtrail": ("s3_bucket_name", "cloud_watch_logs_group_arn", "sns_topic_name"),
    "aws_flow_log": ("log_destination", "log_group_name"),
    "aws_s3_bucket_logging": ("target_bucket",),
    "aws_s3_bucket": ("logging.target_bucket", "destination.bucket"),
    "aws_s3_bucket_replication_configuration": ("destination.bucket",),
    "aws_s3_bucket_inventory": ("bucket_arn",),
    "aws_s3_bucket_analytics_configuration": ("bucket_arn",),
    "aws_lb": ("access_logs.bucket", "connection_logs.bucket"),
    "aws_alb": ("access_logs.bucket", "connection_logs.bucket"),
    "aws_elb": ("access_logs.bucket",),
    "aws_cloudfront_distribution": ("logging_config.bucket",),
    "aws_config_delivery_channel": ("s3_bucket_name", "sns_topic_arn"),
    "aws_route53_query_log": ("cloudwatch_log_group_arn",),
    "aws_route53_resolver_query_log_config": ("destination_arn",),
    "aws_wafv2_web_acl_logging_configuration": ("log_destination_configs",),
    "aws_api_gateway_stage": ("access_log_settings.destination_arn",),
    "aws_apigatewayv2_stage": ("access_log_settings.destination_arn",),
    "aws_elasticache_replication_group": ("log_delivery_configuration.destination",),
    "aws_elasticache_cluster": ("log_delivery_configuration.destination",),
    "aws_msk_cluster": ("log_group", "bucket", "delivery_stream"),
    "aws_opensearch_domain": ("cloudwatch_log_group_arn",),
    "aws_elasticsearch_domain": ("cloudwatch_log_group_arn",),
    "aws_kinesis_firehose_delivery_stream": ("bucket_arn", "log_group_name"),
    "aws_sfn_state_machine": ("logging_configuration.log_destination",),
    "aws_lambda_function": ("logging_config.log_group",),
    "aws_ecs_task_definition": ("awslogs-group",),
    "aws_codebuild_project": ("cloudwatch_logs.group_name", "s3_logs.location"),
    "aws_guardduty_publishing_destination": ("destination_arn",),
    "aws_networkfirewall_logging_configuration": ("log_destination",),
    "aws_ssm_association": ("output_location.s3_bucket_name",),
    "aws_cloudwatch_log_destination": ("target_arn",),
}

# Blocks that name a consumer (a function, a task) together with what it reads or sends to:
# an event source mapping's queue or stream, a bucket notification's bucket, an asynchronous
# invocation's destinations.
CONSUMER_INPUTS: dict[str, tuple[str, ...]] = {
    "aws_lambda_event_source_mapping": ("event_source_arn", "destination_arn"),
    "aws_s3_bucket_notification": ("bucket",),
    "aws_lambda_function_event_invoke_config": ("destination",),
    "aws_pipes_pipe": ("source", "target"),
}

# Resources that name a consumer to belong to it: a log group named after its function.
OWNED_BY_REFERENCE = frozenset({"aws_cloudwatch_log_group"})

# Log groups a service creates under a fixed name: (prefix, consumer type, its name attribute).
LOG_GROUP_NAMED_AFTER: tuple[tuple[str, str, str], ...] = (
    ("/aws/lambda/", "aws_lambda_function", "function_name"),
    ("/aws/codebuild/", "aws_codebuild_project", "name"),
)

# Log group name prefixes AWS services use, and the trust-policy services whose roles write
# there. An empty set: the service writes on its own (RDS, EKS control plane, ElastiCache, ...),
# no module role does.
LOG_GROUP_WRITERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("/aws/lambda/", frozenset({"lambda", "edgelambda", "synthetics"})),
    ("/aws/codebuild/", frozenset({"codebuild"})),
    ("/aws/ecs/containerinsights/", frozenset()),
    ("/aws/ecs/", frozenset({"ecs-tasks"})),
    ("/aws/batch/", frozenset({"ecs-tasks", "batch"})),
    ("/aws/ec2/", frozenset({"ec2"})),  # the CloudWatch agent's usual home on instances
    ("/aws/rds/", frozenset()),
    ("/aws/docdb/", frozenset()),
    ("/aws/neptune/", frozenset()),
    ("/aws/redshift/", frozenset()),
    ("/aws/eks/", frozenset()),
    ("/aws/elasticache/", frozenset()),
    ("/aws/msk/", frozenset()),
    ("/aws/opensearchservice/", frozenset()),
    ("/aws/aes/", frozenset()),
    ("/aws/mwaa/", frozenset()),
    ("/aws/vpc/", frozenset({"vpc-flow-logs"})),
    ("/aws/vpc-flow-logs", frozenset({"vpc-flow-logs"})),
    ("/aws/cloudtrail", frozenset({"cloudtrail"})),
    ("/aws/route53", frozenset()),
    ("/aws/apigateway/", frozenset({"apigateway"})),
    ("api-gateway-execution-logs_", frozenset({"apigateway"})),
    ("/aws/vendedlogs/", frozenset({"states", "delivery.logs"})),
    ("/aws/states/", frozenset({"states"})),
    ("aws-waf-logs-", frozenset()),
    ("/aws/kinesisfirehose/", frozenset({"firehose"})),
    ("/aws/events/", frozenset({"events"})),
    ("/aws/glue/", frozenset({"glue"})),
    ("/aws-glue/", frozenset({"glue"})),
    ("/aws/sagemaker/", frozenset({"sagemaker"})),
    ("/aws/transfer/", frozenset({"transfer"})),
    ("/aws/dms/", frozenset({"dms"})),
)

# IAM plumbing between a role and its policies: neither a consumer nor a resource it uses.
IAM_PLUMBING = frozenset(
    {
        "aws_iam_role",
        "aws_iam_role_policy",
        "aws_iam_role_policy_attachment",
        "aws_iam_role_policy_attachments_exclusive",
        "aws_iam_policy",
        "aws_iam_policy_attachment",
        "aws_iam_user_policy_attachment",
        "aws_iam_group_policy_attachment",
        "aws_iam_instance_profile",
        "aws_iam_service_linked_role",
    }
)

# What runs with an instance profile, and what launches from those.
PROFILE_USERS = frozenset({"aws_instance", "aws_launch_template", "aws_launch_configuration"})

# Replication: the destination bucket takes the replica actions, the source the others.
REPLICATION_SOURCES = frozenset({"aws_s3_bucket_replication_configuration", "aws_s3_bucket"})
REPLICA_ACTION_PREFIXES = ("s3:replicate", "s3:objectowneroverridetobucketowner")

# Words in names that say nothing about which workload a resource belongs to.
GENERIC_NAME_WORDS = frozenset(
    {
        "aws",
        "iam",
        "arn",
        "role",
        "roles",
        "policy",
        "policies",
        "attachment",
        "document",
        "main",
        "this",
        "default",
        "resource",
        "access",
        "permissions",
        "name",
        "prefix",
        "local",
        "var",
        "the",
        "and",
        "for",
        "log",
        "logs",
        "group",
        "bucket",
        "table",
        "queue",
        "topic",
        "key",
        "secret",
        "stream",
        "dev",
        "prod",
        "staging",
        "test",
        "env",
        "environment",
        "suffix",
        "amazonaws",
        "com",
    }
)
