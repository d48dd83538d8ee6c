"""Builders: Python values and expression source become CST nodes, formatted as `terraform fmt` would.

New code is produced as canonical HCL text at the right indentation and then parsed with our own
parser, so every built node is exactly what parsing that code gives: nothing is hand-assembled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..syntax import nodes as n
from ..syntax.parser import parse
from ..syntax.strings import quote

IDENTIFIER = re.compile(r"[^\W\d][\w-]*\Z")


@dataclass(frozen=True, slots=True)
class Expr:
    """HCL expression source to embed as it is: ``expr("data.archive_file.auth.output_path")``."""

    source: str


def expr(source: str) -> Expr:
    return Expr(source)


def call(name: str, *args: object) -> Expr:
    """A function call: ``call("filebase64sha256", expr("local.zip"))``."""
    return Expr(f"{name}({', '.join(value_source(arg) for arg in args)})")


def template(*parts: str | Expr) -> Expr:
    """A quoted template: literal text is escaped, ``expr(...)`` parts become ``${...}``.

    ``template(expr("local.name_prefix"), "-alb")`` is ``"${local.name_prefix}-alb"``.
    """
    pieces = [f"${{{p.source}}}" if isinstance(p, Expr) else quote(p)[1:-1] for p in parts]
    return Expr('"' + "".join(pieces) + '"')


@dataclass(frozen=True, slots=True)
class Heredoc:
    """A string to write as a heredoc (policies, scripts): ``heredoc(json_text)``.

    The text is literal: ``${`` and ``%{`` are escaped. A heredoc's value ends with a newline, so
    one is implied when the text has none at its end.
    """

    text: str


def heredoc(text: str) -> Heredoc:
    return Heredoc(text)


def heredoc_source(text: str, indent: str, unit: str) -> str:
    """``<<-EOT`` with the lines indented one level deeper than ``indent`` (HCL strips that again).

    A text whose every line already starts with spaces would lose them to that stripping, so it
    goes into a plain ``<<EOT`` as it is.
    """
    body = text[:-1] if text.endswith("\n") else text
    lines = body.replace("${", "$${").replace("%{", "%%{").split("\n")
    marker = "EOT"
    while any(line.strip() == marker for line in lines):
        marker += "_"
    written = [line for line in lines if line.strip()]
    if written and all(line[:1] in (" ", "\t") for line in written):
        return f"<<{marker}\n" + "\n".join(lines) + f"\n{marker}"
    inner = indent + unit
    content = "\n".join(inner + line if line.strip() else "" for line in lines)
    return f"<<-{marker}\n{content}\n{indent}{marker}"


@dataclass(frozen=True, slots=True)
class BlockSpec:
    """A block to build: type, labels and body items (attributes and nested blocks, in order)."""

    type: str
    labels: tuple[str, ...] = ()
    items: tuple[tuple[str, object] | BlockSpec, ...] = ()


def block(type_: str, *labels: str, **attributes: object) -> BlockSpec:
    """``block("variable", "aws_region", type=expr("string"), default="us-east-1")``."""
    return BlockSpec(type_, labels, tuple(attributes.items()))


def value_source(value: object, indent: str = "", unit: str = "  ") -> str:
    """HCL source for a Python value; multi-line objects are indented from ``indent``."""
    if isinstance(value, Expr):
        return value.source
    if isinstance(value, Heredoc):
        return heredoc_source(value.text, indent, unit)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(value_source(v, indent, unit) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = indent + unit
        keys = [key_source(k) for k in value]
        width = max(len(k) for k in keys)
        lines = [
            f"{inner}{k}{' ' * (width - len(k))} = {value_source(v, inner, unit)}"
            for k, v in zip(keys, value.values(), strict=True)
        ]
        return "{\n" + "\n".join(lines) + f"\n{indent}}}"
    raise TypeError(f"no HCL form for a {type(value).__name__}")


def key_source(key: object) -> str:
    text = str(key)
    return text if IDENTIFIER.match(text) else quote(text)


def attribute_lines(items: list[tuple[str, object]], indent: str, unit: str) -> list[str]:
    """Attribute lines with `=` aligned over each run of single-line values, as fmt does."""
    rendered = [(name, value_source(value, indent, unit)) for name, value in items]
    lines: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(name) for name, _ in run), default=0)
        lines.extend(f"{indent}{name}{' ' * (width - len(name))} = {src}" for name, src in run)
        run.clear()

    for name, src in rendered:
        if "\n" in src and not src.startswith("<<"):
            flush()
            lines.append(f"{indent}{name} = {src}")
        else:
            run.append((name, src))
    flush()
    return lines


def block_source(spec: BlockSpec, indent: str = "", unit: str = "  ") -> str:
    """Source of a whole block (no trailing newline), formatted for ``indent``."""
    header = " ".join([spec.type, *(quote(label) for label in spec.labels)])
    inner = indent + unit
    lines: list[str] = []
    pending: list[tuple[str, object]] = []
    for item in spec.items:
        if isinstance(item, BlockSpec):
            lines.extend(attribute_lines(pending, inner, unit))
            pending = []
            if lines:
                lines.append("")
            lines.append(block_source(item, inner, unit))
        else:
            if lines and not pending and lines[-1].rstrip().endswith("}"):
                lines.append("")
            pending.append(item)
    lines.extend(attribute_lines(pending, inner, unit))
    if not lines:
        return f"{indent}{header} {{\n{indent}}}"
    return f"{indent}{header} {{\n" + "\n".join(lines) + f"\n{indent}}}"


def parse_expression(source: str) -> n.Expression:
    """An expression node from source text (leading trivia of its first token is empty)."""
    tree = parse(f"x = {source}\n")
    attribute = tree.body.elements[0]
    assert isinstance(attribute, n.Attribute)
    return strip_leading(attribute.value)


def build_expression(value: object, indent: str = "", unit: str = "  ") -> n.Expression:
    return parse_expression(value_source(value, indent, unit))


def build_attribute(name: str, value: object, indent: str, unit: str, newline: str) -> n.Attribute:
    source = f"{indent}{key_source(name)} = {value_source(value, indent, unit)}\n"
    tree = parse(convert_newlines(source, newline))
    attribute = tree.body.elements[0]
    assert isinstance(attribute, n.Attribute)
    return attribute


def build_block(spec: BlockSpec, indent: str, unit: str, newline: str) -> n.Block:
    tree = parse(convert_newlines(block_source(spec, indent, unit) + "\n", newline))
    built = tree.body.elements[0]
    assert isinstance(built, n.Block)
    return built


def build_body_elements(source: str) -> tuple[n.BodyElement, ...]:
    """Body elements parsed from source already laid out for their place."""
    return parse(source).body.elements


def convert_newlines(source: str, newline: str) -> str:
    return source if newline == "\n" else source.replace("\n", newline)


def strip_leading(node: n.Expression) -> n.Expression:
    """The node with its first token's leading trivia removed."""
    from .tree import replace_first_leaf

    return replace_first_leaf(node, lambda leaf: leaf.with_changes(pre=""))
