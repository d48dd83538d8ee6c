"""Write the types of the AWS provider's arguments, for TF001 to type a variable passed to one.

Only argument names whose type is the same in every resource and data source of the provider
are kept (`runtime` is always a string, `memory_size` always a number); a name whose type
depends on the resource (`port`, `instance_type`) is left out, so a lookup by name alone is a
fact, not a guess. Only primitives and collections of primitives are written, sets as lists (a
list variable converts to a set argument).

Usage (a local mirror of the provider, as in CI)::

    mkdir schema && cd schema
    printf 'terraform {\\n  required_providers {\\n    aws = { source = "hashicorp/aws" }\\n  }\\n}\\n' > main.tf
    terraform init -backend=false -plugin-dir=/opt/tf-plugins
    terraform providers schema -json > aws.json
    python scripts/aws_argument_types.py schema/aws.json terrafix/data/aws_argument_types.json
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

PROVIDER = "registry.terraform.io/hashicorp/aws"
PRIMITIVES = ("string", "number", "bool")


def type_source(cty: object) -> str | None:
    """A cty type from the schema as a Terraform type constraint, or None when it is neither a
    primitive nor a collection of primitives."""
    if cty in PRIMITIVES:
        return str(cty)
    if isinstance(cty, list) and len(cty) == 2 and cty[0] in ("list", "set", "map"):
        element = type_source(cty[1])
        if element in PRIMITIVES:
            return f"{cty[0]}({element})"
    return None


def arguments(block: dict, found: dict[str, set[str]]) -> None:
    """Every settable argument of a block and its nested blocks, with the types it has."""
    for name, attribute in block.get("attributes", {}).items():
        if attribute.get("required") or attribute.get("optional"):
            found[name].add(type_source(attribute["type"]) or "other")
    for nested in block.get("block_types", {}).values():
        arguments(nested["block"], found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("schema", type=Path)
    parser.add_argument("output", type=Path)
    args = parser.parse_args()
    schema = json.loads(args.schema.read_text())["provider_schemas"][PROVIDER]
    found: dict[str, set[str]] = defaultdict(set)
    for kind in ("resource_schemas", "data_source_schemas"):
        for entry in schema[kind].values():
            arguments(entry["block"], found)
    types = {}
    for name, kinds in sorted(found.items()):
        # A list variable converts to a set argument: `subnet_ids` takes either.
        kinds = {k.replace("set(", "list(", 1) for k in kinds}
        if len(kinds) == 1 and "other" not in kinds:
            types[name] = kinds.pop()
    args.output.write_text(json.dumps(types, indent=0, sort_keys=True) + "\n")
    print(f"{len(types)} argument names of {len(found)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
