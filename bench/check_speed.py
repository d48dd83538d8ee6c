"""Check speed: how long ``terrafix check`` takes on a large tree, next to checkov.

Usage: ``python bench/check_speed.py [SECTION...] [--tasks N] [--runs N] [--checkov PATH]
[--checkov-runs N] [--module DIR] [--terrafix EXE]``

SECTION is any of ``checkov cache jobs scaling memory`` (default: all of them):

- **checkov**: a tree with every generated task's ``model/`` (``<tree>/<task>/...``, from
  ``../shared/corpus/generated``) checked by ``terrafix check <tree>`` with ``--jobs 1`` and
  ``--jobs 2``, and by ``checkov -d <tree> --framework terraform --quiet --compact -o json``
  (its output discarded). terrafix runs without its cache (``--no-cache``), as checkov has
  none. Ratios checkov / terrafix for wall clock and CPU time. checkov is ``--checkov PATH``,
  else ``$CHECKOV``, else ``checkov`` on PATH; it is not a dependency of terrafix, so install
  it in a side environment::

      python3 -m venv ~/.venvs/checkov && ~/.venvs/checkov/bin/pip install checkov
      python bench/check_speed.py checkov --checkov ~/.venvs/checkov/bin/checkov

- **cache**: the same tree checked with a fresh, empty ``--cache-dir`` (cold) and again with
  the same directory (warm); the warm / cold ratio.
- **jobs**: the same tree with ``--jobs 1`` and ``--jobs 2``, both ``--no-cache``.
- **scaling**: one module (default ``Pr2712/model``, 68 KB: big enough that the 1× run is
  more than start-up) grown to 1×, 4× and 16× its size by
  ``module_copies`` (each copy's names suffixed, so the module stays valid), checked with
  ``--jobs 1 --no-cache``; CPU seconds per MB and the 16× / 1× ratio of it (1.0 is linear).
  Start-up (Python, imports) is most of a 1× check, so seconds per MB fall with size whatever
  the checks do; the ratio is also given with the start-up floor (a one-variable module)
  subtracted, and that one shows work growing faster than the module. The cost of each added
  MB between neighbouring sizes (4× − 1×, 16× − 4×) leaves out every one-time cost, data
  loaded on first use included: its ratio is 1.0 when time grows exactly linearly.
- **memory**: the peak resident set of the check process (``--jobs 1 --no-cache``) on the whole
  tree and on the 16× module.

Options the installed terrafix lacks (``--jobs``, ``--no-cache``, ``--cache-dir``, read from
``terrafix check --help``) are left out of the runs, and sections that need them are skipped
with a message, so the script also measures older checkouts (``--terrafix EXE``).

Each figure is the median of ``--runs`` runs (default 3; checkov ``--checkov-runs``, default 1,
as it takes minutes on the whole tree); runs compared in a ratio are interleaved, so drift in
machine load hits both. Wall clock counts waiting for a core on a busy machine and CPU time
(user + system of the process and its workers, from ``wait4``) does not; take final figures on
a quiet machine. One untimed check of a small module first fills the bytecode caches.

Nothing is written into the repository or the corpus: the tree and the modules are copies in a
temporary folder, which is also the working directory, ``XDG_CACHE_HOME`` and (for terrafix)
``PYTHONPYCACHEPREFIX`` of every run; the script itself writes no bytecode.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "generated"
SCALING_MODULE = CORPUS / "Pr2712" / "model"
COPIES = (1, 4, 16)
SECTIONS = ("checkov", "cache", "jobs", "scaling", "memory")
OPTIONS = ("--jobs", "--no-cache", "--cache-dir")
CHECKOV_INSTALL = (
    "python3 -m venv ~/.venvs/checkov && ~/.venvs/checkov/bin/pip install checkov, "
    "then --checkov ~/.venvs/checkov/bin/checkov"
)


@dataclass(frozen=True)
class Run:
    """One finished process: wall and CPU seconds, peak resident set in MB, exit code."""

    wall: float
    cpu: float
    peak_mb: float
    exit_code: int


def run_once(command: list[str], env: dict[str, str], cwd: Path) -> Run:
    """Run ``command`` with its output discarded; its own resource usage, from ``wait4``.

    ``wait4`` reports the process and the workers it waited for, so a parallel check's CPU time
    includes its workers', and the peak is the largest of their resident sets.
    """
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            cwd=cwd,
            env=env,
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode not in (0, 1):
            stderr.seek(0)
            _note_failure(command, process.returncode, stderr.read().decode(errors="replace"))
    cpu = usage.ru_utime + usage.ru_stime
    return Run(wall, cpu, usage.ru_maxrss / 1024, process.returncode)


_noted: set[tuple[str, int, str]] = set()


def _note_failure(command: list[str], exit_code: int, stderr: str) -> None:
    """Say once why a program exited with an error; the run's time still counts.

    Some files of the generated corpus do not parse (one is truncated), so ``terrafix check``
    exits 2 on the whole tree.
    """
    lines = stderr.strip().splitlines()
    first_error = next(
        (line for line in lines if "error" in line.lower()), lines[-1] if lines else ""
    )
    key = (Path(command[0]).name, exit_code, first_error)
    if key not in _noted:
        _noted.add(key)
        print(f"  note: {key[0]} exited {exit_code} (the run still counts): {first_error}")


def interleaved(commands: dict[str, Callable[[], list[str]]], runs: int, runner) -> dict:
    """``runs`` rounds of every command in turn; each label's runs."""
    samples: dict[str, list[Run]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, command in commands.items():
            samples[label].append(runner(command()))
    return samples


def median(runs: list[Run], field: str) -> float:
    return statistics.median(getattr(run, field) for run in runs)


def row(label: str, runs: list[Run]) -> str:
    return (
        f"  {label:<34} {median(runs, 'wall'):>8.2f} s wall {median(runs, 'cpu'):>8.2f} s CPU"
        f" {median(runs, 'peak_mb'):>7.0f} MB peak"
    )


def ratio(label: str, numerator: list[Run], denominator: list[Run]) -> str:
    wall = median(numerator, "wall") / median(denominator, "wall")
    cpu = median(numerator, "cpu") / median(denominator, "cpu")
    return f"  {label}: {wall:.2f}× wall, {cpu:.2f}× CPU"


class Bench:
    """The temporary folder, the tree of tasks, and how to run terrafix and checkov in it."""

    def __init__(self, root: Path, args: argparse.Namespace) -> None:
        self.root = root
        self.args = args
        self.base_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        self.base_env["XDG_CACHE_HOME"] = str(root / "xdg-cache")
        self.terrafix_env = dict(self.base_env, PYTHONPYCACHEPREFIX=str(root / "pycache"))
        self.options = self._options()
        self.tree = self._tree()
        self._fresh = 0

    def _options(self) -> set[str]:
        """The options of OPTIONS that this terrafix's ``check`` has."""
        help_text = subprocess.run(
            [self.args.terrafix, "check", "--help"],
            capture_output=True,
            text=True,
            env=self.terrafix_env,
            cwd=self.root,
            check=True,
        ).stdout
        return {o for o in OPTIONS if re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", help_text)}

    def _tree(self) -> Path:
        models = sorted(p for p in self.args.corpus.glob("*/model") if p.is_dir())
        if self.args.tasks:
            models = models[: self.args.tasks]
        tree = self.root / "tree"
        for model in models:  # file by file: the corpus is read-only, the copies must not be
            for source in (p for p in model.rglob("*") if p.is_file()):
                target = tree / model.parent.name / source.relative_to(model)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
        files = [p for p in tree.rglob("*") if p.is_file()]
        self.tree_mb = sum(p.stat().st_size for p in files) / 1e6
        print(f"tree: {len(models)} tasks' model/, {len(files)} files, {self.tree_mb:.1f} MB")
        return tree

    def fresh_dir(self) -> Path:
        self._fresh += 1
        path = self.root / f"cache-{self._fresh}"
        path.mkdir()
        return path

    def cold(self) -> list[str]:
        """Options for a check that finds nothing cached: ``--no-cache``, else a new cache dir."""
        if "--no-cache" in self.options:
            return ["--no-cache"]
        if "--cache-dir" in self.options:
            return ["--cache-dir", str(self.fresh_dir())]
        return []

    def jobs(self, count: int) -> list[str]:
        return ["--jobs", str(count)] if "--jobs" in self.options else []

    def check(self, target: Path, *options: str) -> list[str]:
        return [self.args.terrafix, "check", *options, str(target)]

    def terrafix(self, command: list[str]) -> Run:
        return run_once(command, self.terrafix_env, self.root)

    def checkov(self, command: list[str]) -> Run:
        return run_once(command, self.base_env, self.root)

    def warm_up(self) -> None:
        smallest = min(
            self.tree.iterdir(), key=lambda d: sum(f.stat().st_size for f in d.rglob("*"))
        )
        self.terrafix(self.check(smallest, *self.cold()))

    def missing(self, *options: str) -> bool:
        """Print a skip line for options this terrafix lacks; whether any is missing."""
        lacking = [o for o in options if o not in self.options]
        for option in lacking:
            print(f"  skipped: this terrafix has no {option}")
        return bool(lacking)


# What checkov is asked: the Terraform checks only, one compact JSON report.
CHECKOV_OPTIONS = ("--framework", "terraform", "--quiet", "--compact", "-o", "json")


def section_checkov(bench: Bench) -> None:
    print(f"checkov vs terrafix on the tree ({bench.tree_mb:.1f} MB)")
    checkov = find_checkov(bench.args.checkov)
    one = "terrafix check --jobs 1" if "--jobs" in bench.options else "terrafix check"
    commands = {one: lambda: bench.check(bench.tree, *bench.jobs(1), *bench.cold())}
    if "--jobs" in bench.options:
        commands["terrafix check --jobs 2"] = lambda: bench.check(
            bench.tree, *bench.jobs(2), *bench.cold()
        )
    else:
        print("  skipped --jobs 2: this terrafix has no --jobs (it checks in one process)")
    command = [checkov, "-d", str(bench.tree), *CHECKOV_OPTIONS] if checkov is not None else []
    # checkov's runs take turns with terrafix's, so a slow spell of the machine hits both.
    terrafix: dict[str, list[Run]] = {label: [] for label in commands}
    runs: list[Run] = []
    for round_ in range(max(bench.args.runs, bench.args.checkov_runs if checkov else 0)):
        if round_ < bench.args.runs:
            for label, own in interleaved(commands, 1, bench.terrafix).items():
                terrafix[label] += own
        if checkov is not None and round_ < bench.args.checkov_runs:
            runs.append(bench.checkov(command))
    for label, own in terrafix.items():
        print(row(f"{label} (median of {len(own)})", own))
    if checkov is None:
        print(f"  skipped checkov: not found; install it in a side environment: {CHECKOV_INSTALL}")
        return
    print(row(f"checkov (median of {len(runs)})", runs))
    for label, own in terrafix.items():
        print(ratio(f"checkov / {label}", runs, own))


def find_checkov(given: str | None) -> str | None:
    candidate = given or os.environ.get("CHECKOV") or shutil.which("checkov")
    if candidate is None:
        return None
    path = Path(candidate).expanduser()
    return str(path) if path.is_file() and os.access(path, os.X_OK) else None


def section_cache(bench: Bench) -> None:
    print(f"cache: cold (fresh --cache-dir) then warm (same dir), tree of {bench.tree_mb:.1f} MB")
    if bench.missing("--cache-dir"):
        return
    cold, warm = [], []
    for _ in range(bench.args.runs):
        cache = ["--cache-dir", str(bench.fresh_dir())]
        cold.append(bench.terrafix(bench.check(bench.tree, *bench.jobs(1), *cache)))
        warm.append(bench.terrafix(bench.check(bench.tree, *bench.jobs(1), *cache)))
    print(row(f"cold (median of {len(cold)})", cold))
    print(row(f"warm (median of {len(warm)})", warm))
    print(ratio("warm / cold (target ≤ 0.10)", warm, cold))


def section_jobs(bench: Bench) -> None:
    print(f"jobs: --jobs 1 vs --jobs 2, --no-cache, tree of {bench.tree_mb:.1f} MB")
    if bench.missing("--jobs", "--no-cache"):
        return
    commands = {
        f"--jobs {count}": (
            lambda count=count: bench.check(bench.tree, *bench.jobs(count), "--no-cache")
        )
        for count in (1, 2)
    }
    runs = interleaved(commands, bench.args.runs, bench.terrafix)
    for label, samples in runs.items():
        print(row(f"{label} (median of {len(samples)})", samples))
    print(ratio("--jobs 2 / --jobs 1", runs["--jobs 2"], runs["--jobs 1"]))


def grown_modules(bench: Bench) -> dict[int, tuple[Path, float]]:
    """The scaling module at each size of COPIES: its folder and its size in MB."""
    from module_copies import write_copies  # after main() kept bytecode out of the repository

    out = {}
    for copies in COPIES:
        folder = bench.root / "scaling" / f"x{copies}"
        if not folder.exists():
            write_copies(bench.args.module, copies, folder)
        out[copies] = folder, sum(p.stat().st_size for p in folder.iterdir()) / 1e6
    return out


def section_scaling(bench: Bench) -> None:
    print(f"scaling: {bench.args.module} grown {', '.join(f'{c}×' for c in COPIES)}, --jobs 1")
    modules = grown_modules(bench)
    floor = bench.root / "floor"
    floor.mkdir(exist_ok=True)
    (floor / "main.tf").write_text('variable "x" {}\n', encoding="utf-8")
    options = [*bench.jobs(1), *bench.cold()]
    commands = {c: (lambda c=c: bench.check(modules[c][0], *options)) for c in COPIES}
    commands[0] = lambda: bench.check(floor, *options)
    runs = interleaved(commands, bench.args.runs, bench.terrafix)
    print(row(f"floor: one variable (median of {len(runs[0])})", runs[0]))
    per_mb, above_floor = {}, {}
    for copies in COPIES:
        samples, megabytes = runs[copies], modules[copies][1]
        per_mb[copies] = median(samples, "cpu") / megabytes
        above_floor[copies] = (median(samples, "cpu") - median(runs[0], "cpu")) / megabytes
        print(
            row(f"{copies:>2}× ({megabytes:.3f} MB, median of {len(samples)})", samples)
            + f"  {per_mb[copies]:.2f} s/MB CPU, {above_floor[copies]:.2f} above the floor"
        )
    big, small = COPIES[-1], COPIES[0]
    print(
        f"  CPU s/MB at {big}× / at {small}× (linear within 20%: ≤ 1.2): "
        f"{per_mb[big] / per_mb[small]:.2f}; above the floor: "
        f"{above_floor[big] / above_floor[small]:.2f}"
    )
    # What each added MB costs, between neighbouring sizes: one-time costs (start-up, data
    # loaded on first use) cancel out, so 1.0 is exactly linear and above it is worse.
    steps = list(pairwise(COPIES))
    added = {
        (a, b): (median(runs[b], "cpu") - median(runs[a], "cpu")) / (modules[b][1] - modules[a][1])
        for a, b in steps
    }
    first, last = steps[0], steps[-1]
    print(
        "  CPU s per added MB: "
        + ", ".join(f"{a}×→{b}× {added[a, b]:.2f}" for a, b in steps)
        + f"; {last[0]}×→{last[1]}× / {first[0]}×→{first[1]}×: {added[last] / added[first]:.2f}"
    )


def section_memory(bench: Bench) -> None:
    print("memory: peak resident set of the check process, --jobs 1")
    modules = grown_modules(bench)
    options = [*bench.jobs(1), *bench.cold()]
    largest = COPIES[-1]
    targets = {
        f"tree ({bench.tree_mb:.1f} MB)": bench.tree,
        f"{largest}× module ({modules[largest][1]:.3f} MB)": modules[largest][0],
    }
    for label, target in targets.items():
        runs = [bench.terrafix(bench.check(target, *options)) for _ in range(bench.args.runs)]
        print(row(f"{label}, median of {len(runs)}", runs))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sections", nargs="*", metavar="SECTION", help=" ".join(SECTIONS))
    ap.add_argument("--tasks", type=int, default=0, help="only the first N tasks (default all)")
    ap.add_argument("--runs", type=int, default=3, help="terrafix runs per figure (default 3)")
    ap.add_argument("--checkov", help="checkov executable (default $CHECKOV, then PATH)")
    ap.add_argument("--checkov-runs", type=int, default=1, help="checkov runs (default 1)")
    ap.add_argument("--module", type=Path, default=SCALING_MODULE, help="module for scaling")
    ap.add_argument("--corpus", type=Path, default=CORPUS, help="folder of <task>/model")
    ap.add_argument(
        "--terrafix",
        default=str(Path(sys.executable).with_name("terrafix")),
        help="terrafix executable (default: this Python's)",
    )
    args = ap.parse_args(argv)
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        ap.error(f"unknown section {', '.join(sorted(unknown))}; choose from {' '.join(SECTIONS)}")
    sections = args.sections or list(SECTIONS)
    sys.dont_write_bytecode = True  # this process imports terrafix and module_copies from here

    with tempfile.TemporaryDirectory(prefix="check-speed-") as tmp:
        bench = Bench(Path(tmp), args)
        found = ", ".join(sorted(bench.options)) or "none of " + ", ".join(OPTIONS)
        print(f"terrafix {args.terrafix}; options: {found}")
        print("median wall clock, CPU time (user + system, with workers), peak resident set")
        bench.warm_up()
        actions = {
            "checkov": section_checkov,
            "cache": section_cache,
            "jobs": section_jobs,
            "scaling": section_scaling,
            "memory": section_memory,
        }
        for name in SECTIONS:
            if name in sections:
                actions[name](bench)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
