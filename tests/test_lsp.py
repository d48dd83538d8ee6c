"""`terrafix lsp` driven by a real LSP client with VS Code's and Neovim's capabilities."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_asyncio
import pytest_lsp
from lsprotocol import types as lsp
from oracle import needs_oracle, not_fmt_clean, oracle_fmt
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

FIXTURES = Path(__file__).parent / "fixtures" / "editor"
TERRAFIX = Path(sys.executable).with_name("terrafix")
CLIENTS = ["visual-studio-code", "neovim@v0.7.0", "neovim@latest"]
FIX_ALL = "source.fixAll.terrafix"

# One server per client profile for the whole module: starting one costs a second or more.
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("lsp") / "ws"
    shutil.copytree(FIXTURES, target)
    return target


@pytest_lsp.fixture(
    # `--stdio` as VS Code's client adds it; the Neovim and efm tests start plain `terrafix lsp`.
    config=ClientServerConfig(server_command=[str(TERRAFIX), "lsp", "--stdio"]),
    params=CLIENTS,
    scope="module",
)
async def client(lsp_client: LanguageClient, request, workspace: Path):
    lsp_client.registrations = []

    @lsp_client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def register(params: lsp.RegistrationParams) -> None:
        lsp_client.registrations.extend(params.registrations)

    result = await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities(request.param), root_uri=workspace.as_uri()
        )
    )
    lsp_client.position_encoding = result.capabilities.position_encoding or "utf-16"
    lsp_client.workspace = workspace
    lsp_client.opened = set()
    yield
    await lsp_client.shutdown_session()


# ------------------------------------------------------------------ a client's side of edits


def offset(text: str, position: lsp.Position, encoding: str) -> int:
    """Character offset of an LSP position, counting units the way the encoding says."""
    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[: position.line])
    line = lines[position.line] if position.line < len(lines) else ""
    unit = {"utf-8": ("utf-8", 1), "utf-16": ("utf-16-le", 2), "utf-32": ("utf-32-le", 4)}
    codec, size = unit[str(encoding)]
    encoded = line.encode(codec)[: position.character * size]
    return start + len(encoded.decode(codec))


def apply_text_edits(text: str, edits, encoding: str) -> str:
    spans = [
        (offset(text, e.range.start, encoding), offset(text, e.range.end, encoding), e.new_text)
        for e in edits
    ]
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def apply_workspace_edit(edit: lsp.WorkspaceEdit, texts: dict[str, str], encoding: str) -> None:
    """Apply ``edit`` to ``texts`` (uri → text), as an editor would."""
    for change in edit.document_changes or []:
        if isinstance(change, lsp.CreateFile):
            assert change.uri not in texts
            texts[change.uri] = ""
        else:
            uri = change.text_document.uri
            texts[uri] = apply_text_edits(texts[uri], change.edits, encoding)
    for uri, edits in (edit.changes or {}).items():
        texts[uri] = apply_text_edits(texts[uri], edits, encoding)


@pytest_asyncio.fixture(autouse=True, loop_scope="module")
async def close_documents(request):
    """Each test starts with no open buffers, whatever the one before it opened."""
    yield
    if "client" not in request.fixturenames:
        return
    client = request.getfixturevalue("client")
    for uri in client.opened:
        client.diagnostics.pop(uri, None)
        client.text_document_did_close(
            lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri=uri))
        )
    async with asyncio.timeout(10):  # the server clears a closed buffer's diagnostics
        while any(list(client.diagnostics.get(uri, [None])) for uri in client.opened):
            await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    client.opened.clear()


# ----------------------------------------------------------------------------- helpers


async def open_file(client: LanguageClient, path: Path, text: str | None = None) -> str:
    uri = path.as_uri()
    client.opened.add(uri)
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            lsp.TextDocumentItem(
                uri=uri, language_id="terraform", version=1, text=text or path.read_text()
            )
        )
    )
    await wait_for_diagnostics(client, uri)
    return uri


async def wait_for_diagnostics(client: LanguageClient, uri: str) -> list[lsp.Diagnostic]:
    client.diagnostics.pop(uri, None)
    async with asyncio.timeout(10):
        while uri not in client.diagnostics:
            await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return list(client.diagnostics[uri])


async def code_actions(
    client: LanguageClient, uri: str, range_: lsp.Range, only=None
) -> list[lsp.CodeAction]:
    diagnostics = list(client.diagnostics.get(uri, []))
    result = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=range_,
            context=lsp.CodeActionContext(diagnostics=diagnostics, only=only),
        )
    )
    return list(result or [])


def cli_fix_buffer(path: Path, text: str) -> str:
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


def cli_fix_module(directory: Path) -> dict[str, str]:
    copy = directory.with_name(directory.name + "-cli")  # under the same .terrafix.toml
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(directory, copy)
    subprocess.run([str(TERRAFIX), "fix", str(copy)], capture_output=True, check=True, timeout=60)
    return {p.name: p.read_text() for p in copy.iterdir()}


def creates_files(client: LanguageClient) -> bool:
    edit = client.capabilities.workspace.workspace_edit
    return bool(edit and edit.document_changes and "create" in (edit.resource_operations or []))


# ------------------------------------------------------------------------------- tests


async def test_diagnostics_on_open(client: LanguageClient):
    path = client.workspace / "region" / "main.tf"
    uri = await open_file(client, path)
    [diagnostic] = client.diagnostics[uri]
    assert diagnostic.code == "TF001"
    assert diagnostic.source == "terrafix"
    assert diagnostic.severity == lsp.DiagnosticSeverity.Error
    assert diagnostic.range == lsp.Range(lsp.Position(2, 11), lsp.Position(2, 25))


async def test_quick_fix_gives_what_the_cli_gives(client: LanguageClient):
    path = client.workspace / "region" / "main.tf"
    text = path.read_text()
    uri = await open_file(client, path)
    [diagnostic] = client.diagnostics[uri]
    actions = await code_actions(client, uri, diagnostic.range)
    [fix] = [a for a in actions if a.is_preferred]
    assert fix.kind == lsp.CodeActionKind.QuickFix
    assert fix.title.startswith("Fix TF001: declare variable 'aws_region'")
    texts = {uri: text}
    apply_workspace_edit(fix.edit, texts, client.position_encoding)
    variables_uri = (path.parent / "variables.tf").as_uri()
    if creates_files(client):
        # A client that can create files gets variables.tf, as `terrafix fix` writes it.
        assert fix.edit.changes is None
        assert texts == {
            uri: text,
            variables_uri: cli_fix_module(path.parent)["variables.tf"],
        }
    else:
        # Otherwise the declaration joins the open buffer, as the formatter call does it.
        assert texts == {uri: cli_fix_buffer(path, text)}
    assert not (path.parent / "variables.tf").exists()


async def test_quick_fix_edits_an_existing_file(client: LanguageClient):
    path = client.workspace / "with_variables" / "main.tf"
    uri = await open_file(client, path)
    [diagnostic] = client.diagnostics[uri]
    [fix] = [a for a in await code_actions(client, uri, diagnostic.range) if a.is_preferred]
    variables = path.parent / "variables.tf"
    texts = {uri: path.read_text(), variables.as_uri(): variables.read_text()}
    apply_workspace_edit(fix.edit, texts, client.position_encoding)
    expected = cli_fix_module(path.parent)
    assert texts == {uri: expected["main.tf"], variables.as_uri(): expected["variables.tf"]}
    if fix.edit.document_changes:
        [change] = fix.edit.document_changes
        assert change.text_document.version is None  # not open: the file on disk


async def test_fix_all(client: LanguageClient):
    directory = client.workspace / "fix_all"
    shutil.rmtree(directory, ignore_errors=True)
    shutil.copytree(client.workspace / "with_variables", directory)
    (directory / "extra.tf").write_text(
        'resource "aws_instance" "web" {\n  count = var.instance_count\n}\n'
    )
    path = directory / "main.tf"
    uri = await open_file(client, path)
    whole = lsp.Range(lsp.Position(0, 0), lsp.Position(3, 0))
    [action] = await code_actions(client, uri, whole, only=[FIX_ALL])
    assert action.kind == FIX_ALL
    if action.edit is None:  # clients that resolve edits get it on codeAction/resolve
        action = await client.code_action_resolve_async(action)
    variables = directory / "variables.tf"
    texts = {uri: path.read_text(), variables.as_uri(): variables.read_text()}
    apply_workspace_edit(action.edit, texts, client.position_encoding)
    expected = cli_fix_module(directory)
    assert texts[variables.as_uri()] == expected["variables.tf"]
    assert 'variable "instance_count"' in expected["variables.tf"]
    assert 'variable "aws_region"' in expected["variables.tf"]


async def test_suppress_action_silences_the_finding(client: LanguageClient):
    path = client.workspace / "region" / "main.tf"
    text = path.read_text()
    uri = await open_file(client, path)
    [diagnostic] = client.diagnostics[uri]
    [suppress] = [
        a for a in await code_actions(client, uri, diagnostic.range) if "Suppress" in a.title
    ]
    texts = {uri: text}
    apply_workspace_edit(suppress.edit, texts, client.position_encoding)
    assert texts[uri].splitlines()[2:4] == [
        "  # terrafix:ignore[TF001]",
        "  region = var.aws_region",
    ]
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=texts[uri])],
        )
    )
    assert await wait_for_diagnostics(client, uri) == []


async def test_positions_after_emoji_and_cjk(client: LanguageClient):
    path = client.workspace / "unicode" / "main.tf"
    text = path.read_text()
    uri = await open_file(client, path)
    [diagnostic] = client.diagnostics[uri]
    line = text.splitlines()[2]
    before = line[: line.index("var.aws_region")]
    encoding = client.position_encoding
    units = {
        "utf-8": len(before.encode("utf-8")),
        "utf-16": len(before.encode("utf-16-le")) // 2,
        "utf-32": len(before),
    }[str(encoding)]
    assert diagnostic.range.start == lsp.Position(2, units)
    [fix] = [a for a in await code_actions(client, uri, diagnostic.range) if a.is_preferred]
    texts = {uri: text}
    apply_workspace_edit(fix.edit, texts, encoding)
    if creates_files(client):
        expected = cli_fix_module(path.parent)
        assert texts[(path.parent / "variables.tf").as_uri()] == expected["variables.tf"]
    else:
        assert texts[uri] == cli_fix_buffer(path, text)


async def test_broken_buffer_gets_one_diagnostic_and_no_edits(client: LanguageClient):
    path = client.workspace / "region" / "main.tf"
    broken = (client.workspace / "broken.tf.txt").read_text()
    uri = await open_file(client, path, broken)
    [diagnostic] = client.diagnostics[uri]
    assert diagnostic.code == "syntax"
    assert diagnostic.message.startswith('file ends inside `provider "aws" {` opened at line 1')
    assert diagnostic.range.start == lsp.Position(3, 0)  # where the text stops
    everywhere = lsp.Range(lsp.Position(0, 0), lsp.Position(5, 0))
    assert await code_actions(client, uri, everywhere) == []


async def test_half_typed_buffer_keeps_findings_of_its_intact_parts(client: LanguageClient):
    path = client.workspace / "region" / "main.tf"
    text = (
        'provider "aws" {\n  region = var.aws_region\n}\n\n'
        'resource "aws_s3_bucket" "logs" {\n  bucket = "lo'
    )
    uri = await open_file(client, path, text)
    diagnostics = client.diagnostics[uri]
    assert sorted(str(d.code) for d in diagnostics) == ["TF001", "syntax", "syntax"]
    [finding] = [d for d in diagnostics if d.code == "TF001"]
    assert finding.range.start == lsp.Position(1, 11)
    # the quick fix declares the variable elsewhere; nothing edits the damaged block
    actions = await code_actions(client, uri, finding.range)
    assert any(a.is_preferred for a in actions)


async def test_broken_config_is_logged_and_defaults_apply(client: LanguageClient):
    directory = client.workspace / "region" / "bad-config"
    directory.mkdir(exist_ok=True)
    (directory / ".terrafix.toml").write_text("colour = 'blue'\n")
    path = directory / "main.tf"
    path.write_text('provider "aws" {\n  region = var.aws_region\n}\n')
    uri = await open_file(client, path)
    assert "TF001" in {d.code for d in client.diagnostics[uri]}
    assert any("unknown setting(s): colour" in m.message for m in client.log_messages)


async def test_typing_publishes_once_after_a_pause(client: LanguageClient):
    path = client.workspace / "region" / "main.tf"
    text = path.read_text()
    uri = await open_file(client, path)
    for version in range(2, 7):  # five keystrokes in a row
        text += "\n"
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
    async with asyncio.timeout(10):
        published = await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert published.version == 6  # nothing for the keystrokes in between
    assert [d.code for d in published.diagnostics] == ["TF001"]


async def test_quick_fix_keeps_a_missing_final_newline_missing(client: LanguageClient):
    """An appended declaration ends as the buffer did: editors that store lines (Neovim) add
    the final newline on writing, and one in the edit would become a blank last line."""
    directory = client.workspace / "noeol"
    directory.mkdir(exist_ok=True)
    path = directory / "main.tf"
    text = 'provider "aws" {\n  region = var.aws_region\n}'
    path.write_text(text)
    uri = await open_file(client, path)
    [diagnostic] = client.diagnostics[uri]
    [fix] = [a for a in await code_actions(client, uri, diagnostic.range) if a.is_preferred]
    texts = {uri: text}
    apply_workspace_edit(fix.edit, texts, client.position_encoding)
    if creates_files(client):
        assert texts[uri] == text
        assert texts[(directory / "variables.tf").as_uri()].endswith("}\n")
    else:
        assert texts == {uri: cli_fix_buffer(path, text)}
        assert texts[uri].endswith('default     = "us-east-1"\n}')


async def test_tfvars_buffer_gets_syntax_errors_and_undeclared_values(client: LanguageClient):
    directory = client.workspace / "with_variables"
    path = directory / "terraform.tfvars"
    uri = await open_file(client, path, 'environment = "prod"\nenviroment  = "dev"\n')
    [typo] = client.diagnostics[uri]
    assert typo.code == "undeclared-variable"
    assert typo.severity == lsp.DiagnosticSeverity.Warning
    assert typo.range == lsp.Range(lsp.Position(1, 0), lsp.Position(1, 10))
    assert "'enviroment'" in typo.message
    # declaring it in an open buffer of the module clears the warning before anything is saved
    main = directory / "main.tf"
    main_uri = await open_file(client, main)
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=main_uri, version=2),
            content_changes=[
                lsp.TextDocumentContentChangeWholeDocument(
                    text=main.read_text() + '\nvariable "enviroment" {\n  type = string\n}\n'
                )
            ],
        )
    )
    # (opening main.tf published the warning again, perhaps after main.tf's own diagnostics)
    assert await wait_until(client, uri, lambda items: items == []) == []
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text="environment = \n")],
        )
    )
    [broken] = await wait_until(client, uri, bool)
    assert broken.code == "syntax"
    assert broken.range.start == lsp.Position(0, 14)


async def wait_until(client: LanguageClient, uri: str, check, seconds: float = 10):
    """Diagnostics for ``uri`` once ``check`` accepts them (published by any later message)."""
    async with asyncio.timeout(seconds):
        while not check(list(client.diagnostics.get(uri, []))):
            await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return list(client.diagnostics[uri])


def watches_files(client: LanguageClient) -> bool:
    watched = client.capabilities.workspace.did_change_watched_files
    return bool(watched and watched.dynamic_registration)


def tell_watchers(client: LanguageClient, path: Path, kind: lsp.FileChangeType) -> None:
    """What a client that registered the server's watchers sends; others send nothing."""
    if client.registrations:
        client.workspace_did_change_watched_files(
            lsp.DidChangeWatchedFilesParams([lsp.FileEvent(uri=path.as_uri(), type=kind)])
        )


