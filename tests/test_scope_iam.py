"""TF003 scope-iam-arns: seed fixtures as snapshots, the "*" that must stay, and the corpora."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corpus import GENERATED, REAL, needs_shared
from oracle import needs_oracle
from rulekit import (
    assert_parse_and_fmt_clean,
    assert_task_files_parse_and_clean_stay_clean,
    copy_fixture,
    copy_task,
    fix_and_write,
    flagged_tasks,
    state_report,
)
from terrafix.transforms.iam._policies import json_text, statements
from terrafix.transforms.iam.scope_iam_arns import ScopeIamArns

from terrafix.data.iam_resources import action_scope
from terrafix.engine.config import Config
from terrafix.engine.pipeline import run
from terrafix.model import Module, discover_modules
from terrafix.model.references import traversals
from terrafix.syntax import parse
from terrafix.syntax.values import expression_to_python
from terrafix.writer import parse_expression
from terrafix.writer.tuples import insert_tuple_item

FIXTURES = Path(__file__).parent / "fixtures" / "iam"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith("acct"))


@pytest.fixture(autouse=True)
def only_this_rule(monkeypatch):
    """Run TF003 alone, without importing every other transform of the package."""
    monkeypatch.setattr("terrafix.engine.pipeline.select_rules", lambda *_: [ScopeIamArns])


def _copy(tmp_path: Path, name: str) -> Path:
    return copy_fixture(FIXTURES, tmp_path, name)


def _fix(path: Path, *, unsafe: bool = True, profile: str = "default"):
    return fix_and_write(path, Config(select=["TF003"], unsafe_fixes=unsafe, profile=profile))


@pytest.mark.parametrize("case", CASES)
def test_fixture_snapshot(tmp_path: Path, case: str, snapshot):
    path = _copy(tmp_path, case)
    before = {p: p.read_text() for p in path.rglob("*.tf")}
    result = _fix(path)
    assert result.errors == []
    assert state_report(path, result, before, new_from_dev_null=False) == snapshot
    assert _fix(path).changed_files == []


@needs_oracle
@pytest.mark.parametrize("case", CASES)
def test_fixture_output_parses_and_is_fmt_clean(tmp_path: Path, case: str):
    path = _copy(tmp_path, case)
    changed = [f.path for f in _fix(path).changed_files]
    assert_parse_and_fmt_clean(changed)


def test_seed_secrets_default_scopes_only_what_is_certain(tmp_path: Path):
    """Nothing in the cut-down seed says which of the two secrets the task reads: the default
    profile never narrows on a guess, so only the one key is scoped."""
    path = _copy(tmp_path, "seed_secrets")
    result = _fix(path, unsafe=False)
    text = (path / "main.tf").read_text()
    assert "Resource = [aws_kms_key.rds.arn]" in text
    assert 'Resource = ["*"] # Access to ALL secrets!' in text
    assert {f.fix.applicability for f in result.fixed} == {"safe"}
    (left,) = result.findings
    assert left.fix is None
    assert "aws_secretsmanager_secret.rds_credentials.arn" in left.message
    assert "aws_secretsmanager_secret.app_secrets.arn" in left.message
    assert "nothing links aws_iam_role.ecs_task_execution" in left.message


def test_seed_secrets_ephemeral_names_both_secrets_as_an_unsafe_guess(tmp_path: Path):
    path = _copy(tmp_path, "seed_secrets")
    result = _fix(path, profile="ephemeral")
    text = (path / "main.tf").read_text()
    assert "aws_secretsmanager_secret.rds_credentials.arn" in text
    assert "aws_secretsmanager_secret.app_secrets.arn" in text
    assert "Resource = [aws_kms_key.rds.arn]" in text
    how = {f.message.split(" for ")[1].split(" ")[0]: f.fix.applicability for f in result.fixed}
    assert how == {"secretsmanager:GetSecretValue": "unsafe", "kms:Decrypt": "safe"}


def test_seed_secrets_wired_by_the_task_definition_are_scoped_safely(tmp_path: Path):
    """The seed's task definition reads both secrets: certain, so safe in the default profile;
    the third secret, which nothing gives the task, is left out."""
    path = _copy(tmp_path, "seed_secrets_wired")
    result = _fix(path, unsafe=False)
    text = (path / "main.tf").read_text()
    assert "aws_secretsmanager_secret.rds_credentials.arn,\n" in text
    assert "aws_secretsmanager_secret.app_secrets.arn\n" in text
    assert "aws_secretsmanager_secret.unrelated.arn" not in text
    assert "Resource = [aws_kms_key.rds.arn]" in text
    assert len(result.fixed) == 2 and result.findings == []
    assert {f.fix.applicability for f in result.fixed} == {"safe"}


def test_production_profile_makes_scoping_unsafe(tmp_path: Path):
    path = _copy(tmp_path, "seed_secrets")
    result = _fix(path, unsafe=False, profile="production")
    assert result.changed_files == []
    assert {f.fix.applicability for f in result.findings if f.fix} == {"unsafe"}


def _resource_of(path: Path, policy: str) -> list[str]:
    """The Resource sources of the policy ``policy`` in module ``path``, statement by statement."""
    module = Module.from_texts(path, {p: p.read_text() for p in path.glob("*.tf")})
    return [
        s.resource_value.render().strip()
        for s in statements(module)
        if s.address.endswith(f".{policy}") and s.attribute == "policy"
    ]


def _by_policy(result) -> dict[str, list[tuple[str, str]]]:
    """Each finding's policy block name → how its findings ended: (fixed or left, the fix's
    applicability or display-only)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for finding in result.fixed + result.findings:
        name = finding.message.split(" ")[0].split(".")[-1]
        state = "fixed" if finding in result.fixed else "left"
        how = finding.fix.applicability if finding.fix else "display-only"
        out.setdefault(name, []).append((state, how))
    return out


