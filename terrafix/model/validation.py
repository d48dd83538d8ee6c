"""Offline validation of a module, as strict as Terraform's configuration loader on what it checks.

Our parser is lenient where Terraform is not: a body may repeat an argument, two files may
declare the same variable, a `default` may hold a reference. Terraform refuses such a
configuration ("Error: Attribute redefined", "Duplicate variable declaration", "Variables not
allowed", "Reference to undeclared input variable"), so every fix is checked against this before
it is written, and the `invalid-configuration` rule reports what a module already has.

Precision comes first: a check that cannot see the whole module (a file that does not parse, a
`.tf.json` file beside the `.tf` ones) leaves references unjudged, and override files
(`override.tf`, `*_override.tf`) may repeat declarations, as Terraform merges them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..syntax import nodes as n
from ..syntax.identity_cache import IdentityCache
from ..syntax.positions import offset_to_line_col, to_byte_offset
from ..syntax.tokens import Leaf
from . import disk
from .declarations import BUILTIN_ROOTS, Declarations, duplicate_message
from .module import Module, Reference
from .references import traversals
from .scopes import bound_names, dynamic_iterators
from .static_contexts import Kind, Place, static_place, static_places

# Top-level blocks whose expressions Terraform evaluates (and so whose references it checks).
EVALUATED_BLOCKS = frozenset(
    {"resource", "data", "ephemeral", "module", "output", "locals", "provider", "variable"}
    | {"check", "import"}
)
# Declarations named by labels, and how many labels they take.
LABELS = {"variable": 1, "output": 1, "module": 1, "resource": 2, "data": 2}
STATIC_TRAVERSAL_DETAIL = (
    "A single static variable reference is required: only attribute access and indexing with "
    "constant keys. No calculations, function calls, template expressions, etc are allowed here."
)


@dataclass(frozen=True)
class Problem:
    """One reason Terraform would refuse the module, where it is and Terraform's wording."""

    path: Path
    start: int  # character offsets in the file's text
    end: int
    line: int
    column: int
    summary: str  # as Terraform titles the error: "Attribute redefined"
    detail: str
    source: str  # the offending text

    @property
    def key(self) -> tuple[str, str, str]:
        """What the problem is, without where: it survives edits elsewhere in the file. An
        undeclared name is one problem wherever it is referred to: a fix that refers to a
        variable the module already lacks (a prefix built from it) adds no new one."""
        if self.summary.startswith("Reference to undeclared"):
            return ("", self.summary, self.source)
        return (str(self.path), self.summary, self.source)

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def byte_span(self, text: str) -> tuple[int, int]:
        return to_byte_offset(text, self.start), to_byte_offset(text, self.end)

    def __str__(self) -> str:
        return f"{self.summary} at {self.location}"


def judges_references(module: Module) -> bool:
    """False when some declarations may be hidden from us: damaged or JSON files. References
    are then not judged, since what they name may be declared where we cannot read."""
    if any(s.tree is None or s.error is not None for s in module.files.values()):
        return False
    return not _has_json_files(str(module.directory))


@dataclass(frozen=True)
class Baseline:
    """What a module's validation said before a run's fixes, to hold each pass against."""

    problems: tuple[Problem, ...]
    judged_references: bool

    @classmethod
    def of(cls, module: Module) -> Baseline:
        return cls(tuple(validate(module)), judges_references(module))

    def added_by(self, module: Module) -> list[Problem]:
        """Problems ``module`` has that the baseline did not. When the baseline could not judge
        references (a damaged file), a repair that lets them be judged adds none of its own."""
        new = new_problems(self.problems, validate(module))
        if not self.judged_references:
            new = [p for p in new if not p.summary.startswith("Reference to undeclared")]
        return new


def validate(module: Module) -> list[Problem]:
    """Every problem Terraform's loader would report for ``module`` (of those checked here)."""
    return _validated(module)


