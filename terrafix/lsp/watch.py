"""Files changed outside the editor: a `variables.tf` written by another tool, a `git checkout`.

A client that can register file watchers dynamically (VS Code) is asked to report changes to
the files a module is made of; for other clients (Neovim 0.7 states no watcher support) the
server looks at the folders of open buffers itself, once a second, comparing each file's size
and modification time.
"""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types as lsp

POLL_SECONDS = 1.0
WATCHED_SUFFIXES = (".tf", ".tfvars")
CONFIG_NAMES = (".terrafix.toml", "pyproject.toml")
GLOBS = ("**/*.tf", "**/*.tfvars", "**/.terrafix.toml", "**/pyproject.toml")
REGISTRATION_ID = "terrafix-watched-files"


def can_register_watchers(capabilities: lsp.ClientCapabilities) -> bool:
    watched = capabilities.workspace and capabilities.workspace.did_change_watched_files
    return bool(watched and watched.dynamic_registration)


def registration() -> lsp.RegistrationParams:
    """The watcher registration: every module, tfvars and configuration file of the workspace."""
    options = lsp.DidChangeWatchedFilesRegistrationOptions(
        watchers=[lsp.FileSystemWatcher(glob_pattern=glob) for glob in GLOBS]
    )
    return lsp.RegistrationParams(
        registrations=[
            lsp.Registration(
                id=REGISTRATION_ID,
                method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=options,
            )
        ]
    )


def is_config(path: Path) -> bool:
    return path.name in CONFIG_NAMES


def snapshot(directory: Path) -> frozenset[tuple[str, int, int]]:
    """(name, size, mtime) of the folder's module and tfvars files: what a poll compares."""
    out = set()
    try:
        for entry in directory.iterdir():
            if entry.name.endswith(WATCHED_SUFFIXES) or entry.name in CONFIG_NAMES:
                try:
                    stat = entry.stat()
                except OSError:
                    continue
                out.add((entry.name, stat.st_size, stat.st_mtime_ns))
    except OSError:
        pass
    return frozenset(out)
