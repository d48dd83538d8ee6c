"""A Terraform module: its parsed files, the symbols they declare and the references they make."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

from ..syntax import HclSyntaxError, parse_recovering
from ..syntax import nodes as n
from ..syntax.positions import remember_parsed
from ..syntax.strings import unescape
from ..syntax.tokens import Leaf
from .discovery import auto_load_rank
from .references import Traversal, traversals

# ``Module.references_to`` answers prefixes up to this many names from an index.
INDEXED_PARTS = 3


@dataclass
class SourceFile:
    """One file: its text and tree. A file that does not parse still has a tree, with
    ``Damaged`` nodes where it failed; ``errors`` are all its syntax errors, ``error`` the first."""

    path: Path
    text: str
    tree: n.ConfigFile | None = None
    error: HclSyntaxError | None = None
    errors: list[HclSyntaxError] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path, text: str) -> SourceFile:
        """The file parsed, or the same file parsed a moment ago: rules read the modules around
        the one they check, and a fix pass parses every file of its module again."""
        known = _LOADED.get((path, text))
        if known is not None:
            _LOADED.move_to_end((path, text))
            remember_parsed(known.tree, text)
            return known
        tree = _shared_tree(path, text)
        errors: list[HclSyntaxError] = []
        if tree is None:
            tree, errors = parse_recovering(text, str(path))
            if not errors:
                _share_tree(path, text, tree)
        remember_parsed(tree, text)
        return _loaded(cls(path, text, tree, errors[0] if errors else None, errors))

    @cached_property
    def damaged(self) -> list[n.Damaged]:
        """The error nodes of this file's tree, outermost first."""
        if self.tree is None or not self.errors:
            return []
        return [node for node in self.tree.walk() if type(node) is n.Damaged]

    @cached_property
    def references(self) -> list[Reference]:
        """Every traversal in this file's top-level blocks, in source order of the blocks. Read
        once per file: a file parsed once serves every module built from the same text (the
        modules around the one checked, the module again after a fix)."""
        if self.tree is None:
            return []
        path = self.path
        new = tuple.__new__  # Reference's own ``__new__`` is Python code: one call less each
        return [
            new(Reference, (path, traversal, block))
            for block in self.tree.body.blocks()
            for traversal in traversals(block)
        ]


# The files parsed most recently, by path and text (trees never change, so one parse serves
# every module that holds the same file).
_LOADED: OrderedDict[tuple[Path, str], SourceFile] = OrderedDict()
_LOADED_SIZE = 256


def _loaded(source: SourceFile) -> SourceFile:
    """Note ``source`` as parsed most recently, forgetting the oldest beyond the bound."""
    _LOADED[(source.path, source.text)] = source
    _LOADED.move_to_end((source.path, source.text))
    if len(_LOADED) > _LOADED_SIZE:
        _LOADED.popitem(last=False)
    return source


# The texts that stand at more than one path in the run under way, and the tree of each once
# parsed cleanly, with the file that holds it in every folder (see ``share_repeated``).
_REPEATED: set[str] = set()
_TREES: dict[str, tuple[n.ConfigFile, dict[Path, Path]]] = {}


def share_repeated(texts: Iterable[str]) -> None:
    """Parse once each of ``texts`` that stands at several paths (a module copied between
    folders, the same `versions.tf` in many modules): its tree is then kept for the run. Only
    repeated texts are kept, so a run's memory grows with its copies, not with its size."""
    seen: set[str] = set()
    repeated: set[str] = set()
    for text in texts:
        (repeated if text in seen else seen).add(text)
    _REPEATED.clear()
    _REPEATED.update(repeated)
    _TREES.clear()


def _shared_tree(path: Path, text: str) -> n.ConfigFile | None:
    """The tree ``text`` parsed into for a file of another folder. Two files of one folder never
    share a tree: rules tell a module's files apart by their nodes."""
    known = _TREES.get(text)
    if known is None:
        return None
    tree, holders = known
    return tree if holders.setdefault(path.parent, path) == path else None


def _share_tree(path: Path, text: str, tree: n.ConfigFile) -> None:
    if text in _REPEATED:
        _TREES[text] = (tree, {path.parent: path})