def new_problems(before: Iterable[Problem], after: Iterable[Problem]) -> list[Problem]:
    """Problems of ``after`` that ``before`` did not have (compared without positions)."""
    seen = Counter(p.key for p in before)
    out = []
    for problem in after:
        key = problem.key
        if seen[key] > 0:
            if key[0]:  # one more of a problem tied to a file is a new one; a missing name is not
                seen[key] -= 1
        else:
            out.append(problem)
    return out


def _compute(module: Module) -> list[Problem]:
    checker = _Checker(module)
    checker.repeated_arguments()
    checker.duplicate_declarations()
    checker.static_places()
    if checker.sees_whole_module():
        checker.references()
    checker.report_suspects()
    return sorted(checker.problems, key=lambda p: (str(p.path), p.start, p.summary))


# Validation runs on every module a pass produces and again in the rule: once per module object.
_validated = IdentityCache(_compute, size=32)


def is_override_file(path: Path) -> bool:
    return path.name == "override.tf" or path.name.endswith("_override.tf")


def _has_json_files(directory: str) -> bool:
    """True when the directory holds `.tf.json` files, whose declarations we do not read."""
    try:
        return any(name.endswith(".tf.json") for name in disk.listdir(directory))
    except OSError:
        return False


class _Checker:
    def __init__(self, module: Module) -> None:
        self.module = module
        self.problems: list[Problem] = []
        self.extra_declarations: set[tuple] = set()  # ephemeral resources, checks' data
        self.declarations: set[tuple] = set()  # (block type, labels...) and ("local", name)
        self.checked_addresses: set[int] = set()  # ids of the traversals in depends_on
        self.suspects: dict[int, list[tuple[Reference, str, str]]] = {}

    # ------------------------------------------------------------ reporting

    def report(self, path: Path, node: Spot, summary: str, detail: str) -> None:
        source = self.module.files[path]
        start, end = _span(node)
        position = offset_to_line_col(source.text, start)
        text = source.text[start:end]
        self.problems.append(
            Problem(path, start, end, position.line, position.column, summary, detail, text)
        )

    def where(self, path: Path, node: Spot) -> str:
        """Terraform's way of naming a range: ``main.tf:7,1-13``."""
        text = self.module.files[path].text
        start, end = _span(node)
        first = offset_to_line_col(text, start)
        last = offset_to_line_col(text, end)
        tail = f"{last.column}" if last.line == first.line else f"{last.line},{last.column}"
        return f"{path.name}:{first.line},{first.column}-{tail}"

    # ------------------------------------------------------------ repeated arguments

    def repeated_arguments(self) -> None:
        attribute, block = n.Attribute, n.Block
        for source in self.module.parsed:
            bodies = [source.tree.body]
            while bodies:
                body = bodies.pop()
                names: set[str] = set()
                for element in body.elements:
                    kind = type(element)
                    if kind is block:
                        bodies.append(element.body)
                    elif kind is attribute:
                        name = element.name.text
                        if name in names:
                            self._redefined(source.path, body, element)
                        else:
                            names.add(name)

    def _redefined(self, path: Path, body: n.Body, again: n.Attribute) -> None:
        first = body.attribute(again.name.text)
        self.report(
            path,
            again.name,
            "Attribute redefined",
            f'The argument "{again.name.text}" was already set at '
            f"{self.where(path, first.name)}. Each argument may be set only once.",
        )

    # ------------------------------------------------------------ duplicate declarations

    def duplicate_declarations(self) -> None:
        firsts: dict[tuple, tuple[Path, n.Node]] = {}
        required: tuple[Path, n.Block] | None = None
        for source in self.module.parsed:
            if is_override_file(source.path):
                continue
            path = source.path
            for block in source.tree.body.blocks():
                type_ = block.type.text
                count = LABELS.get(type_)
                if count is not None:
                    if len(block.labels) == count:
                        key = (type_, *map(_label_key, block.labels))
                        self._declared(firsts, key, path, block)
                elif type_ == "locals":
                    here: set[str] = set()  # a name repeated in one block: Attribute redefined
                    for attribute in block.body.attributes():
                        name = attribute.name.text
                        if name not in here:
                            here.add(name)
                            self._declared(firsts, ("local", name), path, attribute)
                elif type_ == "ephemeral" and len(block.labels) == 2:
                    self.extra_declarations.add((type_, *map(_label_key, block.labels)))
                elif type_ == "check":
                    for inner in block.body.blocks("data"):
                        key = ("data", *map(_label_key, inner.labels))
                        self.extra_declarations.add(key)
                elif type_ == "terraform":
                    for inner in block.body.blocks("required_providers"):
                        if required is None:
                            required = (path, inner)
                        else:
                            self._duplicate_required(path, inner, *required)
                elif type_ == "provider" and len(block.labels) == 1:
                    alias = block.body.attribute("alias")
                    alias_name = _literal(alias.value) if alias is not None else None
                    if alias is None or alias_name is not None:
                        key = ("provider", _label_key(block.labels[0]), alias_name)
                        self._declared(firsts, key, path, block)

        self.declarations = {*firsts, *self.extra_declarations}

    def _declared(self, firsts: dict, key: tuple, path: Path, node: n.Node) -> None:
        first = firsts.setdefault(key, (path, node))
        if first[1] is node:
            return
        where = self.where(first[0], _header_of(first[1]))
        if type(node) is n.Block:  # the names as Terraform reads them, for the message
            key = (key[0], *node.label_values, *key[1 + len(node.labels) :])
        summary, detail = duplicate_message(key, where)
        self.report(path, _header_of(node), summary, detail)

    def _duplicate_required(self, path: Path, block: n.Block, first_path, first) -> None:
        self.report(
            path,
            block.type,
            "Duplicate required providers configuration",
            "A module may have only one required providers configuration. The required "
            f"providers were previously configured at {self.where(first_path, first.type)}.",
        )

    # ------------------------------------------------------------ static places

    def static_places(self) -> None:
        """References and function calls where Terraform takes constants, and expressions
        where it takes a bare address. Traversals in static places are names or addresses,
        so the reference check leaves them out (but for `depends_on`'s, which must exist)."""
        for path, block in self.module.top_level_blocks():
            for place in static_places(block, to_check=True):
                self._static_place(path, block, place)

    def _static_place(self, path: Path, block: n.Block, place: Place) -> None:
        kind = place.kind
        if kind is Kind.CONSTANT:
            self._constant_place(path, block, place)
            return
        for traversal in traversals(place.expression):
            reference = Reference(path, traversal, block)
            if kind is Kind.RESOURCES and traversal.parts[0] in ("var", "local", "module", "data"):
                self.suspect(
                    reference,
                    "Invalid reference in replace_triggered_by expression",
                    "Only resources, count.index, and each.key may be used in "
                    "replace_triggered_by.",
                )
            elif kind is Kind.ADDRESS and place.argument == "depends_on":
                self.checked_addresses.add(id(traversal.node))
        if kind is Kind.ADDRESS:
            for item in _address_items(place):
                if not _static_traversal(item):
                    self.report(path, item, "Invalid expression", STATIC_TRAVERSAL_DETAIL)

    def _constant_place(self, path: Path, block: n.Block, place: Place) -> None:
        """Function calls and references where Terraform takes a constant."""
        named = False
        for node in place.expression.walk():
            kind = type(node)
            if kind is n.FunctionCall:
                self.report(
                    path, node, "Function calls not allowed", "Functions may not be called here."
                )
            elif kind is n.Variable:
                named = True
        if not named:
            return
        for traversal in traversals(place.expression):
            reference = Reference(path, traversal, block)
            if not _literal_name(reference, place.expression):
                self.suspect(reference, "Variables not allowed", "Variables may not be used here.")

    # ------------------------------------------------------------ references

    def sees_whole_module(self) -> bool:
        return judges_references(self.module)

    def references(self) -> None:
        """References to what the module does not declare."""
        declared = Declarations(self.declarations)
        resolved = declared.resolved
        for reference in self.module.references:
            parts = reference.traversal.parts
            if parts[:2] in resolved or parts[0] in BUILTIN_ROOTS:
                continue  # the common case, answered by one lookup
            if reference.block.type.text not in EVALUATED_BLOCKS:
                continue
            verdict = declared.missing(parts)
            if verdict is None:
                continue
            node = reference.traversal.node
            if reference.traversal.parts[0] in dynamic_iterators(reference.block):
                continue
            # A traversal in a static place is a name, an address or refused already; only
            # `depends_on`'s addresses must name something that exists.
            if static_place(reference.block, node) is None or id(node) in self.checked_addresses:
                self.suspect(reference, *verdict)

    def suspect(self, reference: Reference, summary: str, detail: str) -> None:
        """A refused reference, unless an iterator of the same name is in scope there."""
        self.suspects.setdefault(id(reference.block), []).append((reference, summary, detail))

    def report_suspects(self) -> None:
        for entries in self.suspects.values():
            block = entries[0][0].block
            bound = bound_names(block, {id(r.traversal.node) for r, _, _ in entries})
            for reference, summary, detail in entries:
                node = reference.traversal.node
                if reference.traversal.parts[0] not in bound.get(id(node), ()):
                    self.report(reference.path, node, summary, detail)


