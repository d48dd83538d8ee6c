"""Which argument holds an AWS resource's physical name, and the rules AWS sets for it.

Two deployments of one stack in one account collide on physical names that AWS requires to be
unique (per account and region, or globally for S3 buckets). ``PHYSICAL_NAMES`` lists those
names with their length limit and character rules; ``NOT_PHYSICAL`` lists frequently used types
that have no such name (tags only), or whose name is unique only inside a parent resource, so a
suffix there prevents no collision; ``LEFT_OUT`` lists types that have one but that the table
does not cover yet, with the reason.

Limits are AWS's documented maxima. ``prefix_attribute`` is the provider's argument that takes a
prefix and lets AWS append a unique part (``prefix_max`` is its own limit when it is shorter).
"""

from __future__ import annotations

from typing import NamedTuple

ALNUM_HYPHEN = "a-zA-Z0-9-"
WORD_HYPHEN = "a-zA-Z0-9_-"
LOWER_HYPHEN = "a-z0-9-"
IAM = r"a-zA-Z0-9_+=,.@-"


class PhysicalName(NamedTuple):
    """The physical-name argument of one resource type and AWS's rules for its value."""

    attribute: str
    max_length: int
    charset: str  # a regex character class body: the characters AWS accepts
    lowercase: bool = False
    prefix_attribute: str | None = None
    prefix_max: int | None = None  # the prefix argument's own limit, when shorter than max_length
    form: str = "plain"  # plain | kms_alias | log_group | path
    short_prefix: str | None = None  # a prefix argument value that fits a tight prefix limit
    separator: str = "-"  # joins the name prefix to the name: `_` where AWS allows no `-`

    @property
    def prefix_limit(self) -> int:
        return self.prefix_max if self.prefix_max is not None else self.max_length


def _name(
    max_length: int,
    charset: str = WORD_HYPHEN,
    *,
    attribute: str = "name",
    lowercase: bool = False,
    prefix: str | None = None,
    prefix_max: int | None = None,
    form: str = "plain",
    short: str | None = None,
    separator: str = "-",
) -> PhysicalName:
    return PhysicalName(
        attribute, max_length, charset, lowercase, prefix, prefix_max, form, short, separator
    )


