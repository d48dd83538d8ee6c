"""The IAM rule's per-module indexes answer exactly what a scan of every resource would."""

from __future__ import annotations

from pathlib import Path

from terrafix.transforms.iam._principal import _named_roles
from terrafix.transforms.iam._targets import arn_expressions, candidates, cyclic_candidates
from terrafix.transforms.iam._wiring import wiring_of

from terrafix.data.iam_resources import ArnSource
from terrafix.model import Module

RESOURCES = """\
resource "aws_sqs_queue" "b" {}
resource "aws_sns_topic" "a" {}
resource "aws_sqs_queue" "a" {
  count = 2
}
resource "aws_sns_topic" "c" {}
resource "aws_s3_bucket" "x" {}
"""

QUEUE, TOPIC = ArnSource("aws_sqs_queue"), ArnSource("aws_sns_topic")


def _module(tmp_path: Path, text: str) -> Module:
    return Module.from_texts(tmp_path, {tmp_path / "main.tf": text})


def test_candidates_of_several_types_keep_module_order(tmp_path: Path):
    module = _module(tmp_path, RESOURCES)
    both = (QUEUE, TOPIC)
    assert candidates(module, both, set()) == [
        "aws_sqs_queue.b",
        "aws_sns_topic.a",
        "aws_sqs_queue.a",
        "aws_sns_topic.c",
    ]
    assert candidates(module, both, {"aws_sns_topic.a"}) == [
        "aws_sqs_queue.b",
        "aws_sqs_queue.a",
        "aws_sns_topic.c",
    ]
    assert cyclic_candidates(module, both, {"aws_sns_topic.a", "aws_s3_bucket.x"}) == [
        "aws_sns_topic.a"
    ]


def test_arn_expressions_follow_the_sources_then_module_order(tmp_path: Path):
    module = _module(tmp_path, RESOURCES)
    named = ["aws_sns_topic.c", "aws_sqs_queue.a", "aws_sqs_queue.b", "aws_s3_bucket.nowhere"]
    sources = [str(e.source) for e in arn_expressions(module, (TOPIC, QUEUE), named)]
    assert sources == [
        "aws_sns_topic.c.arn",
        "aws_sqs_queue.b.arn",
        "aws_sqs_queue.a[*].arn",
    ]


def test_roles_are_found_by_their_literal_name(tmp_path: Path):
    module = _module(
        tmp_path,
        """\
resource "aws_iam_role" "one" {
  name = "app"
}
resource "aws_iam_role" "two" {
  name = "app"
}
resource "aws_iam_role" "three" {
  name = "other"
}
resource "aws_iam_role_policy_attachment" "by_name" {
  role = "app"
}
resource "aws_iam_role_policy_attachment" "by_reference" {
  role = aws_iam_role.three.name
}
""",
    )
    wiring = wiring_of(module)
    by_name = module.resources["aws_iam_role_policy_attachment", "by_name"].node
    by_reference = module.resources["aws_iam_role_policy_attachment", "by_reference"].node
    assert _named_roles(wiring, by_name, "role") == {"aws_iam_role.one", "aws_iam_role.two"}
    assert _named_roles(wiring, by_reference, "role") == {"aws_iam_role.three"}