# ---------------------------------------------------------------- helpers


Spot = n.Node | Leaf | tuple  # a node, or (first, last) nodes of a range


def _span(spot: Spot) -> tuple[int, int]:
    """Character offsets of a parsed node's text (its tokens know their positions)."""
    first, last = spot if type(spot) is tuple else (spot, spot)
    start = first.pos if type(first) is Leaf else first.first_leaf().pos
    if type(last) is not Leaf:
        last = list(last.leaves())[-1]
    return start, last.pos + len(last.text)


def _header_of(node: n.Node) -> Spot:
    """What Terraform points at for a declaration: a block's type and labels, a local's whole
    definition."""
    if type(node) is n.Block:
        return (node.type, node.labels[-1]) if node.labels else node.type
    return (node.name, node.value) if type(node) is n.Attribute else node


def _label_key(label: Leaf | n.TemplateString) -> str:
    """A label's name as written, quotes aside (escapes are rare in names and spelt alike)."""
    if type(label) is Leaf:
        return label.text
    parts = label.parts
    if len(parts) == 1 and type(parts[0]) is Leaf:  # nearly every label: one per declaration
        return parts[0].text
    return "".join(part.text if type(part) is Leaf else part.render() for part in parts)


def _literal(expr: n.Expression) -> str | None:
    from .module import literal_string

    return literal_string(expr)


