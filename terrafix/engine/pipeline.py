"""The fixpoint pipeline: analyse, apply non-overlapping fixes, verify, re-analyse, repeat.

Nothing is written here: the result holds every file's original and final text, and the
caller writes (atomically) only when the whole run succeeded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Module, discover_modules
from ..model.calls import callers_of
from ..model.discovery import discover_tfvars
from ..model.fragments import fragment_reason
from ..model.project_callers import find_callers, project_root
from ..syntax import HclSyntaxError, parse
from ..syntax.parser import parse_recovering
from ..writer import TextEdit, apply_edits
from .config import Config
from .damage import clear_of_damage, keeps_damage, text_keeps_damage
from .findings import Applicability, Finding
from .rules import RuleContext, select_rules
from .suppress import is_suppressed

# Fixes that insert at the same place (several declarations appended to one file) go one per
# pass, so a module with many missing declarations needs many passes. A fix that comes back after
# it was applied is caught at once as non-convergence; this bound only stops runaway rules.
MAX_PASSES = 100


@dataclass
class FileResult:
    path: Path
    original: str | None  # None for a file the run creates
    final: str
    error: HclSyntaxError | None = None
    errors: list[HclSyntaxError] = field(default_factory=list)  # all of them; error is the first

    @property
    def changed(self) -> bool:
        return self.original != self.final


@dataclass(frozen=True)
class Note:
    """Something the run did on purpose that a person should hear of once, such as a folder it
    left alone: not a finding and not an error."""

    path: Path
    message: str

    def __str__(self) -> str:
        return f"{self.path}: note: {self.message}"


@dataclass
class RunResult:
    files: dict[Path, FileResult] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)  # what remains, against final texts
    fixed: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    @property
    def changed_files(self) -> list[FileResult]:
        return [f for p, f in sorted(self.files.items()) if f.changed]

    @property
    def syntax_errors(self) -> list[HclSyntaxError]:
        out = []
        for file in self.files.values():
            out.extend(file.errors or ([file.error] if file.error is not None else []))
        return out


def read_text(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def run(
    paths: list[Path],
    config: Config,
    *,
    fix: bool,
    overrides: dict[Path, str] | None = None,
    adapt: Callable[[Finding], Finding | None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Analyse (and with ``fix``, repair) every module under ``paths``.

    ``adapt`` lets a front end that can write only some files (an editor buffer) move a fix's
    edits or drop the fix (by returning None) before it is applied. ``progress`` is told
    (files done, files in all) after each module.
    """
    result = RunResult()
    overrides = {p.resolve(): t for p, t in (overrides or {}).items()}
    rules = [rule() for rule in select_rules(config.select, config.ignore)]
    exclusions = config.exclusions()
    excluded = None
    if exclusions:
        excluded = _excluded_reporter(exclusions, paths, result)
    discovered = discover_modules(paths, excluded)
    total = sum(len(files) for files in discovered.values())
    modules = {
        directory: Module.from_texts(directory, _read(files, overrides, result))
        for directory, files in discovered.items()
    }
    _check_tfvars(discover_tfvars(paths, excluded), overrides, result)
    callers = callers_of(modules.values())
    done = 0
    for directory, module in modules.items():
        called_by = callers.get(directory.resolve()) or _callers_outside(directory, paths)
        reason = fragment_reason(module, _top(directory, paths), called=bool(called_by))
        if reason is not None:
            _leave_alone(module, reason, result)
        else:
            _run_module(module, Scope(rules, config, called_by), fix, result, adapt)
        done += len(discovered[directory])
        if progress is not None:
            progress(done, total)
    return result


def _check_tfvars(files: list[Path], overrides: dict[Path, str], result: RunResult) -> None:
    """Variable definitions files are no module's files: only whether they parse is checked
    (Terraform stops at one that does not), and nothing in them is fixed."""
    for path, text in _read(files, overrides, result).items():
        _, errors = parse_recovering(text, str(path))
        result.files[path] = FileResult(path, text, text, errors[0] if errors else None, errors)


