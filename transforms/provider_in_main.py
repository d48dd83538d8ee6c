"""TF014 provider-in-main: provider and terraform blocks move out of main.tf into provider.tf."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from terrafix.engine.changeset import Changeset
from terrafix.engine.findings import Applicability, Finding, Fix
from terrafix.engine.locate import span_of
from terrafix.engine.rules import Rule, RuleContext
from terrafix.model import Module
from terrafix.model.module import literal_string
from terrafix.syntax import nodes as n
from terrafix.writer.body import append_source, take_element

MAIN_FILES = ("main.tf",)
PROVIDER_FILES = ("provider.tf", "providers.tf")
SETTINGS_FILES = ("versions.tf", "terraform.tf")
MOVED_TYPES = ("provider", "terraform")


class ProviderInMain(Rule):
    code = "TF014"
    slug = "provider-in-main"
    summary = "Move provider and terraform blocks from main.tf to provider.tf (opt-in: select it)."
    applicability = Applicability.SAFE
    opt_in = True
    explanation = """\
## What it does
Moves `provider` and `terraform` blocks found in `main.tf` to the module's provider file, with
the comments written directly above them. Providers go to an existing `provider.tf` or
`providers.tf`, else to a new `provider.tf`; `terraform` blocks go to an existing `versions.tf` or
`terraform.tf`, else to the same provider file.

It does not merge. When another file already configures the same provider (same name and
alias), the finding reports the duplicate and moves nothing for it: the two configurations may
differ, and only the author knows which one is right. The same goes for a `terraform` block
when the target file already has one.

## When it runs
Only when selected by name: `terrafix fix --select provider-in-main` (or `TF014`, or
`select = ["TF014", ...]` under `[tool.terrafix]`). Keeping providers out of `main.tf` is a
layout convention, often a required one for generated stacks, but many well-kept modules
configure their providers in `main.tf` on purpose. The option
`[tool.terrafix.rules.provider-in-main] main-files = ["main.tf", "stack.tf"]` names the files
the blocks should leave (default: `main.tf`).

## Why
Projects that keep provider configuration in one file ship it ready-made; a second
`provider "aws"` in `main.tf` then stops `terraform plan` with "Duplicate provider
configuration", and settings split over two files drift apart.

## Example
Before, in `main.tf`:
```hcl
terraform {
  required_version = ">= 1.5.0"
}

# Default tags for everything.
provider "aws" {
  region = var.aws_region
}

data "aws_caller_identity" "current" {}
```
After, `main.tf` keeps `data "aws_caller_identity" "current" {}` and `provider.tf` holds:
```hcl
terraform {
  required_version = ">= 1.5.0"
}

# Default tags for everything.
provider "aws" {
  region = var.aws_region
}
```