PHYSICAL_NAMES: dict[str, PhysicalName] = {
    # IAM (global per account)
    "aws_iam_role": _name(64, IAM, prefix="name_prefix", prefix_max=38),
    "aws_iam_policy": _name(128, IAM, prefix="name_prefix", prefix_max=96),
    "aws_iam_instance_profile": _name(128, IAM, prefix="name_prefix", prefix_max=102),
    "aws_iam_user": _name(64, IAM),
    "aws_iam_group": _name(128, IAM),
    "aws_security_group": _name(255, r"\x20-\x7e", prefix="name_prefix"),  # unique per VPC
    # compute and containers
    "aws_lambda_function": _name(64, WORD_HYPHEN, attribute="function_name"),
    "aws_launch_template": _name(128, r"a-zA-Z0-9()./_-", prefix="name_prefix"),
    "aws_autoscaling_group": _name(255, r"\S ", prefix="name_prefix"),
    "aws_ecs_cluster": _name(255),
    "aws_ecs_task_definition": _name(255, attribute="family"),
    "aws_ecs_capacity_provider": _name(255),
    "aws_ecr_repository": _name(256, r"a-z0-9._/-", lowercase=True),
    "aws_eks_cluster": _name(100),
    "aws_key_pair": _name(255, r"\x20-\x7e", attribute="key_name", prefix="key_name_prefix"),
    "aws_batch_compute_environment": _name(
        128, attribute="compute_environment_name", prefix="compute_environment_name_prefix"
    ),
    "aws_batch_job_queue": _name(128),
    "aws_batch_job_definition": _name(128),
    # load balancing
    "aws_lb": _name(32, ALNUM_HYPHEN, prefix="name_prefix", prefix_max=6, short="lb-"),
    "aws_alb": _name(32, ALNUM_HYPHEN, prefix="name_prefix", prefix_max=6, short="alb-"),
    "aws_lb_target_group": _name(32, ALNUM_HYPHEN, prefix="name_prefix", prefix_max=6, short="tg-"),
    "aws_alb_target_group": _name(
        32, ALNUM_HYPHEN, prefix="name_prefix", prefix_max=6, short="tg-"
    ),
    "aws_elb": _name(32, ALNUM_HYPHEN, prefix="name_prefix", prefix_max=6, short="elb-"),
    # storage and databases
    "aws_s3_bucket": _name(
        63, r"a-z0-9.-", attribute="bucket", lowercase=True, prefix="bucket_prefix", prefix_max=37
    ),
    "aws_dynamodb_table": _name(255, r"a-zA-Z0-9_.-"),
    "aws_db_instance": _name(
        63, LOWER_HYPHEN, attribute="identifier", lowercase=True, prefix="identifier_prefix"
    ),
    "aws_rds_cluster": _name(
        63,
        LOWER_HYPHEN,
        attribute="cluster_identifier",
        lowercase=True,
        prefix="cluster_identifier_prefix",
    ),
    "aws_rds_cluster_instance": _name(
        63, LOWER_HYPHEN, attribute="identifier", lowercase=True, prefix="identifier_prefix"
    ),
    "aws_db_subnet_group": _name(255, r"a-z0-9 ._-", lowercase=True, prefix="name_prefix"),
    "aws_db_parameter_group": _name(255, LOWER_HYPHEN, lowercase=True, prefix="name_prefix"),
    "aws_rds_cluster_parameter_group": _name(
        255, LOWER_HYPHEN, lowercase=True, prefix="name_prefix"
    ),
    "aws_db_option_group": _name(255, LOWER_HYPHEN, lowercase=True, prefix="name_prefix"),
    "aws_docdb_cluster": _name(
        63,
        LOWER_HYPHEN,
        attribute="cluster_identifier",
        lowercase=True,
        prefix="cluster_identifier_prefix",
    ),
    "aws_neptune_cluster": _name(
        63,
        LOWER_HYPHEN,
        attribute="cluster_identifier",
        lowercase=True,
        prefix="cluster_identifier_prefix",
    ),
    "aws_redshift_cluster": _name(63, LOWER_HYPHEN, attribute="cluster_identifier", lowercase=True),
    "aws_elasticache_replication_group": _name(
        40, LOWER_HYPHEN, attribute="replication_group_id", lowercase=True
    ),
    "aws_elasticache_cluster": _name(50, LOWER_HYPHEN, attribute="cluster_id", lowercase=True),
    "aws_elasticache_subnet_group": _name(255, LOWER_HYPHEN, lowercase=True),
    "aws_elasticache_parameter_group": _name(255, LOWER_HYPHEN, lowercase=True),
    "aws_memorydb_cluster": _name(40, LOWER_HYPHEN, lowercase=True, prefix="name_prefix"),
    "aws_dax_cluster": _name(20, LOWER_HYPHEN, attribute="cluster_name", lowercase=True),
    "aws_opensearch_domain": _name(28, LOWER_HYPHEN, attribute="domain_name", lowercase=True),
    "aws_elasticsearch_domain": _name(28, LOWER_HYPHEN, attribute="domain_name", lowercase=True),
    "aws_efs_file_system": _name(64, r"\x20-\x7e", attribute="creation_token"),
    "aws_backup_vault": _name(50, WORD_HYPHEN),
    "aws_backup_plan": _name(50, r"a-zA-Z0-9_.-"),
    # messaging and streaming
    "aws_sns_topic": _name(256, r"a-zA-Z0-9_.-", prefix="name_prefix"),
    "aws_sqs_queue": _name(80, r"a-zA-Z0-9_.-", prefix="name_prefix"),
    "aws_kinesis_stream": _name(128, r"a-zA-Z0-9_.-"),
    "aws_kinesis_firehose_delivery_stream": _name(64, r"a-zA-Z0-9_.-"),
    "aws_msk_cluster": _name(64, ALNUM_HYPHEN, attribute="cluster_name"),
    "aws_mq_broker": _name(50, WORD_HYPHEN, attribute="broker_name"),
    "aws_cloudwatch_event_bus": _name(256, r"a-zA-Z0-9/._-"),
    "aws_cloudwatch_event_rule": _name(64, r"a-zA-Z0-9._-", prefix="name_prefix"),
    "aws_sfn_state_machine": _name(80, WORD_HYPHEN, prefix="name_prefix"),
    "aws_sfn_activity": _name(80, WORD_HYPHEN),
    "aws_scheduler_schedule_group": _name(64, r"a-zA-Z0-9._-", prefix="name_prefix"),
    "aws_pipes_pipe": _name(64, r"a-zA-Z0-9._-", prefix="name_prefix"),
    # monitoring and audit
    "aws_cloudwatch_log_group": _name(
        512, r"a-zA-Z0-9_./#-", prefix="name_prefix", form="log_group"
    ),
    "aws_cloudwatch_metric_alarm": _name(255, r"\x20-\x7e", attribute="alarm_name"),
    "aws_cloudwatch_composite_alarm": _name(255, r"\x20-\x7e", attribute="alarm_name"),
    "aws_cloudwatch_dashboard": _name(255, WORD_HYPHEN, attribute="dashboard_name"),
    "aws_cloudtrail": _name(128, r"a-zA-Z0-9_.-"),
    "aws_config_config_rule": _name(128, r"\x20-\x7e"),
    "aws_config_configuration_aggregator": _name(256, WORD_HYPHEN),
    "aws_config_conformance_pack": _name(256, ALNUM_HYPHEN),
    "aws_xray_group": _name(32, WORD_HYPHEN, attribute="group_name"),
    "aws_synthetics_canary": _name(21, r"a-z0-9_-", lowercase=True),
    # security
    "aws_kms_alias": _name(256, r"a-zA-Z0-9/_-", prefix="name_prefix", form="kms_alias"),
    "aws_secretsmanager_secret": _name(512, r"a-zA-Z0-9/_+=.@-", prefix="name_prefix"),
    "aws_ssm_parameter": _name(2048, r"a-zA-Z0-9_./-", form="path"),
    "aws_ssm_document": _name(128, r"a-zA-Z0-9_.-"),
    "aws_wafv2_web_acl": _name(128, WORD_HYPHEN),
    "aws_wafv2_ip_set": _name(128, WORD_HYPHEN),
    "aws_wafv2_rule_group": _name(128, WORD_HYPHEN),
    "aws_wafv2_regex_pattern_set": _name(128, WORD_HYPHEN),
    "aws_networkfirewall_firewall": _name(128, ALNUM_HYPHEN),
    "aws_networkfirewall_firewall_policy": _name(128, ALNUM_HYPHEN),
    "aws_networkfirewall_rule_group": _name(128, ALNUM_HYPHEN),
    "aws_cloudfront_function": _name(64, WORD_HYPHEN),
    "aws_cloudfront_origin_access_control": _name(64, r"\x20-\x7e"),
    "aws_cloudfront_cache_policy": _name(128, WORD_HYPHEN),
    "aws_cloudfront_response_headers_policy": _name(128, WORD_HYPHEN),
    # CI/CD, analytics and integration
    "aws_codebuild_project": _name(255, WORD_HYPHEN),
    "aws_codepipeline": _name(100, r"A-Za-z0-9.@_-"),
    "aws_codecommit_repository": _name(100, r"\w.-", attribute="repository_name"),
    "aws_glue_crawler": _name(255, r"\x20-\x7e"),
    "aws_glue_job": _name(255, r"\x20-\x7e"),
    "aws_athena_workgroup": _name(128, r"a-zA-Z0-9._-"),
    "aws_dms_replication_instance": _name(
        63, LOWER_HYPHEN, attribute="replication_instance_id", lowercase=True
    ),
    "aws_dms_endpoint": _name(255, LOWER_HYPHEN, attribute="endpoint_id", lowercase=True),
    "aws_dms_replication_task": _name(
        255, LOWER_HYPHEN, attribute="replication_task_id", lowercase=True
    ),
    "aws_cloudformation_stack": _name(128, ALNUM_HYPHEN),
    "aws_placement_group": _name(255, r"\x20-\x7e"),
    # Athena reads Glue databases and allows only lowercase letters, digits and `_` in their names
    "aws_glue_catalog_database": _name(255, "a-z0-9_", lowercase=True, separator="_"),
    "aws_athena_database": _name(255, "a-z0-9_", lowercase=True, separator="_"),
    "aws_glue_security_configuration": _name(255, r"\x20-\x7e"),
    "aws_scheduler_schedule": _name(  # unique within its group, and most use the shared default
        64, r"a-zA-Z0-9._-", prefix="name_prefix", prefix_max=38
    ),
    "aws_cloudwatch_event_archive": _name(48, r"a-zA-Z0-9._-"),
    "aws_cloudtrail_event_data_store": _name(128, r"a-zA-Z0-9._-"),
    "aws_xray_sampling_rule": _name(32, WORD_HYPHEN, attribute="rule_name"),
    "aws_resourcegroups_group": _name(128, r"a-zA-Z0-9_.-"),
    "aws_budgets_budget": _name(100, r"\x20-\x7e", prefix="name_prefix"),
    "aws_cur_report_definition": _name(256, r"0-9A-Za-z!_.*'()-", attribute="report_name"),
    "aws_s3control_storage_lens_configuration": _name(64, r"a-zA-Z0-9_.-", attribute="config_id"),
    # databases, analytics and machine learning
    "aws_rds_global_cluster": _name(
        63, LOWER_HYPHEN, attribute="global_cluster_identifier", lowercase=True
    ),
    "aws_neptune_cluster_instance": _name(
        63, LOWER_HYPHEN, attribute="identifier", lowercase=True, prefix="identifier_prefix"
    ),
    "aws_neptune_subnet_group": _name(255, r"a-z0-9 ._-", lowercase=True, prefix="name_prefix"),
    "aws_neptune_cluster_parameter_group": _name(
        255, LOWER_HYPHEN, lowercase=True, prefix="name_prefix"
    ),
    "aws_redshift_subnet_group": _name(255, LOWER_HYPHEN, lowercase=True),
    "aws_redshiftserverless_namespace": _name(
        64, LOWER_HYPHEN, attribute="namespace_name", lowercase=True
    ),
    "aws_redshiftserverless_workgroup": _name(
        64, LOWER_HYPHEN, attribute="workgroup_name", lowercase=True
    ),
    "aws_dms_replication_subnet_group": _name(
        255, LOWER_HYPHEN, attribute="replication_subnet_group_id", lowercase=True
    ),
    "aws_db_proxy": _name(63, LOWER_HYPHEN, lowercase=True),
    "aws_timestreamwrite_database": _name(256, r"a-zA-Z0-9_.-", attribute="database_name"),
    "aws_kinesis_analytics_application": _name(128, r"a-zA-Z0-9_.-"),
    "aws_kinesisanalyticsv2_application": _name(128, r"a-zA-Z0-9_.-"),
    "aws_emr_security_configuration": _name(10280, r"\x20-\x7e", prefix="name_prefix"),
    "aws_sagemaker_model": _name(63, ALNUM_HYPHEN),
    "aws_sagemaker_endpoint_configuration": _name(63, ALNUM_HYPHEN, prefix="name_prefix"),
    "aws_sagemaker_endpoint": _name(63, ALNUM_HYPHEN),
    # applications, networking services and devices
    "aws_elastic_beanstalk_application": _name(100, r"\x20-\x7e"),
    "aws_elastic_beanstalk_environment": _name(40, ALNUM_HYPHEN),
    "aws_codedeploy_app": _name(100, r"\x20-\x7e"),
    "aws_appmesh_mesh": _name(255, WORD_HYPHEN),
    "aws_vpclattice_service": _name(40, LOWER_HYPHEN, lowercase=True),
    "aws_vpclattice_service_network": _name(63, LOWER_HYPHEN, lowercase=True),
    "aws_vpclattice_target_group": _name(128, LOWER_HYPHEN, lowercase=True),
    "aws_iot_thing_type": _name(128, r"a-zA-Z0-9:_-"),
    "aws_iot_policy": _name(128, r"\w+=,.@-"),
    "aws_iot_topic_rule": _name(128, "a-zA-Z0-9_", separator="_"),
}

