"""One Terraform module grown N times larger, still reading as one valid module.

The scaling benchmark needs modules of 1×, 4×, 16× a real module's size whose work per byte is
the same. Pasting a module next to itself would declare every name twice, and a checker may
treat duplicates differently from real code. So copy ``k`` (from 2) goes into its own files
(``main_c2.tf``), every name it declares gets the suffix ``_c<k>`` (resources, data sources,
variables, locals, module calls, outputs), and every reference to those names is rewritten to
match. References to names the module does not declare stay as they are, so each copy keeps its
original's defects. A module has one ``terraform`` block and one configuration per provider;
the copies leave those out.

Only ``.tf`` files are copied: a ``.tfvars`` file sets the root module's variables by name.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import terrafix
from terrafix.syntax import nodes as n

LABELLED = {"resource": 2, "data": 2, "variable": 1, "output": 1, "module": 1}
ONCE_PER_MODULE = ("terraform", "provider")
# `var.x`, `local.x`, `module.x`, `data.t.x`, `t.x`: the first names of a traversal, not part of
# a longer one (`a.var.x`) or of a longer identifier (HCL identifiers may contain `-`).
TRAVERSAL = re.compile(r"(?<![\w.])((?:data\.)?[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*)(?![\w-])")


def declared_references(trees: list[n.ConfigFile]) -> set[str]:
    """The references that name something these files declare: ``var.x``, ``aws_vpc.main``..."""
    names: set[str] = set()
    for tree in trees:
        for block in tree.body.blocks():
            kind, labels = block.block_type, block.label_values
            if kind == "variable" and len(labels) == 1:
                names.add(f"var.{labels[0]}")
            elif kind == "module" and len(labels) == 1:
                names.add(f"module.{labels[0]}")
            elif kind == "resource" and len(labels) == 2:
                names.add(".".join(labels))
            elif kind == "data" and len(labels) == 2:
                names.add("data." + ".".join(labels))
            elif kind == "locals":
                names.update(f"local.{a.key}" for a in block.body.attributes())
    return names


def suffixed(text: str, tree: n.ConfigFile, references: set[str], suffix: str) -> str:
    """``text`` (parsed as ``tree``) with its declared names and ``references`` suffixed."""
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement) in ``text``
    for block in tree.body.blocks():
        kind = block.block_type
        if kind in ONCE_PER_MODULE:
            edits.append((block.type.pos, block.close.pos + len(block.close.text), ""))
        elif kind in LABELLED and len(block.labels) == LABELLED[kind]:
            end = _label_end(block.labels[-1])
            edits.append((end, end, suffix))
        elif kind == "locals":
            for attribute in block.body.attributes():
                end = attribute.name.pos + len(attribute.name.text)
                edits.append((end, end, suffix))
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]

    def rename(match: re.Match[str]) -> str:
        name = match.group(1)
        return name + suffix if name in references else name

    return TRAVERSAL.sub(rename, text)


def _label_end(label: n.Leaf | n.TemplateString) -> int:
    """Where a suffix goes: after an identifier label, before a quoted label's closing quote."""
    if isinstance(label, n.TemplateString):
        return label.close.pos
    return label.pos + len(label.text)


def write_copies(module: Path, copies: int, target: Path) -> list[Path]:
    """``module``'s ``.tf`` files and ``copies - 1`` suffixed copies of them, in ``target``."""
    sources = sorted(module.glob("*.tf"))
    texts = [p.read_text(encoding="utf-8") for p in sources]
    trees = [terrafix.parse(text, path=path) for text, path in zip(texts, sources, strict=True)]
    references = declared_references(trees)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sources:
        written.append(Path(shutil.copyfile(source, target / source.name)))
    for k in range(2, copies + 1):
        for source, text, tree in zip(sources, texts, trees, strict=True):
            copy = target / f"{source.stem}_c{k}.tf"
            copy.write_text(suffixed(text, tree, references, f"_c{k}"), encoding="utf-8")
            written.append(copy)
    return written
