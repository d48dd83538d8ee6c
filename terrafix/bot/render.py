"""The words of the pull request: commit message, title, body, and the body's hidden marker.

Everything here is a pure function of the fixes, so an unchanged repository renders the same
title and body byte for byte, and the bot has nothing to update.
"""

from __future__ import annotations

import json
import re
import shlex
import textwrap
from pathlib import Path

from .. import __version__
from ..engine.config import Config
from ..engine.pipeline import FileResult
from ..engine.rules import find_rule
from ..output.diff import unified_diff
from .fixset import FixGroup, FixSet, fix_diffs
from .naming import DEFAULT_NAMING, MAX_LINE, Naming

MARKER = re.compile(r"<!-- terrafix: (\{.*?\}) -->")
STALE_MARKER = "<!-- terrafix: stale -->"
HUMAN_MARKER = "<!-- terrafix: human-commit -->"
TRAILER = "Generated-by: terrafix"  # tells the bot's own commits from anyone else's
MAX_BODY = 65_536  # GitHub refuses longer pull request bodies
MAX_DIFF_LINES = 80
MAX_FINDINGS_LISTED = 20  # per fix
MAX_LEFTOVERS_LISTED = 50


def _fill(template: str, fixes: FixSet) -> str:
    """The template filled in, the rule list shortened (then the line cut) to 100 characters."""
    rules = sorted({fix.finding.rule for fix in fixes.fixes})
    count = len(fixes.fixes)
    values = {"count": count, "noun": _plural(count, "fix", "fixes"), "files": len(fixes.files)}
    for shown in range(len(rules), 0, -1):
        more = len(rules) - shown
        listed = ", ".join(rules[:shown]) + (f" and {more} more" if more else "")
        line = template.format(**values, rules=listed)
        if len(line) <= MAX_LINE:
            return line
    line = template.format(**values, rules=f"{len(rules)} rules")
    return line if len(line) <= MAX_LINE else line[: MAX_LINE - 3].rstrip() + "..."


def title(fixes: FixSet, naming: Naming = DEFAULT_NAMING) -> str:
    return _fill(naming.title_template or naming.commit, fixes)


def commit_message(fixes: FixSet, command: str, naming: Naming = DEFAULT_NAMING) -> str:
    """Header, blank line, wrapped body, trailer: every line within commitlint's 100."""
    lines = [_fill(naming.commit, fixes), ""]
    for fix in fixes.fixes:
        item = f"- {fix.finding.rule} {fix.path}: {fix.finding.message}"
        lines += textwrap.wrap(item, MAX_LINE, subsequent_indent="  ", break_on_hyphens=False)
    lines += ["", "Reproduce with:", *_wrap_command(command)]
    lines += ["", f"{TRAILER} {__version__}", ""]
    return "\n".join(lines)


def _wrap_command(command: str) -> list[str]:
    """A shell command over lines of at most 100 characters, joined by backslashes."""
    lines, line = [], ""
    for word in shlex.split(command):
        quoted = shlex.quote(word)
        if line and len(line) + 1 + len(quoted) + 2 > MAX_LINE:
            lines.append(line + " \\")
            line = "  " + quoted
        else:
            line = f"{line} {quoted}" if line else quoted
    return [*lines, line]


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


def retired(body: str) -> str:
    """``body`` with its marker saying the bot closed it, so its fixes are not held declined."""
    data = read_marker(body)
    if data is None:
        return body
    data["retired"] = True
    text = f"<!-- terrafix: {json.dumps(data, sort_keys=True, separators=(',', ':'))} -->"
    return MARKER.sub(lambda _: text, body, count=1)


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
    """The longest faithful body that GitHub takes, shedding detail in a fixed order.

    First the folded rule explanations go (``terrafix explain`` prints them), then the per-fix
    diffs give way to one diff per changed file, and only then are whole files' diffs left
    out, largest first, each named.
    """
    groups = fixes.groups(toplevel)
    file_diffs = [(f.path, unified_diff(_file_result(f))) for f in fixes.files]
    for notes, per_fix in ((True, True), (False, True), (False, False)):
        text = _body(fixes, groups, command, toplevel, notes, per_fix, file_diffs, [])
        if len(text) <= MAX_BODY:
            return text
    left_out: list[str] = []
    shown = list(file_diffs)
    for path, _ in sorted(file_diffs, key=lambda item: -len(item[1])):
        shown = [item for item in shown if item[0] != path]
        left_out.append(path)
        text = _body(fixes, groups, command, toplevel, False, False, shown, left_out)
        if len(text) <= MAX_BODY:
            return text
    return _cut(text)


def _file_result(changed) -> FileResult:
    return FileResult(Path(changed.path), changed.original, changed.final)


def _cut(text: str) -> str:
    """Last resort for a body still too long without any diff: keep its end (the marker)."""
    tail = text[text.index("## Reproduce") :]
    room = MAX_BODY - len(tail) - 100
    return text[:room] + "\n\n_… cut here: the description was too long._\n\n" + tail