def test_service_written_resources_are_never_an_unrelated_principals(tmp_path: Path):
    """The trail's bucket and log group are for the trail (and its delivery role) only."""
    path = _copy(tmp_path, "trail_sinks")
    result = _fix(path, profile="ephemeral")
    assert _resource_of(path, "cloudtrail_cloudwatch") == [
        '"${aws_cloudwatch_log_group.cloudtrail.arn}:*"'
    ]
    assert _resource_of(path, "lambda_compliance") == ['"*"', '"*"']
    left = {f.message.split("statement ")[1][0]: f for f in result.findings}
    assert all(f.fix is None for f in left.values())
    assert "aws_s3_bucket.cloudtrail_logs is written by aws_cloudtrail.audit" in left["2"].message
    assert "aws_cloudwatch_log_group.cloudtrail is written by aws_cloudtrail.audit" in (
        left["1"].message
    )


def test_each_role_gets_the_log_group_its_own_service_writes(tmp_path: Path):
    path = _copy(tmp_path, "service_roles")
    result = _fix(path, unsafe=False)
    assert _resource_of(path, "lambda_execution") == [
        '"${aws_cloudwatch_log_group.lambda_telemetry.arn}:*"'
    ]
    assert _resource_of(path, "firehose") == ['"${aws_cloudwatch_log_group.firehose.arn}:*"']
    assert _resource_of(path, "step_functions") == [
        '"${aws_cloudwatch_log_group.step_functions.arn}:*"'
    ]
    assert _resource_of(path, "glue") == ['"*"']
    assert _by_policy(result) == {
        "lambda_execution": [("fixed", "safe")],
        "firehose": [("fixed", "safe")],
        "step_functions": [("fixed", "safe")],
        "glue": [("left", "display-only")],
    }