## Fix safety
Safe: Terraform reads every `.tf` file of a module together, so where a block sits does not
change the plan. Duplicates are reported, never merged.
"""

    def check(self, context: RuleContext) -> Iterable[Finding]:
        module = context.module
        main_files = tuple(context.options.get("main-files", MAIN_FILES))
        for path, source in module.files.items():
            if path.name in main_files and source.tree is not None:
                yield from self._file_findings(module, path, source.tree)

    def _file_findings(self, module: Module, path: Path, tree: n.ConfigFile) -> Iterator[Finding]:
        blocks = [b for b in tree.body.blocks() if b.block_type in MOVED_TYPES]
        if not blocks:
            return
        provider_file = _existing(module, PROVIDER_FILES, path) or module.directory / "provider.tf"
        settings_file = _existing(module, SETTINGS_FILES, path) or provider_file
        elsewhere = _providers_outside(module, path)
        movable: list[tuple[n.Block, Path]] = []
        reports: list[tuple[n.Block, str, str]] = []
        for block in blocks:
            if block.block_type == "provider":
                key = _provider_key(block)
                other = elsewhere.get(key)
                if other is not None:
                    reports.append((block, _provider_duplicate(block, path, other), "error"))
                else:
                    movable.append((block, provider_file))
            elif _has_terraform_block(module, settings_file):
                message = (
                    f"terraform settings are split between {path.name} and {settings_file.name}; "
                    "join them by hand (they are not merged automatically)"
                )
                reports.append((block, message, "warning"))
            else:
                movable.append((block, settings_file))
        fix = self._fix(module, path, movable) if movable else None
        for block, target in movable:
            message = f"{_describe(block)} is in {path.name}; it belongs in {target.name}"
            yield self._finding(module, path, tree, block, message, "warning", fix)
        for block, message, severity in reports:
            yield self._finding(module, path, tree, block, message, severity, None)

    def _fix(self, module: Module, path: Path, movable: list[tuple[n.Block, Path]]) -> Fix:
        """One fix moving every movable block of the file, so all of them go in one pass
        (each finding carries the same edits, which the pipeline applies once)."""
        changes = Changeset(module)
        main = changes.document(path)
        body = main.tree.body
        indices = {id(block): i for i, block in enumerate(body.elements)}
        taken: list[tuple[str, Path]] = []
        for block, target in sorted(movable, key=lambda m: indices[id(m[0])], reverse=True):
            body, source = take_element(body, indices[id(block)])
            taken.append((source, target))
        main.tree = main.tree.with_changes(body=body)
        for source, target in reversed(taken):
            document = changes.document(target)
            final_newline = document.original.endswith("\n") or not document.original
            document.tree = document.tree.with_changes(
                body=append_source(
                    document.tree.body, source, document.style, final_newline=final_newline
                )
            )
        names = sorted({target.name for _, target in movable})
        what = ", ".join(_describe(block) for block, _ in movable)
        return Fix(
            f"move {what} from {path.name} to {' and '.join(names)}",
            Applicability.SAFE,
            changes.base(),
            changes.changes(),
        )

    def _finding(
        self,
        module: Module,
        path: Path,
        tree: n.ConfigFile,
        block: n.Block,
        message: str,
        severity: str,
        fix: Fix | None,
    ) -> Finding:
        start, _ = span_of(tree, block.type)
        _, end = span_of(tree, block.labels[-1] if block.labels else block.type)
        return Finding(
            self.code,
            self.slug,
            message,
            path,
            start,
            end,
            key=f"{self.code}:{path}:{_block_key(tree, block)}",
            severity=severity,
            fix=fix,
        )


def _existing(module: Module, names: tuple[str, ...], besides: Path) -> Path | None:
    """The module's file with one of ``names`` (in that order), other than ``besides``."""
    by_name = {p.name: p for p in module.files if p != besides}
    return next((by_name[name] for name in names if name in by_name), None)


def _provider_key(block: n.Block) -> tuple[str, str | None]:
    alias = block.body.attribute("alias")
    return block.label_values[0] if block.labels else "", (
        literal_string(alias.value) if alias else None
    )


def _providers_outside(module: Module, path: Path) -> dict[tuple[str, str | None], Path]:
    out: dict[tuple[str, str | None], Path] = {}
    for other, block in module.top_level_blocks("provider"):
        if other != path:
            out.setdefault(_provider_key(block), other)
    return out


def _has_terraform_block(module: Module, path: Path) -> bool:
    source = module.files.get(path)
    return (
        source is not None and source.tree is not None and any(source.tree.body.blocks("terraform"))
    )


def _describe(block: n.Block) -> str:
    if block.block_type == "terraform":
        return "terraform {}"
    name, alias = _provider_key(block)
    return f'provider "{name}"' + (f" (alias {alias})" if alias else "")


def _provider_duplicate(block: n.Block, path: Path, other: Path) -> str:
    return (
        f"{_describe(block)} is configured both in {path.name} and in {other.name}: Terraform "
        "rejects a duplicate provider configuration; keep the one that is right (they are not "
        "merged automatically)"
    )


def _block_key(tree: n.ConfigFile, block: n.Block) -> str:
    if block.block_type == "provider":
        name, alias = _provider_key(block)
        return f"provider.{name}.{alias or ''}"
    index = [b for b in tree.body.blocks("terraform")].index(block)
    return f"terraform.{index}"
