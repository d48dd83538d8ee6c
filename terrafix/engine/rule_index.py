"""Which transform module holds each rule, so choosing rules imports only the chosen modules.

Selecting by code, slug or prefix needs just a rule's code, slug and opt-in flag; importing a
rule's module (and the data tables it loads) is left until the rule is sure to run.
``tests/test_rule_index.py`` checks this table against the rule classes themselves.
"""

from __future__ import annotations

from typing import NamedTuple


class RuleEntry(NamedTuple):
    code: str
    slug: str
    module: str  # in terrafix.transforms
    opt_in: bool


# Ordered by code, the order in which rules run and are listed.
RULES: tuple[RuleEntry, ...] = (
    RuleEntry("TF001", "aws-region-variable", "aws_region_variable", opt_in=False),
    RuleEntry("TF002", "name-prefix-locals", "naming.name_prefix_locals", opt_in=False),
    RuleEntry("TF003", "scope-iam-arns", "iam.scope_iam_arns", opt_in=False),
    RuleEntry("TF004", "archive-file-sources", "archive_file_sources", opt_in=False),
    RuleEntry("TF005", "skip-final-snapshot", "destroyability.skip_final_snapshot", opt_in=False),
    RuleEntry("TF006", "deletion-protection", "destroyability.deletion_protection", opt_in=False),
    RuleEntry(
        "TF007", "secret-recovery-window", "destroyability.secret_recovery_window", opt_in=False
    ),
    RuleEntry("TF008", "bucket-force-destroy", "destroyability.bucket_force_destroy", opt_in=False),
    RuleEntry("TF009", "ecr-force-delete", "destroyability.ecr_force_delete", opt_in=False),
    RuleEntry("TF010", "hardcoded-account-id", "iam.hardcoded_account_id", opt_in=False),
    RuleEntry("TF011", "required-providers", "required_providers", opt_in=False),
    RuleEntry("TF012", "s3-lifecycle-filter", "s3_lifecycle_filter", opt_in=False),
    RuleEntry("TF013", "sqs-encryption", "sqs_encryption", opt_in=True),
    RuleEntry("TF014", "provider-in-main", "provider_in_main", opt_in=True),
    RuleEntry("TF015", "placeholder-secrets", "placeholder_secrets", opt_in=False),
    RuleEntry("TF016", "lambda-reserved-concurrency", "lambda_reserved_concurrency", opt_in=False),
    RuleEntry("TF017", "performance-insights-unsupported", "performance_insights", opt_in=False),
    RuleEntry("TF018", "latest-image-tag", "latest_image_tag", opt_in=False),
    RuleEntry("TF019", "wildcard-vpc-lookup", "wildcard_vpc_lookup", opt_in=False),
    RuleEntry("TF020", "empty-s3-backend", "empty_s3_backend", opt_in=True),
    RuleEntry("TF021", "method-settings-block", "method_settings_block", opt_in=False),
    RuleEntry("TF022", "prevent-destroy", "destroyability.prevent_destroy", opt_in=False),
    RuleEntry("TF023", "extraction-damage", "extraction_damage", opt_in=False),
    RuleEntry("TF024", "invalid-configuration", "invalid_configuration", opt_in=False),
)
