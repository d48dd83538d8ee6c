"""Findings as LSP diagnostics, and new file texts as one WorkspaceEdit.

Which shape the edit takes follows the client's capabilities: ``documentChanges`` (versioned
edits, plus ``CreateFile`` when it supports resource operations) or the plain ``changes`` map.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types as lsp

from ..engine.findings import Finding
from ..model import Module
from ..model.tfvars import check_tfvars
from ..output.lsp import SEVERITY, SOURCE, LspPositions
from ..output.lsp import text_edits as lsp_text_edits
from ..output.rule_docs import page_path
from ..syntax.errors import HclSyntaxError

UNDECLARED_VALUE = "undeclared-variable"  # the code of a tfvars value no variable takes


@dataclass(frozen=True)
class EditSupport:
    """What the client can apply: versioned document changes, and creating files."""

    document_changes: bool = False
    create_files: bool = False

    @classmethod
    def of(cls, capabilities: lsp.ClientCapabilities) -> EditSupport:
        workspace_edit = capabilities.workspace and capabilities.workspace.workspace_edit
        if workspace_edit is None:
            return cls()
        document_changes = bool(workspace_edit.document_changes)
        operations = workspace_edit.resource_operations or []
        return cls(
            document_changes, document_changes and lsp.ResourceOperationKind.Create in operations
        )


def _range(positions: LspPositions, start: int, end: int) -> lsp.Range:
    a, b = positions.position(start), positions.position(end)
    return lsp.Range(lsp.Position(**a), lsp.Position(**b))


def diagnostic(finding: Finding, text: str, encoding: str) -> lsp.Diagnostic:
    return lsp.Diagnostic(
        range=_range(LspPositions(text, encoding), finding.start, finding.end),
        message=finding.message,
        severity=lsp.DiagnosticSeverity(SEVERITY.get(finding.severity, 2)),
        code=finding.rule,
        code_description=rule_description(finding.rule),
        source=SOURCE,
    )


@functools.lru_cache(maxsize=64)
def rule_description(code: str) -> lsp.CodeDescription | None:
    """A link to the rule's page (the text `terrafix explain` prints), shipped with terrafix."""
    page = page_path(code)
    return None if page is None else lsp.CodeDescription(href=page.as_uri())


def syntax_diagnostic(error: HclSyntaxError, text: str, encoding: str) -> lsp.Diagnostic:
    return lsp.Diagnostic(
        range=_range(LspPositions(text, encoding), error.offset, error.offset),
        message=error.message,
        severity=lsp.DiagnosticSeverity.Error,
        code="syntax",
        source=SOURCE,
    )


def tfvars_diagnostics(
    path: Path, text: str, module: Module, encoding: str
) -> list[lsp.Diagnostic]:
    """A ``.tfvars`` buffer's syntax errors, and warnings for values no variable of the module
    in its folder takes (Terraform's "Value for undeclared variable")."""
    report = check_tfvars(path, text, module)
    items = [syntax_diagnostic(e, text, encoding) for e in report.errors]
    positions = LspPositions(text, encoding)
    items += [
        lsp.Diagnostic(
            range=_range(positions, value.start, value.end),
            message=value.message,
            severity=lsp.DiagnosticSeverity.Warning,
            code=UNDECLARED_VALUE,
            source=SOURCE,
        )
        for value in report.undeclared
    ]
    return items


def text_edits(old: str, new: str, encoding: str) -> list[lsp.TextEdit]:
    """Edits turning ``old`` into ``new``: the changed lines only."""
    return [
        lsp.TextEdit(
            range=lsp.Range(lsp.Position(**e["range"]["start"]), lsp.Position(**e["range"]["end"])),
            new_text=e["newText"],
        )
        for e in lsp_text_edits(old, new, encoding)
    ]


def workspace_edit(
    base: Mapping[Path, str | None],
    changes: Mapping[Path, str],
    *,
    versions: Mapping[Path, int],
    support: EditSupport,
    encoding: str,
    uri_of,
) -> lsp.WorkspaceEdit:
    """One WorkspaceEdit turning ``base`` texts into ``changes`` (None or absent base: new file).

    ``versions`` holds the open buffers' versions; a file edited on disk gets version null.
    """
    document_changes: list = []
    plain: dict[str, list[lsp.TextEdit]] = {}
    for path, new_text in sorted(changes.items()):
        old = base.get(path)
        uri = uri_of(path)
        if old is None:
            if not support.create_files:
                raise ValueError(f"client cannot create {path}")
            document_changes.append(
                lsp.CreateFile(uri=uri, options=lsp.CreateFileOptions(ignore_if_exists=True))
            )
            old = ""
        edits = text_edits(old, new_text, encoding)
        if not edits:
            continue
        if support.document_changes:
            identifier = lsp.OptionalVersionedTextDocumentIdentifier(
                uri=uri, version=versions.get(path)
            )
            document_changes.append(lsp.TextDocumentEdit(text_document=identifier, edits=edits))
        else:
            plain[uri] = edits
    if support.document_changes:
        return lsp.WorkspaceEdit(document_changes=document_changes)
    return lsp.WorkspaceEdit(changes=plain)
