"""TF022 prevent-destroy: `lifecycle { prevent_destroy = true }` makes terraform destroy fail."""

from __future__ import annotations

from collections.abc import Iterable

from terrafix.engine.changeset import Changeset
from terrafix.engine.findings import Applicability, Finding, Fix
from terrafix.engine.locate import span_of
from terrafix.engine.rules import Rule, RuleContext
from terrafix.syntax import nodes as n
from terrafix.writer import remove_attribute, remove_element
from terrafix.writer.tree import replace_node

from ._guards import PROFILE_NOTE, literal_value

ARGUMENT = "prevent_destroy"


class PreventDestroy(Rule):
    code = "TF022"
    slug = "prevent-destroy"
    summary = "Resources with `prevent_destroy = true` make terraform destroy fail."
    applicability = Applicability.SAFE
    explanation = (
        """\
## What it does
Removes `prevent_destroy = true` from the `lifecycle` block of every resource, with the comments
that belong to it, and the `lifecycle` block too when nothing else is left in it (other
settings such as `ignore_changes` or `create_before_destroy` stay).

## Why
Terraform refuses to plan the destruction of a resource that has `prevent_destroy = true`:
`terraform destroy` stops with "Instance cannot be destroyed", and so does any change that
replaces the resource. A stack that is created and destroyed again (CI, previews, tests) can
then only be removed by editing the code first. Terraform reads the setting before it evaluates
anything, so it cannot depend on a variable or the environment: it has to go from the code.

## Example
Before:
```hcl
resource "aws_s3_bucket" "logs" {
  bucket = "app-logs"

  lifecycle {
    prevent_destroy = true # keep the logs
  }
}
```
After:
```hcl
resource "aws_s3_bucket" "logs" {
  bucket = "app-logs"
}
```

## Fix safety
Safe for stacks meant to be destroyed: nothing about the resource changes, and no plan changes
until someone asks for a destroy. Data in the resource is deleted with it, which is the point.

"""
        + PROFILE_NOTE
    )

    def check(self, context: RuleContext) -> Iterable[Finding]:
        if not context.ephemeral:
            return
        module = context.module
        for (type_, name), symbol in sorted(module.resources.items()):
            block = symbol.node
            guard = _guard(block)
            if guard is None:
                continue
            changes = Changeset(module)
            changes.replace(symbol.path, block, without_guard(block))
            start, end = span_of(module.files[symbol.path].tree, guard)
            yield Finding(
                self.code,
                self.slug,
                f"{type_}.{name}: lifecycle {{ prevent_destroy = true }} makes terraform "
                "destroy fail; remove it",
                symbol.path,
                start,
                end,
                key=f"{self.code}:{module.directory}:{type_}.{name}",
                fix=Fix(
                    "remove prevent_destroy", self.applicability, changes.base(), changes.changes()
                ),
            )


def _lifecycle_blocks(block: n.Block) -> Iterable[tuple[int, n.Block]]:
    for index, element in enumerate(block.body.elements):
        if type(element) is n.Block and element.block_type == "lifecycle":
            yield index, element


def _guard(block: n.Block) -> n.Attribute | None:
    """The `prevent_destroy = true` attribute in ``block``'s lifecycle, if there is one."""
    for _, lifecycle in _lifecycle_blocks(block):
        attribute = lifecycle.body.attribute(ARGUMENT)
        if attribute is not None and literal_value(attribute.value) in (True, "true"):
            return attribute
    return None


def without_guard(block: n.Block) -> n.Block:
    """``block`` without `prevent_destroy = true`; a lifecycle block left empty goes as well.

    Terraform allows one lifecycle block per resource, so the first one holding it is the one.
    """
    for index, lifecycle in _lifecycle_blocks(block):
        attribute = lifecycle.body.attribute(ARGUMENT)
        if attribute is None or literal_value(attribute.value) not in (True, "true"):
            continue
        lifecycle = remove_attribute(lifecycle, ARGUMENT)
        if any(type(e) in (n.Attribute, n.Block) for e in lifecycle.body.elements):
            body = replace_node(block.body, block.body.elements[index], lifecycle)
        else:
            body = remove_element(block.body, index)
        return block.with_changes(body=body)
    return block
