"""What a module declares, for resolving references, and Terraform's words for what is wrong.

The messages follow Terraform's own (`configs` and `lang` packages of Terraform 1.11), so a
report reads the same as `terraform validate` would print it.
"""

from __future__ import annotations

# Roots of references that name no declaration of the module.
BUILTIN_ROOTS = frozenset(
    {"self", "count", "each", "path", "terraform", "true", "false", "null", "run", "resource"}
)


class Declarations:
    """What a module declares, from ``(block type, labels...)`` and ``("local", name)`` keys."""

    def __init__(self, declarations: set[tuple]) -> None:
        self.variables = {k[1] for k in declarations if k[0] == "variable"}
        self.locals = {k[1] for k in declarations if k[0] == "local"}
        self.modules = {k[1] for k in declarations if k[0] == "module"}
        self.resources = {k[1:] for k in declarations if k[0] == "resource"}
        self.data = {k[1:] for k in declarations if k[0] == "data"}
        self.ephemeral = {k[1:] for k in declarations if k[0] == "ephemeral"}
        # The first two names of a reference that resolves: `var.x`, `local.x`, `module.x`,
        # `aws_s3_bucket.b`.
        self.resolved = (
            {("var", name) for name in self.variables}
            | {("local", name) for name in self.locals}
            | {("module", name) for name in self.modules}
            | self.resources
        )

    def missing(self, parts: tuple[str, ...]) -> tuple[str, str] | None:
        root = parts[0]
        if root in BUILTIN_ROOTS:
            return None
        if root == "var" and len(parts) > 1 and parts[1] not in self.variables:
            return (
                "Reference to undeclared input variable",
                f'An input variable with the name "{parts[1]}" has not been declared. This '
                f'variable can be declared with a variable "{parts[1]}" {{}} block.',
            )
        if root == "local" and len(parts) > 1 and parts[1] not in self.locals:
            return (
                "Reference to undeclared local value",
                f'A local value with the name "{parts[1]}" has not been declared.',
            )
        if root == "module" and len(parts) > 1 and parts[1] not in self.modules:
            return (
                "Reference to undeclared module",
                f'No module call named "{parts[1]}" is declared in this module.',
            )
        if root in ("data", "ephemeral") and len(parts) > 2:
            known = self.data if root == "data" else self.ephemeral
            if parts[1:3] not in known:
                kind = "A data resource" if root == "data" else "An ephemeral resource"
                return (
                    "Reference to undeclared resource",
                    f'{kind} "{parts[1]}" "{parts[2]}" has not been declared in this module.',
                )
            return None
        if root in ("var", "local", "module", "data", "ephemeral") or len(parts) < 2:
            return None
        if "_" not in root:
            # Resource types are `<provider>_<type>`: a root without one is an iterator
            # (`[for s in ... : s.id]`), which is cheaper left alone than resolved.
            return None
        if parts[:2] not in self.resources:
            return (
                "Reference to undeclared resource",
                f'A managed resource "{parts[0]}" "{parts[1]}" has not been declared in this '
                "module.",
            )
        return None


def duplicate_message(key: tuple, where: str) -> tuple[str, str]:
    """(summary, detail) for a second declaration of ``key``; ``where`` names the first."""
    kind, name = key[0], key[1]
    if kind == "variable":
        return "Duplicate variable declaration", (
            f'A variable named "{name}" was already declared at {where}. Variable names must '
            "be unique within a module."
        )
    if kind == "local":
        return "Duplicate local value definition", (
            f'A local value named "{name}" was already defined at {where}. Local value names '
            "must be unique within a module."
        )
    if kind == "output":
        return "Duplicate output definition", (
            f'An output named "{name}" was already defined at {where}. Output names must be '
            "unique within a module."
        )
    if kind == "module":
        return "Duplicate module call", (
            f'A module call named "{name}" was already defined at {where}. Module calls must '
            "have unique names within a module."
        )
    if kind == "provider":
        if key[2] is None:
            return "Duplicate provider configuration", (
                f'A default (non-aliased) provider configuration for "{name}" was already '
                f'given at {where}. If multiple configurations are required, set the "alias" '
                "argument for alternative configurations."
            )
        return "Duplicate provider configuration", (
            f'A provider configuration for "{name}" with alias "{key[2]}" was already given '
            f"at {where}. Each configuration for the same provider must have a distinct alias."
        )
    what = "resource" if kind == "resource" else "data resource"
    return f'Duplicate {kind} "{name}" configuration', (
        f'A {name} {what} named "{key[2]}" was already declared at {where}. Resource names '
        "must be unique per type in each module."
    )