def test_flow_log_role_and_lambda_name_only_what_they_are_wired_to(tmp_path: Path):
    """Each role gets its own region's resources; rds:CreateDBSnapshot also needs the snapshot
    resource type, which the module cannot name, so it keeps "*" (split off: unsafe)."""
    path = _copy(tmp_path, "flow_log_regions")
    result = _fix(path, profile="ephemeral")
    text = (path / "main.tf").read_text()
    assert _resource_of(path, "flow_logs_policy") == [
        "[\n        aws_cloudwatch_log_group.primary_vpc_flow_logs.arn,\n"
        '        "${aws_cloudwatch_log_group.primary_vpc_flow_logs.arn}:*"\n      ]'
    ]
    assert _resource_of(path, "primary_lambda_policy") == ['"*"', "aws_db_instance.primary_rds.arn"]
    assert 'Action   = ["rds:CreateDBSnapshot"]' in text
    assert _by_policy(result) == {
        "flow_logs_policy": [("fixed", "safe")],
        # the split, then rds:CreateDBSnapshot still on "*"
        "primary_lambda_policy": [("fixed", "unsafe"), ("left", "display-only")],
    }


def test_functions_get_what_their_triggers_and_environment_wire_them_to(tmp_path: Path):
    """A policy document behind a managed policy and attachment, and an inline_policy: each
    function's queue (event source mapping), bucket (notification or environment variable), log
    group (naming it, or named after it) and keys (its queue's, and the one whose policy grants
    its role), safely, and never the other function's."""
    path = _copy(tmp_path, "lambda_wiring")
    result = _fix(path, unsafe=False)
    module = Module.from_texts(path, {p: p.read_text() for p in path.glob("*.tf")})
    named = {
        (s.address.split(".")[-1], s.index): s.resource_value.render().strip()
        for s in statements(module)
        if s.address in ("data.aws_iam_policy_document.ingest", "resource.aws_iam_role.report")
        if s.attribute != "assume_role_policy"
    }
    assert named == {
        ("ingest", 0): "[aws_sqs_queue.orders.arn]",
        ("ingest", 1): '["${aws_s3_bucket.uploads.arn}/*"]',
        ("ingest", 2): '["${aws_cloudwatch_log_group.ingest.arn}:*"]',
        ("ingest", 3): "[aws_kms_key.orders.arn, aws_kms_key.ingest.arn]",
        ("report", 0): "aws_sqs_queue.audit.arn",
        ("report", 1): '"${aws_s3_bucket.reports.arn}/*"',
        ("report", 2): '"${aws_cloudwatch_log_group.report.arn}:*"',
    }
    assert len(result.fixed) == 7 and result.findings == []
    assert {f.fix.applicability for f in result.fixed} == {"safe"}


def test_replica_actions_name_the_destination_and_reads_the_source(tmp_path: Path):
    """A statement whose actions need different buckets is left to be split by hand."""
    path = _copy(tmp_path, "replication")
    result = _fix(path, profile="ephemeral")
    assert _resource_of(path, "replication") == [
        "aws_s3_bucket.source.arn",
        '"${aws_s3_bucket.source.arn}/*"',
        '"${aws_s3_bucket.replica.arn}/*"',
        '"*"',
    ]
    (mixed,) = result.findings
    assert mixed.fix is None
    assert "its actions need different ones: split the statement by hand" in mixed.message


def test_instance_role_objects_are_its_own_buckets_not_log_destinations(tmp_path: Path):
    path = _copy(tmp_path, "ec2_app")
    result = _fix(path, unsafe=False)
    assert _resource_of(path, "ec2") == ['"${aws_s3_bucket.app_data.arn}/*"']
    assert [f.fix.applicability for f in result.fixed] == ["safe"]


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ("default", ("left", "display-only")),
        ("ephemeral", ("fixed", "unsafe")),
        ("production", ("left", "display-only")),
    ],
)
def test_a_guess_is_unsafe_when_ephemeral_and_never_applied_elsewhere(
    tmp_path: Path, profile: str, expected: tuple[str, str]
):
    path = _copy(tmp_path, "guess")
    result = _fix(path, profile=profile)
    assert _by_policy(result) == {"worker": [expected]}
    (finding,) = result.fixed + result.findings
    assert "aws_sqs_queue.orders" in finding.message
    assert "aws_sqs_queue.invoices" in finding.message
    assert "nothing links aws_iam_role.worker" in finding.message


