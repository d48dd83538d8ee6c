"""A run reads each file's bytes and decodes them whole: the text, and the error a file that is
not UTF-8 gets, are what a UTF-8 text stream gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from terrafix.engine.pipeline import read_text

CONTENTS = [
    b'\xef\xbb\xbfvariable "a" {}\r\n',
    b'locals {\r  x = "\xc3\xa9"\r\n}\n',
    b"",
    b'locals {\n  x = "\xff"\n}\n',
    b"x" * 9000 + b"\xe2\x82",
    b"\xed\xa0\x80",
]


def _as_stream_reads(path: Path) -> str | tuple[type, str]:
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as err:
        return type(err), str(err)


def _as_run_reads(path: Path) -> str | tuple[type, str]:
    try:
        return read_text(path)
    except (OSError, UnicodeDecodeError) as err:
        return type(err), str(err)


@pytest.mark.parametrize("content", CONTENTS)
def test_a_file_reads_as_a_utf8_stream_reads_it(tmp_path: Path, content: bytes):
    path = tmp_path / "main.tf"
    path.write_bytes(content)
    assert _as_run_reads(path) == _as_stream_reads(path)


def test_a_missing_file_fails_as_a_stream_would(tmp_path: Path):
    assert _as_run_reads(tmp_path / "gone.tf") == _as_stream_reads(tmp_path / "gone.tf")
