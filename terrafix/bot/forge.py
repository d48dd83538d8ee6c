"""The little a code host must offer the bot: small enough that GitLab could follow GitHub."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from .git import Identity


class ForgeError(RuntimeError):
    """A request the host refused or could not answer; ``status`` is its HTTP status, if any."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class PullRequest:
    number: int
    url: str
    state: str  # "open" or "closed"
    merged: bool
    title: str
    body: str
    labels: tuple[str, ...] = field(default=())
    base: str | None = None


class Forge(Protocol):
    def default_branch(self) -> str: ...

    def pull_requests(self, branch: str) -> list[PullRequest]:
        """Every pull request from ``branch`` of this repository, newest first."""

    def create_pull_request(
        self, branch: str, base: str, title: str, body: str, draft: bool = False
    ) -> PullRequest: ...

    def request_reviewers(self, number: int, users: list[str], teams: list[str]) -> None:
        """Ask people (logins) and teams (slugs of the repository's organisation) to review."""

    def add_assignees(self, number: int, users: list[str]) -> None: ...

    def update_pull_request(
        self,
        number: int,
        *,
        title: str | None = None,
        body: str | None = None,
        state: str | None = None,
        base: str | None = None,
    ) -> PullRequest: ...

    def add_labels(self, number: int, labels: list[str]) -> None: ...

    def comments(self, number: int) -> list[str]:
        """Bodies of the comments on a pull request, oldest first."""

    def comment(self, number: int, body: str) -> None: ...

    def push_header(self) -> str | None:
        """The HTTP header git sends to authenticate a push with the same token (None: none)."""

    def bot_identity(self) -> Identity:
        """Author of the commit when neither options nor git config name one."""