def test_no_guess_from_what_is_left_once_another_roles_resources_are_set_aside(tmp_path: Path):
    """The orders queue feeds another role's function; that says nothing of which queue the
    worker reads, so invoices is not offered either."""
    path = _copy(tmp_path, "guess")
    (path / "consumer.tf").write_text(
        """resource "aws_iam_role" "consumer" {
  name = "consumer"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Action    = "sts:AssumeRole"
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_lambda_function" "consumer" {
  function_name = "consumer"
  role          = aws_iam_role.consumer.arn
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "consumer.zip"
}

resource "aws_lambda_event_source_mapping" "consumer" {
  event_source_arn = aws_sqs_queue.orders.arn
  function_name    = aws_lambda_function.consumer.arn
}
"""
    )
    result = _fix(path, profile="ephemeral")
    assert result.changed_files == []
    (finding,) = result.findings
    assert finding.fix is None
    assert "among aws_sqs_queue.orders.arn, aws_sqs_queue.invoices.arn" in finding.message


def test_certain_scoping_is_unsafe_in_production(tmp_path: Path):
    path = _copy(tmp_path, "service_roles")
    result = _fix(path, unsafe=False, profile="production")
    assert result.changed_files == []
    fixes = {f.fix.applicability for f in result.findings if f.fix}
    assert fixes == {"unsafe"}


def test_action_needs_every_required_resource_type_named():
    scope = action_scope("rds:CreateDBSnapshot")
    assert scope.required_types == {"db", "snapshot"}
    assert action_scope("s3:GetObject").required_types == frozenset()  # either object type


def _wildcard_statements(path: Path) -> dict[tuple[str, str], tuple[str, ...]]:
    out = {}
    for directory, files in discover_modules([path]).items():
        module = Module.from_texts(directory, {p: p.read_text() for p in files})
        for statement in statements(module):
            if statement.wildcard:
                out[(statement.address, statement.sid or str(statement.index))] = statement.actions
    return out


def test_required_wildcards_stay(tmp_path: Path):
    """VPC ENI actions, X-Ray, PutMetricData, KMS key policies, Deny and trust policies."""
    path = _copy(tmp_path, "mixed")
    _fix(path)
    left = _wildcard_statements(path)
    kept_actions = {a for actions in left.values() for a in actions or ()}
    assert {"ec2:CreateNetworkInterface", "xray:PutTraceSegments", "kms:*"} <= kept_actions
    assert "cloudwatch:PutMetricData" in kept_actions
    assert "s3:DeleteBucket" in kept_actions  # the Deny statement
    text = (path / "main.tf").read_text()
    assert 'Resource  = "*"' in text  # the key policy, untouched


def test_vpc_lambda_keeps_wildcard_and_splits(tmp_path: Path):
    path = _copy(tmp_path, "vpc_lambda")
    result = _fix(path, unsafe=False)
    text = (path / "main.tf").read_text()
    assert '"ec2:CreateNetworkInterface"' in text
    assert "${aws_cloudwatch_log_group.canary.arn}:*" in text
    assert result.fixed and all(f.fix.applicability == "safe" for f in result.fixed)


def test_no_fix_when_the_resource_depends_on_the_policy(tmp_path: Path):
    path = _copy(tmp_path, "cycle")
    result = _fix(path)
    assert result.changed_files == []
    assert [f.fix for f in result.findings] == [None]


