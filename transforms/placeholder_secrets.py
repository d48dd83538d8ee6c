"""TF015 placeholder-secrets: passwords and tokens written in the code become generated ones."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from terrafix.data.advice import (
    DATABASE_PASSWORDS,
    DATABASE_SPECIALS,
    NOT_A_CREDENTIAL,
    SECRET_KEY,
    PasswordArgument,
    is_placeholder,
)
from terrafix.data.providers import provider_source
from terrafix.engine.changeset import Changeset
from terrafix.engine.findings import Applicability, Finding, Fix
from terrafix.engine.locate import span_of
from terrafix.engine.rules import Rule, RuleContext
from terrafix.model import Module
from terrafix.model.module import Symbol, literal_string
from terrafix.model.references import traversal_parts
from terrafix.syntax import nodes as n
from terrafix.writer import (
    BlockSpec,
    Expr,
    Style,
    insert_block_before,
    parse_expression,
    remove_attribute,
)
from terrafix.writer.align import realign_body
from terrafix.writer.body import body_indent
from terrafix.writer.build import build_attribute
from terrafix.writer.objects import object_key
from terrafix.writer.tree import replace_first_leaf

from .destroyability._guards import literal_value, variable_name

# Where secrets are stored: resource type → the arguments holding the secret value.
SECRET_ARGUMENTS: dict[str, tuple[str, ...]] = {
    "aws_secretsmanager_secret_version": ("secret_string",),
    "aws_ssm_parameter": ("value",),
}
PASSWORD_LENGTH = 32
# An end-of-line comment about the literal a fix replaces ("# placeholder - change me").
STALE_COMMENT = re.compile(
    r"placeholder|replace|change|todo|fixme|secure|secret|rotate|production|"
    r"hard-?coded|dummy|example",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Site:
    """A literal secret: the resource, the argument, the JSON key (if any) and the string node."""

    symbol: Symbol
    address: str
    argument: str
    key: str | None
    holder: n.Attribute | n.ObjectItem  # what holds the literal: its comment may go with it
    value: str

    @property
    def node(self) -> n.Expression:
        return self.holder.value

    @property
    def where(self) -> str:
        return f"{self.argument}[{self.key!r}]" if self.key else self.argument


class PlaceholderSecrets(Rule):
    code = "TF015"
    slug = "placeholder-secrets"
    summary = "Generate passwords and tokens that the code writes as literals or placeholders."
    applicability = Applicability.UNSAFE
    explanation = """\
## What it does
- A placeholder in a secret (`"REPLACE_WITH_ACTUAL_TOKEN"`, `"changeme"`, `"password123"`,
  `"your-api-key-here"`, `"TODO"`…) in `aws_secretsmanager_secret_version.secret_string` or in
  the `value` of a `SecureString` `aws_ssm_parameter`, whole or as a credential's value inside
  `jsonencode({...})` (keys such as `password`, `token`, `api_key`), becomes the `result` of a new
  `random_password` resource written just above it.
- A database master password written as a literal (`password` on `aws_db_instance`,
  `master_password` on `aws_rds_cluster`, `aws_docdb_cluster`, `aws_redshift_cluster`…) is
  removed in favour of `manage_master_user_password = true` where the resource supports it
  (`aws_db_instance`, `aws_rds_cluster`): RDS then generates the password and keeps it in
  Secrets Manager. Elsewhere, or when the same literal also sits in a secret of the module, or
  the module reads the password attribute, it becomes a `random_password` shared by all of them.
- `random` is added to `required_providers` when the module does not list it.
- A variable whose default is a database password (any literal) or a placeholder secret
  (`variable "db_password" { default = "ChangeMe123!" }`) is reported without a fix: a
  variable is an input, and whether to drop the default or generate the value is the
  author's choice.

A secret whose `lifecycle { ignore_changes }` names the value is left alone: its value is set
outside Terraform on purpose.

## Why
A placeholder fails every authentication it is meant for, and a literal password is known to
everyone who can read the code or the state. Generated passwords are unique per deployment.

## Example
Before:
```hcl
resource "aws_ssm_parameter" "auth_token" {
  value = "REPLACE_WITH_ACTUAL_TOKEN"
}
```
After:
```hcl
resource "random_password" "auth_token" {
  length  = 32
  special = true
}

resource "aws_ssm_parameter" "auth_token" {
  value = random_password.auth_token.result
}
```

