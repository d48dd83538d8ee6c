"""TF001 aws-region-variable: declare variables the module references but never declares."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from terrafix.engine.changeset import Changeset
from terrafix.engine.findings import Applicability, DeferredTexts, Finding, Fix
from terrafix.engine.locate import span_of
from terrafix.engine.rules import Rule, RuleContext
from terrafix.model import Module
from terrafix.model.module import literal_string
from terrafix.syntax import nodes as n
from terrafix.writer import BlockSpec, expr

if TYPE_CHECKING:
    from ._variable_uses import Calls

REGION = re.compile(r"^(?:us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov)-[a-z]+-\d$")
REGION_ALIASES = ("region", "aws_default_region", "default_region", "deploy_region", "location")
FALLBACK_REGION = "us-east-1"
ROOT_NOTE = "must be set with -var or a .tfvars file"


class AwsRegionVariable(Rule):
    code = "TF001"
    slug = "aws-region-variable"
    summary = "Declare variables that are referenced but never declared (var.aws_region first)."
    applicability = Applicability.SAFE
    explanation = """\
## What it does
Finds `var.NAME` references whose variable the module never declares, and declares it. For
`aws_region` the declaration gets `description = "AWS region for deployment"`, `type = string`
and a default taken, in order, from a similarly named variable (`region`), a region literal
elsewhere in the module (e.g. the provider's `region = "us-west-2"`), the rule option
`default_region`, else `us-east-1`. Other variables get the type their uses make clear: an
argument of a module call has the type the called module declares; a child module's variable
the type of what its callers pass; `count` and arithmetic take a number, conditions a bool,
`for_each` a map or a set, interpolations and tags a string, `length()`, `[*]` and `for` a
list. A default is written only when a use makes it clear (a tag value `""`, the value a
`count = var.x != "" ? 1 : 0` switch treats as off); otherwise the caller must pass the value,
and the finding says so. When uses disagree, the type falls back to nothing (display-only);
when no use says anything, to what the name says (`_count` a number, `_ids` a list).

## Why
`terraform plan` stops with "Reference to undeclared input variable". Code generators often write
`region = var.aws_region` into a provider while declaring `variable "region"`.

## Example
Before (`provider.tf` references a variable `variables.tf` does not declare):
```hcl
provider "aws" {
  region = var.aws_region
}

variable "region" {
  default = "us-west-1"
}
```
After (appended to `variables.tf`, or a new `variables.tf`):
```hcl
variable "aws_region" {
  description = "AWS region for deployment"
  type        = string
  default     = "us-west-1"
}
```

## Fix safety
Safe: the module could not plan before. Declaring a variable without a default (when its type is
clear but no value is known) makes Terraform ask for a value; when the type is not clear the
finding is display-only.
"""

    def check(self, context: RuleContext) -> Iterable[Finding]:
        module = context.module
        seen: dict[str, list] = {}
        for reference in module.references_to("var"):
            parts = reference.traversal.parts
            if len(parts) >= 2 and not module.may_declare("variable", parts[1]):
                seen.setdefault(parts[1], []).append(reference)
        # Every variable whose type is inferred reads the same calls from the module's callers.
        calls = cache(lambda: _calls(context))
        for name, references in sorted(seen.items()):
            yield self._finding(context, name, references, calls)

    def _finding(
        self, context: RuleContext, name: str, references: list, calls: Callable[[], Calls]
    ) -> Finding:
        module = context.module
        first = references[0]
        tree = module.files[first.path].tree
        start, end = span_of(tree, first.traversal.node)
        count = len(references)
        where = f" ({count} references)" if count > 1 else ""
        message = f"variable {name!r} is referenced but not declared{where}"
        spec, applicability, how = self._declaration(context, name, references, calls)
        if spec is not None and ROOT_NOTE in how:
            message += f"; the fix declares it without a default, so it {ROOT_NOTE}"
        fix = None
        if spec is not None:
            texts = DeferredTexts(lambda: _declared(module, name, spec))
            fix = Fix(f"declare variable {name!r}{how}", applicability, module.texts, texts)
        return Finding(
            self.code,
            self.slug,
            message,
            first.path,
            start,
            end,
            key=f"{self.code}:{module.directory}:{name}",
            severity="error",
            fix=fix,
        )

    def _declaration(
        self, context: RuleContext, name: str, references: list, calls: Callable[[], Calls]
    ):
        if name == "aws_region":
            default, source = region_default(context.module, context.options)
            spec = BlockSpec(
                "variable",
                (name,),
                (
                    ("description", "AWS region for deployment"),
                    ("type", expr("string")),
                    ("default", default),
                ),
            )
            return spec, Applicability.SAFE, f" with default {default!r} ({source})"
        # Imported here: most runs of this rule declare only aws_region, and choosing a rule
        # imports only its own module (editor start-up).
        from ._variable_uses import infer
        from .naming._analysis import SUFFIX_VARIABLES
        from .naming._plan import DEFAULT_SUFFIX, suffix_variable_spec

        if name in SUFFIX_VARIABLES:  # declared as TF002 declares it, so names stay distinct
            spec = suffix_variable_spec(name, DEFAULT_SUFFIX)
            return spec, Applicability.SAFE, f" with default {DEFAULT_SUFFIX!r}"
        found = infer(
            context.module,
            name,
            references,
            context.callers,
            fallback=infer_type(name),
            read_calls=calls,
        )
        if found is None:
            return None, Applicability.DISPLAY_ONLY, ""
        items: list = [("type", expr(found.type))]
        how = f" of type {found.type} ({found.reason})"
        if found.default is not None:
            items.append(("default", expr(found.default)))
            how += f" with default {found.default}"
        elif context.is_called:
            how += "; its callers pass the value"
        else:
            how += f"; no default, so it {ROOT_NOTE}"
        return BlockSpec("variable", (name,), tuple(items)), Applicability.SAFE, how


def _calls(context: RuleContext) -> Calls:
    """The calls of the checked module from its callers (see ``_variable_uses.calls_from``)."""
    from ._variable_uses import calls_from

    return calls_from(context.callers, context.module.directory)


def _declared(module: Module, name: str, spec: BlockSpec) -> dict[Path, str]:
    """The module's texts with ``spec`` declared (built when a report or a fix reads them: a
    text report only says that a fix exists)."""
    module.remember_texts()  # the run may have analysed other modules since this one
    changes = Changeset(module)
    changes.ensure_variable(name, spec)
    return changes.changes()


def region_default(module: Module, options: dict) -> tuple[str, str]:
    """The default region for a new aws_region variable, and where it came from."""
    for alias in REGION_ALIASES:
        symbol = module.variables.get(alias)
        if symbol is not None:
            default = symbol.node.body.attribute("default")
            value = literal_string(default.value) if default else None
            if value:
                return value, f"from variable {alias!r}"
    for _, block in module.top_level_blocks():
        for node in block.walk():
            if type(node) is n.TemplateString:
                value = literal_string(node)
                if value and REGION.match(value):
                    return value, "a region the module already uses"
    configured = options.get("default_region")
    if configured:
        return str(configured), "from configuration"
    return FALLBACK_REGION, "the default region"


NUMBER_NAMES = re.compile(
    r"(^|_)(count|size|port|timeout|days|retention|capacity|memory|number|min|max|desired)(_|$)"
)
BOOL_NAMES = re.compile(r"^(enable|enabled|is|use|create|allow|has)(_|$)|_enabled$")


def infer_type(name: str) -> str | None:
    """The variable's type when its name makes it clear, else None."""
    if BOOL_NAMES.search(name):
        return "bool"
    if NUMBER_NAMES.search(name):
        return "number"
    if name.endswith(("_ids", "_arns", "_cidrs", "_names", "_subnets", "_zones")):
        return "list(string)"
    if name == "tags" or name.endswith("_tags"):
        return "map(string)"
    if name.endswith(
        ("_name", "_id", "_arn", "_cidr", "_prefix", "_suffix", "environment", "region", "_type")
    ):
        return "string"
    return None
