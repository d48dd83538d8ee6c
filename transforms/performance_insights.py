"""TF017 performance-insights-unsupported: Performance Insights on classes that cannot run it."""

from __future__ import annotations

from collections.abc import Iterable

from terrafix.data.advice import INSIGHTS_RESOURCES, insights_instead, insights_unsupported
from terrafix.engine.findings import Applicability, Finding
from terrafix.engine.locate import span_of
from terrafix.engine.rules import Rule, RuleContext
from terrafix.model import Module
from terrafix.model.module import Symbol
from terrafix.model.references import traversal_parts

from .lambda_reserved_concurrency import value_of


class PerformanceInsightsUnsupported(Rule):
    code = "TF017"
    slug = "performance-insights-unsupported"
    summary = "Report Performance Insights enabled on DB instance classes that do not support it."
    applicability = Applicability.DISPLAY_ONLY
    explanation = """\
## What it does
Reports `performance_insights_enabled = true` on `aws_db_instance`, `aws_rds_cluster_instance`
and `aws_rds_cluster` when the instance class cannot run Performance Insights for the engine:
`db.t2.micro`/`small`, `db.t3.micro`/`small` and `db.t4g.micro`/`small` on MySQL and MariaDB,
every `db.t2` and `db.t3` class and `db.t4g.micro`/`small` on Aurora MySQL (from the RDS and
Aurora user guides' instance class tables, kept in `terrafix.data.advice`). Literal values and
variables' literal defaults count; an instance's engine may come from its cluster
(`engine = aws_rds_cluster.main.engine`). When the engine is not known, only the classes no
restricted engine supports are reported; PostgreSQL, SQL Server and Oracle have no such
restriction.

## Why
Creating the instance fails: "InvalidParameterCombination: Performance Insights not supported
for this configuration".

## Example
Before:
```hcl
resource "aws_rds_cluster_instance" "aurora_writer" {
  instance_class               = "db.t3.micro"
  performance_insights_enabled = true # Not supported!
}
```
What to write instead: a class that supports it (`db.t4g.medium` or larger everywhere,
`db.t3.medium` also on MySQL and MariaDB), or enable it only on such classes:
```hcl
  performance_insights_enabled = !can(regex("^db\\\\.t(2|3|4g)\\\\.(micro|small)$", var.db_instance_class))
```

## Fix safety
Display-only: a larger class costs more and turning the feature off loses monitoring; which
one is wanted is the author's choice.
"""

    def check(self, context: RuleContext) -> Iterable[Finding]:
        module = context.module
        for (type_, name), symbol in sorted(module.resources.items()):
            class_argument = INSIGHTS_RESOURCES.get(type_)
            if class_argument is None:
                continue
            body = symbol.node.body
            enabled = body.attribute("performance_insights_enabled")
            instance_class = body.attribute(class_argument)
            if enabled is None or instance_class is None:
                continue
            if value_of(module, enabled.value) not in (True, "true"):
                continue
            chosen = value_of(module, instance_class.value)
            if not isinstance(chosen, str):
                continue
            engine = _engine(module, symbol)
            if not insights_unsupported(engine, chosen):
                continue
            on = f"the {engine} engine" if engine else "MySQL, MariaDB and Aurora MySQL"
            tree = module.files[symbol.path].tree
            start, _ = span_of(tree, enabled.name)
            _, end = span_of(tree, enabled.value)
            yield Finding(
                self.code,
                self.slug,
                f"{type_}.{name} enables Performance Insights on {chosen}, on which {on} "
                "cannot run it: creating the instance fails with InvalidParameterCombination; "
                f"choose {insights_instead(engine)}, or leave it disabled on this class",
                symbol.path,
                start,
                end,
                key=f"{self.code}:{module.directory}:{type_}.{name}",
                severity="warning",
            )


def _engine(module: Module, symbol: Symbol) -> str | None:
    """The resource's literal engine, or its cluster's (``engine = aws_rds_cluster.x.engine``)."""
    attribute = symbol.node.body.attribute("engine")
    if attribute is None:
        cluster = symbol.node.body.attribute("cluster_identifier")
        parts = traversal_parts(cluster.value) if cluster is not None else None
        return _cluster_engine(module, parts)
    value = value_of(module, attribute.value)
    if isinstance(value, str):
        return value
    return _cluster_engine(module, traversal_parts(attribute.value))


def _cluster_engine(module: Module, parts: tuple[str, ...] | None) -> str | None:
    if not parts or len(parts) < 2 or parts[0] != "aws_rds_cluster":
        return None
    cluster = module.resources.get(("aws_rds_cluster", parts[1]))
    attribute = cluster.node.body.attribute("engine") if cluster is not None else None
    if attribute is None:
        return None
    value = value_of(module, attribute.value)
    return value if isinstance(value, str) else None
