"""Cut GitHub's REST API description down to the operations `terrafix pr` calls.

The test suite's fake GitHub validates every request and response against this subset, so the
bot is held to GitHub's published contract without the 13 MB original in the repository.

Usage (the description ships in the npm package ``@octokit/openapi``)::

    npm pack @octokit/openapi && tar xzf octokit-openapi-*.tgz
    python scripts/trim_github_openapi.py package/generated/api.github.com.json \\
        tests/data/github-openapi-subset.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

OPERATIONS = (
    "repos/get",
    "pulls/list",
    "pulls/create",
    "pulls/update",
    "issues/list-comments",
    "issues/create-comment",
    "issues/add-labels",
    "issues/add-assignees",
    "pulls/request-reviewers",
)
DROPPED_KEYS = ("examples", "example", "x-github", "externalDocs", "x-octokit")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _strip(node):
    """Drop examples and vendor notes: they weigh much and validate nothing."""
    if isinstance(node, dict):
        return {k: _strip(v) for k, v in node.items() if k not in DROPPED_KEYS}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def _refs(node):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _resolve(spec: dict, ref: str):
    if not ref.startswith("#/"):
        raise ValueError(f"external reference not supported: {ref}")
    node = spec
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def trim(spec: dict, operations: tuple[str, ...] = OPERATIONS) -> dict:
    """The subset of ``spec`` holding ``operations`` and every component they reach."""
    paths: dict[str, dict] = {}
    found = set()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in METHODS and operation.get("operationId") in operations:
                paths.setdefault(path, {})[method] = _strip(operation)
                found.add(operation["operationId"])
    missing = set(operations) - found
    if missing:
        raise SystemExit(f"operations not in the description: {', '.join(sorted(missing))}")

    components: dict[str, dict] = {}
    pending = list(_refs(paths))
    seen: set[str] = set()
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        _, _, kind, name = ref.split("/", 3)
        node = _strip(_resolve(spec, ref))
        components.setdefault(kind, {})[name] = node
        pending.extend(_refs(node))

    info = dict(spec["info"])
    info["x-trimmed-to"] = sorted(operations)
    return {
        "openapi": spec["openapi"],
        "info": info,
        "servers": spec.get("servers", []),
        "paths": dict(sorted(paths.items())),
        "components": {k: dict(sorted(v.items())) for k, v in sorted(components.items())},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="generated/api.github.com.json")
    parser.add_argument("target", type=Path, help="where to write the subset")
    args = parser.parse_args(argv)
    spec = json.loads(args.source.read_text(encoding="utf-8"))
    subset = trim(spec)
    args.target.write_text(json.dumps(subset, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(
        f"{args.target}: {len(subset['paths'])} paths, "
        f"{sum(len(v) for v in subset['components'].values())} components",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
