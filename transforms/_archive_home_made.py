"""Lambda packages a module makes itself, with a `local_file` or a `local-exec` zip command.

Both fail in ways `data "archive_file"` does not: `filebase64sha256()` reads the zip at plan time,
before any resource has run, so the first plan fails; and a `local_file` writes text, which is no
zip at all (Lambda answers "Could not unzip uploaded file"). A `local_file` whose `content` is
the function's code can become an `archive_file` holding that code; a command is only reported,
since what it zips is a shell command's business.
"""

from __future__ import annotations

from dataclasses import dataclass

from terrafix.model import Module
from terrafix.model.module import Symbol, literal_string
from terrafix.syntax import nodes as n

FILE_WRITERS = {"local_file", "local_sensitive_file"}
COMMAND_RUNNERS = {"null_resource", "terraform_data"}
PLAN_TIME_HASHES = {"filebase64sha256", "filesha256", "filebase64sha512", "filesha512", "filemd5"}
# The file a runtime loads the handler from: `index.handler` on nodejs is index.js.
HANDLER_EXTENSIONS = {"python": ".py", "nodejs": ".js", "ruby": ".rb"}


@dataclass(frozen=True)
class HomeMade:
    """What makes a package: the resource, and for a `local_file` the code it writes."""

    symbol: Symbol
    content: n.Expression | None  # the code a local_file writes as text, when it is that
    referenced: bool  # something else names the resource: removing it would break that

    @property
    def address(self) -> str:
        return ".".join(self.symbol.node.label_values)

    @property
    def is_command(self) -> bool:
        return self.symbol.node.label_values[0] in COMMAND_RUNNERS


def home_made_builder(module: Module, location: str, base: str, locate) -> HomeMade | None:
    """The resource of ``module`` that writes the package at ``location`` (``base`` is its file
    name, which a command mentions), or None. ``locate`` reads a path expression."""
    for (type_, name), symbol in module.resources.items():
        body = symbol.node.body
        if type_ in FILE_WRITERS:
            filename = body.attribute("filename")
            if filename is None or locate(module, filename.value)[0] != location:
                continue
            content = body.attribute("content")
            code = content.value if content is not None and _is_text(content.value) else None
            return HomeMade(symbol, code, _referenced(module, type_, name))
        if type_ in COMMAND_RUNNERS and base in symbol.node.render():
            return HomeMade(symbol, None, True)
    return None


def _is_text(expression: n.Expression) -> bool:
    """A string or heredoc: code written out as is (not `base64decode(...)` of a zip)."""
    return type(expression) in (n.TemplateString, n.Heredoc)


def _referenced(module: Module, type_: str, name: str) -> bool:
    return bool(module.references_to(type_, name))


def reads_at_plan_time(block: n.Block) -> bool:
    """Whether the function hashes its zip file with a file function: that runs at plan time."""
    digest = block.body.attribute("source_code_hash")
    value = digest.value if digest is not None else None
    return type(value) is n.FunctionCall and value.function_name in PLAN_TIME_HASHES


def handler_file(blocks: list[n.Block]) -> str | None:
    """The file every function's handler is loaded from (`index.handler`, python → index.py),
    or None when they differ or cannot be told."""
    names = set()
    for block in blocks:
        handler = block.body.attribute("handler")
        runtime = block.body.attribute("runtime")
        handler_value = literal_string(handler.value) if handler is not None else None
        runtime_value = literal_string(runtime.value) if runtime is not None else None
        if not handler_value or "." not in handler_value or not runtime_value:
            return None
        extension = next(
            (e for r, e in HANDLER_EXTENSIONS.items() if runtime_value.startswith(r)), None
        )
        if extension is None:
            return None
        names.add(handler_value.rsplit(".", 1)[0] + extension)
    return names.pop() if len(names) == 1 else None
