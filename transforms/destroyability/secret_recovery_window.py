"""TF007 secret-recovery-window: secrets deleted at once, so the next deploy can recreate them."""

from __future__ import annotations

from terrafix.data.destroyability import SECRET_RECOVERY_WINDOW
from terrafix.engine.findings import Applicability

from ._guards import PROFILE_NOTE, VARIABLE_FILE_SAFETY, DestroyabilityRule


class SecretRecoveryWindow(DestroyabilityRule):
    code = "TF007"
    slug = "secret-recovery-window"
    summary = "Secrets are deleted at once (recovery_window_in_days = 0), not kept for 30 days."
    applicability = Applicability.SAFE
    table = SECRET_RECOVERY_WINDOW
    consequence = (
        "destroy only schedules the secret for deletion and keeps its name taken, so the next "
        "deploy of the stack fails to create it"
    )
    explanation = (
        """\
## What it does
Sets `recovery_window_in_days = 0` on `aws_secretsmanager_secret` when it is missing (the
default is 30 days) or any other number. When the value is `var.NAME`, the variable's default
becomes `0` instead, unless the variable is used for something else (then the finding only
reports). Conditional values such as `var.environment == "prod" ? 30 : 0` are reported and left
as written.

## Why
A secret deleted with a recovery window is only scheduled for deletion: its name stays taken
until the window ends. Deploying the same stack again within that time fails with "a secret
with this name is already scheduled for deletion".

## Example
Before:
```hcl
resource "aws_secretsmanager_secret" "db" {
  name                    = "app-db-credentials"
  recovery_window_in_days = 7
}
```
After:
```hcl
resource "aws_secretsmanager_secret" "db" {
  name                    = "app-db-credentials"
  recovery_window_in_days = 0
}
```

## Fix safety
Safe for stacks meant to be destroyed: the setting only matters on deletion. A secret deleted
with a window of 0 cannot be restored.

"""
        + VARIABLE_FILE_SAFETY
        + PROFILE_NOTE
    )