class Symbol(NamedTuple):
    """A declaration: where it is and its block (or attribute, for locals)."""

    path: Path
    node: n.Block | n.Attribute


class Reference(NamedTuple):
    path: Path
    traversal: Traversal
    block: n.Block  # the top-level block the reference sits in


def is_variable_file(path: Path) -> bool:
    """An HCL variable definitions file Terraform loads by itself (`terraform.tfvars`,
    `*.auto.tfvars`); the JSON ones are read by no parser here."""
    return auto_load_rank(path) is not None and not path.name.endswith(".json")


@dataclass
class Module:
    """The files of one directory, parsed; symbols and references are computed on first use.

    ``variable_files`` are the folder's automatically loaded variable definitions files: values
    for the module's variables, not configuration, so they are kept apart from ``files`` (which
    every rule reads as declarations) and only rules that look for them see them.
    """

    directory: Path
    files: dict[Path, SourceFile] = field(default_factory=dict)
    variable_files: dict[Path, SourceFile] = field(default_factory=dict)

    @classmethod
    def from_texts(cls, directory: Path, texts: dict[Path, str]) -> Module:
        """The module of ``texts``; automatically loaded variable files go to ``variable_files``."""
        loaded = {p: SourceFile.load(p, t) for p, t in sorted(texts.items())}
        return cls(
            directory,
            {p: s for p, s in loaded.items() if not is_variable_file(p)},
            {p: s for p, s in loaded.items() if is_variable_file(p)},
        )

    @property
    def sources(self) -> dict[Path, SourceFile]:
        """Every file the module holds: its configuration files and its variable files."""
        return {**self.files, **self.variable_files}

    @property
    def texts(self) -> dict[Path, str]:
        return {path: source.text for path, source in self.sources.items()}

    def source(self, path: Path) -> SourceFile | None:
        return self.files.get(path) or self.variable_files.get(path)

    def remember_texts(self) -> None:
        """Note again which text each file's tree was parsed from, so nodes are located and
        edited by their tokens' positions, and that the files were parsed just now, so the rules
        reading this module's neighbours from disk find them parsed. The notes are bounded, and
        whatever was parsed since this module was (its callers, other modules of the run) may
        have pushed its files out."""
        for source in self.parsed:
            remember_parsed(source.tree, source.text)
            _loaded(source)

    @cached_property
    def damage(self) -> list[tuple[Path, n.Damaged]]:
        """Every error node of the module's files: text whose declarations and references are
        unknown."""
        return [(s.path, node) for s in self.files.values() for node in s.damaged]

    @property
    def complete(self) -> bool:
        """True when every file parsed: only then may a rule conclude from what is absent
        (a reference that no declaration answers, a declaration that nothing uses)."""
        return not self.damage

    @cached_property
    def damaged_declarations(self) -> set[tuple[str, ...]]:
        """(block type, *labels) of every block header in damaged text, plus ("local", name) and
        ("argument", name) for each `name =` line there: what damaged text may declare."""
        out: set[tuple[str, ...]] = set()
        for _, node in self.damage:
            out.update((type_, *labels) for type_, labels in node.declarations())
            for name in node.argument_names():
                out.add(("local", name))
                out.add(("argument", name))
        return out

    def may_declare(self, kind: str, *labels: str) -> bool:
        """Whether the module declares ``kind labels``, in intact or in damaged text.

        ``kind`` is a block type (`variable`, `resource`, `data`, `module`, `output`) or `local`.
        """
        intact: dict | None = None
        key: object = labels[0] if len(labels) == 1 else labels
        if kind == "variable":
            intact = self.variables
        elif kind == "output":
            intact = self.outputs
        elif kind == "module":
            intact = self.module_calls
        elif kind == "local":
            intact = self.locals
        elif kind == "resource":
            intact, key = self.resources, labels
        elif kind == "data":
            intact, key = self.data_sources, labels
        if intact is not None and key in intact:
            return True
        return (kind, *labels) in self.damaged_declarations

    @property
    def parsed(self) -> Iterator[SourceFile]:
        return (f for f in self.files.values() if f.tree is not None)

    def top_level_blocks(self, type_: str | None = None) -> Iterator[tuple[Path, n.Block]]:
        for source in self.parsed:
            for block in source.tree.body.blocks(type_):
                yield source.path, block

    @cached_property
    def variables(self) -> dict[str, Symbol]:
        return self._labelled("variable", 1)

    @cached_property
    def outputs(self) -> dict[str, Symbol]:
        return self._labelled("output", 1)

    @cached_property
    def resources(self) -> dict[tuple[str, str], Symbol]:
        return self._labelled("resource", 2)

    @cached_property
    def data_sources(self) -> dict[tuple[str, str], Symbol]:
        return self._labelled("data", 2)

    @cached_property
    def module_calls(self) -> dict[str, Symbol]:
        return self._labelled("module", 1)

    @cached_property
    def providers(self) -> dict[tuple[str, str | None], Symbol]:
        """(provider name, alias or None) → its provider block."""
        out = {}
        for path, block in self.top_level_blocks("provider"):
            if len(block.labels) == 1:
                alias = block.body.attribute("alias")
                alias_name = _literal_string(alias.value) if alias else None
                out[(block.label_values[0], alias_name)] = Symbol(path, block)
        return out

    @cached_property
    def locals(self) -> dict[str, Symbol]:
        out = {}
        for path, block in self.top_level_blocks("locals"):
            for attribute in block.body.attributes():
                out.setdefault(attribute.name.text, Symbol(path, attribute))
        return out

    @cached_property
    def terraform_blocks(self) -> list[Symbol]:
        return [Symbol(p, b) for p, b in self.top_level_blocks("terraform")]

    @cached_property
    def required_providers(self) -> dict[str, Symbol]:
        """Provider local name → the `required_providers` block that lists it."""
        out = {}
        for symbol in self.terraform_blocks:
            for inner in symbol.node.body.blocks("required_providers"):
                for attribute in inner.body.attributes():
                    out.setdefault(attribute.name.text, Symbol(symbol.path, inner))
        return out

    @cached_property
    def backend(self) -> Symbol | None:
        for symbol in self.terraform_blocks:
            for inner in symbol.node.body.blocks("backend"):
                return Symbol(symbol.path, inner)
        return None

    @cached_property
    def references(self) -> list[Reference]:
        return [reference for source in self.parsed for reference in source.references]

    def references_to(self, *prefix: str) -> list[Reference]:
        """The references that read ``prefix`` (`"var"`, `"var", "name"`, …), in the order
        ``references`` holds them."""
        if 0 < len(prefix) <= INDEXED_PARTS:
            return list(self._references_by_prefix.get(prefix, ()))
        size = len(prefix)
        return [r for r in self.references if r.traversal.parts[:size] == prefix]

    def read_prefixes(self, size: int) -> Iterator[tuple[str, ...]]:
        """Each distinct run of the first ``size`` names (at most ``INDEXED_PARTS``) that some
        reference reads, once: what is read, without going through every reading of it."""
        return (prefix for prefix in self._references_by_prefix if len(prefix) == size)

    @cached_property
    def _references_by_prefix(self) -> dict[tuple[str, ...], list[Reference]]:
        """``references_to``'s index: rules ask it once per variable, local or resource, and a
        scan of every reference each time grew with the square of the module."""
        index: dict[tuple[str, ...], list[Reference]] = {}
        get = index.get
        sizes = tuple(range(1, INDEXED_PARTS + 1))
        for reference in self.references:
            parts = reference.traversal.parts
            for size in sizes[: len(parts)]:
                key = parts[:size]
                found = get(key)
                if found is None:
                    index[key] = [reference]
                else:
                    found.append(reference)
        return index

    def _labelled(self, type_: str, count: int) -> dict:
        out = {}
        for path, block in self.top_level_blocks(type_):
            labels = block.label_values
            if len(labels) != count:
                continue
            key = labels[0] if count == 1 else labels
            out.setdefault(key, Symbol(path, block))
        return out


def _literal_string(expr: n.Expression) -> str | None:
    """The value of a string literal with no interpolation, else None."""
    if type(expr) is not n.TemplateString:
        return None
    parts = expr.parts
    if len(parts) == 1:  # nearly every literal: asked of every value rules read
        part = parts[0]
        return unescape(part.text) if type(part) is Leaf else None
    if all(type(p) is Leaf for p in parts):
        return "".join(unescape(p.text) for p in parts)
    return None


literal_string = _literal_string
