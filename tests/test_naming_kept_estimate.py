"""TF002 estimates a new name from the parsed parts of the text it keeps: the estimate must be
the one parsing the new name's text gives, wherever the kept text starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from terrafix.transforms.naming._length import LengthEstimate
from terrafix.transforms.naming._plan import _kept_value
from terrafix.transforms.naming._rewrite import template_inner

from terrafix.model import Module
from terrafix.writer import parse_expression

MODULE = """\
variable "project" {
  default = "Shop"
}

locals {
  name_prefix = "${var.project}-${var.environment_suffix}"
  region      = "eu-west-1"
}
"""

NAMES = [
    '"orders"',
    '"${var.project}-orders"',
    '"${var.project}"',
    '"alias/${var.project}-key"',
    '"/aws/lambda/${local.region}-fn"',
    '"a\\\\b-${var.project}"',
    '"$${literal}-${var.project}"',
    '"100%%{x}-${var.project}-y"',
    '"shop-${upper(var.project)}-${count.index}"',
    '""',
]


@pytest.mark.parametrize("name", NAMES)
def test_the_kept_texts_estimate_is_the_parsed_new_names(name):
    module = Module.from_texts(Path("/m"), {Path("/m/main.tf"): MODULE})
    estimate = LengthEstimate(module, 8)
    value = parse_expression(name)
    inner = template_inner(value)
    prefix = "${local.name_prefix}"
    for kept in range(len(inner) + 1):
        found = _kept_value(estimate, value, len(inner), kept)
        if found is None:
            continue  # inside an interpolation or escaped text: the new text is parsed
        new = parse_expression('"' + prefix + "-" + inner[kept:] + '"')
        expected = estimate.value(new)
        assert estimate.value(parse_expression("local.name_prefix")) + "-" + found == expected


def test_offsets_at_part_boundaries_and_in_plain_text_are_estimated_without_parsing():
    module = Module.from_texts(Path("/m"), {Path("/m/main.tf"): MODULE})
    estimate = LengthEstimate(module, 8)
    value = parse_expression('"${var.project}-orders"')
    length = len(template_inner(value))
    assert _kept_value(estimate, value, length, 0) == "Shop-orders"
    assert _kept_value(estimate, value, length, len("${var.project}")) == "-orders"
    assert _kept_value(estimate, value, length, len("${var.project}-or")) == "ders"
    assert _kept_value(estimate, value, length, 3) is None  # inside the interpolation
