"""Code actions: one quick fix per finding, a suppression comment, and fix-all for the module."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types as lsp

from ..engine.findings import Applicability, Finding
from ..syntax import HclSyntaxError, parse
from .edits import EditSupport, diagnostic, workspace_edit
from .placement import confine_fix

FIX_ALL = "source.fixAll.terrafix"


@dataclass(frozen=True)
class Request:
    """One code-action request, resolved to paths and offsets."""

    path: Path
    start: int
    end: int
    only: list[str] | None
    texts: Mapping[Path, str]  # the module's current texts
    trees: Mapping[Path, object]  # their syntax trees
    versions: Mapping[Path, int]  # open buffers
    support: EditSupport
    encoding: str
    uri_of: Callable[[Path], str]

    def wants(self, kind: str) -> bool:
        if self.only is None:
            return True
        return any(kind == k or kind.startswith(k + ".") for k in self.only)


def quick_fix(finding: Finding, request: Request) -> lsp.CodeAction | None:
    """The finding's fix as a quick fix; preferred when it is safe."""
    fix = finding.fix
    if fix is None or fix.applicability is Applicability.DISPLAY_ONLY:
        return None
    fix = confine_fix(
        fix, request.path, writable=lambda _: True, can_create=request.support.create_files
    )
    if fix is None:
        return None
    safe = fix.applicability is Applicability.SAFE
    title = f"Fix {finding.rule}: {fix.description}" + ("" if safe else " (unsafe)")
    return lsp.CodeAction(
        title=title,
        kind=lsp.CodeActionKind.QuickFix,
        diagnostics=[diagnostic(finding, request.texts[finding.path], request.encoding)],
        is_preferred=safe,
        edit=_edit(fix.base, fix.changes, request),
    )


def suppress(finding: Finding, request: Request) -> lsp.CodeAction | None:
    """Insert ``# terrafix:ignore[CODE]`` on its own line above the finding."""
    text = request.texts[finding.path]
    line_start = text.rfind("\n", 0, finding.start) + 1
    indent = re.match(r"[ \t]*", text[line_start:]).group()
    newline = "\r\n" if "\r\n" in text else "\n"
    comment = f"{indent}# terrafix:ignore[{finding.rule}]{newline}"
    new_text = text[:line_start] + comment + text[line_start:]
    start, end = _top_level_span(request.trees.get(finding.path), line_start)
    try:
        # A line inside a heredoc or a multi-line string is no place for it. The top-level
        # block holding the line parses on its own, and is quicker to check than the file.
        parse(new_text[start : end + len(comment)])
    except HclSyntaxError:
        return None
    return lsp.CodeAction(
        title=f"Suppress {finding.rule} on this line with # terrafix:ignore[{finding.rule}]",
        kind=lsp.CodeActionKind.QuickFix,
        diagnostics=[diagnostic(finding, text, request.encoding)],
        edit=_edit({finding.path: text}, {finding.path: new_text}, request),
    )


def _top_level_span(tree, offset: int) -> tuple[int, int]:
    """Offsets of the top-level element of ``tree`` holding ``offset`` (the file without one)."""
    if tree is None:
        return 0, 1 << 62
    start = 0
    for element in tree.body.elements:
        end = start + len(element.render())
        if start <= offset < end:
            return start, end
        start = end
    return 0, 1 << 62


FIX_ALL_TITLE = "Fix all terrafix findings"


def fix_all_unresolved(uri: str) -> lsp.CodeAction:
    """Fix-all without its edit yet: ``codeAction/resolve`` computes it when chosen."""
    return lsp.CodeAction(title=FIX_ALL_TITLE, kind=FIX_ALL, data={"uri": uri})


def fix_all(base: Mapping[Path, str | None], final: Mapping[Path, str], request: Request):
    """Every safe fix of the module at once, as the pipeline applied them."""
    if not final:
        return None
    return lsp.CodeAction(
        title=FIX_ALL_TITLE,
        kind=FIX_ALL,
        edit=_edit(base, final, request),
    )


def _edit(base: Mapping[Path, str | None], changes: Mapping[Path, str], request: Request):
    return workspace_edit(
        base,
        changes,
        versions=request.versions,
        support=request.support,
        encoding=request.encoding,
        uri_of=request.uri_of,
    )


def overlaps(finding: Finding, request: Request) -> bool:
    return (
        finding.path == request.path
        and finding.start <= request.end
        and request.start <= finding.end
    )
