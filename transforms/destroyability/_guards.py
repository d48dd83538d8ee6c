"""What the destroyability rules share: read a guard argument's value, and fix or report it.

A guard (``terrafix.data.destroyability``) is an argument that can stop `terraform destroy`.
Its value is one of: absent (the provider's default applies), a literal, a bare `var.x`, or any
other expression. Literals and absent arguments are fixed in the resource; `var.x` is fixed in
the variable's default when every use of the variable wants the same value, or where an
automatically loaded variable file (`terraform.tfvars`, `*.auto.tfvars`) sets it, since that
value wins over the default (an unsafe fix: a person wrote that value down); anything else
(conditionals, locals, `each.value`…) is reported, because its value depends on the
environment and rewriting it would change what the author chose per environment. A literal a
module passes to a local child module's guard variable is fixed in the caller's argument.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import ClassVar, NamedTuple

from terrafix.data.destroyability import ALL_TABLES, Guard
from terrafix.engine.changeset import Changeset
from terrafix.engine.findings import Applicability, Finding, Fix
from terrafix.engine.locate import span_of
from terrafix.engine.rules import Rule, RuleContext
from terrafix.model import Module, disk
from terrafix.model.discovery import auto_load_rank, auto_loaded_files
from terrafix.model.module import Symbol, literal_string
from terrafix.syntax import HclSyntaxError, parse
from terrafix.syntax import nodes as n
from terrafix.writer import Style, set_attribute, value_source
from terrafix.writer.body import replace_value

from ._calls import caller_findings

UNKNOWN = object()  # a value that is not a literal

VARIABLE_FILE_SAFETY = """\
When the value is `var.NAME` and `terraform.tfvars` or a `*.auto.tfvars` file in the module's
folder sets the variable (Terraform loads those files by itself, and their value wins over the
default), the value is changed in that file instead: in the last one that sets it, in the order
Terraform reads them. That fix is unsafe, applied only with `--unsafe-fixes`: a value in a
variables file is one a person chose for a deployment, not a default. A value set in a JSON
file (`terraform.tfvars.json`, `*.auto.tfvars.json`), in a file that does not parse or that
sets the name twice, a `null`, or a variable used for something else is reported and left as
written. Other `.tfvars` files (for `-var-file`) are left alone: which deployment reads them is
not known.

"""

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
        assigned = auto_loaded_value(module, name)
        if assigned is not None:
            if not same_value(assigned.value, guard.destroyable):
                yield self.assigned_finding(
                    module, symbol, attribute, address, guard, name, assigned, copy=copy
                )
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

    def assigned_finding(
        self,
        module: Module,
        symbol: Symbol,
        attribute: n.Attribute,
        address: str,
        guard: Guard,
        name: str,
        assigned: Assignment,
        *,
        copy: int = 0,
    ) -> Finding:
        """The finding for var.NAME set by a variable file: fixed there when the module holds
        the file intact and nothing else uses the variable."""
        where = assigned.path.name
        wanted = hcl(guard.destroyable)
        said = (
            f"{address} sets {guard.argument} = var.{name}, which {where} sets to "
            f"{assigned.shown}: {self.consequence}"
        )
        # `null` and values that are not literals are the author's to change.
        fixable = assigned.line is not None and assigned.value not in (UNKNOWN, None)
        conflict = other_use(module, name, guard) if fixable else None
        if conflict is not None:
            message = f"{said}; {where} is not changed because var.{name} {conflict}"
            return self.finding(
                module, symbol, attribute, address, message, None, severity="info", copy=copy
            )
        make_fix = None
        if fixable:

            def make_fix(changes: Changeset) -> str:
                document = changes.document(assigned.path)
                tree = document.tree
                index = next(i for i, e in enumerate(tree.body.elements) if e is assigned.line)
                body = replace_value(tree.body, index, guard.destroyable, document.style)
                document.tree = tree.with_changes(body=body)
                return f"set {name} = {wanted} in {where}"

        message = f"{said}; change it there to {wanted}"
        return self.finding(
            module,
            symbol,
            attribute,
            address,
            message,
            make_fix,
            copy=copy,
            applicability=Applicability.UNSAFE,
        )

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
        applicability: Applicability = Applicability.SAFE,
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
            fix = Fix(description, applicability, changes.base(), changes.changes())
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


class Assignment(NamedTuple):
    """A value an automatically loaded variable file gives a variable."""

    path: Path
    value: object  # the literal, or UNKNOWN
    shown: str  # as written in the file
    # The line, when the module holds the file, parsed whole, with one line for the name: a fix
    # may edit it there.
    line: n.Attribute | None


def auto_loaded_value(module: Module, name: str) -> Assignment | None:
    """What Terraform's automatically loaded variable files set ``name`` to, or None.

    Files load in ``auto_load_rank`` order and the last one that sets the name wins over the
    variable's default. Files the module does not hold (JSON, excluded) are read from disk and
    only reported.
    """
    found = None
    paths = {*auto_loaded_files(module.directory), *module.variable_files}
    for path in sorted(paths, key=auto_load_rank):
        assignment = _assignment_in(module, path, name)
        if assignment is not None:
            found = assignment
    return found


def _assignment_in(module: Module, path: Path, name: str) -> Assignment | None:
    source = module.variable_files.get(path)
    if source is not None:
        tree, editable = source.tree, not source.errors
    else:
        try:
            text = disk.read_text(path)
            if path.name.endswith(".json"):
                return _json_assignment(path, text, name)
            tree, editable = parse(text, str(path)), False
        except (OSError, UnicodeDecodeError, HclSyntaxError):
            return None
    if tree is None:
        return None
    lines = [a for a in tree.body.attributes() if a.name.text == name]
    if not lines:
        return None
    value = lines[-1].value
    line = lines[0] if editable and len(lines) == 1 else None
    return Assignment(path, literal_value(value), short_source(value), line)


def _json_assignment(path: Path, text: str, name: str) -> Assignment | None:
    try:
        values = json.loads(text)
    except ValueError:
        return None
    if not isinstance(values, dict) or name not in values:
        return None
    value = values[name]
    literal = value if isinstance(value, bool | int | float | str) else UNKNOWN
    return Assignment(path, literal, json.dumps(value), None)


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
