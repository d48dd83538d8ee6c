"""The plan for one module: which prefix local, which declarations, and each name's new form."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from terrafix.data.resource_names import PhysicalName
from terrafix.model import Module
from terrafix.model.module import Symbol, literal_string
from terrafix.model.references import traversal_parts
from terrafix.syntax import nodes as n
from terrafix.syntax.strings import unescape
from terrafix.syntax.tokens import Leaf
from terrafix.writer import BlockSpec, expr, parse_expression

from ._analysis import (
    SHORT_PREFIX_LIMIT,
    SUFFIX_VARIABLES,
    NameSite,
    Origin,
    OriginAnalysis,
    fixed_length,
    form_head,
    name_sites,
    prefix_sites,
    variable_default,
)
from ._callers import caller_arguments, local_callers, local_source, read_module
from ._length import LengthEstimate
from ._memo import remembered
from ._rewrite import (
    as_inner,
    inner_of,
    literal_word,
    prefix_split,
    source_of,
    template_inner,
)

PROJECT_VARIABLES = (
    "project_name",
    "project",
    "app_name",
    "application_name",
    "application",
    "service_name",
    "stack_name",
    "name_prefix",
    "resource_prefix",
    "prefix",
    "app",
    "name",
)
PREFIX_LOCAL = "name_prefix"
RANDOM_NAME = "suffix"
STRING_FUNCTIONS = frozenset(
    {"lower", "upper", "format", "join", "replace", "trimsuffix", "substr"}
)
WORD = re.compile(r"[a-z][a-z0-9]*")
TRAILING_SEPARATORS = "/[-_.]+$/"  # a Terraform regex: replace() treats /.../ as one
DEFAULT_PROJECT = "app"
DEFAULT_SUFFIX = "dev"
LOAD_BALANCER_WORDS = frozenset({"alb", "nlb", "elb", "lb", "tg"})


@dataclass
class SiteChange:
    """What happens to one physical name."""

    site: NameSite
    how: str  # for the finding's message
    problem: str = "is the same for every deployment"
    value: str | None = None  # new expression source; None when a local's fix carries it
    prefix_argument: str | None = None  # switch to the type's prefix argument with this value
    renamed_inner: str | None = None  # the new name as template text, for its own tags
    follow_inner: str | None = None  # what other strings that spell the old name now say


@dataclass
class Wiring:
    """A child module call that must pass the suffix down as ``argument``."""

    path: Path
    call: n.Block
    argument: str

    @property
    def address(self) -> str:
        return f"module.{self.call.label_values[0]}"


@dataclass
class NamingPlan:
    prefix_local: str
    suffix_variable: str
    new_variables: list[tuple[str, BlockSpec]] = field(default_factory=list)
    new_local: tuple[str, str] | None = None
    local_fixes: list[tuple[Symbol, str]] = field(default_factory=list)
    changes: list[SiteChange] = field(default_factory=list)
    wirings: list[Wiring] = field(default_factory=list)
    random_suffix: bool = False  # an empty suffix falls back to a random_string resource

    @property
    def suffix_expression(self) -> str:
        """The suffix as an expression: the variable, or it with its random fallback."""
        variable = f"var.{self.suffix_variable}"
        if not self.random_suffix:
            return variable
        return f'{variable} != "" ? {variable} : random_string.{RANDOM_NAME}[0].result'


def plan_module(
    module: Module, options: dict, *, skip: frozenset[str] = frozenset()
) -> NamingPlan | None:
    """The change that gives every static physical name the suffix, or None when there is
    nothing to do or the module's names are its callers' business. Addresses in ``skip``
    (suppressed findings) keep their names."""
    return _plan_module(module, options, skip=skip)


def plan_outline(module: Module, options: dict) -> NamingPlan | None:
    """A caller's or a child's plan as a module's own plan reads it (None exactly when its
    plan is None): what it declares and which locals carry the suffix, without the calls it
    wires or each name's new form, which only its own check reports."""
    return remembered(
        "plan outline", module, options, lambda: _plan_module(module, options, outline=True)
    )


