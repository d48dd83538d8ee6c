"""TF009 ecr-force-delete: ECR repositories that terraform destroy can delete with their images."""

from __future__ import annotations

from terrafix.data.destroyability import ECR_FORCE_DELETE
from terrafix.engine.findings import Applicability

from ._guards import PROFILE_NOTE, VARIABLE_FILE_SAFETY, DestroyabilityRule


class EcrForceDelete(DestroyabilityRule):
    code = "TF009"
    slug = "ecr-force-delete"
    summary = "ECR repositories set force_delete = true, so terraform destroy can delete them."
    applicability = Applicability.SAFE
    table = ECR_FORCE_DELETE
    consequence = "terraform destroy fails while the repository still holds images"
    explanation = (
        """\
## What it does
Sets `force_delete = true` on `aws_ecr_repository` (and `force_destroy = true` on
`aws_ecrpublic_repository`) when it is missing (the default is `false`) or `false`. When the
value is `var.NAME`, the variable's default becomes `true` instead, unless the variable is used
for something else (then the finding only reports). Conditional values are reported and left as
written.

## Why
ECR deletes only empty repositories. Images pushed while the stack ran make `terraform destroy`
fail with `RepositoryNotEmptyException`.

## Example
Before:
```hcl
resource "aws_ecr_repository" "app" {
  name = "app"
}
```
After:
```hcl
resource "aws_ecr_repository" "app" {
  name         = "app"
  force_delete = true
}
```

## Fix safety
Safe for stacks meant to be destroyed: destroy then deletes the images, which cannot be undone.

"""
        + VARIABLE_FILE_SAFETY
        + PROFILE_NOTE
    )
