"""Findings as text lines, a versioned JSON document, SARIF 2.1.0, and GitHub annotations."""

from __future__ import annotations

import json
from pathlib import Path

from .. import __version__
from ..engine.findings import Finding
from ..engine.pipeline import RunResult
from ..engine.rules import all_rules
from ..syntax.positions import LineIndex, line_index
from .diff import display_path
from .locations import column, point

JSON_SCHEMA_VERSION = 2
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
# What a text line says of a finding's fix: whether `terrafix fix` applies it, and when.
FIXABLE = {"safe": " (fixable)", "unsafe": " (fixable with --unsafe-fixes)"}


def _text_of(result: RunResult, path: Path) -> str:
    file = result.files.get(path)
    return "" if file is None else file.final


def _base_text(finding: Finding, path: Path) -> str:
    return finding.fix.base.get(path, "") if finding.fix else ""


def text_report(result: RunResult, column_unit: str = "character") -> str:
    """``file:line:col: severity: message [CODE]`` lines, columns counted in ``column_unit``."""
    lines = []
    # Each file's name is shown and its lines counted once for all its findings.
    files: dict[Path, tuple[str, LineIndex]] = {}
    for finding in result.findings:
        known = files.get(finding.path)
        if known is None:
            text = _text_of(result, finding.path)
            known = files[finding.path] = (display_path(finding.path), line_index(text))
        shown, lines_of = known
        line = lines_of.line(finding.start)
        col = column(lines_of.text, finding.start, column_unit)
        fixable = FIXABLE.get(finding.fix.applicability.value, "") if finding.fix else ""
        lines.append(
            f"{shown}:{line}:{col}: {finding.severity}: {finding.message} [{finding.rule}]{fixable}"
        )
    return "\n".join(lines)


def _edits_json(finding: Finding) -> list[dict]:
    out = []
    for path, edits in sorted(finding.fix.edits.items()):
        base = _base_text(finding, path)
        new_file = path not in finding.fix.base
        for edit in edits:
            out.append(
                {
                    "path": display_path(path),
                    "new_file": new_file,
                    "start": point(base, edit.start).as_json(),
                    "end": point(base, edit.end).as_json(),
                    "new_text": edit.new_text,
                }
            )
    return out


def finding_json(finding: Finding, text: str, fix_id: int | None = None) -> dict:
    """A finding; its fix names the entry of the report's ``fixes`` that holds the edits."""
    data = {
        "rule": finding.rule,
        "slug": finding.slug,
        "severity": finding.severity,
        "message": finding.message,
        "path": display_path(finding.path),
        "start": point(text, finding.start).as_json(),
        "end": point(text, finding.end).as_json(),
        "fix": None,
    }
    if finding.fix is not None:
        data["fix"] = {
            "id": fix_id,
            "description": finding.fix.description,
            "applicability": finding.fix.applicability.value,
        }
    return data


def _fix_ids(findings: list[Finding]) -> tuple[dict[int, int], list[Finding]]:
    """Each distinct fix's id (by identity: findings of one defect share their fix object), and
    the first finding carrying each, in report order."""
    ids: dict[int, int] = {}
    carriers: list[Finding] = []
    for finding in findings:
        if finding.fix is not None and id(finding.fix) not in ids:
            ids[id(finding.fix)] = len(carriers)
            carriers.append(finding)
    return ids, carriers


