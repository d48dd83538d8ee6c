"""TF011 required-providers: every provider a module uses is listed with its source and version."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from terrafix.data.providers import BUILTIN, ProviderSource, provider_of_type, provider_source
from terrafix.engine.changeset import Changeset
from terrafix.engine.findings import Applicability, Finding, Fix
from terrafix.engine.locate import span_of
from terrafix.engine.rules import Rule, RuleContext
from terrafix.model import Module
from terrafix.model.module import literal_string
from terrafix.model.references import traversal_parts
from terrafix.syntax import nodes as n
from terrafix.syntax.tokens import Leaf
from terrafix.writer import Expr, Style, set_attribute, value_source
from terrafix.writer.align import realign_object
from terrafix.writer.body import body_indent
from terrafix.writer.objects import object_key, set_object_item

# Top-level blocks whose first label is a resource type: (block type, number of labels).
TYPED_BLOCKS = {"resource": 2, "data": 2, "ephemeral": 2}


@dataclass(frozen=True)
class Use:
    """Where a module first uses a provider: the block and the label naming it."""

    path: Path
    block: n.Block
    label: Leaf | n.TemplateString

    @property
    def address(self) -> str:
        return ".".join(self.block.label_values)


@dataclass(frozen=True)
class Problem:
    """One defect in the module's provider requirements."""

    kind: str  # "missing", "no-source", "bare-version", "no-version"
    name: str
    path: Path
    node: n.Node | Leaf  # where the finding points
    known: ProviderSource | None


class RequiredProviders(Rule):
    code = "TF011"
    slug = "required-providers"
    summary = "List every provider the module uses in required_providers, with source and version."
    applicability = Applicability.SAFE
    explanation = """\
## What it does
Collects the providers a module uses: resource, data source and ephemeral types (`random_id` →
`random`, `archive_file` → `archive`, `null_resource` → `null`, `tls_private_key` → `tls`), the
`provider = x.alias` meta-argument, `provider "x"` blocks and `provider::x::fn()` calls. Each one
missing from `terraform { required_providers {} }` is added with its `hashicorp/...` source and a
version floor (`random = { source = "hashicorp/random", version = ">= 3.0" }`), in the module's
existing `required_providers` block wherever it is kept, else in a new one (see
`ensure_required_provider`). Existing entries without `source` get one; bare version strings
(`random = "~> 3.0"`) become `{ source, version }` objects keeping the constraint; entries of
known providers without a version get the floor.

Providers outside HashiCorp's namespace are reported without a fix: their source cannot be
guessed. `terraform` (for `terraform_data`, `terraform_remote_state`) is built in.

## Why
Without an entry Terraform silently assumes `hashicorp/<name>` at any version, so a new major
release can break a module that planned yesterday, and `terraform init` fails outright for
providers outside the `hashicorp/` namespace.

## Example
Before (`random_password` and `archive_file` are used, only `aws` is listed):
```hcl
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}
```
After:
```hcl
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
    random = {
      source  = "hashicorp/random"
      version = ">= 3.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = ">= 2.0"
    }
  }
}
```

## Fix safety
Safe: the sources added are the ones Terraform already assumes, and the version floors only
exclude releases older than the fixes in this tool are written for.
"""

    def check(self, context: RuleContext) -> Iterable[Finding]:
        module = context.module
        problems = list(_problems(module))
        fixable = [p for p in problems if p.known is not None]
        fix = _fix(module, fixable) if fixable else None
        for problem in problems:
            yield self._finding(module, problem, fix if problem.known is not None else None)

    def _finding(self, module: Module, problem: Problem, fix: Fix | None) -> Finding:
        tree = module.files[problem.path].tree
        start, end = span_of(tree, problem.node)
        return Finding(
            self.code,
            self.slug,
            _message(problem),
            problem.path,
            start,
            end,
            key=f"{self.code}:{module.directory}:{problem.name}:{problem.kind}",
            severity="warning",
            fix=fix,
        )


def _message(problem: Problem) -> str:
    name, known = problem.name, problem.known
    if problem.kind == "missing":
        if known is None:
            return (
                f"provider {name!r} is used but not listed in required_providers; "
                "add it with its registry source"
            )
        return (
            f"provider {name!r} is used but not listed in required_providers; add {name} = "
            f'{{ source = "{known.source}", version = "{known.version}" }}'
        )
    if problem.kind == "no-source":
        return (
            f"required_providers entry {name!r} has no source; "
            f"Terraform assumes hashicorp/{name}, say so"
        )
    if problem.kind == "bare-version":
        return (
            f"required_providers entry {name!r} is a bare version string; "
            "write it as { source, version }"
        )
    version = known.version if known is not None else "..."
    return f'required_providers entry {name!r} has no version constraint; add version = "{version}"'


# ---------------------------------------------------------------- detection


