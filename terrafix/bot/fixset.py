"""What a fix run changed, in repository terms: files, fixed findings and their fingerprints.

A fingerprint names a fix by rule, file and the finding's key (never by line numbers or text),
so the same defect fixed again gives the same fingerprint; the set of them decides whether a
pull request closed unmerged should stay closed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..engine.findings import Finding
from ..engine.pipeline import FileResult, RunResult


@dataclass(frozen=True)
class ChangedFile:
    path: str  # relative to the repository, with forward slashes
    original: str | None  # None for a file the fixes create
    final: str


@dataclass(frozen=True)
class AppliedFix:
    finding: Finding
    path: str  # the finding's file, relative to the repository
    fingerprint: str

    @property
    def applicability(self) -> str:
        return self.finding.fix.applicability.value if self.finding.fix else "safe"


@dataclass(frozen=True)
class FixGroup:
    """One fix and every finding it repairs (a fix shared by several findings is one change)."""

    fixes: tuple[AppliedFix, ...]
    files: tuple[str, ...]  # the files the fix itself changes, relative to the repository

    @property
    def first(self) -> AppliedFix:
        return self.fixes[0]

    @property
    def applicability(self) -> str:
        return self.first.applicability


@dataclass(frozen=True)
class Leftover:
    """A finding the run did not fix: it needs a person."""

    finding: Finding
    path: str
    declined_in: int | None = None  # the pull request closed unmerged that held its fix

    @property
    def reason(self) -> str:
        fix = self.finding.fix
        if self.declined_in is not None:
            return f"its fix was declined in #{self.declined_in}"
        if fix is None:
            return "no automatic fix"
        if fix.applicability.value == "unsafe":
            return "unsafe fix not applied (`--unsafe-fixes` applies it)"
        return "suggested fix, shown only"


@dataclass(frozen=True)
class FixSet:
    files: tuple[ChangedFile, ...]
    fixes: tuple[AppliedFix, ...]
    leftovers: tuple[Leftover, ...] = ()

    @property
    def fingerprints(self) -> list[str]:
        return sorted({fix.fingerprint for fix in self.fixes})

    def __bool__(self) -> bool:
        return bool(self.files)

    def groups(self, toplevel: Path) -> list[FixGroup]:
        """The fixes grouped by the change they make, in the order their first finding sorts."""
        grouped: dict[object, list[AppliedFix]] = {}
        for fix in self.fixes:
            grouped.setdefault(_change_key(fix), []).append(fix)
        return [
            FixGroup(tuple(members), _changed_paths(members[0], toplevel))
            for members in grouped.values()
        ]


def repository_path(path: Path, toplevel: Path) -> str:
    return path.resolve().relative_to(toplevel.resolve()).as_posix()


def fingerprint(rule: str, path: str, key: str) -> str:
    return hashlib.sha256(f"{rule}\0{path}\0{key}".encode()).hexdigest()[:16]


def _change_key(fix: AppliedFix) -> object:
    """Findings whose fixes make the same edits share one key; a finding without a fix its own."""
    change = fix.finding.fix
    if change is None:
        return ("finding", fix.fingerprint)
    return (change.description, tuple(sorted((str(p), t) for p, t in change.changes.items())))


def _changed_paths(fix: AppliedFix, toplevel: Path) -> tuple[str, ...]:
    change = fix.finding.fix
    if change is None:
        return (fix.path,)
    return tuple(
        sorted(
            repository_path(path, toplevel)
            for path, new in change.changes.items()
            if change.base.get(path) != new
        )
    )


def collect(result: RunResult, toplevel: Path, declined: Mapping[str, int] | None = None) -> FixSet:
    files = tuple(
        ChangedFile(repository_path(f.path, toplevel), f.original, f.final)
        for f in result.changed_files
    )
    fixes = []
    for finding in result.fixed:
        path = repository_path(finding.path, toplevel)
        fixes.append(AppliedFix(finding, path, fingerprint(finding.rule, path, finding.key)))
    fixes.sort(key=lambda f: (f.finding.rule, f.path, f.finding.start))
    declined = declined or {}
    leftovers = []
    for finding in result.findings:
        path = repository_path(finding.path, toplevel)
        number = declined.get(fingerprint(finding.rule, path, finding.key))
        leftovers.append(Leftover(finding, path, number))
    leftovers.sort(key=lambda left: (left.path, left.finding.start, left.finding.rule))
    return FixSet(files, tuple(fixes), tuple(leftovers))


def fix_diffs(fix: AppliedFix, toplevel: Path) -> list[FileResult]:
    """One fix's own change per file (against the text it was computed on), for diffing."""
    if fix.finding.fix is None:
        return []
    return [
        FileResult(Path(repository_path(path, toplevel)), fix.finding.fix.base.get(path), new)
        for path, new in sorted(fix.finding.fix.changes.items())
        if fix.finding.fix.base.get(path) != new
    ]