def test_heredoc_json_is_edited_only_where_certain(tmp_path: Path):
    path = _copy(tmp_path, "heredoc")
    result = _fix(path)
    text = (path / "main.tf").read_text()
    assert '"Resource": ${jsonencode(aws_sqs_queue.jobs[*].arn)}' in text
    assert '"Resource": "${aws_kms_key.jobs.arn}"' in text
    assert '["*", "arn:aws:kms:us-east-1:${var.shared_account}:key/shared"]' in text
    (left,) = result.findings  # kms:Encrypt beside xray: a split, which a heredoc does not get
    assert left.fix is None and "kms:Encrypt" in left.message
    blocks = parse(text).body.blocks("resource")
    worker = next(b for b in blocks if b.label_values == ("aws_iam_policy", "worker"))
    # the heredoc is still a JSON document with its four statements
    assert len(json_text(worker.body.attribute("policy").value)["Statement"]) == 4


def test_action_scope_from_dataset():
    assert action_scope("secretsmanager:GetSecretValue").resource_types == ("secret",)
    assert action_scope("dynamodb:Query").resource_types == ("table", "index")
    assert action_scope("xray:PutTraceSegments").needs_wildcard
    assert action_scope("ec2:CreateNetworkInterface").needs_wildcard
    assert action_scope("kms:*").needs_wildcard  # kms:CreateKey has no resource
    assert not action_scope("nosuchservice:Thing").known


def test_a_full_action_name_is_matched_as_written_in_any_case_and_a_pattern_by_its_matches():
    assert action_scope("SecretsManager:getSECRETvalue").resource_types == ("secret",)
    assert not action_scope("secretsmanager:NoSuchAction").known
    assert action_scope("secretsmanager:GetSecret?alue").resource_types == ("secret",)
    assert action_scope("dynamodb:[QS]uery").resource_types == ("table", "index")
    assert not action_scope("iam:CreateServiceLinkedRole").names_own


@pytest.mark.parametrize(
    ("source", "index", "expected"),
    [
        ("[1, 2]", 1, "[1, 9, 2]"),
        ("[1, 2]", 2, "[1, 2, 9]"),
        ("[1, 2]", 0, "[9, 1, 2]"),
        ("[]", 0, "[9]"),
        ("[\n  1,\n  2\n]", 2, "[\n  1,\n  2,\n  9\n]"),
        ("[\n  1,\n  2,\n]", 1, "[\n  1,\n  9,\n  2,\n]"),
        ("[\n  # a\n  1\n]", 0, "[\n  9,\n  # a\n  1\n]"),
    ],
)
def test_insert_tuple_item(source: str, index: int, expected: str):
    tup = parse(f"x = {source}\n").body.elements[0].value
    assert insert_tuple_item(tup, index, parse_expression("9")).render() == " " + expected


# ---------------------------------------------------------------- corpora


def _modules(path: Path) -> list[Module]:
    return [
        Module.from_texts(directory, {p: p.read_text() for p in files})
        for directory, files in discover_modules([path]).items()
    ]


def _policy_shape_errors(modules: list[Module]) -> list[str]:
    """Statements whose projected values are not a valid IAM statement shape."""
    errors = []
    for module in modules:
        for statement in statements(module):
            if statement.form != "jsonencode":
                continue
            value = expression_to_python(statement.node)
            where = f"{statement.path.name}:{statement.address}#{statement.index}"
            if not isinstance(value, dict):
                errors.append(f"{where}: not an object")
                continue
            for key in ("Resource", "Action"):
                item = value.get(key)
                if item is None:
                    continue
                items = item if isinstance(item, list) else [item]
                if not items or not all(isinstance(i, str) for i in items):
                    errors.append(f"{where}: {key} is {json.dumps(item)}")
    return errors


def _scopable_on_wildcard(modules: list[Module]) -> int:
    count = 0
    for module in modules:
        for s in statements(module):
            if s.wildcard and s.actions and not s.is_resource_policy and s.effect == "Allow":
                count += sum(1 for a in s.actions if not action_scope(a).needs_wildcard)
    return count


def _iam_wildcard_tasks() -> list[str]:
    """Tasks index.csv flags with any IAM wildcard in model/ (the column counts them)."""
    return flagged_tasks("model_iam_wildcard")


