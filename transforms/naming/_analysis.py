"""What a physical name is built from: per-deployment parts, caller inputs, or static text.

A name is *suffixed* when something in it differs per deployment (the environment suffix, a
random resource, the workspace, another resource's generated id); it comes from *inputs* when a
caller must supply a part of it (a variable without a default, a module output, a data source);
it is *static* when every part is fixed text or a variable's default. Only static names collide
when one stack is deployed twice into one account.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

from terrafix.data.resource_names import PhysicalName, physical_name
from terrafix.model import Module, disk
from terrafix.model.module import literal_string
from terrafix.model.references import TRAVERSALS, traversals
from terrafix.syntax import nodes as n
from terrafix.syntax.identity_cache import IdentityCache
from terrafix.syntax.strings import unescape
from terrafix.syntax.tokens import Leaf

from ._memo import remembered

SUFFIX_VARIABLES = frozenset(
    {
        "environment_suffix",
        "env_suffix",
        "suffix",
        "name_suffix",
        "resource_suffix",
        "unique_suffix",
        "deployment_suffix",
        "random_suffix",
        "stack_suffix",
        "deployment_id",
        "pr_number",
    }
)
PER_DEPLOYMENT_RESOURCES = (
    "random_string",
    "random_id",
    "random_pet",
    "random_integer",
    "random_uuid",
)
PER_DEPLOYMENT_FUNCTIONS = frozenset({"uuid", "timestamp", "uuidv5"})
# Data sources whose values are the same for every deployment into one account and region.
ACCOUNT_CONSTANT_DATA = frozenset(
    {"aws_caller_identity", "aws_region", "aws_partition", "aws_availability_zones"}
)
LOG_GROUP_HEAD = re.compile(r"^/aws/[a-z0-9-]+(?:/[a-z0-9-]+)?/")
ITERATION_ROOTS = frozenset({"count", "self"})
SHORT_PREFIX_LIMIT = 6  # AWS caps these prefixes so low that a name prefix cannot fit
KEYWORDS = frozenset({"true", "false", "null"})  # literal values, not references


class Origin(IntEnum):
    """How a value varies, ordered so that the strongest part of an expression wins."""

    STATIC = 0
    INPUT = 1
    SUFFIXED = 2


@dataclass(frozen=True, slots=True)
class NameSite:
    """One physical name in a module: the resource, its rules and the attribute holding it."""

    path: Path
    resource_type: str
    resource_name: str
    block: n.Block
    attribute: n.Attribute
    rules: PhysicalName

    @property
    def address(self) -> str:
        return f"{self.resource_type}.{self.resource_name}"


def name_sites(module: Module) -> list[NameSite]:
    """Every physical name the module sets explicitly, in file order."""
    return [site for source in module.parsed for site in _file_sites(source.path, source.tree)[0]]


def prefix_sites(module: Module) -> list[NameSite]:
    """Prefix arguments (`name_prefix`) whose fixed text alone is over AWS's prefix limit;
    each site's rules describe the prefix argument itself."""
    return [site for source in module.parsed for site in _file_sites(source.path, source.tree)[1]]


def _file_sites(path: Path, tree: n.ConfigFile) -> tuple[list[NameSite], list[NameSite]]:
    """The names and the prefix arguments over their limit of one file, found once per tree: a
    module is planned in its own check and in the checks of its callers and children."""
    sites = _sites_by_tree(tree)
    if path not in sites:
        sites[path] = _find_sites(path, tree)
    return sites[path]


def _find_sites(path: Path, tree: n.ConfigFile) -> tuple[list[NameSite], list[NameSite]]:
    blocks = [(block, block.label_values) for block in tree.body.blocks("resource")]
    return _names(path, blocks), _long_prefixes(path, blocks)


# Tree → {path: its sites}: the same tree can stand for one text at two paths.
_sites_by_tree: IdentityCache[n.ConfigFile, dict] = IdentityCache(lambda _: {}, size=1024)


def _names(path: Path, blocks: list[tuple[n.Block, tuple[str, ...]]]) -> list[NameSite]:
    sites = []
    for block, labels in blocks:
        if len(labels) != 2:
            continue
        rules = physical_name(labels[0])
        if rules is None:
            continue
        attribute = block.body.attribute(rules.attribute)
        if attribute is not None:
            sites.append(NameSite(path, labels[0], labels[1], block, attribute, rules))
    return sites


