"""TF019 wildcard-vpc-lookup: `data "aws_vpc"` lookups that match whichever VPC exists."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from terrafix.engine.findings import Applicability, Finding
from terrafix.engine.locate import span_of
from terrafix.engine.rules import Rule, RuleContext
from terrafix.model import Module
from terrafix.model.module import literal_string
from terrafix.syntax import nodes as n

from .lambda_reserved_concurrency import value_of

WILDCARDS = ("*", "?*", "*?")


class WildcardVpcLookup(Rule):
    code = "TF019"
    slug = "wildcard-vpc-lookup"
    summary = 'Report `data "aws_vpc"` lookups that match any VPC (a "*" filter, no criteria).'
    applicability = Applicability.DISPLAY_ONLY
    explanation = """\
## What it does
Reports a `data "aws_vpc"` whose `filter` accepts any value (`values = ["*"]`), or that has no
criteria at all (no `id`, `cidr_block`, `tags`, `filter`, `default`, `state`). With the rule
option `report_default_vpc = true` it also reports `default = true` lookups, for accounts
where the default VPC has been deleted (as many organisations do).

## Why
A lookup that matches every VPC fails as soon as the account has two: "multiple EC2 VPCs
matched; use additional constraints to reduce matches to a single EC2 VPC". It works in an
empty test account and breaks in the next one.

## Example
Before:
```hcl
data "aws_vpc" "main" {
  filter {
    name   = "tag:Name"
    values = ["*"]
  }
}
```
What to write instead: say which VPC, by `id = var.vpc_id` or a real tag value; where any VPC
will do, the default one:
```hcl
data "aws_vpc" "main" {
  default = true
}
```

## Fix safety
Display-only: which VPC the stack belongs in is the author's decision.
"""

    def check(self, context: RuleContext) -> Iterable[Finding]:
        module = context.module
        report_default = bool(context.options.get("report_default_vpc", False))
        for (type_, name), symbol in sorted(module.data_sources.items()):
            if type_ != "aws_vpc":
                continue
            for node, why, instead in _matches_any(symbol.node, report_default, module):
                tree = module.files[symbol.path].tree
                start, end = span_of(tree, node)
                if type(node) is n.Attribute:  # its text, not its line's end
                    _, end = span_of(tree, node.value)
                yield Finding(
                    self.code,
                    self.slug,
                    f"data.aws_vpc.{name} {why}; {instead}",
                    symbol.path,
                    start,
                    end,
                    key=f"{self.code}:{module.directory}:data.aws_vpc.{name}",
                    severity="warning",
                )


CRITERIA = ("id", "cidr_block", "tags", "default", "state", "dhcp_options_id")
MULTIPLE = 'the lookup fails with "multiple EC2 VPCs matched" where the account has two'
NAME_IT = "name the VPC (id = var.vpc_id, or a real tag value)"


def _matches_any(
    block: n.Block, report_default: bool, module: Module
) -> Iterator[tuple[n.Node, str, str]]:
    """(where, what the lookup does, what to do instead) when it may match the wrong VPC."""
    body = block.body
    default = body.attribute("default")
    if report_default and default is not None and value_of(module, default.value) is True:
        yield (
            default,
            "relies on the default VPC: the lookup fails in accounts that deleted it",
            NAME_IT,
        )
        return
    if any(body.attribute(a) for a in CRITERIA) or next(body.blocks("dynamic"), None):
        return
    filters = list(body.blocks("filter"))
    wildcards = [values for values in map(_wildcard_values, filters) if values is not None]
    if len(wildcards) != len(filters):
        return
    if not filters:
        yield (
            block,
            f"has no criteria, so it matches every VPC: {MULTIPLE}",
            f"{NAME_IT} or use default = true",
        )
    else:
        shown = wildcards[0].value.render().strip()
        yield (
            wildcards[0],
            f"filters with values = {shown}, which matches every VPC: {MULTIPLE}",
            f"{NAME_IT} or use default = true",
        )


def _wildcard_values(item: n.Block) -> n.Attribute | None:
    """The filter's `values` when they accept anything."""
    values = item.body.attribute("values")
    if values is None or type(values.value) is not n.Tuple:
        return None
    literals = [literal_string(v.value) for v in values.value.items]
    return values if literals and all(v in WILDCARDS for v in literals) else None
