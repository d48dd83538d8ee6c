"""A real editor: headless Neovim starts `terrafix lsp`, applies the quick fix and saves."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "editor"
SCRIPT = FIXTURES / "nvim" / "quickfix.lua"
TERRAFIX = Path(sys.executable).with_name("terrafix")
NVIM = shutil.which("nvim")

pytestmark = pytest.mark.skipif(
    NVIM is None, reason="nvim is not installed (CI installs Debian's neovim with apt-get)"
)


def run_nvim(script: Path, target: Path, tmp_path: Path, **env: str):
    """Headless Neovim, with its own XDG folders, running ``script`` next to ``target``."""
    env = {**os.environ, "TERRAFIX_TARGET": str(target), **env}
    for name in ("CONFIG", "DATA", "STATE", "CACHE"):
        env[f"XDG_{name}_HOME"] = str(tmp_path / "xdg" / name.lower())
    return subprocess.run(
        [NVIM, "--headless", "--clean", "-n", "-c", f"luafile {script}"],
        env=env,
        cwd=target.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )


def cli_fix_buffer(path: Path, *options: str) -> str:
    result = subprocess.run(
        [str(TERRAFIX), "fix", *options, "--stdin-filename", path.name, "-"],
        input=path.read_text(),
        capture_output=True,
        text=True,
        cwd=path.parent,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("module", ["region", "unicode"])
def test_neovim_applies_the_quick_fix(tmp_path: Path, module: str):
    shutil.copytree(FIXTURES, tmp_path / "ws")
    target = tmp_path / "ws" / module / "main.tf"
    expected = cli_fix_buffer(target)
    report = tmp_path / "report.txt"
    result = run_nvim(
        SCRIPT, target, tmp_path, TERRAFIX_BIN=str(TERRAFIX), TERRAFIX_REPORT=str(report)
    )
    facts = report.read_text().splitlines() if report.exists() else []
    assert result.returncode == 0, (facts, result.stdout, result.stderr)
    line = expected.splitlines()[2]
    byte_column = len(line[: line.index("var.aws_region")].encode("utf-8"))
    # Neovim turns the server's UTF-16 position into a byte column: right only if ours was.
    assert facts[0] == f"diagnostic TF001 2:{byte_column}"
    assert facts[-1].startswith("applied Fix TF001: declare variable 'aws_region'")
    # Neovim 0.7 states no documentChanges support, so the declaration joins the buffer,
    # exactly as the formatter call gives it.
    assert target.read_text() == expected
    assert not (target.parent / "variables.tf").exists()


def _docs_quick_fix_mapping() -> str:
    """The Lua snippet docs/editors.md gives for a command-line quick fix, exactly as shown."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "editors.md").read_text()
    section = text[text.index("## One quick fix from the command line") :]
    return re.search(r"```lua\n(.*?)```", section, re.S).group(1)


DRIVER = """
local target = os.getenv("TERRAFIX_TARGET")
vim.cmd("edit " .. vim.fn.fnameescape(target))
-- nvim-lint's errorformat leaves the code in the message, as below.
local namespace = vim.api.nvim_create_namespace("terrafix-test")
vim.diagnostic.set(namespace, 0, {
  { lnum = 2, col = 11, message = "var.aws_region is not declared [TF001]", severity = 2 },
})
vim.api.nvim_win_set_cursor(0, { 3, 0 })
vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes("<leader>tf", true, false, true), "x", false)
vim.cmd("write")
vim.cmd("qall!")
"""


def test_neovim_key_from_the_docs_applies_one_rules_fix(tmp_path: Path):
    shutil.copytree(FIXTURES, tmp_path / "ws")
    target = tmp_path / "ws" / "region" / "main.tf"
    expected = cli_fix_buffer(target, "--select", "TF001")
    assert 'variable "aws_region"' in expected
    script = tmp_path / "quickfix_cli.lua"
    script.write_text(_docs_quick_fix_mapping() + DRIVER)
    path = f"{TERRAFIX.parent}{os.pathsep}{os.environ.get('PATH', '')}"
    result = run_nvim(script, target, tmp_path, PATH=path)
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert target.read_text() == expected
