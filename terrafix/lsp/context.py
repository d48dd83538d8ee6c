"""The module a buffer belongs to: its directory's files on disk, with open buffers in their place.

Parsed files are kept per path while their text stays the same, so a request after a keystroke
parses one buffer, not the whole module.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..engine.config import Config, ConfigError
from ..engine.findings import Finding
from ..engine.pipeline import Scope, analyse, read_text
from ..engine.rules import Rule, select_rules
from ..engine.settings import resolve_config
from ..model import Module
from ..model.module import SourceFile, is_variable_file
from ..model.project_callers import find_callers, forget_projects


class ModuleContext:
    """Analyses modules from disk plus the editor's open buffers (path → text)."""

    def __init__(self) -> None:
        self._sources: dict[Path, SourceFile] = {}
        self._configs: dict[Path, Config] = {}
        self._rules: dict[tuple, list[Rule]] = {}
        self._findings: dict[Path, tuple[dict[Path, str], list[Finding]]] = {}
        self._callers: dict[Path, tuple[Path, ...]] = {}
        self.problems: list[str] = []  # for the editor's log, e.g. a broken .terrafix.toml

    def texts(self, directory: Path, buffers: Mapping[Path, str]) -> dict[Path, str]:
        """Every ``.tf`` file of ``directory`` and its automatically loaded variable files: the
        open buffer's text, else the file's."""
        texts: dict[Path, str] = {}
        try:
            on_disk = sorted(p for p in directory.iterdir() if _module_file(p) and p.is_file())
        except OSError:
            on_disk = []
        for path in on_disk:
            if path not in buffers:
                try:
                    texts[path] = read_text(path)
                except (OSError, UnicodeDecodeError):
                    continue
        for path, text in buffers.items():
            if path.parent == directory and _module_file(path):
                texts[path] = text
        return dict(sorted(texts.items()))

    def module(self, directory: Path, buffers: Mapping[Path, str]) -> Module:
        files, variable_files = {}, {}
        for path, text in self.texts(directory, buffers).items():
            cached = self._sources.get(path)
            if cached is None or cached.text != text:
                cached = self._sources[path] = SourceFile.load(path, text)
            (variable_files if is_variable_file(path) else files)[path] = cached
        return Module(directory, files, variable_files)

    def config(self, directory: Path) -> Config:
        """The configuration in force for ``directory`` (read once per directory)."""
        if directory not in self._configs:
            try:
                self._configs[directory] = resolve_config(directory)
            except ConfigError as err:
                self.problems.append(f"{err}; using the default configuration")
                self._configs[directory] = Config()
        return self._configs[directory]

    def forget_configs(self) -> None:
        self._configs.clear()
        self._findings.clear()
        self._callers.clear()
        forget_projects()

    def callers(self, module: Module) -> tuple[Path, ...]:
        """The project's modules that call this one (looked up once per directory)."""
        if module.directory not in self._callers:
            self._callers[module.directory] = find_callers(module.directory)
        return self._callers[module.directory]

    def rules(self, config: Config) -> list[Rule]:
        key = (tuple(config.select or ()), tuple(config.ignore))
        if key not in self._rules:
            self._rules[key] = [rule() for rule in select_rules(config.select, config.ignore)]
        return self._rules[key]

    def findings(self, module: Module) -> list[Finding]:
        """The module's findings; the last answer per directory is reused while texts stay."""
        texts = module.texts
        cached = self._findings.get(module.directory)
        if cached is not None and cached[0] == texts:
            return cached[1]
        config = self.config(module.directory)
        scope = Scope(self.rules(config), config, self.callers(module))
        findings = analyse(module, scope, self.problems)  # a failing rule goes to the log
        self._findings[module.directory] = (texts, findings)
        return findings


def _module_file(path: Path) -> bool:
    return path.suffix == ".tf" or is_variable_file(path)
