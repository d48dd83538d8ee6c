"""Carrying out a naming plan on a changeset: locals, names, and the strings that spell them."""

from __future__ import annotations

import contextlib
from pathlib import Path

from terrafix.engine.changeset import Changeset
from terrafix.model.static_contexts import allows_new_references
from terrafix.syntax import nodes as n
from terrafix.syntax.errors import HclSyntaxError
from terrafix.writer import expr, parse_expression, path_to, set_attribute
from terrafix.writer.align import realign_body
from terrafix.writer.original import original_file

from ._callers import local_source
from ._plan import NamingPlan, SiteChange, Wiring
from ._rewrite import MIN_FOLLOWED_LENGTH, replace_names, source_of, template_inner

SKIPPED_ATTRIBUTES = frozenset({"description"})
# Shell commands and scripts spell paths and words, not AWS names: a path segment that happens to
# equal a renamed name (`s3://bucket/kubecost/file.yml`) must not change.
SCRIPT_BLOCKS = frozenset({"provisioner", "connection"})
SCRIPT_ATTRIBUTES = frozenset({"command", "inline", "script", "user_data", "user_data_base64"})
_NOT_FOLLOWED = SKIPPED_ATTRIBUTES | SCRIPT_ATTRIBUTES


def apply_plan(changes: Changeset, plan: NamingPlan) -> None:
    for symbol, source in plan.local_fixes:
        changes.replace_expression(symbol.path, symbol.node.value, parse_expression(source))
    _follow_renames(changes, plan)
    for change in plan.changes:
        _rewrite_site(changes, change)
    for wiring in plan.wirings:
        _pass_suffix(changes, wiring, plan.suffix_expression)


def _pass_suffix(changes: Changeset, wiring: Wiring, suffix: str) -> None:
    document = changes.document(wiring.path)
    anchor = wiring.call.body.attribute("source")
    block = next(b for b in reversed(path_to(document.tree, anchor)) if type(b) is n.Block)
    value = expr(suffix)
    document.replace(block, set_attribute(block, wiring.argument, value, document.style))


def _rewrite_site(changes: Changeset, change: SiteChange) -> None:
    site = change.site
    document = changes.document(site.path)
    if change.prefix_argument is not None:
        block = next(
            b for b in reversed(path_to(document.tree, site.attribute)) if type(b) is n.Block
        )
        body = block.body
        index = body.elements.index(site.attribute)
        attribute = site.attribute.with_changes(
            name=site.attribute.name.with_changes(text=site.rules.prefix_attribute),
            value=_with_pre(parse_expression(f'"{change.prefix_argument}"'), site.attribute.value),
        )
        elements = list(body.elements)
        elements[index] = attribute
        new_body = realign_body(body.with_changes(elements=tuple(elements)), {index})
        document.replace(block, block.with_changes(body=new_body))
    elif change.value is not None:
        document.replace_expression(site.attribute.value, parse_expression(change.value))


def _with_pre(value: n.Expression, old: n.Expression) -> n.Expression:
    from terrafix.writer.tree import replace_first_leaf

    pre = old.first_leaf().pre
    return replace_first_leaf(value, lambda leaf: leaf.with_changes(pre=pre))


def _follow_renames(changes: Changeset, plan: NamingPlan) -> None:
    """Rewrite other strings that spell a renamed name, so they name the same resource."""
    others: list[tuple[str, str]] = []
    own: dict[int, list[tuple[str, str]]] = {}
    # Names and the locals that get the suffix are rewritten on their own; following a rename
    # into them would edit a node that is already replaced.
    name_values: set[int] = {id(c.site.attribute.value) for c in plan.changes}
    name_values.update(id(symbol.node.value) for symbol, _ in plan.local_fixes)
    for change in plan.changes:
        old = template_inner(change.site.attribute.value)
        if old is None:
            continue
        if change.follow_inner is not None:
            others.append((old, change.follow_inner))
        if change.renamed_inner is not None:
            own.setdefault(id(change.site.block), []).append((old, change.renamed_inner))
    if not others and not own:
        return
    olds = {old for old, _ in others}
    olds.update(old for renames in own.values() for old, _ in renames)
    followed = {old for old in olds if len(old) >= MIN_FOLLOWED_LENGTH}
    module = changes.module
    for path, source in module.files.items():
        if source.tree is None:
            continue
        in_file = {old for old in followed if old in source.text}
        if not in_file:
            continue  # no block of the file spells an old name
        for block in source.tree.body.blocks():
            if block.block_type == "module" and local_source(block) is None:
                continue  # a registry module's arguments name things of its own (Helm releases)
            renames = own.get(id(block), []) + others
            if renames and _spells_any(source.tree, block, renames, in_file):
                _follow_in_block(changes, path, block, renames, name_values)


def _spells_any(
    tree: n.ConfigFile, block: n.Block, renames: list[tuple[str, str]], in_file: set[str]
) -> bool:
    """Whether the block's text holds an old name that is followed (``in_file``: those its
    file's text holds, found once per file): a string of the block spells a name only where
    the block does, so the others need no walk."""
    olds = [old for old, _ in renames if old in in_file]
    if not olds:
        return False
    block_text = original_file(tree).text_of(block)
    return any(old in block_text for old in olds)


def _follow_in_block(
    changes: Changeset,
    path: Path,
    block: n.Block,
    renames: list[tuple[str, str]],
    name_values: set[int],
) -> None:
    stack: list[n.Node] = [block]
    while stack:
        node = stack.pop()
        kind = type(node)
        if id(node) in name_values:
            continue
        if kind is n.Attribute and node.name.text in _NOT_FOLLOWED:
            continue
        if kind is n.Block:
            if node.block_type not in SCRIPT_BLOCKS:
                stack.append(node.body)  # labels are names of the configuration, not of AWS's
            continue
        if kind is n.Heredoc and not _json_heredoc(node):
            continue
        if kind in (n.TemplateString, n.Heredoc):
            text = source_of(node)
            new_text = replace_names(text, renames)
            # A backend's table name, a description: no reference may go there.
            if new_text != text and allows_new_references(block, node):
                with contextlib.suppress(HclSyntaxError):
                    changes.replace_expression(path, node, parse_expression(new_text))
            continue
        stack.extend(child for child in node.children() if isinstance(child, n.Node))


def _json_heredoc(heredoc: n.Heredoc) -> bool:
    """A heredoc holding a JSON document (a policy), where ARNs spell names; not a script."""
    body = source_of(heredoc).split("\n", 1)[-1]
    return body.lstrip().startswith(("{", "["))