def _plan_module(
    module: Module, options: dict, *, skip: frozenset[str] = frozenset(), outline: bool = False
) -> NamingPlan | None:
    if _calls_parent_modules(module):
        return None
    arguments = caller_arguments(module)
    analysis = OriginAnalysis(module, arguments)
    own_inputs: OriginAnalysis | None = None  # built for the first name that needs it
    static: list[NameSite] = []
    suffixed: list[NameSite] = []
    for site in name_sites(module):
        if site.address in skip:
            continue
        whole, lead = analysis.site_origin(site)
        if lead is Origin.INPUT:
            own_inputs = own_inputs or OriginAnalysis(module, arguments, outputs_fixed=True)
            if own_inputs.site_origin(site)[1] is Origin.INPUT:
                return None  # the module takes its name prefix from its callers
            continue  # this name comes from another module or a data source: theirs to choose
        (suffixed if whole is Origin.SUFFIXED else static).append(site)
    estimate = LengthEstimate(
        module, int(options.get("suffix_budget", 8)), callers=caller_estimates(module, options)
    )
    long = [s for s in suffixed if estimate.length(s.attribute.value) > s.rules.max_length]
    wirings = _calls_to_wire(module, options) if not outline and analysis.root else []
    wirings = [w for w in wirings if w.address not in skip]
    prefixes = [s for s in prefix_sites(module) if s.address not in skip]
    if not static and not wirings and not long and not prefixes:
        return None
    plan = _Planner(module, options, analysis, each_name=not outline).plan(static, wirings, long)
    if plan is None:
        if not prefixes:
            return None
        plan = NamingPlan(PREFIX_LOCAL, options.get("suffix_variable", "environment_suffix"))
    if not outline:
        plan.changes.extend(_shortened(site) for site in prefixes)
    return plan


def _shortened(site: NameSite) -> SiteChange:
    """A prefix argument cut to AWS's limit: a short word of its own, else the text's start."""
    limit = site.rules.max_length
    text = literal_string(site.attribute.value) or ""
    short = _abbreviation(site, site.rules) if limit <= SHORT_PREFIX_LIMIT else _cut(text, limit)
    length = fixed_length(site.attribute.value)
    return SiteChange(
        site,
        f"it becomes {short!r}, and AWS appends a unique part",
        problem=f"is {length} characters, over the AWS limit of {limit}",
        value='"' + literal_word(short) + '"',
    )


def caller_estimates(module: Module, options: dict) -> list[tuple[LengthEstimate, n.Block]]:
    """Length estimates of the modules calling ``module``, counting the locals their own fix
    adds or extends: a caller's prefix that gets the suffix in this run is longer next time."""
    return remembered(
        "caller estimates", module, options, lambda: _caller_estimates(module, options)
    )


def _caller_estimates(module: Module, options: dict) -> list[tuple[LengthEstimate, n.Block]]:
    out = []
    for caller, call in local_callers(module) or []:
        plan = plan_outline(caller, options)
        planner = _Planner(caller, options, OriginAnalysis(caller))
        estimate = (
            planner._estimate(plan) if plan is not None else LengthEstimate(caller, planner.budget)
        )
        out.append((estimate, call))
    return out


def _calls_to_wire(module: Module, options: dict) -> list[Wiring]:
    """Calls of child modules in this tree that get (or have) a suffix variable this
    configuration does not pass down yet."""
    suffix = options.get("suffix_variable", "environment_suffix")
    out = []
    for symbol in module.module_calls.values():
        source = local_source(symbol.node)
        if source is None or symbol.node.body.attribute(suffix) is not None:
            continue
        child = read_module(module.directory / source)
        if child is None:
            continue
        child_plan = plan_outline(child, options)
        if suffix in child.variables or (
            child_plan is not None and child_plan.suffix_variable == suffix
        ):
            out.append(Wiring(symbol.path, symbol.node, suffix))
    return out


def _calls_parent_modules(module: Module) -> bool:
    """Whether the module calls a module above it (`../`): an example or a wrapper of a
    module in the same repository, which shows that module's naming rather than choosing its
    own. Registry and git modules name only what they are given, so they are no reason to
    leave the other names alone."""
    for symbol in module.module_calls.values():
        source = symbol.node.body.attribute("source")
        text = literal_string(source.value) if source is not None else None
        if text is None or text.startswith("../"):
            return True
    return False


