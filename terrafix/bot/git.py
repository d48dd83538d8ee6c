"""Git plumbing for the bot: build a commit beside the work tree and push it, nothing more.

The commit is made from a temporary index (``GIT_INDEX_FILE``), so the user's work tree,
index and branches stay exactly as they were. The push token travels in an ``http.extraHeader``
given through ``GIT_CONFIG_*`` environment variables: it is never written to ``.git/config``
and never appears on a command line that ``ps`` could show.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_TIMEOUT = 120.0  # seconds any one git command may take before it is stopped


class GitError(RuntimeError):
    pass


class GitTimeout(GitError):
    """A git command that did not finish in time (a server that stopped answering)."""


@dataclass(frozen=True)
class Identity:
    name: str
    email: str

    @classmethod
    def parse(cls, text: str) -> Identity:
        """``Name <email>`` as git writes it."""
        name, sep, rest = text.partition("<")
        if not sep or not rest.endswith(">") or not name.strip():
            raise ValueError(f"expected 'Name <email>', got {text!r}")
        return cls(name.strip(), rest[:-1].strip())

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class Git:
    """Runs git in one repository; ``redact`` masks secrets in every error it raises."""

    def __init__(
        self, cwd: Path, redact: Callable[[str], str] = str, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        self.cwd = cwd
        self.redact = redact
        self.timeout = timeout

    def run(
        self,
        *args: str,
        input: bytes | None = None,
        env: Mapping[str, str] | None = None,
        check: bool = True,
        strip: bool = True,
    ) -> str:
        full_env = {
            **os.environ,
            "GIT_TERMINAL_PROMPT": "0",
            # git's own guard: give up on a transfer slower than 1 KB/s for the whole timeout.
            "GIT_HTTP_LOW_SPEED_LIMIT": "1000",
            "GIT_HTTP_LOW_SPEED_TIME": str(max(1, int(self.timeout))),
            **(env or {}),
        }
        completed = _run_bounded(["git", *args], self.cwd, input, full_env, self.timeout)
        if completed is None:
            raise GitTimeout(
                self.redact(
                    f"git {args[0]} did not finish within {self.timeout:g} s and was stopped "
                    "(is the git server answering?); try again, or raise --timeout"
                )
            )
        if check and completed.returncode != 0:
            stderr = completed.stderr.decode("utf-8", "replace").strip()
            raise GitError(self.redact(f"git {args[0]} failed: {stderr}{_hint(args[0], stderr)}"))
        out = completed.stdout.decode("utf-8", "replace")
        return out.strip() if strip else out

    # -- reading the checkout -------------------------------------------------------------
    def toplevel(self) -> Path:
        return Path(self.run("rev-parse", "--show-toplevel"))

    def dirty_paths(self) -> list[str]:
        """Modified, staged and untracked (not ignored) paths: any of them makes the run unsafe."""
        out = self.run("status", "--porcelain=v1", "-z", "--untracked-files=all", strip=False)
        return [entry[3:] for entry in out.split("\0") if entry]

    def head(self) -> str:
        return self.run("rev-parse", "--verify", "HEAD^{commit}")

    def current_branch(self) -> str | None:
        name = self.run("symbolic-ref", "--quiet", "--short", "HEAD", check=False)
        return name or None

    def remote_url(self, remote: str) -> str:
        return self.run("remote", "get-url", "--push", remote)

    def config(self, key: str) -> str | None:
        return self.run("config", "--get", key, check=False) or None

    def tree_of(self, commit: str) -> str:
        return self.run("rev-parse", f"{commit}^{{tree}}")

    def parents_of(self, commit: str) -> list[str]:
        return self.run("rev-list", "--parents", "-n", "1", commit).split()[1:]

    def message_of(self, commit: str) -> str:
        return self.run("log", "-1", "--format=%B", commit)

    def mode_of(self, commit: str, path: str) -> str | None:
        out = self.run("ls-tree", commit, "--", path)
        return out.split()[0] if out else None

    # -- building the commit --------------------------------------------------------------
    def tree_with(self, base: str, files: Mapping[str, str]) -> str:
        """The tree of ``base`` with ``files`` (repository-relative path → text) written in."""
        with tempfile.TemporaryDirectory(prefix="terrafix-index-") as folder:
            env = {"GIT_INDEX_FILE": str(Path(folder) / "index")}
            self.run("read-tree", base, env=env)
            entries = []
            for path, text in sorted(files.items()):
                blob = self.run(
                    "hash-object", "-w", "--stdin", f"--path={path}", input=text.encode("utf-8")
                )
                mode = self.mode_of(base, path) or "100644"
                entries.append(f"{mode} {blob}\t{path}\n")
            self.run("update-index", "--index-info", input="".join(entries).encode(), env=env)
            return self.run("write-tree", env=env)

    def commit_tree(
        self, tree: str, parent: str, message: str, author: Identity, committer: Identity
    ) -> str:
        env = {
            "GIT_AUTHOR_NAME": author.name,
            "GIT_AUTHOR_EMAIL": author.email,
            "GIT_COMMITTER_NAME": committer.name,
            "GIT_COMMITTER_EMAIL": committer.email,
        }
        return self.run("commit-tree", tree, "-p", parent, input=message.encode(), env=env)

    # -- talking to the remote ------------------------------------------------------------
    def remote_branch(self, remote: str, branch: str, auth: Mapping[str, str]) -> str | None:
        """Fetch ``branch`` from ``remote`` (when it exists) and return its commit."""
        ref = f"refs/heads/{branch}"
        listing = self.run("ls-remote", "--heads", remote, ref, env=auth)
        if not listing:
            return None
        sha = listing.split()[0]
        self.run("fetch", "--quiet", "--no-tags", "--no-write-fetch-head", remote, ref, env=auth)
        return sha

    def force_push(
        self, remote: str, commit: str, branch: str, expected: str | None, auth: Mapping[str, str]
    ) -> None:
        """Point ``branch`` at ``commit``, but only if nobody moved it since we looked."""
        ref = f"refs/heads/{branch}"
        lease = f"--force-with-lease={ref}:{expected or ''}"
        self.run("push", "--quiet", "--no-verify", lease, remote, f"{commit}:{ref}", env=auth)

    def delete_branch(
        self, remote: str, branch: str, expected: str, auth: Mapping[str, str]
    ) -> None:
        """Delete ``branch`` on ``remote``, only while it still points at ``expected``."""
        ref = f"refs/heads/{branch}"
        lease = f"--force-with-lease={ref}:{expected}"
        self.run("push", "--quiet", "--no-verify", lease, remote, f":{ref}", env=auth)


def _run_bounded(
    argv: list[str], cwd: Path, input: bytes | None, env: Mapping[str, str], timeout: float
) -> subprocess.CompletedProcess | None:
    """Run ``argv``; None when it outlived ``timeout``, after killing it and its helpers.

    git hands HTTP to a ``git-remote-http`` child that would keep the pipes open, so the
    command runs in its own process group and the whole group is killed.
    """
    with subprocess.Popen(
        argv,
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    ) as process:
        try:
            stdout, stderr = process.communicate(input, timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return None
    return subprocess.CompletedProcess(argv, process.returncode, stdout, stderr)


def _hint(command: str, stderr: str) -> str:
    """What to change when the git server refused the token (HTTP 403)."""
    if "403" not in stderr and "denied" not in stderr.lower():
        return ""
    if command == "push":
        return (
            "\nThe token may not push: it needs the `contents: write` permission "
            "(in a workflow: `permissions: contents: write`)."
        )
    return "\nThe token may not read the repository: it needs the `contents: read` permission."


def auth_environment(remote_url: str, header: str) -> dict[str, str]:
    """Environment that makes git send ``header`` to the remote's host, and only there.

    An empty value first resets headers configured elsewhere for that host (actions/checkout
    persists its own), so exactly one Authorization header is sent.
    """
    parts = urlsplit(remote_url)
    if parts.scheme not in ("http", "https"):
        raise GitError(f"the bot pushes over HTTP(S) only; the remote is {parts.scheme or 'ssh'}")
    key = f"http.{parts.scheme}://{parts.netloc.rpartition('@')[2]}/.extraheader"
    start = int(os.environ.get("GIT_CONFIG_COUNT", "0") or 0)
    return {
        "GIT_CONFIG_COUNT": str(start + 2),
        f"GIT_CONFIG_KEY_{start}": key,
        f"GIT_CONFIG_VALUE_{start}": "",
        f"GIT_CONFIG_KEY_{start + 1}": key,
        f"GIT_CONFIG_VALUE_{start + 1}": header,
    }
