"""Hard-coded AWS account ids in string literals: where they sit and what surrounds them.

An id counts when it is the account field of an ARN (``arn:aws:kms:us-east-1:123456789012:key/x``)
or a whole literal where an account is expected (``principal``, ``source_account``, a policy's
``Principal = { AWS = ... }``, ``aws:SourceAccount`` conditions, ``principals`` identifiers).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from terrafix.model import Module
from terrafix.model.module import literal_string
from terrafix.model.static_contexts import allows_new_references
from terrafix.syntax import nodes as n
from terrafix.syntax.tokens import Leaf
from terrafix.writer.objects import object_key

# Blocks where a data source cannot be referenced, or where a literal id is the point.
SKIPPED_BLOCKS = frozenset({"variable", "provider", "terraform"})
ACCOUNT_KEYS = frozenset(
    {
        "principal",
        "source_account",
        "account_id",
        "aws",
        "identifiers",
        "aws:sourceaccount",
        "aws:sourceowner",
        "aws:principalaccount",
        "aws:resourceaccount",
    }
)
ACCOUNT_CONDITIONS = frozenset(k for k in ACCOUNT_KEYS if k.startswith("aws:"))
ACCOUNT = re.compile(r"\d{12}")
# Where twelve digits start: what ``ACCOUNT.search`` finds, in half the time on a file with none
# (a search for one digit followed by more skips ahead faster than one for a run of them).
TWELVE_DIGITS = re.compile(r"\d(?=\d{11})")
MARK = "\x00(\\d+)\x00"
ARN = re.compile(
    rf"arn:(?:aws[\w-]*|{MARK}):(?:[\w-]+|{MARK}):(?P<region>[\w-]*|{MARK}):"
    r"(?P<account>\d{12})(?=[:/])"
    # the account in the key prefix AWS services deliver logs under (S3 object ARNs)
    r"|arn:(?:aws[\w-]*|" + MARK + r"):s3:::[^\s\"]*?/AWSLogs/(?P<logs>\d{12})(?=/|\Z)"
)


@dataclass(frozen=True)
class AccountSite:
    """A literal holding hard-coded account ids: ``whole`` when the literal is only the id."""

    path: Path
    block: n.Block
    node: n.TemplateString | n.Heredoc
    accounts: tuple[str, ...]
    whole: bool
    key: str | None
    arns: tuple[str, ...]  # the ARN prefixes matched, e.g. "arn:aws:lambda:x:1234...:" + rest


def account_sites(module: Module) -> Iterator[AccountSite]:
    for source in module.parsed:
        if _may_spell_an_id(source.text):
            yield from _file_sites(source.path, source.tree)


def _file_sites(path: Path, tree: n.ConfigFile) -> Iterator[AccountSite]:
    for block in tree.body.blocks():
        if block.block_type == "variable":
            yield from _default_sites(path, block)
            continue
        if block.block_type in SKIPPED_BLOCKS:
            continue
        if block.label_values[:1] == ("aws_caller_identity",):
            continue
        for node, key in _literals(block):
            site = _site(path, block, node, key)
            # Prose (a description) documents an id; a place Terraform reads without
            # evaluating (a module's source, a variable's default) cannot take a reference.
            if site is not None and allows_new_references(block, node):
                yield site


# Every ASCII digit as "0", every other byte as a space: twelve digits become a run of zeros,
# which a plain substring search finds ten times faster than a pattern does.
DIGITS_AS_ZEROS = bytes(48 if 48 <= byte <= 57 else 32 for byte in range(256))
TWELVE_ZEROS = b"0" * 12


def _may_spell_an_id(text: str) -> bool:
    """Whether ``text`` may hold an account id: twelve digits, or escapes that could spell
    them. Most files hold none, and their strings need no closer look."""
    if "\\u" in text or "\\U" in text:
        return True
    if text.isascii():  # ``\d`` matches other scripts' digits too: only ASCII text is bytes
        return TWELVE_ZEROS in text.encode().translate(DIGITS_AS_ZEROS)
    return TWELVE_DIGITS.search(text) is not None


def _default_sites(path: Path, block: n.Block) -> Iterator[AccountSite]:
    """Ids in a variable's default: no reference may go there, so they are only reported."""
    default = block.body.attribute("default")
    if default is None:
        return
    name = block.label_values[0] if block.label_values else ""
    key = "account_id" if "account" in name.lower() else None
    for node, inner in _literals(default.value, key):
        site = _site(path, block, node, inner)
        if site is not None:
            yield site


