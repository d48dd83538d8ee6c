"""TF023 extraction-damage: undo what copying code out of a chat transcript did to it."""

from __future__ import annotations

import re
from collections.abc import Iterable

import terrafix
from terrafix.engine.findings import Applicability, Finding, Fix
from terrafix.engine.rules import Rule, RuleContext
from terrafix.model.module import SourceFile
from terrafix.syntax import HclSyntaxError, parse_recovering
from terrafix.syntax import nodes as n
from terrafix.syntax.lalr import CLOSERS, OPENERS
from terrafix.syntax.tokens import Leaf

FENCE = re.compile(r"```[\w+.-]*")
SEPARATOR = re.compile(r"-{3,}")


class ExtractionDamage(Rule):
    code = "TF023"
    slug = "extraction-damage"
    summary = "Remove Markdown left in code copied from a chat: fences, rules, escapes, commas."
    applicability = Applicability.UNSAFE
    explanation = """\
## What it does
Repairs text that does not parse where the damage is exactly what copying code out of a Markdown
chat transcript does:
- a Markdown code fence line (```` ``` ```` or ```` ```hcl ````) or a `---` rule line is removed;
- a backslash escape Markdown put before `_` or `*` outside a string (`var.size \\* 2`) is undone;
- a one-line block holding several arguments separated by commas or semicolons
  (`variable "x" { type = string, default = "a" }`) is split into one argument per line.
Each repair is offered only when the damaged text then parses and the change is exactly that:
the tokens before and after are the same but for the removed marks. Truncated text is never
completed, prose is never removed, and a backslash inside a string is left alone (there the
intended character cannot be known: Markdown may have turned `*` into `_`).

## Why
Terraform rejects the whole module when one file does not parse. A fence, a rule line or an
escape left by a transcript is a few characters of noise that stops every plan.

## Example
Before:
````hcl
```hcl
variable "tags" { type = map(string), default = {} }
```
````
After:
```hcl
variable "tags" {
  type    = map(string)
  default = {}
}
```

## Fix safety
Unsafe: the repair assumes the text was meant as the code it becomes; prose or a truncated answer
around it may still need a person. It never changes text that parses.
"""

    def check(self, context: RuleContext) -> Iterable[Finding]:
        module = context.module
        for path, source in sorted(module.files.items()):
            # Identical damage (the same one-line block in two resources) is repaired in one
            # fix, so that no repair's finding comes back looking like one already applied.
            groups: dict[str, list[n.Damaged]] = {}
            for node in source.damaged:
                groups.setdefault(node.render(), []).append(node)
            for damaged_text, nodes in groups.items():
                repairs = [repair(source.text, node) for node in nodes]
                if None in repairs:
                    continue
                fixed = source.text
                for start, end, new_region, _ in sorted(repairs, reverse=True):
                    fixed = fixed[:start] + new_region + fixed[end:]
                if not _only_this_damage_goes(source, fixed, damaged_text, len(nodes)):
                    continue
                what = repairs[0][3]
                fix = Fix(
                    f"remove the Markdown ({what})",
                    self.applicability,
                    {path: source.text},
                    {path: fixed},
                    repairs_damage=True,
                )
                for index, (start, end, _, _) in enumerate(repairs):
                    yield Finding(
                        self.code,
                        self.slug,
                        f"text that does not parse has Markdown in it: {what}",
                        path,
                        start,
                        end,
                        f"{self.code}:{path}:{damaged_text}:{index}",
                        "error",
                        fix,
                    )


def repair(text: str, node: n.Damaged) -> tuple[int, int, str, str] | None:
    """(start, end, new text, what was repaired) for the damaged ``node`` of ``text``, or None
    when its damage is not extraction damage. The caller checks that the result parses."""
    tokens = [t for t in node.tokens if t.pos >= 0]
    if not tokens:
        return None
    start = _line_start(text, tokens[0].pos)
    end = max(t.pos + len(t.text) for t in tokens)
    removals, what = _removals(text, tokens)
    new_region = _apply(text[start:end], start, removals)
    split = _split_one_line_block(new_region)
    if split is not None:
        new_region = split
        what.append("one-line block with several arguments")
    if not what:
        return None
    return start, end, new_region, ", ".join(dict.fromkeys(what))


def _line_start(text: str, pos: int) -> int:
    """The start of ``pos``'s line when only blanks precede it there, else ``pos``."""
    line_start = text.rfind("\n", 0, pos) + 1
    return line_start if not text[line_start:pos].strip(" \t") else pos


def _lines(tokens: list[Leaf]) -> list[list[Leaf]]:
    """The tokens grouped by source line (a token whose trivia holds a newline starts one)."""
    lines: list[list[Leaf]] = []
    for token in tokens:
        if not lines or lines[-1][-1].type == "NL" or "\n" in token.pre:
            lines.append([])
        lines[-1].append(token)
    return lines


