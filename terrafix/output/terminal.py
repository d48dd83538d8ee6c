"""What only a person at a terminal sees: a coloured diff and a progress line on stderr.

Both switch themselves off when the stream is not a TTY (pipes, CI logs, editors) or when
``NO_COLOR`` is set, so machine-read output never carries escape codes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TextIO

RESET = "\x1b[0m"
STYLES = {"+": "\x1b[32m", "-": "\x1b[31m", "@": "\x1b[36m", "header": "\x1b[1m"}

# Below this many files a run is quick enough that a progress line would only flicker.
PROGRESS_MIN_FILES = 50


def wants_color(stream: TextIO, choice: str = "auto") -> bool:
    if choice != "auto":
        return choice == "always"
    return "NO_COLOR" not in os.environ and _is_tty(stream)


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def color_diff(diff: str) -> str:
    """ANSI colours on a unified diff: headers bold, hunks cyan, removals red, additions green."""
    out = []
    for line in diff.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        end = line[len(body) :]
        if line.startswith(("--- ", "+++ ")):
            style = STYLES["header"]
        elif line.startswith("@@"):
            style = STYLES["@"]
        elif line[:1] in ("+", "-"):
            style = STYLES[line[0]]
        else:
            out.append(line)
            continue
        out.append(f"{style}{body}{RESET}{end}")
    return "".join(out)


def progress_reporter(stream: TextIO | None = None) -> Callable[[int, int], None] | None:
    """A callback ``(files done, files in all)`` that redraws one stderr line; None off a TTY."""
    stream = stream or sys.stderr
    if not _is_tty(stream):
        return None

    def report(done: int, total: int) -> None:
        if total < PROGRESS_MIN_FILES:
            return
        width = 30
        filled = width * done // total
        bar = "#" * filled + "-" * (width - filled)
        stream.write(f"\r[{bar}] {done}/{total} files")
        if done == total:
            stream.write("\r" + " " * (width + 30) + "\r")
        stream.flush()

    return report
