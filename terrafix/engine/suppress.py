"""Suppression comments: `# terrafix:ignore[TF001] reason` on or above a line, for a block,
and `# terrafix:ignore-file` for a whole file."""

from __future__ import annotations

import re

from ..model import Module
from .findings import Finding

MARK = "terrafix:ignore"  # every suppression comment spells it
IGNORE = re.compile(r"(?:#|//)\s*terrafix:ignore(?:\[([A-Za-z0-9_,\s-]+)\])?")
IGNORE_FILE = re.compile(r"(?:#|//)\s*terrafix:ignore-file(?:\[([A-Za-z0-9_,\s-]+)\])?")


def _codes(match: re.Match[str]) -> set[str] | None:
    return (
        None if match.group(1) is None else {c.strip().upper() for c in match.group(1).split(",")}
    )


def _covers(codes: set[str] | None, finding: Finding) -> bool:
    return codes is None or finding.rule in codes or finding.slug.upper() in codes


def is_suppressed(finding: Finding, module: Module) -> bool:
    source = module.files.get(finding.path)
    if source is None or MARK not in source.text:
        return False
    text = source.text
    for match in IGNORE_FILE.finditer(text):
        if _covers(_codes(match), finding):
            return True
    line_start = text.rfind("\n", 0, finding.start) + 1
    line_end = text.find("\n", finding.start)
    line_end = len(text) if line_end < 0 else line_end
    previous_start = text.rfind("\n", 0, max(line_start - 1, 0)) + 1 if line_start else 0
    window = text[previous_start:line_end]
    for match in IGNORE.finditer(window):
        if not match.group().split("[")[0].rstrip().endswith("ignore-file") and _covers(
            _codes(match), finding
        ):
            return True
    return _block_suppressed(finding, module, text)


def _block_suppressed(finding: Finding, module: Module, text: str) -> bool:
    """A suppression comment right above the top-level block holding the finding."""
    source = module.files[finding.path]
    if source.tree is None:
        return False
    offset = 0
    for element in source.tree.body.elements:
        size = len(element.render())
        if offset <= finding.start < offset + size:
            break
        offset += size
    else:
        return False
    comments_above = text[text.rfind("\n\n", 0, offset) + 1 : offset]
    return any(_covers(_codes(m), finding) for m in IGNORE.finditer(comments_above))
