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


def _docs_lua_blocks(heading: str) -> list[str]:
    """The Lua blocks of docs/editors.md from ``heading`` up to the next heading of its level."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "editors.md").read_text()
    start = text.index(heading)
    level = heading.split(" ")[0]  # the next heading of this level ends the section
    end = text.find(f"\n{level} ", start + len(heading))
    section = text[start : end if end > 0 else len(text)]
    return re.findall(r"```lua\n(.*?)```", section, re.S)


SAVE_DRIVER = """
local target = os.getenv("TERRAFIX_TARGET")
vim.cmd("edit " .. vim.fn.fnameescape(target))
local bufnr = vim.api.nvim_get_current_buf()
assert(vim.wait(20000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50), "no diagnostics")
-- A change typed just before saving: the fix must see it, not the text of the last diagnostics.
vim.api.nvim_buf_set_lines(bufnr, -1, -1, false, { "# typed just before saving" })
vim.cmd("write")
vim.cmd("qall!")
"""


def test_neovim_fix_on_save_from_the_docs(tmp_path: Path):
    """Neovim 0.7's client start and the fix-on-save recipe, exactly as docs/editors.md shows
    them: the file on disk after `:write` is the fixed buffer."""
    shutil.copytree(FIXTURES, tmp_path / "ws")
    target = tmp_path / "ws" / "region" / "main.tf"
    typed = target.read_text() + "# typed just before saving\n"
    expected = cli_fix_buffer_text(target, typed)
    assert 'variable "aws_region"' in expected
    [start_07] = _docs_lua_blocks("### Neovim 0.7\n")
    [fix_on_save] = _docs_lua_blocks("### Fix on save")
    script = tmp_path / "fix_on_save.lua"
    script.write_text(start_07 + fix_on_save + SAVE_DRIVER)
    path = f"{TERRAFIX.parent}{os.pathsep}{os.environ.get('PATH', '')}"
    result = run_nvim(script, target, tmp_path, PATH=path)
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert target.read_text() == expected


def cli_fix_buffer_text(path: Path, text: str) -> str:
    result = subprocess.run(
        [str(TERRAFIX), "fix", "--stdin-filename", path.name, "-"],
        input=text,
        capture_output=True,
        text=True,
        cwd=path.parent,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


# nvim-lint is not packaged: these stand-ins do what its `from_errorformat` does with a line,
# Neovim's own errorformat (`getqflist`) reading the column, which counts bytes.
NVIM_LINT_STUB = """
package.preload["lint"] = function()
  return { linters = {}, linters_by_ft = {}, try_lint = function() end }
end
package.preload["lint.parser"] = function()
  return {
    from_errorformat = function(efm, skeleton)
      return function(output)
        local items = vim.fn.getqflist({ efm = efm, lines = vim.split(output, "\\n") }).items
        local out = {}
        for _, item in ipairs(items) do
          if item.valid == 1 then
            table.insert(out, { lnum = item.lnum - 1, col = item.col > 0 and item.col - 1 or 0,
              message = item.text, source = skeleton.source })
          end
        end
        return out
      end
    end,
  }
end
"""

LINT_DRIVER = """
local target = os.getenv("TERRAFIX_TARGET")
vim.cmd("edit " .. vim.fn.fnameescape(target))
local linter = require("lint").linters.terrafix
local argv = { linter.cmd }
for _, arg in ipairs(linter.args) do
  table.insert(argv, type(arg) == "function" and arg() or arg)
end
local buffer = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\\n") .. "\\n"
local output = vim.fn.system(argv, buffer)
local namespace = vim.api.nvim_create_namespace("terrafix-lint")
vim.diagnostic.set(namespace, 0, linter.parser(output, 0))
local lines = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  local text = vim.api.nvim_buf_get_lines(0, d.lnum, d.lnum + 1, false)[1]
  table.insert(lines, d.lnum .. ":" .. d.col .. ":" .. text:sub(d.col + 1))
