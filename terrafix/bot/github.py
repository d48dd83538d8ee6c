"""GitHub's REST API (v3) over httpx: the calls the bot makes, with bounded retries.

Retried: connection errors, 5xx on idempotent calls, 429 and GitHub's secondary rate limits
(403 with ``Retry-After`` or a "secondary rate limit" message), waiting as the response asks
or with exponential backoff. A ``POST`` that failed with 5xx may have been applied, so the
caller checks before trying again. Every error message passes through the redactor.
"""

from __future__ import annotations

import base64
import random
import time
from collections.abc import Callable
from typing import Any

import httpx

from .. import __version__
from .forge import ForgeError, PullRequest
from .git import Identity

API_VERSION = "2022-11-28"
DEFAULT_API_URL = "https://api.github.com"
MAX_WAIT_SECONDS = 60.0
DEFAULT_TIMEOUT = 30.0  # seconds to connect, or between two reads of an answer


class GitHub:
    """One repository on GitHub (or GitHub Enterprise, through ``api_url``)."""

    def __init__(
        self,
        repository: str,
        token: str | None,
        *,
        api_url: str = DEFAULT_API_URL,
        redact: Callable[[str], str] = str,
        dry_run: bool = False,
        report: Callable[[str], None] = print,
        attempts: int = 4,
        sleep: Callable[[float], None] | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        owner, _, name = repository.partition("/")
        if not owner or not name or "/" in name:
            raise ForgeError(f"repository must be OWNER/NAME, not {repository!r}")
        self.owner, self.name = owner, name
        self.token = token
        self.redact = redact
        self.dry_run = dry_run
        self.report = report
        self.attempts = attempts
        self.sleep = sleep
        self.timeout = timeout
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": f"terrafix/{__version__}",
        }
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.http = httpx.Client(
            base_url=api_url.rstrip("/"), headers=headers, timeout=timeout, transport=transport
        )
        self.writes = 0  # API calls that changed something (or would, in a dry run)

    @property
    def _repo(self) -> str:
        return f"/repos/{self.owner}/{self.name}"

    # -- the Forge interface --------------------------------------------------------------
    def default_branch(self) -> str | None:
        data = self._read(self._repo)
        return None if data is None else data["default_branch"]

    def pull_requests(self, branch: str) -> list[PullRequest]:
        params = {
            "head": f"{self.owner}:{branch}",
            "state": "all",
            "sort": "created",
            "direction": "desc",
            "per_page": 100,
        }
        data = self._read(f"{self._repo}/pulls", params=params) or []
        return [_pull(item) for item in data]

    def create_pull_request(
        self, branch: str, base: str, title: str, body: str, draft: bool = False
    ) -> PullRequest:
        payload = {"title": title, "head": branch, "base": base, "body": body}
        if draft:
            payload["draft"] = True
        try:
            data = self._write("POST", f"{self._repo}/pulls", payload, idempotent=False)
        except ForgeError as err:
            if err.status is not None and err.status >= 500:
                # The request may have been applied: look before asking again.
                existing = [p for p in self.pull_requests(branch) if p.state == "open"]
                if existing:
                    return existing[0]
                data = self._write("POST", f"{self._repo}/pulls", payload, idempotent=False)
            elif err.status == 422 and "already exists" in str(err):
                existing = [p for p in self.pull_requests(branch) if p.state == "open"]
                if not existing:
                    raise
                return existing[0]
            else:
                raise
        if data is None:
            return PullRequest(0, "(not created: dry run)", "open", False, title, body)
        return _pull(data)

    def update_pull_request(
        self,
        number: int,
        *,
        title: str | None = None,
        body: str | None = None,
        state: str | None = None,
        base: str | None = None,
    ) -> PullRequest | None:
        fields = (("title", title), ("body", body), ("state", state), ("base", base))
        payload = {k: v for k, v in fields if v is not None}
        data = self._write("PATCH", f"{self._repo}/pulls/{number}", payload)
        return None if data is None else _pull(data)

    def add_labels(self, number: int, labels: list[str]) -> None:
        issue = number or "{new pull request}"  # a dry run has no number to show
        self._write("POST", f"{self._repo}/issues/{issue}/labels", {"labels": labels})

    def request_reviewers(self, number: int, users: list[str], teams: list[str]) -> None:
        pull = number or "{new pull request}"
        payload = {"reviewers": users, "team_reviewers": teams}
        self._write("POST", f"{self._repo}/pulls/{pull}/requested_reviewers", payload)

    def add_assignees(self, number: int, users: list[str]) -> None:
        issue = number or "{new pull request}"
        self._write("POST", f"{self._repo}/issues/{issue}/assignees", {"assignees": users})

    def comments(self, number: int) -> list[str]:
        bodies: list[str] = []
        for page in range(1, 11):
            params = {"per_page": 100, "page": page}
            data = self._read(f"{self._repo}/issues/{number}/comments", params=params) or []
            bodies.extend(item.get("body") or "" for item in data)
            if len(data) < 100:
                break
        return bodies

    def comment(self, number: int, body: str) -> None:
        self._write("POST", f"{self._repo}/issues/{number}/comments", {"body": body})

    def push_header(self) -> str | None:
        if not self.token:
            return None
        credentials = base64.b64encode(f"x-access-token:{self.token}".encode()).decode()
        return f"Authorization: basic {credentials}"

    def bot_identity(self) -> Identity:
        return Identity(
            "github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com"
        )

    # -- transport ------------------------------------------------------------------------
    def _read(self, path: str, params: dict | None = None) -> Any:
        if self.dry_run and not self.token:
            self.report(f"would GET {path} (no token: assuming nothing exists)")
            return None
        return self._send("GET", path, params=params, idempotent=True)

    def _write(self, method: str, path: str, payload: dict, idempotent: bool = True) -> Any:
        self.writes += 1
        if self.dry_run:
            self.report(f"would {method} {path} with {', '.join(sorted(payload))}")
            return None
        return self._send(method, path, json=payload, idempotent=idempotent)

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        json: dict | None = None,
        idempotent: bool,
    ) -> Any:
        if not self.token:
            raise ForgeError("no token: set GITHUB_TOKEN (or the variable named by --token-env)")
        for attempt in range(1, self.attempts + 1):
            last = attempt == self.attempts
            try:
                response = self.http.request(method, path, params=params, json=json)
            except httpx.TransportError as err:
                if last or not idempotent:
                    raise ForgeError(self.redact(self._unreachable(method, path, err))) from None
                self._wait(_backoff(attempt))
                continue
            if response.is_success:
                return response.json() if response.content else None
            wait = _retry_wait(response, attempt, idempotent)
            if wait is None or last:
                raise ForgeError(
                    self.redact(_describe(method, path, response)), response.status_code
                )
            self._wait(wait)
        raise AssertionError("unreachable")

    def _unreachable(self, method: str, path: str, err: httpx.TransportError) -> str:
        if isinstance(err, httpx.TimeoutException):
            return (
                f"GitHub did not answer {method} {path} within {self.timeout:g} s "
                f"({type(err).__name__}); try again, or raise --timeout"
            )
        return f"GitHub could not be reached for {method} {path}: {err}"

    def _wait(self, seconds: float) -> None:
        (self.sleep or _pause)(seconds)


