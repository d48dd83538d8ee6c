"""What a run found and did: every file's texts before and after, findings, fixes applied.

Kept apart from the pipeline so worker processes and the result cache can carry them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..syntax import HclSyntaxError
from .findings import Finding


@dataclass
class FileResult:
    path: Path
    original: str | None  # None for a file the run creates
    final: str
    error: HclSyntaxError | None = None
    errors: list[HclSyntaxError] = field(default_factory=list)  # all of them; error is the first

    @property
    def changed(self) -> bool:
        return self.original != self.final


@dataclass(frozen=True)
class Note:
    """Something the run did on purpose that a person should hear of once, such as a folder it
    left alone: not a finding and not an error."""

    path: Path
    message: str

    def __str__(self) -> str:
        return f"{self.path}: note: {self.message}"


@dataclass
class RunResult:
    files: dict[Path, FileResult] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)  # what remains, against final texts
    fixed: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    @property
    def changed_files(self) -> list[FileResult]:
        return [f for p, f in sorted(self.files.items()) if f.changed]

    def merge(self, part: RunResult) -> None:
        """Add one module's result (modules are run apart, perhaps in other processes)."""
        self.files.update(part.files)
        self.findings.extend(part.findings)
        self.fixed.extend(part.fixed)
        self.errors.extend(part.errors)
        self.notes.extend(part.notes)

    @property
    def syntax_errors(self) -> list[HclSyntaxError]:
        out = []
        for file in self.files.values():
            out.extend(file.errors or ([file.error] if file.error is not None else []))
        return out
