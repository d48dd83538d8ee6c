"""Every look at the disk a module's analysis makes beyond the module's own files.

Rules read callers and called modules, a README, auto-loaded `.tfvars`, the files a Lambda
points at. A result kept for a module stays true only while all of these stay as they were, so
each look goes through this module: inside ``recording()`` every look is noted as a `Probe` (what
was asked, of which path, and what the disk answered), and ``probes_still_hold`` asks again.
Outside a recording each function is the plain call it wraps.
"""

from __future__ import annotations

import errno
import fnmatch
import hashlib
import io
import os
import re
import stat
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache, wraps
from pathlib import Path
from typing import NamedTuple, TypeVar


class Probe(NamedTuple):
    """One look at the disk: its kind, the path looked at (for a glob, the pattern joined to its
    folder) and what was seen (a digest, a flag, names, or the name of the error raised)."""

    kind: str
    path: str
    seen: Hashable


_RECORDER: ContextVar[set[Probe] | None] = ContextVar("terrafix_disk_recorder", default=None)


@contextmanager
def recording() -> Iterator[set[Probe]]:
    """Collect the probes made in this context (this thread) until the block ends; an enclosing
    recording gets them too, as what the inner block depended on the outer one did."""
    probes: set[Probe] = set()
    outer = _RECORDER.get()
    token = _RECORDER.set(probes)
    try:
        yield probes
    finally:
        _RECORDER.reset(token)
        if outer is not None:
            outer |= probes


def probes_still_hold(probes: Iterable[Probe]) -> bool:
    """True when the disk answers every probe as it did when it was recorded."""
    return all(observe(probe.kind, probe.path) == probe.seen for probe in probes)


class Rechecks:
    """Asks the disk again, for a whole run, whether stored probes still hold.

    A warm run re-asks thousands of probes, and the modules of one repository share most of
    them (each module's walk up its parents, its callers' files): each is asked once. The kinds
    a file's status answers (exists, is_file, is_dir, stamp) share one ``os.stat`` per path,
    answered as ``Path``'s methods answer (a probe's path is a ``Path``'s text already).
    """

    def __init__(self) -> None:
        self._answers: dict[tuple[str, str], object] = {}
        self._statuses: dict[str, os.stat_result | Exception] = {}

    def hold(self, stored: Iterable[list]) -> bool:
        """True when the disk answers every stored ``[kind, path, seen]`` as it did (``seen``
        as JSON holds it: a tuple became a list)."""
        answers = self._answers
        for kind, path, seen in stored:
            asked = (kind, path)
            answer = answers.get(asked, _UNASKED)
            if answer is _UNASKED:
                answer = answers[asked] = _as_json(self._observe(kind, path))
            if answer != seen:
                return False
        return True

    def _observe(self, kind: str, path: str) -> Hashable:
        question = _STATUS_QUESTIONS.get(kind)
        if question is None:
            return observe(kind, path)
        status = self._statuses.get(path)
        if status is None:
            try:
                status = os.stat(path)
            except (OSError, ValueError) as err:
                status = err
            self._statuses[path] = status
        return question(status)


def _missing(status: Exception) -> bool | str:
    """False for a status ``Path``'s predicates answer False to (no such path, a file where a
    folder should be, a path the OS cannot take); else the error's name is the answer."""
    if isinstance(status, ValueError):
        return False
    if (
        getattr(status, "errno", None) in _ABSENT
        or getattr(status, "winerror", None) in _ABSENT_WIN
    ):
        return False
    return type(status).__name__


def _stamp_of(status: os.stat_result | Exception) -> Hashable:
    if isinstance(status, ValueError):  # as ``Path.stat`` raises it: no answer, no reuse
        raise status
    if isinstance(status, OSError):
        return type(status).__name__
    return status.st_mtime_ns, status.st_size


# As pathlib (3.11) decides that an error means "no": ``pathlib._IGNORED_ERRNOS`` and
# ``_IGNORED_WINERRORS``.
_ABSENT = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)
_ABSENT_WIN = (21, 123, 1921)
_STATUS_QUESTIONS: dict[str, Callable[[os.stat_result | Exception], Hashable]] = {
    "exists": lambda s: _missing(s) if isinstance(s, Exception) else True,
    "is_file": lambda s: _missing(s) if isinstance(s, Exception) else stat.S_ISREG(s.st_mode),
    "is_dir": lambda s: _missing(s) if isinstance(s, Exception) else stat.S_ISDIR(s.st_mode),
    "stamp": _stamp_of,
}


_UNASKED = object()  # no answer yet (None, False and an empty list are answers)


