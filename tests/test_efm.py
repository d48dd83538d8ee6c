"""efm-langserver with the configuration docs/editors.md gives: CLI lines become diagnostics,
and `terrafix fix` becomes the document formatter."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import sys
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "editor"
EFM = shutil.which("efm-langserver")
BIN = str(Path(sys.executable).parent)

pytestmark = [
    pytest.mark.skipif(
        EFM is None, reason="efm-langserver is not installed (CI installs Debian's with apt-get)"
    ),
    pytest.mark.asyncio,
]


def documented_config() -> str:
    """The efm-langserver configuration exactly as docs/editors.md shows it."""
    text = (ROOT / "docs" / "editors.md").read_text()
    section = text[text.index("## efm-langserver") :]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)


@pytest.fixture(scope="module")
def config_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("efm") / "config.yaml"
    path.write_text(documented_config())
    return path


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES, tmp_path / "ws")
    return tmp_path / "ws"


@pytest_asyncio.fixture
async def client(config_file: Path, workspace: Path):
    config = ClientServerConfig(
        server_command=[EFM, "-c", str(config_file)],
        server_env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    client = await config.start()
    await client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("neovim"), root_uri=workspace.as_uri()
        )
    )
    client.workspace_root = workspace
    yield client
    with contextlib.suppress(RuntimeError):  # efm exits before it answers `shutdown`
        await client.shutdown_session()
    await client.stop()


def apply_text_edits(text: str, edits) -> str:
    """Apply LSP edits as the protocol says: edits at one position go in array order."""
    lines = text.split("\n")

    def offset(position: lsp.Position) -> int:
        line = lines[position.line] if position.line < len(lines) else ""
        start = sum(len(each) + 1 for each in lines[: position.line])
        return start + len(line.encode("utf-16-le")[: 2 * position.character].decode("utf-16-le"))

    spans = sorted(
        ((offset(e.range.start), offset(e.range.end), e.new_text) for e in edits),
        key=lambda span: span[0],
    )
    out, cursor = [], 0
    for start, end, new in spans:
        out.append(text[cursor:start] + new)
        cursor = max(cursor, end)
    return "".join(out) + text[cursor:]


async def open_and_wait(client: LanguageClient, path: Path, text: str) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            lsp.TextDocumentItem(uri=uri, language_id="terraform", version=1, text=text)
        )
    )
    async with asyncio.timeout(20):
        while uri not in client.diagnostics:
            await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return uri


async def format_document(client: LanguageClient, uri: str):
    return await client.text_document_formatting_async(
        lsp.DocumentFormattingParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            options=lsp.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )


async def test_lines_become_diagnostics_and_fix_formats(client: LanguageClient):
    path = client.workspace_root / "region" / "main.tf"
    text = path.read_text()
    uri = await open_and_wait(client, path, text)
    [diagnostic] = client.diagnostics[uri]
    assert diagnostic.severity == lsp.DiagnosticSeverity.Error
    assert diagnostic.source == "terrafix"
    assert diagnostic.range.start == lsp.Position(2, 11)
    assert diagnostic.message.startswith("variable 'aws_region' is referenced but not declared")
    edits = await format_document(client, uri)
    formatted = apply_text_edits(text, edits)
    assert formatted == text + (
        "\n"
        'variable "aws_region" {\n'
        '  description = "AWS region for deployment"\n'
        "  type        = string\n"
        '  default     = "eu-west-1"\n'
        "}\n"
    )


async def test_broken_buffer_syntax_diagnostic_no_edits(client: LanguageClient):
    path = client.workspace_root / "region" / "main.tf"
    broken = (client.workspace_root / "broken.tf.txt").read_text()
    uri = await open_and_wait(client, path, broken)
    [diagnostic] = client.diagnostics[uri]
    assert diagnostic.range.start == lsp.Position(3, 0)  # where the text stops
    assert diagnostic.message.startswith('file ends inside `provider "aws" {`')
    with pytest.raises(JsonRpcException):  # `fix` exits 2: efm-langserver keeps the buffer
        await format_document(client, uri)


async def test_formatting_keeps_fixes_when_findings_remain(client: LanguageClient):
    path = client.workspace_root / "mixed" / "main.tf"
    text = path.read_text()
    uri = await open_and_wait(client, path, text)
    assert len(client.diagnostics[uri]) == 2
    formatted = apply_text_edits(text, await format_document(client, uri))
    assert formatted.startswith(text)
    assert formatted.count('variable "') == 1
    assert 'variable "aws_region" {' in formatted


async def test_column_after_emoji_is_the_clients_column(client: LanguageClient):
    """efm-langserver passes a column on as the LSP character (UTF-16 code units): with
    `--column-unit utf-16` the diagnostic starts at the reference, after CJK text and an emoji."""
    path = client.workspace_root / "unicode" / "main.tf"
    text = path.read_text()
    uri = await open_and_wait(client, path, text)
    [diagnostic] = client.diagnostics[uri]
    line = text.splitlines()[2]
    before = line[: line.index("var.aws_region")]
    assert len(before.encode("utf-16-le")) // 2 != len(before)  # the emoji takes two units
    assert diagnostic.range.start == lsp.Position(2, len(before.encode("utf-16-le")) // 2)
