"""The rule interface and the registry of transforms shipped in ``terrafix.transforms``."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from ..model import Module
from .findings import Applicability, Finding


@dataclass
class RuleContext:
    """What a rule sees: the module, its options from config, the profile in force, and the
    directories of the modules in this run that call it through a local `source`."""

    module: Module
    options: dict = field(default_factory=dict)
    profile: str = "default"
    callers: tuple[Path, ...] = ()

    @property
    def is_called(self) -> bool:
        """True for a reusable module: its variables are inputs that its callers decide."""
        return bool(self.callers)


class Rule:
    """A transform: detects findings in a module and attaches fixes to them."""

    code: ClassVar[str]
    slug: ClassVar[str]
    summary: ClassVar[str]
    explanation: ClassVar[str]  # What it does / Why / Example / Fix safety
    applicability: ClassVar[Applicability] = Applicability.SAFE
    # A rule that enforces a layout convention rather than repairing a defect runs only when
    # `select` names it by code or slug (a prefix is not enough): human-written modules follow
    # other conventions just as well.
    opt_in: ClassVar[bool] = False

    def check(self, context: RuleContext) -> Iterable[Finding]:
        raise NotImplementedError


def all_rules() -> list[type[Rule]]:
    """Every rule class in terrafix.transforms, ordered by code."""
    from .. import transforms

    rules = []
    for info in pkgutil.iter_modules(transforms.__path__):
        module = importlib.import_module(f"{transforms.__name__}.{info.name}")
        rules.extend(
            obj
            for obj in vars(module).values()
            if isinstance(obj, type)
            and issubclass(obj, Rule)
            and obj is not Rule
            and hasattr(obj, "code")
        )
    return sorted(set(rules), key=lambda r: r.code)


def find_rule(name: str) -> type[Rule] | None:
    for rule in all_rules():
        if name.upper() == rule.code or name == rule.slug:
            return rule
    return None


def select_rules(select: list[str] | None, ignore: list[str] | None) -> list[type[Rule]]:
    """Rules chosen by code or slug; a prefix like ``TF00`` selects a family."""

    def matches(rule: type[Rule], names: list[str]) -> bool:
        return any(rule.code.startswith(x.upper()) or rule.slug == x for x in names)

    rules = all_rules()
    if select:
        named = {x.upper() for x in select} | set(select)
        rules = [
            r
            for r in rules
            if matches(r, select) and (not r.opt_in or r.code in named or r.slug in named)
        ]
    else:
        rules = [r for r in rules if not r.opt_in]
    if ignore:
        rules = [r for r in rules if not matches(r, ignore)]
    return rules