def _removals(text: str, tokens: list[Leaf]) -> tuple[list[tuple[int, int]], list[str]]:
    """Ranges to delete: whole fence and rule lines, and Markdown's backslashes before `_` and
    `*`. The lexer made these tokens, so none of them is inside a string, heredoc or comment."""
    removals: list[tuple[int, int]] = []
    what: list[str] = []
    for line in _lines(tokens):
        body = [t for t in line if t.type != "NL"]
        if not body:
            continue
        first, last = body[0], body[-1]
        begin = _line_start(text, first.pos)
        line_text = text[first.pos : last.pos + len(last.text)]
        is_fence = first.type == "BAD" and FENCE.fullmatch(line_text)
        is_rule = all(t.type == "MINUS" for t in body) and SEPARATOR.fullmatch(line_text)
        first_on_line = not text[text.rfind("\n", 0, first.pos) + 1 : first.pos].strip(" \t")
        if (is_fence or is_rule) and first_on_line:
            newline = text.find("\n", last.pos)
            removals.append((begin, len(text) if newline < 0 else newline + 1))
            what.append("code fence" if is_fence else "separator line")
            continue
        for token in body:
            if (
                token.type == "BAD"
                and token.text == "\\"
                and text[token.pos + 1 : token.pos + 2] in ("_", "*")
            ):
                removals.append((token.pos, token.pos + 1))
                what.append(f"escaped '{text[token.pos + 1]}'")
    return removals, what


def _apply(region: str, offset: int, removals: list[tuple[int, int]]) -> str:
    for begin, end in sorted(removals, reverse=True):
        begin, end = max(begin - offset, 0), min(end - offset, len(region))
        region = region[:begin] + region[end:]
    return region


def _split_one_line_block(region: str) -> str | None:
    """``x "a" { k = v, l = w }`` as a block with one argument per line, aligned as fmt does;
    None when the region is not such a block. Exact: the tokens are the old ones without the
    commas or semicolons."""
    stripped = region.rstrip("\r\n")
    if "\n" in stripped or not stripped.strip():
        return None
    newline = region[len(stripped) :] or "\n"
    tree, errors = parse_recovering(stripped.strip() + "\n")
    element = tree.body.elements[0] if tree.body.elements else None
    if not errors or type(element) is not n.Damaged or element.header is None:
        return None
    tokens = [t for t in element.tokens if t.type != "NL"]
    opener = next(i for i, t in enumerate(tokens) if t.type == "LBRACE")
    if tokens[-1].type != "RBRACE":
        return None
    arguments = _top_level_split(tokens[opener + 1 : -1])
    if len(arguments) < 2:
        return None
    names, values = [], []
    for argument in arguments:
        if len(argument) < 3 or argument[0].type != "IDENT" or argument[1].type != "EQUAL":
            return None
        names.append(argument[0].text)
        values.append("".join(t.render() for t in argument[2:]).strip())
    indent = stripped[: len(stripped) - len(stripped.lstrip(" \t"))]
    header = "".join(t.render() for t in tokens[: opener + 1]).strip()
    width = max(map(len, names))
    lines = [f"{indent}{header}"]
    lines += [f"{indent}  {name.ljust(width)} = {value}" for name, value in zip(names, values)]
    lines.append(f"{indent}}}")
    split = "\n".join(lines) + newline
    try:
        block = terrafix.parse(split.strip() + "\n")
    except HclSyntaxError:
        return None
    kept = [(t.type, t.text) for t in tokens if not _is_separator(t)]
    new = [(t.type, t.text) for t in block.leaves() if t.type not in ("NL", "EOF")]
    return split if new == kept else None


def _is_separator(token: Leaf) -> bool:
    return token.type == "COMMA" or (token.type == "BAD" and token.text == ";")


def _top_level_split(tokens: list[Leaf]) -> list[list[Leaf]]:
    """Split at commas and semicolons outside brackets and strings; empty pieces are dropped."""
    pieces: list[list[Leaf]] = [[]]
    depth = 0
    for token in tokens:
        if token.type in OPENERS:
            depth += 1
        elif token.type in CLOSERS:
            depth -= 1
        if depth == 0 and _is_separator(token):
            pieces.append([])
        else:
            pieces[-1].append(token)
    return [p for p in pieces if p]


def _only_this_damage_goes(source: SourceFile, after_text: str, damaged: str, count: int) -> bool:
    """After the repair the file parses as ``source`` did except that this damage (``count``
    copies of it) is gone: the other damaged texts are unchanged, and there are fewer errors."""
    after_tree, after_errors = parse_recovering(after_text)
    before = [d.render() for d in source.damaged]
    after = [d.render() for d in after_tree.walk() if type(d) is n.Damaged]
    return after == [d for d in before if d != damaged] and len(after_errors) < len(source.errors)
