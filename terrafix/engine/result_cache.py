"""Earlier runs' results, per module, so an unchanged repository is checked again in about the
time it takes to read it.

A module's result is stored under a key made of everything the run gave it: its files' texts,
its callers, the folder it sits in, the config, whether it was a fix, and terrafix's own code.
What its rules looked at on the disk beyond those files (a caller's files, the zip a Lambda
names, a README) is stored with it as probes; the result is used again only while every probe
still holds. The files are JSON, never pickle: a damaged or planted cache file can at worst be
ignored, never run code.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..model.calls import CallSite
from ..model.disk import Rechecks
from ..user_cache import write_atomically
from .config import Config
from .outcome_codec import decode_result, encode_result

if TYPE_CHECKING:
    from .pipeline import ModuleJob
    from .results import RunResult

# Bumped when the stored layout changes; old entries are then simply never found.
CACHE_FORMAT = 2
RESULTS = f"results-v{CACHE_FORMAT}"
CALLS = f"calls-v{CACHE_FORMAT}"
# Edited files, other configs and every upgrade leave entries that no key names again: an entry
# no run has used for this long is removed, and the cache is looked over at most once a day.
UNUSED_FOR = 30 * 24 * 3600
TIDY_EVERY = 24 * 3600
TIDIED = ".tidied"  # the stamp of the last look, inside the results folder


class ResultCache:
    """Module results under ``directory``; any problem reading or writing it costs a
    recomputation, never a wrong or failed run."""

    def __init__(self, directory: Path, config: Config) -> None:
        self.directory = directory / RESULTS
        self.calls_directory = directory / CALLS
        # Entries are named by text: a run names hundreds, and a Path costs more to build.
        self._results_folder = str(self.directory)
        self._calls_folder = str(self.calls_directory)
        # The disk's answers during this run: modules of one repository ask the same questions
        # (its walk for callers), and each is asked once.
        self._rechecks = Rechecks()
        self._code = _digest(str(CACHE_FORMAT), code_fingerprint())
        self._salt = _digest(self._code, config_fingerprint(config), os.getcwd())

    def key(self, job: ModuleJob, fix: bool, fix_texts: bool = True) -> str:
        kind = ("fix" if fix else "check") + ("" if fix_texts else " without fix texts")
        parts = [self._salt, kind, str(job.directory), str(job.top)]
        parts += [str(caller) for caller in job.callers]
        for path, text in sorted(job.texts.items()):
            parts += [str(path), text]
        return _digest(*parts)

    def load(self, key: str, job: ModuleJob) -> RunResult | None:
        """The result stored for ``key`` (made of ``job``), while what it saw still holds."""
        path = self._path(key)
        try:
            with open(path, "rb") as handle:
                stored = json.loads(handle.read())
            if stored.get("key") != key or not self._rechecks.hold(stored["probes"]):
                return None
            result = decode_result(stored["result"], _known_files(job))
        except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
            return None
        _mark_used(path)
        return result

    def store(self, key: str, job: ModuleJob, result: RunResult, probes) -> None:
        """Keep ``result``, computed for ``job`` under ``key``, with the probes it made."""
        probes = sorted(probes, key=lambda p: (p.kind, p.path))
        known = [text for _, text in _known_files(job)]
        data = {"key": key, "probes": probes, "result": encode_result(result, known)}
        try:
            text = json.dumps(data, separators=(",", ":"))
        except (TypeError, ValueError):  # a probe JSON cannot hold: the result is not kept
            return
        write_atomically(Path(self._path(key)), text)

    def call_sites(self, text: str) -> list[CallSite] | None:
        """The `module` blocks of a file with this text, as ``store_call_sites`` kept them."""
        path = self._calls_path(text)
        try:
            with open(path, encoding="utf-8") as handle:
                sites = [(name, source) for name, source in json.load(handle)]
        except (OSError, ValueError, TypeError):
            return None
        _mark_used(path)
        return sites

    def store_call_sites(self, text: str, sites: list[CallSite]) -> None:
        write_atomically(Path(self._calls_path(text)), json.dumps(sites))

    def _calls_path(self, text: str) -> str:
        return _entry(self._calls_folder, _digest(self._code, text))

    def _path(self, key: str) -> str:
        return _entry(self._results_folder, key)

    def tidy(self, now: float | None = None) -> list[Path]:
        """Remove the entries no run has used for ``UNUSED_FOR``, if the last look was more than
        ``TIDY_EVERY`` ago (a run that used an entry marked it). Returns what was removed."""
        now = time.time() if now is None else now
        stamp = self.directory / TIDIED
        try:
            if now - stamp.stat().st_mtime < TIDY_EVERY:
                return []
        except OSError:  # never looked over yet
            pass
        write_atomically(stamp, "")
        removed = []
        for folder in (self.directory, self.calls_directory):
            for entry in folder.glob("??/*.json"):
                try:
                    if now - entry.stat().st_mtime > UNUSED_FOR:
                        entry.unlink()
                        removed.append(entry)
                except OSError:  # another run removed or replaced it meanwhile
                    continue
        return removed


def _mark_used(path: str) -> None:
    """Note that a run used the entry at ``path`` (its time is what ``tidy`` looks at)."""
    with contextlib.suppress(OSError):
        os.utime(path)


def _entry(directory: str, key: str) -> str:
    """Where the entry for ``key`` lives: spread over folders by its first two digits."""
    return os.path.join(directory, key[:2], f"{key}.json")


def clean(directory: Path) -> list[Path]:
    """Remove what terrafix keeps under ``directory`` (results, grammar tables) and nothing
    else: the folder may be one a person named. Returns what was removed."""
    import shutil  # here: only `terrafix clean` removes folders, and a check starts sooner

    removed = []
    if not directory.is_dir():
        return removed
    for entry in sorted(directory.iterdir()):
        if entry.is_dir() and entry.name.startswith(("results-v", "calls-v")):
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.is_file() and entry.name.startswith("lalr-") and entry.suffix == ".json":
            entry.unlink(missing_ok=True)
        else:
            continue
        removed.append(entry)
    return removed


def code_fingerprint() -> str:
    """terrafix's own code as installed: its version alone would miss an edited checkout."""
    import terrafix
    from terrafix import transforms

    parts = [terrafix.__version__]
    for package in (terrafix, transforms):
        root = Path(package.__file__).parent
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".py", ".lark", ".json")):
                    stat = os.stat(os.path.join(folder, name))
                    parts.append(f"{folder}/{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return _digest(*parts)


def config_fingerprint(config: Config) -> str:
    """What in the config can change a module's result (not where the config came from)."""
    return json.dumps(
        {
            "select": config.select,
            "ignore": config.ignore,
            "unsafe_fixes": config.unsafe_fixes,
            "profile": config.profile,
            "rules": config.rules,
        },
        sort_keys=True,
        default=str,
    )


def _known_files(job: ModuleJob) -> list[tuple[Path, str]]:
    """The files whose texts an entry names by place instead of holding: the job's, in the
    order its key takes them (one key, one order)."""
    return sorted(job.texts.items())


def _digest(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        encoded = part.encode("utf-8", "surrogatepass")
        digest.update(b"%d\0" % len(encoded))
        digest.update(encoded)
    return digest.hexdigest()
