"""terrafix: fixes for the mistakes hurried Terraform makes again and again."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["HclSyntaxError", "__version__", "parse"]


def __getattr__(name: str):
    # Lazy: `import terrafix` must not pay for lark until something is parsed.
    if name in ("parse", "HclSyntaxError"):
        from . import syntax

        return getattr(syntax, name)
    raise AttributeError(f"module 'terrafix' has no attribute {name!r}")