end
local handle = io.open(os.getenv("TERRAFIX_REPORT"), "w")
handle:write(table.concat(lines, "\\n") .. "\\n")
handle:close()
vim.cmd("qall!")
"""


def test_nvim_lint_config_from_the_docs_places_findings_after_emoji(tmp_path: Path):
    """The nvim-lint linter exactly as docs/editors.md defines it: Neovim's errorformat reads
    the column as bytes, so the diagnostic starts at the reference after CJK text and an emoji."""
    shutil.copytree(FIXTURES, tmp_path / "ws")
    target = tmp_path / "ws" / "unicode" / "main.tf"
    [linter, _conform] = _docs_lua_blocks("## nvim-lint")[:2]
    script = tmp_path / "lint.lua"
    script.write_text(NVIM_LINT_STUB + linter + LINT_DRIVER)
    report = tmp_path / "report.txt"
    path = f"{TERRAFIX.parent}{os.pathsep}{os.environ.get('PATH', '')}"
    result = run_nvim(script, target, tmp_path, PATH=path, TERRAFIX_REPORT=str(report))
    assert result.returncode == 0, (result.stdout, result.stderr)
    [placed] = report.read_text().splitlines()
    line, column, rest = placed.split(":", 2)
    assert line == "2"
    assert rest.startswith('var.aws_region}"')
    assert int(column) > target.read_text().splitlines()[2].index("var.aws_region")  # bytes


def test_neovim_quick_fix_leaves_no_blank_line_at_the_end(tmp_path: Path):
    """A file without a final newline: Neovim adds it on writing, so the appended declaration
    must not bring one of its own, or the file would end in a blank line."""
    shutil.copytree(FIXTURES, tmp_path / "ws")
    module = tmp_path / "ws" / "noeol"
    module.mkdir()
    target = module / "main.tf"
    target.write_text('provider "aws" {\n  region = var.aws_region\n}')
    expected = cli_fix_buffer(target)
    report = tmp_path / "report.txt"
    result = run_nvim(
        SCRIPT, target, tmp_path, TERRAFIX_BIN=str(TERRAFIX), TERRAFIX_REPORT=str(report)
    )
    assert result.returncode == 0, (report.read_text(), result.stdout, result.stderr)
    written = target.read_text()
    assert written.endswith('default     = "us-east-1"\n}\n')
    assert written == expected + "\n"  # the buffer's lines, and the newline Neovim adds


WATCH_DRIVER = """
local target = os.getenv("TERRAFIX_TARGET")
vim.cmd("edit " .. vim.fn.fnameescape(target))
local bufnr = vim.api.nvim_get_current_buf()
local function codes()
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do table.insert(out, d.code) end
  return table.concat(out, ",")
end
assert(vim.wait(20000, function() return codes() == "TF001" end, 50), "no finding: " .. codes())
vim.wait(1500) -- the server has looked at the folder once
local handle = io.open(vim.fn.fnamemodify(target, ":h") .. "/variables.tf", "w")
handle:write('variable "aws_region" {\\n  type = string\\n}\\n')
handle:close()
local cleared = vim.wait(10000, function() return codes() == "" end, 50)
local report = io.open(os.getenv("TERRAFIX_REPORT"), "w")
report:write(cleared and "cleared\\n" or ("still " .. codes() .. "\\n"))
report:close()
vim.cmd("qall!")
"""


def test_neovim_buffer_follows_a_file_written_outside(tmp_path: Path):
    """Neovim 0.7 registers no file watchers: the server notices the new variables.tf itself,
    and the open buffer's finding goes."""
    shutil.copytree(FIXTURES, tmp_path / "ws")
    target = tmp_path / "ws" / "region" / "main.tf"
    [start_07] = _docs_lua_blocks("### Neovim 0.7\n")
    script = tmp_path / "watch.lua"
    script.write_text(start_07 + WATCH_DRIVER)
    report = tmp_path / "report.txt"
    path = f"{TERRAFIX.parent}{os.pathsep}{os.environ.get('PATH', '')}"
    result = run_nvim(script, target, tmp_path, PATH=path, TERRAFIX_REPORT=str(report))
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert report.read_text() == "cleared\n"


HOVER_AND_TFVARS_DRIVER = """
local target = os.getenv("TERRAFIX_TARGET")
local lines = {}
vim.cmd("edit " .. vim.fn.fnameescape(target))
local main = vim.api.nvim_get_current_buf()
assert(vim.wait(20000, function() return #vim.diagnostic.get(main) > 0 end, 50), "no diagnostics")
local d = vim.diagnostic.get(main)[1]
vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col + 2 })
local responses = vim.lsp.buf_request_sync(main, "textDocument/hover",
  vim.lsp.util.make_position_params(), 10000)
for _, response in pairs(responses or {}) do
  if response.result then table.insert(lines, "hover " .. response.result.contents.value) end
end
local tfvars = vim.fn.fnamemodify(target, ":h") .. "/terraform.tfvars"
vim.cmd("edit " .. vim.fn.fnameescape(tfvars))
local values = vim.api.nvim_get_current_buf()
assert(vim.wait(20000, function() return #vim.diagnostic.get(values) > 0 end, 50), "no tfvars diagnostics")
for _, each in ipairs(vim.diagnostic.get(values)) do
  table.insert(lines, "tfvars " .. each.code .. " " .. each.lnum .. ":" .. each.col)
end
local handle = io.open(os.getenv("TERRAFIX_REPORT"), "w")
handle:write(table.concat(lines, "\\n") .. "\\n")
handle:close()
vim.cmd("qall!")
"""


