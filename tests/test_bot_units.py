"""The bot's parts on their own: redaction, git auth, rendering, retries, the spec trimmer."""

from __future__ import annotations

import base64
import importlib.util
import json
import re
from pathlib import Path

import httpx
import pytest
from fixtures.bot import commitlint
from fixtures.bot.fake_github import FakeGitHub

from terrafix.bot import render
from terrafix.bot.command import REMOTE_REPOSITORY
from terrafix.bot.fixset import AppliedFix, ChangedFile, FixSet, fingerprint
from terrafix.bot.forge import ForgeError
from terrafix.bot.git import Git, GitError, Identity, auth_environment
from terrafix.bot.github import GitHub
from terrafix.bot.naming import Naming, check_template
from terrafix.bot.redact import Redactor
from terrafix.engine.config import Config
from terrafix.engine.findings import Applicability, Finding, Fix

TOKEN = "ghp_unitTestToken0123456789"
ROOT = Path(__file__).resolve().parents[1]


def test_redactor_masks_the_token_in_every_encoding_it_travels_in():
    redact = Redactor(TOKEN)
    basic = base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()
    text = f"Bearer {TOKEN}; Authorization: basic {basic}; url x%3A{TOKEN}"
    masked = redact(text)
    assert TOKEN not in masked and basic not in masked
    assert masked == "Bearer ***; Authorization: basic ***; url x%3A***"
    assert Redactor("")("nothing to hide") == "nothing to hide"


def test_git_errors_are_redacted(tmp_path: Path):
    git = Git(tmp_path, Redactor(TOKEN))
    with pytest.raises(GitError) as caught:
        git.run("ls-remote", f"http://x-access-token:{TOKEN}@127.0.0.1:9/acme/infra.git")
    assert "git ls-remote failed" in str(caught.value)
    assert TOKEN not in str(caught.value)


def test_auth_environment_sends_one_header_to_the_remote_host_only(monkeypatch):
    monkeypatch.delenv("GIT_CONFIG_COUNT", raising=False)
    env = auth_environment("https://github.example.com/acme/infra.git", "Authorization: x")
    assert env == {
        "GIT_CONFIG_COUNT": "2",
        "GIT_CONFIG_KEY_0": "http.https://github.example.com/.extraheader",
        "GIT_CONFIG_VALUE_0": "",
        "GIT_CONFIG_KEY_1": "http.https://github.example.com/.extraheader",
        "GIT_CONFIG_VALUE_1": "Authorization: x",
    }
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    assert auth_environment("http://u@127.0.0.1:8080/r.git", "h")["GIT_CONFIG_KEY_2"] == (
        "http.http://127.0.0.1:8080/.extraheader"
    )
    with pytest.raises(GitError, match="HTTP"):
        auth_environment("git@github.com:acme/infra.git", "h")


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/acme/infra.git",
        "https://github.com/acme/infra",
        "git@github.com:acme/infra.git",
        "http://127.0.0.1:8123/acme/infra.git",
    ],
)
def test_repository_is_read_from_the_remote_url(url):
    match = REMOTE_REPOSITORY.search(url)
    assert (match["owner"], match["name"]) == ("acme", "infra")


def test_identity_parses_git_style_names():
    assert Identity.parse("Ada Lovelace <ada@example.org>") == Identity(
        "Ada Lovelace", "ada@example.org"
    )
    with pytest.raises(ValueError):
        Identity.parse("ada@example.org")


def _fixset(tmp_path: Path, applicability=Applicability.SAFE, count: int = 1) -> FixSet:
    path = tmp_path / "main.tf"
    old = 'provider "aws" {}\n'
    applied = []
    for i in range(count):
        new = old + f'variable "v{i}" {{\n  type = string\n}}\n'
        fix = Fix(f"declare v{i}", applicability, {path: old}, {path: new})
        message = f"variable 'v{i}' is referenced but not declared"
        finding = Finding("TF001", "aws-region-variable", message, path, 0, 1, f"k{i}", fix=fix)
        applied.append(AppliedFix(finding, "main.tf", fingerprint("TF001", "main.tf", f"k{i}")))
    return FixSet((ChangedFile("main.tf", old, old + "..."),), tuple(applied))


