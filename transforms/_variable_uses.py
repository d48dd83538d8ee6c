"""What type an undeclared variable has, read from how the module uses it.

Each use is evidence: an argument of a module call has the type the called module declares, a
child module's variable has the type of what its callers pass, `count` and arithmetic take
numbers, conditions take bools, `for_each` takes a map or a set, an interpolation or a tag takes
a string, `length()`, `[*]` and `for` take a collection. Evidence that disagrees leaves the
type unknown: a wrong type is worse than none. A use may also make a default clear: a tag is
`""` when unset, and `count = var.x != "" ? 1 : 0` treats `""` as "off".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from terrafix.data.argument_types import argument_type
from terrafix.data.resource_names import physical_name
from terrafix.model import Module
from terrafix.model.calls import source_path
from terrafix.model.module import Reference
from terrafix.model.references import traversal_parts
from terrafix.syntax import nodes as n
from terrafix.syntax.tokens import Leaf
from terrafix.writer.tree import path_to

from .naming._callers import read_module

PRIMITIVES = ("string", "number", "bool")
STRING_ATTRIBUTES = frozenset(
    {"id", "arn", "name", "bucket", "endpoint", "address", "dns_name", "url", "invoke_arn"}
    | {"result", "hex", "key_id", "zone_id", "function_name", "repository_url"}
)
TAG_ATTRIBUTES = frozenset({"tags", "tags_all", "default_tags", "Tags"})
STRING_MAPS = frozenset({"variables", "environment_variables", "labels"})  # string values only
STRING_FUNCTIONS = frozenset(
    {
        "lower",
        "upper",
        "title",
        "trimspace",
        "trim",
        "trimprefix",
        "trimsuffix",
        "replace",
        "substr",
        "split",
        "format",
        "startswith",
        "endswith",
        "regex",
        "regexall",
        "cidrsubnet",
        "cidrhost",
        "cidrnetmask",
        "file",
        "filebase64",
        "filemd5",
        "filesha256",
        "filebase64sha256",
        "templatefile",
        "base64encode",
        "base64decode",
        "sha256",
        "md5",
        "jsondecode",
        "yamldecode",
        "strrev",
        "chomp",
    }
)
LIST_FUNCTIONS = frozenset(
    {"concat", "element", "contains", "index", "slice", "flatten", "distinct", "compact", "sort"}
)
MAP_FUNCTIONS = frozenset({"merge", "lookup", "keys", "values"})
NUMBER_FUNCTIONS = frozenset({"min", "max", "abs", "ceil", "floor", "pow", "signum"})
ARITHMETIC = frozenset({"+", "-", "*", "/", "%", "<", ">", "<=", ">="})
LOGIC = frozenset({"&&", "||"})
EQUALITY = frozenset({"==", "!="})
# Provider arguments whose name says their type (AWS provider conventions).
STRING_ARGUMENT = re.compile(
    r"^(name|name_prefix|description|bucket|function_name|runtime|handler|filename|endpoint|"
    r"engine|engine_version|instance_type|node_type|key_name|domain_name|identifier|"
    r"cidr_block|availability_zone|subnet_id|vpc_id|role|policy_arn|kms_key_id|image_id|ami|"
    r"protocol|email|username|password|master_username|master_password|auth_token)$"
    r"|_(name|arn|id|cidr|prefix|type|email|endpoint|class|version)$"
)
LIST_ARGUMENT = re.compile(
    r"_(ids|arns|blocks|names|zones)$|^(subnets|security_groups|availability_zones)$"
)
NUMBER_ARGUMENT = re.compile(
    r"^(port|from_port|to_port|timeout|memory_size|threshold|evaluation_periods|period|"
    r"allocated_storage|max_allocated_storage|desired_count|min_size|max_size|"
    r"desired_capacity|volume_size|instance_count|retention_in_days)$"
    r"|_(count|size|days|seconds|minutes|hours|capacity|period|retention_period)$"
)
BOOL_ARGUMENT = re.compile(
    r"^(enabled|force_destroy|skip_final_snapshot|multi_az|publicly_accessible|"
    r"deletion_protection|encrypted|storage_encrypted)$|_enabled$|^enable_"
)


class Evidence(NamedTuple):
    """What one use says: a kind (string, number, bool, list, map, set, collection,
    map_or_set), or an exact type; ``weak`` when a stronger use may override it (an
    interpolation also renders numbers and bools); a default the use makes clear."""

    kind: str
    exact: str | None = None
    weak: bool = False
    default: str | None = None  # HCL source
    element: str = "any"
    switch: bool = False  # the default is the value a `count` switch treats as off


@dataclass(frozen=True)
class Inference:
    type: str
    default: str | None  # HCL source, None when the caller must pass a value
    reason: str


def infer(
    module: Module,
    name: str,
    references: list[Reference],
    callers: tuple[Path, ...] = (),
    fallback: str | None = None,
    read_calls: Callable[[], Calls] | None = None,
) -> Inference | None:
    """The declaration the uses of ``var.name`` make clear, or None when they disagree or
    say nothing. ``fallback`` is the type the name suggests, taken only when no use says
    anything. ``read_calls`` gives the calls from ``callers`` when they are read already
    (once for all of a module's variables)."""
    evidence: list[Evidence] = []
    for reference in references:
        found = use_evidence(module, reference)
        if found is not None:
            evidence.append(found)
    calls = read_calls() if read_calls is not None else calls_from(callers, module.directory)
    passed = caller_evidence(name, calls)
    if passed is None:
        return None  # a caller's file does not parse
    evidence.extend(e for e in passed.values() if e is not None)
    type_ = combine(evidence)
    reason = "from how its callers and the module use it" if callers else "from its uses"
    informative = [e for e in evidence if e.kind not in ("unknown", "any")]
    if type_ is None and not informative and fallback is not None:
        type_, reason = fallback, "from its name"
    if type_ is None:
        return None
    return Inference(type_, _default(evidence), reason) if _passes(passed, evidence) else None


def _default(evidence: list[Evidence]) -> str | None:
    """The default the uses make clear: the value a `count` switch treats as off, or the one
    every use gives (an unset tag is `""`); None when uses give none or disagree."""
    switches = {e.default for e in evidence if e.switch}
    if switches:
        return switches.pop() if len(switches) == 1 else None
    defaults = {e.default for e in evidence}
    return defaults.pop() if len(defaults) == 1 else None


def _passes(passed: dict, evidence: list[Evidence]) -> bool:
    """False when a caller passes nothing and no use gives the variable a default."""
    return not any(e is None for e in passed.values()) or _default(evidence) is not None


# ------------------------------------------------------------------ one use


def use_evidence(module: Module, reference: Reference) -> Evidence | None:
    """What one reference to `var.x` says about its type, from where it sits."""
    node = reference.traversal.node
    chain = path_to(reference.block, node)
    if not chain:
        return None
    suffix = _suffix_kind(node)
    if suffix is not None:
        return suffix
    while type(chain[-1]) is n.Parenthesized and len(chain) > 1:  # `(var.x)` is var.x
        node = chain.pop()
    return _context(module, reference.block, chain, node)


def _suffix_kind(node: n.Expression) -> Evidence | None:
    """What indexing or a splat right after `var.x` says: `[count.index]` and `[*]` a list,
    `["key"]`, `[each.key]` and `.attribute` a map."""
    inner = node
    while type(inner) is not n.Variable and not _is_var_root(inner):
        target = inner.target
        if _is_var_root(target):
            return _access_kind(inner)
        inner = target
    return None


def _is_var_root(node: n.Expression) -> bool:
    """True for `var.x` itself (the node every suffix hangs from)."""
    return type(node) is n.GetAttr and type(node.target) is n.Variable


def _access_kind(access: n.Expression) -> Evidence:
    kind = type(access)
    if kind is n.Splat or kind is n.LegacyIndex:
        return Evidence("list")
    if kind is n.Index:
        key = access.key
        parts = traversal_parts(key)
        if type(key) is n.Number or parts == ("count", "index"):
            return Evidence("list")
        return Evidence("map")
    return Evidence("map")  # `.attribute`: a map or an object


def _context(
    module: Module, block: n.Block, chain: list[n.Node], node: n.Expression
) -> Evidence | None:
    parent = chain[-1]
    kind = type(parent)
    if kind is n.TemplateInterpolation:
        template = chain[-2] if len(chain) > 1 else None
        if type(template) in (n.TemplateString, n.Heredoc) and len(template.parts) == 1:
            return None  # `"${var.x}"` is var.x itself, of any type
        return Evidence("string", weak=True)
    if kind is n.Attribute:
        return _attribute(module, block, chain, parent)
    if kind is n.ObjectItem and parent.value is node:
        if _in_tags(chain) or _in_string_map(chain):  # numbers and bools convert: weak
            return Evidence("string", weak=True, default='""' if _in_tags(chain) else None)
        return None
    if kind is n.Conditional:
        if parent.condition is node:
            return Evidence("bool")
        other = parent.false_result if parent.true_result is node else parent.true_result
        literal = _literal_kind(other)
        return Evidence(literal) if literal else None
    if kind is n.UnaryOp:
        return Evidence("bool" if parent.operator.text == "!" else "number")
    if kind is n.BinaryOp:
        return _binary(chain, parent, node)
    if kind is n.Argument:
        return _argument(chain)
    if kind in (n.ForTuple, n.ForObject, n.TemplateFor) and parent.collection is node:
        return Evidence("collection")
    if kind is n.TupleItem:
        attribute = _enclosing_attribute(chain)
        if attribute is not None and LIST_ARGUMENT.search(attribute):
            return Evidence("string")
    return None


def _attribute(
    module: Module, block: n.Block, chain: list[n.Node], attribute: n.Attribute
) -> Evidence | None:
    name = attribute.name.text
    nested = [b for b in chain if type(b) is n.Block]
    owner = nested[-1] if nested else block
    if owner is block and block.block_type == "module":
        return _module_argument(module, block, name)
    if owner.block_type in ("variable", "output", "locals"):
        return None
    if name == "count":
        return Evidence("number")
    if name == "for_each":
        return Evidence("map_or_set", element=_each_value_use(owner))
    if name in TAG_ATTRIBUTES:
        return Evidence("map", element="string", default="{}")
    if owner.block_type == "resource" and len(owner.label_values) == 2:
        rules = physical_name(owner.label_values[0])
        if rules is not None and name in (rules.attribute, rules.prefix_attribute):
            return Evidence("string")
    if block.block_type not in ("resource", "data"):
        return None  # provider, terraform and other blocks: argument names mean other things
    known = argument_type(name) if block.label_values[0].startswith("aws_") else None
    if known is not None:
        head = _head(known)
        element = known[len(head) + 1 : -1] if "(" in known else "any"
        return Evidence(head, element=element)
    if BOOL_ARGUMENT.search(name):
        return Evidence("bool")
    if NUMBER_ARGUMENT.search(name):
        return Evidence("number")
    if LIST_ARGUMENT.search(name):
        return Evidence("list", element="string")
    if STRING_ARGUMENT.search(name):
        return Evidence("string")
    return None


def _module_argument(module: Module, call: n.Block, name: str) -> Evidence | None:
    """An argument of a module call: the type the called module declares for it."""
    if name in ("source", "version", "count", "for_each", "providers", "depends_on"):
        return Evidence("number") if name == "count" else None
    source = source_path(call)
    if source is None:
        return None
    called = read_module((module.directory / source).resolve())
    if called is None or name not in called.variables:
        return None
    declared = called.variables[name].node.body.attribute("type")
    if declared is None:
        return None
    return Evidence(_head(_source(declared.value)), exact=_source(declared.value))


def _binary(chain: list[n.Node], parent: n.BinaryOp, node: n.Expression) -> Evidence | None:
    operator = parent.operator.text
    if operator in LOGIC:
        return Evidence("bool")
    if operator in ARITHMETIC:
        return Evidence("number")
    if operator in EQUALITY:
        other = parent.right if parent.left is node else parent.left
        off = _switches_off(chain, parent)
        if type(other) is n.Variable and other.name.text == "null":
            return Evidence("any", default="null", switch=True) if off else None
        literal = _literal_kind(other)
        if literal is None:
            return None
        if off:
            return Evidence(literal, default=_source(other), switch=True)
        return Evidence(literal)
    return None


def _switches_off(chain: list[n.Node], comparison: n.BinaryOp) -> bool:
    """Whether the comparison decides `count = <comparison> ? 1 : 0` (or the reverse) so that
    the literal it compares with turns the resource off: that literal is then the value the
    code treats as unset (`var.email != "" ? 1 : 0`: `""`)."""
    if len(chain) < 3 or type(chain[-2]) is not n.Conditional:
        return False
    conditional = chain[-2]
    if conditional.condition is not comparison or not _switches_count(chain):
        return False
    equal = comparison.operator.text == "=="
    result = conditional.true_result if equal else conditional.false_result
    return type(result) is n.Number and result.token.text == "0"


def _argument(chain: list[n.Node]) -> Evidence | None:
    call = chain[-2] if len(chain) > 1 else None
    if type(call) is not n.FunctionCall:
        return None
    name = call.function_name
    first = call.arguments and call.arguments[0] is chain[-1]
    if name == "length":
        return Evidence("collection")
    if name == "toset":
        return Evidence("list")
    if name == "join":
        return Evidence("list", element="string") if not first else Evidence("string")
    if name in LIST_FUNCTIONS:
        return Evidence("list") if (first or name in ("concat", "flatten")) else None
    if name in MAP_FUNCTIONS:
        if name == "merge" and _in_tags(chain):
            return Evidence("map", element="string", default="{}")
        return Evidence("map") if (first or name == "merge") else None
    if name in NUMBER_FUNCTIONS:
        return Evidence("number")
    if name in STRING_FUNCTIONS and first:
        return Evidence("string")
    return None


# ------------------------------------------------------------------ callers


class Call(NamedTuple):
    """A `module` block of a caller that calls the module being checked."""

    directory: Path  # the caller's
    label: str
    caller: Module
    block: n.Block


# The calls of a module from its callers; None when a caller does not parse.
Calls = list[Call] | None


def calls_from(callers: tuple[Path, ...], directory: Path) -> Calls:
    """The calls of the module in ``directory`` from the modules in ``callers``, read once for
    every variable asked about (each local `source` is resolved on disk)."""
    out: list[Call] = []
    target = directory.resolve()
    for caller_dir in callers:
        caller = read_module(caller_dir)
        if caller is None:
            return None
        for label, symbol in caller.module_calls.items():
            source = source_path(symbol.node)
            if source is None or (caller.directory / source).resolve() != target:
                continue
            out.append(Call(caller_dir, label, caller, symbol.node))
    return out


def caller_evidence(name: str, calls: Calls) -> dict[tuple[Path, str], Evidence | None] | None:
    """For each call of this module: what the value it passes for ``name`` says (None when it
    passes nothing); None when a caller does not parse."""
    if calls is None:
        return None
    out: dict[tuple[Path, str], Evidence | None] = {}
    for call in calls:
        argument = call.block.body.attribute(name)
        out[(call.directory, call.label)] = (
            _value_evidence(call.caller, argument.value) if argument is not None else None
        )
    return out


def _value_evidence(caller: Module, value: n.Expression) -> Evidence | None:
    """What a value a caller passes says about its type (unknown: evidence of nothing)."""
    literal = _literal_kind(value)
    if literal is not None:
        return Evidence(literal)
    if type(value) is n.Tuple:
        return Evidence("list")
    if type(value) is n.Object and all(_literal_kind(i.value) == "string" for i in value.items):
        return Evidence("map", element="string")
    if type(value) in (n.Object, n.ForObject):
        return Evidence("any", exact="any")  # an object's attributes may differ in type
    if type(value) is n.ForTuple:
        return Evidence("list")
    parts = traversal_parts(value)
    if parts and len(parts) == 2 and parts[0] == "var" and parts[1] in caller.variables:
        declared = caller.variables[parts[1]].node.body.attribute("type")
        if declared is not None:
            return Evidence(_head(_source(declared.value)), exact=_source(declared.value))
    if type(value) is n.TemplateString and len(value.parts) != 1:
        return Evidence("string")
    if parts and parts[0] not in ("var", "local", "each", "count"):
        if type(value) is n.GetAttr and traversal_parts(value) == parts:
            return _attribute_name_evidence(parts[-1])
        if type(value) is n.Index and traversal_parts(value.target) == parts:
            element = _attribute_name_evidence(parts[-1])  # one element of a list of ids
            return Evidence("string") if element.kind == "list" else Evidence("unknown")
    return Evidence("unknown")


def _attribute_name_evidence(attribute: str) -> Evidence:
    """What a resource attribute or module output says by its name (`.arn`, `.id`,
    `subnet_ids`), as the AWS provider names them."""
    if attribute in STRING_ATTRIBUTES or STRING_ARGUMENT.search(attribute):
        return Evidence("string")
    if LIST_ARGUMENT.search(attribute):
        return Evidence("list", element="string")
    return Evidence("unknown")


# ------------------------------------------------------------------ combining


def combine(evidence: list[Evidence]) -> str | None:
    """One type consistent with every piece of evidence, or None."""
    known = [e for e in evidence if e.kind != "any" or e.exact is not None]
    if any(e.kind == "unknown" for e in known):
        known = [e for e in known if e.kind != "unknown"]
        if not known:
            return None
    if not known:
        return None
    exact = {e.exact for e in known if e.exact is not None}
    if len(exact) > 1:
        return None
    strong = [e for e in known if not e.weak]
    primitive = {e.kind for e in strong if e.kind in PRIMITIVES}
    collections = {e.kind for e in strong if e.kind not in PRIMITIVES}
    if exact:
        type_ = exact.pop()
        head = _head(type_)
        others = {e.kind for e in strong if e.exact is None}
        fits = others <= {head} if head in PRIMITIVES else _compatible(head, others)
        return type_ if fits else None
    if primitive and collections:
        return None
    if len(primitive) > 1:
        return None
    if primitive:
        return primitive.pop()
    if not collections:
        weak = {e.kind for e in known}
        return weak.pop() if len(weak) == 1 else None
    return _collection(collections, [e for e in strong if e.kind not in PRIMITIVES])


def _collection(kinds: set[str], evidence: list[Evidence]) -> str | None:
    elements = {e.element for e in evidence if e.element != "any" and e.kind != "map_or_set"}
    element = elements.pop() if len(elements) == 1 else "any"
    if "list" in kinds and "map" in kinds:
        return None
    if "map_or_set" in kinds:
        if "list" in kinds:
            return None  # for_each takes no list, and a set takes no index
        if "map" in kinds:
            return f"map({element})"
        each = {e.element for e in evidence if e.kind == "map_or_set"}
        if each == {"set"}:
            return "set(string)"
        return "map(any)" if "object" in each else "map(string)"
    if "map" in kinds:
        return f"map({element})"
    return f"list({element})"


def _compatible(head: str, heads: set[str]) -> bool:
    if head == "any":
        return True
    if head in ("map", "object"):
        return heads <= {"map", "map_or_set", "collection", "object"}
    if head in ("list", "tuple"):
        return heads <= {"list", "collection", "tuple"}
    if head == "set":
        return heads <= {"set", "map_or_set", "collection", "list"}
    return False


def _head(type_source: str) -> str:
    return type_source.split("(", 1)[0].strip()


# ------------------------------------------------------------------ helpers


def _in_tags(chain: list[n.Node]) -> bool:
    return any(type(x) is n.Attribute and x.name.text in TAG_ATTRIBUTES for x in chain) or any(
        type(x) is n.Block and x.block_type == "default_tags" for x in chain
    )


def _in_string_map(chain: list[n.Node]) -> bool:
    return any(type(x) is n.Attribute and x.name.text in STRING_MAPS for x in chain)


def _enclosing_attribute(chain: list[n.Node]) -> str | None:
    for node in reversed(chain):
        if type(node) is n.Attribute:
            return node.name.text
    return None


def _switches_count(chain: list[n.Node]) -> bool:
    """Whether the comparison decides a `count` (a feature switch): its off value is then the
    value the code treats as unset."""
    for node in reversed(chain):
        if type(node) is n.Attribute:
            return node.name.text == "count"
    return False


def _each_value_use(block: n.Block) -> str:
    """How the block uses `each.value`: `object` (`each.value.x`), `value`, or `set` (only
    `each.key`, as a set's elements are)."""
    found = "set"
    for node in block.walk():
        parts = traversal_parts(node) if isinstance(node, n.Expression) else None
        if parts and parts[:2] == ("each", "value"):
            if len(parts) > 2 or type(node) is n.Index:
                return "object"
            found = "value"
    return found


def _literal_kind(value: n.Expression) -> str | None:
    kind = type(value)
    if kind is n.Number:
        return "number"
    if kind is n.Variable and value.name.text in ("true", "false"):
        return "bool"
    if kind is n.TemplateString and all(type(p) is Leaf for p in value.parts):
        return "string"
    return None


def _source(value: n.Expression) -> str:
    text = value.render()
    first = value.first_leaf()
    return text[len(first.pre) :].strip() if first is not None else text.strip()