def _excluded_reporter(exclusions, paths: list[Path], result: RunResult):
    """``exclusions`` as discovery asks it, noting each path named on the command line that
    it leaves out (a person who names a path expects to hear why nothing comes of it)."""
    named = {p.resolve() for p in paths}

    def excluded(path: Path, is_dir: bool) -> bool:
        out = exclusions.excludes(path, is_dir=is_dir)
        if out and path.resolve() in named:
            named.discard(path.resolve())  # modules and tfvars files both ask: say it once
            result.notes.append(Note(path, "excluded by the exclude setting or --exclude"))
        return out

    return excluded


def _top(directory: Path, paths: list[Path]) -> Path | None:
    """How far up folder names tell what a folder is: its git repository's root, else the
    path of the run it was found under."""
    resolved = directory.resolve()
    root = project_root(resolved)
    if root is not None:
        return root
    for path in paths:
        top = path.resolve() if path.is_dir() else path.resolve().parent
        if top == resolved or top in resolved.parents:
            return top
    return None


def _leave_alone(module: Module, reason: str, result: RunResult) -> None:
    """A fragment (see ``model.fragments``): no rule runs, its files stay as they are, and the
    run says once why."""
    result.notes.append(Note(module.directory, f"not a whole module, left alone: {reason}"))
    for path, source in module.files.items():
        result.files[path] = FileResult(path, source.text, source.text, source.error)


def _callers_outside(directory: Path, paths: list[Path]) -> tuple[Path, ...]:
    """Callers elsewhere in the project, when the run does not cover the whole project (an
    editor's buffer, one folder of a repository): the module is judged as from the root."""
    root = project_root(directory.resolve())
    if root is None or any(p.resolve() in (root, *root.parents) for p in paths):
        return ()
    return find_callers(directory)


def _allowed(finding: Finding, config: Config) -> bool:
    if finding.fix is None:
        return False
    if finding.fix.applicability is Applicability.SAFE:
        return True
    return finding.fix.applicability is Applicability.UNSAFE and config.unsafe_fixes


def _read(files: list[Path], overrides: dict[Path, str], result: RunResult) -> dict[Path, str]:
    texts: dict[Path, str] = {}
    for path in files:
        try:
            resolved = path.resolve()
            texts[path] = overrides[resolved] if resolved in overrides else read_text(path)
        except (OSError, UnicodeDecodeError) as err:
            result.errors.append(f"{path}: error: cannot read as UTF-8 text: {err}")
    return texts


@dataclass(frozen=True)
class Scope:
    """What stays the same for a module across passes: the rules, the config, its callers."""

    rules: list
    config: Config
    callers: tuple[Path, ...] = ()


def analyse(module: Module, scope: Scope) -> list[Finding]:
    findings = []
    config = scope.config
    for rule in scope.rules:
        options = config.options_for(rule.code, rule.slug)
        context = RuleContext(module, options, config.profile, scope.callers)
        findings.extend(f for f in rule.check(context) if not is_suppressed(f, module))
    return sorted(findings, key=lambda f: (str(f.path), f.start, f.rule))


def _conflicts(edits: dict[Path, list[TextEdit]], accepted: dict[Path, list[TextEdit]]) -> bool:
    for path, new_edits in edits.items():
        for new in new_edits:
            for old in accepted.get(path, []):
                if new == old:
                    continue
                if new.start < old.end and old.start < new.end:
                    return True
                if new.start == old.start or (
                    new.start == new.end and old.start <= new.start <= old.end
                ):
                    return True
    return False