def _literals(
    start: n.Node, key: str | None = None
) -> Iterator[tuple[n.TemplateString | n.Heredoc, str | None]]:
    """Every string literal under ``start`` with the key it sits under (attribute or object
    key; ``key`` for literals outside any)."""
    stack: list[tuple[n.Node, str | None]] = [(start, key)]
    while stack:
        node, key = stack.pop()
        kind = type(node)
        if kind is n.Block:
            condition_key = _condition_key(node)
            for element in node.body.elements:
                if type(element) is n.Attribute:
                    inner = element.key
                    if inner == "values" and condition_key:
                        inner = condition_key
                    stack.append((element.value, inner))
                elif type(element) is n.Block:
                    stack.append((element, None))
        elif kind in (n.TemplateString, n.Heredoc):
            yield node, key
        elif kind is n.Object:
            for item in node.items:
                stack.append((item.value, object_key(item) or key))
        else:
            stack.extend((child, key) for child in node.children() if isinstance(child, n.Node))


def _condition_key(block: n.Block) -> str | None:
    """For a ``condition`` block testing an account condition key, that key."""
    if block.block_type != "condition":
        return None
    variable = block.body.attribute("variable")
    value = literal_string(variable.value) if variable else None
    return value.lower() if value and value.lower() in ACCOUNT_CONDITIONS else None


def _site(path: Path, block: n.Block, node, key: str | None) -> AccountSite | None:
    whole = literal_string(node) if type(node) is n.TemplateString else None
    if whole is not None and ACCOUNT.fullmatch(whole):
        if key is not None and key.lower() in ACCOUNT_KEYS:
            return AccountSite(path, block, node, (whole,), True, key, ())
        return None
    text, _ = flatten(node)
    matches = list(ARN.finditer(text))
    if not matches:
        return None
    accounts = tuple(dict.fromkeys(m.group("account") or m.group("logs") for m in matches))
    arns = tuple(text[m.start() :] for m in matches)
    return AccountSite(path, block, node, accounts, False, key, arns)


def flatten(node: n.TemplateString | n.Heredoc) -> tuple[str, list[str]]:
    """The literal's source between its delimiters, each interpolation or directive a marker."""
    pieces: list[str] = []
    parts: list[str] = []
    for part in node.parts:
        if type(part) is Leaf:
            pieces.append(part.text)
        else:
            pieces.append(f"\x00{len(parts)}\x00")
            parts.append(part.render())
    return "".join(pieces), parts


def rewritten(node: n.TemplateString | n.Heredoc, account: str, region: tuple[str, str] | None):
    """Source of ``node`` with its ARNs' account fields (and ``region`` = (literal, expression)
    region fields) replaced by interpolations."""
    text, parts = flatten(node)

    def swap(match: re.Match[str]) -> str:
        start = match.start()
        piece = match.group(0)
        field = "account" if match.group("account") else "logs"
        pieces = [(match.start(field) - start, match.end(field) - start, account)]
        if field == "account" and region is not None and match.group("region") == region[0]:
            pieces.append((match.start("region") - start, match.end("region") - start, region[1]))
        for begin, end, expression in sorted(pieces, reverse=True):
            piece = piece[:begin] + "${" + expression + "}" + piece[end:]
        return piece

    body = ARN.sub(swap, text)
    body = re.sub(MARK, lambda m: parts[int(m.group(1))], body)
    return node.open.text + body + node.close.pre + node.close.text
