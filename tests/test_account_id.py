"""TF010 hardcoded-account-id: seed fixtures as snapshots, what stays, and the corpora."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
from corpus import GENERATED, REAL, needs_shared
from oracle import needs_oracle, unparsable
from rulekit import (
    assert_parse_and_fmt_clean,
    copy_fixture,
    copy_task,
    fix_and_write,
    flagged_tasks,
    state_report,
)
from terrafix.transforms.iam.hardcoded_account_id import HardcodedAccountId

from terrafix.engine.config import Config
from terrafix.engine.pipeline import run
from terrafix.syntax import HclSyntaxError, parse

FIXTURES = Path(__file__).parent / "fixtures" / "iam"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name.startswith("acct"))


@pytest.fixture(autouse=True)
def only_this_rule(monkeypatch):
    """Run TF010 alone, without importing every other transform of the package."""
    monkeypatch.setattr("terrafix.engine.pipeline.select_rules", lambda *_: [HardcodedAccountId])


def _copy(tmp_path: Path, name: str) -> Path:
    return copy_fixture(FIXTURES, tmp_path, name)


def _fix(path: Path, *, unsafe: bool = False):
    return fix_and_write(path, Config(profile="ephemeral", select=["TF010"], unsafe_fixes=unsafe))


@pytest.mark.parametrize("case", CASES)
def test_fixture_snapshot(tmp_path: Path, case: str, snapshot):
    path = _copy(tmp_path, case)
    before = {p: p.read_text() for p in path.rglob("*.tf")}
    result = _fix(path, unsafe=True)
    assert result.errors == []
    assert state_report(path, result, before, new_from_dev_null=True) == snapshot
    assert _fix(path, unsafe=True).changed_files == []


@needs_oracle
@pytest.mark.parametrize("case", CASES)
def test_fixture_output_parses_and_is_fmt_clean(tmp_path: Path, case: str):
    path = _copy(tmp_path, case)
    changed = [f.path for f in _fix(path, unsafe=True).changed_files]
    assert changed
    assert_parse_and_fmt_clean(changed)


def test_seed_principal_uses_caller_identity(tmp_path: Path):
    path = _copy(tmp_path, "acct_seed")
    result = _fix(path)
    text = (path / "main.tf").read_text()
    assert "principal      = data.aws_caller_identity.current.account_id" in text
    assert (path / "data.tf").read_text() == 'data "aws_caller_identity" "current" {}\n'
    assert [f.fix.applicability for f in result.fixed] == ["safe"]


def test_data_source_declared_once_beside_other_data_sources(tmp_path: Path):
    path = _copy(tmp_path, "acct_arns")
    _fix(path, unsafe=True)
    data = (path / "data.tf").read_text()
    assert data.count('data "aws_caller_identity" "current"') == 1
    main = (path / "main.tf").read_text()
    assert 'data "aws_caller_identity"' not in main


def test_what_stays(tmp_path: Path):
    """Backends, providers, variables, layers and other accounts' principals keep their ids;
    the load balancers' log-delivery account becomes the provider's answer for its region."""
    path = _copy(tmp_path, "acct_arns")
    _fix(path, unsafe=True)
    main = (path / "main.tf").read_text()
    assert 'kms_key_id = "arn:aws:kms:us-east-1:123456789012:key/terraform-state-key"' in main
    assert 'allowed_account_ids = ["210987654321"]' in main
    assert ":580247275435:layer:LambdaInsightsExtension:38" in main
    assert '"arn:aws:iam::797873946194:root"' not in main
    assert "data.aws_elb_service_account.main.arn" in main
    assert 'threshold  = "107374182400"' in main
    assert '["111111111111", "222222222222"]' in (path / "variables.tf").read_text()


def test_safe_run_fixes_placeholders_and_own_accounts_only(tmp_path: Path):
    path = _copy(tmp_path, "acct_arns")
    result = _fix(path)
    main = (path / "main.tf").read_text()
    assert "arn:aws:iam::555566667777:role/api" in main  # unsafe: may be another account
    assert "${var.aws_region}:${data.aws_caller_identity.current.account_id}:alerts" in main
    assert "210987654321" not in main.replace('["210987654321"]', "")  # allowed_account_ids
    assert all(f.fix.applicability == "safe" for f in result.fixed)


def test_existing_caller_identity_name_is_reused(tmp_path: Path):
    path = _copy(tmp_path, "acct_named")
    _fix(path, unsafe=True)
    text = (path / "main.tf").read_text()
    assert "arn:aws:iam::${data.aws_caller_identity.this.account_id}:root" in text
    assert text.count('data "aws_caller_identity"') == 1
    assert "444455556666" in text  # another account's principal: display-only


@needs_shared
@needs_oracle
def test_generated_tasks(tmp_path: Path, capsys):
    """Every task with a hard-coded id parses after the fix, and a second run changes nothing."""
    flagged = set(flagged_tasks("model_hardcoded_account_id", with_model=False))
    tasks = sorted(
        p for p in GENERATED.iterdir() if (p / "model").is_dir() and _directories_with(p / "model")
    )
    changed: list[Path] = []
    fixed = left = 0
    for task in tasks:
        work = copy_task(tmp_path, task.name)
        result = _fix(work, unsafe=True)
        changed.extend(f.path for f in result.changed_files)
        fixed += len(result.fixed)
        left += len(result.findings)
        if task.name in flagged:
            found = {f.path.name for f in result.fixed + result.findings}
            assert found or _only_in_settings(task / "model"), task.name
        assert _fix(work, unsafe=True).changed_files == [], task.name
    assert unparsable(changed) == set()
    with capsys.disabled():
        print(f"\nTF010 on {len(tasks)} generated tasks: {fixed} fixed, {left} left to review")


def _only_in_settings(directory: Path) -> bool:
    """Every 12-digit number there sits in a ``terraform {}`` block (a backend cannot take a
    data source), a variable's default, or a file that does not parse (nothing is fixed there)."""
    for path in directory.rglob("*.tf"):
        try:
            tree = parse(path.read_text())
        except HclSyntaxError:
            continue
        for block in tree.body.blocks():
            if block.block_type not in ("terraform", "variable") and ACCOUNT_LIKE.search(
                block.render()
            ):
                return False
    return True