def test_neovim_hover_and_tfvars_with_the_docs_setup(tmp_path: Path):
    """Neovim 0.7 started as docs/editors.md shows: hover on a finding gives the rule's
    explanation, and a .tfvars buffer gets its warning for a value no variable takes."""
    shutil.copytree(FIXTURES, tmp_path / "ws")
    module = tmp_path / "ws" / "with_variables"
    (module / "terraform.tfvars").write_text('environment = "prod"\nenviroment  = "dev"\n')
    [start_07] = _docs_lua_blocks("### Neovim 0.7\n")
    script = tmp_path / "hover.lua"
    script.write_text(start_07 + HOVER_AND_TFVARS_DRIVER)
    report = tmp_path / "report.txt"
    path = f"{TERRAFIX.parent}{os.pathsep}{os.environ.get('PATH', '')}"
    result = run_nvim(script, module / "main.tf", tmp_path, PATH=path, TERRAFIX_REPORT=str(report))
    assert result.returncode == 0, (result.stdout, result.stderr)
    text = report.read_text()
    explained = subprocess.run(
        [str(TERRAFIX), "explain", "TF001"], capture_output=True, text=True, check=True
    ).stdout
    assert text.startswith("hover **TF001 aws-region-variable**: variable 'aws_region'")
    assert explained.split("\n\n", 1)[1].strip() in text
    assert text.rstrip().endswith("tfvars undeclared-variable 1:0")


SAVE_OTHER_FILE_DRIVER = """
local target = os.getenv("TERRAFIX_TARGET")
vim.cmd("edit " .. vim.fn.fnameescape(target))
local bufnr = vim.api.nvim_get_current_buf()
assert(vim.wait(20000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50), "no diagnostics")
vim.cmd("write")
local variables = vim.fn.bufnr(vim.fn.fnamemodify(target, ":h") .. "/variables.tf")
local report = io.open(os.getenv("TERRAFIX_REPORT"), "w")
report:write("variables.tf changed: " .. vim.fn.getbufinfo(variables)[1].changed .. "\\n")
report:close()
vim.cmd("wall")
vim.cmd("qall!")
"""


def test_neovim_fix_on_save_edits_an_existing_file_in_a_buffer(tmp_path: Path):
    """As the docs say: a declaration for variables.tf on disk lands in its buffer, changed and
    not written, and `:wall` writes it as `terrafix fix` would."""
    shutil.copytree(FIXTURES, tmp_path / "ws")
    module = tmp_path / "ws" / "with_variables"
    expected = tmp_path / "ws" / "with_variables-expected"  # under the same .terrafix.toml
    shutil.copytree(module, expected)
    subprocess.run([str(TERRAFIX), "fix", str(expected)], capture_output=True, timeout=60)
    assert (expected / "variables.tf").read_text() != (module / "variables.tf").read_text()
    [start_07] = _docs_lua_blocks("### Neovim 0.7\n")
    [fix_on_save] = _docs_lua_blocks("### Fix on save")
    script = tmp_path / "save_other.lua"
    script.write_text(start_07 + fix_on_save + SAVE_OTHER_FILE_DRIVER)
    report = tmp_path / "report.txt"
    path = f"{TERRAFIX.parent}{os.pathsep}{os.environ.get('PATH', '')}"
    result = run_nvim(script, module / "main.tf", tmp_path, PATH=path, TERRAFIX_REPORT=str(report))
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert report.read_text() == "variables.tf changed: 1\n"
    for name in ("main.tf", "variables.tf"):
        assert (module / name).read_text() == (expected / name).read_text()


TYPING_DRIVER = """
local target = os.getenv("TERRAFIX_TARGET")
vim.cmd("edit " .. vim.fn.fnameescape(target))
local main = vim.api.nvim_get_current_buf()
local other_path = vim.fn.fnamemodify(target, ":h") .. "/outputs.tf"
local other = vim.uri_to_bufnr(vim.uri_from_fname(other_path))
local function codes(buf)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do table.insert(out, tostring(d.code)) end
  table.sort(out)
  return table.concat(out, ",")
end
assert(vim.wait(20000, function()
  return codes(main) == "TF001" and codes(other) == "TF001"
end, 50), "before typing: " .. codes(main) .. " / " .. codes(other))
-- an unclosed brace typed at the end of the buffer, not saved
vim.api.nvim_buf_set_lines(main, -1, -1, false, { 'resource "aws_s3_bucket" "typing" {' })
assert(vim.wait(20000, function() return codes(main):find("syntax") ~= nil end, 50),
  "no syntax diagnostic: " .. codes(main))
vim.wait(1000)
local handle = io.open(os.getenv("TERRAFIX_REPORT"), "w")
handle:write("main " .. codes(main) .. "\\nother " .. codes(other) .. "\\n")
handle:close()
vim.cmd("qall!")
"""


def test_neovim_typing_an_unclosed_brace_keeps_the_other_findings(tmp_path: Path):
    """A half-typed block costs only itself: the buffer's finding above it and the finding of
    a file that is not open stay, beside the syntax error."""
    shutil.copytree(FIXTURES, tmp_path / "ws")
    target = tmp_path / "ws" / "region" / "main.tf"
    (target.parent / "outputs.tf").write_text('output "size" {\n  value = var.size + 1\n}\n')
    [start_07] = _docs_lua_blocks("### Neovim 0.7\n")
    script = tmp_path / "typing.lua"
    script.write_text(start_07 + TYPING_DRIVER)
    report = tmp_path / "report.txt"
    path = f"{TERRAFIX.parent}{os.pathsep}{os.environ.get('PATH', '')}"
    result = run_nvim(script, target, tmp_path, PATH=path, TERRAFIX_REPORT=str(report))
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert report.read_text() == "main TF001,syntax\nother TF001\n"
