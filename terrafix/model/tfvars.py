"""Variable definitions files (``.tfvars``): syntax errors, and values no variable takes.

A ``.tfvars`` file is HCL with only `name = value` lines. Terraform stops at one that does not
parse, and warns ("Value for undeclared variable") about a value whose name the module does not
declare: usually a typo, and the variable then keeps its default.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..engine.locate import span_of
from ..syntax.errors import HclSyntaxError
from ..syntax.parser import parse_recovering
from .module import Module

SUFFIX = ".tfvars"


def is_tfvars(path: Path) -> bool:
    return path.name.endswith(SUFFIX)


@dataclass(frozen=True)
class UndeclaredValue:
    """A value in a ``.tfvars`` file for a variable the module does not declare."""

    name: str
    start: int  # character offsets of the name
    end: int

    @property
    def message(self) -> str:
        return f"value for undeclared variable '{self.name}': the module declares no such variable"


@dataclass(frozen=True)
class TfvarsReport:
    errors: list[HclSyntaxError]
    undeclared: list[UndeclaredValue]


def check_tfvars(path: Path, text: str, module: Module | None) -> TfvarsReport:
    """The syntax errors of ``text``, and its values no variable of ``module`` takes.

    Names are judged only against a module that parsed whole and declares variables in the
    file's own folder (where Terraform reads `terraform.tfvars`): elsewhere the file may be
    meant for a module it does not name, and a module with damaged text may declare more.
    """
    tree, errors = parse_recovering(text, str(path))
    undeclared: list[UndeclaredValue] = []
    if module is not None and module.files and module.complete and module.variables:
        declared = module.variables
        for attribute in tree.body.attributes():
            if attribute.key not in declared:
                start, end = span_of(tree, attribute.name)
                undeclared.append(UndeclaredValue(attribute.key, start, end))
    return TfvarsReport(errors, undeclared)
