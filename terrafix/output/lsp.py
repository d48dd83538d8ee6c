"""Findings and edits in the Language Server Protocol's shape.

LSP positions are a 0-based line and a character counted in the negotiated encoding: UTF-16 code
units unless client and server agree on UTF-8 (bytes) or UTF-32 (code points). The JSON report
keeps its 1-based positions and byte offsets; this is the shape editors apply directly.
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import __version__
from ..engine.findings import Applicability, Finding
from ..syntax.errors import HclSyntaxError
from ..syntax.positions import line_index
from ..writer import TextEdit, diff_edits
from .diff import display_path

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"
SEVERITY = {"error": 1, "warning": 2, "info": 3, "hint": 4}
SOURCE = "terrafix"


class LspPositions:
    """Offsets of one text to LSP positions and back, in one position encoding."""

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.text = text
        self.encoding = encoding
        self.index = line_index(text)

    def position(self, offset: int) -> dict:
        line, character = self.index.to_lsp(offset)
        if self.encoding != UTF16 and character:
            start = self.index.from_lsp(line, 0)
            end = self.index.from_lsp(line, character)
            character = _units(self.text[start:end], self.encoding)
        return {"line": line, "character": character}

    def range(self, start: int, end: int) -> dict:
        return {"start": self.position(start), "end": self.position(end)}

    def offset(self, line: int, character: int) -> int:
        if self.encoding == UTF16:
            return self.index.from_lsp(line, character)
        start = self.index.from_lsp(line, 0)
        end = self.index.from_lsp(line, 1 << 30)
        used = 0
        for i, char in enumerate(self.text[start:end]):
            used += _units(char, self.encoding)
            if used > character:
                return start + i
        return end


def _units(text: str, encoding: str) -> int:
    """Length of ``text`` in the encoding's units (bytes, UTF-16 units or code points)."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def text_edits(old: str, new: str, encoding: str = UTF16) -> list[dict]:
    """LSP TextEdits that turn ``old`` into ``new`` (whole changed lines, as `diff_edits`)."""
    return lsp_text_edits(old, diff_edits(old, new), encoding)


def lsp_text_edits(old: str, edits: list[TextEdit], encoding: str = UTF16) -> list[dict]:
    """``edits`` of ``old`` as LSP TextEdits."""
    positions = LspPositions(old, encoding)
    return [{"range": positions.range(e.start, e.end), "newText": e.new_text} for e in edits]


def diagnostic(finding: Finding, text: str, encoding: str = UTF16) -> dict:
    """An LSP Diagnostic for ``finding`` in the file whose text is ``text``."""
    return {
        "range": LspPositions(text, encoding).range(finding.start, finding.end),
        "severity": SEVERITY.get(finding.severity, 2),
        "code": finding.rule,
        "source": SOURCE,
        "message": finding.message,
    }


def syntax_diagnostic(error: HclSyntaxError, text: str, encoding: str = UTF16) -> dict:
    """One Error diagnostic at the place the parser stopped."""
    return {
        "range": LspPositions(text, encoding).range(error.offset, error.offset),
        "severity": SEVERITY["error"],
        "code": "syntax",
        "source": SOURCE,
        "message": error.message,
    }


def fix_edits(finding: Finding, encoding: str = UTF16) -> list[dict]:
    """The fix's edits per file: path, whether the file is new, and LSP TextEdits."""
    out = []
    for path, edits in sorted(finding.fix.edits.items()):  # shared fixes are diffed once
        out.append(
            {
                "path": display_path(path),
                "new_file": path not in finding.fix.base,
                "edits": lsp_text_edits(finding.fix.base.get(path, ""), edits, encoding),
            }
        )
    return out


def _finding_json(finding: Finding, text: str) -> dict:
    data = diagnostic(finding, text)
    data["path"] = display_path(finding.path)
    data["fix"] = None
    if finding.fix is not None and finding.fix.applicability is not Applicability.DISPLAY_ONLY:
        data["fix"] = {
            "title": finding.fix.description,
            "applicability": finding.fix.applicability.value,
            "files": fix_edits(finding),
        }
    return data


def lsp_report(result, *, buffer: Path | None = None, original: str | None = None) -> str:
    """Findings (as diagnostics with their fixes) and, after a buffer fix, the buffer's edits."""
    diagnostics = [
        _finding_json(f, result.files[f.path].final if f.path in result.files else "")
        for f in result.findings
    ]
    for file in result.files.values():
        for error in file.errors or ([file.error] if file.error is not None else []):
            data = syntax_diagnostic(error, file.final)
            data.update(path=display_path(file.path), fix=None)
            diagnostics.append(data)
    document: dict = {
        "version": 1,
        "terrafix": __version__,
        "positionEncoding": UTF16,
        "diagnostics": diagnostics,
    }
    if buffer is not None and original is not None:
        final = original
        for file in result.files.values():
            if file.path.resolve() == buffer.resolve():
                final = file.final
        document["edits"] = text_edits(original, final)
    document["errors"] = list(result.errors)
    return json.dumps(document, indent=2, ensure_ascii=False)