def test_body_is_deterministic_and_carries_a_readable_marker(tmp_path: Path):
    fixes = _fixset(tmp_path)
    command = render.command_line(["."], Config(select=["TF001"], profile="production"))
    assert command == "terrafix fix --select TF001 --profile production ."
    body = render.body(fixes, command, tmp_path)
    assert body == render.body(fixes, command, tmp_path)
    assert render.read_marker(body) == {"fixes": fixes.fingerprints, "version": "0.1.0"}
    assert render.read_marker("a body someone else wrote") is None
    assert "| TF001 `aws-region-variable` | Declare v0. | `main.tf` | 1 | safe |" in body
    assert '+variable "v0" {' in body
    assert "unsafe" not in body.split("## The rules")[0]
    # The rule's own headings sit below the body's; HCL comments in its examples stay as they are.
    assert "\n#### What it does\n" in body


def test_unsafe_fixes_are_marked(tmp_path: Path):
    body = render.body(_fixset(tmp_path, Applicability.UNSAFE), "terrafix fix .", tmp_path)
    assert "| `main.tf` | 1 | ⚠️ **unsafe** |" in body
    assert "> [!WARNING]" in body


def _growing_fixset(tmp_path: Path, count: int, width: int) -> FixSet:
    """``count`` fixes, each diffed against the original file, so each repeats the ones before."""
    path = tmp_path / "main.tf"
    old = 'provider "aws" {}\n'
    text, applied = old, []
    for i in range(count):
        text += f'variable "v{i}_{"x" * width}" {{\n  type = string\n}}\n'
        fix = Fix(f"declare v{i}", Applicability.SAFE, {path: old}, {path: text})
        finding = Finding(
            "TF001", "aws-region-variable", f"v{i} undeclared", path, 0, 1, f"k{i}", fix=fix
        )
        applied.append(AppliedFix(finding, "main.tf", fingerprint("TF001", "main.tf", f"k{i}")))
    return FixSet((ChangedFile("main.tf", old, text),), tuple(applied))


def test_long_bodies_shed_rule_explanations_first(tmp_path: Path):
    fixes = _growing_fixset(tmp_path, count=29, width=91)
    body = render.body(fixes, "terrafix fix .", tmp_path)
    assert len(body) <= render.MAX_BODY
    assert "<details>" not in body and "`terrafix explain TF001` prints them" in body
    assert body.count("```diff") == 29  # every fix keeps its own diff
    assert render.read_marker(body)["fixes"] == fixes.fingerprints


def test_longer_bodies_show_the_whole_change_file_by_file(tmp_path: Path):
    fixes = _growing_fixset(tmp_path, count=40, width=60)
    body = render.body(fixes, "terrafix fix .", tmp_path)
    assert len(body) <= render.MAX_BODY
    assert "## The changes, file by file" in body and body.count("```diff") == 1
    for i in range(40):
        assert f'+variable "v{i}_' in body
    assert "left out for length (see the commit)" not in body


def test_bodies_too_long_for_any_diff_name_the_files_left_out_and_keep_the_marker(
    tmp_path: Path,
):
    fixes = _growing_fixset(tmp_path, count=40, width=60)
    huge = "".join(f"# line {i} {'y' * 80}\n" for i in range(1000))
    small = ChangedFile("other.tf", "a = 1\n", "a = 2\n")
    fixes = FixSet((ChangedFile("main.tf", "", huge), small), fixes.fixes)
    body = render.body(fixes, "terrafix fix .", tmp_path)
    assert len(body) <= render.MAX_BODY
    assert "Diffs left out for length (see the commit): `main.tf`" in body
    assert "#### `other.tf`" in body and "+a = 2" in body  # the files that fit still show
    assert render.read_marker(body)["fixes"] == fixes.fingerprints


