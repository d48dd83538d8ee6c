"""Edits to a module made by one fix, with de-duplicated "ensure" helpers that pick the file.

A ``Changeset`` opens documents lazily on the module's current texts; a fix edits them and the
changeset reports the resulting texts. ``ensure_*`` helpers add a declaration only when the
module does not have it yet, into the file the module's own conventions suggest.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Module
from ..syntax import nodes as n
from ..syntax.identity_cache import IdentityCache
from ..syntax.strings import quote
from ..syntax.tokens import Leaf
from ..writer import BlockSpec, Document, Expr, Style, set_attribute, value_source
from ..writer.body import body_indent, indent_of, insert_block_before, owned_comment_lines
from ..writer.build import block_source, build_block, build_body_elements, convert_newlines

VARIABLE_FILES = ("variables.tf", "vars.tf", "variable.tf", "inputs.tf")
LOCALS_FILES = ("locals.tf", "local.tf")
DATA_FILES = ("data.tf", "datasources.tf", "data_sources.tf")
PROVIDER_FILES = ("versions.tf", "provider.tf", "providers.tf", "terraform.tf")

# Every fix of a pass opens the same few texts: read each one's style once.
_style_of = IdentityCache(Style.of)


class Changeset:
    def __init__(self, module: Module) -> None:
        self.module = module
        self.documents: dict[Path, Document] = {}
        self.style = self._module_style()
        self._ensured: set[tuple[str, str]] = set()

    def _module_style(self) -> Style:
        for source in self.module.files.values():
            return _style_of(source.text)
        return Style()

    def document(self, path: Path) -> Document:
        """The document for ``path``: an existing file of the module (a variable file too) or a
        new one."""
        if path not in self.documents:
            source = self.module.source(path)
            if source is not None and source.tree is not None:
                self.documents[path] = Document(
                    str(path), source.text, source.tree, _style_of(source.text)
                )
            else:
                # A new file is laid out as `terraform fmt` would write it (two-space indents),
                # with the module's line endings.
                style = Style(newline=self.style.newline)
                self.documents[path] = Document.new(str(path), style)
        return self.documents[path]

    def changes(self) -> dict[Path, str]:
        return {p: d.text() for p, d in self.documents.items() if d.changed}

    def base(self) -> dict[Path, str]:
        return self.module.texts

    def replace(self, path: Path, old, new) -> None:
        self.document(path).replace(old, new)

    def replace_expression(self, path: Path, old, new) -> None:
        self.document(path).replace_expression(old, new)

    def current(self, path: Path, node):
        """The node that now stands where ``node`` stood (after earlier edits of this fix)."""
        return node

    # ---------------------------------------------------------------- choosing files

    def file_for(self, preferred: tuple[str, ...], fallback: str) -> Path:
        """The module's existing file among ``preferred`` (or one named like them), else a new one.

        A file cut off inside a block is passed over: what is appended to it would land in the
        unclosed block.
        """
        names = {p.name: p for p, s in self.module.files.items() if not _cut_off(s)}
        for name in preferred:
            if name in names:
                return names[name]
        stem = preferred[0].removesuffix(".tf")
        for name, path in sorted(names.items()):
            if name.startswith(stem):
                return path
        return self.module.directory / fallback

    def file_declaring(self, block_type: str, preferred: tuple[str, ...]) -> Path:
        """A file that already holds ``block_type`` blocks, by the preferred names first."""
        chosen = self.file_for(preferred, preferred[0])
        if chosen.exists() or chosen in self.module.files:
            return chosen
        holders = [p for p, _ in self.module.top_level_blocks(block_type)]
        return holders[0] if holders else chosen

    # ---------------------------------------------------------------- ensure helpers

    def ensure_variable(self, name: str, spec: BlockSpec) -> bool:
        """Declare ``variable "name"`` unless the module has it; True when this call added it."""
        if self.module.may_declare("variable", name) or ("variable", name) in self._ensured:
            return False
        self._ensured.add(("variable", name))
        path = self.file_for(VARIABLE_FILES, "variables.tf")
        self.document(path).append_block(spec)
        return True

    def ensure_local(self, name: str, value_source: str) -> bool:
        if self.module.may_declare("local", name) or ("local", name) in self._ensured:
            return False
        self._ensured.add(("local", name))
        from ..writer.body import set_body_attribute
        from ..writer.build import Expr

        for path, block in self.module.top_level_blocks("locals"):
            doc = self.document(path)
            current = next(
                b for b in doc.tree.body.blocks("locals") if b.render() == block.render()
            )
            new_body = set_body_attribute(
                current, current.body, name, Expr(value_source), doc.style
            )
            doc.replace(current, current.with_changes(body=new_body))
            return True
        path = self.file_for(LOCALS_FILES, "locals.tf")
        from ..writer import block as make_block

        self.document(path).append_block(make_block("locals", **{name: Expr(value_source)}))
        return True

    def ensure_data_source(self, type_: str, name: str, spec: BlockSpec) -> bool:
        if (
            self.module.may_declare("data", type_, name)
            or (
                "data",
                f"{type_}.{name}",
            )
            in self._ensured
        ):
            return False
        self._ensured.add(("data", f"{type_}.{name}"))
        path = self.file_declaring("data", DATA_FILES)
        self.document(path).append_block(spec)
        return True

    def ensure_required_provider(self, name: str, source: str, version: str | None) -> bool:
        """List ``name = { source, version }`` in ``terraform { required_providers {} }``; with
        ``version`` None the entry names its source alone.

        The entry joins the module's existing ``required_providers`` block wherever it is kept;
        else a ``required_providers`` block is created in an existing ``terraform`` block; else
        a ``terraform`` block is added to the module's versions/provider file (a new
        ``versions.tf`` when it has none). True when this call added the entry.
        """
        if (
            name in self.module.required_providers
            or ("argument", name) in self.module.damaged_declarations
            or ("provider", name) in self._ensured
        ):
            return False
        self._ensured.add(("provider", name))
        entry = {"source": source} if version is None else {"source": source, "version": version}
        found = self._required_providers_block()
        if found is not None:
            path, required = found
            if required.body.attribute(name) is not None:
                return False
            doc = self.document(path)
            doc.replace(required, _with_provider_entry(required, name, entry, doc.style))
            return True
        spec = BlockSpec("required_providers", (), ((name, entry),))
        home = self._terraform_block()
        if home is not None:
            path, terraform = home
            doc = self.document(path)
            doc.replace(terraform, insert_nested_block(terraform, spec, doc.style))
            return True
        doc = self.document(self._versions_file())
        terraform = BlockSpec("terraform", (), (spec,))
        if next(doc.tree.body.blocks(), None) is None:
            doc.append_block(terraform)
        else:
            doc.tree = doc.tree.with_changes(
                body=prepend_block(doc.tree.body, terraform, doc.style)
            )
        return True

    def _current_trees(self) -> list[tuple[Path, n.ConfigFile]]:
        """Every parsed file's tree as this changeset has it now, by provider-file preference."""
        paths = [p for p, s in self.module.files.items() if s.tree is not None]
        paths += [p for p in self.documents if p not in self.module.files]
        trees = [
            (p, self.documents[p].tree if p in self.documents else self.module.files[p].tree)
            for p in paths
        ]
        return sorted(trees, key=lambda item: _provider_file_rank(item[0]))

    def _required_providers_block(self) -> tuple[Path, n.Block] | None:
        for path, tree in self._current_trees():
            for terraform in tree.body.blocks("terraform"):
                for required in terraform.body.blocks("required_providers"):
                    return path, required
        return None

    def _terraform_block(self) -> tuple[Path, n.Block] | None:
        """The terraform block to hold a new required_providers: not a backend-only one first."""
        candidates = [
            (next(t.body.blocks("backend"), None) is not None, rank, path, t)
            for rank, (path, tree) in enumerate(self._current_trees())
            for t in tree.body.blocks("terraform")
        ]
        if not candidates:
            return None
        _, _, path, terraform = min(candidates, key=lambda c: (c[0], c[1]))
        return path, terraform

    def _versions_file(self) -> Path:
        names = {p.name: p for p in self.module.files}
        for name in PROVIDER_FILES:
            if name in names:
                return names[name]
        return self.module.directory / PROVIDER_FILES[0]


