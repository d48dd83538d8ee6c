"""The terrafix command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="terrafix")
def main() -> None:
    """terrafix: finds and fixes the mistakes hurried Terraform makes again and again."""


@main.command("parse")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def parse_command(paths: tuple[Path, ...]) -> None:
    """Check that Terraform files parse; report syntax errors as file:line:col.

    \b
    Example:
      terrafix parse main.tf modules/
    """
    from .syntax import HclSyntaxError, parse

    failed = 0
    for path in _hcl_files(paths):
        try:
            parse(path.read_text(encoding="utf-8"), path=str(path))
        except HclSyntaxError as err:
            failed += 1
            click.echo(f"{err.location}: error: {err.message}\n{err.excerpt}", err=True)
        except UnicodeDecodeError as err:
            failed += 1
            click.echo(f"{path}: error: not UTF-8 text ({err.reason})", err=True)
    sys.exit(2 if failed else 0)


def _hcl_files(paths: tuple[Path, ...]):
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                parts = child.relative_to(path).parts
                if any(p.startswith(".") for p in parts):
                    continue
                if child.suffix in (".tf", ".tfvars", ".hcl") and child.is_file():
                    yield child
        else:
            yield path
