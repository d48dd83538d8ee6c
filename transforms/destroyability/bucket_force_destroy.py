"""TF008 bucket-force-destroy: buckets that terraform destroy can delete with their objects."""

from __future__ import annotations

from terrafix.data.destroyability import BUCKET_FORCE_DESTROY
from terrafix.engine.findings import Applicability

from ._guards import PROFILE_NOTE, VARIABLE_FILE_SAFETY, DestroyabilityRule


class BucketForceDestroy(DestroyabilityRule):
    code = "TF008"
    slug = "bucket-force-destroy"
    summary = "S3 buckets set force_destroy = true, so terraform destroy can delete them."
    applicability = Applicability.SAFE
    table = BUCKET_FORCE_DESTROY
    consequence = "terraform destroy fails while the bucket still holds objects"
    explanation = (
        """\
## What it does
Sets `force_destroy = true` on `aws_s3_bucket` and `aws_s3_directory_bucket` when it is missing
(the default is `false`) or `false`. When the value is `var.NAME`, the variable's default
becomes `true` instead, unless the variable is used for something else (then the finding only
reports). Conditional values are reported and left as written.

## Why
S3 deletes only empty buckets. Logs, uploads and state written while the stack ran make
`terraform destroy` fail with `BucketNotEmpty` and leave the bucket (and its costs) behind.

## Example
Before:
```hcl
resource "aws_s3_bucket" "logs" {
  bucket = "app-logs"
}
```
After:
```hcl
resource "aws_s3_bucket" "logs" {
  bucket        = "app-logs"
  force_destroy = true
}
```

## Fix safety
Safe for stacks meant to be destroyed: destroy then deletes every object, which cannot be
undone. The flag only takes effect once an apply has stored it in the state.

"""
        + VARIABLE_FILE_SAFETY
        + PROFILE_NOTE
    )
