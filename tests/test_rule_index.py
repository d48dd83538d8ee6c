"""The rule index agrees with the rule classes, and choosing rules imports only their modules."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import terrafix.transforms

from terrafix.engine.rule_index import RULES
from terrafix.engine.rules import Rule, all_rules, find_rule, select_rules


def _discovered() -> list[type[Rule]]:
    """Every rule class defined in any module of terrafix.transforms and its family packages,
    found by importing all."""
    rules = []
    prefix = f"{terrafix.transforms.__name__}."
    for info in pkgutil.walk_packages(terrafix.transforms.__path__, prefix):
        module = importlib.import_module(info.name)
        rules.extend(
            obj
            for obj in vars(module).values()
            if isinstance(obj, type)
            and issubclass(obj, Rule)
            and hasattr(obj, "code")
            and obj.__module__ == module.__name__
        )
    return sorted(rules, key=lambda rule: rule.code)


def test_index_matches_the_rule_classes() -> None:
    expected = [
        (rule.code, rule.slug, rule.__module__.removeprefix("terrafix.transforms."), rule.opt_in)
        for rule in _discovered()
    ]
    assert [tuple(entry) for entry in RULES] == expected, (
        "update RULES in terrafix/engine/rule_index.py"
    )


def test_index_is_ordered_by_code_with_unique_codes_and_slugs() -> None:
    codes = [entry.code for entry in RULES]
    assert codes == sorted(codes)
    assert len(set(codes)) == len(codes)
    assert len({entry.slug for entry in RULES}) == len(RULES)


def test_all_rules_returns_every_rule_class() -> None:
    assert all_rules() == _discovered()


def test_find_rule_by_code_or_slug() -> None:
    for rule in _discovered():
        assert find_rule(rule.code) is rule
        assert find_rule(rule.code.lower()) is rule
        assert find_rule(rule.slug) is rule
    assert find_rule("TF999") is None
    assert find_rule("TF00") is None


def test_select_rules_matches_the_rule_attributes() -> None:
    """Selection on the index gives what selection on the classes themselves would."""
    rules = _discovered()

    def matches(rule: type[Rule], names: list[str]) -> bool:
        return any(rule.code.startswith(x.upper()) or rule.slug == x for x in names)

    cases = [
        (None, None),
        ([], []),
        (["TF0"], None),
        (["tf01"], ["TF013"]),
        (["TF001", "sqs-encryption"], None),
        (["provider-in-main", "TF020"], ["TF02"]),
        (None, ["TF01", "aws-region-variable"]),
    ]
    for select, ignore in cases:
        if select:
            named = {x.upper() for x in select} | set(select)
            expected = [
                r
                for r in rules
                if matches(r, select) and (not r.opt_in or r.code in named or r.slug in named)
            ]
        else:
            expected = [r for r in rules if not r.opt_in]
        if ignore:
            expected = [r for r in expected if not matches(r, ignore)]
        assert select_rules(select, ignore) == expected, (select, ignore)


def test_selecting_one_rule_imports_only_its_module() -> None:
    code = (
        "import sys\n"
        "from terrafix.engine.rules import select_rules\n"
        "[rule] = select_rules(['TF001'], None)\n"
        "print(sorted(m for m in sys.modules if m.startswith('terrafix.transforms.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "['terrafix.transforms.aws_region_variable']"
