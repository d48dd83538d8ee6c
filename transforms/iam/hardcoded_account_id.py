"""TF010 hardcoded-account-id: account ids in ARNs and principals → aws_caller_identity."""

from __future__ import annotations

from collections.abc import Iterable

from terrafix.data.elb_accounts import ELB_LOG_ACCOUNTS
from terrafix.engine.changeset import Changeset
from terrafix.engine.findings import Applicability, Finding, Fix
from terrafix.engine.locate import span_of
from terrafix.engine.rules import Rule, RuleContext
from terrafix.model import Module
from terrafix.model.module import literal_string
from terrafix.syntax import nodes as n
from terrafix.writer import BlockSpec
from terrafix.writer.build import parse_expression

from ..aws_region_variable import REGION
from ._accounts import AccountSite, account_sites, rewritten

# Example ids that stand for "your account" in AWS's documentation and generated code. Ids like
# 111111111111 or 444455556666 usually stand for *another* account: those stay unsafe.
PLACEHOLDER_ACCOUNTS = frozenset({"123456789012", "111122223333", "012345678901", "000000000000"})


class HardcodedAccountId(Rule):
    code = "TF010"
    slug = "hardcoded-account-id"
    summary = "Replace hard-coded AWS account ids with data.aws_caller_identity.current.account_id."
    applicability = Applicability.SAFE
    explanation = """\
## What it does
Finds 12-digit AWS account ids written into ARNs (`arn:aws:kms:us-east-1:123456789012:key/x`),
principals (`principal = "123456789012"`, `Principal = { AWS = "arn:aws:iam::...:root" }`,
`principals { identifiers = [...] }`), `source_account` and `aws:SourceAccount` conditions,
and replaces them with `data.aws_caller_identity.current.account_id`, declaring
`data "aws_caller_identity" "current" {}` once per module (in its data file, `data.tf`, or
beside its other data sources) unless the module already has one, whose name it then uses.
In an ARN it rewrites, the region the module deploys to becomes `${var.aws_region}` (when that
variable defaults to it) or `${data.aws_region.current.name}` (when the provider sets it).
Variables, providers (`allowed_account_ids`, `assume_role`) and `terraform` blocks (backends
cannot reference data sources) are left alone; so are ids in prose (a `description`, an
`error_message`, comments: they document an account) and in every other place Terraform reads
without evaluating, such as a module's `source` (see `terrafix.model.static_contexts`).

## Why
A hard-coded account id deploys into one account only: in any other account the ARN names
nothing, or grants access to a stranger's account.

## Example
Before:
```hcl
resource "aws_lambda_layer_version_permission" "common" {
  principal = "123456789012"
}
```
After:
```hcl
resource "aws_lambda_layer_version_permission" "common" {
  principal = data.aws_caller_identity.current.account_id
}

data "aws_caller_identity" "current" {}
```

## Fix safety
Safe for the account the provider's `allowed_account_ids` names. Documentation placeholders
(`123456789012`, `111122223333`, ...) name no real account: the fix is safe in the `ephemeral`
profile and unsafe elsewhere, since which account was meant is a guess. Other ids may belong to another account on purpose
(cross-account access): unsafe. Display-only for Lambda layer ARNs (layers are published by
other accounts, such as AWS's own) and for other accounts' principals. Elastic Load Balancing's
log-delivery account for a region (`arn:aws:iam::127311923021:root` in us-east-1) becomes
`data.aws_elb_service_account.main.arn`, which the provider answers for its region: safe in the
`ephemeral` profile, unsafe elsewhere (it differs from the literal when the stack deploys to
another region, where the literal was wrong). An id in a variable's `default` is reported with
the variable's name and not fixed: a default cannot read a data source.
"""

    def check(self, context: RuleContext) -> Iterable[Finding]:
        module = context.module
        own = _own_accounts(module)
        defaults: dict[str, list[AccountSite]] = {}
        for site in account_sites(module):
            if site.block.block_type == "variable":
                if not set(site.accounts) <= PLACEHOLDER_ACCOUNTS | own:
                    defaults.setdefault(site.block.label_values[0], []).append(site)
                continue
            yield self._finding(module, site, own, context.ephemeral)
        for sites in defaults.values():
            yield self._default_finding(module, sites)

    def _default_finding(self, module: Module, sites: list[AccountSite]) -> Finding:
        """A variable's default cannot reference a data source: its ids are reported, once."""
        site = sites[0]
        name = site.block.label_values[0]
        ids = ", ".join(sorted({a for s in sites for a in s.accounts}))
        message = (
            f"variable {name!r} defaults to hard-coded AWS account id {ids}; a default cannot "
            "read data.aws_caller_identity: pass the value in, or derive it where "
            f"var.{name} is used"
        )
        return self._reported(module, site, message, None)

    def _finding(
        self, module: Module, site: AccountSite, own: set[str], ephemeral: bool
    ) -> Finding:
        address = ".".join((site.block.block_type, *site.block.label_values))
        ids = ", ".join(site.accounts)
        elb = _elb_region(site)
        if elb is not None:
            message = (
                f"{address}: hard-coded AWS account id {ids}, Elastic Load Balancing's "
                f"log-delivery account in {elb}; data.aws_elb_service_account knows it for "
                "the provider's region"
            )
            return self._reported(module, site, message, _elb_fix(module, site, ephemeral))
        applicability, why = _applicability(site, own, ephemeral)
        fix = None
        if applicability is not Applicability.DISPLAY_ONLY:
            fix = _fix(module, site, applicability)
        message = f"{address}: hard-coded AWS account id {ids}"
        if why:
            message += f" ({why})"
        return self._reported(module, site, message, fix)

    def _reported(
        self, module: Module, site: AccountSite, message: str, fix: Fix | None
    ) -> Finding:
        tree = module.files[site.path].tree
        start, end = span_of(tree, site.node)
        address = ".".join((site.block.block_type, *site.block.label_values))
        return Finding(
            self.code,
            self.slug,
            message,
            site.path,
            start,
            end,
            key=f"{self.code}:{module.directory}:{site.path.name}:{address}:{site.node.render().strip()}",
            severity="warning",
            fix=fix,
        )


