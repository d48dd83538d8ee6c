"""The fixpoint pipeline: analyse, apply non-overlapping fixes, verify, re-analyse, repeat.

Nothing is written here: the result holds every file's original and final text, and the
caller writes (atomically) only when the whole run succeeded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Module, discover_modules
from ..model.calls import CallSite, call_sites, callers_from_sites
from ..model.discovery import Walk, auto_loaded_files, discover_tfvars
from ..model.fragments import fragment_reason
from ..model.module import SourceFile, is_variable_file, share_repeated
from ..model.project_callers import find_callers, project_roots
from ..model.validation import Baseline
from ..syntax.parser import parse_recovering
from ..writer import TextEdit, apply_edits
from .config import Config
from .damage import keeps_damage, text_keeps_damage, without_fixes_into_damage
from .findings import Applicability, Finding
from .results import FileResult, Note, RunResult
from .rules import RuleContext, select_rules
from .suppress import is_suppressed
from .workers import run_jobs

if TYPE_CHECKING:
    from .result_cache import ResultCache

# Fixes that insert at the same place (several declarations appended to one file) go one per
# pass, so a module with many missing declarations needs many passes. A fix that comes back after
# it was applied is caught at once as non-convergence; this bound only stops runaway rules.
MAX_PASSES = 100


def read_text(path: Path) -> str:
    """``path``'s text as ``open(path, encoding="utf-8", newline="")`` reads it, raising what
    it raises: decoded whole, which skips a text stream's overhead for every file of a run."""
    with open(path, "rb") as handle:
        return handle.read().decode("utf-8")


