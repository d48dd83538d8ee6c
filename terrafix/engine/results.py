"""What a run found and did: every file's texts before and after, findings, fixes applied.

Kept apart from the pipeline so worker processes and the result cache can carry them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from ..syntax import HclSyntaxError
from .findings import Finding, Fix


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

    def without_fix_texts(self) -> RunResult:
        """This result for a report that shows only which findings have a fix: fixes keep their
        description and applicability, and findings that shared a fix still share it."""
        stripped: dict[int, Fix] = {}

        def lean(finding: Finding) -> Finding:
            if finding.fix is None:
                return finding
            fix = stripped.get(id(finding.fix))
            if fix is None:
                fix = stripped[id(finding.fix)] = finding.fix.without_texts()
            return replace(finding, fix=fix)

        return replace(
            self,
            findings=[lean(f) for f in self.findings],
            fixed=[lean(f) for f in self.fixed],
        )

    @property
    def syntax_errors(self) -> list[HclSyntaxError]:
        out = []
        for file in self.files.values():
            out.extend(file.errors or ([file.error] if file.error is not None else []))
        return out