def _as_json(value: Hashable) -> object:
    """``value`` as it reads back from JSON: tuples as lists."""
    return [_as_json(x) for x in value] if isinstance(value, tuple) else value


def observe(kind: str, path: str) -> Hashable:
    """What the disk answers now to a probe of ``kind`` at ``path`` (KeyError: no such kind)."""
    return _OBSERVERS[kind](path)


def read_text(path: Path, *, errors: str | None = None, newline: str | None = None) -> str:
    """``path``'s text as UTF-8, as ``open(path, encoding="utf-8", errors=…, newline=…)`` reads
    it, raising what it raises."""
    probes = _RECORDER.get()
    if probes is None:
        with open(path, encoding="utf-8", errors=errors, newline=newline) as handle:
            return handle.read()
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as err:
        probes.add(Probe("read", str(path), type(err).__name__))
        raise
    probes.add(Probe("read", str(path), hashlib.sha256(data).hexdigest()))
    decoded = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors=errors, newline=newline)
    return decoded.read()


def exists(path: Path) -> bool:
    """``path.exists()``, noted."""
    probes = _RECORDER.get()
    if probes is None:
        return path.exists()
    return _noted(probes, "exists", path, path.exists)


def is_file(path: Path) -> bool:
    """``path.is_file()``, noted."""
    probes = _RECORDER.get()
    if probes is None:
        return path.is_file()
    return _noted(probes, "is_file", path, path.is_file)


def is_dir(path: Path) -> bool:
    """``path.is_dir()``, noted."""
    probes = _RECORDER.get()
    if probes is None:
        return path.is_dir()
    return _noted(probes, "is_dir", path, path.is_dir)


def stamp(path: Path) -> tuple[int, int]:
    """(modification time in nanoseconds, size) of ``path``: enough to tell it changed."""
    probes = _RECORDER.get()
    if probes is None:
        return _stamp(path)
    return _noted(probes, "stamp", path, lambda: _stamp(path))


def listdir(directory: Path | str) -> list[str]:
    """The names in ``directory``, sorted; raises what ``os.listdir`` raises."""
    probes = _RECORDER.get()
    if probes is None:
        return sorted(os.listdir(directory))
    return list(_noted(probes, "listdir", directory, lambda: _listdir(directory)))


def glob(directory: Path, pattern: str) -> list[Path]:
    """``directory.glob(pattern)``, sorted, for a pattern of names in that one folder."""
    if "/" in pattern:
        raise ValueError(f"a pattern of names in one folder, not {pattern!r}")
    probes = _RECORDER.get()
    if probes is None:
        return [directory / name for name in _listed(directory, pattern)]
    names = _noted(probes, "glob", directory / pattern, lambda: _listed(directory, pattern))
    return [directory / name for name in names]


def walk(root: Path | str) -> Iterator[tuple[str, list[str], list[str]]]:
    """``os.walk(root)``: prune the yielded folder list in place to skip folders. Each folder
    walked is noted with its folders, its other entries and which folders are links (links are
    not descended into), and each folder that could not be listed with its error."""
    probes = _RECORDER.get()
    if probes is None:
        yield from os.walk(root)
        return

    def unlisted(err: OSError) -> None:
        if err.filename is not None:  # os.walk names the folder it could not list
            probes.add(Probe("walk", os.fsdecode(err.filename), type(err).__name__))

    for folder, dirs, files in os.walk(root, onerror=unlisted):
        linked = tuple(sorted(d for d in dirs if os.path.islink(os.path.join(folder, d))))
        probes.add(Probe("walk", str(folder), (tuple(sorted(dirs)), tuple(sorted(files)), linked)))
        yield folder, dirs, files


T = TypeVar("T")


def remembered(maxsize: int) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """``functools.lru_cache`` for a function that looks at the disk: a call answered from the
    cache notes the probes the call that filled it made, as if it had looked again."""

    def decorate(function: Callable[..., T]) -> Callable[..., T]:
        @lru_cache(maxsize=maxsize)
        def cached(noting: bool, *args: Hashable) -> tuple[T, frozenset[Probe]]:
            if not noting:
                return function(*args), frozenset()
            with recording() as probes:
                value = function(*args)
            return value, frozenset(probes)

        @wraps(function)
        def call(*args: Hashable) -> T:
            recorder = _RECORDER.get()
            value, probes = cached(recorder is not None, *args)
            if recorder is not None:
                recorder |= probes
            return value

        call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return call

    return decorate


