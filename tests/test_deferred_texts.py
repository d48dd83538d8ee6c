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


def test_texts_travel_to_another_process_as_built_texts():
    import pickle

    fix = Fix(
        "rewrite a",
        Applicability.SAFE,
        {Path("main.tf"): 'a = "old"\n'},
        DeferredTexts(lambda: {Path("main.tf"): 'a = "new"\n'}),  # a closure: not picklable
    )
    copy = pickle.loads(pickle.dumps(fix))
    assert copy.changes == {Path("main.tf"): 'a = "new"\n'}
    assert type(copy.changes) is dict
