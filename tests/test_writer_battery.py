"""The writer's edits on every module of the real corpus: output parses with HashiCorp's parser,
stays `terraform fmt`-clean, and changes no line outside the edited block."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path

import pytest
from corpus import hcl_files, needs_shared, read, real_modules
from oracle import needs_oracle, not_fmt_clean, unparsable

from terrafix.syntax import nodes as n
from terrafix.writer import Document, block, expr, remove_attribute, set_attribute
from terrafix.writer.objects import set_object_item

Edit = Callable[
    [Document], list[tuple[int, int]]
]  # edits the document, returns allowed line ranges


def _line_ranges(doc: Document, elements) -> dict[int, tuple[int, int]]:
    """1-based (first, last) line of each top-level element, by identity."""
    ranges = {}
    line = 1
    for element in doc.tree.body.elements:
        text = element.render()
        count = text.count("\n")
        ranges[id(element)] = (line, line + max(count - 1, 0) + (0 if text.endswith("\n") else 1))
        line += count
    return {k: v for k, v in ranges.items() if k in {id(e) for e in elements}}


def set_attribute_on_resources(doc: Document):
    resources = list(doc.tree.body.blocks("resource"))
    allowed = list(_line_ranges(doc, resources).values())
    for resource in resources:
        doc.replace(resource, set_attribute(resource, "terrafix_marker", True, doc.style))
    return allowed


def add_variable(doc: Document):
    lines = doc.original.count("\n")
    doc.append_block(block("variable", "terrafix_added", type=expr("string"), default="x"))
    return [(lines, lines + 1)]


def remove_first_attribute(doc: Document):
    resources = [b for b in doc.tree.body.blocks("resource") if next(b.body.attributes(), None)]
    allowed = list(_line_ranges(doc, resources).values())
    for resource in resources:
        first = next(resource.body.attributes())
        doc.replace(resource, remove_attribute(resource, first.name.text))
    return allowed


def add_tag(doc: Document):
    targets = []
    for resource in doc.tree.body.blocks("resource"):
        tags = resource.body.attribute("tags")
        if tags is not None and type(tags.value) is n.Object:
            targets.append((resource, tags.value))
    allowed = list(_line_ranges(doc, [r for r, _ in targets]).values())
    for _, obj in targets:
        doc.replace(obj, set_object_item(obj, "TerrafixTest", "yes", doc.style))
    return allowed


def replace_in_jsonencode(doc: Document):
    allowed = []
    for element in doc.tree.body.elements:
        if type(element) is not n.Block:
            continue
        for node in element.walk():
            if type(node) is n.FunctionCall and node.function_name == "jsonencode":
                string = next((s for s in node.walk() if type(s) is n.TemplateString), None)
                if string is not None:
                    allowed.extend(_line_ranges(doc, [element]).values())
                    replacement = n.TemplateString(
                        string.open.with_changes(pre=string.open.pre),
                        (string.parts[0].with_changes(text="arn:aws:s3:::terrafix"),)
                        if string.parts and type(string.parts[0]).__name__ == "Leaf"
                        else string.parts,
                        string.close,
                    )
                    doc.replace(string, replacement)
                    break
    return allowed


EDITS: dict[str, Edit] = {
    "set-attribute": set_attribute_on_resources,
    "add-variable": add_variable,
    "remove-attribute": remove_first_attribute,
    "add-tag": add_tag,
    "replace-in-jsonencode": replace_in_jsonencode,
}


def _changed_old_lines(old: str, new: str) -> list[int]:
    """1-based old line numbers that the change replaces, deletes, or inserts after."""
    matcher = difflib.SequenceMatcher(
        None, old.splitlines(keepends=True), new.splitlines(keepends=True), autojunk=False
    )
    lines = []
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag != "equal":
            lines.extend(range(i1 + 1, i2 + 1) if i2 > i1 else [i1])
    return lines


@needs_shared
@needs_oracle
@pytest.mark.parametrize("edit", sorted(EDITS))
@pytest.mark.parametrize("module", real_modules(), ids=lambda p: p.name)
def test_edit_battery(module: Path, edit: str, tmp_path: Path):
    inputs = hcl_files(module)
    dirty_inputs = not_fmt_clean(inputs) | unparsable(inputs)
    outputs: dict[Path, Path] = {}
    stray: list[str] = []
    for path in inputs:
        if str(path) in dirty_inputs or path.suffix != ".tf":
            continue
        doc = Document.parse(read(path), str(path))
        allowed = EDITS[edit](doc)
        new = doc.text()
        if new == doc.original:
            continue
        for line in _changed_old_lines(doc.original, new):
            if not any(lo - 1 <= line <= hi + 1 for lo, hi in allowed):
                stray.append(f"{path}:{line}")
        out = tmp_path / str(len(outputs)) / path.name
        out.parent.mkdir(parents=True)
        out.write_text(new, encoding="utf-8", newline="")
        outputs[out] = path
    if not outputs:
        pytest.skip(f"no file in {module.name} has anything for {edit}")
    assert stray == []
    assert {str(outputs[Path(p)]) for p in unparsable(list(outputs))} == set()
    assert {str(outputs[Path(p)]) for p in not_fmt_clean(list(outputs))} == set()


@needs_oracle
def test_new_file_is_fmt_clean(tmp_path: Path):
    doc = Document.new("variables.tf")
    doc.append_block(
        block("variable", "aws_region", description="AWS region", type=expr("string"), default="x")
    )
    doc.append_block(block("locals", name_prefix=expr('"${var.project}-${var.env}"'), n=1))
    out = tmp_path / "variables.tf"
    out.write_text(doc.text())
    assert unparsable([out]) == set()
    assert not_fmt_clean([out]) == set()
