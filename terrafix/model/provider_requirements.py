"""What modules already require of their providers: `required_providers` entries and lock files.

A version floor added to one module has to fit the modules around it: the ones that call it, the
others of its repository, the versions its `.terraform.lock.hcl` selected. This reads them, from
the module in hand or from disk (parsed once per file text).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from ..syntax import nodes as n
from . import disk
from .discovery import skipped_dir
from .module import Module, SourceFile, literal_string

LOCK_FILE = ".terraform.lock.hcl"
DEFAULT_REGISTRY = "registry.terraform.io/"
# A repository bigger than this is not searched for sibling requirements (see project_callers).
MAX_FILES = 5_000


class Requirement(NamedTuple):
    """One `required_providers` entry: its local name, source and version constraint as written."""

    name: str
    source: str | None  # lower-case, without the default registry's host
    version: str | None

    def means(self, name: str, source: str) -> bool:
        """True when the entry is the provider ``name`` from ``source`` (a missing source is
        Terraform's implied `hashicorp/<name>`)."""
        return self.name == name and (self.source or f"hashicorp/{name}") == source


def normal_source(source: str) -> str:
    source = source.strip().lower()
    return source.removeprefix(DEFAULT_REGISTRY)


def tree_requirements(tree: n.ConfigFile) -> list[Requirement]:
    out = []
    for terraform in tree.body.blocks("terraform"):
        for required in terraform.body.blocks("required_providers"):
            out.extend(_entry(a) for a in required.body.attributes())
    return out


def _entry(attribute: n.Attribute) -> Requirement:
    name, value = attribute.name.text, attribute.value
    if type(value) is n.TemplateString:
        return Requirement(name, None, literal_string(value))
    source = version = None
    if type(value) is n.Object:
        for item in value.items:
            key = item.key.render().strip().strip('"')
            if key == "source":
                text = literal_string(item.value)
                source = normal_source(text) if text else None
            elif key == "version":
                version = literal_string(item.value)
    return Requirement(name, source, version)


def module_requirements(module: Module) -> list[Requirement]:
    return [r for source in module.parsed for r in tree_requirements(source.tree)]


def directory_requirements(directory: Path) -> list[Requirement]:
    """The requirements of the module in ``directory`` as its files are on disk."""
    out = []
    for path in sorted(_tf_files(directory)):
        text = _read(path)
        if text is not None and "required_providers" in text:
            out.extend(_requirements_of(path, text))
    return out


def repository_requirements(root: Path) -> dict[Path, list[Requirement]]:
    """Module directory → its requirements, for every module under ``root`` that lists any;
    empty when the repository has over `MAX_FILES` `.tf` files."""
    return dict(_repository(root.resolve()))


def locked_versions(directory: Path) -> dict[str, str]:
    """Provider source → the version `.terraform.lock.hcl` in ``directory`` selected."""
    path = directory / LOCK_FILE
    text = _read(path)
    if text is None:
        return {}
    tree = SourceFile.load(path, text).tree
    if tree is None:
        return {}
    out = {}
    for block in tree.body.blocks("provider"):
        version = block.body.attribute("version")
        value = literal_string(version.value) if version is not None else None
        if len(block.labels) == 1 and value:
            out[normal_source(block.label_values[0])] = value
    return out


def forget_repositories() -> None:
    """Read again on the next call (a long-running server after files changed on disk)."""
    _repository.cache_clear()
    _requirements_of.cache_clear()


@disk.remembered(maxsize=8)
def _repository(root: Path) -> tuple[tuple[Path, list[Requirement]], ...]:
    found: dict[Path, list[Requirement]] = {}
    seen = 0
    for folder, dirs, files in disk.walk(root):
        dirs[:] = sorted(d for d in dirs if not skipped_dir(d) and d != "node_modules")
        for name in sorted(files):
            if not name.endswith(".tf"):
                continue
            seen += 1
            if seen > MAX_FILES:
                return ()
            path = Path(folder) / name
            text = _read(path)
            if text is not None and "required_providers" in text:
                found.setdefault(Path(folder), []).extend(_requirements_of(path, text))
    return tuple(found.items())


@lru_cache(maxsize=512)
def _requirements_of(path: Path, text: str) -> tuple[Requirement, ...]:
    tree = SourceFile.load(path, text).tree
    return tuple(tree_requirements(tree)) if tree is not None else ()


def _read(path: Path) -> str | None:
    try:
        return disk.read_text(path)
    except (OSError, UnicodeDecodeError):
        return None


def _tf_files(directory: Path) -> list[Path]:
    try:
        paths = [directory / name for name in disk.listdir(directory)]
        return [p for p in paths if p.suffix == ".tf" and disk.is_file(p)]
    except OSError:
        return []
