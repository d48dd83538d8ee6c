"""The module model: files of a Terraform module, their symbols and references."""

from .discovery import discover_modules
from .module import Module, Reference, SourceFile

__all__ = ["Module", "Reference", "SourceFile", "discover_modules"]
