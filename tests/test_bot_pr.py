"""`terrafix pr` end to end: real git over HTTP (git http-backend) and a spec-checked GitHub.

Each test builds a bare repository served on 127.0.0.1 that demands the token for every git
request, a fake GitHub whose requests and responses are validated against GitHub's OpenAPI
description, and a clone holding Terraform with known defects. The tests then run the CLI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from fixtures.bot import commitlint
from fixtures.bot.fake_github import FakeGitHub, Fault
from fixtures.bot.git_http import GitHttpServer, SilentServer
from oracle import needs_oracle, not_fmt_clean, unparsable

from terrafix.bot import github as github_module
from terrafix.bot.render import read_marker
from terrafix.cli import main

TOKEN = "ghs_Sup3rSecretT0kenValue1234567890abcd"
REPO = Path(__file__).parent / "fixtures" / "bot" / "repo"
QUEUE = 'resource "aws_sqs_queue" "jobs" {\n  name = "jobs-${var.team_name}"\n}\n'
IDENTITY = ["-c", "user.name=Dev", "-c", "user.email=dev@example.invalid"]


def git(cwd: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", *IDENTITY, *args], cwd=cwd, capture_output=True, text=True, check=True
    )
    return completed.stdout.strip()


def _snapshot(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file() and ".git" not in p.parts}


@dataclass
class World:
    work: Path
    bare: Path
    git_server: GitHttpServer
    api: FakeGitHub
    sleeps: list[float]

    def pr(self, *args: str, token: str | None = TOKEN, output: Path | None = None):
        env = {"GITHUB_TOKEN": token, "GITHUB_API_URL": self.api.url, "GITHUB_REPOSITORY": None}
        env["GITHUB_OUTPUT"] = str(output) if output else None
        return CliRunner().invoke(main, ["pr", "--select", "TF001", *args], env=env)

    def branch(self, name: str = "terrafix/fixes") -> str | None:
        out = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"refs/heads/{name}"],
            cwd=self.bare,
            capture_output=True,
            text=True,
        )
        return out.stdout.strip() or None

    def commit_on_main(self, path: str, text: str, message: str) -> None:
        """A change that lands on the base branch (as if merged), pushed without the bot."""
        (self.work / path).parent.mkdir(parents=True, exist_ok=True)
        (self.work / path).write_text(text)
        git(self.work, "add", path)
        git(self.work, "commit", "-q", "-m", message)
        git(self.work, "push", "-q", str(self.bare), "main")


@pytest.fixture
def world(tmp_path: Path, monkeypatch) -> World:
    bare = tmp_path / "server" / "acme" / "infra.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    work = tmp_path / "work"
    shutil.copytree(REPO, work)
    git(work, "init", "-q", "-b", "main")
    git(work, "config", "user.name", "Dev")
    git(work, "config", "user.email", "dev@example.invalid")
    git(work, "add", ".")
    git(work, "commit", "-q", "-m", "Initial infrastructure")
    git(work, "push", "-q", str(bare), "main")
    sleeps: list[float] = []
    monkeypatch.setattr(github_module, "_pause", sleeps.append)
    monkeypatch.chdir(work)
    with GitHttpServer(tmp_path / "server", TOKEN) as git_server:
        git(work, "remote", "add", "origin", f"{git_server.url}/acme/infra.git")

        def branch_exists(name: str) -> bool:
            return World(work, bare, git_server, None, sleeps).branch(name) is not None

        with FakeGitHub("acme", "infra", TOKEN, branch_exists) as api:
            yield World(work, bare, git_server, api, sleeps)
            assert api.violations == []
    assert git_server.refused == 0


def test_first_run_opens_one_pull_request_with_the_fixes(world: World):
    before = _snapshot(world.work)
    result = world.pr("--label", "terraform", ".")
    assert result.exit_code == 0, result.output
    assert "opened pull request #1" in result.output

    [pull] = world.api.pulls
    assert pull["state"] == "open" and pull["head"] == "terrafix/fixes" and pull["base"] == "main"
    assert pull["labels"] == ["terraform"]
    assert pull["title"] == "fix(terraform): apply 2 terrafix fixes (TF001)"
    assert "### TF001 `aws-region-variable`: Declare variable 'aws_region'" in pull["body"]
    assert "Changes `variables.tf`. It fixes:\n\n- `main.tf`: Variable 'aws_region'" in pull["body"]
    assert '+variable "aws_region" {' in pull["body"]
    assert "terrafix fix --select TF001 ." in pull["body"]
    assert read_marker(pull["body"])["version"]

    # The branch is one commit on top of main that adds the declarations, nothing else.
    branch = world.branch()
    assert git(world.bare, "rev-parse", f"{branch}^") == git(world.bare, "rev-parse", "main")
    changed = git(world.bare, "diff", "--name-status", "main", branch)
    assert changed == "A\tvariables.tf"
    declared = git(world.bare, "show", f"{branch}:variables.tf")
    assert 'variable "environment" {' in declared
    subject = git(world.bare, "log", "-1", "--format=%s|%an", branch)
    assert subject == "fix(terraform): apply 2 terrafix fixes (TF001)|Dev"

    # The checkout itself is untouched: same files, same branch, clean.
    after = _snapshot(world.work)
    assert after == before
    assert git(world.work, "status", "--porcelain") == ""
    assert git(world.work, "symbolic-ref", "--short", "HEAD") == "main"


def test_second_run_on_an_unchanged_repository_writes_nothing(world: World):
    assert world.pr(".").exit_code == 0
    branch = world.branch()
    writes = len(world.api.writes)

    second = world.pr(".")
    assert second.exit_code == 0, second.output
    assert "is up to date" in second.output
    assert world.api.writes[writes:] == []
    assert world.branch() == branch
    assert len(world.api.pulls) == 1


def test_new_fixes_update_the_same_pull_request(world: World):
    assert world.pr(".").exit_code == 0
    first_branch = world.branch()
    world.commit_on_main(
        "network/outputs.tf", 'output "vpc" {\n  value = var.vpc_name\n}\n', "Add an output"
    )
    writes = len(world.api.writes)

    result = world.pr(".")
    assert result.exit_code == 0, result.output
    assert "updated pull request #1" in result.output
    assert len(world.api.pulls) == 1
    [patch] = world.api.writes[writes:]
    assert patch.method == "PATCH" and patch.path == "/repos/acme/infra/pulls/1"
    assert set(patch.body) == {"title", "body"}
    assert "`network/outputs.tf`" in world.api.pulls[0]["body"]

    branch = world.branch()
    assert branch != first_branch
    assert git(world.bare, "rev-parse", f"{branch}^") == git(world.bare, "rev-parse", "main")
    assert git(world.bare, "diff", "--name-only", "main", branch).split() == [
        "network/variables.tf",
        "variables.tf",
    ]


def test_pull_request_closed_unmerged_is_left_alone_until_the_fixes_change(world: World):
    assert world.pr(".").exit_code == 0
    world.api.pulls[0]["state"] = "closed"
    writes, branch = len(world.api.writes), world.branch()

    result = world.pr(".")
    assert result.exit_code == 0, result.output
    assert "closed without merging" in result.output
    assert world.api.writes[writes:] == []
    assert world.branch() == branch

    world.commit_on_main("extra.tf", QUEUE, "Add a queue")
    result = world.pr(".")
    assert result.exit_code == 0, result.output
    assert "leaving out the fixes declined in #1" in result.output
    assert "opened pull request #2" in result.output
    assert [p["state"] for p in world.api.pulls] == ["closed", "open"]
    # The new pull request holds only the new fix; the declined ones are not proposed again.
    second = world.api.pulls[1]["body"]
    assert len(read_marker(second)["fixes"]) == 1
    declared = git(world.bare, "show", f"{world.branch()}:variables.tf")
    assert 'variable "team_name"' in declared and "aws_region" not in declared
    assert "its fix was declined in #1" in second.split("## Needs a person")[1]


def test_declined_fixes_stay_declined_across_later_unrelated_changes(world: World):
    assert world.pr(".").exit_code == 0
    world.api.pulls[0]["state"] = "closed"
    world.commit_on_main("extra.tf", QUEUE, "Add a queue")
    assert world.pr(".").exit_code == 0
    world.api.pulls[1]["state"] = "closed"  # this one is declined too
    world.commit_on_main(
        "more.tf", QUEUE.replace("jobs", "mail").replace("team_name", "queue_prefix"), "Mail queue"
    )

    result = world.pr(".")
    assert result.exit_code == 0, result.output
    assert "opened pull request #3" in result.output
    [third] = [read_marker(p["body"]) for p in world.api.pulls[2:]]
    assert len(third["fixes"]) == 1
    declared = git(world.bare, "show", f"{world.branch()}:variables.tf")
    assert 'variable "queue_prefix"' in declared
    assert "team_name" not in declared and "aws_region" not in declared

    world.api.pulls[2]["state"] = "closed"
    writes = len(world.api.writes)
    result = world.pr(".")
    assert result.exit_code == 0, result.output
    assert "every fix left was declined" in result.output
    assert world.api.writes[writes:] == []


def test_nothing_left_to_fix_comments_once_and_closes_with_close_stale(world: World):
    assert world.pr(".").exit_code == 0
    # The fixes get merged: main now holds the branch's commit.
    git(world.work, "fetch", "-q", str(world.bare), "terrafix/fixes")
    git(world.work, "merge", "-q", "--ff-only", "FETCH_HEAD")
    git(world.work, "push", "-q", str(world.bare), "main")

    result = world.pr(".")
    assert result.exit_code == 0, result.output
    assert "no longer needed" in result.output
    assert len(world.api.comments[1]) == 1
    writes = len(world.api.writes)
    assert world.pr(".").exit_code == 0
    assert world.api.writes[writes:] == []  # the comment is not repeated

    result = world.pr("--close-stale", ".")
    assert result.exit_code == 0, result.output
    assert world.api.pulls[0]["state"] == "closed"
    assert "deleted branch terrafix/fixes" in result.output
    assert world.branch() is None
    # Closed by the bot, not declined: its marker says so.
    assert read_marker(world.api.pulls[0]["body"])["retired"] is True


def test_dirty_work_tree_is_refused_before_anything_remote(world: World):
    (world.work / "main.tf").write_text("# edited\n")
    result = world.pr(".")
    assert result.exit_code == 2
    assert "uncommitted changes (main.tf)" in result.output
    assert world.api.calls == [] and world.git_server.authorizations == []


def test_file_that_does_not_parse_opens_nothing(world: World):
    world.commit_on_main("broken.tf", 'resource "aws_vpc" "x" {\n  cidr_block = \n', "Broken")
    result = world.pr(".")
    assert result.exit_code == 2
    assert "no pull request, because the run failed" in result.output
    assert "broken.tf" in result.output
    assert world.api.calls == [] and world.branch() is None


def test_fix_that_fails_to_verify_opens_nothing(world: World, monkeypatch):
    from terrafix.engine import pipeline
    from terrafix.engine.findings import Applicability, Finding, Fix
    from terrafix.engine.rules import Rule

    class BreaksTheFile(Rule):
        code, slug, summary, explanation = "TF999", "breaks", "Breaks the file.", "Breaks."

        def check(self, context):
            for path, source in context.module.files.items():
                if source.text.startswith("# The provider"):
                    fix = Fix("break it", Applicability.SAFE, {path: source.text}, {path: "{{"})
                    yield Finding("TF999", "breaks", "broken", path, 0, 1, "k", fix=fix)

    monkeypatch.setattr(pipeline, "select_rules", lambda *_: [BreaksTheFile])
    result = world.pr(".")
    assert result.exit_code == 2
    assert "would leave a file that does not parse" in result.output
    assert world.api.calls == [] and world.branch() is None


def test_never_pushes_to_the_base_or_default_branch(world: World):
    result = world.pr("--branch", "main", ".")
    assert result.exit_code == 2
    assert "refusing to push to 'main'" in result.output
    assert world.api.writes == [] and world.git_server.authorizations == []


def test_dry_run_prints_the_plan_and_changes_nothing_remote(world: World):
    result = world.pr("--dry-run", "--label", "terraform", ".")
    assert result.exit_code == 0, result.output
    assert "branch: terrafix/fixes" in result.output
    assert "fix(terraform): apply 2 terrafix fixes (TF001)" in result.output
    assert "would push" in result.output
    assert "would POST /repos/acme/infra/pulls with base, body, head, title" in result.output
    assert world.api.writes == [] and world.branch() is None


def test_create_answered_422_because_a_racing_run_opened_it(world: World):
    def racing_run():
        world.api.add_pull("terrafix/fixes", "main", "opened elsewhere", "")

    world.api.faults.append(
        Fault(
            "POST",
            "/repos/acme/infra/pulls",
            422,
            {
                "message": "Validation Failed",
                "documentation_url": "https://docs.github.com/rest",
                "errors": [
                    {
                        "resource": "PullRequest",
                        "code": "custom",
                        "message": "A pull request already exists for acme:terrafix/fixes.",
                    }
                ],
            },
            effect=racing_run,
        )
    )
    result = world.pr(".")
    assert result.exit_code == 0, result.output
    assert "opened pull request #1" in result.output
    assert len(world.api.pulls) == 1


def test_other_422_fails_with_githubs_reason(world: World):
    world.api.faults.append(
        Fault(
            "POST",
            "/repos/acme/infra/pulls",
            422,
            {
                "message": "Validation Failed",
                "documentation_url": "https://docs.github.com/rest",
                "errors": [{"resource": "PullRequest", "code": "invalid", "field": "base"}],
            },
        )
    )
    result = world.pr(".")
    assert result.exit_code == 2
    assert "GitHub answered 422 to POST /repos/acme/infra/pulls: Validation Failed" in result.output
    assert world.api.pulls == []


def test_server_errors_and_secondary_rate_limits_are_retried(world: World):
    world.api.faults += [
        # A gateway error from in front of the API: GitHub's description cannot cover it.
        Fault(
            "GET",
            "/repos/acme/infra/pulls",
            502,
            "<html>Bad Gateway</html>",
            times=2,
            in_spec=False,
        ),
        Fault(
            "POST",
            "/repos/acme/infra/pulls",
            403,
            {
                "message": "You have exceeded a secondary rate limit.",
                "documentation_url": "https://docs.github.com/rest",
            },
            headers={"Retry-After": "7"},
        ),
    ]
    result = world.pr(".")
    assert result.exit_code == 0, result.output
    assert len(world.api.pulls) == 1
    assert 7.0 in world.sleeps and len(world.sleeps) == 3


def test_server_errors_that_persist_fail_after_bounded_retries(world: World):
    world.api.faults.append(
        Fault("GET", "/repos/acme/infra", 503, "<html>Unavailable</html>", times=99, in_spec=False)
    )
    result = world.pr(".")
    assert result.exit_code == 2
    assert "GitHub answered 503 to GET /repos/acme/infra" in result.output
    assert len(world.sleeps) == 3 and len(world.api.calls) == 4


def test_token_never_appears_in_output_or_in_the_repository(world: World):
    outputs = [world.pr("--label", "terraform", ".").output]
    world.commit_on_main("extra.tf", QUEUE, "Add a queue")
    outputs.append(world.pr(".").output)
    outputs.append(world.pr("--dry-run", ".").output)
    world.api.faults.append(
        Fault("POST", "/repos/acme/infra/issues/1/comments", 404, {"message": TOKEN})
    )
    # GitHub never echoes a token; this fake does, to show the bot would not repeat it.
    git(world.work, "fetch", "-q", str(world.bare), "terrafix/fixes")
    git(world.work, "merge", "-q", "--ff-only", "FETCH_HEAD")
    git(world.work, "push", "-q", str(world.bare), "main")
    outputs.append(world.pr(".").output)

    assert "GitHub answered 404" in outputs[-1]
    assert all(TOKEN not in out for out in outputs)
    for path in (world.work / ".git").rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path
    assert TOKEN not in (world.work / ".git" / "config").read_text()
    # Every git request carried the token, in exactly one header.
    assert world.git_server.authorizations and all(
        len(h) == 1 for h in world.git_server.authorizations
    )
    assert os.environ.get("GIT_CONFIG_COUNT") is None


def test_a_header_persisted_by_checkout_is_replaced_not_doubled(world: World):
    # actions/checkout leaves its own token in .git/config unless persist-credentials is false.
    git(
        world.work,
        "config",
        f"http.{world.git_server.url}/.extraheader",
        "AUTHORIZATION: basic stale",
    )
    result = world.pr(".")
    assert result.exit_code == 0, result.output
    assert world.git_server.authorizations
    assert all(len(h) == 1 and "stale" not in h[0] for h in world.git_server.authorizations)


def test_without_a_token_nothing_is_attempted(world: World):
    result = world.pr(".", token=None)
    assert result.exit_code == 2
    assert "no token: set GITHUB_TOKEN" in result.output
    assert world.api.calls == [] and world.git_server.authorizations == []


def test_a_branch_someone_else_committed_to_is_not_overwritten(world: World):
    assert world.pr(".").exit_code == 0
    # A reviewer pushes a commit of their own onto the bot's branch.
    git(world.work, "fetch", "-q", str(world.bare), "terrafix/fixes")
    git(world.work, "checkout", "-q", "-b", "review", "FETCH_HEAD")
    (world.work / "variables.tf").write_text((world.work / "variables.tf").read_text() + "\n")
    git(world.work, "commit", "-q", "-am", "Reviewer's touch")
    git(world.work, "push", "-q", str(world.bare), "review:terrafix/fixes")
    git(world.work, "checkout", "-q", "main")
    reviewed = world.branch()
    world.commit_on_main("extra.tf", QUEUE, "Add a queue")
    writes = len(world.api.writes)

    result = world.pr(".")
    assert result.exit_code == 0, result.output
    assert "has commits terrafix did not make" in result.output
    assert world.branch() == reviewed
    # One note on the pull request says why it is no longer updated; then silence.
    [note] = world.api.writes[writes:]
    assert note.path == "/repos/acme/infra/issues/1/comments"
    assert "Someone else committed to `terrafix/fixes`" in note.body["body"]
    writes = len(world.api.writes)
    assert world.pr(".").exit_code == 0
    assert world.api.writes[writes:] == []
    assert world.branch() == reviewed


def test_a_new_base_branch_retargets_the_open_pull_request(world: World):
    git(world.work, "push", "-q", str(world.bare), "main:develop")
    assert world.pr(".").exit_code == 0
    writes = len(world.api.writes)

    result = world.pr("--base", "develop", ".")
    assert result.exit_code == 0, result.output
    [patch] = world.api.writes[writes:]
    assert patch.body == {"base": "develop"}
    assert world.api.pulls[0]["base"] == "develop"


def test_works_from_a_shallow_clone_as_actions_checkout_makes(world: World, tmp_path, monkeypatch):
    assert world.pr(".").exit_code == 0  # a branch with history to fetch
    world.commit_on_main("extra.tf", QUEUE, "Add a queue")
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{world.bare}", str(shallow)], check=True
    )
    git(shallow, "remote", "set-url", "origin", f"{world.git_server.url}/acme/infra.git")
    monkeypatch.chdir(shallow)

    result = world.pr(".")
    assert result.exit_code == 0, result.output
    assert "updated pull request #1" in result.output
    branch = world.branch()
    assert git(world.bare, "rev-parse", f"{branch}^") == git(world.bare, "rev-parse", "main")


def test_author_and_committer_come_from_options(world: World):
    result = world.pr("--author", "Infra Bot <bot@example.invalid>", ".")
    assert result.exit_code == 0, result.output
    who = git(world.bare, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%B", world.branch())
    author, committer, message = who.split("|")
    assert author == committer == "Infra Bot <bot@example.invalid>"
    assert message.startswith("fix(terraform): apply 2 terrafix fixes (TF001)\n\n- TF001 main.tf:")
    assert message.endswith("Generated-by: terrafix 0.1.0")


@needs_oracle
def test_the_pushed_branch_parses_and_is_fmt_clean_for_hashicorp(world: World, tmp_path):
    assert world.pr(".").exit_code == 0
    checkout = tmp_path / "pushed"
    subprocess.run(
        ["git", "clone", "-q", "-b", "terrafix/fixes", str(world.bare), str(checkout)], check=True
    )
    files = sorted(checkout.rglob("*.tf"))
    assert files and unparsable(files) == set() and not_fmt_clean(files) == set()


# -- never hangs; a refused token says which permission it lacks -----------------------------


def test_a_git_server_that_never_answers_fails_within_the_timeout(world: World):
    with SilentServer() as silent:
        git(world.work, "remote", "set-url", "origin", f"{silent.url}/acme/infra.git")
        started = time.monotonic()
        result = world.pr("--timeout", "2", ".")
        elapsed = time.monotonic() - started
    assert result.exit_code == 2, result.output
    assert "git ls-remote did not finish within 2 s" in result.output
    assert elapsed < 20
    assert world.api.pulls == []


def test_a_github_that_never_answers_fails_within_the_timeout(world: World):
    with SilentServer() as silent:
        started = time.monotonic()
        result = world.pr("--timeout", "1", "--api-url", silent.url, ".")
        elapsed = time.monotonic() - started
    assert result.exit_code == 2, result.output
    assert "GitHub did not answer GET /repos/acme/infra within 1 s" in result.output
    assert elapsed < 20 and len(world.sleeps) == 3  # bounded retries, then the error
    assert world.branch() is None


def test_a_push_refused_with_403_names_the_missing_permission(world: World):
    world.git_server.deny_push = True
    result = world.pr(".")
    assert result.exit_code == 2, result.output
    assert "git push failed" in result.output
    assert "needs the `contents: write` permission" in result.output
    assert world.api.pulls == [] and world.branch() is None


def test_a_pull_request_refused_with_403_names_the_missing_permission(world: World):
    world.api.faults.append(
        Fault(
            "POST",
            "/repos/acme/infra/pulls",
            403,
            {
                "message": "Resource not accessible by integration",
                "documentation_url": "https://docs.github.com/rest",
            },
        )
    )
    result = world.pr(".")
    assert result.exit_code == 2, result.output
    assert "GitHub answered 403 to POST /repos/acme/infra/pulls" in result.output
    assert "needs the `pull-requests: write` permission" in result.output


# -- a body a reviewer reads ------------------------------------------------------------------

SITE = """\
resource "aws_s3_bucket" "website" {
  bucket = "site"
}

