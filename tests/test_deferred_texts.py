"""A fix's deferred texts are built on first read, once, and then read like a dict."""

from __future__ import annotations

from pathlib import Path

from terrafix.engine.findings import Applicability, DeferredTexts, Fix


def test_texts_are_built_once_when_first_read():
    built: list[int] = []

    def build() -> dict[Path, str]:
        built.append(1)
        return {Path("main.tf"): 'a = "new"\n'}

    fix = Fix(
        "rewrite a", Applicability.SAFE, {Path("main.tf"): 'a = "old"\n'}, DeferredTexts(build)
    )
    assert built == []
    assert fix.changes == {Path("main.tf"): 'a = "new"\n'}
    assert [edit.new_text for edit in fix.edits[Path("main.tf")]] == ['a = "new"\n']
    assert Path("main.tf") in fix.changes and len(fix.changes) == 1
    assert built == [1]