def _literal_name(reference: Reference, expression: n.Expression) -> bool:
    """True for a traversal that is a literal: `true`, `false`, `null`, or an object's bare key
    (`{ enabled = true }`: the key is the string "enabled")."""
    node = reference.traversal.node
    if reference.traversal.parts[0] in ("true", "false", "null") and type(node) is n.Variable:
        return True
    return type(node) is n.Variable and id(node) in _object_keys(expression)


def _object_key_ids(expression: n.Expression) -> frozenset[int]:
    return frozenset(
        id(item.key) for node in expression.walk() if type(node) is n.Object for item in node.items
    )


_object_keys = IdentityCache(_object_key_ids, size=64)


def _address_items(place) -> Iterator[n.Expression]:
    """The expressions of an address place that must each be one static traversal."""
    value = place.expression
    if place.argument == "depends_on":
        if type(value) is n.Tuple:
            yield from (item.value for item in value.items)
        return
    yield value


def _static_traversal(expr: n.Expression) -> bool:
    """A reference with constant index keys only (a quoted reference passes: Terraform only
    warns about those)."""
    node = expr
    while True:
        kind = type(node)
        if kind is n.Variable or kind is n.TemplateString:
            return True
        if kind is n.GetAttr or kind is n.LegacyIndex:
            node = node.target
        elif kind is n.Index:
            if type(node.key) not in (n.Number, n.TemplateString) or (
                type(node.key) is n.TemplateString
                and any(type(p) is not Leaf for p in node.key.parts)
            ):
                return False
            node = node.target
        else:
            return False
