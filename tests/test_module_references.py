"""``Module.references_to`` answers from an index: the same references, in the same order, as
scanning every reference of the module gives."""

from __future__ import annotations

from pathlib import Path

from terrafix.model import Module

GENERATED = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "generated"
MAIN = Path("m/main.tf")
TEXT = """\
resource "aws_s3_bucket" "logs" {
  bucket = "${var.name}-${local.suffix}"
  tags   = merge(var.tags, { Name = aws_kms_key.k.arn, Key = aws_kms_key.k.key_id })
  policy = data.aws_iam_policy_document.p.json
}

output "arn" {
  value = aws_s3_bucket.logs[0].arn
}
"""


def _scanned(module: Module, prefix: tuple[str, ...]) -> list:
    return [r for r in module.references if r.traversal.parts[: len(prefix)] == prefix]


def test_each_prefix_finds_the_references_that_read_it():
    module = Module.from_texts(Path("m"), {MAIN: TEXT})
    names = [r.traversal.node.render().strip() for r in module.references_to("aws_kms_key", "k")]
    assert sorted(names) == ["aws_kms_key.k.arn", "aws_kms_key.k.key_id"]
    assert sorted(r.traversal.parts for r in module.references_to("var")) == [
        ("var", "name"),
        ("var", "tags"),
    ]
    assert len(module.references_to("data", "aws_iam_policy_document", "p", "json")) == 1
    assert module.references_to("aws_s3_bucket", "logs")[0].traversal.parts == (
        "aws_s3_bucket",
        "logs",
    )
    assert module.references_to("var", "missing") == []


def test_the_index_agrees_with_a_scan_on_generated_modules():
    models = sorted(p for p in GENERATED.glob("*/model") if p.is_dir())[:20]
    compared = 0
    for model in models:
        texts = {p: p.read_text() for p in model.glob("*.tf")}
        module = Module.from_texts(model, texts)
        for reference in module.references:
            parts = reference.traversal.parts
            for size in range(1, len(parts) + 2):  # one longer than any: an empty answer
                prefix = parts[:size] + (("extra",) if size > len(parts) else ())
                assert module.references_to(*prefix) == _scanned(module, prefix)
                compared += 1
    assert compared > 1000


def test_a_caller_changing_an_answer_does_not_change_the_index():
    module = Module.from_texts(Path("m"), {MAIN: TEXT})
    module.references_to("var").clear()
    assert len(module.references_to("var")) == 2


def test_each_prefix_read_is_listed_once_in_order_of_its_first_reading():
    module = Module.from_texts(Path("m"), {MAIN: TEXT})
    assert list(module.read_prefixes(2)) == list(
        dict.fromkeys(
            r.traversal.parts[:2] for r in module.references if len(r.traversal.parts) > 1
        )
    )
    assert ("aws_kms_key", "k", "arn") in module.read_prefixes(3)
    assert ("aws_kms_key", "k") in module.read_prefixes(2)
