"""A file read again with the same text (a caller read from disk, a fix pass's unchanged
files) is the file parsed before; a changed text is parsed anew."""

from __future__ import annotations

from pathlib import Path

from terrafix.model import Module

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
