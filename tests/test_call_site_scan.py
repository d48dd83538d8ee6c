"""The start of a run reads `module` blocks only from files whose lines may open one: trying
just the lines the word is on must pick the same files as searching every line."""

from __future__ import annotations

from pathlib import Path

import pytest

from terrafix.engine.pipeline import MODULE_BLOCK, _may_call_modules

REAL = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"

TEXTS = [
    'module "vpc" {\n  source = "./vpc"\n}\n',
    '  /* shared */ module "vpc" {\n  source = "./vpc"\n}',
    '# module "vpc" is gone\nresource "x" "y" {\n  id = module.vpc.id\n}\n',
    'locals {\n  note = "see the modules folder"\n}\nmodule',
    'output "a" {\n  value = module.a.b # module\n}\n\tmodule "b" {}\n',
    "/* module */\n/* a */ /* b */ module_x = 1\n",
    "/* a\nmodule */ x = 1\n",
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_lines_with_the_word_decide_as_a_search_of_all_lines(text: str):
    assert _may_call_modules(text) == bool(MODULE_BLOCK.search(text))


def test_the_real_corpus_is_scanned_as_a_search_of_every_line_scans_it():
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in REAL.rglob("*.tf")]
    if not texts:
        pytest.skip("no real corpus here")
    assert [_may_call_modules(t) for t in texts] == [bool(MODULE_BLOCK.search(t)) for t in texts]
    assert any(_may_call_modules(t) for t in texts)
