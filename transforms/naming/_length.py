"""A length estimate of a physical name, from defaults and a budget for unknown parts.

Exact values are rarely known before apply: a variable may be overridden and a suffix set by CI.
The estimate takes variables' defaults, gives the environment suffix ``suffix_budget``
characters, and gives other unknown parts a typical width, so a name that is over the limit
with ordinary values is caught.
"""

from __future__ import annotations

from terrafix.data.resource_names import physical_name
from terrafix.model import Module
from terrafix.model.references import traversal_parts
from terrafix.syntax import nodes as n
from terrafix.syntax.strings import unescape
from terrafix.syntax.tokens import Leaf

from ._analysis import SUFFIX_VARIABLES, variable_default

UNKNOWN = 8
KNOWN_WIDTHS = {
    ("data", "aws_caller_identity"): 12,  # an account id
    ("data", "aws_region"): 14,  # the longest region names
    ("count", "index"): 2,
}


class LengthEstimate:
    """Estimates names of one module. ``extra_locals`` and ``extra_defaults`` are the locals and
    variable defaults a fix is about to add (counted as they will be, so the next pass agrees);
    ``callers`` are the estimates of the modules that call a child module (as their own fixes
    will leave them), with their calls, which set the child's variables."""

    def __init__(
        self,
        module: Module,
        suffix_budget: int,
        extra_locals: dict | None = None,
        *,
        extra_defaults: dict[str, str] | None = None,
        callers: list[tuple[LengthEstimate, n.Block]] | None = None,
    ):
        self.module = module
        self.suffix_budget = suffix_budget
        self.extra_locals = extra_locals or {}
        self.extra_defaults = extra_defaults or {}
        self.callers = callers or []
        self._busy: set[object] = set()

    def length(self, expression: n.Expression) -> int:
        return len(self.value(expression))

    def value(self, expression: n.Node) -> str:
        kind = type(expression)
        if kind in (n.TemplateString, n.Heredoc):
            return self.parts_value(expression.parts)
        if kind is n.Parenthesized:
            return self.value(expression.expression)
        if kind is n.FunctionCall:
            return self._call(expression)
        if kind is n.Conditional:
            return max(
                (self.value(expression.true_result), self.value(expression.false_result)), key=len
            )
        parts = traversal_parts(expression) if isinstance(expression, n.Expression) else None
        if parts:
            return self._reference(parts)
        return "x" * UNKNOWN

    def parts_value(self, parts) -> str:
        """The estimate of a template's parts, in order."""
        return "".join(self._part(p) for p in parts)

    def _part(self, part) -> str:
        if type(part) is Leaf:
            return unescape(part.text)
        if type(part) is n.TemplateInterpolation:
            return self.value(part.expression)
        return "x" * UNKNOWN

    def _call(self, call: n.FunctionCall) -> str:
        args = [a.value for a in call.arguments]
        name = call.function_name
        if name in ("lower", "upper", "trimspace", "replace", "trimsuffix", "trimprefix") and args:
            return self.value(args[0])
        if name == "substr" and len(args) == 3:
            text = self.value(args[0])
            start, length = (_number(args[1]), _number(args[2]))
            if start is not None and length is not None:
                return text[start : start + length] if length >= 0 else text[start:]
            return text
        if name == "join" and len(args) == 2 and type(args[1]) is n.Tuple:
            separator = self.value(args[0])
            return separator.join(self.value(item.value) for item in args[1].items)
        if name == "format" and args:
            pattern = self.value(args[0])
            return pattern.replace("%s", "x" * UNKNOWN).replace("%d", "x" * 2)
        return "x" * UNKNOWN

    def _reference(self, parts: tuple[str, ...]) -> str:
        root = parts[0]
        if root == "var" and len(parts) >= 2:
            if parts[1] in SUFFIX_VARIABLES:
                return "x" * self.suffix_budget
            passed = self._passed(parts[1])
            if passed is not None:
                return passed
            if parts[1] in self.extra_defaults:
                return self.extra_defaults[parts[1]]
            default = variable_default(self.module, parts[1])
            return self._guarded(("var", parts[1]), default)
        if root == "local" and len(parts) >= 2:
            if parts[1] in self.extra_locals:
                return self.value(self.extra_locals[parts[1]])
            symbol = self.module.locals.get(parts[1])
            return self._guarded(("local", parts[1]), symbol.node.value if symbol else None)
        width = KNOWN_WIDTHS.get(parts[:2])
        if width is not None:
            return "x" * width
        if len(parts) >= 3 and (parts[0], parts[1]) in self.module.resources:
            rules = physical_name(parts[0])
            if rules is not None and parts[2] == rules.attribute:
                block = self.module.resources[(parts[0], parts[1])].node
                attribute = block.body.attribute(rules.attribute)
                return self._guarded(parts[:2], attribute.value if attribute else None)
        return "x" * UNKNOWN

    def _passed(self, name: str) -> str | None:
        """The longest value the callers pass for variable ``name``; None when none passes it."""
        values = []
        for caller, call in self.callers:
            argument = call.body.attribute(name)
            if argument is not None:
                values.append(caller.value(argument.value))
        return max(values, key=len) if values else None

    def _guarded(self, key: object, expression: n.Expression | None) -> str:
        if expression is None or key in self._busy or type(expression) in (n.Object, n.Tuple):
            return "x" * UNKNOWN
        self._busy.add(key)
        try:
            return self.value(expression)
        finally:
            self._busy.discard(key)


def _number(expression: n.Expression) -> int | None:
    if type(expression) is n.Number:
        return int(expression.token.text)
    if type(expression) is n.UnaryOp and type(expression.operand) is n.Number:
        return -int(expression.operand.token.text)
    return None
