"""Known facts behind the advice rules: placeholder secrets, database password arguments,
instance classes without Performance Insights, and arguments that must be written as blocks.

Sources: the AWS provider's resource documentation and the RDS/Aurora user guides' tables of
instance class support for Performance Insights (Database Insights).
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

# ---------------------------------------------------------------- placeholder secrets

# Values a code generator writes where a real secret belongs. Matched against the whole value,
# case-insensitively.
PLACEHOLDER_PATTERNS: tuple[str, ...] = (
    r"replace[-_ ]?(with|me|this).*",
    r"change[-_ ]?(me|it|this).*",
    r"update[-_ ]?me.*",
    r"(to[-_ ]?do|tbd|fixme)([-_ :].*)?",
    r".*place[-_ ]?holder.*",
    r"(your|insert|enter|put)[-_ ].*",
    r".*[-_ ]goes[-_ ]here",
    r".*[-_ ]here",
    r"(example|sample|dummy|fake)([-_ ].*)?",
    r"<[^>]*>",
    r"\$\{?[A-Z_]+\}?",
    r"x{3,}|\*{3,}|0{6,}",
    r"(super)?secret\d*!?",
    r"pass(word)?\d*!?",
    r"p@ss(w[o0]rd)?\d*!?",
    r"admin\d+!?",
    r"(12345\d*|qwerty\d*|letmein\d*)",
    r"(temp|default|initial)[-_ ]?pass(word)?.*",
)


# Keys of a JSON secret whose values are credentials (the others, such as a host name or a user
# name, are left alone even when they hold a placeholder).
SECRET_KEY = re.compile(
    r"(pass(word)?|passwd|pwd|secret|token|api[-_]?key|access[-_]?key|private[-_]?key|"
    r"auth|credential|signing[-_]?key|client[-_]?secret)",
    re.IGNORECASE,
)


# Names of secrets that hold something other than a credential (a user name, an endpoint): a
# secret named like this keeps its value even when it looks like a placeholder.
NOT_A_CREDENTIAL = re.compile(
    r"(user(_?name)?|login|host(name)?|endpoint|url|uri|arn|region|port|db_?name|account)$",
    re.IGNORECASE,
)


@cache
def _placeholder() -> re.Pattern[str]:
    """The patterns as one regex, compiled on first use: compiling it is most of this
    module's import time, and most runs never look at a secret."""
    return re.compile("|".join(f"(?:{p})" for p in PLACEHOLDER_PATTERNS), re.IGNORECASE)


def is_placeholder(value: str) -> bool:
    return bool(_placeholder().fullmatch(value.strip()))


class PasswordArgument(NamedTuple):
    """A database's master password argument, and how the provider can manage it instead."""

    argument: str
    managed: str | None  # the argument that lets AWS generate and rotate it, when supported
    length: int  # a random password length the engine accepts


# Characters every engine below accepts in a master password: no "/", "@", '"' or space.
DATABASE_SPECIALS = "!#$%&*()-_=+[]{}<>:?"

DATABASE_PASSWORDS: dict[str, PasswordArgument] = {
    "aws_db_instance": PasswordArgument("password", "manage_master_user_password", 32),
    "aws_rds_cluster": PasswordArgument("master_password", "manage_master_user_password", 32),
    "aws_docdb_cluster": PasswordArgument("master_password", None, 32),
    "aws_redshift_cluster": PasswordArgument("master_password", None, 32),
    "aws_redshiftserverless_namespace": PasswordArgument("admin_user_password", None, 32),
}

# ---------------------------------------------------------------- Performance Insights


class InsightsSupport(NamedTuple):
    """Instance classes an engine family cannot run Performance Insights on."""

    engines: tuple[str, ...]
    families: tuple[str, ...]  # every size of these classes: "db.t3"
    classes: tuple[str, ...]  # single classes: "db.t4g.micro"
    instead: str  # classes to suggest


# Classes no engine with restrictions supports: what is reported when the engine is not known.
INSIGHTS_UNSUPPORTED_EVERYWHERE: tuple[str, ...] = (
    "db.t2.micro",
    "db.t2.small",
    "db.t3.micro",
    "db.t3.small",
    "db.t4g.micro",
    "db.t4g.small",
)


INSIGHTS_UNSUPPORTED: tuple[InsightsSupport, ...] = (
    InsightsSupport(
        ("mysql", "mariadb"),
        (),
        INSIGHTS_UNSUPPORTED_EVERYWHERE,
        "db.t3.medium, db.t4g.medium or larger",
    ),
    InsightsSupport(
        ("aurora-mysql", "aurora"),
        ("db.t2", "db.t3"),
        ("db.t4g.micro", "db.t4g.small"),
        "db.t4g.medium or larger, or a db.r class",
    ),
)

# Engines the user guides list without instance class restrictions.
INSIGHTS_UNRESTRICTED: tuple[str, ...] = (
    "postgres",
    "aurora-postgresql",
    "sqlserver-ee",
    "sqlserver-se",
    "sqlserver-ex",
    "sqlserver-web",
    "oracle-ee",
    "oracle-se2",
    "oracle-ee-cdb",
    "oracle-se2-cdb",
)


# What to suggest when the engine is not known: supported on every engine.
INSIGHTS_SAFE_CHOICE = "db.t4g.medium or larger"


def insights_instead(engine: str | None) -> str:
    """Classes that run Performance Insights with ``engine``."""
    for support in INSIGHTS_UNSUPPORTED:
        if engine in support.engines:
            return support.instead
    return INSIGHTS_SAFE_CHOICE


def insights_unsupported(engine: str | None, instance_class: str) -> bool | None:
    """True when ``engine`` cannot run Performance Insights on ``instance_class``, False when it
    can, None when the engine is not known and the class is not one every restricted engine
    refuses."""
    if engine is None:
        return True if instance_class in INSIGHTS_UNSUPPORTED_EVERYWHERE else None
    if engine in INSIGHTS_UNRESTRICTED:
        return False
    for support in INSIGHTS_UNSUPPORTED:
        if engine in support.engines:
            family = instance_class.rsplit(".", 1)[0]
            return family in support.families or instance_class in support.classes
    return None


# Resources that take performance_insights_enabled, and where their instance class is set.
INSIGHTS_RESOURCES: dict[str, str] = {
    "aws_db_instance": "instance_class",
    "aws_rds_cluster_instance": "instance_class",
    "aws_rds_cluster": "db_cluster_instance_class",
}

# ---------------------------------------------------------------- attributes written as blocks

# Arguments the AWS provider declares as nested blocks: `name = { ... }` fails validation with
# "An argument named ... is not expected here. Did you mean to define a block?".
BLOCK_ARGUMENTS: dict[str, tuple[str, ...]] = {
    "aws_api_gateway_method_settings": ("settings",),
    "aws_lambda_function": (
        "environment",
        "vpc_config",
        "tracing_config",
        "dead_letter_config",
        "ephemeral_storage",
        "image_config",
        "logging_config",
    ),
    "aws_dynamodb_table": ("point_in_time_recovery", "server_side_encryption", "ttl"),
    "aws_rds_cluster": ("serverlessv2_scaling_configuration",),
}

# ---------------------------------------------------------------- Lambda concurrency

DEFAULT_ACCOUNT_CONCURRENCY = 1000
MINIMUM_UNRESERVED = 100  # Lambda refuses reservations that leave fewer unreserved executions
