"""Terraform itself as a test oracle for configuration errors, run offline.

`terraform init` loads the configuration before it installs anything, and prints the loader's
errors ("Error: Attribute redefined" ...) before it fails to find providers: a CLI config whose
only provider installation method is an empty filesystem mirror keeps it off the network.
`terraform validate` resolves references ("Reference to undeclared input variable") and needs
no installation when the configuration uses only the built-in `terraform` provider.
Both run on a copy of the module's `.tf` files, so nothing is written beside the originals.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import NamedTuple

import pytest

TERRAFORM = shutil.which("terraform")

needs_terraform = pytest.mark.skipif(TERRAFORM is None, reason="terraform is not on PATH")

ERROR = re.compile(r"^Error: (?P<summary>.+?)\n\n(?:  on (?P<file>\S+) line (?P<line>\d+))?", re.M)


class TerraformError(NamedTuple):
    summary: str
    file: str | None
    line: int | None


COMMANDS = {
    "init": ["init", "-backend=false", "-input=false"],
    # The backend's settings are read only when it is initialised: for errors in them (the
    # configuration is refused before any connection is tried).
    "init-backend": ["init", "-input=false"],
    "validate": ["validate"],
}


def terraform_errors(module: Path, *, command: str = "init") -> set[TerraformError]:
    """The errors Terraform reports for the `.tf` files of ``module`` (``command``: see
    ``COMMANDS``)."""
    with tempfile.TemporaryDirectory(prefix="tf-oracle-") as scratch:
        root = Path(scratch)
        copy = root / "module"
        copy.mkdir()
        for path in module.glob("*.tf"):
            shutil.copyfile(path, copy / path.name)
        mirror = root / "mirror"
        mirror.mkdir()
        config = root / "cli.tfrc"
        config.write_text(
            f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n'
        )
        env = {
            **os.environ,
            "TF_CLI_CONFIG_FILE": str(config),
            "CHECKPOINT_DISABLE": "1",
            "TF_IN_AUTOMATION": "1",
            "TF_DATA_DIR": str(root / "data"),
        }
        completed = subprocess.run(
            [TERRAFORM, *COMMANDS[command], "-no-color"],
            cwd=copy,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    output = completed.stdout + completed.stderr
    return {
        TerraformError(m["summary"].strip(), m["file"], int(m["line"]) if m["line"] else None)
        for m in ERROR.finditer(output)
    }
