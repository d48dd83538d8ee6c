"""The terrafix command line: check, fix, rules, explain, parse."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import ClassVar

import click

from . import __version__
from .engine.config import PROFILES
from .output.locations import COLUMN_UNITS

FORMATS = ("text", "json", "sarif", "github", "lsp")


def _common(function):
    """Options shared by `check` and `fix`."""
    options = [
        click.argument("paths", nargs=-1, type=click.Path(path_type=Path)),
        click.option(
            "--select",
            multiple=True,
            help="Only these rules (code, prefix or slug); repeatable or comma-separated.",
        ),
        click.option(
            "--ignore",
            multiple=True,
            help="Skip these rules (code, prefix or slug); repeatable or comma-separated.",
        ),
        click.option(
            "--exclude",
            multiple=True,
            help="Leave out paths matching this gitignore-like glob (relative to the current "
            "directory), besides the config's `exclude`; repeatable.",
        ),
        click.option(
            "--unsafe-fixes", is_flag=True, default=None, help="Also apply fixes marked unsafe."
        ),
        click.option(
            "--profile",
            type=click.Choice(PROFILES),
            default=None,
            help=(
                "default: safe fixes never replace, destroy, unprotect or narrow on a guess; "
                "ephemeral: stacks created and destroyed per test or preview (renames and "
                "destroyability fixes are safe); production: never offers those fixes."
            ),
        ),
        click.option(
            "--config",
            "config_path",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="Config file (default: nearest .terrafix.toml or pyproject.toml [tool.terrafix]).",
        ),
        click.option(
            "--stdin-filename",
            type=click.Path(path_type=Path),
            help="Read the buffer for this path from stdin (PATH must be '-').",
        ),
        click.option(
            "--format",
            "output_format",
            type=click.Choice(FORMATS),
            default="text",
            show_default=True,
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


class _LazyGroup(click.Group):
    """Commands with heavy imports (the bot's git and HTTP code) load only when they run, so
    `check`/`fix` — which editors start for every quick-fix — stay quick to start."""

    lazy: ClassVar[dict[str, tuple[str, str]]] = {"pr": ("terrafix.bot.command", "pr_command")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy and name not in self.commands:
            import importlib

            module, attribute = self.lazy[name]
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return super().get_command(ctx, name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="terrafix")
def main() -> None:
    """terrafix finds and fixes the mistakes hurried Terraform makes again and again.

    \b
    Examples:
      terrafix check .                 report findings
      terrafix fix --dry-run .         show the fixes as a unified diff
      terrafix fix .                   apply the safe fixes in place
      terrafix explain TF001           what a rule does and why
    """
    _tune_garbage_collector()


def _tune_garbage_collector() -> None:
    """Collect garbage less often than Python's default.

    A run builds syntax trees of hundreds of thousands of small objects that live until it ends
    and hold no reference cycles; with the default thresholds the collector walks them again and
    again (a third of a fix's time on a 1,000-line file). Objects made at start-up (modules,
    classes) are frozen out of collections, and young ones are collected every 50,000
    allocations instead of every 700: garbage in cycles is still freed, a little later.
    """
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def _no_cycle_collection() -> None:
    """Leave memory to reference counting for the rest of a one-shot ``check`` or ``fix``.

    Even collected rarely, the trees are walked again at each older-generation collection: an
    eighth of a check over a large tree. What a run leaves in reference cycles is small (about
    1,500 objects over 5 MB of Terraform), and the process ends with the command; a long-lived
    process (the language server) keeps the collector, and so does a caller that runs the
    command in its own process (``entry`` marks the command's process as its own).
    """
    context = click.get_current_context(silent=True)
    if context is not None and (context.find_root().obj or {}).get("own_process"):
        gc.disable()


def _setup(paths, select, ignore, unsafe_fixes, profile, config_path, stdin_filename, exclude=()):
    from .engine.config import ConfigError
    from .engine.settings import resolve_config

    overrides: dict[Path, str] = {}
    if stdin_filename is not None:
        if list(paths) != [Path("-")]:
            raise click.UsageError(
                "--stdin-filename reads the buffer from stdin: pass '-' as the only PATH"
            )
        overrides[stdin_filename] = sys.stdin.read()
        paths = (stdin_filename,)
    elif not paths:
        paths = (Path("."),)
    elif Path("-") in paths:
        raise click.UsageError(
            "'-' reads a buffer from stdin: say which file it is with --stdin-filename PATH"
        )
    for path in paths:
        if not path.exists() and path not in overrides:
            raise click.UsageError(f"no such file or directory: {path}")
    try:
        config = resolve_config(
            Path(paths[0]),
            config_path=config_path,
            select=select,
            ignore=ignore,
            exclude=exclude,
            unsafe_fixes=unsafe_fixes,
            profile=profile,
        )
    except ConfigError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
    return list(paths), config, overrides


def _progress(stdin_filename):
    """A progress line on stderr for a person at a terminal; never for an editor's buffer."""
    if stdin_filename is not None:
        return None
    from .output.terminal import progress_reporter

    return progress_reporter()


def _report_errors(result) -> None:
    _report_notes(result)
    for err in result.syntax_errors:
        click.echo(f"{err.location}: error: {err.message}\n{err.excerpt}", err=True)
    for message in result.errors:
        click.echo(message, err=True)


def _report_notes(result) -> None:
    """What the run left alone on purpose (a fragment folder), once each, on stderr."""
    from .output.diff import display_path

    for note in result.notes:
        click.echo(f"{display_path(note.path)}: note: {note.message}", err=True)


def _emit(result, output_format: str, column_unit: str = "character") -> None:
    from .output import reports

    if output_format == "text":
        text = reports.text_report(result, column_unit)
        if text:
            click.echo(text)
        return
    render = {
        "text": reports.text_report,
        "json": reports.json_report,
        "sarif": reports.sarif_report,
        "github": reports.github_report,
        "lsp": _lsp_report,
    }[output_format]
    text = render(result)
    if text:
        click.echo(text)


def _lsp_report(result) -> str:
    from .output.lsp import lsp_report

    return lsp_report(result)


def _report_buffer_errors(result, column_unit: str = "character") -> None:
    """Syntax errors as finding lines on stdout, for editors that read `file:line:col` lines."""
    from .output.diff import display_path
    from .output.locations import column

    for file in result.files.values():
        for err in file.errors or ([file.error] if file.error is not None else []):
            path = display_path(Path(err.path)) if err.path else "<stdin>"
            col = column(file.original or "", err.offset, column_unit)
            click.echo(f"{path}:{err.line}:{col}: error: {err.message} [syntax]")
    _report_notes(result)
    for message in result.errors:
        click.echo(message, err=True)


def _speed(function):
    """Options for how a run spends time: worker processes and the result cache."""
    options = [
        click.option(
            "--jobs",
            "-j",
            type=click.IntRange(min=1),
            default=None,
            help="Worker processes for the modules [default: the machine's cores]. The output "
            "is the same with any number.",
        ),
        click.option(
            "--no-cache",
            is_flag=True,
            help="Neither read nor write the result cache (see `terrafix clean`).",
        ),
        click.option(
            "--cache-dir",
            type=click.Path(file_okay=False, path_type=Path),
            help="Where results are cached [default: the config's cache-dir, else "
            "$XDG_CACHE_HOME/terrafix or ~/.cache/terrafix].",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _run_options(config, jobs, no_cache, cache_dir, stdin_filename) -> dict:
    """``jobs`` and ``cache`` for the engine. An editor's buffer runs one module in this
    process, uncached: it changes at every keystroke and must start at once."""
    if stdin_filename is not None:
        return {}
    from .engine.workers import default_jobs

    options = {"jobs": jobs or default_jobs()}
    directory = _cache_location(config, cache_dir)
    if not no_cache and directory is not None:
        from .engine.result_cache import ResultCache

        options["cache"] = ResultCache(directory, config)
    return options


def _cache_location(config, cache_dir: Path | None) -> Path | None:
    from .user_cache import user_cache_dir

    return cache_dir or config.cache_dir or user_cache_dir()


SEVERITIES = ("info", "warning", "error")  # advice, then defects, then what stops a plan


def _fail_on(function):
    """``--fail-on``: the least severe finding that makes the exit status 1."""
    return click.option(
        "--fail-on",
        type=click.Choice(SEVERITIES),
        default="info",
        show_default=True,
        help="Exit 1 only for findings this severe or worse; "
        "`--fail-on warning` passes when only advice (info) remains.",
    )(function)


def _failing(findings, fail_on: str) -> bool:
    least = SEVERITIES.index(fail_on)
    # A severity this list does not know counts as the worst: never pass by accident.
    return any(
        (SEVERITIES.index(f.severity) if f.severity in SEVERITIES else len(SEVERITIES)) >= least
        for f in findings
    )


@main.command("check")
@_common
@click.option(
    "--column-unit",
    type=click.Choice(COLUMN_UNITS),
    default="character",
    show_default=True,
    help="What a text line's column counts: code points; UTF-8 bytes (Vim's errorformat: "
    "nvim-lint, ALE); UTF-16 code units (efm-langserver).",
)
@_fail_on
@_speed
def check_command(
    paths,
    select,
    ignore,
    exclude,
    unsafe_fixes,
    profile,
    config_path,
    stdin_filename,
    output_format,
    column_unit,
    fail_on,
    jobs,
    no_cache,
    cache_dir,
):
    """Report findings without changing anything.

    Exit code 0 when clean, 1 when there are findings (at least as severe as --fail-on), 2 on
    errors (e.g. a file that does not parse).

    \b
    Examples:
      terrafix check .
      terrafix check --format sarif infra/ > terrafix.sarif
      terrafix check --stdin-filename main.tf - < main.tf
    """
    from .engine.pipeline import run

    _no_cycle_collection()

    paths, config, overrides = _setup(
        paths, select, ignore, unsafe_fixes, profile, config_path, stdin_filename, exclude
    )
    result = run(
        paths,
        config,
        fix=False,
        overrides=overrides,
        progress=_progress(stdin_filename),
        fix_texts=output_format != "text",  # the text report shows no edits
        **_run_options(config, jobs, no_cache, cache_dir, stdin_filename),
    )
    _emit(result, output_format, column_unit)
    if stdin_filename is not None and output_format == "text":
        _report_buffer_errors(result, column_unit)
    else:
        _report_errors(result)
    if result.syntax_errors or result.errors:
        sys.exit(2)
    sys.exit(1 if _failing(result.findings, fail_on) else 0)


@main.command("fix")
@_common
@_fail_on
@click.option("--dry-run", is_flag=True, help="Print a unified diff instead of writing files.")
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the --dry-run diff (auto: only on a terminal, and not when NO_COLOR is set).",
)
@_speed
def fix_command(
    paths,
    select,
    ignore,
    exclude,
    unsafe_fixes,
    profile,
    config_path,
    stdin_filename,
    output_format,
    dry_run,
    color,
    fail_on,
    jobs,
    no_cache,
    cache_dir,
):
    """Apply fixes in place (safe ones; unsafe ones with --unsafe-fixes).

    Files are written only when the whole run succeeded, each atomically. With --stdin-filename the
    fixed buffer goes to stdout (with --format json, the edits instead) and nothing is written.
    Exit code 0 when everything is clean or fixed, 1 when findings remain (at least as severe as
    --fail-on) or --dry-run has changes, 2 on errors.

    \b
    Examples:
      terrafix fix --dry-run .
      terrafix fix --select TF001 modules/network
      terrafix fix --stdin-filename main.tf - < main.tf
    """
    from .engine.pipeline import run
    from .output.diff import unified_diff
    from .output.terminal import color_diff, wants_color

    _no_cycle_collection()
    paths, config, overrides = _setup(
        paths, select, ignore, unsafe_fixes, profile, config_path, stdin_filename, exclude
    )
    adapt = None
    if stdin_filename is not None:
        from .lsp.placement import confine

        # Only the buffer can change: a new file's text lands in it, other fixes wait.
        buffer = stdin_filename.resolve()
        adapt = confine(buffer, writable=lambda p: p == buffer, can_create=False)
    result = run(
        paths,
        config,
        fix=True,
        overrides=overrides,
        adapt=adapt,
        progress=_progress(stdin_filename),
        **_run_options(config, jobs, no_cache, cache_dir, stdin_filename),
    )
    failed = bool(result.syntax_errors or result.errors)
    if stdin_filename is not None:
        _emit_buffer(result, stdin_filename, overrides[stdin_filename], output_format)
    elif dry_run and output_format != "text":
        _emit(result, output_format)  # machine formats alone: their edits say what would change
    elif dry_run:
        colored = wants_color(sys.stdout, color)
        for file in result.changed_files:
            diff = unified_diff(file)
            click.echo(color_diff(diff) if colored else diff, nl=False, color=colored)
    else:
        _write(result)  # modules with errors have no changes: the others are still fixed
        if output_format != "text":
            _emit(result, output_format)
        elif result.findings:
            _emit(result, "text")
        for file in result.changed_files:
            if file.original is None:
                click.echo(f"created {file.path} (a new file: add it to the commit)", err=True)
            else:
                click.echo(f"fixed {file.path}", err=True)
    _report_errors(result)
    if failed:
        sys.exit(2)
    if dry_run and result.changed_files:
        sys.exit(1)
    sys.exit(1 if _failing(result.findings, fail_on) else 0)


def _emit_buffer(result, path: Path, buffer: str, output_format: str) -> None:
    if output_format == "lsp":
        from .output.lsp import lsp_report

        click.echo(lsp_report(result, buffer=path, original=buffer))
        return
    if output_format == "json":
        _emit(result, "json") if not result.fixed else click.echo(_fixed_edits_json(result))
        return
    for file in result.files.values():
        if file.path.resolve() == path.resolve():
            click.echo(file.final, nl=False)
            return
    click.echo(buffer, nl=False)


def _fixed_edits_json(result) -> str:
    import json

    from .output.diff import display_path
    from .output.locations import point
    from .writer import diff_edits

    edits = []
    for file in result.changed_files:
        base = file.original or ""
        for edit in diff_edits(base, file.final):
            edits.append(
                {
                    "path": display_path(file.path),
                    "new_file": file.original is None,
                    "start": point(base, edit.start).as_json(),
                    "end": point(base, edit.end).as_json(),
                    "new_text": edit.new_text,
                }
            )
    return json.dumps(
        {"version": 1, "terrafix": __version__, "edits": edits}, indent=2, ensure_ascii=False
    )


def _write(result) -> None:
    """Write every changed file atomically (temp file + rename), keeping its mode."""
    import tempfile  # here, not at the top: editors start the CLI for every request

    for file in result.changed_files:
        path = file.path
        mode = os.stat(path).st_mode & 0o7777 if path.exists() else None
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(file.final)
            if mode is not None:
                os.chmod(temp, mode)
            os.replace(temp, path)
        except BaseException:
            if os.path.exists(temp):
                os.unlink(temp)
            raise


@main.command("clean")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The cache to empty [default: the config's cache-dir, else the user cache directory].",
)
def clean_command(cache_dir: Path | None) -> None:
    """Remove cached results and grammar tables (terrafix rebuilds them when needed).

    Only terrafix's own entries are removed, never other files in the folder.
    """
    from .engine.config import ConfigError, find_config, load_config
    from .engine.result_cache import clean

    try:
        config = load_config(find_config(Path.cwd()))
    except ConfigError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
    directory = _cache_location(config, cache_dir)
    if directory is None:
        click.echo("no cache directory: nothing to remove")
        return
    removed = clean(directory)
    click.echo(
        f"removed {len(removed)} cache entr{'y' if len(removed) == 1 else 'ies'} from {directory}"
    )


@main.command("rules")
def rules_command() -> None:
    """List every rule: code, slug, default applicability and summary.

    Rules marked opt-in run only when --select (or `select` in config) names them.
    """
    from .engine.rules import all_rules

    rules = all_rules()
    width = max(len(rule.slug) for rule in rules)
    for rule in rules:
        applicability = rule.applicability.value + (", opt-in" if rule.opt_in else "")
        click.echo(f"{rule.code}  {rule.slug:<{width}}  {applicability:<21} {rule.summary}")


@main.command("explain")
@click.argument("rule")
def explain_command(rule: str) -> None:
    """Explain a rule (by code or slug): what it does, why, an example, and how safe its fix is.

    \b
    Example:
      terrafix explain TF001
    """
    from .engine.rules import find_rule

    found = find_rule(rule)
    if found is None:
        click.echo(f"error: no rule {rule!r}; `terrafix rules` lists them", err=True)
        sys.exit(2)
    from .output.rule_docs import explain_text

    click.echo(explain_text(found), nl=False)


@main.command("lsp")
@click.option(
    "--stdio",
    is_flag=True,
    help="Talk over stdin/stdout (the only transport, and the default; VS Code's client adds it).",
)
def lsp_command(stdio: bool) -> None:
    """Run the language server on stdin/stdout: diagnostics, quick fixes, fix-all.

    \b
    Example (Neovim):
      vim.lsp.start({ name = "terrafix", cmd = { "terrafix", "lsp" } })
    """
    try:
        from .lsp.server import serve
    except ImportError as err:
        click.echo(f"error: the language server needs pygls ({err})", err=True)
        sys.exit(2)
    serve()


@main.command("parse")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def parse_command(paths: tuple[Path, ...]) -> None:
    """Check that Terraform files parse; report every syntax error as file:line:col.

    \b
    Example:
      terrafix parse main.tf modules/
    """
    from .syntax import parse_recovering

    failed = 0
    for path in _hcl_files(paths):
        try:
            _, errors = parse_recovering(path.read_text(encoding="utf-8"), path=str(path))
        except UnicodeDecodeError as err:
            failed += 1
            click.echo(f"{path}: error: not UTF-8 text ({err.reason})", err=True)
            continue
        failed += bool(errors)
        for err in errors:
            click.echo(f"{err.location}: error: {err.message}\n{err.excerpt}", err=True)
    sys.exit(2 if failed else 0)


def _hcl_files(paths: tuple[Path, ...]):
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                parts = child.relative_to(path).parts
                if any(p.startswith(".") for p in parts):
                    continue
                if child.suffix in (".tf", ".tfvars", ".hcl") and child.is_file():
                    yield child
        else:
            yield path


def entry() -> None:
    """The `terrafix` command: ``main``, then an exit that skips tearing the interpreter down.

    Freeing a large run's syntax trees object by object at exit took as long again as the
    run's analysis (a second on a 1 MB module), for a process that ends anyway. Output is
    flushed first; every file was written (atomically) before ``main`` returned.
    """
    try:
        main(obj={"own_process": True})
        code: int | str | None = 0
    except SystemExit as exit_:
        code = exit_.code
    if isinstance(code, str):  # as Python prints it
        print(code, file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: nothing more to say
        code = code or 1
    os._exit(code or 0)


if __name__ == "__main__":
    entry()