def _pause(seconds: float) -> None:
    time.sleep(seconds)


def _pull(data: dict) -> PullRequest:
    return PullRequest(
        number=data["number"],
        url=data["html_url"],
        state=data["state"],
        merged=bool(data.get("merged_at")),
        title=data["title"],
        body=data.get("body") or "",
        labels=tuple(label["name"] for label in data.get("labels") or ()),
        base=(data.get("base") or {}).get("ref"),
    )


def _backoff(attempt: int) -> float:
    return min(MAX_WAIT_SECONDS, 2.0 ** (attempt - 1) + random.uniform(0, 0.5))


def _retry_wait(response: httpx.Response, attempt: int, idempotent: bool) -> float | None:
    """Seconds to wait before retrying ``response``, or None when retrying cannot help."""
    status = response.status_code
    headers = response.headers
    limited = status == 429 or (
        status == 403
        and (
            "retry-after" in headers
            or headers.get("x-ratelimit-remaining") == "0"
            or "secondary rate limit" in response.text.lower()
        )
    )
    if limited:
        if "retry-after" in headers:
            try:
                return min(MAX_WAIT_SECONDS, float(headers["retry-after"]))
            except ValueError:
                pass
        if headers.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in headers:
            reset = float(headers["x-ratelimit-reset"]) - time.time()
            return min(MAX_WAIT_SECONDS, max(1.0, reset))
        return _backoff(attempt)
    if status >= 500 and idempotent:
        return _backoff(attempt)
    return None


def _describe(method: str, path: str, response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        data = {}
    message = data.get("message") if isinstance(data, dict) else None
    details = [
        e.get("message") or e.get("code", "")
        for e in (data.get("errors") or [] if isinstance(data, dict) else [])
        if isinstance(e, dict)
    ]
    text = message or response.reason_phrase or "error"
    if details:
        text += " (" + "; ".join(d for d in details if d) + ")"
    text = f"GitHub answered {response.status_code} to {method} {path}: {text}"
    if response.status_code == 403:
        text += _permission_hint(method, path)
    return text


def _permission_hint(method: str, path: str) -> str:
    """The fine-grained permission a 403 (not a rate limit) most likely lacks."""
    if method == "GET":
        return " (the token needs read access: `contents: read` and `pull-requests: read`)"
    if "/pulls" in path or "/issues/" in path:
        return (
            " (the token needs the `pull-requests: write` permission; in a workflow: "
            "`permissions: pull-requests: write`)"
        )
    return ""