async def test_files_written_outside_the_editor_count(client: LanguageClient):
    """A variables.tf created, changed and deleted by another program: open buffers follow,
    through the watchers the client registered for the server, or else the server's polling."""
    registered = [r.method for r in client.registrations]
    assert registered == ([lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES] if watches_files(client) else [])
    directory = client.workspace / "watched"
    shutil.rmtree(directory, ignore_errors=True)
    shutil.copytree(client.workspace / "region", directory)
    uri = await open_file(client, directory / "main.tf")
    assert [d.code for d in client.diagnostics[uri]] == ["TF001"]
    await asyncio.sleep(1.2)  # a polling server has seen the folder once
    variables = directory / "variables.tf"
    variables.write_text('variable "aws_region" {\n  type = string\n}\n')
    tell_watchers(client, variables, lsp.FileChangeType.Created)
    assert await wait_until(client, uri, lambda items: items == []) == []
    variables.write_text('variable "aws_regions" {\n  type = string\n}\n')
    tell_watchers(client, variables, lsp.FileChangeType.Changed)
    [again] = await wait_until(client, uri, bool)
    assert again.code == "TF001"
    variables.unlink()
    tell_watchers(client, variables, lsp.FileChangeType.Deleted)
    # the file's own diagnostics (its unused-looking declaration, if any) go with it
    await wait_until(client, variables.as_uri(), lambda items: items == [])


