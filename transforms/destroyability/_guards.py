"""What the destroyability rules share: read a guard argument's value, and fix or report it.

A guard (``terrafix.data.destroyability``) is an argument that can stop `terraform destroy`.
Its value is one of: absent (the provider's default applies), a literal, a bare `var.x`, or any
other expression. Literals and absent arguments are fixed in the resource; `var.x` is fixed in
the variable's default when every use of the variable wants the same value; anything else
(conditionals, locals, `each.value`…) is reported, because its value depends on the
environment and rewriting it would change what the author chose per environment. A literal a
module passes to a local child module's guard variable is fixed in the caller's argument.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import ClassVar

from terrafix.data.destroyability import ALL_TABLES, Guard
from terrafix.engine.changeset import Changeset
from terrafix.engine.findings import Applicability, Finding, Fix
from terrafix.engine.locate import span_of
from terrafix.engine.rules import Rule, RuleContext
from terrafix.model import Module, disk
from terrafix.model.module import Symbol, literal_string
from terrafix.syntax import HclSyntaxError, parse
from terrafix.syntax import nodes as n
from terrafix.writer import Style, set_attribute, value_source

from ._calls import caller_findings

UNKNOWN = object()  # a value that is not a literal

PROFILE_NOTE = """\
## Profiles
This rule runs only in the `ephemeral` profile, made for stacks that are created and destroyed
again per test, preview or pull request. Anywhere else a protected resource is not a defect:
under the `default` and `production` profiles the rule reports nothing at all. Declare a stack
ephemeral with `terrafix fix --profile ephemeral`, or with `profile = "ephemeral"` in
`.terrafix.toml` (or under `[tool.terrafix]` in `pyproject.toml`).
"""


def literal_value(expression: n.Expression) -> object:
    """The value of a literal `true`/`false`/number/string, else ``UNKNOWN``."""
    expression = unwrap(expression)
    kind = type(expression)
    if kind is n.Variable:
        return {"true": True, "false": False, "null": None}.get(expression.identifier, UNKNOWN)
    if kind is n.Number:
        text = expression.token.text
        try:
            return int(text)
        except ValueError:
            return float(text) if text.replace(".", "", 1).isdigit() else UNKNOWN
    if kind is n.TemplateString:
        text = literal_string(expression)
        return UNKNOWN if text is None else text
    return UNKNOWN


def same_value(value: object, wanted: bool | int | str) -> bool:
    """Whether a literal means ``wanted`` to Terraform (which converts "true" and "0" for us)."""
    if isinstance(wanted, bool):
        if isinstance(value, str):
            return value == ("true" if wanted else "false")
        return isinstance(value, bool) and value == wanted
    if isinstance(wanted, int):
        if isinstance(value, str):
            return value.strip() == str(wanted)
        return not isinstance(value, bool) and isinstance(value, int | float) and value == wanted
    return value == wanted


def unwrap(expression: n.Expression) -> n.Expression:
    while type(expression) is n.Parenthesized:
        expression = expression.expression
    return expression


def variable_name(expression: n.Expression) -> str | None:
    """``x`` for an expression that is exactly ``var.x``."""
    expression = unwrap(expression)
    if (
        type(expression) is n.GetAttr
        and type(expression.target) is n.Variable
        and expression.target.identifier == "var"
    ):
        return expression.name.text
    return None


def short_source(node: n.Node, limit: int = 70) -> str:
    text = " ".join(node.render().split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def hcl(value: object) -> str:
    return value_source(value)


class DestroyabilityRule(Rule):
    """Base of the rules that make a stack removable by `terraform destroy`."""

    table: ClassVar[dict[str, Guard]]
    consequence: ClassVar[str]  # how destroy fails, e.g. "destroy fails while it is on"

    def check(self, context: RuleContext) -> Iterable[Finding]:
        if not context.ephemeral:
            return
        module = context.module
        seen: dict[str, int] = {}
        for path, block in module.top_level_blocks("resource"):
            labels = block.label_values
            guard = self.table.get(labels[0]) if len(labels) == 2 else None
            if guard is not None:
                # A module that declares an address twice (Terraform refuses it until one
                # goes) gets the fix on both copies: which one stays is the author's choice.
                address = f"{labels[0]}.{labels[1]}"
                seen[address] = seen.get(address, -1) + 1
                symbol = Symbol(path, block)
                yield from self.inspect(
                    module, symbol, address, guard, context.is_called, copy=seen[address]
                )
        yield from caller_findings(self, module)

    # ---------------------------------------------------------------- detection

    def inspect(
        self,
        module: Module,
        symbol: Symbol,
        address: str,
        guard: Guard,
        called: bool = False,
        *,
        copy: int = 0,
    ) -> Iterator[Finding]:
        """Findings for one resource; ``called``: other modules call this one, so its
        variables are inputs whose values its callers choose, and they are left alone."""
        block = symbol.node
        attribute = block.body.attribute(guard.argument)
        wanted = hcl(guard.destroyable)
        if attribute is None:
            if not guard.default_destroyable:
                message = (
                    f"{address} leaves {guard.argument} unset, so the provider's default "
                    f"applies: {self.consequence}; set {guard.argument} = {wanted}"
                )
                yield self.finding(
                    module, symbol, block, address, message, self.resource_fix(symbol), copy=copy
                )
            return
        value = literal_value(attribute.value)
        if value is not UNKNOWN:
            if not same_value(value, guard.destroyable):
                message = (
                    f"{address} sets {guard.argument} = {short_source(attribute.value)}: "
                    f"{self.consequence}; set it to {wanted}"
                )
                yield self.finding(
                    module,
                    symbol,
                    attribute,
                    address,
                    message,
                    self.resource_fix(symbol),
                    copy=copy,
                )
            return
        name = variable_name(attribute.value)
        if name is not None and called:
            return
        if name is not None:
            yield from self.inspect_variable(
                module, symbol, attribute, address, guard, name, copy=copy
            )
            return
        message = (
            f"{address} sets {guard.argument} from an expression "
            f"({short_source(attribute.value)}): {self.consequence} whenever it is not {wanted}; "
            "values computed by an expression are left as written"
        )
        yield self.finding(
            module, symbol, attribute, address, message, None, severity="info", copy=copy
        )

    def inspect_variable(
        self,
        module: Module,
        symbol: Symbol,
        attribute: n.Attribute,
        address: str,
        guard: Guard,
        name: str,
        *,
        copy: int = 0,
    ) -> Iterator[Finding]:
        variable = module.variables.get(name)
        if variable is None:
            return  # an undeclared variable is another rule's finding
        assigned = auto_tfvars_value(module.directory, name)
        if assigned is not None:
            where, value = assigned
            if not same_value(literal_value(value), guard.destroyable):
                message = (
                    f"{address} sets {guard.argument} = var.{name}, which {where.name} sets to "
                    f"{short_source(value)}: {self.consequence}; change it there to "
                    f"{hcl(guard.destroyable)}"
                )
                yield self.finding(module, symbol, attribute, address, message, None, copy=copy)
            return
        default = variable.node.body.attribute("default")
        if default is not None and same_value(literal_value(default.value), guard.destroyable):
            return
        wanted = hcl(guard.destroyable)
        shown = "no default" if default is None else f"default {short_source(default.value)}"
        conflict = other_use(module, name, guard)
        if conflict is not None:
            message = (
                f"{address} sets {guard.argument} = var.{name} ({shown}): {self.consequence}; "
                f"the default is not changed because var.{name} {conflict}"
            )
            yield self.finding(
                module, symbol, attribute, address, message, None, severity="info", copy=copy
            )
            return
        message = (
            f"{address} sets {guard.argument} = var.{name} ({shown}): {self.consequence}; "
            f"set the variable's default to {wanted}"
        )

        def fix(changes: Changeset) -> str:
            document = changes.document(variable.path)
            block = variable.node
            document.replace(
                block, set_attribute(block, "default", guard.destroyable, document.style)
            )
            return f"set the default of variable {name!r} to {wanted}"

        yield self.finding(module, symbol, attribute, address, message, fix, copy=copy)

    # ---------------------------------------------------------------- fixing

    def resource_fix(self, symbol: Symbol) -> Callable[[Changeset], str]:
        """A fix that sets the guard in the resource itself."""

        def fix(changes: Changeset) -> str:
            document = changes.document(symbol.path)
            block = symbol.node
            guard = self.table[block.label_values[0]]
            document.replace(block, self.fixed_block(block, guard, document.style))
            return f"set {guard.argument} = {hcl(guard.destroyable)}"

        return fix

    def fixed_block(self, block: n.Block, guard: Guard, style: Style) -> n.Block:
        """The resource block with its guard set to the destroyable value."""
        return set_attribute(block, guard.argument, guard.destroyable, style)

    # ---------------------------------------------------------------- findings

    def finding(
        self,
        module: Module,
        symbol: Symbol,
        anchor: n.Node,
        address: str,
        message: str,
        make_fix: Callable[[Changeset], str] | None,
        *,
        severity: str = "warning",
        copy: int = 0,
    ) -> Finding:
        tree = module.files[symbol.path].tree
        if type(anchor) is n.Block:
            start, _ = span_of(tree, anchor.type)
            _, end = span_of(tree, anchor.labels[-1] if anchor.labels else anchor.type)
        else:
            start, end = span_of(tree, anchor)
        fix = None
        if make_fix is not None:
            changes = Changeset(module)
            description = make_fix(changes)
            fix = Fix(description, Applicability.SAFE, changes.base(), changes.changes())
        return Finding(
            self.code,
            self.slug,
            message,
            symbol.path,
            start,
            end,
            key=f"{self.code}:{module.directory}:{address}" + (f"#{copy}" if copy else ""),
            severity=severity,
            fix=fix,
        )


def auto_tfvars_value(directory: Path, name: str) -> tuple[Path, n.Expression] | None:
    """Where Terraform's automatically loaded variable files set ``name``, and to what.

    `terraform.tfvars` loads first, then `*.auto.tfvars` in name order; the last one wins, and
    any of them overrides the variable's default.
    """
    found = None
    for path in [directory / "terraform.tfvars", *disk.glob(directory, "*.auto.tfvars")]:
        try:
            tree = parse(disk.read_text(path), str(path))
        except (OSError, UnicodeDecodeError, HclSyntaxError):
            continue
        attribute = tree.body.attribute(name)
        if attribute is not None:
            found = (path, attribute.value)
    return found


def other_use(module: Module, name: str, guard: Guard) -> str | None:
    """Why var.NAME's default must not change (a use that wants another value), or None."""
    allowed = set()
    for (type_, _), symbol in module.resources.items():
        for table in ALL_TABLES:
            other = table.get(type_)
            if other is None:
                continue
            attribute = symbol.node.body.attribute(other.argument)
            if attribute is None or variable_name(attribute.value) != name:
                continue
            if hcl(other.destroyable) != hcl(guard.destroyable):
                return f"also sets {other.argument} on {type_}.{symbol.node.label_values[1]}"
            allowed.add(id(unwrap(attribute.value)))
    if not module.complete:
        return "may be used in text that does not parse"
    for reference in module.references_to("var", name):
        if id(reference.traversal.node) in allowed:
            continue
        if reference.block.block_type == "variable":
            return "has a validation that may reject the new default"
        where = ".".join(reference.block.label_values) or reference.block.block_type
        return f"is also used in {reference.block.block_type} {where}"
    return None
