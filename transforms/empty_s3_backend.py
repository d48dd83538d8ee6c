"""TF020 empty-s3-backend: `backend "s3" {}` with nothing to say where the state goes."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from terrafix.engine.findings import Applicability, Finding
from terrafix.engine.locate import span_of
from terrafix.engine.rules import Rule, RuleContext
from terrafix.model import disk
from terrafix.syntax import nodes as n

# Files that hold a partial backend configuration for `terraform init -backend-config=FILE`.
BACKEND_CONFIG_FILES = ("*.tfbackend", "backend*.hcl", "backend*.conf", "*.backend.hcl")


class EmptyS3Backend(Rule):
    code = "TF020"
    slug = "empty-s3-backend"
    summary = 'Report `backend "s3" {}` blocks whose settings nothing in the module supplies.'
    applicability = Applicability.DISPLAY_ONLY
    # Partial backend configuration completed by `terraform init -backend-config` is a common,
    # deliberate setup (most corrected answers in the generated corpus keep it), so the rule
    # runs only when selected by name.
    opt_in = True
    explanation = """\
## What it does
Reports a `backend "s3"` block with no settings at all when the module directory has no
backend configuration file (`*.tfbackend`, `backend*.hcl`, `backend*.conf`) to pass to
`terraform init -backend-config=...`.

## Why
An empty S3 backend is a partial configuration: `terraform init` asks for the bucket, key and
region, and fails in CI where nobody answers. Code generators write it expecting "runtime
parameters" that are neither provided nor documented.

## Example
Before:
```hcl
terraform {
  backend "s3" {}
}
```
What to do: name the state's place,
```hcl
terraform {
  backend "s3" {
    bucket = "my-terraform-state"
    key    = "monitoring/terraform.tfstate"
    region = "us-east-1"
  }
}
```
or keep the block and add a `s3.tfbackend` file that CI passes with `-backend-config`, or, for a
stack that is deployed and destroyed in isolation, use `backend "local" {}`.

## When it runs
Only when selected by name (`terrafix check --select empty-s3-backend`, or `TF020`): many teams
keep the block empty on purpose and pass the settings at `terraform init`.

## Fix safety
Display-only: where the state lives is a decision about the deployment, not about the code.
Moving a deployed stack's state to another backend needs `terraform init -migrate-state`.
"""

    def check(self, context: RuleContext) -> Iterable[Finding]:
        module = context.module
        backend = module.backend
        if backend is None or backend.node.label_values[:1] != ("s3",):
            return
        if not is_empty(backend.node):
            return
        if has_backend_config(module.directory):
            return
        tree = module.files[backend.path].tree
        start, end = span_of(tree, backend.node)
        yield Finding(
            self.code,
            self.slug,
            'backend "s3" {} has no settings and no -backend-config file sits beside it: '
            "terraform init will ask for bucket, key and region; set them, add a .tfbackend "
            'file, or use backend "local" for a stack deployed in isolation',
            backend.path,
            start,
            end,
            key=f"{self.code}:{module.directory}:backend.s3",
            severity="info",
        )


def is_empty(block: n.Block) -> bool:
    """No settings and no comment (a comment usually says where the settings come from)."""
    return all(type(e) is n.EmptyLine and e.is_blank for e in block.body.elements) and not any(
        leaf.comments() for leaf in (block.open, block.close)
    )


def has_backend_config(directory: Path) -> bool:
    return any(disk.glob(directory, pattern) for pattern in BACKEND_CONFIG_FILES)
