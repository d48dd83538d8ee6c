"""TF011 required-providers: every provider a module uses is listed with its source.

Version floors are copied from the module's callers, its repository or its lock file, never
made up (see ``terrafix.model.provider_floors``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from terrafix.data.providers import BUILTIN, provider_of_type, provider_source
from terrafix.engine.changeset import Changeset
from terrafix.engine.findings import Applicability, DeferredTexts, Finding, Fix
from terrafix.engine.locate import span_of
from terrafix.engine.rules import Rule, RuleContext
from terrafix.model import Module
from terrafix.model.module import literal_string
from terrafix.model.provider_floors import Floor, provider_floor
from terrafix.model.provider_requirements import normal_source
from terrafix.model.references import traversal_parts
from terrafix.syntax import nodes as n
from terrafix.syntax.tokens import Leaf
from terrafix.syntax.trivia import COMMENT
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


@dataclass(frozen=True, eq=False)
class Problem:
    """One defect in the module's provider requirements."""

    kind: str  # "missing", "no-source", "bare-version", "no-version"
    name: str
    path: Path
    node: n.Node | Leaf  # where the finding points
    source: str | None  # HashiCorp's source for the name, None when it cannot be known
    floor: Floor | None  # the version floor the module may state, None for none


EXPLANATION = """\
## What it does
Collects the providers a module uses: resource, data source and ephemeral types (`random_id` →
`random`, `archive_file` → `archive`, `null_resource` → `null`, `tls_private_key` → `tls`), the
`provider = x.alias` meta-argument, `provider "x"` blocks and `provider::x::fn()` calls. Each one
missing from `terraform { required_providers {} }` is added with its `hashicorp/...` source, in
the module's existing `required_providers` block wherever it is kept, else in a new one (see
`ensure_required_provider`). Existing entries without `source` get one; bare version strings
(`random = "~> 3.0"`) become `{ source, version }` objects keeping the constraint.

A version constraint is never made up. The floor (`>= 4.9`) is copied, in this order, from what
the module's callers (modules of the run or of its git repository that call it with a local
`source`) allow, from the lowest floor the other modules of its git repository state, or from the
version its `.terraform.lock.hcl` selected; it is never above a floor the repository already
states for that provider, and a caller that accepts any version means no floor. With none of
these the entry names its source alone. An entry that has a source but no version is reported
only when there is such a floor to copy.

Providers outside HashiCorp's namespace are reported without a fix: their source cannot be
guessed. `terraform` (for `terraform_data`, `terraform_remote_state`) is built in.

## Why
Without an entry Terraform silently assumes `hashicorp/<name>` at any version, so a new major
release can break a module that planned yesterday, and `terraform init` fails outright for
providers outside the `hashicorp/` namespace. An invented floor is worse than none: `>= 5.0` in a
child module whose callers pin `~> 4.0` cannot be satisfied, and against a 4.x lock file it makes
`terraform init` fail until someone upgrades the provider.

## Example
Before (`random_password` and `archive_file` are used, only `aws` is listed; the module's caller
lists `random = { source = "hashicorp/random", version = ">= 3.1" }`):
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
After (`--profile ephemeral`):
```hcl
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
    random = {
      source  = "hashicorp/random"
      version = ">= 3.1"
    }
    archive = {
      source = "hashicorp/archive"
    }
  }
}
```
In the `default` and `production` profiles the fix is unsafe; with `--unsafe-fixes` it first
writes `source` lines only (`random = { source = "hashicorp/random" }`) where the module's block
already names every source, and then offers the floor.

## Fix safety
- `ephemeral`: safe. Throwaway stacks want every provider pinned down, and the floors come from
  the stack's own callers, repository or lock file.
- `default` and `production`: unsafe, applied with `--unsafe-fixes`. A module works without
  these entries (Terraform assumes `hashicorp/<name>`), so adding them is the maintainers' choice,
  even a source-only entry in a block they already keep. Version floors, new `terraform` blocks,
  converted version strings and `source` added to entries written without one (which Terraform
  releases before 0.12.26 reject) change what `terraform init` accepts.
"""


