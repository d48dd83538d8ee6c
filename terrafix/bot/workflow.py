"""The bot's decisions: refuse when unsafe, then open, update, leave alone or retire one PR.

Order matters: every local check (clean tree, branch, fixes verified, files parsed) happens
before anything remote is touched, so a failed run opens nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..engine.config import Config
from ..engine.findings import Finding
from ..engine.pipeline import RunResult, run
from ..engine.workers import default_jobs
from . import render
from .fixset import FixSet, collect, fingerprint, repository_path
from .forge import Forge, PullRequest
from .git import Git, Identity, auth_environment
from .naming import Naming


class Refused(RuntimeError):
    """The bot will not go on; the message says why (exit status 2)."""


@dataclass
class Options:
    paths: list[Path]
    config: Config
    branch: str = "terrafix/fixes"
    base: str | None = None
    remote: str = "origin"
    labels: list[str] = field(default_factory=list)
    close_stale: bool = False
    dry_run: bool = False
    author: Identity | None = None
    committer: Identity | None = None
    draft: bool = False
    reviewers: list[str] = field(default_factory=list)  # logins, and ORG/TEAM for teams
    assignees: list[str] = field(default_factory=list)
    naming: Naming = field(default_factory=Naming)


@dataclass
class Outcome:
    action: str  # opened, updated, unchanged, declined, edited, nothing, stale, closed
    pull_request: PullRequest | None = None


class Workflow:
    def __init__(
        self, options: Options, git: Git, forge: Forge, report: Callable[[str], None]
    ) -> None:
        self.options = options
        self.git = git
        self.forge = forge
        self.report = report

    def run(self) -> Outcome:
        options = self.options
        toplevel = self.git.toplevel()
        dirty = self.git.dirty_paths()
        if dirty:
            shown = ", ".join(dirty[:5]) + (" …" if len(dirty) > 5 else "")
            raise Refused(f"the work tree has uncommitted changes ({shown}); commit them first")
        head = self.git.head()
        result = run(options.paths, options.config, fix=True, jobs=default_jobs())
        _refuse_failed(result)
        fixes = collect(result, toplevel)

        default = self.forge.default_branch()
        base = options.base or default or self.git.current_branch()
        if base is None:
            raise Refused("cannot tell the base branch: pass --base")
        if options.branch in {base, default}:
            raise Refused(
                f"refusing to push to {options.branch!r}: it is the base or default branch"
            )
        pulls = self.forge.pull_requests(options.branch)
        open_pull = next((p for p in pulls if p.state == "open"), None)
        declined = _declined(pulls)
        held_back = bool(declined) and any(f.fingerprint in declined for f in fixes.fixes)
        if held_back:
            numbers = ", ".join(f"#{n}" for n in sorted(set(declined.values())))
            self.report(f"leaving out the fixes declined in {numbers}")
            result = run(
                options.paths, options.config, fix=True, adapt=_without(declined, toplevel)
            )
            _refuse_failed(result)
            fixes = collect(result, toplevel, declined)

        if not fixes:
            if held_back and open_pull is None:
                number = max(declined.values())
                self.report(
                    f"every fix left was declined (#{number} was closed without merging): "
                    "leaving it alone"
                )
                return Outcome("declined", None)
            return self._nothing_to_fix(open_pull)

        paths = [repository_path(p, toplevel) or "." for p in options.paths]
        command = render.command_line(paths, options.config)
        title = render.title(fixes, options.naming)
        body = render.body(fixes, command, toplevel)

        if not self._push(head, fixes, command, open_pull):
            return Outcome("edited", open_pull)
        if options.dry_run:
            self.report(f"pull request into {base}: {title}\n\n{body}")
        if open_pull is None:
            return self._open(base, title, body)
        return self._update(open_pull, base, title, body)

    def _open(self, base: str, title: str, body: str) -> Outcome:
        options = self.options
        pull = self.forge.create_pull_request(
            options.branch, base, title, body, draft=options.draft
        )
        if options.labels:
            self.forge.add_labels(pull.number, list(options.labels))
        # Reviewers and assignees are asked once, when the pull request opens: people who
        # later change them are not overruled on every run.
        users = [name for name in options.reviewers if "/" not in name]
        teams = [name.partition("/")[2] for name in options.reviewers if "/" in name]
        if users or teams:
            self.forge.request_reviewers(pull.number, users, teams)
        if options.assignees:
            self.forge.add_assignees(pull.number, list(options.assignees))
        if options.dry_run:
            self.report(f"would open a pull request from {options.branch} into {base}")
        else:
            self.report(f"opened pull request #{pull.number}: {pull.url}")
        return Outcome("opened", pull)

    def _update(self, pull: PullRequest, base: str, title: str, body: str) -> Outcome:
        """Edit only what differs, and add only the labels it lacks (people's labels stay)."""
        changes = {}
        if pull.title != title:
            changes["title"] = title
        if pull.body != body:
            changes["body"] = body
        if pull.base is not None and pull.base != base:
            changes["base"] = base
        if changes:
            self.forge.update_pull_request(pull.number, **changes)
        missing = [label for label in self.options.labels if label not in pull.labels]
        if missing:
            self.forge.add_labels(pull.number, missing)
        if changes or missing:
            self.report(f"updated pull request #{pull.number}: {pull.url}")
            return Outcome("updated", pull)
        self.report(f"pull request #{pull.number} is up to date: {pull.url}")
        return Outcome("unchanged", pull)

    def _push(self, head: str, fixes: FixSet, command: str, open_pull: PullRequest | None) -> bool:
        """Put the fixes on the branch, as one commit on top of HEAD, unless already there.

        False when someone else committed to the branch: their work is never overwritten.
        A dry run looks at the remote branch the same way (when it has a token) and says what
        the real run would do.
        """
        options = self.options
        tree = self.git.tree_with(head, {f.path: f.final for f in fixes.files})
        message = render.commit_message(fixes, command, options.naming)
        author = options.author or self._configured_identity()
        committer = options.committer or author
        auth = self._auth()
        if auth is None:
            self.report("no token: cannot look at the remote branch; assuming it does not exist")
            remote = None
        else:
            remote = self.git.remote_branch(options.remote, options.branch, auth)
        if options.dry_run:
            self.report(f"branch: {options.branch}")
        if remote is not None and render.TRAILER not in self.git.message_of(remote):
            self.report(
                f"branch {options.branch} has commits terrafix did not make: leaving it and its "
                "pull request alone (delete the branch to start again)"
            )
            if open_pull is not None:
                self._note_human_commit(open_pull)
            return False
        if (
            remote is not None
            and self.git.tree_of(remote) == tree
            and self.git.parents_of(remote) == [head]
        ):
            already = f"branch {options.branch} already holds these fixes"
            self.report(already + (": would push nothing" if options.dry_run else ""))
            return True
        commit = self.git.commit_tree(tree, head, message, author, committer)
        if options.dry_run:
            how = f"forced, replacing {remote[:12]}" if remote else "a new branch"
            self.report(f"commit {commit} (author {author})\n\n{message}")
            self.report(f"would push {commit[:12]} to {options.remote} {options.branch} ({how})")
            return True
        self.git.force_push(options.remote, commit, options.branch, remote, auth)
        self.report(f"pushed {commit[:12]} to {options.remote} {options.branch}")
        return True

    def _auth(self) -> dict[str, str] | None:
        """git's authentication for the remote; None in a dry run without a token."""
        header = self.forge.push_header()
        if header is None:
            return None
        return auth_environment(self.git.remote_url(self.options.remote), header)

    def _note_human_commit(self, pull: PullRequest) -> None:
        """Say once, on the pull request, why the bot stopped updating it."""
        if any(render.HUMAN_MARKER in c for c in self.forge.comments(pull.number)):
            return
        self.forge.comment(pull.number, render.human_commit_comment(self.options.branch))

    def _configured_identity(self) -> Identity:
        name, email = self.git.config("user.name"), self.git.config("user.email")
        if name and email:
            return Identity(name, email)
        return self.forge.bot_identity()

    def _nothing_to_fix(self, open_pull: PullRequest | None) -> Outcome:
        if open_pull is None:
            self.report("nothing to fix")
            return Outcome("nothing")
        close = self.options.close_stale
        if not any(render.STALE_MARKER in c for c in self.forge.comments(open_pull.number)):
            self.forge.comment(open_pull.number, render.stale_comment(close))
        if close:
            # The marker says the bot closed it: nobody declined these fixes.
            body = render.retired(open_pull.body)
            self.forge.update_pull_request(open_pull.number, state="closed", body=body)
            self._delete_branch()
            self.report(f"nothing to fix: closed pull request #{open_pull.number}")
            return Outcome("closed", open_pull)
        self.report(f"nothing to fix: pull request #{open_pull.number} is no longer needed")
        return Outcome("stale", open_pull)

    def _delete_branch(self) -> None:
        """Remove the bot's branch, unless it holds someone else's commit or is gone."""
        options = self.options
        auth = self._auth()
        if auth is None:
            self.report(f"would delete branch {options.branch}")
            return
        remote = self.git.remote_branch(options.remote, options.branch, auth)
        if remote is None:
            return
        if render.TRAILER not in self.git.message_of(remote):
            self.report(f"branch {options.branch} has commits terrafix did not make: kept")
            return
        if options.dry_run:
            self.report(f"would delete branch {options.branch} from {options.remote}")
            return
        self.git.delete_branch(options.remote, options.branch, remote, auth)
        self.report(f"deleted branch {options.branch} from {options.remote}")


def _refuse_failed(result: RunResult) -> None:
    """No pull request from a run where a fix failed to verify or a file failed to parse."""
    reasons = [f"{e.location}: error: {e.message}" for e in result.syntax_errors]
    reasons += result.errors
    if reasons:
        raise Refused("no pull request, because the run failed:\n" + "\n".join(reasons))


def _declined(pulls: list[PullRequest]) -> dict[str, int]:
    """Fingerprint → number of the pull request that held it and was closed without merging.

    The bot's marker in each body records what it held; a pull request the bot closed itself
    (nothing left to fix) carries ``retired`` and declines nothing.
    """
    declined: dict[str, int] = {}
    for pull in pulls:
        if pull.state != "closed" or pull.merged:
            continue
        data = render.read_marker(pull.body)
        if data is None or data.get("retired"):
            continue
        for key in data.get("fixes", []):
            declined.setdefault(str(key), pull.number)
    return declined


def _without(declined: dict[str, int], toplevel: Path) -> Callable[[Finding], Finding | None]:
    """An engine hook that drops the fixes of declined findings (they stay as findings)."""

    def adapt(finding: Finding) -> Finding | None:
        path = repository_path(finding.path, toplevel)
        return None if fingerprint(finding.rule, path, finding.key) in declined else finding

    return adapt
