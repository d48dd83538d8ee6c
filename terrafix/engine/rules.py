"""The rule interface, and the rules shipped in ``terrafix.transforms`` (see ``rule_index``)."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from ..model import Module
from .config import DEFAULT, EPHEMERAL
from .findings import Applicability, Finding
from .rule_index import RULES, RuleEntry


@dataclass
class RuleContext:
    """What a rule sees: the module, its options from config, the profile in force, and the
    directories of the modules in this run that call it through a local `source`."""

    module: Module
    options: dict = field(default_factory=dict)
    profile: str = DEFAULT
    callers: tuple[Path, ...] = ()

    @property
    def ephemeral(self) -> bool:
        """True when the stack is declared throwaway: renames and destroyability fixes are wanted."""
        return self.profile == EPHEMERAL

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


def _load(entry: RuleEntry) -> type[Rule]:
    """The rule class of an index entry, importing its module."""
    module = importlib.import_module(f"..transforms.{entry.module}", __package__)
    for obj in vars(module).values():
        if (
            isinstance(obj, type)
            and issubclass(obj, Rule)
            and getattr(obj, "code", None) == entry.code
        ):
            return obj
    raise LookupError(f"{module.__name__} has no rule {entry.code}")


def all_rules() -> list[type[Rule]]:
    """Every rule class in terrafix.transforms, ordered by code."""
    return [_load(entry) for entry in RULES]


def find_rule(name: str) -> type[Rule] | None:
    for entry in RULES:
        if name.upper() == entry.code or name == entry.slug:
            return _load(entry)
    return None


def select_rules(select: list[str] | None, ignore: list[str] | None) -> list[type[Rule]]:
    """Rules chosen by code or slug; a prefix like ``TF00`` selects a family.

    Only the chosen rules' modules are imported.
    """

    def matches(entry: RuleEntry, names: list[str]) -> bool:
        return any(entry.code.startswith(x.upper()) or entry.slug == x for x in names)

    entries = RULES
    if select:
        named = {x.upper() for x in select} | set(select)
        entries = [
            e
            for e in entries
            if matches(e, select) and (not e.opt_in or e.code in named or e.slug in named)
        ]
    else:
        entries = [e for e in entries if not e.opt_in]
    if ignore:
        entries = [e for e in entries if not matches(e, ignore)]
    return [_load(entry) for entry in entries]