async def test_findings_of_module_files_that_are_not_open(client: LanguageClient):
    directory = client.workspace / "not_open"
    shutil.rmtree(directory, ignore_errors=True)
    shutil.copytree(client.workspace / "with_variables", directory)
    extra = directory / "extra.tf"
    extra.write_text('resource "aws_instance" "web" {\n  count = var.instance_count\n}\n')
    uri = await open_file(client, directory / "variables.tf")
    [finding] = await wait_until(client, extra.as_uri(), bool)
    assert finding.code == "TF001"
    assert finding.range.start == lsp.Position(1, 10)
    [in_main] = await wait_until(client, (directory / "main.tf").as_uri(), bool)
    assert in_main.code == "TF001"
    client.text_document_did_close(
        lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri=uri))
    )
    client.opened.discard(uri)
    # with no buffer of the module open, nothing keeps its files' diagnostics current
    assert await wait_until(client, extra.as_uri(), lambda items: items == []) == []
    main_uri = (directory / "main.tf").as_uri()
    assert await wait_until(client, main_uri, lambda items: items == []) == []


async def test_hover_explains_the_rule_and_diagnostics_link_its_page(client: LanguageClient):
    path = client.workspace / "region" / "main.tf"
    uri = await open_file(client, path)
    [diagnostic] = client.diagnostics[uri]
    page = Path(__file__).resolve().parents[1] / "docs" / "rules" / "TF001.md"
    assert diagnostic.code_description.href == page.as_uri()
    explained = subprocess.run(
        [str(TERRAFIX), "explain", "TF001"], capture_output=True, text=True, check=True
    ).stdout
    assert page.read_text() == "# " + explained
    inside = lsp.Position(2, diagnostic.range.start.character + 3)
    hover = await client.text_document_hover_async(
        lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=inside)
    )
    assert hover.contents.kind == lsp.MarkupKind.Markdown
    assert hover.range == diagnostic.range
    title, explanation = hover.contents.value.split("\n\n", 1)
    assert title == f"**TF001 aws-region-variable**: {diagnostic.message}"
    assert explanation + "\n" == explained.split("\n\n", 1)[1]
    elsewhere = lsp.Position(0, 0)
    assert (
        await client.text_document_hover_async(
            lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=elsewhere)
        )
        is None
    )


CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"
FORMATTED = [
    "terraform-aws-modules+terraform-aws-ecs/modules/express-service/main.tf",
    "terraform-aws-modules+terraform-aws-ecs/modules/express-service/variables.tf",
    "terraform-aws-modules+terraform-aws-alb/main.tf",
]


def perturbed(text: str) -> str:
    """`terraform fmt`-clean text made unclean: alignment collapsed, indentation off by one,
    spaces around operators and after commas dropped on every third line."""
    out = []
    for i, line in enumerate(text.split("\n")):
        line = re.sub(r"^(\s*[\w\"-]+)\s+= ", r"\1 = ", line)
        if i % 3 == 0:
            line = re.sub(r"^(\s+)", r"\1 ", line).replace(", ", ",").replace(" = ", "=", 1)
        out.append(line)
    return "\n".join(out)


@needs_oracle
@pytest.mark.skipif(shutil.which("terraform") is None, reason="formatting runs terraform fmt")
@pytest.mark.skipif(not CORPUS.is_dir(), reason="the corpus of real modules is not checked out")
@pytest.mark.parametrize("name", FORMATTED)
async def test_formatting_is_terraform_fmt(client: LanguageClient, name: str, tmp_path: Path):
    original = (CORPUS / name).read_text()
    text = perturbed(original)
    assert text != original
    path = client.workspace / "formatting" / Path(name).name
    path.parent.mkdir(exist_ok=True)
    uri = await open_file(client, path, text)
    edits = await client.text_document_formatting_async(
        lsp.DocumentFormattingParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            options=lsp.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )
    formatted = apply_text_edits(text, edits, client.position_encoding)
    assert formatted != text
    scratch = tmp_path / Path(name).name
    scratch.write_text(text)
    assert formatted == oracle_fmt(scratch)  # HashiCorp's hclwrite.Format, byte for byte
    scratch.write_text(formatted)
    assert not not_fmt_clean([scratch])


async def test_formatting_leaves_a_broken_buffer_alone(client: LanguageClient):
    path = client.workspace / "formatting" / "broken.tf"
    path.parent.mkdir(exist_ok=True)
    uri = await open_file(client, path, 'resource "a" "b" {\n  x=\n')
    edits = await client.text_document_formatting_async(
        lsp.DocumentFormattingParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            options=lsp.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )
    assert not edits