def _long_prefixes(path: Path, blocks: list[tuple[n.Block, tuple[str, ...]]]) -> list[NameSite]:
    sites = []
    for block, labels in blocks:
        rules = physical_name(labels[0]) if len(labels) == 2 else None
        if rules is None or rules.prefix_attribute is None or rules.prefix_max is None:
            continue
        attribute = block.body.attribute(rules.prefix_attribute)
        if attribute is None or fixed_length(attribute.value) <= rules.prefix_max:
            continue
        if rules.prefix_max > SHORT_PREFIX_LIMIT and literal_string(attribute.value) is None:
            continue  # cut only plain text; a short limit takes a short word instead
        own = rules._replace(
            attribute=rules.prefix_attribute, max_length=rules.prefix_max, prefix_attribute=None
        )
        sites.append(NameSite(path, labels[0], labels[1], block, attribute, own))
    return sites


def fixed_length(value: n.Expression) -> int:
    """The length of a string's fixed text: a floor for its length whatever its parts are."""
    if type(value) is not n.TemplateString:
        return 0
    return sum(len(unescape(p.text)) for p in value.parts if type(p) is Leaf)


def variable_default(module: Module, name: str) -> n.Expression | None:
    symbol = module.variables.get(name)
    if symbol is None:
        return None
    default = symbol.node.body.attribute("default")
    return default.value if default is not None else None


class OriginAnalysis:
    """Classifies expressions of one module, following locals and other resources' names."""

    def __init__(
        self,
        module: Module,
        caller_arguments: dict[str, Origin] | None = None,
        *,
        outputs_fixed: bool = False,
    ) -> None:
        self.module = module
        # Count module outputs and data sources as fixed: what is left as input then comes
        # from the module's own variables, which its callers choose.
        self.outputs_fixed = outputs_fixed
        # For a child module: how each variable its callers pass varies.
        self.caller_arguments = caller_arguments or {}
        # A root configuration (it configures providers or a backend) gets its variables from
        # a tfvars file or CI setting, the same for every deployment: they are not inputs
        # that differ per caller.
        self.root = remembered("is a root", module, None, lambda: _is_root(module))
        self._locals: dict[str, Origin] = {}
        self._busy: set[object] = set()
        self.for_each = Origin.INPUT  # the origin of `each` in the block being classified
        self._calls_per_deployment = remembered(
            "spells per-deployment functions", module, None, lambda: _spells_functions(module)
        )

    def site_origin(self, site: NameSite) -> tuple[Origin, Origin]:
        """How a physical name varies as a whole, and how its leading part (its prefix) does;
        `each` stands for the block's for_each."""
        for_each = site.block.body.attribute("for_each")
        self.for_each = self.origin(for_each.value) if for_each is not None else Origin.INPUT
        try:
            value = site.attribute.value
            return self.origin(value), self.origin(leading_part(value, site.rules))
        finally:
            self.for_each = Origin.INPUT

    def origin(self, expression: n.Node, scope: Scope | None = None) -> Origin:
        result = Origin.STATIC
        for node in expression.walk() if self._calls_per_deployment else ():
            if type(node) is n.FunctionCall and node.function_name in PER_DEPLOYMENT_FUNCTIONS:
                return Origin.SUFFIXED
        for parts, bound in value_references(expression, scope):
            found = self._reference(parts) if bound is None else self.origin(*bound)
            result = max(result, found)
            if result is Origin.SUFFIXED:
                break
        return result

    def _reference(self, parts: tuple[str, ...]) -> Origin:
        root = parts[0]
        if root == "var" and len(parts) >= 2:
            return self.variable(parts[1])
        if root == "local" and len(parts) >= 2:
            return self.local(parts[1])
        if root == "terraform":
            return Origin.SUFFIXED
        if root in ITERATION_ROOTS:
            return Origin.STATIC
        if root == "each":
            return self.for_each
        if root == "data":
            if self.outputs_fixed or (len(parts) >= 2 and parts[1] in ACCOUNT_CONSTANT_DATA):
                return Origin.STATIC
            return Origin.INPUT
        if root == "module":
            return Origin.STATIC if self.outputs_fixed else Origin.INPUT
        if root in PER_DEPLOYMENT_RESOURCES:
            return Origin.SUFFIXED
        if len(parts) >= 2 and (root, parts[1]) in self.module.resources:
            return self.resource(root, parts[1], parts[2] if len(parts) > 2 else None)
        return Origin.INPUT

    def variable(self, name: str) -> Origin:
        if name in SUFFIX_VARIABLES:
            return Origin.SUFFIXED
        if name in self.caller_arguments:
            return self.caller_arguments[name]
        if name not in self.module.variables:
            return Origin.INPUT
        default = variable_default(self.module, name)
        if default is None or _is_empty(default):
            return Origin.STATIC if self.root else Origin.INPUT
        return self.origin(default)

    def local(self, name: str) -> Origin:
        if name in self._locals:
            return self._locals[name]
        symbol = self.module.locals.get(name)
        if symbol is None or ("local", name) in self._busy:
            return Origin.INPUT
        self._busy.add(("local", name))
        result = self.origin(symbol.node.value)
        self._busy.discard(("local", name))
        self._locals[name] = result
        return result

    def resource(self, type_: str, name: str, attribute: str | None) -> Origin:
        """Another resource's attribute: generated ids differ per deployment, and a physical
        name either has the suffix or gets it from the same fix, so a name built from it
        follows it rather than needing a prefix of its own."""
        return Origin.SUFFIXED


