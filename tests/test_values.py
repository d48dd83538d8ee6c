"""The plain-values projection, one expression kind at a time, checked against python-hcl2.

Each case states the value we expect by hand and also asks python-hcl2 for it, so the table is
a readable specification of python-hcl2's format as much as a test of ours.
"""

from __future__ import annotations

import json

import hcl2
import pytest
from hcl2.utils import SerializationOptions

import terrafix
from terrafix.syntax.values import expression_source, expression_to_python, to_python

OPTIONS = SerializationOptions(with_comments=False)


def strict(value: object) -> str:
    """A form that tells ``True``, ``1`` and ``1.0`` apart, as ``==`` does not."""
    return json.dumps(value, sort_keys=True)


CASES = {
    # literals
    "int": ("42", 42),
    "leading-zeros": ("007", 7),
    "float": ("1.50", 1.5),
    "scientific": ("1e5", "${1e5}"),
    "negative": ("-3", -3),
    "negative-float": ("- 2.5", -2.5),
    "true": ("true", True),
    "null": ("null", None),
    "bare-name": ("x", "x"),
    # templates
    "string": ('"a\\n\\"b\\""', '"a\\n\\"b\\""'),
    "escaped-interpolation": ('"$${x}"', '"$${x}"'),
    "interpolation": ('"a${ var.b }c"', '"a${var.b}c"'),
    "directives": (
        '"%{if x}y%{~ else ~}z%{endif}%{ for k, v in m }${k}%{ endfor }"',
        '"%{ if x }y%{~ else ~}z%{ endif }%{ for k, v in m }${k}%{ endfor }"',
    ),
    "heredoc": ("<<EOT\nhi ${x}\nEOT", '"<<EOT\nhi ${x}\nEOT"'),
    "heredoc-indented": ("<<-EOT\n    hi\n  EOT", '"<<-EOT\n    hi\n  EOT"'),
    "heredoc-empty": ("<<EOT\nEOT", '"<<EOT\nEOT"'),
    # collections
    "tuple": ('[1, "a", x, [true]]', [1, '"a"', "x", [True]]),
    "object": (
        '{a = 1, "b": x, 3 = null, (var.k) = 2, var.j = 3}',
        {"a": 1, '"b"': "x", "3": None, "${(var.k)}": 2, "${var.j}": 3},
    ),
    "object-in-expression": ('f({a = 1, "b": [2]})', '${f({a = 1, "b" = [2]})}'),
    "empty-collections": ("[{}, []]", [{}, []]),
    # for-expressions
    "for-tuple": ("[for i, v in xs : v * 2 if i > 0]", "${[for i, v in xs : v * 2 if i > 0]}"),
    "for-object": (
        "{ for k, v in m : k => v... if v != null }",
        "${{for k, v in m : k => v... if v != null}}",
    ),
    # traversals and splats
    "traversal": ("aws_kms_key.rds[0].arn", "${aws_kms_key.rds[0].arn}"),
    "legacy-index": ("var.list.01", "${var.list.1}"),
    "attribute-splat": ("a.*.b", "${a.*.b}"),
    "full-splat": ("a[*].b[0]", "${a[*].b[0]}"),
    # operators
    "conditional": ("x ? -1 : { a = 1 }", "${x ? -1 : {a = 1}}"),
    "precedence": ("1+2*(3-4)==5||!z", "${1 + 2 * (3 - 4) == 5 || !z}"),
    "unary": ("-var.x", "${-var.x}"),
    "parenthesised": ("(x)", "${(x)}"),
    # calls
    "call": ('join(",",\n  var.list)', '${join(",", var.list)}'),
    "call-expansion": ("concat(a, [1, 2]...)", "${concat(a, [1, 2] ...)}"),
    "provider-function": (
        "provider::aws::arn_parse(var.arn).region",
        "${provider::aws::arn_parse(var.arn).region}",
    ),
    "heredoc-argument": ("f(<<EOT\nyo\nEOT\n)", '${f("<<EOT\nyo\nEOT")}'),
}


@pytest.mark.parametrize("source, expected", CASES.values(), ids=CASES.keys())
def test_expression_projection(source: str, expected: object) -> None:
    text = f"x = {source}\n"
    assert strict(to_python(terrafix.parse(text))["x"]) == strict(expected)
    assert strict(hcl2.loads(text, serialization_options=OPTIONS)["x"]) == strict(expected)


def test_blocks_nest_under_type_and_labels() -> None:
    text = (
        'resource "aws_s3_bucket" "logs" {\n  bucket = "l"\n}\n'
        'resource "aws_s3_bucket" "data" {\n  tags { a = 1 }\n}\n'
        "locals {}\n"
    )
    expected = {
        "resource": [
            {'"aws_s3_bucket"': {'"logs"': {"bucket": '"l"', "__is_block__": True}}},
            {
                '"aws_s3_bucket"': {
                    '"data"': {"tags": [{"a": 1, "__is_block__": True}], "__is_block__": True}
                }
            },
        ],
        "locals": [{"__is_block__": True}],
    }
    assert strict(to_python(terrafix.parse(text))) == strict(expected)
    assert strict(hcl2.loads(text, serialization_options=OPTIONS)) == strict(expected)


def test_comments_and_layout_do_not_show() -> None:
    text = "a = [ # one\n  1, /* two */ 2,\n]\nb = (\n  x # why\n  + y\n)\n"
    assert strict(to_python(terrafix.parse(text))) == strict({"a": [1, 2], "b": "${(x + y)}"})


def test_single_expression_helpers() -> None:
    value = terrafix.parse("x = merge(var.a, { b = 1 })\n").body.attribute("x").value
    assert expression_source(value) == "merge(var.a, {b = 1})"
    assert expression_to_python(value) == "${merge(var.a, {b = 1})}"


def test_parenthesised_literal_is_printed_as_hcl() -> None:
    # python-hcl2 prints Python's repr here ("${(True)}", "${(['\"a\"'])}"); we print HCL.
    text = 'a = (true)\nb = (["a"])\n'
    assert to_python(terrafix.parse(text)) == {"a": "${(true)}", "b": '${(["a"])}'}


def test_deep_nesting_does_not_exhaust_the_stack() -> None:
    depth = 5000
    text = "x = f(" + "[" * depth + "a" + "]" * depth + ")\n"
    assert to_python(terrafix.parse(text))["x"] == "${f(" + "[" * depth + "a" + "]" * depth + ")}"
