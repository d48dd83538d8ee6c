"""TF002 name-prefix-locals: build every physical name from one per-deployment name prefix."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from terrafix.engine.changeset import Changeset
from terrafix.engine.config import PRODUCTION
from terrafix.engine.findings import Applicability, DeferredTexts, Finding, Fix
from terrafix.engine.locate import span_of
from terrafix.engine.rules import Rule, RuleContext
from terrafix.engine.suppress import MARK, is_suppressed
from terrafix.model import Module

from ._edits import apply_plan
from ._memo import one_check
from ._plan import NamingPlan, SiteChange, Wiring, plan_module, random_suffix_spec

RANDOM_VERSION = "~> 3.6"


class NamePrefixLocals(Rule):
    code = "TF002"
    slug = "name-prefix-locals"
    summary = (
        "Build physical resource names from one name_prefix that carries an environment suffix."
    )
    applicability = Applicability.SAFE
    explanation = """\
## What it does
Finds resources whose physical name (the `name`, `function_name`, `bucket`, `identifier`,
`alarm_name`, `replication_group_id`, ... that AWS requires to be unique; one table covers
about a hundred resource types with their length and character rules) is fixed text, or is built
only from fixed text and variables' defaults. It then makes one change per module:

- declares `variable "environment_suffix"` (`type = string`, default `"dev"`, or the rule option
  `default_suffix`), unless the module already has a suffix variable;
- adds `name_prefix = "${var.project_name}-${var.environment_suffix}"` to the module's locals
  (or `locals.tf`); without a `project_name`-like variable it declares `project_name`, with a
  default taken from the names in use. When the module already has a prefix local (such as
  `name_prefix = "${var.project}-${var.environment}"`), the suffix is appended to that local
  instead, and every name built from it follows;
- rewrites each static name to start with the prefix, keeping its own interpolations:
  `"${var.project_name}-alb"` becomes `"${local.name_prefix}-alb"`, `"payment-db"` becomes
  `"${local.name_prefix}-payment-db"`; KMS aliases keep `alias/`, log groups keep `/aws/<service>/`
  and SSM parameters keep their leading `/`;
- other strings that spell a renamed name (policy ARNs, `Name` tags, environment variables)
  are rewritten the same way, so they keep pointing at the same resource;
- a name that can exceed its AWS limit with a suffix of `suffix_budget` characters (default 8)
  switches to the type's `name_prefix` argument when AWS caps that prefix at 6 characters
  (`aws_lb`, `aws_lb_target_group`), and is otherwise cut with `substr(..., 0, LIMIT)`, inside
  `replace(..., "/[-_.]+$/", "")` so the cut never leaves a name ending in `-`, `_` or `.`
  (most AWS names must end with a letter or digit); the finding says which.

A child module in the same tree (`source = "./modules/x"`) whose caller passes fixed values
(`project_name = var.project_name` from a root configuration) gets its own
`environment_suffix` variable, and the caller passes `environment_suffix = var.environment_suffix`
down. Names built from another resource's name (`/aws/lambda/${aws_lambda_function.f.function_name}`)
follow that resource and are not touched.

Modules that take their name prefix from their own inputs (a variable without a default in a
reusable module) are left alone: their callers choose the names. Names are otherwise judged one
by one: a name taken from another module's output or a data source is that module's to choose
and is left as it is, and a registry module called beside the names changes nothing for them
(its arguments are not rewritten). Examples that call the module above them (`source = "../"`)
are left alone. Names AWS allows no `-` in (Glue and Athena databases) join the prefix with
`_` through `replace(..., "-", "_")`. A literal `name_prefix` longer than AWS allows for it (6
characters for load balancers and target groups, 38 for IAM roles) is shortened.

Options (`[tool.terrafix.rules.name-prefix-locals]`): `suffix_variable` (default
`"environment_suffix"`), `default_suffix` (`"dev"`), `suffix_budget` (8), and
`random_suffix = true`: the variable's default becomes `""` and an empty suffix falls back to
`random_string.suffix` (8 lowercase characters), with `random` added to `required_providers`.

## Why
Two deployments of one stack into one account (CI runs per pull request, a second environment)
collide on fixed names: `ResourceConflictException`, `EntityAlreadyExists`, `BucketAlreadyExists`.
Long names break AWS limits (load balancers and target groups allow 32 characters).

