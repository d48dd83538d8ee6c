"""`textDocument/formatting` by `terraform fmt` itself.

terrafix's writer keeps `terraform fmt`'s layout in the lines it writes, but it does not
reformat a whole file, and a formatter that differed from `terraform fmt` in one corner would be
worse than none. So the buffer goes through `terraform fmt -` when Terraform is installed
(a fresh process takes about 50 ms), and the server offers no formatting when it is not.
"""

from __future__ import annotations

import os
import shutil
import subprocess

TIMEOUT_SECONDS = 10


def terraform_binary() -> str | None:
    return shutil.which("terraform")


def terraform_fmt(text: str, binary: str) -> str | None:
    """``text`` as `terraform fmt -` prints it; None when it does not parse (or fmt fails)."""
    try:
        result = subprocess.run(
            [binary, "fmt", "-no-color", "-"],
            input=text.encode("utf-8"),
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            env={**os.environ, "TF_IN_AUTOMATION": "1"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    try:
        return result.stdout.decode("utf-8")
    except UnicodeDecodeError:
        return None
