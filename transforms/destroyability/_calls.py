"""Guards a caller sets through a child module's variable: `deletion_protection = true` passed
to `module "db"`, whose database reads `deletion_protection = var.deletion_protection`.

The child module leaves the value to its callers, so its own run says nothing; the caller's
argument is where the value is chosen, and where it is fixed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from terrafix.engine.changeset import Changeset
from terrafix.engine.findings import Finding
from terrafix.model import Module
from terrafix.model.calls import source_path
from terrafix.model.module import Symbol
from terrafix.writer import set_attribute, value_source

from ..naming._callers import read_module

if TYPE_CHECKING:
    from ._guards import DestroyabilityRule


def caller_findings(rule: DestroyabilityRule, module: Module) -> Iterator[Finding]:
    """Findings on the arguments ``module`` passes to its local child modules' guards."""
    from ._guards import (
        UNKNOWN,
        hcl,
        literal_value,
        other_use,
        same_value,
        short_source,
        variable_name,
    )

    for call_name, call in sorted(module.module_calls.items()):
        child = _child(module.directory, call)
        if child is None:
            continue
        reported: set[str] = set()
        for (type_, name), symbol in sorted(child.resources.items()):
            guard = rule.table.get(type_)
            attribute = symbol.node.body.attribute(guard.argument) if guard else None
            variable = variable_name(attribute.value) if attribute is not None else None
            passed = call.node.body.attribute(variable) if variable else None
            if passed is None or variable in reported:
                continue
            value = literal_value(passed.value)
            if value is UNKNOWN or same_value(value, guard.destroyable):
                continue
            reported.add(variable)
            wanted = hcl(guard.destroyable)
            address = f"module.{call_name}"
            message = (
                f"{address} passes {variable} = {short_source(passed.value)}, which sets "
                f"{guard.argument} on {type_}.{name}: {rule.consequence}; pass {wanted}"
            )
            conflict = other_use(child, variable, guard)
            fix = None
            if conflict is None:
                fix = _argument_fix(call, variable, guard.destroyable)
            else:
                message += f" (not changed: var.{variable} {conflict} in the module)"
            yield rule.finding(module, call, passed, f"{address}.{variable}", message, fix, copy=0)


def _child(directory: Path, call: Symbol) -> Module | None:
    """The called module when its source is a directory of this repository."""
    source = source_path(call.node)
    if source is None or not source.startswith(("./", "../")):
        return None
    return read_module((directory / source).resolve())


def _argument_fix(call: Symbol, argument: str, value: bool | int | str):
    """A fix that passes the destroyable value to the child module instead."""

    def fix(changes: Changeset) -> str:
        document = changes.document(call.path)
        document.replace(call.node, set_attribute(call.node, argument, value, document.style))
        return f"pass {argument} = {value_source(value)}"

    return fix