## Example
Before (seed: a Lambda function named only from the project):
```hcl
variable "project_name" {
  type    = string
  default = "events"
}

resource "aws_lambda_function" "event_ingestion" {
  function_name = "${var.project_name}-event-ingestion"
}
```
After:
```hcl
variable "environment_suffix" {
  description = "Unique suffix for resource names, so several deployments can share an account"
  type        = string
  default     = "dev"
}

locals {
  name_prefix = "${var.project_name}-${var.environment_suffix}"
}

resource "aws_lambda_function" "event_ingestion" {
  function_name = "${local.name_prefix}-event-ingestion"
}
```
And a target group whose name can pass 32 characters (seed: `tg-${var.environment}-...`) gets
`name_prefix = "tg-"`: AWS appends a unique part.

## Fix safety
Renaming a deployed resource makes Terraform destroy it and create a new one. In the
`ephemeral` profile (stacks created and destroyed per test, preview or pull request) that is
what the fix is for, so it is safe. In the `default` profile it is unsafe: applied only with
`--unsafe-fixes`, after you have checked that replacing those resources is acceptable. The
`production` profile reports the names and offers no fix.
"""

    def check(self, context: RuleContext) -> Iterable[Finding]:
        module = context.module
        if any(source.tree is None for source in module.files.values()):
            return
        with one_check():
            findings = self._findings(context, frozenset())
            # Only a file that spells a suppression comment can suppress a finding.
            marked = {p for p, s in module.files.items() if MARK in s.text}
            suppressed = frozenset(
                f.key.rsplit(":", 1)[1]
                for f in findings
                if f.path in marked and is_suppressed(f, module)
            )
            if suppressed:  # a suppressed name keeps its name: plan again without it
                findings = self._findings(context, suppressed)
        yield from findings

    def _findings(self, context: RuleContext, skip: frozenset[str]) -> list[Finding]:
        plan = plan_module(context.module, context.options, skip=skip)
        if plan is None:
            return []
        fix = None if context.profile == PRODUCTION else self._fix(context, plan, _safety(context))
        return [self._finding(context, plan, change, fix) for change in plan.changes] + [
            self._wiring_finding(context, wiring, fix) for wiring in plan.wirings
        ]

    def _wiring_finding(self, context: RuleContext, wiring: Wiring, fix: Fix | None) -> Finding:
        module = context.module
        start, end = span_of(module.files[wiring.path].tree, wiring.call.type)
        message = (
            f"{wiring.address}: passes no {wiring.argument}, so the module names its resources "
            "the same in every deployment"
        )
        return Finding(
            self.code,
            self.slug,
            message,
            wiring.path,
            start,
            end,
            key=f"{self.code}:{module.directory}:{wiring.address}",
            fix=fix,
        )

    def _fix(self, context: RuleContext, plan: NamingPlan, applicability: Applicability) -> Fix:
        count = len(plan.changes)
        description = (
            f"build {count} physical name{'s' if count != 1 else ''} from local.{plan.prefix_local}"
            if count
            else f"pass var.{plan.suffix_variable} to child modules"
        )
        module = context.module
        base = {p: s.text for p, s in module.files.items()}
        return Fix(
            description, applicability, base, DeferredTexts(lambda: _new_texts(module, plan))
        )

    def _finding(
        self, context: RuleContext, plan: NamingPlan, change: SiteChange, fix: Fix | None
    ) -> Finding:
        module = context.module
        site = change.site
        tree = module.files[site.path].tree
        start, end = span_of(tree, site.attribute.value)
        message = f"{site.address}: {site.rules.attribute} {change.problem}; {change.how}"
        return Finding(
            self.code,
            self.slug,
            message,
            site.path,
            start,
            end,
            key=f"{self.code}:{module.directory}:{site.address}",
            severity="warning",
            fix=fix,
        )


def _new_texts(module: Module, plan: NamingPlan) -> dict[Path, str]:
    """The module's texts once ``plan`` is carried out (built when a report or a fix needs them:
    most findings are only reported)."""
    module.remember_texts()  # the run may have analysed other modules since this one
    changes = Changeset(module)
    for name, spec in plan.new_variables:
        changes.ensure_variable(name, spec)
    if plan.new_local is not None:
        changes.ensure_local(*plan.new_local)
    if plan.random_suffix:
        changes.ensure_required_provider("random", "hashicorp/random", RANDOM_VERSION)
        path = changes.file_for(("main.tf",), "main.tf")
        changes.document(path).append_block(random_suffix_spec(plan.suffix_variable))
    apply_plan(changes, plan)
    return changes.changes()


def _safety(context: RuleContext) -> Applicability:
    """Renames replace deployed resources: safe only for stacks declared throwaway."""
    return Applicability.SAFE if context.ephemeral else Applicability.UNSAFE
