"""Providers a module may need: local name → HashiCorp registry source, and a version floor.

The sources are the ones Terraform assumes for these local names. The floors (`>=`) name the
first major version whose schema a fix that brings in a provider the module did not use before
is written for (TF004's `archive_file`, `random_password` for TF002 and TF015). TF011 never uses
them: a module that already uses a provider takes its floor from its callers, repository or lock
file (``terrafix.model.provider_floors``), or states none.
"""

from __future__ import annotations

from typing import NamedTuple


class ProviderSource(NamedTuple):
    source: str
    version: str


PROVIDERS: dict[str, ProviderSource] = {
    "aws": ProviderSource("hashicorp/aws", ">= 5.0"),
    "archive": ProviderSource("hashicorp/archive", ">= 2.0"),
    "random": ProviderSource("hashicorp/random", ">= 3.0"),
    "tls": ProviderSource("hashicorp/tls", ">= 4.0"),
    "null": ProviderSource("hashicorp/null", ">= 3.0"),
    "local": ProviderSource("hashicorp/local", ">= 2.0"),
    "time": ProviderSource("hashicorp/time", ">= 0.9"),
    "http": ProviderSource("hashicorp/http", ">= 3.0"),
    "external": ProviderSource("hashicorp/external", ">= 2.0"),
    "cloudinit": ProviderSource("hashicorp/cloudinit", ">= 2.0"),
    "template": ProviderSource("hashicorp/template", ">= 2.0"),
    "dns": ProviderSource("hashicorp/dns", ">= 3.0"),
    "awscc": ProviderSource("hashicorp/awscc", ">= 1.0"),
    "azurerm": ProviderSource("hashicorp/azurerm", ">= 3.0"),
    "azuread": ProviderSource("hashicorp/azuread", ">= 2.0"),
    "google": ProviderSource("hashicorp/google", ">= 5.0"),
    "kubernetes": ProviderSource("hashicorp/kubernetes", ">= 2.0"),
    "helm": ProviderSource("hashicorp/helm", ">= 2.0"),
    "vault": ProviderSource("hashicorp/vault", ">= 3.0"),
    "consul": ProviderSource("hashicorp/consul", ">= 2.0"),
    "tfe": ProviderSource("hashicorp/tfe", ">= 0.50"),
}

# Resource types whose provider is not the text before their first underscore.
TYPE_PROVIDERS: dict[str, str] = {
    "null_resource": "null",
    "null_data_source": "null",
}

# Provided by Terraform itself: never listed in required_providers.
BUILTIN: frozenset[str] = frozenset({"terraform"})


def provider_of_type(type_: str) -> str:
    """The provider local name a resource or data source type belongs to (its prefix)."""
    return TYPE_PROVIDERS.get(type_, type_.split("_", 1)[0])


def provider_source(name: str) -> ProviderSource | None:
    return PROVIDERS.get(name)