class RequiredProviders(Rule):
    code = "TF011"
    slug = "required-providers"
    summary = "List every provider the module uses in required_providers, with its source."
    applicability = Applicability.SAFE
    explanation = EXPLANATION

    def check(self, context: RuleContext) -> Iterable[Finding]:
        module = context.module
        problems = list(_problems(module, context.callers))
        fixable = [p for p in problems if p.source is not None]
        if context.ephemeral:
            plans = [(Applicability.SAFE, True, fixable)]
        else:
            quiet = [p for p in fixable if _only_names_source(module, p)]
            rest = [p for p in fixable if p not in quiet]
            # Even a source-only entry is the maintainers' call on code that may be deployed:
            # Terraform behaves the same without it, so writing it is churn to them.
            plans = [(Applicability.UNSAFE, False, quiet), (Applicability.UNSAFE, True, rest)]
        planned: dict[int, tuple[Fix, bool]] = {}
        for applicability, floors, group in plans:
            if group:
                fix = _fix(module, group, applicability, floors)
                planned.update((id(p), (fix, floors)) for p in group)
        for problem in problems:
            fix, floors = planned.get(id(problem), (None, True))
            yield self._finding(module, problem, fix, floors)

    def _finding(self, module: Module, problem: Problem, fix: Fix | None, floors: bool) -> Finding:
        tree = module.files[problem.path].tree
        start, end = span_of(tree, problem.node)
        return Finding(
            self.code,
            self.slug,
            _message(problem, problem.floor if floors else None),
            problem.path,
            start,
            end,
            key=f"{self.code}:{module.directory}:{problem.name}:{problem.kind}",
            severity="warning",
            fix=fix,
        )


def _only_names_source(module: Module, problem: Problem) -> bool:
    """True for a provider missing from a `required_providers` block whose entries all name
    their source: listing it with HashiCorp's source (the one Terraform assumes) and no version
    changes nothing Terraform does, and completes a list the maintainers keep."""
    if problem.kind != "missing":
        return False
    blocks = [
        required
        for symbol in module.terraform_blocks
        for required in symbol.node.body.blocks("required_providers")
    ]
    return bool(blocks) and all(
        type(a.value) is n.Object and "source" in {object_key(i) for i in a.value.items}
        for required in blocks
        for a in required.body.attributes()
    )