def suffix_variable_spec(name: str, default: str) -> BlockSpec:
    return BlockSpec(
        "variable",
        (name,),
        (
            (
                "description",
                "Unique suffix for resource names, so several deployments can share an account",
            ),
            ("type", expr("string")),
            ("default", default),
        ),
    )


def random_suffix_spec(variable: str) -> BlockSpec:
    """A random suffix for deployments that set no suffix of their own (seed 000)."""
    return BlockSpec(
        "resource",
        ("random_string", RANDOM_NAME),
        (
            ("count", expr(f'var.{variable} == "" ? 1 : 0')),
            ("length", 8),
            ("special", False),
            ("upper", False),
        ),
    )


def project_variable_spec(default: str) -> BlockSpec:
    return BlockSpec(
        "variable",
        ("project_name",),
        (
            ("description", "Project name, the first part of every resource name"),
            ("type", expr("string")),
            ("default", default),
        ),
    )


class _Planner:
    """Plans one module; without ``each_name``, only its declarations and prefix locals."""

    def __init__(
        self, module: Module, options: dict, analysis: OriginAnalysis, *, each_name: bool = True
    ) -> None:
        self.module = module
        self.options = options
        self.analysis = analysis
        self.budget = int(options.get("suffix_budget", 8))
        self.each_name = each_name

    def plan(
        self, static: list[NameSite], wirings: list[Wiring], long: list[NameSite]
    ) -> NamingPlan | None:
        module = self.module
        suffix = next((v for v in _suffix_candidates(self.options) if v in module.variables), None)
        plan = NamingPlan(
            PREFIX_LOCAL, suffix or self.options.get("suffix_variable", "environment_suffix")
        )
        if suffix is None and (static or wirings):
            plan.random_suffix = bool(self.options.get("random_suffix")) and not (
                self.analysis.caller_arguments
            )
            default = (
                ""
                if plan.random_suffix
                else str(self.options.get("default_suffix", DEFAULT_SUFFIX))
            )
            plan.new_variables.append(
                (plan.suffix_variable, suffix_variable_spec(plan.suffix_variable, default))
            )
        plan.wirings = wirings
        if static and not self._prefix_static(plan, static):
            return None
        if not self.each_name:
            return plan
        estimate = self._estimate(plan)
        for site in long:
            change = SiteChange(site, "", problem="can exceed its AWS length limit")
            plan.changes.append(self._limited(change, estimate.length(site.attribute.value), site))
        return plan

    def _prefix_static(self, plan: NamingPlan, static: list[NameSite]) -> bool:
        """Plan the prefix local and each static name's new form; False when the module's
        prefix local cannot take a suffix."""
        module = self.module
        suffix_ref = "${" + plan.suffix_expression + "}"
        leading_locals = self._leading_locals(static)
        existing = module.locals.get(PREFIX_LOCAL)
        project_var: str | None = None
        project_word: str | None = None
        if existing is not None:
            origin = self.analysis.local(PREFIX_LOCAL)
            if origin is Origin.STATIC:
                if not _appendable(existing.node.value):
                    return False
                leading_locals[PREFIX_LOCAL] = existing
            elif origin is Origin.INPUT:
                return False
        prefixes = Counter(
            name
            for name in self._lead_local_names(static, prefix_only=True)
            if name in leading_locals
        )
        if existing is None and prefixes:
            plan.prefix_local = prefixes.most_common(1)[0][0]
        if existing is not None or prefixes:
            project_var = _first_variable(module.locals[plan.prefix_local].node.value)
            if project_var is not None:
                project_word = literal_string(variable_default(module, project_var) or _EMPTY)
        else:
            project_var = self._project_variable()
            if project_var is None:
                project_word = self._derived_project(static)
                plan.new_variables.append(("project_name", project_variable_spec(project_word)))
                project_var = "project_name"
            else:
                project_word = literal_string(variable_default(module, project_var) or _EMPTY)
            plan.new_local = (PREFIX_LOCAL, '"${var.' + project_var + "}-" + suffix_ref + '"')
        for symbol in leading_locals.values():
            plan.local_fixes.append((symbol, _appended(symbol.node.value, suffix_ref)))
        if not self.each_name:
            return True
        estimate = self._estimate(plan)
        prefix_ref = "${local." + plan.prefix_local + "}"
        fixed_names = {symbol.node.name.text for symbol, _ in plan.local_fixes}
        for site in static:
            plan.changes.append(
                self._site_change(
                    site, plan, fixed_names, prefix_ref, project_var, project_word, estimate
                )
            )
        return True

    def _estimate(self, plan: NamingPlan) -> LengthEstimate:
        """Lengths as they will be once the plan's locals and variables exist."""
        extra = {name: _parsed(source) for name, source in self._new_locals(plan).items()}
        defaults = {}
        for name, spec in plan.new_variables:
            default = dict(i for i in spec.items if isinstance(i, tuple)).get("default")
            if isinstance(default, str):
                defaults[name] = default
        return LengthEstimate(
            self.module,
            self.budget,
            extra,
            extra_defaults=defaults,
            callers=caller_estimates(self.module, self.options),
        )

    def _new_locals(self, plan: NamingPlan) -> dict[str, str]:
        out = {}
        if plan.new_local is not None:
            out[plan.new_local[0]] = plan.new_local[1]
        for symbol, source in plan.local_fixes:
            out[symbol.node.name.text] = source
        return out

    # ------------------------------------------------------------ choosing the prefix

    def _lead_local_names(self, static: list[NameSite], *, prefix_only: bool = False) -> list[str]:
        """Locals that names start with; with ``prefix_only``, only those more of a name
        follows (a local that is a whole name, `name = local.role_name`, is no prefix for
        other names)."""
        names = []
        for site in static:
            lead = _lead_expression(site)
            parts = traversal_parts(lead) if lead is not None else None
            is_local = parts and len(parts) == 2 and parts[0] == "local" and type(lead) is n.GetAttr
            if is_local and (not prefix_only or lead is not site.attribute.value):
                names.append(parts[1])
        return names

    def _leading_locals(self, static: list[NameSite]) -> dict[str, Symbol]:
        """Static locals that names start with and that a suffix can be appended to."""
        out = {}
        for name in self._lead_local_names(static):
            symbol = self.module.locals.get(name)
            if symbol is None or name in out:
                continue
            if self.analysis.local(name) is Origin.STATIC and _appendable(symbol.node.value):
                out[name] = symbol
        return out

    def _project_variable(self) -> str | None:
        """A variable with a fixed, non-empty value: a literal default, or what callers pass."""
        for name in PROJECT_VARIABLES:
            default = variable_default(self.module, name)
            if default is not None and literal_string(default):
                return name
            if self.analysis.caller_arguments.get(name) is Origin.STATIC:
                return name
        return None

    def _derived_project(self, static: list[NameSite]) -> str:
        """The word most static names start with, when at least two share it."""
        words = Counter()
        for site in static:
            value = literal_string(site.attribute.value)
            if value:
                value = value[len(form_head(site.rules, value)) :]
                match = WORD.match(value.lower())
                if match and value[match.end() : match.end() + 1] in ("-", "_"):
                    words[match.group()] += 1
        common = words.most_common(1)
        return common[0][0] if common and common[0][1] >= 2 else DEFAULT_PROJECT

    # ------------------------------------------------------------ each name

    def _follows_fixed_local(self, site: NameSite, fixed: set[str]) -> str | None:
        """The fixed local that gives this name the suffix once the plan's locals carry it
        (through a conditional, a for_each value, another local), else None."""
        if not fixed:
            return None
        after = OriginAnalysis(self.module, self.analysis.caller_arguments)
        after._locals.update(dict.fromkeys(fixed, Origin.SUFFIXED))
        if after.site_origin(site)[0] is not Origin.SUFFIXED:
            return None
        return f"local.{next(iter(fixed))}" if len(fixed) == 1 else "the locals it is built from"

    def _site_change(
        self,
        site: NameSite,
        plan: NamingPlan,
        fixed_names: set[str],  # the locals the plan suffixes
        prefix_ref: str,
        project_var: str | None,
        project_word: str | None,
        estimate: LengthEstimate,
    ) -> SiteChange:
        lead = _lead_expression(site)
        parts = traversal_parts(lead) if lead is not None else None
        value = site.attribute.value
        if parts and len(parts) == 2 and parts[0] == "local" and parts[1] in fixed_names:
            change = SiteChange(site, f"local.{parts[1]} now carries the suffix")
            return self._limited(change, estimate.length(value), site)
        follows = self._follows_fixed_local(site, fixed_names)
        if follows is not None:  # `cond ? "${local.p}-a" : ...`, or each.value built from it
            change = SiteChange(site, f"{follows} now carries the suffix")
            return self._limited(change, estimate.length(value), site)
        inner, literal = inner_of(value)
        head = form_head(site.rules, inner) if literal else ""
        if project_var is not None and inner[len(head) :].startswith("${var." + project_var + "}"):
            leading = "${var." + project_var + "}"
        else:
            leading = project_word if literal and project_word else None
        separator, kept = prefix_split(inner, head, leading)
        new_inner = head + prefix_ref + separator + inner[kept:]
        change = SiteChange(
            site,
            f"built from local.{plan.prefix_local}",
            value='"' + new_inner + '"',
            renamed_inner=new_inner if literal else None,
            follow_inner=new_inner if literal else None,
        )
        # The estimate reads lower() and replace() as their first argument, so the new value
        # is estimated once, whichever of them it gets wrapped in.
        kept_value = _kept_value(estimate, value, len(inner), kept) if literal else None
        if kept_value is None:
            estimated = estimate.value(_parsed(change.value))
        else:
            prefix = estimate.value(_parsed("local." + plan.prefix_local))
            estimated = unescape(head) + prefix + separator + kept_value
        if site.rules.lowercase and _has_upper(estimated):
            change.value = f"lower({change.value})"
            change.follow_inner = "${" + change.value + "}" if literal else None
            change.how += " and lowercased, as AWS requires"
        if site.rules.separator != "-" and "-" in estimated:
            change.value = f'replace({change.value}, "-", "{site.rules.separator}")'
            change.follow_inner = "${" + change.value + "}" if literal else None
            change.how += f", with {site.rules.separator!r} for '-', which AWS does not allow"
        return self._limited(change, len(estimated), site)

    def _limited(self, change: SiteChange, length: int, site: NameSite) -> SiteChange:
        """Keep the name within its AWS limit (``length`` is its estimated length): the short
        prefix argument, else substr()."""
        rules = site.rules
        if length <= rules.max_length:
            return change
        if rules.prefix_attribute and rules.prefix_limit <= SHORT_PREFIX_LIMIT:
            change.prefix_argument = _abbreviation(site, rules)
            change.how += "; " if change.how else ""
            change.how += (
                f"it can reach {length} characters (limit {rules.max_length}), so it uses "
                f"{rules.prefix_attribute} = {change.prefix_argument!r} and AWS appends a unique part"
            )
            counted = any(site.block.body.attribute(a) for a in ("count", "for_each"))
            reference = "${" + f"{site.address}.{rules.attribute}" + "}"
            change.follow_inner = None if counted else reference
            return change
        source = change.value if change.value is not None else source_of(site.attribute.value)
        # A cut can end on a separator, and most AWS names must end with a letter or digit.
        change.value = (
            f'replace(substr({source}, 0, {rules.max_length}), "{TRAILING_SEPARATORS}", "")'
        )
        change.how += "; " if change.how else ""
        change.how += (
            f"it can reach {length} characters, so it is cut to the limit of "
            f"{rules.max_length} with substr(), dropping a separator left at the end"
        )
        change.follow_inner = "${" + change.value + "}" if change.follow_inner else None
        return change