def _provider_file_rank(path: Path) -> tuple[int, str]:
    name = path.name
    return (PROVIDER_FILES.index(name) if name in PROVIDER_FILES else len(PROVIDER_FILES), name)


def _with_provider_entry(required: n.Block, name: str, entry: dict, style: Style) -> n.Block:
    """``required`` with one more entry, written one-line when its entries are one-line."""
    indent = body_indent(required, required.body, style)
    values = [a.value for a in required.body.attributes()]
    one_line = bool(values) and all(
        type(v) is n.Object and "\n" not in v.render().strip() for v in values
    )
    if one_line:
        items = ", ".join(f"{k} = {value_source(v)}" for k, v in entry.items())
        source = f"{{ {items} }}"
    else:
        source = value_source(entry, indent, style.unit)
    return set_attribute(required, name, Expr(source), style)


def insert_nested_block(
    parent: n.Block, spec: BlockSpec, style: Style, *, compact: bool = False
) -> n.Block:
    """``parent`` with a new nested block after its attributes, before its first nested block,
    set off by blank lines as fmt-formatted code usually is. ``compact`` writes a block with
    an empty body on one line (``filter {}``)."""
    indent = body_indent(parent, parent.body, style)
    if parent.open_newline is None:
        items = tuple(
            (a.name.text, Expr(a.value.render().strip())) for a in parent.body.attributes()
        )
        rebuilt = build_block(
            BlockSpec(parent.block_type, parent.label_values, (*items, spec)),
            indent_of(parent.type),
            style.unit,
            style.newline,
        )
        return parent.with_changes(
            open=parent.open.with_changes(pre=parent.open.pre or " "),
            open_newline=rebuilt.open_newline,
            body=rebuilt.body,
            close=rebuilt.close,
        )
    elements = list(parent.body.elements)
    first_block = next((i for i, e in enumerate(elements) if type(e) is n.Block), None)
    if first_block is not None:
        position = first_block - owned_comment_lines(parent.body, first_block)
    else:
        position = len(elements)
        while position > 0 and _is_blank(elements[position - 1]):
            position -= 1
    if compact and not spec.items:
        source = f"{indent}{' '.join([spec.type, *map(quote, spec.labels)])} {{}}\n"
    else:
        source = block_source(spec, indent, style.unit) + "\n"
    new = list(build_body_elements(convert_newlines(source, style.newline)))
    if position > 0 and not _is_blank(elements[position - 1]):
        new.insert(0, _blank_line(style))
    if position < len(elements) and not _is_blank(elements[position]):
        new.append(_blank_line(style))
    elements[position:position] = new
    return parent.with_changes(body=parent.body.with_changes(elements=tuple(elements)))


def prepend_block(body: n.Body, spec: BlockSpec, style: Style) -> n.Body:
    """``body`` with a new top-level block before its first block."""
    first = next(e for e in body.elements if type(e) is n.Block)
    return insert_block_before(body, first, spec, style)


def _blank_line(style: Style) -> n.EmptyLine:
    return n.EmptyLine(Leaf("NL", style.newline, "", -1))


def _is_blank(element: n.BodyElement) -> bool:
    return type(element) is n.EmptyLine and element.is_blank


def _cut_off(source) -> bool:
    """Whether the file ends in damaged text (cut off inside a block, a bracket left open)."""
    if not source.errors or source.tree is None:
        return False
    for element in reversed(source.tree.body.elements):  # the last one with text decides
        if element.render().strip():
            return type(element) is n.Damaged
    return False
