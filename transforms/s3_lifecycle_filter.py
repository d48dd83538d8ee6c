"""TF012 s3-lifecycle-filter: lifecycle rules say which objects they apply to (`filter {}`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from terrafix.engine.changeset import Changeset, insert_nested_block
from terrafix.engine.findings import Applicability, Finding, Fix
from terrafix.engine.locate import span_of
from terrafix.engine.rules import Rule, RuleContext
from terrafix.model import Module
from terrafix.syntax import nodes as n
from terrafix.writer import BlockSpec, Style

LIFECYCLE = "aws_s3_bucket_lifecycle_configuration"


class S3LifecycleFilter(Rule):
    code = "TF012"
    slug = "s3-lifecycle-filter"
    summary = "Give S3 lifecycle rules without filter or prefix an empty filter {}."
    applicability = Applicability.SAFE
    explanation = """\
## What it does
Finds `rule` blocks of `aws_s3_bucket_lifecycle_configuration` (also the `content` of a
`dynamic "rule"`) that have neither a `filter` block nor a `prefix` argument, and adds
`filter {}` after the rule's arguments: the rule applies to every object, as it meant to.

## Why
AWS provider v5 requires one of them. Without it, `terraform validate` warns and later provider
versions reject the rule ("No filter or prefix specified"); the API itself reads a rule without
a filter differently across versions.

## Example
Before:
```hcl
resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    id     = "cleanup-old-artifacts"
    status = "Enabled"

    expiration {
      days = 30
    }
  }
}
```
After:
```hcl
  rule {
    id     = "cleanup-old-artifacts"
    status = "Enabled"

    filter {}

    expiration {
      days = 30
    }
  }
```

## Fix safety
An empty filter selects every object, which is what a rule without a filter did. Safe in the
`ephemeral` profile. Elsewhere unsafe: on a deployed bucket the next plan updates the
configuration in place, and several AWS provider releases mishandled an empty `filter`
(validation errors, "inconsistent result after apply"); pick the provider version first.
"""

    def check(self, context: RuleContext) -> Iterable[Finding]:
        module = context.module
        for (type_, _), symbol in module.resources.items():
            if type_ != LIFECYCLE:
                continue
            rules = list(unfiltered_rules(symbol.node))
            if not rules:
                continue
            safety = Applicability.SAFE if context.ephemeral else Applicability.UNSAFE
            fix = _fix(module, symbol.path, symbol.node, rules, safety)
            tree = module.files[symbol.path].tree
            address = ".".join(symbol.node.label_values)
            for index, rule in enumerate(rules):
                start, end = span_of(tree, rule.type)
                name = _rule_id(rule)
                yield Finding(
                    self.code,
                    self.slug,
                    f"{address}: lifecycle rule {name} has neither filter nor prefix; "
                    "AWS provider v5 needs one: add filter {}",
                    symbol.path,
                    start,
                    end,
                    key=f"{self.code}:{module.directory}:{address}:{index}:{name}",
                    severity="warning",
                    fix=fix,
                )


def unfiltered_rules(resource: n.Block) -> Iterator[n.Block]:
    """The rule bodies (a `rule` block, or a dynamic rule's `content`) missing filter and prefix."""
    for block in resource.body.blocks():
        if block.block_type == "rule":
            body_block = block
        elif block.block_type == "dynamic" and block.label_values == ("rule",):
            body_block = next(block.body.blocks("content"), None)
            if body_block is None:
                continue
        else:
            continue
        if not _selects_objects(body_block.body):
            yield body_block


def _selects_objects(body: n.Body) -> bool:
    if body.attribute("prefix") is not None or body.attribute("filter") is not None:
        return True
    return any(
        b.block_type == "filter" or (b.block_type == "dynamic" and b.label_values == ("filter",))
        for b in body.blocks()
    )


def _rule_id(rule: n.Block) -> str:
    attribute = rule.body.attribute("id")
    return attribute.value.render().strip() if attribute is not None else "(no id)"


def _fix(
    module: Module, path: Path, resource: n.Block, rules: list[n.Block], safety: Applicability
) -> Fix:
    """One fix for the resource, so each of its findings carries the same edits."""
    changes = Changeset(module)
    doc = changes.document(path)
    style: Style = doc.style
    for rule in rules:
        doc.replace(rule, insert_nested_block(rule, BlockSpec("filter"), style, compact=True))
    address = ".".join(resource.label_values)
    count = f"{len(rules)} rules" if len(rules) > 1 else "the rule"
    return Fix(
        f"add filter {{}} to {count} of {address}",
        safety,
        changes.base(),
        changes.changes(),
    )