@needs_shared
def test_real_modules_default_profile_changes_nothing():
    """Placeholder ids in human examples are documentation: which account was meant is a guess."""
    result = run(_directories_with(REAL), Config(select=["TF010"]), fix=True)
    assert result.errors == [] and result.changed_files == []
    placeholders = [f for f in result.findings if f.fix and "placeholder" in f.message]
    assert placeholders and {f.fix.applicability.value for f in placeholders} == {"unsafe"}


@needs_shared
def test_real_modules(tmp_path: Path):
    """Safe fixes on human-written modules touch placeholder ids only, and converge."""
    result = run(_directories_with(REAL), Config(profile="ephemeral", select=["TF010"]), fix=True)
    assert result.errors == []
    placeholders = ("123456789012", "012345678901", "111122223333", "000000000000")
    for file in result.changed_files:
        if file.original is None:
            assert file.final == 'data "aws_caller_identity" "current" {}\n'
            continue
        diff = difflib.ndiff(file.original.splitlines(), file.final.splitlines())
        removed = [line for line in diff if line.startswith("- ")]
        assert removed and all(any(p in line for p in placeholders) for line in removed)
    changed = sorted({f.path.parent for f in result.changed_files})
    assert (
        run(
            changed,
            Config(profile="ephemeral", select=["TF010"]),
            fix=True,
            overrides=_finals(result),
        ).fixed
        == []
    )


def _finals(result) -> dict[Path, str]:
    return {f.path: f.final for f in result.files.values()}


ACCOUNT_LIKE = re.compile(r"\d{12}")


def _directories_with(root: Path) -> list[Path]:
    """Module directories under ``root`` with a 12-digit number in some file."""
    return sorted(
        {p.parent for p in root.rglob("*.tf") if ACCOUNT_LIKE.search(p.read_text(errors="replace"))}
    )


def test_heredoc_policy_account_is_interpolated(tmp_path: Path):
    (tmp_path / "main.tf").write_text(
        'resource "aws_iam_policy" "legacy" {\n'
        "  policy = <<-EOT\n"
        '    {"Statement": [{"Effect": "Allow", "Action": "sns:Publish",\n'
        '      "Resource": "arn:aws:sns:us-east-1:123456789012:alerts-${var.env}"}]}\n'
        "  EOT\n"
        "}\n"
    )
    _fix(tmp_path)
    text = (tmp_path / "main.tf").read_text()
    assert (
        '"arn:aws:sns:us-east-1:${data.aws_caller_identity.current.account_id}:alerts-${var.env}"'
        in text
    )
    assert (tmp_path / "data.tf").exists()
    assert _fix(tmp_path).changed_files == []


PROSE_AND_STATIC = """# Deploys into 123456789012 (arn:aws:iam::123456789012:root) by default.
variable "role_arn" {
  description = "Role to assume, e.g. arn:aws:iam::123456789012:role/deploy"
  default     = "arn:aws:iam::123456789012:role/deploy"
}

output "queue" {
  description = <<-EOT
    The queue, arn:aws:sqs:us-east-1:123456789012:jobs in the example account.
  EOT
  value       = aws_sqs_queue.jobs.arn
}

module "shared" {
  source = "git::https://example.com/123456789012/arn:aws:s3:::bucket/AWSLogs/123456789012/x.git"
}

resource "aws_sqs_queue" "jobs" {
  name = "jobs"

  lifecycle {
    precondition {
      condition     = true
      error_message = "Queue must live in arn:aws:sqs:us-east-1:123456789012:jobs"
    }
  }
}

resource "aws_iam_policy" "p" {
  description = "Grants arn:aws:sqs:us-east-1:123456789012:jobs"
  policy      = jsonencode({ Statement = [{ Resource = "arn:aws:sqs:us-east-1:123456789012:jobs" }] })
}
"""


