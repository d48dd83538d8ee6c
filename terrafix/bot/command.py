"""`terrafix pr`: the click command that wires options, git, GitHub and the workflow together."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import click

from ..engine.config import PROFILES
from .git import Identity
from .naming import COMMIT_STYLES, check_template

OPEN_OUTCOMES = ("opened", "updated", "unchanged", "edited")  # an open pull request holds fixes
REMOTE_REPOSITORY = re.compile(r"[/:](?P<owner>[^/:]+)/(?P<name>[^/]+?)(?:\.git)?/?$")


def _identity(_ctx, _param, value: str | None) -> Identity | None:
    if value is None:
        return None
    try:
        return Identity.parse(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None


def _template(_ctx, _param, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return check_template(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None


@click.command("pr")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--select", multiple=True, help="Only these rules (code, prefix or slug).")
@click.option("--ignore", multiple=True, help="Skip these rules (code, prefix or slug).")
@click.option("--unsafe-fixes", is_flag=True, default=None, help="Also apply unsafe fixes.")
@click.option("--profile", type=click.Choice(PROFILES), default=None)
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Config file (default: nearest .terrafix.toml or pyproject.toml [tool.terrafix]).",
)
@click.option("--branch", default="terrafix/fixes", show_default=True, help="Branch to push.")
@click.option("--base", default=None, help="Branch to merge into (default: the default branch).")
@click.option("--remote", default="origin", show_default=True, help="Git remote to push to.")
@click.option("--repo", default=None, help="OWNER/NAME (default: $GITHUB_REPOSITORY or remote).")
@click.option("--label", "labels", multiple=True, help="Label for the pull request; repeatable.")
@click.option("--draft", is_flag=True, help="Open the pull request as a draft.")
@click.option(
    "--reviewer",
    "reviewers",
    multiple=True,
    help="Request a review from a login, or a team as ORG/TEAM; repeatable.",
)
@click.option("--assignee", "assignees", multiple=True, help="Assign a login; repeatable.")
@click.option(
    "--commit-style",
    type=click.Choice(sorted(COMMIT_STYLES)),
    default="conventional",
    show_default=True,
    help="conventional: 'fix(terraform): apply 2 terrafix fixes (TF001)'; plain: 'Apply 2 ...'.",
)
@click.option(
    "--commit-template",
    callback=_template,
    help="First line of the commit, with {count} {noun} {rules} {files} (overrides the style).",
)
@click.option(
    "--title-template",
    callback=_template,
    help="Pull request title, same placeholders (default: the commit's first line).",
)
@click.option("--close-stale", is_flag=True, help="Close the pull request when nothing is left.")
@click.option("--dry-run", is_flag=True, help="Print what would happen; change nothing remote.")
@click.option(
    "--token-env",
    default="GITHUB_TOKEN",
    show_default=True,
    help="Environment variable holding the token.",
)
@click.option(
    "--api-url",
    default=None,
    help="REST API root (default: $GITHUB_API_URL or https://api.github.com).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=120.0,
    show_default=True,
    help="Seconds any one git command, or any wait for a GitHub answer, may take.",
)
@click.option("--author", callback=_identity, help="'Name <email>' (default: git config).")
@click.option("--committer", callback=_identity, help="'Name <email>' (default: the author).")
def pr_command(
    paths,
    select,
    ignore,
    unsafe_fixes,
    profile,
    config_path,
    branch,
    base,
    remote,
    repo,
    labels,
    draft,
    reviewers,
    assignees,
    commit_style,
    commit_template,
    title_template,
    close_stale,
    dry_run,
    token_env,
    api_url,
    timeout,
    author,
    committer,
):
    """Fix a git checkout and propose the fixes as one pull request, kept up to date.

    Commits the fixes on BRANCH on top of HEAD, pushes it and opens a pull request against the
    base branch; later runs update that pull request instead of opening another. Refuses a dirty
    work tree, and opens nothing when a file does not parse or a fix fails (exit 2).

    \b
    Examples:
      GITHUB_TOKEN=... terrafix pr .
      terrafix pr --dry-run --label terraform infra/
    """
    from ..engine.config import ConfigError
    from ..engine.settings import resolve_config
    from .forge import ForgeError
    from .git import Git, GitError
    from .github import DEFAULT_API_URL, GitHub
    from .naming import Naming
    from .redact import Redactor
    from .workflow import Options, Refused, Workflow

    token = os.environ.get(token_env) or None
    redact = Redactor(token or "")

    def report(message: str) -> None:
        click.echo(redact(message))

    def fail(message: str) -> None:
        click.echo(redact(f"error: {message}"), err=True)
        sys.exit(2)

    paths = list(paths) or [Path(".")]
    for path in paths:
        if not path.exists():
            fail(f"no such file or directory: {path}")
    try:
        config = resolve_config(
            paths[0],
            config_path=config_path,
            select=select,
            ignore=ignore,
            unsafe_fixes=unsafe_fixes,
            profile=profile,
        )
    except ConfigError as err:
        fail(str(err))
    git = Git(Path.cwd(), redact, timeout=timeout)
    try:
        toplevel = git.toplevel()
        for path in paths:
            if not path.resolve().is_relative_to(toplevel.resolve()):
                fail(f"{path} is outside the repository at {toplevel}")
        if not token and not dry_run:
            fail(f"no token: set {token_env} (a token that may push and open pull requests)")
        repository = repo or os.environ.get("GITHUB_REPOSITORY") or _repository(git, remote)
        forge = GitHub(
            repository,
            token,
            api_url=api_url or os.environ.get("GITHUB_API_URL") or DEFAULT_API_URL,
            redact=redact,
            dry_run=dry_run,
            report=report,
            timeout=timeout,
        )
        options = Options(
            paths=list(paths),
            config=config,
            branch=branch,
            base=base,
            remote=remote,
            labels=list(labels),
            close_stale=close_stale,
            dry_run=dry_run,
            author=author,
            committer=committer,
            draft=draft,
            reviewers=list(reviewers),
            assignees=list(assignees),
            naming=Naming(commit_style, commit_template, title_template),
        )
        outcome = Workflow(options, git, forge, report).run()
    except (Refused, GitError, ForgeError) as err:
        fail(str(err))
    except Exception as err:  # anything unexpected: still never print the token
        fail(f"{type(err).__name__}: {err}")
    if dry_run:
        report("dry run: nothing was pushed, opened, edited or closed")
    _github_output(outcome, dry_run)


def _repository(git, remote: str) -> str:
    url = git.remote_url(remote)
    match = REMOTE_REPOSITORY.search(url)
    if match is None:
        raise click.UsageError("cannot tell OWNER/NAME from the remote URL; pass --repo")
    return f"{match['owner']}/{match['name']}"


def _github_output(outcome, dry_run: bool) -> None:
    """Hand the open pull request to the next step of a GitHub Actions job (empty: none)."""
    path = os.environ.get("GITHUB_OUTPUT")
    if not path:
        return
    pull = outcome.pull_request
    is_open = (
        not dry_run
        and outcome.action in OPEN_OUTCOMES
        and pull is not None
        and pull.number > 0
        and pull.state == "open"
    )
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f"pull-request-number={pull.number if is_open else ''}\n")
        handle.write(f"pull-request-url={pull.url if is_open else ''}\n")