# Frequently used types whose names need no suffix: tags only, a name unique inside its parent,
# or a name that is a DNS name or an external identifier the module does not invent.
NOT_PHYSICAL: dict[str, str] = {
    "aws_subnet": "tags only",
    "aws_vpc": "tags only",
    "aws_route_table": "tags only",
    "aws_route_table_association": "no name",
    "aws_route": "no name",
    "aws_internet_gateway": "tags only",
    "aws_nat_gateway": "tags only",
    "aws_eip": "tags only",
    "aws_kms_key": "no name (its alias is aws_kms_alias)",
    "aws_instance": "tags only",
    "aws_vpc_endpoint": "tags only",
    "aws_flow_log": "tags only",
    "aws_network_acl": "tags only",
    "aws_network_acl_rule": "no name",
    "aws_iam_role_policy": "unique within its role",
    "aws_iam_role_policy_attachment": "no name",
    "aws_s3_bucket_policy": "no name",
    "aws_s3_bucket_versioning": "no name",
    "aws_s3_bucket_public_access_block": "no name",
    "aws_s3_bucket_server_side_encryption_configuration": "no name",
    "aws_s3_bucket_lifecycle_configuration": "rule ids are unique within the bucket",
    "aws_s3_object": "keys are unique within the bucket",
    "aws_lb_listener": "no name",
    "aws_lb_listener_rule": "no name",
    "aws_autoscaling_policy": "unique within its Auto Scaling group",
    "aws_appautoscaling_policy": "unique within its scalable target",
    "aws_secretsmanager_secret_version": "no name",
    "aws_security_group_rule": "no name",
    "aws_lambda_permission": "statement ids are unique within the function",
    "aws_lambda_alias": "unique within its function",
    "aws_sns_topic_subscription": "no name",
    "aws_cloudwatch_event_target": "target ids are unique within the rule",
    "aws_cloudwatch_log_metric_filter": "unique within its log group",
    "aws_route53_record": "a DNS name the module is given",
    "aws_route53_zone": "a DNS name the module is given",
    "aws_acm_certificate": "a DNS name the module is given",
    "aws_config_configuration_recorder": "one per account and region whatever its name",
    "aws_config_delivery_channel": "one per account and region whatever its name",
    "aws_ecs_service": "unique within its cluster",
    "aws_eks_node_group": "unique within its cluster",
    "aws_eks_addon": "an add-on name AWS defines",
    "aws_api_gateway_rest_api": "names need not be unique",
    "aws_apigatewayv2_api": "names need not be unique",
    "aws_api_gateway_resource": "no name",
    "aws_api_gateway_method": "no name",
    "aws_api_gateway_integration": "no name",
    "aws_api_gateway_stage": "unique within its API",
    "aws_api_gateway_deployment": "no name",
    "aws_lambda_event_source_mapping": "no name",
    "aws_cloudfront_distribution": "tags only",
    "aws_guardduty_detector": "one per account and region",
    "aws_wafv2_web_acl_association": "no name",
    "aws_sqs_queue_policy": "no name",
    "aws_sns_topic_policy": "no name",
    "aws_kms_key_policy": "no name",
    "aws_lb_target_group_attachment": "no name",
    "aws_backup_selection": "unique within its plan",
    "aws_cognito_user_pool": "names need not be unique",
    "aws_lambda_layer_version": "a second deployment adds a version",
    "aws_route53_health_check": "tags only",
    "aws_s3_bucket_logging": "no name",
    "aws_config_configuration_recorder_status": "no name",
    "aws_appautoscaling_target": "no name",
    # no name at all, or an account-wide setting
    **dict.fromkeys(
        (
            "aws_acm_certificate_validation",
            "aws_api_gateway_account",
            "aws_api_gateway_integration_response",
            "aws_api_gateway_method_response",
            "aws_api_gateway_method_settings",
            "aws_api_gateway_usage_plan_key",
            "aws_apigatewayv2_integration",
            "aws_apigatewayv2_route",
            "aws_autoscaling_attachment",
            "aws_cloudfront_origin_access_identity",
            "aws_backup_vault_lock_configuration",
            "aws_backup_vault_notifications",
            "aws_cloudfront_continuous_deployment_policy",
            "aws_db_instance_automated_backups_replication",
            "aws_db_proxy_default_target_group",
            "aws_db_proxy_target",
            "aws_dlm_lifecycle_policy",
            "aws_dynamodb_table_item",
            "aws_ebs_default_kms_key",
            "aws_ebs_encryption_by_default",
            "aws_ec2_transit_gateway_route",
            "aws_ec2_transit_gateway_route_table_association",
            "aws_ec2_transit_gateway_route_table_propagation",
            "aws_ecr_lifecycle_policy",
            "aws_ecs_cluster_capacity_providers",
            "aws_efs_mount_target",
            "aws_eip_association",
            "aws_guardduty_detector_feature",
            "aws_guardduty_organization_configuration",
            "aws_iam_account_password_policy",
            "aws_iam_group_policy_attachment",
            "aws_iam_user_group_membership",
            "aws_iam_user_policy_attachment",
            "aws_inspector2_enabler",
            "aws_lakeformation_data_lake_settings",
            "aws_lakeformation_permissions",
            "aws_lakeformation_resource",
            "aws_lambda_function_url",
            "aws_lambda_provisioned_concurrency_config",
            "aws_macie2_account",
            "aws_main_route_table_association",
            "aws_network_acl_association",
            "aws_route53_query_log",
            "aws_route53_zone_association",
            "aws_s3_account_public_access_block",
            "aws_s3_bucket_accelerate_configuration",
            "aws_s3_bucket_acl",
            "aws_s3_bucket_cors_configuration",
            "aws_s3_bucket_notification",
            "aws_s3_bucket_object_lock_configuration",
            "aws_s3_bucket_ownership_controls",
            "aws_s3_bucket_website_configuration",
            "aws_secretsmanager_secret_rotation",
            "aws_securityhub_account",
            "aws_securityhub_finding_aggregator",
            "aws_securityhub_standards_subscription",
            "aws_shield_subscription",
            "aws_ssm_patch_group",
            "aws_volume_attachment",
            "aws_vpc_block_public_access_exclusion",
            "aws_vpc_dhcp_options_association",
            "aws_vpc_endpoint_route_table_association",
            "aws_vpc_peering_connection_options",
            "aws_vpc_security_group_egress_rule",
            "aws_vpc_security_group_ingress_rule",
            "aws_vpn_connection_route",
            "aws_vpn_gateway_route_propagation",
            "aws_wafv2_web_acl_logging_configuration",
        ),
        "no name, or one setting per account",
    ),
    # tags only
    **dict.fromkeys(
        (
            "aws_customer_gateway",
            "aws_ebs_volume",
            "aws_ec2_transit_gateway",
            "aws_ec2_transit_gateway_peering_attachment",
            "aws_ec2_transit_gateway_peering_attachment_accepter",
            "aws_ec2_transit_gateway_route_table",
            "aws_ec2_transit_gateway_vpc_attachment",
            "aws_efs_access_point",
            "aws_vpc_dhcp_options",
            "aws_vpc_peering_connection",
            "aws_vpc_peering_connection_accepter",
            "aws_vpn_connection",
            "aws_vpn_gateway",
            "aws_acmpca_certificate_authority",
        ),
        "tags only",
    ),
    # a name unique only inside its parent resource
    **dict.fromkeys(
        (
            "aws_api_gateway_authorizer",
            "aws_api_gateway_model",
            "aws_api_gateway_request_validator",
            "aws_apigatewayv2_stage",
            "aws_appmesh_gateway_route",
            "aws_appmesh_route",
            "aws_appmesh_virtual_gateway",
            "aws_appmesh_virtual_node",
            "aws_appmesh_virtual_router",
            "aws_appmesh_virtual_service",
            "aws_cloudwatch_log_stream",
            "aws_cloudwatch_log_subscription_filter",
            "aws_codedeploy_deployment_group",
            "aws_config_remediation_configuration",
            "aws_eks_fargate_profile",
            "aws_glue_catalog_table",
            "aws_iam_group_policy",
            "aws_iam_user_policy",
            "aws_kinesis_stream_consumer",
            "aws_s3_bucket_intelligent_tiering_configuration",
            "aws_s3_bucket_inventory",
            "aws_s3_bucket_metric",
            "aws_s3_bucket_replication_configuration",
            "aws_service_discovery_service",
            "aws_ssm_maintenance_window_target",
            "aws_ssm_maintenance_window_task",
            "aws_timestreamwrite_table",
        ),
        "unique only within its parent resource",
    ),
    # names that need not be unique: AWS identifies these by a generated id
    **dict.fromkeys(
        (
            "aws_api_gateway_api_key",
            "aws_api_gateway_usage_plan",
            "aws_athena_named_query",
            "aws_cloudwatch_query_definition",
            "aws_emr_cluster",
            "aws_iam_group_membership",
            "aws_kms_grant",
            "aws_macie2_classification_job",
            "aws_shield_protection",
            "aws_ssm_association",
            "aws_ssm_maintenance_window",
            "aws_ssm_patch_baseline",
        ),
        "names need not be unique",
    ),
    "aws_iam_openid_connect_provider": "a provider URL the module is given",
    "aws_ses_email_identity": "an email address the module is given",
    "aws_service_discovery_private_dns_namespace": "a DNS name the module is given",
    "aws_applicationinsights_application": "names the resource group it monitors",
    # names code generators invent that the AWS provider does not have
    **dict.fromkeys(
        (
            "aws_cloudwatch_anomaly_detector",
            "aws_cloudwatch_contributor_insights_rule",
            "aws_cloudwatch_metric_filter",
            "aws_frauddetector_detector",
            "aws_glue_data_catalog_table",
            "aws_lambda_function_code",
            "aws_rds_cluster_instance_parameter",
            "aws_rds_instance",
            "aws_s3_bucket_encryption",
            "aws_s3_bucket_policy_attachment",
            "aws_secretsmanager_resource_policy",
            "aws_ssm_ops_item",
        ),
        "not a resource type of the AWS provider (5.x)",
    ),
}

# Types with a physical name that the table leaves out, and why: the fix would write a name AWS
# rejects, or the limits are not established well enough to state as fact.
LEFT_OUT: dict[str, str] = {
    "aws_s3_directory_bucket": "the name must end with its zone's --x-s3 suffix",
    "aws_dax_subnet_group": "AWS documents no length or character rules for its name",
    "aws_cloudwatch_log_resource_policy": "AWS documents no length rule for its policy name",
    "aws_codestarconnections_connection": "whether AWS requires unique names is not documented",
    **dict.fromkeys(
        (
            "aws_quicksight_dashboard",
            "aws_quicksight_data_set",
            "aws_quicksight_data_source",
            "aws_quicksight_group",
            "aws_quicksight_vpc_connection",
        ),
        "QuickSight ids have their own rules, not yet in the table",
    ),
}


def physical_name(resource_type: str) -> PhysicalName | None:
    """The physical-name rules of ``resource_type``, or None when its names need no suffix."""
    return PHYSICAL_NAMES.get(resource_type)