## Fix safety
Unsafe (applied with `--unsafe-fixes`): on a deployed stack the next apply changes the
credential. A database gets a new master password (or hands it to Secrets Manager), and every
client still using the old one is locked out until it reads the new one; a token that a third
party issued (an API key) is replaced by a random string that the third party does not know,
so it must be set from a variable instead. Review each change before applying it.
"""

    def check(self, context: RuleContext) -> Iterable[Finding]:
        module = context.module
        databases = list(database_sites(module))
        stored = list(secret_sites(module))
        # A secret holding the same literal as a database shares its random password; not with
        # a counted database, whose instances each get their own.
        linked: dict[int, list[Site]] = {
            id(db.node): []
            if _repetition(db.symbol.node)[1]
            else [s for s in stored if s.value == db.value and _credential(s)]
            for db in databases
        }
        taken = {id(s.node) for sites in linked.values() for s in sites}
        for db in databases:
            yield self._database_finding(module, db, linked[id(db.node)])
        by_resource: dict[str, list[Site]] = {}
        for site in stored:
            if id(site.node) in taken or not is_placeholder(site.value):
                continue
            if not _credential(site):
                continue
            by_resource.setdefault(site.address, []).append(site)
        for sites in by_resource.values():
            yield self._secret_finding(module, sites)
        yield from self._variable_defaults(module)

    # ---------------------------------------------------------------- findings

    def _database_finding(self, module: Module, db: Site, linked: list[Site]) -> Finding:
        spec = DATABASE_PASSWORDS[db.address.split(".", 1)[0]]
        changes = Changeset(module)
        managed = spec.managed is not None and not linked and _can_manage(module, db)
        kind = "a placeholder" if is_placeholder(db.value) else "a literal"
        if managed:
            _manage_password(changes, db, spec)
            how = f"let RDS generate it and keep it in Secrets Manager ({spec.managed} = true)"
            description = f"set {spec.managed} = true and drop the literal {spec.argument}"
        else:
            (password,) = unused_names(module, [_password_name(db, database=True)])
            _add_random_passwords(changes, [(password, db, [db, *linked])], database=True)
            shared = f" (also in {', '.join(s.address for s in linked)})" if linked else ""
            how = f"generate it with random_password.{password}{shared}"
            description = f"generate the password with random_password.{password}"
        return self._finding(
            module,
            db,
            f"{db.address}.{db.argument} is {kind} written in the code: everyone who reads the "
            f"code or the state knows the database password; {how}",
            f"{self.code}:{module.directory}:{db.address}.{db.argument}",
            Fix(description, Applicability.UNSAFE, changes.base(), changes.changes()),
        )

    def _secret_finding(self, module: Module, sites: list[Site]) -> Finding:
        changes = Changeset(module)
        names = unused_names(module, [_password_name(s, database=False) for s in sites])
        plans = [(name, site, [site]) for name, site in zip(names, sites, strict=True)]
        _add_random_passwords(changes, plans, database=False)
        first = sites[0]
        values = ", ".join(f'{s.where} = "{s.value}"' for s in sites)
        generated = ", ".join(f"random_password.{name}" for name in names)
        return self._finding(
            module,
            first,
            f"{first.address} stores a placeholder ({values}): it fails every authentication "
            f"it is meant for; generate it with {generated}",
            f"{self.code}:{module.directory}:{first.address}." + ",".join(s.where for s in sites),
            Fix(
                f"generate {values} with {generated}",
                Applicability.UNSAFE,
                changes.base(),
                changes.changes(),
            ),
        )

    def _variable_defaults(self, module: Module) -> Iterator[Finding]:
        """Report variables whose default is the password: a literal in all but name."""
        for name, (addresses, database) in sorted(_secret_variables(module).items()):
            variable = module.variables.get(name)
            default = variable.node.body.attribute("default") if variable else None
            value = literal_string(default.value) if default else None
            if not value or not (database or is_placeholder(value)):
                continue
            kind = f'the placeholder "{value}"' if is_placeholder(value) else "a literal"
            start, _ = span_of(module.files[variable.path].tree, default.name)
            _, end = span_of(module.files[variable.path].tree, default.value)
            yield Finding(
                self.code,
                self.slug,
                f"variable {name!r} has {kind} as its default and is the secret of "
                f"{', '.join(addresses)}: every deployment that does not set it uses a value "
                "written in the code; remove the default (Terraform then asks for it) or "
                "generate the value with random_password",
                variable.path,
                start,
                end,
                key=f"{self.code}:{module.directory}:var.{name}",
                severity="warning",
            )

    def _finding(self, module: Module, site: Site, message: str, key: str, fix: Fix) -> Finding:
        start, end = span_of(module.files[site.symbol.path].tree, site.node)
        return Finding(
            self.code,
            self.slug,
            message,
            site.symbol.path,
            start,
            end,
            key=key,
            severity="error",
            fix=fix,
        )


# ---------------------------------------------------------------- finding the literals


def database_sites(module: Module) -> Iterator[Site]:
    for (type_, name), symbol in sorted(module.resources.items()):
        spec = DATABASE_PASSWORDS.get(type_)
        if spec is None:
            continue
        attribute = symbol.node.body.attribute(spec.argument)
        if attribute is None or _ignored(symbol.node, spec.argument):
            continue
        value = literal_string(attribute.value)
        if value:
            yield Site(symbol, f"{type_}.{name}", spec.argument, None, attribute, value)


def secret_sites(module: Module) -> Iterator[Site]:
    """Every literal string a secret stores: the whole value, or the values inside jsonencode."""
    for (type_, name), symbol in sorted(module.resources.items()):
        for argument in SECRET_ARGUMENTS.get(type_, ()):
            block = symbol.node
            if type_ == "aws_ssm_parameter" and not _is_secure_string(block):
                continue
            attribute = block.body.attribute(argument)
            if attribute is None or _ignored(block, argument):
                continue
            address = f"{type_}.{name}"
            value = attribute.value
            text = literal_string(value)
            if text:
                yield Site(symbol, address, argument, None, attribute, text)
            elif type(value) is n.FunctionCall and value.function_name == "jsonencode":
                for node in value.walk():
                    if type(node) is not n.ObjectItem:
                        continue
                    key, text = object_key(node), literal_string(node.value)
                    if key and text:
                        yield Site(symbol, address, argument, key, node, text)


def _credential(site: Site) -> bool:
    """Whether a stored value is a credential: by its JSON key, else by the secret's name."""
    if site.key is not None:
        return bool(SECRET_KEY.search(site.key))
    return not NOT_A_CREDENTIAL.search(site.address)


