"""TF013 sqs-encryption: SQS queues encrypt messages at rest (SSE-SQS unless a KMS key is set)."""

from __future__ import annotations

from collections.abc import Iterable

from terrafix.engine.changeset import Changeset
from terrafix.engine.findings import Applicability, Finding, Fix
from terrafix.engine.locate import span_of
from terrafix.engine.rules import Rule, RuleContext
from terrafix.model import Module
from terrafix.model.module import Symbol
from terrafix.syntax import nodes as n
from terrafix.writer import Style, expr, set_attribute
from terrafix.writer.align import attribute_runs, realign_body
from terrafix.writer.body import indent_of
from terrafix.writer.build import build_attribute

QUEUE = "aws_sqs_queue"
SSE = "sqs_managed_sse_enabled"
KMS = "kms_master_key_id"
META_ARGUMENTS = {"count", "for_each", "provider", "depends_on"}


class SqsEncryption(Rule):
    code = "TF013"
    slug = "sqs-encryption"
    summary = "Encrypt SQS queues at rest: sqs_managed_sse_enabled = true when no KMS key is set."
    applicability = Applicability.SAFE
    # AWS encrypts new queues with SSE-SQS by default, so a queue without the setting is not
    # wrong: this rule makes the choice explicit, and runs only when selected by name.
    opt_in = True
    explanation = """\
## What it does
Finds `aws_sqs_queue` resources with neither `kms_master_key_id` nor `sqs_managed_sse_enabled`
and adds `sqs_managed_sse_enabled = true` (server-side encryption with SQS-owned keys). A queue
that sets `sqs_managed_sse_enabled = false` without a KMS key is reported too; turning it on is
offered as an unsafe fix, since someone chose to write `false`.

The rule is opt-in (`--select TF013`, or `select` in the configuration): since October 2022
AWS turns SSE-SQS on for new queues by default, so leaving the setting out is not a defect on
its own; the rule is for stacks that must state their encryption at rest.

## Why
The configuration should say what it relies on: queues created before SQS turned SSE on by
default (or imported ones) rest unencrypted, and compliance scanners flag queues whose
configuration does not set encryption.

## Example
Before:
```hcl
resource "aws_sqs_queue" "event_queue" {
  name = "events"
}
```
After:
```hcl
resource "aws_sqs_queue" "event_queue" {
  name                    = "events"
  sqs_managed_sse_enabled = true
}
```

## Fix safety
Safe: SSE-SQS needs no key, no policy and no client change; producers and consumers keep
working. Unsafe when the module turned encryption off explicitly.
"""

    def check(self, context: RuleContext) -> Iterable[Finding]:
        module = context.module
        for (type_, _), symbol in module.resources.items():
            if type_ != QUEUE:
                continue
            body = symbol.node.body
            if body.attribute(KMS) is not None:
                continue
            current = body.attribute(SSE)
            if current is None:
                yield self._finding(module, symbol, symbol.node.labels[1], Applicability.SAFE)
            elif _is_false(current.value):
                yield self._finding(module, symbol, current.value, Applicability.UNSAFE)

    def _finding(
        self, module: Module, symbol: Symbol, node: n.Node, applicability: Applicability
    ) -> Finding:
        address = ".".join(symbol.node.label_values)
        changes = Changeset(module)
        doc = changes.document(symbol.path)
        doc.replace(symbol.node, _with_encryption(symbol.node, doc.style))
        fix = Fix(f"set {SSE} = true", applicability, changes.base(), changes.changes())
        what = (
            "turns encryption off" if applicability is Applicability.UNSAFE else "is not encrypted"
        )
        start, end = span_of(module.files[symbol.path].tree, node)
        return Finding(
            self.code,
            self.slug,
            f"{address} {what} at rest (no {KMS}); set {SSE} = true",
            symbol.path,
            start,
            end,
            key=f"{self.code}:{module.directory}:{address}",
            severity="warning",
            fix=fix,
        )


def _with_encryption(queue: n.Block, style: Style) -> n.Block:
    """The queue with SSE on: set in place, or added to the first run of arguments (the
    queue's settings, ahead of tags and policies) and aligned with it."""
    elements = list(queue.body.elements)
    runs = [
        run
        for run in attribute_runs(queue.body)
        if any(elements[i].name.text not in META_ARGUMENTS for i in run)
    ]
    if queue.body.attribute(SSE) is not None or queue.open_newline is None or not runs:
        return set_attribute(queue, SSE, expr("true"), style)
    anchor = runs[0][-1]
    indent = indent_of(elements[anchor].name)
    elements.insert(
        anchor + 1, build_attribute(SSE, expr("true"), indent, style.unit, style.newline)
    )
    body = queue.body.with_changes(elements=tuple(elements))
    return queue.with_changes(body=realign_body(body, {anchor + 1}))


def _is_false(value: n.Expression) -> bool:
    return type(value) is n.Variable and value.identifier == "false"
