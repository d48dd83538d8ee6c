"""TF005 skip-final-snapshot: databases that terraform destroy can delete without a snapshot."""

from __future__ import annotations

from terrafix.data.destroyability import FINAL_SNAPSHOT_NAME, SKIP_FINAL_SNAPSHOT, Guard
from terrafix.engine.findings import Applicability
from terrafix.syntax import nodes as n
from terrafix.writer import Style, remove_attribute, remove_element, set_attribute
from terrafix.writer.tree import replace_node
from terrafix.writer.tuples import remove_tuple_item

from ._guards import PROFILE_NOTE, VARIABLE_FILE_SAFETY, DestroyabilityRule, literal_value, unwrap


class SkipFinalSnapshot(DestroyabilityRule):
    code = "TF005"
    slug = "skip-final-snapshot"
    summary = "Databases skip the final snapshot, so terraform destroy can delete them."
    applicability = Applicability.SAFE
    table = SKIP_FINAL_SNAPSHOT
    consequence = (
        "terraform destroy needs a final snapshot and fails without a name for it "
        "(or leaves a snapshot whose name collides next time)"
    )
    explanation = (
        """\
## What it does
Sets `skip_final_snapshot = true` on `aws_db_instance`, `aws_rds_cluster`,
`aws_neptune_cluster`, `aws_docdb_cluster`, `aws_redshift_cluster` and
`aws_lightsail_database` when it is `false` or missing (the provider's default is `false`), and
removes `final_snapshot_identifier` with its comments, along with the
`lifecycle { ignore_changes = [final_snapshot_identifier] }` entry that only existed for it
(other `ignore_changes` entries and other `lifecycle` settings stay).

When the value is `var.NAME`, the variable's default becomes `true` instead, unless the variable
is used for something else (then the finding only reports). Conditional values such as
`var.environment == "prod" ? false : true` are reported and left as written.

## Why
With `skip_final_snapshot = false`, deleting the database first takes a snapshot named by
`final_snapshot_identifier`. Without a name, `terraform destroy` stops with an error; with a
fixed name, the second run of the same stack collides with the first run's snapshot; with a
`timestamp()` in the name, every plan shows a change. Stacks that are created and destroyed
again (CI, previews, tests) must not keep snapshots.

## Example
Before:
```hcl
resource "aws_rds_cluster" "aurora" {
  skip_final_snapshot       = false
  final_snapshot_identifier = "aurora-final-${formatdate("YYYYMMDDhhmm", timestamp())}"

  lifecycle {
    ignore_changes = [final_snapshot_identifier]
  }
}
```
After:
```hcl
resource "aws_rds_cluster" "aurora" {
  skip_final_snapshot = true
}
```

## Fix safety
Safe for stacks meant to be destroyed: only what happens on deletion changes, nothing is
replaced. The data in a deleted database is gone without a snapshot, which is the point.

"""
        + VARIABLE_FILE_SAFETY
        + PROFILE_NOTE
    )

    def fixed_block(self, block: n.Block, guard: Guard, style: Style) -> n.Block:
        name_argument = FINAL_SNAPSHOT_NAME.get(block.label_values[0])
        if name_argument is not None:
            block = remove_attribute(block, name_argument)
            block = without_ignored(block, name_argument)
        return set_attribute(block, guard.argument, guard.destroyable, style)


def without_ignored(block: n.Block, argument: str) -> n.Block:
    """``block`` without ``argument`` in its ``lifecycle { ignore_changes }`` lists.

    A list left empty goes, and so does a ``lifecycle`` block left with nothing in it.
    """
    elements = block.body.elements
    for index, lifecycle in enumerate(elements):
        if type(lifecycle) is not n.Block or lifecycle.block_type != "lifecycle":
            continue
        ignored = lifecycle.body.attribute("ignore_changes")
        if ignored is None or type(unwrap(ignored.value)) is not n.Tuple:
            continue
        items = unwrap(ignored.value)
        kept = [item for item in items.items if not names(item.value, argument)]
        if len(kept) == len(items.items):
            continue
        if kept:
            lifecycle = replace_node(lifecycle, items, without_items(items, argument))
        else:
            lifecycle = remove_attribute(lifecycle, "ignore_changes")
        if any(type(e) in (n.Attribute, n.Block) for e in lifecycle.body.elements):
            body = replace_node(block.body, elements[index], lifecycle)
        else:
            body = remove_element(block.body, index)
        return block.with_changes(body=body)
    return block


def names(expression: n.Expression, argument: str) -> bool:
    """Whether an ``ignore_changes`` entry is ``argument`` (bare, or quoted as in HCL 1)."""
    expression = unwrap(expression)
    if type(expression) is n.Variable:
        return expression.identifier == argument
    return literal_value(expression) == argument


def without_items(items: n.Tuple, argument: str) -> n.Tuple:
    """The tuple without the entries naming ``argument``."""
    for index in reversed(range(len(items.items))):
        if names(items.items[index].value, argument):
            items = remove_tuple_item(items, index)
    return items
