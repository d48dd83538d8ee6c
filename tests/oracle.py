"""HashiCorp's own HCL library as a test oracle (../shared/tools/hcloracle, built by .ci/run)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ORACLE = (
    os.environ.get("TERRAFIX_HCLORACLE")
    or shutil.which("hcloracle")
    or "/tmp/hcloracle/bin/hcloracle"
)

needs_oracle = pytest.mark.skipif(
    not Path(ORACLE).exists(),
    reason="hcloracle is not built: run ../shared/tools/hcloracle/build.sh (CI does)",
)


def _run(command: str, paths: list[Path]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ORACLE, command, *map(str, paths)], capture_output=True, text=True, timeout=600
    )


def unparsable(paths: list[Path]) -> set[str]:
    """Files HashiCorp's parser reports errors in."""
    out: set[str] = set()
    for i in range(0, len(paths), 500):
        result = _run("parse", paths[i : i + 500])
        for line in result.stdout.splitlines() + result.stderr.splitlines():
            if ": error:" in line:
                out.add(line.split(":", 1)[0])
    return out


def not_fmt_clean(paths: list[Path]) -> set[str]:
    """Files `hclwrite.Format` (terraform fmt) would change."""
    out: set[str] = set()
    for i in range(0, len(paths), 500):
        result = _run("fmt-check", paths[i : i + 500])
        out.update(line.split("\t")[0] for line in result.stdout.splitlines() if line.strip())
    return out


def oracle_fmt(path: Path) -> str:
    """The file as `hclwrite.Format` prints it."""
    result = _run("fmt", [path])
    assert result.returncode == 0, result.stderr
    return result.stdout
