"""A fix's edits of one file are those of the whole fix for that file, and asking about one
file diffs no other."""

from __future__ import annotations

from pathlib import Path

from terrafix.engine.findings import Applicability, DeferredTexts, Fix
from terrafix.writer.textedit import diff_edits

MAIN, VARIABLES, OUTPUTS = Path("m/main.tf"), Path("m/variables.tf"), Path("m/outputs.tf")
BASE = {
    MAIN: 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n',
    VARIABLES: 'variable "a" {}\n',
    OUTPUTS: 'output "o" {\n  value = 1\n}\n',
}
NEW = {
    MAIN: 'resource "aws_s3_bucket" "b" {\n  bucket = var.name\n}\n',
    VARIABLES: 'variable "a" {}\n\nvariable "name" {\n  type = string\n}\n',
}


def test_one_files_edits_are_the_fixs_edits_for_that_file():
    fix = Fix("declare", Applicability.SAFE, BASE, dict(NEW))
    assert fix.edits_of(VARIABLES) == diff_edits(BASE[VARIABLES], NEW[VARIABLES])
    assert fix.edits_of(OUTPUTS) == []  # left alone
    assert fix.edits == {path: diff_edits(BASE[path], NEW[path]) for path in NEW}


def test_asking_about_one_file_diffs_only_that_one(monkeypatch):
    diffed: list[str] = []
    import terrafix.engine.findings as findings

    def counting(old: str, new: str):
        diffed.append(old)
        return diff_edits(old, new)

    monkeypatch.setattr(findings, "diff_edits", counting)
    fix = Fix("declare", Applicability.SAFE, BASE, DeferredTexts(lambda: dict(NEW)))
    fix.edits_of(MAIN)
    fix.edits_of(MAIN)
    assert diffed == [BASE[MAIN]]
    assert set(fix.edits) == {MAIN, VARIABLES}
    assert diffed == [BASE[MAIN], BASE[VARIABLES]]  # the whole fix adds only the other file
