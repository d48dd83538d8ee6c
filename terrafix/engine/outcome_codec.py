"""A module's run result as plain JSON data and back, for the result cache.

Texts are stored once each (a fix's base texts are the module's own), and findings that share
a fix share it again after decoding, so its edits are still computed once. Texts the module's
job already holds (``known``: its files' texts, which its cache key is made of) are not stored
at all, only their places: most of a check's result is its files' unchanged texts, and reading
them back from JSON was most of the time a warm run spent decoding.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..syntax.errors import HclSyntaxError, rebuild_error
from .findings import TEXTS_LEFT_OUT, Applicability, Finding, Fix, TextsLeftOut
from .results import FileResult, Note, RunResult


class _Encoder:
    def __init__(self, known: list[str]) -> None:
        self.texts: list[str] = []
        # Index i < len(known) names known[i]; the stored texts follow them.
        self._known = len(known)
        self._text_index: dict[str, int] = {text: i for i, text in enumerate(known)}
        self.fixes: list[list] = []
        self._fix_index: dict[int, int] = {}

    def text(self, text: str | None) -> int | None:
        if text is None:
            return None
        index = self._text_index.get(text)
        if index is None:
            index = self._text_index[text] = self._known + len(self.texts)
            self.texts.append(text)
        return index

    def fix(self, fix: Fix | None) -> int | None:
        if fix is None:
            return None
        index = self._fix_index.get(id(fix))
        if index is None:
            index = self._fix_index[id(fix)] = len(self.fixes)
            self.fixes.append(
                [
                    fix.description,
                    str(fix.applicability),
                    {str(p): self.text(t) for p, t in fix.base.items()},
                    None
                    if isinstance(fix.changes, TextsLeftOut)
                    else {str(p): self.text(t) for p, t in fix.changes.items()},
                    fix.repairs_damage,
                ]
            )
        return index

    def finding(self, f: Finding) -> list:
        return [
            f.rule, f.slug, f.message, str(f.path), f.start, f.end, f.key, f.severity,
            self.fix(f.fix), list(f.notes),
        ]  # fmt: skip


def encode_result(result: RunResult, known: list[str]) -> dict[str, Any]:
    """``result`` as JSON data; ``known`` texts are named by place, to be given back to
    ``decode_result`` in the same order."""
    encoder = _Encoder(known)
    files = [
        [
            str(file.path),
            encoder.text(file.original),
            encoder.text(file.final),
            _error(file.error),
            [_error(e) for e in file.errors],
        ]
        for file in result.files.values()
    ]
    findings = [encoder.finding(f) for f in result.findings]
    fixed = [encoder.finding(f) for f in result.fixed]
    return {
        "texts": encoder.texts,
        "fixes": encoder.fixes,
        "files": files,
        "findings": findings,
        "fixed": fixed,
        "errors": list(result.errors),
        "notes": [[str(note.path), note.message] for note in result.notes],
    }


def decode_result(data: dict[str, Any], known: list[tuple[Path, str]]) -> RunResult:
    """The result ``encode_result`` made, given the module's files (path, text) in the order
    its known texts were: their paths are used again rather than built anew."""
    texts = [*(text for _, text in known), *data["texts"]]

    def text(index: int | None) -> str | None:
        return None if index is None else texts[index]

    # A module's few files are named by every finding in them.
    paths: dict[str, Path] = {str(path): path for path, _ in known}

    def path(name: str) -> Path:
        known_path = paths.get(name)
        if known_path is None:
            known_path = paths[name] = Path(name)
        return known_path

    fixes = [
        Fix(
            description,
            Applicability(applicability),
            {path(p): texts[i] for p, i in base.items()},
            TEXTS_LEFT_OUT if changes is None else {path(p): texts[i] for p, i in changes.items()},
            repairs,
        )
        for description, applicability, base, changes, repairs in data["fixes"]
    ]

    def finding(row: list) -> Finding:
        rule, slug, message, name, start, end, key, severity, fix, notes = row
        return Finding(
            rule, slug, message, path(name), start, end, key, severity,
            None if fix is None else fixes[fix], tuple(notes),
        )  # fmt: skip

    result = RunResult()
    for name, original, final, error, errors in data["files"]:
        result.files[path(name)] = FileResult(
            path(name), text(original), text(final), _rebuilt(error), [_rebuilt(e) for e in errors]
        )
    result.findings = [finding(row) for row in data["findings"]]
    result.fixed = [finding(row) for row in data["fixed"]]
    result.errors = list(data["errors"])
    result.notes = [Note(path(name), message) for name, message in data["notes"]]
    return result


def _error(err: HclSyntaxError | None) -> list | None:
    if err is None:
        return None
    return [err.message, err.path, err.offset, err.line, err.column, err.excerpt]


def _rebuilt(row: list | None) -> HclSyntaxError | None:
    return None if row is None else rebuild_error(*row)
