"""docs/rules/: one page per rule, exactly what `terrafix explain` prints, under a heading."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from terrafix.cli import main
from terrafix.engine.rules import all_rules
from terrafix.output.rule_docs import page_path

PAGES = Path(__file__).resolve().parents[1] / "docs" / "rules"


def test_every_rule_has_its_page_and_no_page_is_stale():
    """Regenerate with `python -m terrafix.output.rule_docs docs/rules` when this fails."""
    codes = {rule.code for rule in all_rules()}
    assert {p.stem for p in PAGES.glob("*.md")} == codes
    for code in sorted(codes):
        explained = CliRunner().invoke(main, ["explain", code])
        assert explained.exit_code == 0
        assert (PAGES / f"{code}.md").read_text(encoding="utf-8") == "# " + explained.output


def test_pages_ship_with_the_package():
    assert page_path("TF001") == PAGES / "TF001.md"
    assert page_path("TF999") is None