def test_prose_and_static_places_are_left_alone(tmp_path: Path):
    """Descriptions, error messages and comments document an account; a variable's default and
    a module's source cannot take a reference: only the policy's Resource is a finding."""
    module = tmp_path / "m"
    module.mkdir()
    (module / "main.tf").write_text(PROSE_AND_STATIC)
    result = run([module], Config(profile="ephemeral", select=["TF010"]), fix=True)
    assert result.errors == []
    [fixed] = result.fixed
    assert fixed.message.startswith("resource.aws_iam_policy.p:")
    final = next(f.final for f in result.changed_files if f.path.name == "main.tf")
    assert final.count("123456789012") == PROSE_AND_STATIC.count("123456789012") - 1
    assert "sqs:us-east-1:${data.aws_caller_identity.current.account_id}:jobs" in final


ELB_AND_DEFAULTS = """\
variable "trusted_account" {
  type    = string
  default = "arn:aws:iam::210987654321:root"
}

variable "example_account_id" {
  type    = string
  default = "123456789012"
}

resource "aws_s3_bucket_policy" "alb_logs" {
  bucket = "alb-logs"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::797873946194:root" }
      Action    = "s3:PutObject"
      Resource  = "arn:aws:s3:::alb-logs/*"
    }]
  })
}
"""


@pytest.mark.parametrize(
    ("profile", "applicability"), [("ephemeral", "safe"), ("default", "unsafe")]
)
def test_load_balancer_log_account_becomes_the_provider_answer(
    tmp_path: Path, profile, applicability
):
    module = tmp_path / "m"
    module.mkdir()
    (module / "main.tf").write_text(ELB_AND_DEFAULTS)
    config = Config(profile=profile, select=["TF010"], unsafe_fixes=True)
    found = {f.message.split(":")[0]: f for f in run([module], config, fix=False).findings}
    elb = found["resource.aws_s3_bucket_policy.alb_logs"]
    assert "log-delivery account in us-west-2" in elb.message
    assert elb.fix.applicability.value == applicability
    default = found[
        "variable 'trusted_account' defaults to hard-coded AWS account id 210987654321; a default cannot read data.aws_caller_identity"
    ]
    assert default.fix is None
    assert len(found) == 2  # the placeholder default documents, it is no finding
    result = fix_and_write(module, config)
    text = (module / "main.tf").read_text()
    assert "Principal = { AWS = data.aws_elb_service_account.main.arn }" in text
    assert 'default = "arn:aws:iam::210987654321:root"' in text
    assert 'data "aws_elb_service_account" "main" {}' in "".join(
        f.final for f in result.changed_files
    )
    assert_parse_and_fmt_clean([f.path for f in result.changed_files])
    assert run([module], config, fix=True).changed_files == []


ESCAPED_CONDITION = """\
data "aws_iam_policy_document" "p" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = ["%s"]
    }
  }
}
"""


@pytest.mark.parametrize(
    "spelled", ["123456789012", "".join(f"\\u{ord(c):04x}" for c in "123456789012")]
)
def test_an_id_spelled_with_escapes_is_found_as_one_in_digits(tmp_path: Path, spelled: str):
    """Files without twelve digits in a row are passed over, unless escapes may spell them."""
    module = tmp_path / "m"
    module.mkdir()
    (module / "main.tf").write_text(ESCAPED_CONDITION % spelled)
    result = run([module], Config(select=["TF010"]), fix=False)
    assert [f.message for f in result.findings] == [
        "data.aws_iam_policy_document.p: hard-coded AWS account id 123456789012 (a placeholder)"
    ]


@pytest.mark.parametrize(
    "text",
    [
        'account = "123456789012"\n',
        'account = "12345678901"\n',  # eleven: no id
        "a = 12345678901 + 123456789012\n",
        "id = 1234567890 1234567890\n",  # two runs, neither long enough
        "ends = 000000000000",  # zeros at the very end
        "split = 000000 000000\n",
        'arabic = "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0661\u0662"\n',
        "",
    ],
)
def test_a_file_is_read_for_ids_exactly_when_it_holds_twelve_digits_in_a_row(text: str):
    from terrafix.transforms.iam._accounts import ACCOUNT, _may_spell_an_id

    assert _may_spell_an_id(text) == (ACCOUNT.search(text) is not None)
