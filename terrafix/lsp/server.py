"""`terrafix lsp`: diagnostics as you type, quick fixes, suppressions and fix-all over stdio."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from .. import __version__
from ..engine.findings import Applicability
from ..engine.pipeline import run
from ..model.tfvars import is_tfvars
from ..output.lsp import UTF16, LspPositions
from . import actions
from .context import ModuleContext
from .edits import EditSupport, diagnostic, syntax_diagnostic, text_edits, tfvars_diagnostics
from .explain import explain_finding
from .formatting import terraform_binary, terraform_fmt
from .placement import confine
from .watch import POLL_SECONDS, can_register_watchers, is_config, registration, snapshot

DEBOUNCE_SECONDS = 0.15  # after a keystroke; opening and saving publish at once
logger = logging.getLogger(__name__)


class TerrafixServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("terrafix", __version__)
        self.context = ModuleContext()
        self.pending: dict[Path, asyncio.TimerHandle] = {}
        # Module files that are not open, with what was last published for them, per folder.
        self.on_disk: dict[Path, dict[Path, list[lsp.Diagnostic]]] = {}
        self.disk_state: dict[Path, frozenset] = {}  # the polled folders' files, last seen
        self.polling: asyncio.Task | None = None

    # --------------------------------------------------------------------- documents

    def buffers(self) -> dict[Path, str]:
        out = {}
        for uri, document in self.workspace.text_documents.items():
            path = path_of(uri)
            if path is not None:
                out[path] = document.source
        return out

    def versions(self) -> dict[Path, int]:
        out = {}
        for uri, document in self.workspace.text_documents.items():
            path = path_of(uri)
            if path is not None and document.version is not None:
                out[path] = document.version
        return out

    @property
    def encoding(self) -> str:
        return str(self.workspace.position_encoding or UTF16)

    # ------------------------------------------------------------------- diagnostics

    def schedule(self, directory: Path, delay: float) -> None:
        handle = self.pending.pop(directory, None)
        if handle is not None:
            handle.cancel()
        if delay <= 0:
            self.publish(directory)
            return
        loop = asyncio.get_running_loop()
        self.pending[directory] = loop.call_later(delay, self.publish, directory)

    def open_directories(self) -> set[Path]:
        return {p.parent for p in self.buffers()}

    def publish(self, directory: Path) -> None:
        """Diagnostics for every file of the module in ``directory`` while one of its files is
        open: open buffers as typed, the others as on disk."""
        self.pending.pop(directory, None)
        buffers = self.buffers()
        if not any(p.parent == directory for p in buffers):
            self.forget_disk_files(directory)
            return
        try:
            module = self.context.module(directory, buffers)
            findings = self.context.findings(module)
        except Exception as err:  # a rule's bug must not take the editor down with it
            logger.exception("terrafix: analysing %s failed", directory)
            self.window_log_message(
                lsp.LogMessageParams(lsp.MessageType.Error, f"terrafix: {directory}: {err!r}")
            )
            return
        while self.context.problems:
            self.window_log_message(
                lsp.LogMessageParams(lsp.MessageType.Warning, self.context.problems.pop(0))
            )
        open_paths = [p for p in buffers if p.parent == directory]
        versions = self.versions()
        for path in open_paths:
            source = module.files.get(path)
            if source is None:
                if is_tfvars(path):
                    self._publish(
                        path,
                        tfvars_diagnostics(path, buffers[path], module, self.encoding),
                        versions,
                    )
                continue
            # A half-typed buffer keeps the findings of its intact parts beside its syntax errors.
            items = [syntax_diagnostic(e, source.text, self.encoding) for e in source.errors]
            items += [diagnostic(f, source.text, self.encoding) for f in findings if f.path == path]
            self._publish(path, items, versions)
        self.publish_disk_files(directory, module, findings, buffers)

    def publish_disk_files(self, directory: Path, module, findings, buffers) -> None:
        """The module's files that are not open: published when what they show changes, and
        cleared when they leave the module (deleted, or opened as a buffer)."""
        before = self.on_disk.get(directory, {})
        now: dict[Path, list[lsp.Diagnostic]] = {}
        for path, source in module.files.items():
            if path in buffers:
                continue
            items = [syntax_diagnostic(e, source.text, self.encoding) for e in source.errors]
            items += [diagnostic(f, source.text, self.encoding) for f in findings if f.path == path]
            if items or path in before:
                now[path] = items
            if items != before.get(path):
                self._publish(path, items, {})
        for path in before.keys() - now.keys():
            if path not in buffers:
                self._publish(path, [], {})
        self.on_disk[directory] = {p: items for p, items in now.items() if items}

    def forget_disk_files(self, directory: Path) -> None:
        """No buffer of the module is open: its files' diagnostics would go stale unseen."""
        for path, items in self.on_disk.pop(directory, {}).items():
            if items:
                self._publish(path, [], {})
        self.disk_state.pop(directory, None)

    # ------------------------------------------------------------ files changed on disk

    def start_watching(self) -> None:
        """Ask the client to report file changes, or look for them ourselves."""
        if can_register_watchers(self.client_capabilities):
            self.client_register_capability(registration(), callback=lambda *_: None)
        else:
            self.polling = asyncio.get_running_loop().create_task(self.poll())

    def files_changed(self, paths: list[Path]) -> None:
        if any(is_config(p) for p in paths):
            self.context.forget_configs()
            directories = self.open_directories()
        else:
            directories = {p.parent for p in paths} & self.open_directories()
        for directory in directories:
            self.schedule(directory, 0)

    async def poll(self) -> None:
        while True:
            await asyncio.sleep(POLL_SECONDS)
            try:
                self.poll_once()
            except Exception:  # a vanished folder must not stop the watching of the others
                logger.exception("terrafix: looking for changed files failed")

    def poll_once(self) -> None:
        for directory in self.open_directories():
            state = snapshot(directory)
            before = self.disk_state.get(directory)
            self.disk_state[directory] = state
            if before is not None and state != before:
                changed = {name for name, *_ in state ^ before}
                self.files_changed([directory / name for name in changed])

    def _publish(self, path: Path, items: list[lsp.Diagnostic], versions: dict[Path, int]) -> None:
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(
                uri=uri_of(path), diagnostics=items, version=versions.get(path)
            )
        )

    def clear(self, uri: str) -> None:
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    # ------------------------------------------------------------------------ hover

    def hover(self, params: lsp.HoverParams) -> lsp.Hover | None:
        """The explanation of each rule with a finding under the cursor."""
        path = path_of(params.text_document.uri)
        module = None if path is None else self._module(path)
        if module is None:
            return None
        text = module.files[path].text
        positions = LspPositions(text, self.encoding)
        offset = positions.offset(params.position.line, params.position.character)
        here = [
            f
            for f in self.context.findings(module)
            if f.path == path and f.start <= offset <= max(f.end, f.start + 1)
        ]
        if not here:
            return None
        markdown = self._speaks_markdown()
        value = "\n\n---\n\n".join(explain_finding(f, markdown) for f in here)
        kind = lsp.MarkupKind.Markdown if markdown else lsp.MarkupKind.PlainText
        first = min(here, key=lambda f: (f.start, f.end))
        start, end = positions.position(first.start), positions.position(first.end)
        return lsp.Hover(
            contents=lsp.MarkupContent(kind=kind, value=value),
            range=lsp.Range(lsp.Position(**start), lsp.Position(**end)),
        )

    def _speaks_markdown(self) -> bool:
        hover = self.client_capabilities.text_document and (
            self.client_capabilities.text_document.hover
        )
        return bool(hover and lsp.MarkupKind.Markdown in (hover.content_format or ()))

    # ------------------------------------------------------------------ code actions

    def _module(self, path: Path):
        """The module holding ``path`` (files that do not parse included: fixes go around
        their damage), or None when ``path`` is not one of its files."""
        module = self.context.module(path.parent, self.buffers())
        if path not in module.files:
            return None
        return module

    def _request(self, path: Path, module, start: int, end: int, only) -> actions.Request:
        return actions.Request(
            path=path,
            start=start,
            end=end,
            only=list(only) if only else None,
            texts={p: s.text for p, s in module.files.items()},
            trees={p: s.tree for p, s in module.files.items()},
            versions=self.versions(),
            support=EditSupport.of(self.client_capabilities),
            encoding=self.encoding,
            uri_of=uri_of,
        )

    def code_actions(self, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        path = path_of(params.text_document.uri)
        module = None if path is None else self._module(path)
        if module is None:
            return []
        positions = LspPositions(module.files[path].text, self.encoding)
        start = positions.offset(params.range.start.line, params.range.start.character)
        end = positions.offset(params.range.end.line, params.range.end.character)
        request = self._request(path, module, start, end, params.context.only)
        findings = self.context.findings(module)  # fixes into damaged text already dropped
        result: list[lsp.CodeAction] = []
        if request.wants(lsp.CodeActionKind.QuickFix):
            for finding in findings:
                if actions.overlaps(finding, request):
                    for make in (actions.quick_fix, actions.suppress):
                        action = make(finding, request)
                        if action is not None:
                            result.append(action)
        if request.wants(actions.FIX_ALL) and any(
            f.fix and f.fix.applicability is Applicability.SAFE for f in findings
        ):
            if self._resolves_edits():
                # Running every fix takes longer than a keystroke: the edit comes on resolve.
                result.append(actions.fix_all_unresolved(params.text_document.uri))
            else:
                action = self.fix_all(path, module, request)
                if action is not None:
                    result.append(action)
        return result

    def _resolves_edits(self) -> bool:
        code_action = (
            self.client_capabilities.text_document
            and self.client_capabilities.text_document.code_action
        )
        support = code_action and code_action.resolve_support
        return bool(support and "edit" in support.properties)

    def resolve(self, action: lsp.CodeAction) -> lsp.CodeAction:
        """Fill in the fix-all edit for the buffer named in the action's data."""
        uri = (action.data or {}).get("uri") if isinstance(action.data, dict) else None
        path = None if uri is None else path_of(uri)
        module = None if path is None else self._module(path)
        if action.kind != actions.FIX_ALL or module is None:
            return action
        resolved = self.fix_all(path, module, self._request(path, module, 0, 0, None))
        if resolved is not None:
            action.edit = resolved.edit
        return action

    def fix_all(self, path: Path, module, request: actions.Request):
        """The pipeline's fix run over the module, with open buffers in place of their files."""
        config = self.context.config(module.directory)
        adapt = confine(path, writable=lambda _: True, can_create=request.support.create_files)
        overrides = {p: t for p, t in request.texts.items() if p in request.versions}
        outcome = run([path], config, fix=True, overrides=overrides, adapt=adapt)
        if outcome.errors:
            return None
        changed = {f.path: f for f in outcome.changed_files}
        base = {p: f.original for p, f in changed.items()}
        final = {p: f.final for p, f in changed.items()}
        return actions.fix_all(base, final, request)


def path_of(uri: str) -> Path | None:
    path = to_fs_path(uri)
    return None if path is None else Path(path)


def uri_of(path: Path) -> str:
    return from_fs_path(str(path))


def build() -> TerrafixServer:
    server = TerrafixServer()

    @server.feature(lsp.INITIALIZED)
    def initialized(ls: TerrafixServer, params: lsp.InitializedParams) -> None:
        ls.start_watching()

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched_files(ls: TerrafixServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        ls.files_changed([p for change in params.changes if (p := path_of(change.uri))])

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: TerrafixServer, params: lsp.DidOpenTextDocumentParams) -> None:
        if (path := path_of(params.text_document.uri)) is not None:
            ls.schedule(path.parent, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: TerrafixServer, params: lsp.DidChangeTextDocumentParams) -> None:
        if (path := path_of(params.text_document.uri)) is not None:
            ls.schedule(path.parent, DEBOUNCE_SECONDS)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: TerrafixServer, params: lsp.DidSaveTextDocumentParams) -> None:
        if (path := path_of(params.text_document.uri)) is not None:
            ls.context.forget_configs()
            ls.schedule(path.parent, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: TerrafixServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.clear(params.text_document.uri)
        if (path := path_of(params.text_document.uri)) is not None:
            ls.schedule(path.parent, 0)

    terraform = terraform_binary()
    if terraform is not None:  # no formatting offered at all without `terraform fmt`

        @server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
        def formatting(ls: TerrafixServer, params: lsp.DocumentFormattingParams):
            document = ls.workspace.get_text_document(params.text_document.uri)
            formatted = terraform_fmt(document.source, terraform)
            if formatted is None:  # a buffer that does not parse stays as it is
                return None
            return text_edits(document.source, formatted, ls.encoding)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: TerrafixServer, params: lsp.HoverParams) -> lsp.Hover | None:
        try:
            return ls.hover(params)
        except Exception:
            logger.exception("terrafix: hover in %s failed", params.text_document.uri)
            return None

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(
            code_action_kinds=[lsp.CodeActionKind.QuickFix, actions.FIX_ALL],
            resolve_provider=True,
        ),
    )
    def code_action(ls: TerrafixServer, params: lsp.CodeActionParams):
        try:
            return ls.code_actions(params)
        except Exception:
            logger.exception("terrafix: code actions for %s failed", params.text_document.uri)
            return []

    @server.feature(lsp.CODE_ACTION_RESOLVE)
    def code_action_resolve(ls: TerrafixServer, action: lsp.CodeAction) -> lsp.CodeAction:
        try:
            return ls.resolve(action)
        except Exception:
            logger.exception("terrafix: resolving %s failed", action.title)
            return action

    return server


def serve() -> None:
    """Run the server on stdin/stdout until the client exits."""
    build().start_io()
