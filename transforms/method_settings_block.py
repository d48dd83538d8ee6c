"""TF021 method-settings-block: nested blocks written as `name = { ... }` become blocks."""

from __future__ import annotations

from collections.abc import Iterable

from terrafix.data.advice import BLOCK_ARGUMENTS
from terrafix.engine.changeset import Changeset
from terrafix.engine.findings import Applicability, Finding, Fix
from terrafix.engine.locate import span_of
from terrafix.engine.rules import Rule, RuleContext
from terrafix.syntax import nodes as n
from terrafix.syntax.tokens import Leaf
from terrafix.writer import BlockSpec, Expr, Style
from terrafix.writer.align import realign_body
from terrafix.writer.body import indent_of
from terrafix.writer.build import IDENTIFIER, block_source, build_body_elements, convert_newlines
from terrafix.writer.objects import object_key


class MethodSettingsBlock(Rule):
    code = "TF021"
    slug = "method-settings-block"
    summary = "Write nested blocks as blocks: `settings { ... }`, not `settings = { ... }`."
    applicability = Applicability.SAFE
    explanation = """\
## What it does
Finds arguments that the AWS provider declares as nested blocks but that are written as an
attribute with an object value, such as `settings = { ... }` on
`aws_api_gateway_method_settings` (also `environment`, `vpc_config`, `tracing_config`… on
`aws_lambda_function` and `point_in_time_recovery`, `server_side_encryption`, `ttl` on
`aws_dynamodb_table`), and writes them as blocks. The object's items become the block's
arguments, in their order, with their comments; commas go.

## Why
`terraform validate` stops with "An argument named "settings" is not expected here. Did you
mean to define a block of type "settings"?". An object and a block look alike but are different
things to Terraform.

## Example
Before:
```hcl
resource "aws_api_gateway_method_settings" "main" {
  settings = { # Should be a block, not a map
    metrics_enabled = true
  }
}
```
After:
```hcl
resource "aws_api_gateway_method_settings" "main" {
  settings { # Should be a block, not a map
    metrics_enabled = true
  }
}
```

## Fix safety
Safe: the module did not validate before, and the block holds the same arguments and values.
When the value is not an object literal (`settings = var.settings`), or an item's key is not a
plain name, the finding only reports: a `dynamic` block or a rewrite by hand is needed.
"""

    def check(self, context: RuleContext) -> Iterable[Finding]:
        module = context.module
        for (type_, name), symbol in sorted(module.resources.items()):
            for argument in BLOCK_ARGUMENTS.get(type_, ()):
                attribute = symbol.node.body.attribute(argument)
                if attribute is None:
                    continue
                tree = module.files[symbol.path].tree
                start, _ = span_of(tree, attribute.name)
                _, end = span_of(tree, attribute.value)
                changes = Changeset(module)
                new_block = as_block(attribute, changes.document(symbol.path).style)
                fix = None
                if new_block is not None:
                    changes.replace(
                        symbol.path, symbol.node, _swapped(symbol.node, attribute, new_block)
                    )
                    fix = Fix(
                        f"write {argument} as a block",
                        Applicability.SAFE,
                        changes.base(),
                        changes.changes(),
                    )
                how = (
                    f"write `{argument} {{ ... }}`"
                    if fix
                    else "write it as a block (a `dynamic` block for a computed value)"
                )
                yield Finding(
                    self.code,
                    self.slug,
                    f"{type_}.{name}: {argument} is a block, not an argument; {how}",
                    symbol.path,
                    start,
                    end,
                    key=f"{self.code}:{module.directory}:{type_}.{name}.{argument}",
                    severity="error",
                    fix=fix,
                )


def _swapped(resource: n.Block, attribute: n.Attribute, new_block: n.Block) -> n.Block:
    """``resource`` with ``attribute`` replaced by ``new_block``; the `=` run it left is realigned."""
    elements = list(resource.body.elements)
    index = next(i for i, e in enumerate(elements) if e is attribute)
    elements[index] = new_block
    body = realign_body(resource.body.with_changes(elements=tuple(elements)), {index})
    return resource.with_changes(body=body)


def as_block(attribute: n.Attribute, style: Style) -> n.Block | None:
    """The block ``attribute``'s object literal stands for, laid out where the attribute was."""
    value = attribute.value
    if attribute.newline is None:  # inside a one-line block, which cannot hold a block
        return None
    if type(value) is not n.Object or value.open.comments() or attribute.equals.comments():
        return None
    keys = [object_key(item) for item in value.items]
    if not all(key is not None and IDENTIFIER.match(key) for key in keys):
        return None
    source = _kept_layout(attribute, value, keys) or _rebuilt(attribute, value, keys, style)
    if source is None:
        return None
    (block,) = build_body_elements(source)
    if type(block) is not n.Block:
        return None
    body = realign_body(block.body, set(range(len(block.body.elements))))
    block = block.with_changes(body=body)
    if attribute.newline.text == "":
        block = block.with_changes(newline=block.newline.with_changes(text=""))
    return block


def _kept_layout(attribute: n.Attribute, value: n.Object, keys: list[str | None]) -> str | None:
    """Source of the block keeping the object's own lines and comments: possible when it has
    one item per line and its closing brace on a line of its own."""
    if not any(leaf.type == "NL" for leaf in value.leading) and value.items:
        return None
    parts = [attribute.name.pre, attribute.name.text, " {"]
    parts.extend(leaf.render() for leaf in value.leading)
    if not value.leading:
        parts.append("\n")
    for item, key in zip(value.items, keys, strict=True):
        if not any(leaf.type == "NL" for leaf in item.separators):
            return None
        parts.append(item.key.first_leaf().pre + str(key))
        parts.append((item.assign.pre or " ") + "=")
        parts.append(item.value.render())
        parts.extend(_without_comma(leaf) for leaf in item.separators)
    parts.append(value.close.render())
    parts.append(attribute.newline.render() or "\n")
    return "".join(parts)


def _without_comma(leaf: Leaf) -> str:
    return leaf.pre if leaf.type == "COMMA" else leaf.render()


def _rebuilt(
    attribute: n.Attribute, value: n.Object, keys: list[str | None], style: Style
) -> str | None:
    """Source of the block laid out anew: for one-line objects without comments."""
    if "\n" in value.render() or any(leaf.comments() for leaf in value.leaves()):
        return None
    items = tuple(
        (str(key), Expr(item.value.render().strip()))
        for item, key in zip(value.items, keys, strict=True)
    )
    indent = indent_of(attribute.name)
    source = block_source(BlockSpec(attribute.name.text, (), items), indent, style.unit)
    if not items:
        source = f"{indent}{attribute.name.text} {{}}"
    trailing = attribute.newline.pre
    return convert_newlines(source + trailing + "\n", style.newline)
