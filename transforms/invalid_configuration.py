"""TF024 invalid-configuration: what would make Terraform refuse the module, found offline."""

from __future__ import annotations

from collections.abc import Iterable

from terrafix.engine.findings import Applicability, Finding
from terrafix.engine.rules import Rule, RuleContext
from terrafix.model.validation import Problem, validate

# TF001 reports these, with a declaration to add: one finding per reference is enough.
UNDECLARED_VARIABLE = "Reference to undeclared input variable"


class InvalidConfiguration(Rule):
    code = "TF024"
    slug = "invalid-configuration"
    summary = "Report what Terraform's configuration loader would refuse, without running it."
    applicability = Applicability.DISPLAY_ONLY
    explanation = """\
## What it does
Checks the module the way Terraform's configuration loader does, offline and without
providers, and reports each error with Terraform's own title:

- an argument set twice in one block ("Attribute redefined");
- two declarations of one name: variables, local values, outputs, resources, data sources,
  module calls, provider configurations without an alias or with the same alias, and more than
  one `required_providers` block;
- references or function calls where Terraform takes only constants ("Variables not allowed",
  "Function calls not allowed"): a variable's `default`, `description`, `sensitive`,
  `nullable`; an output's `description`; a module's `source` and `version`; everything in
  `terraform {}`; a provider's `alias`; `lifecycle`'s `prevent_destroy` and
  `create_before_destroy`;
- `depends_on` and `moved`/`removed`/`import` addresses that are not plain references
  ("Invalid expression"), and `replace_triggered_by` entries that are not resources;
- references to local values, resources, data sources and module calls the module does not
  declare ("Reference to undeclared local value", ...); undeclared variables are TF001's
  findings, which come with the declaration to add. For-expression and
  `dynamic` block iterators, `each`, `count`, `self`, `path`, `terraform` and `check` blocks'
  own data sources are understood. A module with a file that does not parse or a `.tf.json`
  file is not checked for these, as part of its declarations is not seen.

Override files (`override.tf`, `*_override.tf`) may repeat declarations, as Terraform merges
them.

## Why
`terraform init`, `validate` and `plan` stop at these errors, so the whole stack fails to
deploy. Finding them before a run is cheaper, and terrafix holds its own fixes to the same
check: a fix that would introduce one of these errors is never written.

## Example
Before:
```hcl
terraform {
  required_providers {
    archive = { source = "hashicorp/archive", version = ">= 2.4" }
    archive = { source = "hashicorp/archive", version = ">= 2.4" }
  }
}
```
Reported:
```
versions.tf:4:5: error: Attribute redefined: The argument "archive" was already set at
versions.tf:3,5-12. Each argument may be set only once. [TF024]
```

## Fix safety
No fix: which of two declarations is the right one, or what a reference should name, is for
the author to decide.
"""

    def check(self, context: RuleContext) -> Iterable[Finding]:
        for problem in validate(context.module):
            if problem.summary != UNDECLARED_VARIABLE:
                yield self._finding(problem)

    def _finding(self, problem: Problem) -> Finding:
        return Finding(
            self.code,
            self.slug,
            f"{problem.summary}: {problem.detail}",
            problem.path,
            problem.start,
            problem.end,
            key=f"{self.code}:{problem.path}:{problem.summary}:{problem.source}",
            severity="error",
        )
