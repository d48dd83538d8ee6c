"""Editor latency: what a person waits for after asking for a quick fix.

Usage: ``python bench/editor_latency.py [--runs N] [--large FILE] [--small FILE]``

Two measurements, each the median of ``--runs`` (default 10) after one untimed warm-up:

- **Fresh process**: ``terrafix fix --stdin-filename FILE -`` with the buffer on stdin, as
  efm-langserver, nvim-lint or conform start it on every request (Python start-up, imports,
  parsing the module, running the rules, printing the buffer). Each file is measured as it is in
  the corpus and with one line added that references an undeclared ``var.aws_region``, so the
  TF001 fix does real work. The floors show what Python and the CLI cost before any work, and
  ``--select TF001`` what the quick fix costs without the other rules' analysis.
- **Warm server**: ``terrafix lsp`` already running with the file open; the time from sending
  ``textDocument/codeAction`` at the TF001 diagnostic to receiving the actions, with the buffer
  unchanged since its diagnostics (warm) and right after an edit (the module is re-analysed).

Python runs as it does for users, with bytecode caches: PYTHONDONTWRITEBYTECODE is dropped and
the caches go to a temporary PYTHONPYCACHEPREFIX, so nothing is written into the repository.

The files default to a ~1,000-line and a ~50-line file of ../shared/corpus/generated; each is
copied with its module directory into a temporary folder, so the corpus is never touched.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "generated"
LARGE = CORPUS / "Pr3710" / "model" / "main.tf"
SMALL = CORPUS / "Pr2731" / "model" / "outputs.tf"
TERRAFIX = Path(sys.executable).with_name("terrafix")
UNDECLARED = '\noutput "bench_region" {\n  value = var.terrafix_bench_region\n}\n'
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed_runs(command: list[str], runs: int, *, stdin: str = "", cwd: Path | None = None):
    """Wall-clock seconds of each run, and the CPU seconds (user + system) the process used.

    On a shared machine the wall clock also counts waiting for a core; CPU time does not, so
    the two together tell a slow run from a busy machine.
    """
    walls, cpus = [], []
    for i in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(
            command, input=stdin, capture_output=True, text=True, cwd=cwd, env=ENV, check=False
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if i:  # the first run warms the page cache and the bytecode cache
            walls.append(wall)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return walls, cpus


def module_copy(source: Path, root: Path, name: str, extra: str = "") -> Path:
    """``source``'s module directory copied under ``root``; returns the copied buffer path."""
    target = root / name
    shutil.copytree(source.parent, target)
    buffer = target / source.name
    if extra:
        buffer.write_text(buffer.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return buffer


def fresh_process(buffer: Path, runs: int, *options: str) -> str:
    command = [str(TERRAFIX), "fix", *options, "--stdin-filename", buffer.name, "-"]
    text = buffer.read_text(encoding="utf-8")
    return _figure(timed_runs(command, runs, stdin=text, cwd=buffer.parent))


def _figure(samples: tuple[list[float], list[float]]) -> str:
    """``wall ms (cpu ms)``, medians."""
    walls, cpus = samples
    return f"{median_ms(walls):.0f} ms ({median_ms(cpus):.0f})"


async def warm_server(buffer: Path, runs: int) -> tuple[float, float]:
    """Median code-action round trips: unchanged buffer, and right after an edit."""
    from lsprotocol import types as lsp
    from pygls.lsp.client import LanguageClient

    client = LanguageClient("editor-latency", "1")
    diagnostics: dict[str, list] = {}
    arrived = asyncio.Event()

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def _published(params: lsp.PublishDiagnosticsParams) -> None:
        diagnostics[params.uri] = list(params.diagnostics)
        arrived.set()

    await client.start_io(str(TERRAFIX), "lsp", env=ENV)
    capabilities = lsp.ClientCapabilities(
        workspace=lsp.WorkspaceClientCapabilities(
            workspace_edit=lsp.WorkspaceEditClientCapabilities(
                document_changes=True, resource_operations=[lsp.ResourceOperationKind.Create]
            )
        ),
        text_document=lsp.TextDocumentClientCapabilities(
            code_action=lsp.CodeActionClientCapabilities(
                resolve_support=lsp.ClientCodeActionResolveOptions(properties=["edit"])
            )
        ),
    )
    await client.initialize_async(
        lsp.InitializeParams(capabilities=capabilities, root_uri=buffer.parent.as_uri())
    )
    client.initialized(lsp.InitializedParams())
    uri = buffer.as_uri()
    text = buffer.read_text(encoding="utf-8")
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "terraform", 1, text))
    )
    await asyncio.wait_for(arrived.wait(), 60)
    [target] = [d for d in diagnostics[uri] if d.code == "TF001" and "bench" in d.message]

    async def round_trip() -> float:
        start = time.perf_counter()
        actions = await client.text_document_code_action_async(
            lsp.CodeActionParams(
                text_document=lsp.TextDocumentIdentifier(uri),
                range=target.range,
                context=lsp.CodeActionContext(diagnostics=[target]),
            )
        )
        elapsed = time.perf_counter() - start
        assert any(a.is_preferred for a in actions or []), "no quick fix came back"
        return elapsed

    await round_trip()
    warm = [await round_trip() for _ in range(runs)]
    after_edit = []
    for version in range(2, runs + 2):
        text += "\n"  # an edit below the finding: the module is analysed again
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        after_edit.append(await round_trip())
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return median_ms(warm), median_ms(after_edit)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--large", type=Path, default=LARGE)
    parser.add_argument("--small", type=Path, default=SMALL)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ENV["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
        python_floor = _figure(timed_runs([sys.executable, "-c", "pass"], args.runs))
        cli_floor = _figure(timed_runs([str(TERRAFIX), "--version"], args.runs))
        print("median wall clock (median CPU time, user + system)")
        print(f"floor: python -c pass {python_floor}; terrafix --version {cli_floor}")
        print(
            f"{'fresh process':<32} {'lines':>5}  {'fix':>14}  {'+ TF001 fix':>14}"
            f"  {'--select TF001':>14}"
        )
        for label, source in (("large", args.large), ("small", args.small)):
            plain = module_copy(source, root, f"{label}-plain")
            undeclared = module_copy(source, root, f"{label}-undeclared", UNDECLARED)
            lines = len(plain.read_text(encoding="utf-8").splitlines())
            name = str(source.relative_to(CORPUS)) if source.is_relative_to(CORPUS) else str(source)
            print(
                f"{name:<32} {lines:>5}  {fresh_process(plain, args.runs):>14}"
                f"  {fresh_process(undeclared, args.runs):>14}"
                f"  {fresh_process(undeclared, args.runs, '--select', 'TF001'):>14}"
            )
        for label, source in (("large", args.large), ("small", args.small)):
            buffer = root / f"{label}-undeclared" / source.name
            warm, edited = asyncio.run(warm_server(buffer, args.runs))
            print(
                f"server code action, {label}: {warm:.1f} ms warm, {edited:.1f} ms right after an edit"
            )


if __name__ == "__main__":
    main()
