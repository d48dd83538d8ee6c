"""Findings and fixes: what a rule reports, and the plain edits that repair it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property
from pathlib import Path

from ..writer.textedit import TextEdit, diff_edits


class Applicability(StrEnum):
    """How sure a fix is: applied by default, only on request, or shown and never applied."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY_ONLY = "display-only"


class DeferredTexts(Mapping[Path, str]):
    """New texts computed when first read.

    A report without edits (`check`'s text output) reads no fix's texts, and a module-wide
    fix costs about as much to build as to plan: the rule hands over how to build it instead.
    """

    def __init__(self, build: Callable[[], dict[Path, str]]) -> None:
        self._build: Callable[[], dict[Path, str]] | None = build
        self._texts: dict[Path, str] = {}

    def _built(self) -> dict[Path, str]:
        if self._build is not None:
            self._texts = self._build()
            self._build = None
        return self._texts

    def __getitem__(self, path: Path) -> str:
        return self._built()[path]

    def __iter__(self) -> Iterator[Path]:
        return iter(self._built())

    def __len__(self) -> int:
        return len(self._built())

    def __reduce__(self):
        # Sent to another process (a worker's result) as the texts themselves: how to build
        # them holds the module's trees, which stay where they were parsed.
        return (dict, (self._built(),))

    def __repr__(self) -> str:
        return "DeferredTexts(not built yet)" if self._build is not None else repr(self._texts)


class TextsLeftOut(Mapping[Path, str]):
    """Stands for a fix's texts in a run whose report shows only that a fix exists.

    `check`'s text report prints "(fixable)" and nothing of the edits, yet building a module-wide
    fix's texts and carrying them back from a worker costs a tenth of such a run. Reading them is
    a bug in the caller, so it fails loudly instead of looking like a fix that changes nothing.
    """

    def _refuse(self):
        raise LookupError("this run left the fixes' texts out (see pipeline.run's fix_texts)")

    def __getitem__(self, path: Path) -> str:
        self._refuse()

    def __iter__(self) -> Iterator[Path]:
        self._refuse()

    def __len__(self) -> int:
        self._refuse()

    def __repr__(self) -> str:
        return "TextsLeftOut()"


TEXTS_LEFT_OUT = TextsLeftOut()


@dataclass(frozen=True)
class Fix:
    """New texts for the files a fix touches (a path absent from ``base`` is a new file)."""

    description: str
    applicability: Applicability
    base: dict[Path, str]  # the texts the fix was computed against
    changes: Mapping[Path, str]  # path → new text (a dict, or DeferredTexts)
    # Only a fix that repairs damaged text may edit an error node (see engine.damage).
    repairs_damage: bool = False

    @cached_property
    def edits(self) -> dict[Path, list[TextEdit]]:
        """The changes as line edits of each base text (computed once: many findings share a fix)."""
        return {path: self.edits_of(path) for path in self.changes}

    def edits_of(self, path: Path) -> list[TextEdit]:
        """The line edits of one file (none when the fix leaves it alone): a question about
        one file, such as whether the fix reaches into its damage, diffs no other."""
        known = self._edits_by_path
        if path not in known:
            new = self.changes.get(path)
            known[path] = [] if new is None else diff_edits(self.base.get(path, ""), new)
        return known[path]

    @cached_property
    def _edits_by_path(self) -> dict[Path, list[TextEdit]]:
        return {}

    def without_texts(self) -> Fix:
        """The same fix for a report that shows only that it exists (see ``TextsLeftOut``)."""
        return replace(self, base={}, changes=TEXTS_LEFT_OUT)


@dataclass(frozen=True)
class Finding:
    rule: str  # code, e.g. TF001
    slug: str
    message: str
    path: Path
    start: int  # character offsets in the file's text
    end: int
    key: str  # identifies the defect across passes (rule + what it is about)
    severity: str = "warning"
    fix: Fix | None = None
    notes: tuple[str, ...] = field(default=())
