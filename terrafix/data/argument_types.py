"""The type of an AWS provider argument, by name, where every resource gives it the same type.

The table is generated from the provider's schema (`scripts/aws_argument_types.py`, AWS provider
5.100): `runtime` is always a string and `memory_size` always a number, while `port` (a number
in most resources, a string in a few) is not listed. Sets are listed as lists, since a list
variable converts to a set argument.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

TABLE = Path(__file__).with_name("aws_argument_types.json")


@cache
def _types() -> dict[str, str]:
    return json.loads(TABLE.read_text(encoding="utf-8"))


def argument_type(name: str) -> str | None:
    """``"string"``, ``"list(string)"``, ... for an argument of AWS resources, or None."""
    return _types().get(name)