def _secret_variables(module: Module) -> dict[str, tuple[list[str], bool]]:
    """Variables that are a secret argument's whole value: the arguments, and whether one of
    them is a database password."""
    found: dict[str, tuple[list[str], bool]] = {}
    for (type_, name), symbol in sorted(module.resources.items()):
        spec = DATABASE_PASSWORDS.get(type_)
        arguments = [spec.argument] if spec else []
        if type_ != "aws_ssm_parameter" or _is_secure_string(symbol.node):
            arguments.extend(SECRET_ARGUMENTS.get(type_, ()))
        for argument in arguments:
            attribute = symbol.node.body.attribute(argument)
            variable = variable_name(attribute.value) if attribute else None
            if variable is None:
                continue
            addresses, database = found.get(variable, ([], False))
            addresses.append(f"{type_}.{name}.{argument}")
            found[variable] = (
                addresses,
                database or (spec is not None and argument == spec.argument),
            )
    return found


def _is_secure_string(block: n.Block) -> bool:
    attribute = block.body.attribute("type")
    return attribute is not None and literal_string(attribute.value) == "SecureString"


def _ignored(block: n.Block, argument: str) -> bool:
    """Whether the resource's lifecycle tells Terraform to leave ``argument`` alone."""
    for lifecycle in block.body.blocks("lifecycle"):
        attribute = lifecycle.body.attribute("ignore_changes")
        if attribute is None:
            continue
        value = attribute.value
        if type(value) is n.Variable and value.identifier == "all":
            return True
        if type(value) is n.Tuple:
            for item in value.items:
                parts = traversal_parts(item.value)
                if parts and parts[0] == argument:
                    return True
                if literal_string(item.value) == argument:
                    return True
    return False


def _can_manage(module: Module, db: Site) -> bool:
    """RDS can own the password unless the module reads it or the database copies another."""
    type_, name = db.address.split(".", 1)
    if not module.complete or module.references_to(type_, name, db.argument):
        return False  # text that does not parse may read it
    body = db.symbol.node.body
    copies = ("replicate_source_db", "replication_source_identifier", "global_cluster_identifier")
    managed = DATABASE_PASSWORDS[type_].managed
    switch = body.attribute(managed) if managed else None
    if switch is not None and literal_value(switch.value) is not True:
        return False  # the author turned it off (or computes it): keep their choice
    return db.symbol.node.open_newline is not None and not any(body.attribute(a) for a in copies)


