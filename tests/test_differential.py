"""Our tree, projected to plain values, equals python-hcl2's ``hcl2.loads`` on every corpus file.

Two parsers written independently agreeing file by file is the strongest evidence we have that
ours reads HCL correctly (DESIGN 2.1, differential oracle). python-hcl2 is slow, so every file is
read by it once per distinct text, in worker processes that start on the first test and work
ahead while the main process parses with terrafix.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

import hcl2
import pytest
from corpus import FIXTURES, REAL, SHARED, hcl_files, needs_shared, read, real_modules
from hcl2.utils import SerializationOptions

import terrafix
from terrafix.syntax.values import to_python

OPTIONS = SerializationOptions(with_comments=False)
CORPUS = SHARED / "corpus"

# Files whose python-hcl2 reading HashiCorp's parser (hcloracle) shows to be wrong:
# {path under corpus/: why}. They must still disagree, so a fixed entry cannot linger here.
# python-hcl2 8.1.4 agrees with us on every corpus file today; known wrong readings that the
# corpus does not contain: a parenthesised literal value, `(true)` or `(["a"])`, comes out as
# Python's repr inside `${(...)}` (`"${(True)}"`), where we print the HCL `"${(true)}"`.
PYTHON_HCL2_WRONG: dict[str, str] = {}


def _groups() -> list[Path]:
    """One test per real module, one per fixture repository: a sane count, still precise."""
    fixtures = sorted(p for p in FIXTURES.iterdir() if p.is_dir()) if FIXTURES.is_dir() else []
    return real_modules() + fixtures


def _load(text: str) -> tuple[bool, object]:
    """python-hcl2's reading of a text, or why it refused it (its errors do not pickle)."""
    try:
        return True, hcl2.loads(text, serialization_options=OPTIONS)
    except Exception as err:
        return False, f"{type(err).__name__}: {str(err)[:200]}"


def _workers() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@pytest.fixture(scope="module")
def python_hcl2() -> Iterator[Callable[[str], tuple[bool, object]]]:
    """python-hcl2's reading of each distinct corpus text, computed in parallel, in test order.

    A quarter of the corpus repeats other files byte for byte (generated wrapper modules), and
    python-hcl2 is slow, so each distinct text is read once.
    """
    pool = ProcessPoolExecutor(max_workers=_workers())
    futures: dict[str, Future[tuple[bool, object]]] = {}
    for group in _groups():
        for path in hcl_files(group):
            text = read(path)
            if text not in futures:
                futures[text] = pool.submit(_load, text)
    yield lambda text: futures[text].result()
    pool.shutdown(cancel_futures=True)


def _first_difference(ours: object, theirs: object, where: str = "") -> str | None:
    """Where two projections part, or None; strict about types, as ``==`` is not (True == 1.0)."""
    if type(ours) is not type(theirs):
        return f"{where or '/'}: {ours!r:.120} != {theirs!r:.120}"
    if isinstance(ours, dict):
        unmatched = ours.keys() ^ theirs.keys()
        if unmatched:
            key = min(unmatched, key=str)
            return f"{where}/{key}: only in {'ours' if key in ours else 'python-hcl2'}"
        pairs = [(ours[key], theirs[key], f"{where}/{key}") for key in ours]
    elif isinstance(ours, list):
        if len(ours) != len(theirs):
            return f"{where}: {len(ours)} items != {len(theirs)}"
        pairs = [
            (mine, other, f"{where}[{i}]") for i, (mine, other) in enumerate(zip(ours, theirs))
        ]
    else:
        return None if ours == theirs else f"{where or '/'}: {ours!r:.120} != {theirs!r:.120}"
    return next(filter(None, (_first_difference(*pair) for pair in pairs)), None)


def _compare(path: Path, text: str, expected: object) -> str | None:
    """None when both readings agree (or disagree as recorded), else what went wrong."""
    name = str(path.relative_to(CORPUS))
    difference = _first_difference(to_python(terrafix.parse(text, path=str(path))), expected)
    if name in PYTHON_HCL2_WRONG:
        return f"{name}: agrees now, drop its exception" if difference is None else None
    return None if difference is None else f"{name}: {difference}"


@needs_shared
@pytest.mark.parametrize("group", _groups(), ids=lambda p: p.name)
def test_projection_equals_python_hcl2(group: Path, python_hcl2) -> None:
    failures: list[str] = []
    skipped: list[str] = []  # files one of the two parsers refuses: nothing to compare
    files = hcl_files(group)
    for path in files:
        text = read(path)
        accepted, expected = python_hcl2(text)
        if not accepted:
            skipped.append(f"{path.relative_to(CORPUS)}: python-hcl2 refuses it: {expected}")
            continue
        try:
            problem = _compare(path, text, expected)
        except terrafix.HclSyntaxError as err:
            # Invalid HCL that python-hcl2 is lenient about; test_roundtrip names these files.
            skipped.append(f"{path.relative_to(CORPUS)}: we refuse it: {err.message}")
            continue
        if problem:
            failures.append(problem)
    assert failures == []
    assert len(skipped) < len(files), f"nothing compared under {group}"
    if group.parent == REAL:
        assert skipped == [], "both parsers read every real module file"
