"""How many of the generated tasks' naming and declaration defects `terrafix fix` removes.

Usage: python bench/naming_recall.py [--profile ephemeral] [--select TF001] [--terrafix EXE] [TASK...]

`--terrafix` runs another checkout's executable for the fixes (a baseline), while the defects
are counted with this checkout's model.

For every task with a `model/` answer (with the `provider.tf` its prompt says exists), it counts
four defects before and after a fix run: variables referenced but not declared (other than
`aws_region`), physical names over their AWS length limit, and static physical names (judged
with what local callers pass); a task index.csv flags for a missing environment_suffix counts as
fixed when none of its names is static or too long afterwards. It also reports crashes, modules whose fixes did not converge,
changed files HashiCorp's parser rejects, and tasks a second run still changes.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from terrafix.transforms.naming._analysis import Origin, OriginAnalysis, name_sites
from terrafix.transforms.naming._callers import caller_arguments
from terrafix.transforms.naming._length import LengthEstimate

from terrafix.model import Module, discover_modules

GENERATED = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "generated"
ORACLE = Path("/tmp/hcloracle/bin/hcloracle")
CATEGORIES = ("undeclared", "too_long", "static")


def copy_task(task: str, root: Path) -> Path:
    work = root / task
    shutil.copytree(GENERATED / task / "model", work)
    provider = GENERATED / task / "ideal" / "provider.tf"
    texts = [p.read_text(errors="replace") for p in work.rglob("*.tf")]
    if provider.is_file() and not any('provider "aws"' in t for t in texts):
        shutil.copy(provider, work / "provider.tf")
    return work


def modules(work: Path) -> list[Module] | None:
    """The task's modules, or None when a file does not parse."""
    out = []
    for directory, files in discover_modules([work]).items():
        module = Module.from_texts(directory, {p: p.read_text() for p in files})
        if any(s.error for s in module.files.values()):
            return None
        out.append(module)
    return out


def defects(work: Path) -> dict[str, list[str]] | None:
    found = modules(work)
    if found is None:
        return None
    out: dict[str, list[str]] = {c: [] for c in CATEGORIES}
    for module in found:
        where = module.directory.relative_to(work.parent)
        for ref in module.references_to("var"):
            parts = ref.traversal.parts
            if len(parts) >= 2 and parts[1] != "aws_region" and parts[1] not in module.variables:
                out["undeclared"].append(f"{where}:var.{parts[1]}")
        analysis = OriginAnalysis(module, caller_arguments(module))
        estimate = LengthEstimate(module, 8)
        sites = name_sites(module)
        for site in sites:
            if analysis.site_origin(site)[0] is Origin.STATIC:
                out["static"].append(f"{where}:{site.address}")
            if estimate.length(site.attribute.value) > site.rules.max_length:
                out["too_long"].append(f"{where}:{site.address}")
    for key in out:
        out[key] = sorted(set(out[key]))
    return out


def index_flags() -> dict[str, dict[str, str]]:
    with (GENERATED / "index.csv").open() as handle:
        return {row["task_id"]: row for row in csv.DictReader(handle)}


def fix(terrafix: str, work: Path, profile: str, select: str | None, dry_run: bool = False):
    """Run `terrafix fix` as a user does (any checkout's executable, to measure a baseline with
    today's measures); the exit code and what it printed."""
    command = [terrafix, "fix", "--profile", profile, str(work)]
    if select:
        command[2:2] = ["--select", select]
    if dry_run:
        command.insert(2, "--dry-run")
    done = subprocess.run(command, capture_output=True, text=True, cwd=work.parent)
    return done.returncode, done.stdout + done.stderr


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="ephemeral")
    parser.add_argument("--select", default=None)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument(
        "--terrafix", default=str(Path(sys.executable).with_name("terrafix")), help="executable"
    )
    parser.add_argument("tasks", nargs="*")
    args = parser.parse_args()
    flags = index_flags()
    tasks = args.tasks or sorted(t for t in flags if (GENERATED / t / "model").is_dir())
    totals = {c: [0, 0] for c in CATEGORIES}  # [had it, gone after]
    items = {c: [0, 0] for c in CATEGORIES}  # defects before, left after
    flagged = {"model_env_suffix_name_prefix": [0, 0]}
    crashes, stuck, unparsable, unstable, parsable = [], [], [], [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for task in tasks:
            work = copy_task(task, Path(tmp))
            before = defects(work)
            if before is None:
                continue
            parsable += 1
            originals = {p: p.read_text() for p in work.rglob("*.tf")}
            _, output = fix(args.terrafix, work, args.profile, args.select)
            if "Traceback" in output:
                crashes.append(task)
                if args.verbose:
                    print(output[-2000:])
                continue
            again, diff = fix(args.terrafix, work, args.profile, args.select, dry_run=True)
            if again == 1 and diff.startswith("---"):
                unstable.append(task)
            stuck.extend(task for line in output.splitlines() if "did not converge" in line)
            changed = [str(p) for p in work.rglob("*.tf") if originals.get(p) != p.read_text()]
            if changed and ORACLE.exists():
                check = subprocess.run(
                    [str(ORACLE), "parse", *changed], capture_output=True, text=True
                )
                if check.returncode != 0 or check.stdout.strip():
                    unparsable.append(task)
            after = defects(work) or {c: ["unparsable"] for c in CATEGORIES}
            for category in CATEGORIES:
                items[category][0] += len(before[category])
                items[category][1] += len(after[category])
                if before[category]:
                    totals[category][0] += 1
                    totals[category][1] += not after[category]
                    if args.verbose and after[category]:
                        print(f"  {task} {category} left: {after[category][:4]}")
            row = flags.get(task, {})
            for column in flagged:
                if row.get(column) == "1":
                    flagged[column][0] += 1
                    flagged[column][1] += not (after["too_long"] or after["static"])
    print(f"parsable tasks: {parsable} of {len(tasks)}")
    for category, (had, gone) in totals.items():
        share = f"{100 * gone / had:.0f}%" if had else "-"
        before, left = items[category]
        print(
            f"{category:12} {gone:3}/{had:3} tasks fixed ({share}); {before} defects, {left} left"
        )
    for column, (had, gone) in flagged.items():
        share = f"{100 * gone / had:.0f}%" if had else "-"
        print(f"index {column:30} {gone:3}/{had:3} parsable flagged tasks fixed ({share})")
    print(f"crashes: {len(crashes)} {crashes}")
    print(f"non-converging: {len(stuck)} {stuck}")
    print(f"unparsable changed files: {len(unparsable)} {unparsable}")
    print(f"second run changes: {len(unstable)} {unstable}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
