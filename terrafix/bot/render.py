"""The words of the pull request: commit message, title, body, and the body's hidden marker.

Everything here is a pure function of the fixes, so an unchanged repository renders the same
title and body byte for byte, and the bot has nothing to update.
"""

from __future__ import annotations

import json
import re
import shlex
from collections import Counter
from pathlib import Path

from .. import __version__
from ..engine.config import Config
from ..engine.rules import find_rule
from ..output.diff import unified_diff
from .fixset import AppliedFix, FixSet, fix_diffs

MARKER = re.compile(r"<!-- terrafix: (\{.*?\}) -->")
STALE_MARKER = "<!-- terrafix: stale -->"
TRAILER = "Generated-by: terrafix"  # tells the bot's own commits from anyone else's
MAX_BODY = 60_000  # GitHub refuses bodies over 65,536 characters
MAX_DIFF_LINES = 80


def title(fixes: FixSet) -> str:
    rules = sorted({fix.finding.rule for fix in fixes.fixes})
    count = len(fixes.fixes)
    noun = "fix" if count == 1 else "fixes"
    return f"fix(terraform): apply {count} terrafix {noun} ({', '.join(rules)})"


def commit_message(fixes: FixSet, command: str) -> str:
    lines = [title(fixes), ""]
    for fix in fixes.fixes:
        lines.append(f"- {fix.finding.rule} {fix.path}: {fix.finding.message}")
    lines += ["", f"Reproduce with: {command}", "", f"{TRAILER} {__version__}", ""]
    return "\n".join(lines)


def command_line(paths: list[str], config: Config) -> str:
    """The `terrafix fix` invocation that makes the same changes."""
    words = ["terrafix", "fix"]
    for name in config.select or []:
        words += ["--select", name]
    for name in config.ignore:
        words += ["--ignore", name]
    if config.unsafe_fixes:
        words.append("--unsafe-fixes")
    if config.profile != "default":
        words += ["--profile", config.profile]
    return shlex.join([*words, *paths])


def marker(fixes: FixSet) -> str:
    data = {"fixes": fixes.fingerprints, "version": __version__}
    return f"<!-- terrafix: {json.dumps(data, sort_keys=True, separators=(',', ':'))} -->"


def read_marker(body: str) -> dict | None:
    """The marker's data, or None when the body is not one terrafix wrote."""
    match = MARKER.search(body or "")
    if match is None:
        return None
    try:
        data = json.loads(match.group(1))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def body(fixes: FixSet, command: str, toplevel: Path) -> str:
    text = _body(fixes, command, toplevel, with_diffs=True)
    if len(text) > MAX_BODY:
        text = _body(fixes, command, toplevel, with_diffs=False)
    return text


def _body(fixes: FixSet, command: str, toplevel: Path, with_diffs: bool) -> str:
    out = [
        "## terrafix fixes",
        "",
        f"terrafix {__version__} fixed {len(fixes.fixes)} finding(s) in "
        f"{len(fixes.files)} file(s). Review the changes below, then merge.",
        "",
        "| Rule | File | Fixes | Safety |",
        "| --- | --- | ---: | --- |",
    ]
    counts = Counter((f.finding.rule, f.finding.slug, f.path, f.applicability) for f in fixes.fixes)
    for (rule, slug, path, safety), count in sorted(counts.items()):
        shown = "⚠️ **unsafe**" if safety == "unsafe" else safety
        out.append(f"| {rule} `{slug}` | `{path}` | {count} | {shown} |")
    if any(f.applicability == "unsafe" for f in fixes.fixes):
        out += [
            "",
            "> [!WARNING]",
            "> Some fixes are **unsafe**: they may change what Terraform plans (for example a",
            "> replacement). They were applied because unsafe fixes were enabled; check each one.",
        ]
    out += ["", "## The fixes", ""]
    for fix in fixes.fixes:
        out += _fix_section(fix, toplevel, with_diffs)
    if not with_diffs:
        out += ["_Diffs left out: they would make this description too long; see the commit._", ""]
    out += _rule_notes(fixes)
    out += [
        "## Suppress or configure",
        "",
        "- Keep a finding: add `# terrafix:ignore[RULE] reason` at the end of its line or on the "
        "line above (above a block for the whole block, `# terrafix:ignore-file` for a file).",
        '- Turn a rule off or tune it: `ignore = ["RULE"]` or `[rules.RULE]` options in '
        "`.terrafix.toml` (or `[tool.terrafix]` in `pyproject.toml`).",
        "- Close this pull request without merging to decline these fixes: it stays closed "
        "until the set of fixes changes.",
        "",
        "## Reproduce",
        "",
        "```sh",
        command,
        "```",
        "",
        f"<sub>Opened by terrafix {__version__}; it updates this pull request when the fixes "
        "change.</sub>",
        "",
        marker(fixes),
        "",
    ]
    return "\n".join(out)


def _fix_section(fix: AppliedFix, toplevel: Path, with_diffs: bool) -> list[str]:
    finding = fix.finding
    safety = " ⚠️ **unsafe**" if fix.applicability == "unsafe" else ""
    lines = [
        f"### {finding.rule} `{finding.slug}` in `{fix.path}`{safety}",
        "",
        f"{_sentence(finding.message)} Fix: {_sentence(finding.fix.description)}"
        if finding.fix
        else _sentence(finding.message),
        "",
    ]
    if with_diffs:
        diff = "".join(unified_diff(f) for f in fix_diffs(fix, toplevel))
        diff_lines = diff.splitlines()
        if len(diff_lines) > MAX_DIFF_LINES:
            skipped = len(diff_lines) - MAX_DIFF_LINES
            diff_lines = [*diff_lines[:MAX_DIFF_LINES], f"... {skipped} more line(s)"]
        fence = "````" if "```" in diff else "```"
        lines += [f"{fence}diff", *diff_lines, fence, ""]
    return lines


def _rule_notes(fixes: FixSet) -> list[str]:
    """Each rule's summary and full explanation once, folded away."""
    out = ["## The rules", ""]
    for code in sorted({f.finding.rule for f in fixes.fixes}):
        rule = find_rule(code)
        if rule is None:
            continue
        out += [
            "<details>",
            f"<summary>{rule.code} <code>{rule.slug}</code>: {_html(rule.summary)}</summary>",
            "",
            _demote_headings(rule.explanation.strip()),
            "",
            f"`terrafix explain {rule.code}` prints this.",
            "</details>",
            "",
        ]
    return out


def _demote_headings(markdown: str, levels: int = 2) -> str:
    """Nest a rule's own headings under the body's, leaving code blocks (HCL `#`) alone."""
    lines, fenced = [], False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"#{1,4} ", line):
            line = "#" * levels + line
        lines.append(line)
    return "\n".join(lines)


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def stale_comment(close: bool) -> str:
    action = "Closing it." if close else "It can be closed."
    return (
        "terrafix finds nothing to fix on the base branch any more, so this pull request is "
        f"no longer needed. {action}\n\n{STALE_MARKER}\n"
    )