def test_sentences_keep_the_case_of_terraform_addresses():
    assert render._sentence("aws_s3_bucket.website is public") == "aws_s3_bucket.website is public."
    assert render._sentence("variable 'x' is unused") == "Variable 'x' is unused."
    assert render._sentence("module.vpc: x") == "module.vpc: x."


def _github(handler, sleeps: list[float]) -> GitHub:
    return GitHub(
        "acme/infra",
        TOKEN,
        api_url="https://api.example.invalid",
        redact=Redactor(TOKEN),
        sleep=sleeps.append,
        transport=httpx.MockTransport(handler),
    )


def test_client_sends_githubs_headers_and_gives_up_after_bounded_retries():
    seen: list[httpx.Request] = []

    def always_busy(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(503, json={"message": "busy"})

    sleeps: list[float] = []
    with pytest.raises(ForgeError) as caught:
        _github(always_busy, sleeps).default_branch()
    assert caught.value.status == 503 and len(seen) == 4 and len(sleeps) == 3
    assert sleeps == sorted(sleeps)  # backing off
    headers = seen[0].headers
    assert headers["X-GitHub-Api-Version"] == "2022-11-28"
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers["Accept"] == "application/vnd.github+json"


def test_a_post_that_failed_with_5xx_is_not_blindly_repeated():
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        if request.method == "POST":
            return httpx.Response(502, json={"message": "bad gateway"})
        pull = {
            "number": 7,
            "html_url": "https://x/7",
            "state": "open",
            "title": "t",
            "body": "b",
            "labels": [],
            "merged_at": None,
        }
        return httpx.Response(200, json=[pull])

    pull = _github(handler, []).create_pull_request("terrafix/fixes", "main", "t", "b")
    assert pull.number == 7
    assert calls == ["POST", "GET"]  # it looked, found the pull request, and did not post again


def test_errors_never_carry_the_token():
    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"message": f"Bad credentials {TOKEN}"})

    with pytest.raises(ForgeError) as caught:
        _github(echo, []).default_branch()
    assert TOKEN not in str(caught.value) and "401" in str(caught.value)


def test_fake_github_flags_requests_that_break_githubs_contract():
    with FakeGitHub("acme", "infra", TOKEN) as api:
        headers = {"Authorization": f"Bearer {TOKEN}", "X-GitHub-Api-Version": "2022-11-28"}
        response = httpx.post(
            f"{api.url}/repos/acme/infra/pulls", json={"title": "no head"}, headers=headers
        )
        assert response.status_code in (201, 400, 422, 500) or response.is_error
        assert any("head" in v and "required" in v for v in api.violations)
        api.violations.clear()
        httpx.get(f"{api.url}/repos/acme/infra/pulls", params={"state": "merged"}, headers=headers)
        assert any("state" in v or "merged" in v for v in api.violations)


def _trimmer():
    spec = importlib.util.spec_from_file_location(
        "trim", ROOT / "scripts" / "trim_github_openapi.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_trimmer_keeps_the_operations_and_everything_they_reach():
    trim = _trimmer()
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1", "license": {"name": "MIT"}},
        "paths": {
            "/a": {
                "get": {
                    "operationId": "a/get",
                    "responses": {"200": {"$ref": "#/components/responses/ok"}},
                }
            },
            "/b": {"get": {"operationId": "b/get", "responses": {"200": {"description": "x"}}}},
        },
        "components": {
            "responses": {
                "ok": {
                    "description": "ok",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/thing"},
                            "examples": {"x": {}},
                        }
                    },
                }
            },
            "schemas": {
                "thing": {
                    "type": "object",
                    "properties": {"part": {"$ref": "#/components/schemas/part"}},
                },
                "part": {"type": "string"},
                "unused": {"type": "integer"},
            },
        },
    }
    subset = trim.trim(spec, ("a/get",))
    assert list(subset["paths"]) == ["/a"]
    assert set(subset["components"]["schemas"]) == {"thing", "part"}
    assert "examples" not in json.dumps(subset)
    assert subset["info"]["license"] == {"name": "MIT"}
    with pytest.raises(SystemExit):
        trim.trim(spec, ("missing/op",))


