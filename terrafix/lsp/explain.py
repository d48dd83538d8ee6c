"""A finding explained where it is: the message, then its rule's explanation."""

from __future__ import annotations

from ..engine.findings import Finding
from ..engine.rules import find_rule


def explain_finding(finding: Finding, markdown: bool) -> str:
    """The finding's message under its rule's code, then what `terrafix explain` says."""
    rule = find_rule(finding.rule)
    title = f"{finding.rule} {finding.slug}"
    head = f"**{title}**: {finding.message}" if markdown else f"{title}: {finding.message}"
    if rule is None:
        return head
    return f"{head}\n\n{rule.explanation.strip()}"