def _noted(probes: set[Probe], kind: str, path: Path | str, look: Callable[[], T]) -> T:
    """``look()``, noted in ``probes`` as a probe of ``kind`` on ``path``."""
    try:
        seen = look()
    except OSError as err:
        probes.add(Probe(kind, str(path), type(err).__name__))
        raise
    probes.add(Probe(kind, str(path), seen))
    return seen


def _stamp(path: Path) -> tuple[int, int]:
    status = os.stat(path)  # what ``path.stat()`` answers, without pathlib's own steps
    return status.st_mtime_ns, status.st_size


def _listdir(directory: Path | str) -> tuple[str, ...]:
    return tuple(sorted(os.listdir(directory)))


def _glob(pattern_path: Path) -> tuple[str, ...]:
    """The names ``pattern_path.parent.glob(pattern_path.name)`` yields, sorted."""
    folder, pattern = pattern_path.parent, pattern_path.name
    if not _WILDCARD.search(pattern) or "**" in pattern:
        return tuple(sorted(p.name for p in folder.glob(pattern)))
    # A wildcard in one folder, as ``Path.glob`` (3.11) reads it, without a path per entry:
    # nothing when the folder is not one, nothing when it may not be listed.
    if not folder.is_dir():
        return ()
    try:
        names = os.listdir(folder)
    except PermissionError:
        return ()
    match = _name_pattern(pattern)
    return tuple(sorted(name for name in names if match(name)))


_WILDCARD = re.compile(r"[*?\[]")


@lru_cache(maxsize=32)
def _name_pattern(pattern: str) -> Callable[[str], re.Match | None]:
    """What a name must match, as ``Path.glob`` compiles a pattern (case matters but on
    Windows)."""
    flags = re.IGNORECASE if os.name == "nt" else 0
    return re.compile(fnmatch.translate(pattern), flags).fullmatch


# Folder listings by folder and pattern, each with the folder's stamp when it was listed: rules
# ask for the same folders (a module's parents, its own folder) once per module of a run.
_LISTINGS: OrderedDict[tuple[str, str], tuple[tuple[int, ...], tuple[str, ...]]] = OrderedDict()
_LISTINGS_SIZE = 4096
# A folder changed less than this long before it was listed may change again within the same
# tick of the file system's clock, leaving its stamp as it was: such a listing is not kept.
_SETTLED_NS = 2_000_000_000


def _listed(directory: Path, pattern: str) -> tuple[str, ...]:
    """``_glob`` of the pattern in ``directory``, kept while the folder's stamp stays the same
    (adding, removing or renaming an entry changes a folder's modification time)."""
    key = (str(directory), pattern)
    try:
        status = os.stat(directory)
    except OSError:
        return _glob(directory / pattern)
    folder = (status.st_mtime_ns, status.st_ctime_ns, status.st_ino, status.st_dev)
    known = _LISTINGS.get(key)
    if known is not None and known[0] == folder:
        _LISTINGS.move_to_end(key)
        return known[1]
    names = _glob(directory / pattern)
    if time.time_ns() - max(status.st_mtime_ns, status.st_ctime_ns) > _SETTLED_NS:
        _LISTINGS[key] = (folder, names)
        _LISTINGS.move_to_end(key)
        if len(_LISTINGS) > _LISTINGS_SIZE:
            _LISTINGS.popitem(last=False)
    return names


def _walked(folder: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """One folder as ``os.walk`` sees it: entries that are folders (following links), the
    others, and the folders that are links."""
    dirs, files = [], []
    with os.scandir(folder) as entries:
        for entry in entries:
            try:
                is_folder = entry.is_dir()
            except OSError:
                is_folder = False
            (dirs if is_folder else files).append(entry.name)
    linked = [d for d in dirs if os.path.islink(os.path.join(folder, d))]
    return tuple(sorted(dirs)), tuple(sorted(files)), tuple(sorted(linked))


def _digest(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def _answering_errors(look: Callable[[str], Hashable]) -> Callable[[str], Hashable]:
    """``look`` with an error answered by its name, as a probe notes it."""

    def observe(path: str) -> Hashable:
        try:
            return look(path)
        except OSError as err:
            return type(err).__name__

    return observe


_OBSERVERS: dict[str, Callable[[str], Hashable]] = {
    kind: _answering_errors(look)
    for kind, look in {
        "read": _digest,
        "exists": lambda path: Path(path).exists(),
        "is_file": lambda path: Path(path).is_file(),
        "is_dir": lambda path: Path(path).is_dir(),
        "stamp": lambda path: _stamp(Path(path)),
        "listdir": _listdir,
        "glob": lambda path: _glob(Path(path)),
        "walk": _walked,
    }.items()
}