def _select_fixes(
    candidates: list[Finding], texts: dict[Path, str], verify: RunResult | None
) -> tuple[dict[Path, list[TextEdit]], list[Finding]]:
    """The fixes of one pass that do not overlap, with their edits merged per file.

    With ``verify`` (the run's result, for the report), a fix whose own edits leave a file that
    does not parse is reported and skipped.
    """
    accepted: dict[Path, list[TextEdit]] = {}
    chosen: list[Finding] = []
    for finding in candidates:
        edits = finding.fix.edits
        if _conflicts(edits, accepted):
            continue
        if verify is not None and not all(
            text_keeps_damage(texts.get(p, ""), apply_edits(texts.get(p, ""), e))
            for p, e in edits.items()
        ):
            verify.errors.append(
                f"{finding.path}: error: the {finding.rule} fix ({finding.fix.description}) "
                "would leave a file that does not parse; it was not applied"
            )
            continue
        for path, path_edits in edits.items():
            known = accepted.setdefault(path, [])
            known.extend(e for e in path_edits if e not in known)
        chosen.append(finding)
    return accepted, chosen


def _applied(module: Module, texts: dict[Path, str], edits: dict[Path, list[TextEdit]]) -> Module:
    """The module as it is once ``edits`` are applied to ``texts`` (new files included)."""
    changed = {p: apply_edits(texts.get(p, ""), e) for p, e in edits.items()}
    return Module.from_texts(module.directory, {**texts, **changed})


def _unparsable(module: Module, paths, before: Module) -> bool:
    """A changed file parses worse than before the pass (damaged text is kept, never added)."""
    return not all(keeps_damage(before.files.get(p), module.files[p]) for p in paths)


def _run_module(module: Module, scope: Scope, fix: bool, result: RunResult, adapt=None) -> None:
    directory, config = module.directory, scope.config
    texts = {path: source.text for path, source in module.files.items()}
    original = dict(texts)
    applied: set[str] = set()
    fixed: list[Finding] = []
    findings = analyse(module, scope)
    for _ in range(MAX_PASSES if fix else 0):
        candidates = clear_of_damage([f for f in findings if _allowed(f, config)], module)
        if adapt is not None:
            candidates = [a for a in map(adapt, candidates) if a is not None]
        if not candidates:
            break
        repeated = [f for f in candidates if f.key in applied]
        if repeated:
            result.errors.append(_not_converging(directory, repeated))
            texts, fixed = original, []
            break
        # Optimistic: the pass's fixes are applied together and each changed file parsed once;
        # only when that fails is each fix verified on its own, so the one that breaks the file
        # is named and left out.
        accepted, chosen = _select_fixes(candidates, texts, None)
        following = _applied(module, texts, accepted)
        if _unparsable(following, accepted, module):
            accepted, chosen = _select_fixes(candidates, texts, result)
            following = _applied(module, texts, accepted)
        if not accepted:
            break
        if _unparsable(following, accepted, module):
            result.errors.append(
                f"{directory}: error: fixes combined into unparsable code; nothing written"
            )
            texts, fixed = original, []
            break
        for finding in chosen:
            applied.add(finding.key)
            fixed.append(finding)
        module = following
        texts = {path: source.text for path, source in module.files.items()}
        findings = analyse(module, scope)
    else:
        if fix and any(_allowed(f, config) for f in findings):
            result.errors.append(
                _not_converging(directory, [f for f in findings if _allowed(f, config)])
            )
            texts, fixed = original, []
            module = Module.from_texts(directory, texts)
            findings = analyse(module, scope)
    if texts is original:
        module = Module.from_texts(directory, texts)
        findings = analyse(module, scope)
    for path, text in texts.items():
        source = module.files.get(path)
        result.files[path] = FileResult(
            path,
            original.get(path),
            text,
            source.error if source else None,
            list(source.errors) if source else [],
        )
    result.findings.extend(findings)
    result.fixed.extend(fixed)


def _not_converging(directory: Path, findings: list[Finding]) -> str:
    rules = ", ".join(sorted({f.rule for f in findings}))
    return (
        f"{directory}: error: fixes did not converge ({rules}); nothing was written for this module"
    )


def _parses(text: str) -> bool:
    try:
        parse(text)
    except HclSyntaxError:
        return False
    return True
