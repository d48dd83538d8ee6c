"""One Markdown page per rule, the text `terrafix explain` prints, for editors to link to.

The pages live in ``docs/rules/`` and ship inside the package as ``terrafix.rule_docs``, so a
diagnostic's ``codeDescription`` can point at a file that exists wherever terrafix is installed.
Regenerate them after changing an explanation: ``python -m terrafix.output.rule_docs docs/rules``.
"""

from __future__ import annotations

import sys
from pathlib import Path

PACKAGE = "terrafix.rule_docs"


def explain_text(rule) -> str:
    """What `terrafix explain CODE` prints: a title line, a blank line, the explanation."""
    return f"{rule.code} {rule.slug}: {rule.summary}\n\n{rule.explanation.rstrip()}\n"


def rule_page(rule) -> str:
    """The rule's Markdown page: the explanation under its title as a heading."""
    return "# " + explain_text(rule)


def page_path(code: str) -> Path | None:
    """The installed page of ``code``, or None when the package ships none."""
    from importlib.resources import files

    try:
        page = Path(str(files(PACKAGE) / f"{code}.md"))
    except (ModuleNotFoundError, TypeError):
        return None
    return page if page.is_file() else None


def write_pages(folder: Path) -> list[Path]:
    from ..engine.rules import all_rules

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for rule in all_rules():
        path = folder / f"{rule.code}.md"
        path.write_text(rule_page(rule), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for written in write_pages(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/rules")):
        print(written)