def _body(
    fixes: FixSet,
    groups: list[FixGroup],
    command: str,
    toplevel: Path,
    notes: bool,
    per_fix: bool,
    file_diffs: list[tuple[str, str]],
    left_out: list[str],
) -> str:
    findings, changes = len(fixes.fixes), len(groups)
    out = [
        "## terrafix fixes",
        "",
        f"terrafix {__version__} makes {changes} {_plural(changes, 'fix', 'fixes')} for "
        f"{findings} {_plural(findings, 'finding')} in {len(fixes.files)} "
        f"{_plural(len(fixes.files), 'file')}. Review the changes below, then merge.",
        "",
        "| Rule | Fix | Changes | Findings | Safety |",
        "| --- | --- | --- | ---: | --- |",
    ]
    for group in groups:
        finding = group.first.finding
        files = ", ".join(f"`{path}`" for path in group.files)
        safety = "⚠️ **unsafe**" if group.applicability == "unsafe" else group.applicability
        out.append(
            f"| {finding.rule} `{finding.slug}` | {_cell(_fix_description(group))} | {files} | "
            f"{len(group.fixes)} | {safety} |"
        )
    if any(g.applicability == "unsafe" for g in groups):
        out += [
            "",
            "> [!WARNING]",
            "> Some fixes are **unsafe**: they may change what Terraform plans (for example a",
            "> replacement). They were applied because unsafe fixes were enabled; check each one.",
        ]
    out += ["", "## The fixes", ""]
    for group in groups:
        out += _group_section(group, toplevel, per_fix)
    if not per_fix:
        out += _file_section(file_diffs, left_out)
    out += _leftover_section(fixes)
    if notes:
        out += _rule_notes(fixes)
    else:
        codes = " ".join(
            f"`terrafix explain {c}`" for c in sorted({f.finding.rule for f in fixes.fixes})
        )
        out += [f"_Rule explanations left out for length: {codes} prints them._", ""]
    out += [
        "## Suppress or configure",
        "",
        "- Keep a finding: add `# terrafix:ignore[RULE] reason` at the end of its line or on the "
        "line above (above a block for the whole block, `# terrafix:ignore-file` for a file).",
        '- Turn a rule off or tune it: `ignore = ["RULE"]` or `[rules.RULE]` options in '
        "`.terrafix.toml` (or `[tool.terrafix]` in `pyproject.toml`).",
        "- Close this pull request without merging to decline these fixes: terrafix will not "
        "propose them again (other, new fixes come in a new pull request).",
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


def _plural(count: int, one: str, many: str | None = None) -> str:
    return one if count == 1 else (many or one + "s")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _fix_description(group: FixGroup) -> str:
    fix = group.first.finding.fix
    return _sentence(fix.description) if fix else _sentence(group.first.finding.message)


def _group_section(group: FixGroup, toplevel: Path, with_diff: bool) -> list[str]:
    finding = group.first.finding
    safety = " ⚠️ **unsafe**" if group.applicability == "unsafe" else ""
    files = ", ".join(f"`{path}`" for path in group.files)
    lines = [
        f"### {finding.rule} `{finding.slug}`: {_fix_description(group)}{safety}",
        "",
        f"Changes {files}. It fixes:",
        "",
    ]
    shown = group.fixes[:MAX_FINDINGS_LISTED]
    lines += [f"- `{fix.path}`: {_sentence(fix.finding.message)}" for fix in shown]
    if len(group.fixes) > len(shown):
        lines.append(f"- … and {len(group.fixes) - len(shown)} more")
    lines.append("")
    if with_diff:
        diff = "".join(unified_diff(f) for f in fix_diffs(group.first, toplevel))
        lines += _diff_block(diff)
    return lines


def _diff_block(diff: str, max_lines: int | None = MAX_DIFF_LINES) -> list[str]:
    diff_lines = diff.splitlines()
    if max_lines is not None and len(diff_lines) > max_lines:
        skipped = len(diff_lines) - max_lines
        diff_lines = [*diff_lines[:max_lines], f"... {skipped} more line(s)"]
    fence = "````" if "```" in diff else "```"
    return [f"{fence}diff", *diff_lines, fence, ""]


def _file_section(file_diffs: list[tuple[str, str]], left_out: list[str]) -> list[str]:
    """The whole change, one diff per file: what is left when per-fix diffs do not fit."""
    out = ["## The changes, file by file", ""]
    for path, diff in file_diffs:
        out += [f"#### `{path}`", "", *_diff_block(diff, max_lines=None)]
    if left_out:
        names = ", ".join(f"`{path}`" for path in sorted(left_out))
        out += [f"_Diffs left out for length (see the commit): {names}._", ""]
    return out


def _leftover_section(fixes: FixSet) -> list[str]:
    """Findings no fix here resolves: unsafe fixes not applied, suggestions, advice."""
    if not fixes.leftovers:
        return []
    out = [
        "## Needs a person",
        "",
        f"{len(fixes.leftovers)} {_plural(len(fixes.leftovers), 'finding')} this pull request "
        "does not fix:",
        "",
    ]
    shown = fixes.leftovers[:MAX_LEFTOVERS_LISTED]
    for left in shown:
        finding = left.finding
        out.append(
            f"- {finding.rule} `{finding.slug}` in `{left.path}`: "
            f"{_sentence(finding.message)} ({left.reason})"
        )
    if len(fixes.leftovers) > len(shown):
        out.append(f"- … and {len(fixes.leftovers) - len(shown)} more (`terrafix check` lists all)")
    return [*out, ""]


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
    """End with a full stop; capitalise only a plain first word, never an address or a name.

    ``aws_s3_bucket.website is public`` keeps its case: Terraform names are case-sensitive.
    """
    text = text.strip()
    if re.match(r"[a-z]+(\s|$)", text):
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


def human_commit_comment(branch: str) -> str:
    return (
        f"Someone else committed to `{branch}`, so terrafix stops updating this pull request: "
        "it never overwrites other people's work. Merge or close it as it is, or delete the "
        f"branch to have terrafix start again.\n\n{HUMAN_MARKER}\n"
    )