# Who writes into what, read here from the HCL on its own (not from the rule's tables): a
# trail's bucket and log group, a flow log's destination.
DESTINATIONS = {
    "aws_cloudtrail": ("s3_bucket_name", "cloud_watch_logs_group_arn"),
    "aws_flow_log": ("log_destination", "log_group_name"),
}


def _refs(node) -> set[str]:
    return {".".join(t.parts[:2]) for t in traversals(node) if len(t.parts) >= 2}


def _destination_writers(module: Module) -> dict[str, set[str]]:
    """Each trail or flow-log destination → the roles its writers run as."""
    out: dict[str, set[str]] = {}
    for (type_, _), symbol in module.resources.items():
        body = symbol.node.body
        roles = {
            r for a in body.attributes() for r in _refs(a.value) if r.startswith("aws_iam_role.")
        }
        for key in DESTINATIONS.get(type_, ()):
            attribute = body.attribute(key)
            for target in _refs(attribute.value) if attribute else ():
                out.setdefault(target, set()).update(roles)
    return out


def _policy_roles(module: Module, block) -> set[str]:
    """Roles a policy block is attached to, for the plain forms generated code uses."""
    kind, name = block.label_values[:2] if len(block.label_values) == 2 else ("", "")
    if kind == "aws_iam_role":
        return {f"aws_iam_role.{name}"}
    if kind == "aws_iam_role_policy":
        return {
            r for r in _refs(block.body.attribute("role").value) if r.startswith("aws_iam_role.")
        }
    out: set[str] = set()
    for (type_, _), symbol in module.resources.items():
        body = symbol.node.body
        if type_ == "aws_iam_role_policy_attachment" and f"{kind}.{name}" in _refs(body):
            out |= {r for r in _refs(body.attribute("role").value) if r.startswith("aws_iam_role.")}
    return out


def _misnamed_destinations(module: Module, before: dict) -> list[str]:
    """Statements the fix scoped that name a trail or flow-log destination of a writer whose
    role is not the policy's."""
    writers = _destination_writers(module)
    out = []
    for s in statements(module):
        key = (s.path.name, s.address, s.attribute, s.index)
        if not before.get(key) or s.resource_value is None:
            continue
        for target in _refs(s.resource_value) & set(writers):
            if not writers[target] & _policy_roles(module, s.block):
                out.append(f"{s.address}#{s.index} names {target}")
    return out


@needs_shared
@needs_oracle
@pytest.mark.parametrize("profile", ["default", "ephemeral"])
def test_generated_tasks_with_iam_wildcards(tmp_path: Path, capsys, profile: str):
    tasks = _iam_wildcard_tasks()
    assert tasks
    before = after = fixed = 0
    changed: list[Path] = []
    misnamed: list[str] = []
    for name in tasks:
        work = copy_task(tmp_path, name)
        modules = _modules(work)
        before += _scopable_on_wildcard(modules)
        wildcards = {
            (s.path.name, s.address, s.attribute, s.index): s.wildcard
            for m in modules
            for s in statements(m)
        }
        result = _fix(work, profile=profile)
        assert all("does not parse" in e for e in result.errors), (name, result.errors)
        fixed += sum(1 for f in result.fixed if f.rule == "TF003")
        changed.extend(f.path for f in result.changed_files)
        assert _fix(work, profile=profile).changed_files == [], f"{name}: second run changed"
        if result.changed_files:
            modules = _modules(work)
        assert _policy_shape_errors(modules) == [], name
        after += _scopable_on_wildcard(modules)
        for module in modules:
            misnamed.extend(f"{name}: {m}" for m in _misnamed_destinations(module, wildcards))
    assert_task_files_parse_and_clean_stay_clean(changed, tmp_path)
    assert fixed > 0 and after < before
    assert misnamed == []
    with capsys.disabled():
        print(
            f"\nTF003 ({profile}) on {len(tasks)} generated tasks: {fixed} statements scoped, "
            f'scopable actions on "*" {before} -> {after}'
        )


