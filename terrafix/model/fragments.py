"""Folders of `.tf` files that are not whole modules: fragments meant to be copied into others.

A mixin folder (`introspection.mixin.tf`, "meant to be added to Terraform components"), a
template a generator copies into every module (terraform-aws-security-group's
`modules/_templates`, whose `auto_*` variables each copy gets from a generated file), a snippet of
locals: they reference variables, locals and modules declared in the module they will join.
Judged as a module of its own, such a folder looks broken, and every fix (declaring the
"missing" variables, adding a `versions.tf`) would be wrong. So a folder is a fragment, and is
left alone, when it references names declared nowhere in it and one of these holds:

- its name, or a folder's name above it in the project, says so (`mixins`, `_templates`,
  `fragments`, `snippets`, `partials`), or a file's name does (`*.mixin.tf`);
- its README or a comment in its files says the files are meant to be copied, dropped or
  vendored into other modules, or calls them mixins;
- it has no `terraform`, `provider` or `variable` block at all, no module calls it through a
  local `source`, and it references at least `MIN_UNRESOLVED` names declared nowhere in it, at
  least one of them not a variable, that are at least half of the names it references.

A module that only forgot to declare a variable or two is none of these: that is a defect to fix.
Nor is a folder with a file that does not parse (the declarations may be in that file), nor one
where `terraform init` has run (a `.terraform.lock.hcl`, `.terraform/` or `.terraform-version`
there says it is used as a module).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

from ..data.providers import PROVIDERS, provider_of_type
from ..syntax import nodes as n
from . import disk
from .module import Module

MIN_UNRESOLVED = 3
UNRESOLVED_SHARE = 0.5
NAMED = re.compile(
    r"^[_.-]?(templates?|mixins?|fragments?|snippets?|partials?|boilerplates?)$", re.IGNORECASE
)
FILE_NAMED = re.compile(r"\.(mixin|fragment|snippet|partial)\.tf$", re.IGNORECASE)
_INTO_MODULES = r"\s+(in|into|to)\s+(\S+\s+){0,3}?(modules?|components?|configurations?|stacks?)\b"
SAYS_SO = re.compile(
    r"\bmix-?ins?\b|\bdrop-in\s+files?\b"
    r"|\b(meant|intended|designed|supposed)\s+to\s+be\s+"
    r"(copied|dropped|placed|added|vendored|included|pasted|symlinked)"
    + _INTO_MODULES
    + r"|\bcopy\s+(this|these)\s+files?"
    + _INTO_MODULES,
    re.IGNORECASE,
)
COMMENT = re.compile(r"(?:#|//)(.*)$|/\*(.*?)\*/", re.MULTILINE | re.DOTALL)
# Left where Terraform has been run, or pinned for a version manager: a module in use.
INITIALISED = (".terraform.lock.hcl", ".terraform", ".terraform-version")
READMES = ("README.md", "README", "README.txt", "readme.md", "Readme.md")
# Roots of references that never name a declaration of the module.
SCOPE_ROOTS = {"var", "local", "module", "data", "path", "terraform", "count", "each", "self"}


def fragment_reason(module: Module, top: Path | None = None, *, called: bool = False) -> str | None:
    """Why the folder of ``module`` is a fragment rather than a module, or None when it is a
    module. Folder names are read up to ``top`` (the project's or the run's root); ``called``
    says a module calls this folder through a local `source`, which makes it a module."""
    if any(source.error is not None for source in module.files.values()):
        return None
    if any(disk.exists(module.directory / name) for name in INITIALISED):
        return None
    unresolved, referenced = _unresolved(module)
    if not unresolved:
        return None
    names = _shown(unresolved)
    missing = f"it references {names}, declared nowhere in it"
    named = _named(module, top)
    if named is not None:
        return f"{named}; {missing}"
    says = _says_so(module)
    if says is not None:
        return f"{says}; {missing}"
    if not called and _structural(module, unresolved, referenced):
        return (
            "it has no terraform, provider or variable block, and "
            f"{len(unresolved)} of the {len(referenced)} names it references are declared "
            f"nowhere in it ({names})"
        )
    return None


def _structural(module: Module, unresolved: set[str], referenced: set[str]) -> bool:
    blocks = {block.block_type for _, block in module.top_level_blocks()}
    return (
        not blocks & {"terraform", "provider", "variable"}
        and len(unresolved) >= MIN_UNRESOLVED
        and any(not name.startswith("var.") for name in unresolved)
        and len(unresolved) >= UNRESOLVED_SHARE * len(referenced)
    )


def _named(module: Module, top: Path | None) -> str | None:
    directory = module.directory.resolve()
    folders = [directory]
    if top is not None:  # the folders between ``top`` and the module, not ``top`` itself
        folders += [p for p in directory.parents if top.resolve() in p.parents]
    for folder in folders:
        if NAMED.match(folder.name):
            return f"its folder {folder.name!r} holds pieces meant to be copied into modules"
    for path in module.files:
        if FILE_NAMED.search(path.name):
            return f"{path.name} is named as a piece meant to be copied into modules"
    return None


def _says_so(module: Module) -> str | None:
    for name in READMES:
        readme = module.directory / name
        try:
            text = disk.read_text(readme, errors="replace")
        except OSError:
            continue
        match = SAYS_SO.search(text)
        if match:
            return f"its {name} says its files are {_quote(match)}"
    for path, source in module.files.items():
        for comment in COMMENT.finditer(source.text):
            match = SAYS_SO.search(comment.group(1) or comment.group(2) or "")
            if match:
                return f"a comment in {path.name} says its files are {_quote(match)}"
    return None


def _quote(match: re.Match) -> str:
    return f"{' '.join(match.group(0).split())!r} (copied into other modules)"


def _shown(names: set[str], limit: int = 4) -> str:
    ordered = sorted(names)
    more = f" and {len(ordered) - limit} more" if len(ordered) > limit else ""
    return ", ".join(ordered[:limit]) + more


def _unresolved(module: Module) -> tuple[set[str], set[str]]:
    """(names referenced but declared nowhere in the module, every name referenced), as
    `var.x`, `local.x`, `module.x`, `data.t.n`, `t.n`."""
    referenced: set[str] = set()
    unresolved: set[str] = set()
    undeclared_resources: dict[str, str] = {}  # name → its root, which may be an iterator
    # A name is read from its first two names (three for `data`): each distinct prefix is
    # judged once, however often the module reads it.
    for parts in chain(module.read_prefixes(2), module.read_prefixes(3)):
        found = _declared(module, parts)
        if found is None:
            continue
        name, declared = found
        if declared:
            referenced.add(name)
        elif name.startswith(("var.", "local.", "module.", "data.")):
            referenced.add(name)
            unresolved.add(name)
        else:
            undeclared_resources[name] = parts[0]
    if undeclared_resources:  # the rare case: only then are iterator names worth collecting
        iterators = set(_iterator_names(module))
        kept = {name for name, root in undeclared_resources.items() if root not in iterators}
        referenced |= kept
        unresolved |= kept
    return unresolved, referenced


def _declared(module: Module, parts: tuple[str, ...]) -> tuple[str, bool] | None:
    root = parts[0]
    if root in ("var", "local", "module") and len(parts) > 1:
        if root == "var":
            table = module.variables
        elif root == "local":
            table = module.locals
        else:
            table = module.module_calls
        return f"{root}.{parts[1]}", parts[1] in table
    if root == "data" and len(parts) > 2:
        return f"data.{parts[1]}.{parts[2]}", (parts[1], parts[2]) in module.data_sources
    if (
        len(parts) > 1
        and root not in SCOPE_ROOTS
        and "_" in root
        and provider_of_type(root) in PROVIDERS
    ):
        return f"{root}.{parts[1]}", (root, parts[1]) in module.resources
    return None


def _iterator_names(module: Module) -> Iterator[str]:
    """Names bound by for-expressions and dynamic blocks, which look like resource references."""
    for _, block in module.top_level_blocks():
        for node in block.walk():
            kind = type(node)
            if kind is n.ForTuple or kind is n.ForObject:
                yield node.value.text
                if node.key is not None:
                    yield node.key.text
            elif kind is n.Block and node.block_type == "dynamic" and node.labels:
                iterator = node.body.attribute("iterator")
                yield iterator.value.render().strip() if iterator else node.label_values[0]
