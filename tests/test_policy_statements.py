"""Every `jsonencode` policy is read, wherever the call sits in a value and however the file
spells the name elsewhere (comments, strings), one-line blocks too, and JSON policy text."""

from __future__ import annotations

from pathlib import Path

from terrafix.transforms.iam._policies import statements

from terrafix.model import Module

TEXT = """\
# jsonencode is mentioned here, and in the string below: neither is a call
locals {
  note  = "built with jsonencode"
  outer = jsonencode({
    Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "*" }]
    Inner     = jsonencode({ Statement = { Effect = "Deny", Action = "s3:*", Resource = "*" } })
  })
}

resource "aws_iam_role_policy" "merged" {
  policy = var.on ? jsonencode({ Statement = [{ Effect = "Allow", Action = "sqs:*" }] }) : jsonencode({
    Statement = [{ Effect = "Allow", Action = "sns:Publish", Resource = "*" }]
  })
  inline { policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "kms:Decrypt" }] }) }
}

resource "aws_iam_policy" "text" {
  name   = "not-json"
  policy = <<-EOT
    {"Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"},
                   {"Effect": "Deny", "Action": ["ec2:*"]}]}
  EOT
}
"""


def test_every_call_is_read_and_no_mention_is():
    module = Module.from_texts(Path("m"), {Path("m/main.tf"): TEXT})
    found = sorted((s.attribute, s.effect, s.actions) for s in statements(module))
    assert found == [
        ("outer", "Allow", ("s3:GetObject",)),
        ("outer", "Deny", ("s3:*",)),
        ("policy", "Allow", ("kms:Decrypt",)),
        ("policy", "Allow", ("logs:PutLogEvents",)),
        ("policy", "Allow", ("sns:Publish",)),
        ("policy", "Allow", ("sqs:*",)),
        ("policy", "Deny", ("ec2:*",)),
    ]


SPELLED_AROUND = """\
resource "aws_iam_policy" "cased" {
  policy = jsonencode({ STATEMENT = [{ Effect = "Allow", Action = "s3:GetObject" }] })
}

resource "aws_iam_policy" "escaped" {
  policy = jsonencode({ "St\\u0061tement" = [{ Effect = "Allow", Action = "sqs:SendMessage" }] })
}

resource "aws_iam_policy" "json_escaped" {
  policy = <<-EOT
    {"\\u0053tatement": [{"Effect": "Allow", "Action": "sns:Publish"}]}
  EOT
}

resource "aws_iam_policy" "unrelated" {
  name = "no-policy-here"
}
"""


def test_a_key_in_any_case_or_escaped_is_read():
    module = Module.from_texts(Path("m"), {Path("m/main.tf"): SPELLED_AROUND})
    found = sorted((s.block.label_values[1], s.actions) for s in statements(module))
    assert found == [
        ("cased", ("s3:GetObject",)),
        ("escaped", ("sqs:SendMessage",)),
        ("json_escaped", ("sns:Publish",)),
    ]


def test_a_file_with_other_characters_is_read_whole():
    text = "# café\n" + SPELLED_AROUND
    module = Module.from_texts(Path("m"), {Path("m/main.tf"): text})
    assert len(list(statements(module))) == 3