def _elb_region(site: AccountSite) -> str | None:
    """The region whose load balancers log as the principal ``site`` names, when the literal
    is exactly that account's root principal."""
    if site.whole or len(site.accounts) != 1:
        return None
    text = literal_string(site.node) if type(site.node) is n.TemplateString else None
    account = site.accounts[0]
    if text != f"arn:aws:iam::{account}:root":
        return None
    return ELB_LOG_ACCOUNTS.get(account)


def _elb_fix(module: Module, site: AccountSite, ephemeral: bool) -> Fix:
    """The principal becomes the provider's own answer for its region. It differs from the
    literal only when the stack deploys to another region than the one written, where the
    literal was wrong: safe for throwaway stacks, a choice to review elsewhere."""
    name = next((n_ for t, n_ in module.data_sources if t == "aws_elb_service_account"), "main")
    reference = f"data.aws_elb_service_account.{name}.arn"
    changes = Changeset(module)
    changes.replace_expression(site.path, site.node, parse_expression(reference))
    spec = BlockSpec("data", ("aws_elb_service_account", name), ())
    if changes.ensure_data_source("aws_elb_service_account", name, spec):
        _close_empty_block(changes, spec)
    safety = Applicability.SAFE if ephemeral else Applicability.UNSAFE
    return Fix(f"use {reference}", safety, changes.base(), changes.changes())


def _own_accounts(module: Module) -> set[str]:
    """Accounts the providers' ``allowed_account_ids`` name: the module's own."""
    out: set[str] = set()
    for symbol in module.providers.values():
        allowed = symbol.node.body.attribute("allowed_account_ids")
        if allowed is not None and type(allowed.value) is n.Tuple:
            out.update(filter(None, (literal_string(i.value) for i in allowed.value.items)))
    return out


def _applicability(site: AccountSite, own: set[str], ephemeral: bool) -> tuple[Applicability, str]:
    if all(a in own for a in site.accounts):
        return Applicability.SAFE, ""
    foreign = [a for a in site.accounts if a not in PLACEHOLDER_ACCOUNTS and a not in own]
    if not foreign:
        # A placeholder names no real account: the ARN works nowhere as written. Pointing it at
        # the deploying account is what a throwaway stack wants; elsewhere it is a guess about
        # which account was meant.
        return (Applicability.SAFE, "") if ephemeral else (Applicability.UNSAFE, "a placeholder")
    if any(":layer:" in arn for arn in site.arns):
        return Applicability.DISPLAY_ONLY, "a Lambda layer published by another account"
    principal = site.whole or any(":iam::" in arn and ":root" in arn for arn in site.arns)
    if principal:
        return (
            Applicability.DISPLAY_ONLY,
            "another account's principal? for this account use "
            "data.aws_caller_identity.current.account_id, for load balancer logs "
            "data.aws_elb_service_account",
        )
    return Applicability.UNSAFE, "may be another account on purpose"


def _caller_identity(module: Module) -> str:
    for type_, name in module.data_sources:
        if type_ == "aws_caller_identity":
            return name
    return "current"


def _region_swap(module: Module) -> tuple[str, str] | None:
    """(region literal, expression) for the region the module deploys to, as it names it:
    ``var.aws_region`` when that defaults to a region, else ``data.aws_region`` when the
    provider's region is a literal."""
    symbol = module.variables.get("aws_region")
    default = symbol.node.body.attribute("default") if symbol else None
    value = literal_string(default.value) if default else None
    if value and REGION.match(value):
        return value, "var.aws_region"
    provider = module.providers.get(("aws", None))
    region = provider.node.body.attribute("region") if provider else None
    value = literal_string(region.value) if region else None
    names = [name for type_, name in module.data_sources if type_ == "aws_region"]
    if value and REGION.match(value) and names:
        used = module.references_to("data", "aws_region", names[0])
        attribute = next((r.traversal.parts[3] for r in used if len(r.traversal.parts) > 3), "name")
        return value, f"data.aws_region.{names[0]}.{attribute}"
    return None


def _fix(module: Module, site: AccountSite, applicability: Applicability) -> Fix:
    name = _caller_identity(module)
    account = f"data.aws_caller_identity.{name}.account_id"
    changes = Changeset(module)
    if site.whole:
        new = parse_expression(account)
    else:
        new = parse_expression(rewritten(site.node, account, _region_swap(module)))
    changes.replace_expression(site.path, site.node, new)
    spec = BlockSpec("data", ("aws_caller_identity", name), ())
    if changes.ensure_data_source("aws_caller_identity", name, spec):
        _close_empty_block(changes, spec)
    return Fix(
        f"use {account}",
        applicability,
        changes.base(),
        changes.changes(),
    )


def _close_empty_block(changes: Changeset, spec: BlockSpec) -> None:
    """Write the new empty data block as ``{}`` on one line, as the seeds and fmt users do."""
    for document in changes.documents.values():
        for element in document.tree.body.elements:
            if (
                type(element) is n.Block
                and element.block_type == spec.type
                and element.label_values == spec.labels
                and not element.body.elements
                and element.open_newline is not None
            ):
                closed = element.with_changes(
                    open_newline=None, close=element.close.with_changes(pre="")
                )
                document.replace(element, closed)
                return
