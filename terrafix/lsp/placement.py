"""Where a fix may write when the front end can change only some files (an editor's buffers).

A formatter-style editor call can only replace the buffer it sent; a language client without
file-creation support can only edit files that exist. A fix that would create a new file
(``variables.tf``) lands at the end of the buffer instead: Terraform reads every ``.tf`` file of
a module alike, so the declaration means the same there. A fix that needs a file the front end
cannot write is dropped, and its finding stays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..engine.findings import Finding, Fix
from ..syntax.identity_cache import IdentityCache


def append_new_file(buffer: str, content: str) -> str:
    """``buffer`` with ``content`` (a new file's text) appended after one blank line, in the
    buffer's line endings.

    A buffer without a final newline keeps having none: an editor that holds lines rather than
    text (Vim, Neovim) adds the last newline when it writes, so one more in the edit would be
    written as a blank line at the end of the file.
    """
    if not buffer.strip():
        return buffer + content
    newline = "\r\n" if "\r\n" in buffer else "\n"
    content = content.replace("\r\n", "\n").replace("\n", newline)
    if buffer.endswith(newline * 2):
        return buffer + content
    if buffer.endswith(newline):
        return buffer + newline + content
    return buffer + newline * 2 + content.removesuffix(newline)


def confine_fix(
    fix: Fix, buffer: Path, *, writable: Callable[[Path], bool], can_create: bool
) -> Fix | None:
    """``fix`` rewritten so it only edits files ``writable`` allows; None when it cannot be."""
    changes: dict[Path, str] = {}
    moved: list[str] = []
    for path, new_text in sorted(fix.changes.items()):
        if path == buffer:
            changes[path] = new_text
        elif path not in fix.base:
            if can_create:
                changes[path] = new_text
            else:
                moved.append(new_text)
        elif writable(path):
            changes[path] = new_text
        else:
            return None
    if moved:
        if buffer not in fix.base:
            return None
        text = changes.get(buffer, fix.base[buffer])
        for content in moved:
            text = append_new_file(text, content)
        changes[buffer] = text
    if changes == fix.changes:
        return fix
    return replace(fix, changes=changes)


def confine(
    buffer: Path, *, writable: Callable[[Path], bool], can_create: bool
) -> Callable[[Finding], Finding | None]:
    """A pipeline ``adapt`` hook applying :func:`confine_fix` to each finding's fix."""
    buffer = buffer.resolve()

    def confined(fix: Fix) -> Fix | None:
        paths = {p.resolve(): p for p in (*fix.base, *fix.changes)}
        target = paths.get(buffer)
        if target is None:
            return None
        return confine_fix(
            fix, target, writable=lambda p: writable(p.resolve()), can_create=can_create
        )

    # Findings that share a fix (one module-wide change) share its confined form, whose edits
    # are then computed once.
    confined_once = IdentityCache(confined, size=64)

    def adapt(finding: Finding) -> Finding | None:
        if finding.fix is None:
            return finding
        fix = confined_once(finding.fix)
        if fix is None:
            return None
        return finding if fix is finding.fix else replace(finding, fix=fix)

    return adapt