def test_committed_subset_holds_exactly_the_operations_the_bot_calls():
    trim = _trimmer()
    subset = json.loads((ROOT / "tests" / "data" / "github-openapi-subset.json").read_text())
    operations = {op["operationId"] for item in subset["paths"].values() for op in item.values()}
    assert operations == set(trim.OPERATIONS)
    assert subset["info"]["license"]["name"] == "MIT"


def test_a_body_too_long_even_without_diffs_is_cut_before_its_marker(tmp_path: Path):
    fixes = _fixset(tmp_path, count=600)
    body = render.body(fixes, "terrafix fix .", tmp_path)
    assert len(body) <= render.MAX_BODY
    assert "cut here: the description was too long" in body
    assert render.read_marker(body)["fixes"] == fixes.fingerprints


def test_the_commitlint_rules_catch_what_they_should():
    assert commitlint.violations("fix(terraform): apply 2 fixes\n\n- a\n") == []
    assert commitlint.violations("Fix: apply\n")  # type not in lower case
    assert commitlint.violations("fix: Apply the fixes\n")  # sentence case
    assert commitlint.violations("fix: apply.\n")
    assert commitlint.violations("fix: " + "x" * 100)
    assert commitlint.violations("fix: a\n\n" + "y" * 101)
    assert commitlint.violations("fix: a\nno blank line\n")
    assert commitlint.violations("update things\n")


def _many_rules(tmp_path: Path, rules: int, per_rule: int) -> FixSet:
    path = tmp_path / "modules" / ("a-rather-long-module-directory-name-" * 2) / "main.tf"
    applied = []
    for r in range(rules):
        for i in range(per_rule):
            fix = Fix("x", Applicability.SAFE, {path: ""}, {path: "y"})
            message = f"variable 'setting_{r}_{i}_{'z' * 60}' is referenced but not declared"
            finding = Finding(f"TF{r:03d}", "slug", message, path, 0, 1, f"k{r}.{i}", fix=fix)
            repo_path = path.relative_to(tmp_path).as_posix()
            applied.append(
                AppliedFix(finding, repo_path, fingerprint(f"TF{r:03d}", repo_path, f"k{i}"))
            )
    return FixSet((ChangedFile("main.tf", "", "y"),), tuple(applied))


def test_commit_messages_pass_commitlints_conventional_rules_however_many_fixes(tmp_path: Path):
    command = "terrafix fix " + " ".join(f"--select TF{r:03d}" for r in range(30)) + " ."
    for rules, per_rule in ((1, 1), (3, 4), (30, 2)):
        fixes = _many_rules(tmp_path, rules, per_rule)
        message = render.commit_message(fixes, command, Naming("conventional"))
        assert commitlint.violations(message) == [], message
        assert len(render.title(fixes)) <= 100
    assert "and " in message.splitlines()[0] and "more)" in message.splitlines()[0]
    # The long command is kept whole, split over lines a shell joins again.
    wrapped = message.split("Reproduce with:\n")[1].split("\n\n")[0]
    assert wrapped.replace(" \\\n  ", " ") == command


def test_templates_fill_their_placeholders_and_unknown_ones_are_refused(tmp_path: Path):
    fixes = _many_rules(tmp_path, 2, 1)
    naming = Naming(commit_template="chore(iac): {count} terrafix {noun} in {files} file [{rules}]")
    assert render.title(fixes, naming) == "chore(iac): 2 terrafix fixes in 1 file [TF000, TF001]"
    assert render.title(fixes, Naming("plain")) == "Apply 2 terrafix fixes (TF000, TF001)"
    with pytest.raises(
        ValueError, match=re.escape("placeholders: {count}, {noun}, {rules}, {files}")
    ):
        check_template("fix: {nope}")
