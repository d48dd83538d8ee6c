"""What a fix run changed, in repository terms: files, fixed findings and their fingerprints.

A fingerprint names a fix by rule, file and the finding's key (never by line numbers or text),
so the same defect fixed again gives the same fingerprint; the set of them decides whether a
pull request closed unmerged should stay closed.
"""

from __future__ import annotations

import hashlib
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
class FixSet:
    files: tuple[ChangedFile, ...]
    fixes: tuple[AppliedFix, ...]

    @property
    def fingerprints(self) -> list[str]:
        return sorted({fix.fingerprint for fix in self.fixes})

    def __bool__(self) -> bool:
        return bool(self.files)


def repository_path(path: Path, toplevel: Path) -> str:
    return path.resolve().relative_to(toplevel.resolve()).as_posix()


def fingerprint(rule: str, path: str, key: str) -> str:
    return hashlib.sha256(f"{rule}\0{path}\0{key}".encode()).hexdigest()[:16]


def collect(result: RunResult, toplevel: Path) -> FixSet:
    files = tuple(
        ChangedFile(repository_path(f.path, toplevel), f.original, f.final)
        for f in result.changed_files
    )
    fixes = []
    for finding in result.fixed:
        path = repository_path(finding.path, toplevel)
        fixes.append(AppliedFix(finding, path, fingerprint(finding.rule, path, finding.key)))
    fixes.sort(key=lambda f: (f.finding.rule, f.path, f.finding.start))
    return FixSet(files, tuple(fixes))


def fix_diffs(fix: AppliedFix, toplevel: Path) -> list[FileResult]:
    """One fix's own change per file (against the text it was computed on), for diffing."""
    if fix.finding.fix is None:
        return []
    return [
        FileResult(Path(repository_path(path, toplevel)), fix.finding.fix.base.get(path), new)
        for path, new in sorted(fix.finding.fix.changes.items())
    ]
