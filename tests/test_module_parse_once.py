"""A file read again with the same text (a caller read from disk, a fix pass's unchanged
files) is the file parsed before; a changed text is parsed anew."""

from __future__ import annotations

from pathlib import Path

from terrafix.engine.config import Config
from terrafix.engine.pipeline import run
from terrafix.model import Module
from terrafix.model.module import share_repeated

MAIN = Path("m/main.tf")


def test_the_same_text_is_parsed_once_and_a_changed_one_again():
    first = Module.from_texts(Path("m"), {MAIN: 'a = "x"\n'})
    again = Module.from_texts(Path("m"), {MAIN: 'a = "x"\n'})
    changed = Module.from_texts(Path("m"), {MAIN: 'a = "y"\n'})
    assert again.files[MAIN] is first.files[MAIN]
    assert changed.files[MAIN].tree.render() == 'a = "y"\n'
    assert changed.files[MAIN] is not first.files[MAIN]


def test_a_file_analysed_again_is_found_after_many_others_were_parsed():
    first = Module.from_texts(Path("m"), {MAIN: "b = 1\n"})
    for index in range(300):  # other modules and their callers parsed in between
        Module.from_texts(Path(f"o{index}"), {Path(f"o{index}/main.tf"): f"c = {index}\n"})
    assert Module.from_texts(Path("m"), {MAIN: "b = 1\n"}).files[MAIN] is not first.files[MAIN]
    first.remember_texts()
    assert Module.from_texts(Path("m"), {MAIN: "b = 1\n"}).files[MAIN] is first.files[MAIN]


VERSIONS = (
    'terraform {\n  required_version = ">= 1.5"\n}\n\nvariable "name" {\n  type = string\n}\n'
)


def test_the_same_text_in_another_folder_shares_its_tree():
    share_repeated([VERSIONS, VERSIONS])
    first = Module.from_texts(Path("a"), {Path("a/versions.tf"): VERSIONS})
    copy = Module.from_texts(Path("b"), {Path("b/versions.tf"): VERSIONS})
    assert copy.files[Path("b/versions.tf")].tree is first.files[Path("a/versions.tf")].tree
    assert [r.path for r in copy.references] == [Path("b/versions.tf")] * len(copy.references)
    assert copy.variables["name"].path == Path("b/versions.tf")


def test_two_files_of_one_folder_never_share_a_tree():
    share_repeated([VERSIONS] * 3)
    Module.from_texts(Path("c"), {Path("c/one.tf"): VERSIONS})
    both = Module.from_texts(Path("d"), {Path("d/one.tf"): VERSIONS, Path("d/two.tf"): VERSIONS})
    one, two = both.files[Path("d/one.tf")].tree, both.files[Path("d/two.tf")].tree
    assert one is not two
    assert one == two  # the same text, parsed twice


def test_a_file_that_does_not_parse_keeps_its_own_errors():
    broken = 'variable "x" {\n  type = \n}\n'
    share_repeated([broken, broken])
    first = Module.from_texts(Path("e"), {Path("e/main.tf"): broken})
    copy = Module.from_texts(Path("f"), {Path("f/main.tf"): broken})
    assert first.files[Path("e/main.tf")].error.path == "e/main.tf"
    assert copy.files[Path("f/main.tf")].error.path == "f/main.tf"


def test_a_text_that_stands_once_in_the_run_keeps_no_tree():
    share_repeated([VERSIONS, "other = 1\n"])
    first = Module.from_texts(Path("g"), {Path("g/versions.tf"): VERSIONS})
    copy = Module.from_texts(Path("h"), {Path("h/versions.tf"): VERSIONS})
    assert copy.files[Path("h/versions.tf")].tree is not first.files[Path("g/versions.tf")].tree


def test_copied_modules_are_each_checked_at_their_own_paths(tmp_path):
    text = VERSIONS.replace(
        "variable", 'provider "aws" {\n  region = var.aws_region\n}\n\nvariable'
    )
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "main.tf").write_text(text)
    result = run([tmp_path], Config(), fix=False)
    found = sorted((f.path, f.rule, f.start) for f in result.findings)
    assert found == [
        (tmp_path / folder / "main.tf", rule, text.index(spot))
        for folder in ("a", "b")
        for rule, spot in (("TF001", "var.aws_region"), ("TF011", '"aws"'))
    ]
    assert all(f.fix is not None for f in result.findings)