# ---------------------------------------------------------------- fixing


def _manage_password(changes: Changeset, db: Site, spec: PasswordArgument) -> None:
    """Put ``managed = true`` where the literal password was (its end-of-line comment goes)."""
    document = changes.document(db.symbol.path)
    block = db.symbol.node
    elements = list(block.body.elements)
    index = next(
        i for i, e in enumerate(elements) if type(e) is n.Attribute and e.name.text == spec.argument
    )
    if block.body.attribute(spec.managed) is not None:  # already on: the password only conflicts
        document.replace(block, remove_attribute(block, spec.argument))
        return
    style = document.style
    indent = body_indent(block, block.body, style)
    elements[index] = build_attribute(spec.managed, True, indent, style.unit, style.newline)
    body = realign_body(block.body.with_changes(elements=tuple(elements)), {index})
    document.replace(block, block.with_changes(body=body))


def _add_random_passwords(
    changes: Changeset, plans: list[tuple[str, Site, list[Site]]], *, database: bool
) -> None:
    """For each (name, anchor, sites): write ``random_password.name`` above the anchor's
    resource, then point the sites at its result (blocks first: an edit inside a resource
    replaces the resource node that later insertions are anchored on)."""
    items: list[tuple[str, object]] = [("length", PASSWORD_LENGTH), ("special", True)]
    if database:
        items.append(("override_special", DATABASE_SPECIALS))
    for name, anchor, _ in plans:
        meta, _ = _repetition(anchor.symbol.node)
        spec = BlockSpec("resource", ("random_password", name), (*meta, *items))
        document = changes.document(anchor.symbol.path)
        style: Style = document.style
        document.tree = document.tree.with_changes(
            body=insert_block_before(document.tree.body, anchor.symbol.node, spec, style)
        )
    for name, anchor, sites in plans:
        _, index = _repetition(anchor.symbol.node)
        reference = parse_expression(f"random_password.{name}{index}.result")
        for site in sites:
            changes.document(site.symbol.path).replace(
                site.holder, _pointed(site.holder, reference)
            )
    random = provider_source("random")
    if random is not None:
        changes.ensure_required_provider("random", random.source, random.version)


def _repetition(block: n.Block) -> tuple[list[tuple[str, object]], str]:
    """The resource's `count`/`for_each` for its random_password (one password per instance),
    and the index that picks an instance's password."""
    for argument, index in (("count", "[count.index]"), ("for_each", "[each.key]")):
        attribute = block.body.attribute(argument)
        if attribute is not None:
            return [(argument, Expr(attribute.value.render().strip()))], index
    return [], ""


def _pointed(holder: n.Attribute | n.ObjectItem, reference: n.Expression):
    """``holder`` with ``reference`` for its value, without a comment about the old literal."""
    pre = holder.value.first_leaf().pre
    value = replace_first_leaf(reference, lambda leaf: leaf.with_changes(pre=pre))
    if type(holder) is n.Attribute:
        newline = holder.newline
        if newline is not None and STALE_COMMENT.search(newline.pre):
            newline = newline.with_changes(pre="")
        return holder.with_changes(value=value, newline=newline)
    separators = tuple(
        leaf.with_changes(pre="") if leaf.type == "NL" and STALE_COMMENT.search(leaf.pre) else leaf
        for leaf in holder.separators
    )
    return holder.with_changes(value=value, separators=separators)


NAME_PART = re.compile(r"[^A-Za-z0-9_]+")


def _password_name(site: Site, *, database: bool) -> str:
    name = site.address.split(".", 1)[1]
    if database:
        return name if "password" in name else f"{name}_password"
    if site.key is None:
        return name
    key = NAME_PART.sub("_", site.key).strip("_").lower() or "secret"
    return name if name.endswith(key) else f"{name}_{key}"


def unused_names(module: Module, bases: list[str]) -> list[str]:
    """Names for new random_password resources: the bases, numbered where already taken."""
    used = {name for type_, name in module.resources if type_ == "random_password"}
    used |= {d[2] for d in module.damaged_declarations if d[:2] == ("resource", "random_password")}
    names = []
    for base in bases:
        name, number = base, 2
        while name in used:
            name, number = f"{base}_{number}", number + 1
        used.add(name)
        names.append(name)
    return names