resource "random_id" "suffix" {
  byte_length = 4
}

resource "null_resource" "noop" {}
"""


def test_a_fix_shared_by_several_findings_is_one_section_naming_the_file_it_changes(
    world: World,
):
    world.commit_on_main("site/main.tf", SITE, "A site")
    result = world.pr("--profile", "ephemeral", "--select", "TF011", "site")
    assert result.exit_code == 0, result.output
    body = world.api.pulls[0]["body"]
    changed = git(world.bare, "diff", "--name-only", "main", world.branch()).split()
    assert changed == ["site/versions.tf"]

    assert body.count("### TF011 `required-providers`") == 1
    section = body.split("### TF011 `required-providers`")[1].split("\n## ")[0]
    assert "Changes `site/versions.tf`. It fixes:" in section
    for provider in ("aws", "random", "null"):
        assert f"- `site/main.tf`: Provider '{provider}' is used" in section
    assert section.count("```diff") == 1
    assert "| TF011 `required-providers` |" in body and "| `site/versions.tf` | 3 | safe |" in body


def test_findings_left_for_a_person_are_listed_with_their_addresses_case_kept(world: World):
    # A rename is unsafe outside the ephemeral profile: TF002 waits for a person, while the
    # undeclared region variable (TF001, safe) makes the pull request.
    site = SITE + '\noutput "region" {\n  value = var.aws_region\n}\n'
    world.commit_on_main("site/main.tf", site, "A site")
    result = world.pr("--select", "TF001", "--select", "TF002", "site")
    assert result.exit_code == 0, result.output
    body = world.api.pulls[0]["body"]
    needs = body.split("## Needs a person")[1].split("\n## ")[0]
    assert "- TF002 `" in needs and "in `site/main.tf`: aws_s3_bucket.website: bucket is" in needs
    assert "Aws_s3_bucket" not in body


def test_forty_fixes_still_show_their_diffs_within_githubs_limit(world: World):
    names = [f"setting_number_{i:02d}_{'x' * 40}" for i in range(40)]
    refs = "".join(f"  tag_{i} = var.{name}\n" for i, name in enumerate(names))
    world.commit_on_main("big/main.tf", f"locals {{\n{refs}}}\n", "Forty settings, none declared")
    result = world.pr("big")
    assert result.exit_code == 0, result.output
    body = world.api.pulls[0]["body"]
    assert len(body) <= 65_536
    assert body.count("### TF001 `aws-region-variable`") == 40
    for name in names:
        assert f'+variable "{name}" {{' in body
    assert read_marker(body)["fixes"]


# -- a dry run says what the real run would do ------------------------------------------------


def test_dry_run_on_a_new_branch_predicts_a_new_branch(world: World):
    result = world.pr("--dry-run", ".")
    assert result.exit_code == 0, result.output
    assert "would push" in result.output and "(a new branch)" in result.output
    assert "forced" not in result.output


def test_dry_run_when_the_branch_is_up_to_date_predicts_no_push(world: World):
    assert world.pr(".").exit_code == 0
    branch, writes = world.branch(), len(world.api.writes)
    result = world.pr("--dry-run", ".")
    assert result.exit_code == 0, result.output
    assert "already holds these fixes: would push nothing" in result.output
    assert result.output.count("would push") == 1 and "would PATCH" not in result.output
    assert "is up to date" in result.output
    assert world.branch() == branch and world.api.writes[writes:] == []


def test_dry_run_when_fixes_changed_predicts_a_forced_push(world: World):
    assert world.pr(".").exit_code == 0
    branch = world.branch()
    world.commit_on_main("extra.tf", QUEUE, "Add a queue")
    result = world.pr("--dry-run", ".")
    assert result.exit_code == 0, result.output
    assert f"(forced, replacing {branch[:12]})" in result.output
    assert "would PATCH /repos/acme/infra/pulls/1 with body, title" in result.output
    assert world.branch() == branch


def test_dry_run_on_a_branch_with_a_human_commit_predicts_leaving_it(world: World):
    assert world.pr(".").exit_code == 0
    git(world.work, "fetch", "-q", str(world.bare), "terrafix/fixes")
    git(world.work, "checkout", "-q", "-b", "review", "FETCH_HEAD")
    (world.work / "variables.tf").write_text((world.work / "variables.tf").read_text() + "\n")
    git(world.work, "commit", "-q", "-am", "Reviewer's touch")
    git(world.work, "push", "-q", str(world.bare), "review:terrafix/fixes")
    git(world.work, "checkout", "-q", "main")
    reviewed, writes = world.branch(), len(world.api.writes)

    result = world.pr("--dry-run", ".")
    assert result.exit_code == 0, result.output
    assert "has commits terrafix did not make" in result.output
    assert "would POST /repos/acme/infra/issues/1/comments with body" in result.output
    assert "would push" not in result.output
    assert world.branch() == reviewed and world.api.writes[writes:] == []


# -- the Action's outputs ---------------------------------------------------------------------


def _outputs(path: Path) -> dict[str, str]:
    lines = path.read_text().splitlines()
    path.unlink()
    return dict(line.split("=", 1) for line in lines)


def test_pull_request_number_is_empty_when_no_pull_request_is_open_for_the_fixes(
    world: World, tmp_path: Path
):
    output = tmp_path / "github_output"
    assert world.pr(".", output=output).exit_code == 0
    assert _outputs(output) == {
        "pull-request-number": "1",
        "pull-request-url": "https://github.invalid/acme/infra/pull/1",
    }
    assert world.pr(".", output=output).exit_code == 0  # up to date: still open
    assert _outputs(output)["pull-request-number"] == "1"

    world.api.pulls[0]["state"] = "closed"  # declined
    assert world.pr(".", output=output).exit_code == 0
    assert _outputs(output) == {"pull-request-number": "", "pull-request-url": ""}

    assert world.pr("--dry-run", ".", output=output).exit_code == 0
    assert _outputs(output)["pull-request-number"] == ""


# -- review routing and naming ----------------------------------------------------------------


def test_draft_reviewers_teams_and_assignees_are_set_when_the_pull_request_opens(world: World):
    result = world.pr(
        "--draft",
        "--reviewer",
        "alice",
        "--reviewer",
        "acme/platform-team",
        "--assignee",
        "bob",
        ".",
    )
    assert result.exit_code == 0, result.output
    [pull] = world.api.pulls
    assert pull["draft"] is True
    assert pull["reviewers"] == ["alice"] and pull["team_reviewers"] == ["platform-team"]
    assert pull["assignees"] == ["bob"]

    # People may change reviewers later: an update does not ask again.
    world.commit_on_main("extra.tf", QUEUE, "Add a queue")
    writes = len(world.api.writes)
    assert world.pr("--reviewer", "alice", "--assignee", "bob", ".").exit_code == 0
    assert [w.path for w in world.api.writes[writes:]] == ["/repos/acme/infra/pulls/1"]


def test_commit_and_title_templates_name_the_commit_and_the_pull_request(world: World):
    result = world.pr(
        "--commit-template",
        "chore(iac): {count} terrafix {noun} [{rules}]",
        "--title-template",
        "terrafix: {count} {noun} in {files} file(s)",
        ".",
    )
    assert result.exit_code == 0, result.output
    assert git(world.bare, "log", "-1", "--format=%s", world.branch()) == (
        "chore(iac): 2 terrafix fixes [TF001]"
    )
    assert world.api.pulls[0]["title"] == "terrafix: 2 fixes in 1 file(s)"


def test_an_unknown_placeholder_is_refused_before_anything_runs(world: World):
    result = world.pr("--commit-template", "fix: {everything}", ".")
    assert result.exit_code == 2
    assert "placeholders: {count}, {noun}, {rules}, {files}" in result.output
    assert world.api.calls == []


def test_pushed_commits_pass_commitlints_conventional_rules(world: World):
    long_dir = "modules/" + "shared-networking-and-observability-" * 2 + "stack"
    names = [f"an_uncommonly_descriptive_setting_name_number_{i}_for_this_module" for i in range(3)]
    refs = "".join(f"  tag_{i} = var.{name}\n" for i, name in enumerate(names))
    world.commit_on_main(f"{long_dir}/main.tf", f"locals {{\n{refs}}}\n", "Long names")
    result = world.pr("--commit-style", "conventional", ".", long_dir)
    assert result.exit_code == 0, result.output
    message = git(world.bare, "log", "-1", "--format=%B", world.branch())
    assert commitlint.violations(message) == [], message
    assert any(len(line) > 90 for line in message.splitlines())  # long lines were wrapped

    result = world.pr("--commit-style", "plain", "--dry-run", ".")
    assert "Apply 5 terrafix fixes (TF001)" in result.output


def test_a_declined_pull_request_does_not_hide_that_nothing_is_left_to_fix(world: World):
    assert world.pr(".").exit_code == 0
    world.api.pulls[0]["state"] = "closed"
    # The declined fixes were later made by hand: nothing is left to fix, nothing is declined.
    git(world.work, "fetch", "-q", str(world.bare), "terrafix/fixes")
    git(world.work, "merge", "-q", "--ff-only", "FETCH_HEAD")
    git(world.work, "push", "-q", str(world.bare), "main")
    result = world.pr(".")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "nothing to fix"
