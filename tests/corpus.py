"""Where the shared corpora live, and how tests find their files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(
    os.environ.get("TERRAFIX_SHARED", Path(__file__).resolve().parents[1].parent / "shared")
)
REAL = SHARED / "corpus" / "real"
FIXTURES = SHARED / "corpus" / "fixtures"
GENERATED = SHARED / "corpus" / "generated"
SEEDS = SHARED / "seeds"
HCL_SUFFIXES = (".tf", ".tfvars", ".hcl")

needs_shared = pytest.mark.skipif(
    not REAL.is_dir(), reason=f"the shared corpora are not at {SHARED} (CI always has them)"
)


def hcl_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.suffix in HCL_SUFFIXES and p.is_file())


def real_modules() -> list[Path]:
    return sorted(p for p in REAL.iterdir() if p.is_dir()) if REAL.is_dir() else []


def read(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()