def _kept_value(
    estimate: LengthEstimate, value: n.TemplateString, length: int, kept: int
) -> str | None:
    """The estimate of the template text ``value`` spells from offset ``kept`` on (``length``
    is its whole text's), read from its parts as parsed: a new name keeps that text after its
    prefix, and parsing each new name again only to estimate it cost as much as planning it.
    None when the offset falls inside an interpolation or inside literal text with escapes,
    where only parsing the new text tells."""
    parts = value.parts
    ends = []
    end = 0
    for part in parts:
        kind = type(part)
        if kind is Leaf:
            end += len(part.pre) + len(part.text)
        elif kind is n.TemplateInterpolation:
            end += len(part.render())
        else:
            return None
        ends.append(end)
    if end != length:
        return None
    start = 0
    for index, part in enumerate(parts):
        if kept == start:
            return estimate.parts_value(parts[index:])
        if kept < ends[index]:
            text = part.text if type(part) is Leaf and not part.pre else None
            if text is None or "\\" in text or "{" in text:
                return None
            return text[kept - start :] + estimate.parts_value(parts[index + 1 :])
        start = ends[index]
    return "" if kept == length else None


def _cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` after its last separator there, so no word is split."""
    cut = text[:limit]
    end = max(cut.rfind(c) for c in "-_.") + 1
    return cut[:end] if end > limit // 2 else cut


def _has_upper(value: str) -> bool:
    return any(c.isupper() for c in value)


def _suffix_candidates(options: dict) -> list[str]:
    configured = options.get("suffix_variable")
    ordered = sorted(SUFFIX_VARIABLES, key=lambda v: (v != "environment_suffix", v))
    return [configured, *ordered] if configured else ordered


def _lead_expression(site: NameSite) -> n.Expression | None:
    value = site.attribute.value
    if type(value) is n.TemplateString:
        for part in value.parts:
            if type(part) is n.TemplateInterpolation:
                return part.expression
            if form_head(site.rules, part.text) != part.text:
                return None
        return None
    return value


_EMPTY = parse_expression('""')


@lru_cache(maxsize=2048)
def _parsed(source: str) -> n.Expression:
    """``parse_expression``, once per source: the same new names and prefix locals come back
    in every plan of a module, and in its callers' and children's plans (trees never change)."""
    return parse_expression(source)


def _first_variable(value: n.Expression) -> str | None:
    """The variable a prefix local starts with: `var.project` in `"${var.project}-..."`."""
    lead = value
    if type(value) is n.TemplateString and value.parts:
        first = value.parts[0]
        lead = first.expression if type(first) is n.TemplateInterpolation else None
    parts = traversal_parts(lead) if lead is not None else None
    return parts[1] if parts and len(parts) == 2 and parts[0] == "var" else None


def _appendable(value: n.Expression) -> bool:
    """Whether a local's value is a string a suffix can be appended to."""
    if type(value) is n.TemplateString:
        return template_inner(value) is not None
    if type(value) is n.FunctionCall:
        return value.function_name in STRING_FUNCTIONS
    parts = traversal_parts(value)
    return bool(parts) and parts[0] == "var" and type(value) is n.GetAttr


def _appended(value: n.Expression, suffix_ref: str) -> str:
    """The local's value with `-<suffix>` appended (before a trailing separator it ends with)."""
    inner = as_inner(value)
    if inner.endswith(("-", "_")):
        return '"' + inner[:-1] + inner[-1] + suffix_ref + inner[-1] + '"'
    return '"' + inner + "-" + suffix_ref + '"'


def _abbreviation(site: NameSite, rules: PhysicalName) -> str:
    """A short prefix: a short word of the name's own text (`alb-...` → `alb-`), else the
    type's conventional one (`tg-`)."""
    value = site.attribute.value
    pieces = value.parts if type(value) is n.TemplateString else ()
    text = "-".join(p.text for p in pieces if type(p) is Leaf)
    words = [w for w in re.split(r"[^a-z0-9]+", text.lower()) if w]
    short = [w for w in words if len(w) < rules.prefix_limit]
    kinds = [w for w in short if w in LOAD_BALANCER_WORDS]
    if kinds or short:
        return (kinds or short)[-1] + "-"
    return rules.short_prefix or "app-"[: rules.prefix_limit]
