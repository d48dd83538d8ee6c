"""IAM policy statements wherever a module writes them, read into one shape.

Three forms hold statements: ``jsonencode({Statement = [...]})`` (in ``policy``,
``assume_role_policy``, ``inline_policy``, bucket/queue/topic/key policies, locals, ...), the
``statement`` blocks of ``data "aws_iam_policy_document"``, and JSON text in heredocs or plain
strings. Transforms read a ``Statement`` and edit the node it points at.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from terrafix.model import Module
from terrafix.model.module import SourceFile, literal_string
from terrafix.syntax import nodes as n
from terrafix.syntax.positions import parsed_text
from terrafix.syntax.strings import unescape
from terrafix.syntax.tokens import Leaf
from terrafix.writer.objects import object_key

# Policies whose "*" resource means the resource the policy is attached to.
KEY_POLICY_TYPES = frozenset({"aws_kms_key", "aws_kms_key_policy", "aws_kms_replica_key"})
TRUST_ATTRIBUTES = frozenset({"assume_role_policy"})


@dataclass(frozen=True)
class Statement:
    """One policy statement, with what a rule needs to judge its ``Resource``.

    ``actions`` / ``resources`` are None when some item is not a literal string;
    ``node`` is the statement (an ``Object``, a ``statement`` block, or the heredoc holding it),
    ``container`` what holds it (the ``Statement`` tuple or the document's body).
    """

    path: Path
    block: n.Block
    attribute: str
    form: str  # "jsonencode", "document" or "heredoc"
    node: n.Node
    container: n.Node | None
    index: int
    effect: str | None
    sid: str | None
    actions: tuple[str, ...] | None
    action_key: str | None
    resources: tuple[str, ...] | None
    resource_key: str | None
    resource_value: n.Expression | None
    has_principal: bool
    negated: bool  # NotAction or NotResource: scoping it would change its meaning

    @property
    def address(self) -> str:
        return ".".join((self.block.block_type, *self.block.label_values))

    @property
    def is_resource_policy(self) -> bool:
        """A key, trust or other resource-based policy: there "*" names the resource itself."""
        labels = self.block.label_values
        return (
            self.has_principal
            or self.attribute in TRUST_ATTRIBUTES
            or (
                self.block.block_type == "resource" and labels[:1] and labels[0] in KEY_POLICY_TYPES
            )
        )

    @property
    def wildcard(self) -> bool:
        return self.resources is not None and "*" in self.resources


def statements(module: Module) -> Iterator[Statement]:
    for source in module.parsed:
        # Every jsonencode call spells its name in the file's text: once as many calls as
        # spellings are found, the file's other expressions need no walk.
        unseen = _Spellings(source.text, source.text.count(JSONENCODE))
        for block in _blocks_naming_statements(source):
            if block.block_type == "data" and block.label_values[:1] == (
                "aws_iam_policy_document",
            ):
                yield from _document_statements(source.path, block)
            for attribute, _ in _attributes(block):
                # Asked here, not in a generator per attribute: most attributes hold neither.
                kind = type(attribute.value)
                if kind is n.Heredoc or kind is n.TemplateString:
                    document = json_text(attribute.value)
                    if document is not None:
                        yield from _json_statements(source.path, block, attribute, document)
                elif unseen.count:
                    yield from _expression_statements(source.path, block, attribute, unseen)


JSONENCODE = "jsonencode"
# Every form names its statements with a key spelled "statement" in some case (`Statement =`,
# a `statement` block, JSON's "Statement"), or with an escape that may spell one (`\\u0053`).
KEY_MARKS = ("statement", "\\u")


def _blocks_naming_statements(source: SourceFile) -> list[n.Block]:
    """The file's top-level blocks whose text may name a statement: most blocks of a module
    spell no mark, and need no look at their attributes. Every block when the text's cases or
    the tree's positions cannot be trusted to place a mark (non-ASCII text, a tree not parsed
    from this text)."""
    blocks = list(source.tree.body.blocks())
    text = source.text
    if not text.isascii() or parsed_text(source.tree) != text:
        return blocks
    lowered = text.lower()
    marks = []
    for mark in KEY_MARKS:
        at = lowered.find(mark)
        while at >= 0:
            marks.append(at)
            at = lowered.find(mark, at + 1)
    if not marks:
        return []
    # A mark belongs to the last block starting before it (or lies after that block ends:
    # looking at the block anyway costs a walk, never a statement).
    starts = [block.type.pos for block in blocks]
    chosen = {bisect_right(starts, at) - 1 for at in marks}
    return [blocks[i] for i in sorted(chosen) if i >= 0]


@dataclass
class _Spellings:
    """How many spellings of `jsonencode` in a file's ``text`` are not yet accounted for by a
    call."""

    text: str
    count: int

    def within(self, attribute: n.Attribute) -> int:
        """How many times the text of ``attribute``'s value may spell `jsonencode` (its value
        lies between its `=` and its newline token): a bound on the calls in it. The file's
        count when the tree's positions do not place those tokens in the text (a one-line
        block has no newline token of its own)."""
        text = self.text
        equals, newline = attribute.equals, attribute.newline
        if (
            newline is None
            or not 0 <= equals.pos < newline.pos
            or not text.startswith(equals.text, equals.pos)
            or not text.startswith(newline.text, newline.pos)
        ):
            return self.count
        return text.count(JSONENCODE, equals.pos, newline.pos)


def _attributes(block: n.Block) -> Iterator[tuple[n.Attribute, n.Block]]:
    """Every attribute in ``block`` and its nested blocks (``inline_policy { policy = ... }``)."""
    stack = [block]
    while stack:
        current = stack.pop()
        for element in current.body.elements:
            if type(element) is n.Attribute:
                yield element, current
            elif type(element) is n.Block:
                stack.append(element)


# ---------------------------------------------------------------- jsonencode({...})


def _expression_statements(
    path: Path, block: n.Block, attribute: n.Attribute, unseen: _Spellings
) -> Iterator:
    value = attribute.value
    # Most values hold no call at all, and a policy's holds one: a look at the value's text
    # spares the walk, or ends it once the last call it spells is found.
    left = min(unseen.count, unseen.within(attribute))
    if not left:
        return
    for node in value.walk():
        if type(node) is n.FunctionCall and node.function_name == JSONENCODE:
            unseen.count -= 1
            left -= 1
            document = node.arguments[0].value if node.arguments else None
            if type(document) is n.Object:
                yield from _object_statements(path, block, attribute.key, document)
            if not left:
                return


def _object_statements(path: Path, block: n.Block, attribute: str, document: n.Object):
    items = _items(document)
    listed = items.get("statement")
    if listed is None:
        return
    value = listed.value
    if type(value) is n.Object:
        candidates: list[tuple[n.Node, n.Tuple | None]] = [(value, None)]
    elif type(value) is n.Tuple:
        candidates = [(item.value, value) for item in value.items]
    else:
        return
    for index, (statement, container) in enumerate(candidates):
        if type(statement) is n.Object:
            yield _object_statement(path, block, attribute, statement, container, index)


def _items(obj: n.Object) -> dict[str, n.ObjectItem]:
    """Items by lower-case key (IAM's element names are case-insensitive to readers)."""
    out: dict[str, n.ObjectItem] = {}
    for item in obj.items:
        key = object_key(item)
        if key is not None:
            out.setdefault(key.lower(), item)
    return out


def _object_statement(path, block, attribute, obj: n.Object, container, index) -> Statement:
    items = _items(obj)
    action = items.get("action")
    resource = items.get("resource")
    sid = items.get("sid")
    effect = items.get("effect")
    return Statement(
        path=path,
        block=block,
        attribute=attribute,
        form="jsonencode",
        node=obj,
        container=container,
        index=index,
        effect=literal_string(effect.value) if effect else None,
        sid=literal_string(sid.value) if sid else None,
        actions=string_list(action.value) if action else None,
        action_key=object_key(action) if action else None,
        resources=string_list(resource.value) if resource else None,
        resource_key=object_key(resource) if resource else None,
        resource_value=resource.value if resource else None,
        has_principal="principal" in items or "notprincipal" in items,
        negated="notaction" in items or "notresource" in items,
    )


def string_list(value: n.Expression) -> tuple[str, ...] | None:
    """A string or a tuple of strings as a tuple of their values; None when not all literal."""
    if type(value) is n.Tuple:
        out = tuple(literal_string(item.value) for item in value.items)
        return None if None in out else out
    single = literal_string(value)
    return None if single is None else (single,)


# ---------------------------------------------------------------- aws_iam_policy_document


def _document_statements(path: Path, block: n.Block) -> Iterator[Statement]:
    for index, statement in enumerate(block.body.blocks("statement")):
        body = statement.body
        actions = body.attribute("actions")
        resources = body.attribute("resources")
        effect = body.attribute("effect")
        sid = body.attribute("sid")
        yield Statement(
            path=path,
            block=block,
            attribute="statement",
            form="document",
            node=statement,
            container=block.body,
            index=index,
            effect=literal_string(effect.value) if effect else "Allow",
            sid=literal_string(sid.value) if sid else None,
            actions=string_list(actions.value) if actions else None,
            action_key="actions" if actions else None,
            resources=string_list(resources.value) if resources else None,
            resource_key="resources" if resources else None,
            resource_value=resources.value if resources else None,
            has_principal=any(True for _ in body.blocks("principals"))
            or any(True for _ in body.blocks("not_principals")),
            negated=body.attribute("not_actions") is not None
            or body.attribute("not_resources") is not None,
        )


# ---------------------------------------------------------------- JSON text

PLACEHOLDER = "__terrafix_interpolation__"


def _json_statements(
    path: Path, block: n.Block, attribute: n.Attribute, document: dict
) -> Iterator[Statement]:
    """The statements of ``document``, the JSON policy that ``attribute``'s text spells."""
    listed = next((v for k, v in document.items() if k.lower() == "statement"), None)
    if isinstance(listed, dict):
        listed = [listed]
    if not isinstance(listed, list):
        return
    for index, statement in enumerate(listed):
        if not isinstance(statement, dict):
            continue
        fields = {k.lower(): v for k, v in statement.items()}
        yield Statement(
            path=path,
            block=block,
            attribute=attribute.key,
            form="heredoc",
            node=attribute.value,
            container=None,
            index=index,
            effect=fields.get("effect") if isinstance(fields.get("effect"), str) else None,
            sid=fields.get("sid") if isinstance(fields.get("sid"), str) else None,
            actions=_json_strings(fields.get("action")),
            action_key="Action",
            resources=_json_strings(fields.get("resource")),
            resource_key="Resource",
            resource_value=None,
            has_principal="principal" in fields or "notprincipal" in fields,
            negated="notaction" in fields or "notresource" in fields,
        )


def _json_strings(value: object) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return None if PLACEHOLDER in value else (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return None if any(PLACEHOLDER in v for v in value) else tuple(value)
    return None


JSON_START = re.compile(r"\s*\{")
# Text whose first character after spaces is neither `{` nor an escape (which may spell one).
NOT_OBJECT = re.compile(r"\s*[^\s{\\]")


def json_text(value: n.Expression) -> dict | None:
    """The JSON object a heredoc or string spells, interpolations as placeholders; else None."""
    if type(value) not in (n.Heredoc, n.TemplateString):
        return None
    parts = value.parts
    if not parts or type(parts[0]) is not Leaf or NOT_OBJECT.match(parts[0].text):
        return None  # most strings are names: no need to read them whole
    pieces: list[str] = []
    for part in parts:
        if type(part) is Leaf:
            pieces.append(part.text if type(value) is n.Heredoc else unescape(part.text))
        elif type(part) is n.TemplateInterpolation:
            # inside a JSON string it is part of that string, outside it is a whole value
            inside = _in_json_string("".join(pieces))
            pieces.append(PLACEHOLDER if inside else f'"{PLACEHOLDER}"')
        else:
            return None  # a directive: the text depends on values
    text = "".join(pieces)
    if not JSON_START.match(text):
        return None
    try:
        document = json.loads(text)
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


def _in_json_string(text: str) -> bool:
    """Whether ``text`` ends inside a JSON string (an odd number of unescaped quotes)."""
    inside = False
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = inside
        elif char == '"':
            inside = not inside
    return inside