Scope = dict[str, tuple[n.Expression, "Scope"]]  # a `for` iterator → its collection, and where


def value_references(
    root: n.Node, scope: Scope | None = None
) -> Iterator[tuple[tuple[str, ...], tuple[n.Expression, Scope] | None]]:
    """The references a value depends on: each traversal's parts, with the collection (and the
    iterators around it) when it is rooted at a `for` iterator, None otherwise. A bare object
    key (`{ name = "x" }`) and `true`/`false`/`null` are literals, not references."""
    stack: list[tuple[n.Node, Scope]] = [(root, scope or {})]
    while stack:
        node, names = stack.pop()
        kind = type(node)
        if kind is n.Variable and node.name.text in KEYWORDS:
            continue
        if kind is n.Variable or kind in TRAVERSALS:
            for traversal in traversals(node):
                parts = traversal.parts
                yield parts, names.get(parts[0])
            continue
        if kind is n.ObjectItem:
            key = node.key
            if type(key) is not n.Variable:
                stack.append((key, names))
            stack.append((node.value, names))
            continue
        if kind in (n.ForTuple, n.ForObject, n.TemplateFor):
            stack.append((node.collection, names))
            inner = dict(names)
            for leaf in (node.key, node.value):
                if leaf is not None:
                    inner[leaf.text] = (node.collection, names)
            stack.extend((child, inner) for child in _for_body(node))
            continue
        stack.extend((c, names) for c in node.children() if isinstance(c, n.Node))


def _for_body(node: n.Node) -> list[n.Node]:
    """What a `for` evaluates per element: its results, condition and template parts."""
    if type(node) is n.TemplateFor:
        return [p for p in node.parts if isinstance(p, n.Node)]
    results = [node.result] if type(node) is n.ForTuple else [node.key_result, node.value_result]
    return [*results, *([node.condition] if node.condition is not None else [])]


def form_head(rules: PhysicalName, text: str) -> str:
    """The fixed head a name of this form starts with (`alias/`, `/aws/lambda/`, `/`)."""
    if rules.form == "kms_alias" and text.startswith("alias/"):
        return "alias/"
    if rules.form == "log_group":
        match = LOG_GROUP_HEAD.match(text)
        if match:
            return match.group()
    if rules.form in ("log_group", "path") and text.startswith("/"):
        return "/"
    return ""


def leading_part(value: n.Expression, rules: PhysicalName) -> n.Node:
    """The part of a name that acts as its prefix: the template's first piece after the
    form's fixed head, or the whole expression when it is not a template."""
    if type(value) is not n.TemplateString or not value.parts:
        return value
    first = value.parts[0]
    if type(first) is n.TemplateInterpolation:
        return first.expression
    if type(first) is not Leaf:
        return value
    if first.text == form_head(rules, first.text) and len(value.parts) > 1:
        second = value.parts[1]
        return second.expression if type(second) is n.TemplateInterpolation else value
    return _LITERAL


_LITERAL = n.TemplateString(Leaf("QUOTE", '"'), (), Leaf("QUOTE_END", '"'))


def _is_root(module: Module) -> bool:
    """Whether the module configures providers or a backend, or has variable values beside it."""
    return (
        bool(module.providers)
        or module.backend is not None
        or any(disk.glob(module.directory, "*.tfvars"))
    )


def _spells_functions(module: Module) -> bool:
    """Whether a file of the module spells a per-deployment function's name: only then can an
    expression of it call one, and walk every node to find the call."""
    return any(name in source.text for source in module.files.values() for name in _SPELLED)


# The names to search for: a text that spells `uuidv5` spells `uuid` too.
_SPELLED = tuple(
    name
    for name in sorted(PER_DEPLOYMENT_FUNCTIONS)
    if not any(other != name and other in name for other in PER_DEPLOYMENT_FUNCTIONS)
)


def _is_empty(expression: n.Expression) -> bool:
    if type(expression) is n.Variable and expression.identifier == "null":
        return True
    return literal_string(expression) == ""