def _task(tmp_path: Path, name: str) -> Path:
    if not (GENERATED / name / "model").is_dir():
        pytest.skip(f"generated task {name} is not in the shared corpus")
    return copy_task(tmp_path, name)


@needs_shared
def test_pr2712_each_region_keeps_to_its_flow_log_and_database(tmp_path: Path):
    """Two regions: each flow-log role writes its own region's log group, each backup Lambda
    describes the instance its environment names; CreateDBSnapshot also needs the snapshot
    resource type, so it keeps "*"."""
    work = _task(tmp_path, "Pr2712")
    _fix(work, profile="ephemeral")
    for region in ("primary", "secondary"):
        other = "secondary" if region == "primary" else "primary"
        policy = "flow_logs_policy" if region == "primary" else "secondary_flow_logs_policy"
        flow = _resource_of(work, policy)
        assert any(f"{region}_vpc_flow_logs" in r for r in flow)
        assert not any(f"{other}_vpc_flow_logs" in r for r in flow)
        backup = _resource_of(work, f"{region}_lambda_policy")
        assert f"aws_db_instance.{region}_rds.arn" in backup
        assert not any(f"{other}_rds" in r for r in backup)
    text = (work / "tap_stack.tf").read_text()
    assert text.count('Action   = ["rds:CreateDBSnapshot"]') == 2


@needs_shared
def test_pr7930_service_roles_get_their_own_log_group(tmp_path: Path):
    work = _task(tmp_path, "Pr7930")
    result = _fix(work, unsafe=False)
    logs = '"${aws_cloudwatch_log_group.%s.arn}:*"'
    assert _resource_of(work, "firehose")[2] == (
        "[\n          aws_cloudwatch_log_group.firehose.arn,\n          "
        + logs % "firehose"
        + "\n        ]"
    )
    assert "step_functions.arn" in _resource_of(work, "step_functions")[2]
    assert "lambda_telemetry" not in _resource_of(work, "step_functions")[2]
    assert _resource_of(work, "glue")[2] == '"*"'
    glue = next(f for f in result.findings if "aws_iam_role_policy.glue (" in f.message)
    assert glue.fix is None and "aws_cloudwatch_log_group.redis_slow" in glue.message


@needs_shared
def test_pr5942_compliance_lambda_never_gets_the_trail_bucket(tmp_path: Path):
    work = _task(tmp_path, "Pr5942")
    result = _fix(work, profile="ephemeral")
    assert "cloudtrail_logs" not in "".join(_resource_of(work, "lambda_compliance"))
    (s3,) = [f for f in result.findings if "s3:GetBucketPolicy" in f.message]
    assert s3.fix is None
    assert "aws_s3_bucket.cloudtrail_logs is written by aws_cloudtrail.audit" in s3.message


@needs_shared
def test_real_modules_keep_required_wildcards(tmp_path: Path):
    """Safe fixes on human-written modules change no policy whose "*" is required."""
    result = run(_directories_with(REAL, '"*"'), Config(select=["TF003"]), fix=True)
    assert result.changed_files == []
    assert result.errors == []


def _directories_with(root: Path, text: str) -> list[Path]:
    """Module directories under ``root`` whose files contain ``text`` (the rest cannot match)."""
    return sorted({p.parent for p in root.rglob("*.tf") if text in p.read_text(errors="replace")})


def test_suppression_comment_keeps_a_wildcard(tmp_path: Path):
    path = _copy(tmp_path, "seed_secrets")
    main = path / "main.tf"
    main.write_text(
        main.read_text().replace(
            "# Access to ALL secrets!", "# terrafix:ignore[TF003] reads secrets of other stacks"
        )
    )
    _fix(path)
    text = main.read_text()
    assert 'Resource = ["*"] # terrafix:ignore[TF003]' in text
    assert "Resource = [aws_kms_key.rds.arn]" in text