def json_report(result: RunResult) -> str:
    """The JSON report (schema in the README; ``version`` bumps when a field changes meaning).

    A fix shared by many findings (one declaration for twenty references) is listed once in
    ``fixes`` with its edits; each finding names it by ``id``.
    """
    ids, carriers = _fix_ids(result.findings)
    document = {
        "version": JSON_SCHEMA_VERSION,
        "terrafix": __version__,
        "findings": [
            finding_json(f, _text_of(result, f.path), ids.get(id(f.fix))) for f in result.findings
        ],
        "fixes": [
            {
                "id": number,
                "description": f.fix.description,
                "applicability": f.fix.applicability.value,
                "edits": _edits_json(f),
            }
            for number, f in enumerate(carriers)
        ],
        "fixed": [
            {"rule": f.rule, "message": f.message, "path": display_path(f.path)}
            for f in result.fixed
        ],
        "errors": _errors_json(result),
        "notes": [
            {"path": display_path(note.path), "message": note.message} for note in result.notes
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def _errors_json(result: RunResult) -> list[dict]:
    out = [
        {
            "path": display_path(Path(e.path)) if e.path else None,
            "line": e.line,
            "column": e.column,
            "message": e.message,
        }
        for e in result.syntax_errors
    ]
    out.extend({"path": None, "line": None, "column": None, "message": m} for m in result.errors)
    return out


def _region(text: str, start: int, end: int) -> dict:
    a, b = point(text, start), point(text, end)
    return {"startLine": a.line, "startColumn": a.column, "endLine": b.line, "endColumn": b.column}


def sarif_report(result: RunResult) -> str:
    rules = all_rules()
    index = {rule.code: i for i, rule in enumerate(rules)}
    results = []
    first_of_fix: dict[int, int] = {}  # a shared fix's edits go with its first result only
    for finding in result.findings:
        text = _text_of(result, finding.path)
        entry = {
            "ruleId": finding.rule,
            "ruleIndex": index.get(finding.rule, 0),
            "level": SARIF_LEVEL.get(finding.severity, "warning"),
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(finding.path)},
                        "region": _region(text, finding.start, finding.end),
                    }
                }
            ],
        }
        if finding.fix is not None and finding.fix.applicability.value != "display-only":
            if id(finding.fix) in first_of_fix:
                entry["properties"] = {"fixedWithResult": first_of_fix[id(finding.fix)]}
            else:
                first_of_fix[id(finding.fix)] = len(results)
                entry["fixes"] = [_sarif_fix(finding)]
        results.append(entry)
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "terrafix",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/terrafix/",
                        "rules": [
                            {
                                "id": rule.code,
                                "name": rule.slug,
                                "shortDescription": {"text": rule.summary},
                                "fullDescription": {"text": rule.summary},
                                "help": {"text": rule.explanation, "markdown": rule.explanation},
                            }
                            for rule in rules
                        ],
                    }
                },
                "results": results,
                "invocations": [
                    {
                        "executionSuccessful": not (result.errors or result.syntax_errors),
                        "toolExecutionNotifications": [
                            {
                                "level": "note",
                                "message": {"text": note.message},
                                "locations": [
                                    {
                                        "physicalLocation": {
                                            "artifactLocation": {"uri": _uri(note.path)}
                                        }
                                    }
                                ],
                            }
                            for note in result.notes
                        ],
                    }
                ],
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def _uri(path: Path) -> str:
    return display_path(path).replace("\\", "/")


def _sarif_fix(finding: Finding) -> dict:
    changes = []
    for path, edits in sorted(finding.fix.edits.items()):
        base = _base_text(finding, path)
        replacements = [
            {
                "deletedRegion": _region(base, e.start, e.end),
                "insertedContent": {"text": e.new_text},
            }
            for e in edits
        ]
        changes.append({"artifactLocation": {"uri": _uri(path)}, "replacements": replacements})
    return {"description": {"text": finding.fix.description}, "artifactChanges": changes}


def github_report(result: RunResult) -> str:
    lines = []
    for finding in result.findings:
        text = _text_of(result, finding.path)
        a, b = point(text, finding.start), point(text, finding.end)
        level = "error" if finding.severity == "error" else "warning"
        message = finding.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        lines.append(
            f"::{level} file={_uri(finding.path)},line={a.line},col={a.column},"
            f"endLine={b.line},endColumn={b.column},title={finding.rule} {finding.slug}::{message}"
        )
    for note in result.notes:
        message = f"{_uri(note.path)}: {note.message}".replace("%", "%25").replace("\n", "%0A")
        lines.append(f"::notice title=terrafix::{message}")
    return "\n".join(lines)