def run(
    paths: list[Path],
    config: Config,
    *,
    fix: bool,
    overrides: dict[Path, str] | None = None,
    adapt: Callable[[Finding], Finding | None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    jobs: int = 1,
    cache: ResultCache | None = None,
    fix_texts: bool = True,
) -> RunResult:
    """Analyse (and with ``fix``, repair) every module under ``paths``.

    ``adapt`` lets a front end that can write only some files (an editor buffer) move a fix's
    edits or drop the fix (by returning None) before it is applied. ``progress`` is told
    (files done, files in all) after each module. ``jobs`` > 1 lets worker processes share
    the modules, and ``cache`` answers modules whose inputs have not changed since it saw them:
    neither changes the result. Without ``fix_texts`` the findings' fixes say only what they
    are, not what they write (see ``TextsLeftOut``): for a report that shows no edits.
    """
    result = RunResult()
    overrides = {p.resolve(): t for p, t in (overrides or {}).items()}
    exclusions = config.exclusions()
    excluded = None
    if exclusions:
        excluded = _excluded_reporter(exclusions, paths, result)
    walks: dict[Path, Walk] = {}  # the tree is walked once for modules and tfvars files
    discovered = discover_modules(paths, excluded, walks)
    texts = {
        directory: _read([*files, *_variable_files(directory, excluded)], overrides, result)
        for directory, files in discovered.items()
    }
    share_repeated(text for files in texts.values() for text in files.values())
    held = {path.resolve() for files in texts.values() for path in files if is_variable_file(path)}
    tfvars = [p for p in discover_tfvars(paths, excluded, walks) if p.resolve() not in held]
    _check_tfvars(tfvars, overrides, result)
    callers = _callers(texts, cache)
    module_jobs = _module_jobs(texts, callers, paths)
    total = sum(len(files) for files in discovered.values())
    done = 0
    runner = JobRunner(config, fix, adapt, cache, fix_texts)
    if adapt is not None:  # a front end's callback stays in its process, and so do its jobs
        jobs = 1
    for job, part in zip(module_jobs, _results(runner, module_jobs, jobs), strict=True):
        result.merge(part)
        done += len(discovered[job.directory])
        if progress is not None:
            progress(done, total)
    if cache is not None:
        cache.tidy()
    return result


@dataclass(frozen=True)
class ModuleJob:
    """One module's share of a run: its files' texts and what the run knows around it."""

    directory: Path
    texts: dict[Path, str]
    callers: tuple[Path, ...]  # the directories of the modules that call it
    top: Path | None  # how far up folder names tell what a folder is (see ``_top``)

    @property
    def size(self) -> int:
        return sum(len(text) for text in self.texts.values())


class JobRunner:
    """Runs module jobs with one run's rules and config, in this process or a worker's."""

    def __init__(
        self,
        config: Config,
        fix: bool,
        adapt=None,
        cache: ResultCache | None = None,
        fix_texts: bool = True,
    ):
        self.config, self.fix, self.adapt, self.cache = config, fix, adapt, cache
        self.fix_texts = fix_texts
        self._rules: list | None = None

    def __getstate__(self) -> dict:
        # A worker builds its own rules; a front end's ``adapt`` never leaves its process.
        return {**self.__dict__, "_rules": None, "adapt": None}

    @property
    def rules(self) -> list:
        if self._rules is None:
            self._rules = [rule() for rule in select_rules(self.config.select, self.config.ignore)]
        return self._rules

    def import_rules(self) -> None:
        """Import the rules here, before workers fork: each would import them again (a tenth
        of a second apiece)."""
        select_rules(self.config.select, self.config.ignore)

    def cached(self, job: ModuleJob) -> RunResult | None:
        """The cache's answer for ``job``, if it has one that still holds."""
        if self.cache is None or self.adapt is not None:
            return None
        return self.cache.load(self.cache.key(job, self.fix, self.fix_texts), job)

    def __call__(self, job: ModuleJob) -> RunResult:
        """The job's result, computed (and kept in the cache, if there is one)."""
        if self.cache is None or self.adapt is not None:
            return self.run(job)
        key = self.cache.key(job, self.fix, self.fix_texts)
        from ..model.disk import recording  # here: runs without a cache record nothing

        with recording() as probes:
            part = self.run(job)
        self.cache.store(key, job, part, probes)
        return part

    def run(self, job: ModuleJob) -> RunResult:
        part = RunResult()
        module = Module.from_texts(job.directory, job.texts)
        reason = fragment_reason(module, job.top, called=bool(job.callers))
        if reason is not None:
            _leave_alone(module, reason, part)
        else:
            scope = Scope(self.rules, self.config, job.callers)
            _run_module_safely(module, scope, self.fix, part, self.adapt)
        return part if self.fix_texts else part.without_fix_texts()


def _results(runner: JobRunner, module_jobs: list[ModuleJob], jobs: int) -> Iterator[RunResult]:
    """Each job's result, in order: the cache answers here, in this process, and only the jobs
    it cannot answer go to workers (starting them costs more than a warm run)."""
    cached = [runner.cached(job) for job in module_jobs]
    missing = [job for job, hit in zip(module_jobs, cached, strict=True) if hit is None]
    if missing:
        runner.import_rules()
    computed = run_jobs(runner, missing, jobs)
    for hit in cached:
        yield hit if hit is not None else next(computed)


def _callers(
    texts: dict[Path, dict[Path, str]], cache: ResultCache | None
) -> dict[Path, tuple[Path, ...]]:
    """Resolved module directory → the directories of the run's modules that call it, read from
    the files that may hold `module` blocks (a file parsed here is parsed again by its module's
    job only if many files were parsed in between: see ``SourceFile.load``)."""
    return callers_from_sites(
        (
            directory,
            [
                site
                for path, text in sorted(files.items())
                if _may_call_modules(text)
                for site in _call_sites(path, text, cache)
            ],
        )
        for directory, files in texts.items()
    )


def _call_sites(path: Path, text: str, cache: ResultCache | None) -> list[CallSite]:
    """The file's `module` blocks, from the cache or parsed."""
    known = cache.call_sites(text) if cache is not None else None
    if known is not None:
        return known
    source = SourceFile.load(path, text)
    sites = call_sites(source.tree.body.blocks("module"))
    if cache is not None:
        cache.store_call_sites(text, sites)
    return sites


# A line that may open a `module` block: the keyword first on its line (comments aside).
MODULE_BLOCK = re.compile(r"(?m)^[^\S\n]*(?:/\*.*?\*/[^\S\n]*)*module\b")


def _may_call_modules(text: str) -> bool:
    """Whether a line of ``text`` matches ``MODULE_BLOCK``. A match lies within one line, and
    its line holds the word: only the lines the word is on are tried (searching every line of
    the files that merely mention modules cost a twentieth of a warm check)."""
    at = text.find("module")
    while at >= 0:
        line_start = text.rfind("\n", 0, at) + 1
        if MODULE_BLOCK.match(text, line_start):
            return True
        line_end = text.find("\n", at)
        if line_end < 0:
            return False
        at = text.find("module", line_end)
    return False


def _variable_files(directory: Path, excluded) -> list[Path]:
    """The module's automatically loaded variable files, which its rules may read and fix."""
    return [
        path
        for path in auto_loaded_files(directory)
        if is_variable_file(path) and not (excluded and excluded(path, False))
    ]


def _check_tfvars(files: list[Path], overrides: dict[Path, str], result: RunResult) -> None:
    """Variable definitions files no module holds (see ``_variable_files``): only whether they
    parse is checked (Terraform stops at one that does not), and nothing in them is fixed."""
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


def _module_jobs(
    texts: dict[Path, dict[Path, str]], callers: dict[Path, tuple[Path, ...]], paths: list[Path]
) -> list[ModuleJob]:
    """A job for each module. What the jobs ask of the disk is asked once for the run: each
    path named resolved, each folder's `.git` looked for (modules of one tree share parents)."""
    named = [path.resolve() for path in paths]
    tops = [top if path.is_dir() else top.parent for path, top in zip(paths, named, strict=True)]
    roots = project_roots()
    jobs = []
    for directory, module_texts in texts.items():
        resolved = directory.resolve()
        root = roots(resolved)
        jobs.append(
            ModuleJob(
                directory,
                module_texts,
                callers.get(resolved) or _callers_outside(directory, root, named),
                root if root is not None else _top(resolved, tops),
            )
        )
    return jobs


def _top(resolved: Path, tops: list[Path]) -> Path | None:
    """How far up folder names tell what a folder outside any git repository is: the path of
    the run it was found under (resolved, its folder for a file)."""
    for top in tops:
        if top == resolved or top in resolved.parents:
            return top
    return None


def _leave_alone(module: Module, reason: str, result: RunResult) -> None:
    """A fragment (see ``model.fragments``): no rule runs, its files stay as they are, and the
    run says once why."""
    result.notes.append(Note(module.directory, f"not a whole module, left alone: {reason}"))
    for path, source in module.sources.items():
        result.files[path] = FileResult(path, source.text, source.text, source.error)


def _callers_outside(directory: Path, root: Path | None, named: list[Path]) -> tuple[Path, ...]:
    """Callers elsewhere in the project (``root``), when the run does not cover the whole
    project (an editor's buffer, one folder of a repository; ``named``: the run's paths,
    resolved): the module is judged as from the root."""
    if root is None or any(p in (root, *root.parents) for p in named):
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
            resolved = path.resolve() if overrides else path  # resolving costs a stat per folder
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


def analyse(module: Module, scope: Scope, errors: list[str] | None = None) -> list[Finding]:
    """Every rule's findings on ``module``. A rule that fails is reported into ``errors`` (when
    given) and the others still run: one bad rule must not hide every other finding."""
    findings = []
    config = scope.config
    module.remember_texts()
    for rule in scope.rules:
        options = config.options_for(rule.code, rule.slug)
        context = RuleContext(module, options, config.profile, scope.callers)
        try:
            found = list(rule.check(context))
        except Exception as err:  # any failure of a rule is reported, not fatal
            if errors is None:
                raise
            _add_error(errors, _rule_failed(rule, module, err))
            continue
        findings.extend(f for f in found if not is_suppressed(f, module))
    findings = without_fixes_into_damage(findings, module)
    return sorted(findings, key=lambda f: (str(f.path), f.start, f.rule))


def _rule_failed(rule, module: Module, err: Exception) -> str:
    return (
        f"{module.directory}: error: internal error in rule {rule.code} ({rule.slug}): "
        f"{type(err).__name__}: {err}; its findings for this module are missing. This is a bug "
        "in terrafix: please report it with the module's files if you can share them"
    )


def _add_error(errors: list[str], message: str) -> None:
    """Report ``message`` once (passes and re-runs of a module would repeat it)."""
    if message not in errors:
        errors.append(message)


def _conflicts(edits: dict[Path, list[TextEdit]], accepted: dict[Path, list[TextEdit]]) -> bool:
    """True when an edit of ``edits`` touches the place of an accepted edit (identical edits
    apply once, so they do not conflict)."""
    for path, new_edits in edits.items():
        for new in new_edits:
            for old in accepted.get(path, []):
                if new != old and _touch(new, old):
                    return True
    return False


def _touch(one: TextEdit, other: TextEdit) -> bool:
    """Two edits overlap, start at one place, or one inserts at either end of the other: in
    either order, as two rules inserting the same entry after a line the other replaces would
    otherwise both apply."""
    if (one.start < other.end and other.start < one.end) or one.start == other.start:
        return True
    if one.start == one.end and other.start <= one.start <= other.end:
        return True
    return other.start == other.end and one.start <= other.start <= one.end


def _select_fixes(
    candidates: list[Finding], texts: dict[Path, str], refuse: Refusal | None
) -> tuple[dict[Path, list[TextEdit]], list[Finding]]:
    """The fixes of one pass that do not overlap, with their edits merged per file.

    With ``refuse``, a fix whose own edits leave a file that does not parse is refused (named
    in the report) and skipped.
    """
    accepted: dict[Path, list[TextEdit]] = {}
    chosen: list[Finding] = []
    for finding in candidates:
        edits = finding.fix.edits
        if _conflicts(edits, accepted):
            continue
        if refuse is not None and not all(
            text_keeps_damage(texts.get(p, ""), apply_edits(texts.get(p, ""), e))
            for p, e in edits.items()
        ):
            refuse(finding, "would leave a file that does not parse")
            continue
        _merge(accepted, edits)
        chosen.append(finding)
    return accepted, chosen


def _merge(accepted: dict[Path, list[TextEdit]], edits: dict[Path, list[TextEdit]]) -> None:
    """Add ``edits`` to ``accepted``; an edit already there (the same edit) applies once."""
    for path, path_edits in edits.items():
        known = accepted.setdefault(path, [])
        known.extend(e for e in path_edits if e not in known)


def _applied(module: Module, texts: dict[Path, str], edits: dict[Path, list[TextEdit]]) -> Module:
    """The module as it is once ``edits`` are applied to ``texts`` (new files included)."""
    changed = {p: apply_edits(texts.get(p, ""), e) for p, e in edits.items()}
    return Module.from_texts(module.directory, {**texts, **changed})


def _unparsable(module: Module, paths, before: Module) -> bool:
    """A changed file parses worse than before the pass (damaged text is kept, never added)."""
    return not all(keeps_damage(before.source(p), module.source(p)) for p in paths)


def _texts(module: Module) -> dict[Path, str]:
    return module.texts


# A refused fix: it is reported with why, and not offered again in this module's run.
Refusal = Callable[[Finding, str], None]


@dataclass
class _Attempt:
    """How one run of a module's passes ended."""

    module: Module
    findings: list[Finding]
    fixed: list[Finding] = field(default_factory=list)
    oscillating: frozenset[str] = frozenset()  # rules whose fixes did not converge
    failed: bool = False  # the pass's fixes combined into unparsable code: write nothing


def _run_module_safely(module: Module, scope: Scope, fix: bool, result: RunResult, adapt) -> None:
    """Run one module; a failure of terrafix itself is reported and leaves the module as it is,
    and the run goes on with the other modules."""
    try:
        _run_module(module, scope, fix, result, adapt)
    except Exception as err:  # any failure on one module is reported, not fatal
        result.errors.append(
            f"{module.directory}: error: internal error: {type(err).__name__}: {err}; the module "
            "was left as it is. This is a bug in terrafix: please report it"
        )
        _record(module, _Attempt(module, []), result)


def _run_module(module: Module, scope: Scope, fix: bool, result: RunResult, adapt=None) -> None:
    findings = analyse(module, scope, result.errors)
    attempt = _Attempt(module, findings)
    if fix:
        attempt = _fix_module(module, findings, scope, result, adapt)
        if attempt.failed:
            attempt = _Attempt(module, findings)
    _record(module, attempt, result)


def _record(original: Module, attempt: _Attempt, result: RunResult) -> None:
    for path, source in attempt.module.sources.items():
        before = original.source(path)
        result.files[path] = FileResult(
            path, before.text if before else None, source.text, source.error, list(source.errors)
        )
    result.findings.extend(attempt.findings)
    result.fixed.extend(attempt.fixed)


def _fix_module(
    module: Module, findings: list[Finding], scope: Scope, result: RunResult, adapt
) -> _Attempt:
    """Fix passes until nothing is left to fix. When some rules' fixes do not converge, those
    rules' fixes are left out and the module is fixed again from the start with the others."""
    baseline = Baseline.of(module)
    excluded: frozenset[str] = frozenset()
    while True:
        attempt = _passes(module, findings, scope, result, adapt, baseline, excluded)
        if not attempt.oscillating:
            return attempt
        result.errors.append(_not_converging(module.directory, attempt.oscillating))
        excluded |= attempt.oscillating


def _passes(
    module: Module,
    findings: list[Finding],
    scope: Scope,
    result: RunResult,
    adapt,
    baseline: Baseline,
    excluded: frozenset[str],
) -> _Attempt:
    """Apply the fixes pass by pass, re-analysing after each, until none is left."""
    config = scope.config
    applied: set[str] = set()
    refused: set[str] = set()
    fixed: list[Finding] = []

    def refuse(finding: Finding, why: str) -> None:
        refused.add(finding.key)
        _add_error(
            result.errors,
            f"{finding.path}: error: the {finding.rule} fix ({finding.fix.description}) "
            f"{why}; it was not applied",
        )

    for _ in range(MAX_PASSES):
        candidates = _candidates(module, findings, config, adapt, excluded, refused)
        if not candidates:
            return _Attempt(module, findings, fixed)
        repeated = frozenset(f.rule for f in candidates if f.key in applied)
        if repeated:
            return _Attempt(module, findings, fixed, oscillating=repeated)
        following, chosen = _pass(module, candidates, baseline, refuse)
        if following is None:
            result.errors.append(
                f"{module.directory}: error: fixes combined into unparsable code; nothing written"
            )
            return _Attempt(module, findings, failed=True)
        applied.update(f.key for f in chosen)
        fixed.extend(chosen)
        module = following
        findings = analyse(module, scope, result.errors)
    left = frozenset(
        f.rule for f in _candidates(module, findings, config, adapt, excluded, refused)
    )
    return _Attempt(module, findings, fixed, oscillating=left)


def _candidates(
    module: Module,
    findings: list[Finding],
    config: Config,
    adapt,
    excluded: frozenset[str],
    refused: set[str],
) -> list[Finding]:
    """The findings whose fixes this pass may apply."""
    candidates = [
        f
        for f in findings
        if _allowed(f, config) and f.rule not in excluded and f.key not in refused
    ]
    if adapt is not None:
        candidates = [a for a in map(adapt, candidates) if a is not None]
    return candidates


def _pass(
    module: Module, candidates: list[Finding], baseline: Baseline, refuse: Refusal
) -> tuple[Module | None, list[Finding]]:
    """One pass: the module with the pass's fixes applied (None when they break a file), and
    the fixes applied.

    Optimistic: the pass's fixes are applied together, each changed file is parsed once and the
    module validated once; only when that fails is each fix checked on its own, so the one at
    fault is named and left out.
    """
    texts = _texts(module)
    accepted, chosen = _select_fixes(candidates, texts, None)
    following = _applied(module, texts, accepted)
    if _unparsable(following, accepted, module):
        accepted, chosen = _select_fixes(candidates, texts, refuse)
        following = _applied(module, texts, accepted)
    if not accepted:
        return module, []
    if _unparsable(following, accepted, module):
        return None, []
    if baseline.added_by(following):
        following, chosen = _valid_fixes(module, texts, chosen, baseline, refuse)
    return following, chosen


def _valid_fixes(
    module: Module,
    texts: dict[Path, str],
    chosen: list[Finding],
    baseline: Baseline,
    refuse: Refusal,
) -> tuple[Module, list[Finding]]:
    """The pass's fixes added one at a time, each kept only when the module stays as valid as
    it was before the run. A fix that adds a problem on its own is refused; one that adds a
    problem only together with fixes kept before it waits for the next pass, which sees them."""
    kept: list[Finding] = []
    edits: dict[Path, list[TextEdit]] = {}
    current = module
    for finding in chosen:
        trial_edits = {p: list(e) for p, e in edits.items()}
        _merge(trial_edits, finding.fix.edits)
        trial = _applied(module, texts, trial_edits)
        if not baseline.added_by(trial):
            kept.append(finding)
            edits, current = trial_edits, trial
            continue
        alone = baseline.added_by(_applied(module, texts, finding.fix.edits))
        if alone:
            refuse(finding, f"would make Terraform refuse the configuration: {alone[0]}")
    return current, kept


def _not_converging(directory: Path, rules: Iterable[str]) -> str:
    names = ", ".join(sorted(rules))
    return (
        f"{directory}: error: fixes of {names} did not converge; "
        "those fixes were not applied to this module"
    )
