"""TF006 deletion-protection: deletion protection off, so terraform destroy can delete."""

from __future__ import annotations

from terrafix.data.destroyability import DELETION_PROTECTION
from terrafix.engine.findings import Applicability

from ._guards import PROFILE_NOTE, VARIABLE_FILE_SAFETY, DestroyabilityRule


class DeletionProtection(DestroyabilityRule):
    code = "TF006"
    slug = "deletion-protection"
    summary = "Deletion protection is off, so terraform destroy can delete the resource."
    applicability = Applicability.SAFE
    table = DELETION_PROTECTION
    consequence = "terraform destroy fails while deletion protection is on"
    explanation = (
        """\
## What it does
Turns deletion protection off where a resource turns it on: `deletion_protection = false` on
`aws_db_instance`, `aws_rds_cluster`, `aws_neptune_cluster`, `aws_docdb_cluster` and their
global clusters, `deletion_protection_enabled = false` on `aws_dynamodb_table`,
`enable_deletion_protection = false` on `aws_lb`/`aws_alb`, `delete_protection = false` on
`aws_networkfirewall_firewall`, `deletion_protection = "INACTIVE"` on `aws_cognito_user_pool`,
`disable_api_termination = false` on `aws_instance`, and `deletion_protection = false` on
`aws_qldb_ledger` (the only one whose protection is on when the argument is missing).

When the value is `var.NAME`, the variable's default changes instead, unless the variable is
used for something else (then the finding only reports). Conditional values such as
`var.environment == "prod" ? true : false` are reported and left as written.

## Why
AWS refuses to delete a protected resource, so `terraform destroy` stops half way and leaves
the rest of the stack behind. Stacks that are created and destroyed again (CI, previews,
tests) must not protect anything.

## Example
Before:
```hcl
resource "aws_lb" "app" {
  enable_deletion_protection = true
}
```
After:
```hcl
resource "aws_lb" "app" {
  enable_deletion_protection = false
}
```

## Fix safety
Safe for stacks meant to be destroyed: the setting changes in place, nothing is replaced.

"""
        + VARIABLE_FILE_SAFETY
        + PROFILE_NOTE
    )