def provider_uses(module: Module) -> dict[str, Use]:
    """Provider local name → the first block using it, in file order."""
    uses: dict[str, Use] = {}
    for path, block in module.top_level_blocks():
        for name in _providers_of(block):
            if name not in BUILTIN:
                label = block.labels[0] if block.labels else block.type
                uses.setdefault(name, Use(path, block, label))
    return uses


def _providers_of(block: n.Block) -> Iterator[str]:
    if block.block_type == "provider" and len(block.labels) == 1:
        yield block.label_values[0]
    if TYPED_BLOCKS.get(block.block_type) == len(block.labels):
        meta = block.body.attribute("provider")
        parts = traversal_parts(meta.value) if meta is not None else None
        yield parts[0] if parts else provider_of_type(block.label_values[0])
    for node in block.walk():
        if type(node) is n.FunctionCall and len(node.name) > 1:
            segments = node.function_name.split("::")
            if len(segments) == 3 and segments[0] == "provider":
                yield segments[1]


def _problems(module: Module) -> Iterator[Problem]:
    listed = _listed_entries(module)
    for name, use in provider_uses(module).items():
        if name not in listed:
            yield Problem("missing", name, use.path, use.label, provider_source(name))
    for name, (path, attribute) in listed.items():
        problem = _entry_problem(name, path, attribute)
        if problem is not None:
            yield problem


def _listed_entries(module: Module) -> dict[str, tuple[Path, n.Attribute]]:
    entries: dict[str, tuple[Path, n.Attribute]] = {}
    for symbol in module.terraform_blocks:
        for required in symbol.node.body.blocks("required_providers"):
            for attribute in required.body.attributes():
                entries.setdefault(attribute.name.text, (symbol.path, attribute))
    return entries


def _entry_problem(name: str, path: Path, attribute: n.Attribute) -> Problem | None:
    known = provider_source(name)
    value = attribute.value
    if type(value) is n.TemplateString:
        return Problem("bare-version", name, path, attribute.name, known)
    if type(value) is not n.Object:
        return None
    keys = {object_key(item): item for item in value.items}
    if "source" not in keys:
        return Problem("no-source", name, path, attribute.name, known)
    source = literal_string(keys["source"].value)
    hashicorp = known is not None and (source or "").lower() in (
        known.source,
        f"registry.terraform.io/{known.source}",
    )
    if "version" not in keys and hashicorp:
        return Problem("no-version", name, path, attribute.name, known)
    return None


# ---------------------------------------------------------------- fixing


def _fix(module: Module, problems: list[Problem]) -> Fix:
    """One fix for the whole module, so every finding carries the same edits."""
    changes = Changeset(module)
    entries = [p for p in problems if p.kind != "missing"]
    for path in sorted({p.path for p in entries}):
        doc = changes.document(path)
        for terraform in list(doc.tree.body.blocks("terraform")):
            for required in terraform.body.blocks("required_providers"):
                mine = [p for p in entries if p.path == path and required.body.attribute(p.name)]
                if mine:
                    doc.replace(required, _repaired(required, mine, doc.style))
    missing = [p for p in problems if p.kind == "missing"]
    configured = {name for name, _ in module.providers}
    missing.sort(key=lambda p: p.name not in configured)  # configured providers lead
    for problem in missing:
        if problem.kind == "missing":
            changes.ensure_required_provider(
                problem.name, problem.known.source, problem.known.version
            )
    names = ", ".join(sorted({p.name for p in problems}))
    return Fix(
        f"list {names} in required_providers", Applicability.SAFE, changes.base(), changes.changes()
    )


def _repaired(required: n.Block, problems: list[Problem], style: Style) -> n.Block:
    for problem in problems:
        attribute = required.body.attribute(problem.name)
        if attribute is None or problem.known is None:
            continue
        known = problem.known
        if problem.kind == "bare-version":
            indent = body_indent(required, required.body, style)
            entry = {"source": known.source, "version": Expr(attribute.value.render().strip())}
            required = set_attribute(
                required, problem.name, Expr(value_source(entry, indent, style.unit)), style
            )
            continue
        key, wanted = (
            ("source", known.source) if problem.kind == "no-source" else ("version", known.version)
        )
        updated = set_object_item(attribute.value, key, wanted, style)
        if key == "source":
            updated = _last_item_first(updated)
        required = set_attribute(required, problem.name, Expr(updated.render().lstrip()), style)
    return required


def _last_item_first(obj: n.Object) -> n.Object:
    """Put the item just added first (``source`` leads by convention), when every item sits on
    a line of its own and nothing else (commas, blank lines, comments) would have to move."""
    items = obj.items
    plain = all(
        len(item.separators) == 1
        and item.separators[0].type == "NL"
        and not item.separators[0].pre.strip()
        and not item.key.first_leaf().pre.strip()
        for item in items
    )
    if len(items) < 2 or not plain:
        return obj
    return realign_object(obj.with_changes(items=(items[-1], *items[:-1])), set(range(len(items))))
