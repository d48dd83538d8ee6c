"""TF016 lambda-reserved-concurrency: reservations that starve the account's unreserved pool."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from terrafix.data.advice import DEFAULT_ACCOUNT_CONCURRENCY, MINIMUM_UNRESERVED
from terrafix.engine.findings import Applicability, Finding
from terrafix.engine.locate import span_of
from terrafix.engine.rules import Rule, RuleContext
from terrafix.model import Module
from terrafix.model.module import Symbol
from terrafix.syntax import nodes as n

from .destroyability._guards import UNKNOWN, literal_value, variable_name


def value_of(module: Module, expression: n.Expression) -> object:
    """A literal's value, or the literal default of the variable the expression is; else UNKNOWN."""
    value = literal_value(expression)
    if value is not UNKNOWN:
        return value
    name = variable_name(expression)
    variable = module.variables.get(name) if name else None
    default = variable.node.body.attribute("default") if variable else None
    return literal_value(default.value) if default is not None else UNKNOWN


@dataclass(frozen=True)
class Reservation:
    symbol: Symbol
    address: str
    attribute: n.Attribute
    each: int
    copies: int  # literal count, else 1

    @property
    def total(self) -> int:
        return self.each * self.copies


class LambdaReservedConcurrency(Rule):
    code = "TF016"
    slug = "lambda-reserved-concurrency"
    summary = "Report reserved Lambda concurrency that leaves fewer than 100 unreserved executions."
    applicability = Applicability.DISPLAY_ONLY
    explanation = """\
## What it does
Adds up the literal `reserved_concurrent_executions` of the module's `aws_lambda_function`
resources (a variable's literal default counts; a literal `count` multiplies) and reports
when what is left of the account's concurrency limit falls below the 100 unreserved
executions Lambda insists on. The message shows the arithmetic and a cap for each function
that fits. `-1` (no reservation) counts as nothing.

The account limit is 1000 (the default quota) unless the rule option says otherwise:
```toml
[tool.terrafix.rules.lambda-reserved-concurrency]
account_limit = 400  # the share of a shared CI account this stack may use
```

## Why
Lambda refuses a reservation that would leave the account fewer than 100 unreserved
executions: "Specified ReservedConcurrentExecutions decreases account's
UnreservedConcurrentExecution below its minimum value of [100]". The apply fails half-way.

## Example
Before (with `account_limit = 300`):
```hcl
resource "aws_lambda_function" "event_ingestion" {
  reserved_concurrent_executions = 100
}
resource "aws_lambda_function" "event_processing" {
  reserved_concurrent_executions = 50
}
resource "aws_lambda_function" "event_storage" {
  reserved_concurrent_executions = 75
}
```
Reported: 100 + 50 + 75 = 225 reserved of 300 leaves 75 unreserved, fewer than 100; capped
to fit, at most 88, 44 and 66. The corrected stack reserved 10 + 5 + 5 = 20.

## Fix safety
Display-only: how much each function needs is a capacity decision. Remove the reservation
(`-1` or no argument) where a function does not need guaranteed capacity.
"""

    def check(self, context: RuleContext) -> Iterable[Finding]:
        module = context.module
        limit = int(context.options.get("account_limit", DEFAULT_ACCOUNT_CONCURRENCY))
        reservations = list(_reservations(module))
        total = sum(r.total for r in reservations)
        if not reservations or limit - total >= MINIMUM_UNRESERVED:
            return
        budget = max(limit - MINIMUM_UNRESERVED, 0)
        terms = " + ".join(
            f"{r.each} × {r.copies}" if r.copies > 1 else str(r.each) for r in reservations
        )
        caps = ", ".join(
            f"{r.address} ≤ {r.each * budget // total}" + (" each" if r.copies > 1 else "")
            for r in reservations
        )
        if budget == 0:
            advice = "reserve nothing: the account has no concurrency to spare"
        else:
            advice = f"reserve at most {budget} in all, e.g. {caps}"
        largest = max(reservations, key=lambda r: r.total)
        tree = module.files[largest.symbol.path].tree
        start, _ = span_of(tree, largest.attribute.name)
        _, end = span_of(tree, largest.attribute.value)
        yield Finding(
            self.code,
            self.slug,
            f"reserved Lambda concurrency adds up to {terms} = {total}; {_left(limit, total)}, "
            f"fewer than the {MINIMUM_UNRESERVED} Lambda requires, so the apply fails; {advice}",
            largest.symbol.path,
            start,
            end,
            key=f"{self.code}:{module.directory}:reserved-concurrency",
            severity="warning",
        )


def _left(limit: int, total: int) -> str:
    if total > limit:
        return f"that is {total - limit} more than the account limit {limit} and leaves none"
    return f"of the account limit {limit} that leaves {limit - total} unreserved"


def _reservations(module: Module) -> Iterable[Reservation]:
    for (type_, name), symbol in sorted(module.resources.items()):
        if type_ != "aws_lambda_function":
            continue
        attribute = symbol.node.body.attribute("reserved_concurrent_executions")
        if attribute is None:
            continue
        each = value_of(module, attribute.value)
        if isinstance(each, bool) or not isinstance(each, int) or each <= 0:
            continue
        count = symbol.node.body.attribute("count")
        copies = value_of(module, count.value) if count is not None else 1
        if isinstance(copies, bool) or not isinstance(copies, int) or copies < 0:
            copies = 1
        if copies:
            yield Reservation(symbol, f"{type_}.{name}", attribute, each, copies)
