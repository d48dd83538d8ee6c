"""Parse speed: ``terrafix.parse`` next to python-hcl2, measured in the same process.

Usage: ``python bench/parse_speed.py [DIR] [--quick] [--repeat N]``

Every ``.tf``/``.tfvars``/``.hcl`` file under DIR (default ``../shared/corpus/real`` next to the
repository) is read into memory first, so the figures are parse time only. Each parser gets one
warm-up parse (lark builds or loads its tables then), then ``--repeat`` timed passes over all files;
the table shows the median pass as MB/s (10^6 bytes of UTF-8 source per second). Files a parser
rejects still count in its time and bytes (the attempt is real work) and are reported in the
"failed" column, so all three parsers are timed over the same input.

The three contenders:

- ``terrafix.parse``: our lexer, our LALR driver over lark's tables, the lossless tree.
- ``hcl2 raw lark``: ``hcl2.parser.parser().parse(text + "\\n")``, python-hcl2's lark parse tree
  (lark's own lexer and parser, positions propagated), before any conversion to Python values.
- ``hcl2.loads``: python-hcl2's full path from text to a ``dict``.
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DIR = REPO.parent / "shared" / "corpus" / "real"
SUFFIXES = (".tf", ".tfvars", ".hcl")
QUICK_FILES = 150


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in SUFFIXES and p.is_file())


def _read(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def _contenders() -> list[tuple[str, Callable[[str], object]]]:
    sys.path.insert(0, str(REPO))
    import hcl2
    import hcl2.parser

    import terrafix

    hcl2_lark = hcl2.parser.parser()
    return [
        ("terrafix.parse", terrafix.parse),
        ("hcl2 raw lark", lambda text: hcl2_lark.parse(text + "\n")),
        ("hcl2.loads", hcl2.loads),
    ]


def _one_pass(fn: Callable[[str], object], texts: list[str]) -> tuple[float, int]:
    """Seconds to parse every text once, and how many raised."""
    failed = 0
    gc.collect()
    start = time.perf_counter()
    for text in texts:
        try:
            fn(text)
        except Exception:
            failed += 1
    return time.perf_counter() - start, failed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", nargs="?", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--quick", action="store_true", help=f"a fixed sample of {QUICK_FILES} files")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes per parser (default 3)")
    args = ap.parse_args(argv)

    paths = _files(args.dir)
    if not paths:
        ap.error(f"no {'/'.join(SUFFIXES)} files under {args.dir}")
    if args.quick and len(paths) > QUICK_FILES:
        paths = sorted(random.Random(0).sample(paths, QUICK_FILES))
    texts = [_read(p) for p in paths]
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6

    contenders = _contenders()
    for _, fn in contenders:  # warm-up: table construction or cache load is not parse time
        _one_pass(fn, texts[:1])

    times: dict[str, list[float]] = {name: [] for name, _ in contenders}
    failures: dict[str, int] = {}
    for _ in range(args.repeat):  # interleaved, so drift in machine load hits all parsers alike
        for name, fn in contenders:
            seconds, failures[name] = _one_pass(fn, texts)
            times[name].append(seconds)

    rates = {name: megabytes / statistics.median(ts) for name, ts in times.items()}
    raw = rates["hcl2 raw lark"]
    print(
        f"{len(texts)} files, {megabytes:.2f} MB under {args.dir}; median of {args.repeat} passes; "
        f"Python {platform.python_version()}"
    )
    print(f"{'parser':<16} {'MB/s':>7} {'median s':>9} {'vs hcl2 raw':>12} {'failed':>7}")
    for name, _ in contenders:
        print(
            f"{name:<16} {rates[name]:>7.2f} {statistics.median(times[name]):>9.2f} "
            f"{rates[name] / raw:>11.2f}x {failures[name]:>7}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
