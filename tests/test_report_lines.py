"""The text report finds each file's line starts once for all its findings: whatever order
the offsets come in, a line is the one ``line_col`` gives."""

from __future__ import annotations

from terrafix.syntax.errors import line_col
from terrafix.syntax.positions import LineIndex

TEXT = '\ufeffvariable "a" {}\r\n\nresource "x" "y" {\n  name = "é"\n}\n'


def test_lines_of_a_line_index_agree_with_line_col_in_any_order():
    offsets = [0, 5, 19, 20, 40, 3, -4, len(TEXT), len(TEXT) + 9, 21, 21, 1]
    index = LineIndex(TEXT)
    assert [index.line(o) for o in offsets] == [line_col(TEXT, o)[0] for o in offsets]
