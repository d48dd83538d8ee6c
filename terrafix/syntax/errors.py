"""The one exception a malformed HCL file raises, with a location a person can act on."""

from __future__ import annotations


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a character offset.

    A byte-order mark takes no column, as in editors and in HashiCorp's parser.
    """
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    line_start = text.rfind("\n", 0, offset) + 1
    if line_start == 0 and offset and text.startswith("\ufeff"):
        line_start = 1
    return line, offset - line_start + 1


class HclSyntaxError(ValueError):
    """A syntax error in HCL source: path, 1-based line and column, message and a caret excerpt."""

    def __init__(self, message: str, text: str, offset: int, path: str | None = None) -> None:
        self.message = message
        self.path = path
        self.offset = max(0, min(offset, len(text)))
        self.line, self.column = line_col(text, self.offset)
        line_start = text.rfind("\n", 0, self.offset) + 1
        line_end = text.find("\n", self.offset)
        source_line = text[line_start : len(text) if line_end < 0 else line_end].rstrip("\r")
        if self.line == 1 and source_line.startswith("\ufeff"):
            source_line = source_line[1:]
        caret_col = self.column - 1
        shown = source_line.expandtabs(1)[:200]
        self.excerpt = f"{shown}\n{' ' * min(caret_col, len(shown))}^"
        super().__init__(str(self))

    @property
    def location(self) -> str:
        return f"{self.path or '<input>'}:{self.line}:{self.column}"

    def __str__(self) -> str:
        return f"{self.location}: {self.message}\n{self.excerpt}"

    def __reduce__(self):  # keep the exception picklable for parallel runs
        return (
            rebuild_error,
            (self.message, self.path, self.offset, self.line, self.column, self.excerpt),
        )


def rebuild_error(message, path, offset, line, column, excerpt) -> HclSyntaxError:
    err = HclSyntaxError.__new__(HclSyntaxError)
    err.message, err.path, err.offset = message, path, offset
    err.line, err.column, err.excerpt = line, column, excerpt
    ValueError.__init__(err, str(err))
    return err
