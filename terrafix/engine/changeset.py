"""Edits to a module made by one fix, with de-duplicated "ensure" helpers that pick the file.

A ``Changeset`` opens documents lazily on the module's current texts; a fix edits them and the
changeset reports the resulting texts. ``ensure_*`` helpers add a declaration only when the
module does not have it yet, into the file the module's own conventions suggest.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Module
from ..syntax import nodes as n
from ..writer import BlockSpec, Document, Style
from ..writer.body import append_block

VARIABLE_FILES = ("variables.tf", "vars.tf", "variable.tf", "inputs.tf")
LOCALS_FILES = ("locals.tf", "local.tf")
DATA_FILES = ("data.tf", "datasources.tf", "data_sources.tf")
PROVIDER_FILES = ("versions.tf", "provider.tf", "providers.tf", "terraform.tf")


class Changeset:
    def __init__(self, module: Module) -> None:
        self.module = module
        self.documents: dict[Path, Document] = {}
        self.style = self._module_style()
        self._ensured: set[tuple[str, str]] = set()

    def _module_style(self) -> Style:
        for source in self.module.files.values():
            return Style.of(source.text)
        return Style()

    def document(self, path: Path) -> Document:
        """The document for ``path``: an existing file of the module or a new one."""
        if path not in self.documents:
            source = self.module.files.get(path)
            if source is not None and source.tree is not None:
                self.documents[path] = Document(
                    str(path), source.text, source.tree, Style.of(source.text)
                )
            else:
                self.documents[path] = Document.new(str(path), self.style)
        return self.documents[path]

    def changes(self) -> dict[Path, str]:
        return {p: d.text() for p, d in self.documents.items() if d.changed}

    def base(self) -> dict[Path, str]:
        return {p: s.text for p, s in self.module.files.items()}

    def replace(self, path: Path, old, new) -> None:
        self.document(path).replace(old, new)

    def replace_expression(self, path: Path, old, new) -> None:
        self.document(path).replace_expression(old, new)

    def current(self, path: Path, node):
        """The node that now stands where ``node`` stood (after earlier edits of this fix)."""
        return node

    # ---------------------------------------------------------------- choosing files

    def file_for(self, preferred: tuple[str, ...], fallback: str) -> Path:
        """The module's existing file among ``preferred`` (or one named like them), else a new one."""
        names = {p.name: p for p in self.module.files}
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
        if name in self.module.variables or ("variable", name) in self._ensured:
            return False
        self._ensured.add(("variable", name))
        path = self.file_for(VARIABLE_FILES, "variables.tf")
        self.document(path).append_block(spec)
        return True

    def ensure_local(self, name: str, value_source: str) -> bool:
        if name in self.module.locals or ("local", name) in self._ensured:
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
        if (type_, name) in self.module.data_sources or (
            "data",
            f"{type_}.{name}",
        ) in self._ensured:
            return False
        self._ensured.add(("data", f"{type_}.{name}"))
        path = self.file_declaring("data", DATA_FILES)
        self.document(path).append_block(spec)
        return True

    def ensure_required_provider(self, name: str, source: str, version: str) -> bool:
        """List a provider in `terraform { required_providers { ... } }`."""
        if name in self.module.required_providers or ("provider", name) in self._ensured:
            return False
        self._ensured.add(("provider", name))
        from ..writer.build import Expr, value_source

        entry = Expr(value_source({"source": source, "version": version}, "    ", self.style.unit))
        for symbol in self.module.terraform_blocks:
            doc = self.document(symbol.path)
            terraform = _same_block(doc, symbol.node)
            required = next(terraform.body.blocks("required_providers"), None)
            from ..writer.body import set_body_attribute

            if required is not None:
                entry = Expr(
                    value_source(
                        {"source": source, "version": version}, _indent(required), self.style.unit
                    )
                )
                new_required = required.with_changes(
                    body=set_body_attribute(required, required.body, name, entry, doc.style)
                )
                doc.replace(required, new_required)
                return True
        path = self.file_for(PROVIDER_FILES, "versions.tf")
        spec = BlockSpec("terraform", (), (BlockSpec("required_providers", (), ((name, entry),)),))
        doc = self.document(path)
        doc.tree = doc.tree.with_changes(body=append_block(doc.tree.body, spec, doc.style))
        return True


def _indent(block: n.Block) -> str:
    from ..writer.body import indent_of

    return indent_of(block.type) + "  "


def _same_block(doc: Document, block: n.Block) -> n.Block:
    for candidate in doc.tree.body.elements:
        if candidate is block:
            return candidate
    rendered = block.render()
    return next(b for b in doc.tree.body.elements if type(b) is n.Block and b.render() == rendered)
