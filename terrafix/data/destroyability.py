"""Arguments that decide whether `terraform destroy` can remove a resource, per resource type.

Each table maps a resource type of the AWS provider to the argument that guards its deletion,
the value that lets destroy go through, and whether leaving the argument out is already fine
(the provider's default). Sources: the AWS provider's resource documentation.
"""

from __future__ import annotations

from typing import NamedTuple


class Guard(NamedTuple):
    """One argument that can stop `terraform destroy`."""

    argument: str
    destroyable: bool | int | str  # the value with which destroy succeeds
    default_destroyable: bool  # True when the provider's default already lets destroy succeed


# skip_final_snapshot defaults to false: destroy then needs a final snapshot name, and fails
# without one (or leaves a snapshot behind whose name collides on the next run).
SKIP_FINAL_SNAPSHOT: dict[str, Guard] = {
    "aws_db_instance": Guard("skip_final_snapshot", True, False),
    "aws_rds_cluster": Guard("skip_final_snapshot", True, False),
    "aws_neptune_cluster": Guard("skip_final_snapshot", True, False),
    "aws_docdb_cluster": Guard("skip_final_snapshot", True, False),
    "aws_redshift_cluster": Guard("skip_final_snapshot", True, False),
    "aws_lightsail_database": Guard("skip_final_snapshot", True, False),
}

# The argument naming the final snapshot, which has no use once the snapshot is skipped.
FINAL_SNAPSHOT_NAME: dict[str, str] = {
    "aws_db_instance": "final_snapshot_identifier",
    "aws_rds_cluster": "final_snapshot_identifier",
    "aws_neptune_cluster": "final_snapshot_identifier",
    "aws_docdb_cluster": "final_snapshot_identifier",
    "aws_redshift_cluster": "final_snapshot_identifier",
    "aws_lightsail_database": "final_snapshot_name",
}

DELETION_PROTECTION: dict[str, Guard] = {
    "aws_db_instance": Guard("deletion_protection", False, True),
    "aws_rds_cluster": Guard("deletion_protection", False, True),
    "aws_rds_global_cluster": Guard("deletion_protection", False, True),
    "aws_neptune_cluster": Guard("deletion_protection", False, True),
    "aws_neptune_global_cluster": Guard("deletion_protection", False, True),
    "aws_docdb_cluster": Guard("deletion_protection", False, True),
    "aws_docdb_global_cluster": Guard("deletion_protection", False, True),
    "aws_dynamodb_table": Guard("deletion_protection_enabled", False, True),
    "aws_lb": Guard("enable_deletion_protection", False, True),
    "aws_alb": Guard("enable_deletion_protection", False, True),
    "aws_networkfirewall_firewall": Guard("delete_protection", False, True),
    "aws_cognito_user_pool": Guard("deletion_protection", "INACTIVE", True),
    # QLDB turns deletion protection on unless told otherwise.
    "aws_qldb_ledger": Guard("deletion_protection", False, False),
    "aws_instance": Guard("disable_api_termination", False, True),
}

# A secret deleted with a recovery window keeps its name reserved for that many days (default
# 30), so the next deploy of the same stack fails to create it.
SECRET_RECOVERY_WINDOW: dict[str, Guard] = {
    "aws_secretsmanager_secret": Guard("recovery_window_in_days", 0, False),
}

# Without force_destroy, deleting a bucket that still holds objects fails.
BUCKET_FORCE_DESTROY: dict[str, Guard] = {
    "aws_s3_bucket": Guard("force_destroy", True, False),
    "aws_s3_directory_bucket": Guard("force_destroy", True, False),
}

# Without force_delete, deleting a repository that still holds images fails.
ECR_FORCE_DELETE: dict[str, Guard] = {
    "aws_ecr_repository": Guard("force_delete", True, False),
    "aws_ecrpublic_repository": Guard("force_destroy", True, False),
}

ALL_TABLES: tuple[dict[str, Guard], ...] = (
    SKIP_FINAL_SNAPSHOT,
    DELETION_PROTECTION,
    SECRET_RECOVERY_WINDOW,
    BUCKET_FORCE_DESTROY,
    ECR_FORCE_DELETE,
)


def guards_of(resource_type: str) -> list[Guard]:
    """Every guard the tables list for a resource type."""
    return [table[resource_type] for table in ALL_TABLES if resource_type in table]