def _message(problem: Problem, floor: Floor | None) -> str:
    name, source = problem.name, problem.source
    if problem.kind == "missing":
        if source is None:
            return (
                f"provider {name!r} is used but not listed in required_providers; "
                "add it with its registry source"
            )
        version = f', version = "{floor.constraint}"' if floor is not None else ""
        origin = f" ({floor.origin})" if floor is not None else ""
        return (
            f"provider {name!r} is used but not listed in required_providers; add {name} = "
            f'{{ source = "{source}"{version} }}{origin}'
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
    floor = problem.floor
    return (
        f"required_providers entry {name!r} has no version constraint; "
        f'add version = "{floor.constraint}" ({floor.origin})'
    )


# ---------------------------------------------------------------- detection


# `provider::name::function`, with any spacing or comments between the tokens: a file that
# does not spell it calls no provider function, and its expressions need no walk.
# Possessive: trivia is skipped once, never re-split (a `# ####...` banner would be exponential).
_PROVIDER_FUNCTION = re.compile(r"provider(?:\s++|/\*.*?\*/|#[^\n]*+|//[^\n]*+)*+::", re.S)


def provider_uses(module: Module) -> dict[str, Use]:
    """Provider local name → the first block using it, in file order."""
    uses: dict[str, Use] = {}
    for source in module.parsed:
        calls = _PROVIDER_FUNCTION.search(source.text) is not None
        for block in source.tree.body.blocks():
            for name in _providers_of(block, calls):
                if name not in BUILTIN:
                    label = block.labels[0] if block.labels else block.type
                    uses.setdefault(name, Use(source.path, block, label))
    return uses


def _providers_of(block: n.Block, calls: bool) -> Iterator[str]:
    if block.block_type == "provider" and len(block.labels) == 1:
        yield block.label_values[0]
    if TYPED_BLOCKS.get(block.block_type) == len(block.labels):
        meta = block.body.attribute("provider")
        parts = traversal_parts(meta.value) if meta is not None else None
        yield parts[0] if parts else provider_of_type(block.label_values[0])
    if not calls:
        return
    for node in block.walk():
        if type(node) is n.FunctionCall and len(node.name) > 1:
            segments = node.function_name.split("::")
            if len(segments) == 3 and segments[0] == "provider":
                yield segments[1]


def _problems(module: Module, callers: tuple[Path, ...]) -> Iterator[Problem]:
    listed = _listed_entries(module)
    for name, use in provider_uses(module).items():
        if name not in listed:
            source = _hashicorp_source(name)
            floor = provider_floor(module, name, source, callers) if source else None
            yield Problem("missing", name, use.path, use.label, source, floor)
    for name, (path, attribute) in listed.items():
        problem = _entry_problem(module, callers, name, path, attribute)
        if problem is not None:
            yield problem


def _hashicorp_source(name: str) -> str | None:
    known = provider_source(name)
    return known.source if known is not None else None


def _listed_entries(module: Module) -> dict[str, tuple[Path, n.Attribute]]:
    entries: dict[str, tuple[Path, n.Attribute]] = {}
    for symbol in module.terraform_blocks:
        for required in symbol.node.body.blocks("required_providers"):
            for attribute in required.body.attributes():
                entries.setdefault(attribute.name.text, (symbol.path, attribute))
    return entries


def _entry_problem(
    module: Module, callers: tuple[Path, ...], name: str, path: Path, attribute: n.Attribute
) -> Problem | None:
    source = _hashicorp_source(name)
    value = attribute.value
    if type(value) is n.TemplateString:
        return Problem("bare-version", name, path, attribute.name, source, None)
    if type(value) is not n.Object:
        return None
    keys = {object_key(item): item for item in value.items}
    if "source" not in keys:
        return Problem("no-source", name, path, attribute.name, source, None)
    stated = literal_string(keys["source"].value)
    if "version" in keys or source is None or normal_source(stated or "") != source:
        return None
    floor = provider_floor(module, name, source, callers)
    if floor is None:
        return None  # nothing to copy: the version stays the maintainers' choice
    return Problem("no-version", name, path, attribute.name, source, floor)


# ---------------------------------------------------------------- fixing


def _fix(
    module: Module, problems: list[Problem], applicability: Applicability, floors: bool
) -> Fix:
    """One fix for the module's problems of one applicability: their findings share its edits.
    Without ``floors`` the fix names sources only."""
    names = ", ".join(sorted({p.name for p in problems}))
    what = "required_providers" if floors else "required_providers (source only)"
    texts = DeferredTexts(lambda: _fixed_texts(module, problems, floors))
    return Fix(f"list {names} in {what}", applicability, module.texts, texts)


def _fixed_texts(module: Module, problems: list[Problem], floors: bool) -> dict[Path, str]:
    """The module's texts with the problems repaired (built when a report or a fix reads them:
    a text report only says that a fix exists)."""
    module.remember_texts()  # the run may have analysed other modules since this one
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
        floor = problem.floor if floors else None
        changes.ensure_required_provider(
            problem.name, problem.source, floor.constraint if floor is not None else None
        )
    return changes.changes()


def _repaired(required: n.Block, problems: list[Problem], style: Style) -> n.Block:
    for problem in problems:
        attribute = required.body.attribute(problem.name)
        if attribute is None or problem.source is None:
            continue
        if problem.kind == "bare-version":
            entry = {"source": problem.source, "version": Expr(attribute.value.render().strip())}
            one_line = _has_trailing_comment(attribute)
            required = set_attribute(
                required, problem.name, Expr(_entry_source(required, entry, style, one_line)), style
            )
            continue
        if problem.kind == "no-source":
            key, wanted = "source", problem.source
        elif problem.floor is not None:
            key, wanted = "version", problem.floor.constraint
        else:
            continue
        updated = set_object_item(attribute.value, key, wanted, style)
        if key == "source":
            updated = _last_item_first(updated)
        required = set_attribute(required, problem.name, Expr(updated.render().lstrip()), style)
    return required


def _has_trailing_comment(attribute: n.Attribute) -> bool:
    return attribute.newline is not None and COMMENT.search(attribute.newline.pre) is not None


def _entry_source(required: n.Block, entry: dict, style: Style, one_line: bool = False) -> str:
    """An entry's object written as the block writes its objects: on one line when every
    object entry is one line (or ``one_line``: a trailing comment stays at the end of the
    entry's line, where `terraform fmt` aligns it with its neighbours'), else one item a line."""
    objects = [a.value for a in required.body.attributes() if type(a.value) is n.Object]
    if one_line or (objects and all("\n" not in v.render().strip() for v in objects)):
        return "{ " + ", ".join(f"{k} = {value_source(v)}" for k, v in entry.items()) + " }"
    indent = body_indent(required, required.body, style)
    return value_source(entry, indent, style.unit)


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
