"""Fixing around damage: no fix edits, moves or swallows text that did not parse.

The one exception is a fix that says it ``repairs_damage`` (extraction-damage): it replaces an
error node with the code it was before Markdown got into it, and is checked like any other.

A file with a syntax error still has a tree (``Damaged`` nodes hold the text that failed), so
rules see its intact blocks and fix them. This module is the one guard the pipeline applies to
every fix, whatever the rule: a fix whose edits reach into an error node is taken off its
finding as soon as the rules have run (the finding is still reported), and a pass is accepted only if each changed file's damaged text comes back verbatim and
no new error appears (an edit next to a file cut off inside a block would be swallowed by it).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..model import Module
from ..model.module import SourceFile
from ..syntax import nodes as n
from ..syntax import parse_recovering
from .findings import Finding

Span = tuple[int, int]


def damage_spans(source: SourceFile) -> list[Span]:
    """Character spans no fix may edit: each top-level element with damage in it, whole.

    A block with one damaged line is not edited either: the line may hold the very argument a
    fix would add (`skip_final_snapshot = false,`), and adding it again would make a duplicate
    once the line is repaired. Damage at the end of the file (a file cut off inside a block, an
    unclosed bracket) reaches past it, so that an insertion at the very end, which would land
    inside what is still open, counts too.
    """
    if source.tree is None or not source.damaged:
        return []
    spans = []
    for element in source.tree.body.elements:
        if not any(type(node) is n.Damaged for node in element.walk()):
            continue
        placed = [t for t in element.leaves() if t.pos >= 0]
        if not placed:
            continue
        start = placed[0].pos
        end = max(t.pos + len(t.text) for t in placed)
        if not source.text[end:].strip():  # what is added at the end may land inside it
            end = len(source.text) + 1
        spans.append((start, end))
    return spans


def touches_damage(finding: Finding, spans: dict[Path, list[Span]]) -> bool:
    """Whether any edit of the finding's fix overlaps an error node or inserts inside one."""
    for path, file_spans in spans.items():
        if not file_spans:
            continue
        for edit in finding.fix.edits_of(path):
            for start, end in file_spans:
                if edit.start == edit.end:
                    if start < edit.start < end:
                        return True
                elif edit.start < end and start < edit.end:
                    return True
    return False


def without_fixes_into_damage(findings: list[Finding], module: Module) -> list[Finding]:
    """The findings, each whose fix would edit an error node without the fix: offering it (a
    "(fixable)" mark, a quick fix, a fix in the JSON report) would promise what no run does."""
    if module.complete or not any(f.fix is not None and not f.fix.repairs_damage for f in findings):
        return findings  # finding the damaged elements walks each damaged file whole
    spans = {path: damage_spans(source) for path, source in module.files.items()}
    return [
        replace(f, fix=None)
        if f.fix is not None and not f.fix.repairs_damage and touches_damage(f, spans)
        else f
        for f in findings
    ]


def damage_of(source: SourceFile | None) -> tuple[list[str], int]:
    """What must survive a fix: the damaged texts, in order, and the number of errors."""
    if source is None:
        return [], 0
    return [node.render() for node in source.damaged], len(source.errors)


def keeps_damage(before: SourceFile | None, after: SourceFile) -> bool:
    """True when ``after`` parses as well as ``before``: its damaged texts are ``before``'s
    (less those a repair removed), in order, and it has no more errors."""
    texts, count = damage_of(before)
    after_texts, after_count = damage_of(after)
    return _kept_in_order(after_texts, texts) and after_count <= count


def text_keeps_damage(before: str, after: str) -> bool:
    """``keeps_damage`` for two texts of one file (a new file has the empty text before)."""
    old_tree, old_errors = parse_recovering(before)
    new_tree, new_errors = parse_recovering(after)
    if not new_errors:
        return True
    return len(new_errors) <= len(old_errors) and _kept_in_order(
        _damaged_texts(new_tree), _damaged_texts(old_tree)
    )


def _kept_in_order(after: list[str], before: list[str]) -> bool:
    """``after`` is ``before`` with some items left out (a subsequence)."""
    remaining = iter(before)
    return all(any(item == old for old in remaining) for item in after)


def _damaged_texts(tree: n.ConfigFile) -> list[str]:
    return [node.render() for node in tree.walk() if type(node) is n.Damaged]
