"""TF004 archive-file-sources: Lambda packages built by Terraform, not missing zip files."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from terrafix.data.providers import PROVIDERS
from terrafix.engine.changeset import Changeset
from terrafix.engine.findings import Applicability, DeferredTexts, Finding, Fix
from terrafix.engine.locate import span_of
from terrafix.engine.rules import Rule, RuleContext
from terrafix.model import Module, disk
from terrafix.model.module import literal_string
from terrafix.model.references import traversal_parts
from terrafix.syntax import nodes as n
from terrafix.writer import BlockSpec, Expr, Style, insert_block_before, set_attribute
from terrafix.writer.align import realign_body
from terrafix.writer.body import indent_of
from terrafix.writer.build import (
    block_source,
    build_attribute,
    build_body_elements,
    convert_newlines,
)

from ._archive_home_made import HomeMade, handler_file, home_made_builder, reads_at_plan_time

CONSUMERS = {"aws_lambda_function": "function", "aws_lambda_layer_version": "layer"}
DEFAULT_OPTIONS = {
    "source_root": "lambda-src",
    "layer_source_root": "lambda-src/layers",
    "output_dir": ".terraform/lambda-packages",
    "layer_output_dir": ".terraform/lambda-layers",
}
# Where existing function code is looked for, besides the configured source roots.
CODE_ROOTS = ("lambda-src", "lambda_src", "lambda", "lambdas", "functions", "src", "layers")
RUNTIME_EXTENSIONS = {
    "python": (".py",),
    "nodejs": (".js", ".mjs", ".cjs"),
    "ruby": (".rb",),
}
HASH_FUNCTIONS = {
    "filebase64sha256",
    "filesha256",
    "base64sha256",
    "sha256",
    "filebase64sha512",
    "filesha512",
    "filemd5",
}
# An archive_file writes the package, but with count/for_each or as a resource: leave it be.
UNNAMEABLE = "<unnameable>"


@dataclass
class Consumer:
    """A Lambda function or layer whose package is a path in the module's own tree."""

    path: Path
    block: n.Block
    kind: str  # "function" or "layer"
    filename: n.Attribute
    location: str  # normalised, relative to the module directory
    via_variable: str | None

    @property
    def address(self) -> str:
        return ".".join(self.block.label_values)

    @property
    def name(self) -> str:
        return self.block.label_values[1]


@dataclass
class Package:
    """One zip path and every function or layer deploying it."""

    location: str  # normalised, relative to the module directory
    consumers: list[Consumer] = field(default_factory=list)
    builder: str | None = None  # name of the data "archive_file" that already writes it
    home_made: HomeMade | None = None  # a local_file or zip command that writes it instead


@dataclass(frozen=True)
class Plan:
    """The archive_file to add for a package: its name and where its code comes from."""

    name: str
    source_attribute: str  # "source_dir" or "source_file"
    source: str  # relative to the module directory
    source_exists: bool
    output: str


class ArchiveFileSources(Rule):
    code = "TF004"
    slug = "archive-file-sources"
    summary = "Build Lambda packages with data.archive_file instead of pointing at missing zips."
    applicability = Applicability.SAFE
    explanation = """\
## What it does
Finds `aws_lambda_function` and `aws_lambda_layer_version` resources whose `filename` is a path
(a literal, `"${path.module}/x.zip"`, or a variable or local whose value is one) that does not
exist next to the module and that nothing in the module builds (no `archive_file` writes it, no
`local_file` or `local-exec` command makes it). The package is then built by Terraform:

- `data "archive_file"` zips the code from `lambda-src/<name>` (layers: `lambda-src/layers/<name>`)
  into `.terraform/lambda-packages/<name>.zip` (layers: `.terraform/lambda-layers/`). `<name>` is
  the resource's name with `-` for `_` (`event-ingestion`), or the zip's name when several
  functions share it; the data source takes the resource's name (layers: `<name>_layer`). A
  directory or file next to the module that matches the function's name, its zip's name or its
  handler (`lambda/rollback/`, `index.py`) is used instead, with `source_file` for a single file.
- `filename = data.archive_file.<name>.output_path` and `source_code_hash =
  data.archive_file.<name>.output_base64sha256` (replacing `filebase64sha256(...)`, or added).
- `archive` (`hashicorp/archive`) joins `required_providers`.

A package the module makes itself is a defect too: a `local_file` writes text, which is no zip
(Lambda cannot unzip it), and a `null_resource` or `terraform_data` whose `local-exec` zips the
code runs at apply time, after `filebase64sha256()` has already failed at plan time. Both are
reported; a `local_file` holding the function's code becomes a `data "archive_file"` with that
code as its `source` (named after the handler's file: `app.handler` on Python is `app.py`).

Functions that share a zip share one `archive_file`. Handler, runtime and everything else stay.
S3-based (`s3_bucket`) and image-based (`package_type = "Image"`) functions are not touched.
When an `archive_file` already writes the zip but the function names it by path, the function is
made to reference that data source.

Options (`[tool.terrafix.rules.archive-file-sources]`): `source_root`, `layer_source_root`,
`output_dir`, `layer_output_dir` (paths relative to the module).

## Why
`terraform apply` fails with "no such file" when the zip is not there, and
`filebase64sha256("x.zip")` fails already at plan time. A package built from source in the
module is reproducible and redeploys when the code changes.

## Example
Before:
```hcl
resource "aws_lambda_function" "authorizer" {
  filename         = "authorizer.zip"
  source_code_hash = filebase64sha256("authorizer.zip")
  handler          = "index.handler"
}
```
After:
```hcl
data "archive_file" "authorizer" {
  type        = "zip"
  source_dir  = "${path.module}/lambda-src/authorizer"
  output_path = "${path.module}/.terraform/lambda-packages/authorizer.zip"
}

resource "aws_lambda_function" "authorizer" {
  filename         = data.archive_file.authorizer.output_path
  source_code_hash = data.archive_file.authorizer.output_base64sha256
  handler          = "index.handler"
}
```

## Fix safety
Safe in the `ephemeral` profile: the stack could not deploy before. The fix never writes code:
when the source directory does not exist yet, the finding names it and `terraform plan` asks for
it until it is provided. Unsafe when the path came from a variable's default, since callers may
pass a real package, and unsafe in the `default` and `production` profiles, where a zip missing
from the repository is usually built by a CI step before `terraform apply`. Replacing a
`local_file` is always unsafe: it removes a resource and changes the deployed code (from a text
file to a real package); a zip command is only reported.
"""

    def check(self, context: RuleContext) -> Iterable[Finding]:
        module = context.module
        options = {**DEFAULT_OPTIONS, **context.options}
        packages = _to_fix(module)
        missing = [p for p in packages if p.builder is None and p.home_made is None]
        plans = _plans(module, missing, options)
        for package in packages:
            if package.home_made is not None:
                fix = _home_made_fix(module, package)
                for consumer in package.consumers:
                    yield self._home_made_finding(module, package, consumer, fix)
                continue
            plan = plans.get(package.location)
            fix = _fix(module, package, plan, context.ephemeral)
            for consumer in package.consumers:
                yield self._finding(module, package, plan, consumer, fix)

    def _home_made_finding(
        self, module: Module, package: Package, consumer: Consumer, fix: Fix | None
    ) -> Finding:
        maker = package.home_made
        if maker.is_command:
            why = (
                f"made by {maker.address}'s command at apply time, but "
                "source_code_hash reads it at plan time, so the first plan fails"
            )
        else:
            why = f"written by {maker.address} as text, which is no zip: Lambda cannot unzip it"
        message = f"{consumer.address}: package {package.location!r} is {why}; build it with "
        message += (
            f"data.archive_file.{_home_made_name(module, package)}"
            if fix is not None
            else "data.archive_file"
        )
        return self._consumer_finding(module, consumer, message, "error", fix)

    def _finding(
        self, module: Module, package: Package, plan: Plan | None, consumer: Consumer, fix: Fix
    ) -> Finding:
        where = f" (default of var.{consumer.via_variable})" if consumer.via_variable else ""
        if plan is None:
            message = (
                f"{consumer.address}: package {package.location!r}{where} is written by "
                f"data.archive_file.{package.builder} but named by its path; reference the "
                "data source so Terraform builds it first"
            )
            severity = "warning"
        else:
            message = (
                f"{consumer.address}: package {package.location!r}{where} does not exist and "
                f"nothing in the module builds it; build it with data.archive_file.{plan.name} "
                f"from {plan.source}"
            )
            if not plan.source_exists:
                message += f" (provide the {consumer.kind}'s code in {plan.source}/)"
            severity = "error"
        return self._consumer_finding(module, consumer, message, severity, fix)

    def _consumer_finding(
        self, module: Module, consumer: Consumer, message: str, severity: str, fix: Fix | None
    ) -> Finding:
        """A finding at the function's or layer's `filename`."""
        tree = module.files[consumer.path].tree
        start, end = span_of(tree, consumer.filename.value)
        return Finding(
            self.code,
            self.slug,
            message,
            consumer.path,
            start,
            end,
            key=f"{self.code}:{module.directory}:{consumer.address}",
            severity=severity,
            fix=fix,
        )


# ---------------------------------------------------------------- detection


def _packages(module: Module) -> list[Package]:
    """Packages named by a path, grouped by location, in file order."""
    packages: dict[str, Package] = {}
    for (type_, _), symbol in module.resources.items():
        kind = CONSUMERS.get(type_)
        if kind is None:
            continue
        consumer = _consumer(module, symbol.path, symbol.node, kind)
        if consumer is None:
            continue
        package = packages.setdefault(consumer.location, Package(consumer.location))
        package.consumers.append(consumer)
    return list(packages.values())


def _consumer(module: Module, path: Path, block: n.Block, kind: str) -> Consumer | None:
    body = block.body
    filename = body.attribute("filename")
    if filename is None or body.attribute("s3_bucket") is not None:
        return None
    package_type = body.attribute("package_type")
    if package_type is not None and literal_string(package_type.value) == "Image":
        return None
    if body.attribute("image_uri") is not None:
        return None
    location, via = _location(module, filename.value)
    if location is None:
        return None
    return Consumer(path, block, kind, filename, location, via)


def _location(
    module: Module, expression: n.Expression, seen: frozenset[str] = frozenset()
) -> tuple[str | None, str | None]:
    """The module-relative path an expression names, and the variable it came from."""
    value = _path_literal(expression)
    if value is not None:
        return _normalise(value), None
    parts = traversal_parts(expression)
    if parts is None or len(parts) != 2 or type(expression) is not n.GetAttr:
        return None, None
    root, name = parts
    if root == "var" and name in module.variables:
        default = module.variables[name].node.body.attribute("default")
        value = _path_literal(default.value) if default is not None else None
        return (_normalise(value), name) if value else (None, None)
    if root == "local" and name in module.locals and name not in seen:
        local = module.locals[name].node
        return _location(module, local.value, seen | {name})
    return None, None


def _path_literal(expression: n.Expression) -> str | None:
    """A literal string, or one starting with ``${path.module}``/``${path.root}``."""
    if type(expression) is not n.TemplateString:
        return None
    plain = literal_string(expression)
    if plain is not None:
        return plain or None
    parts = expression.parts
    if len(parts) != 2 or type(parts[0]) is not n.TemplateInterpolation:
        return None
    if traversal_parts(parts[0].expression) not in (("path", "module"), ("path", "root")):
        return None
    rest = n.TemplateString(expression.open, parts[1:], expression.close)
    tail = literal_string(rest)
    return "." + tail if tail and tail.startswith("/") else None


def _normalise(path: str) -> str:
    normal = posixpath.normpath(path)
    return normal[2:] if normal.startswith("./") else normal


def _to_fix(module: Module) -> list[Package]:
    """Packages that are missing and built by nothing, or built by an archive_file their
    consumers name by path instead of by reference."""
    out = []
    for package in _packages(module):
        if disk.exists(module.directory / package.location):
            continue
        builder = _archive_builder(module, package.location)
        if builder == UNNAMEABLE:
            continue
        if builder is None:
            base = posixpath.basename(package.location)
            package.home_made = home_made_builder(module, package.location, base, _location)
            if package.home_made is not None and not _home_made_fails(package):
                continue
        package.builder = builder
        out.append(package)
    return out


def _home_made_fails(package: Package) -> bool:
    """A local_file writes text, never a zip; a command's zip is missing when a function hashes
    it at plan time."""
    if not package.home_made.is_command:
        return True
    return any(reads_at_plan_time(c.block) for c in package.consumers)


def _archive_builder(module: Module, location: str) -> str | None:
    """The name of the data "archive_file" writing ``location``, UNNAMEABLE when another
    archive_file form writes it, None when none does."""
    for _, block in module.top_level_blocks():
        labels = block.label_values
        if block.block_type not in ("data", "resource") or labels[:1] != ("archive_file",):
            continue
        output = block.body.attribute("output_path")
        if output is None or _location(module, output.value)[0] != location:
            continue
        counted = block.body.attribute("count") or block.body.attribute("for_each")
        if block.block_type == "data" and len(labels) == 2 and counted is None:
            return labels[1]
        return UNNAMEABLE
    return None


# ---------------------------------------------------------------- planning


def _plans(module: Module, packages: list[Package], options: dict) -> dict[str, Plan]:
    """A distinct data source name and output for each package to build."""
    taken_names = {name for type_, name in module.data_sources if type_ == "archive_file"}
    taken_outputs: set[str] = set()
    plans: dict[str, Plan] = {}
    for package in packages:
        plan = _plan(module, package, options)
        name, output = plan.name, plan.output
        counter = 1
        while _clashes(module, name, output, taken_names) or output in taken_outputs:
            counter += 1
            name = f"{plan.name}_{counter}"
            stem, ext = posixpath.splitext(plan.output)
            output = f"{stem}-{counter}{ext}"
        taken_names.add(name)
        taken_outputs.add(output)
        plans[package.location] = Plan(
            name, plan.source_attribute, plan.source, plan.source_exists, output
        )
    return plans


def _clashes(module: Module, name: str, output: str, taken: set[str]) -> bool:
    """The name is in use, unless by the very archive_file this plan would add (a later pass)."""
    if name not in taken:
        return False
    existing = module.data_sources.get(("archive_file", name))
    if existing is None:
        return True
    current = existing.node.body.attribute("output_path")
    return current is None or _location(module, current.value)[0] != output


def _plan(module: Module, package: Package, options: dict) -> Plan:
    consumers = package.consumers
    layer = all(c.kind == "layer" for c in consumers)
    stem = _identifier(posixpath.splitext(posixpath.basename(package.location))[0])
    if len(consumers) == 1:
        base = consumers[0].name
        name = base if not layer or base.endswith("layer") else f"{base}_layer"
    else:
        base = name = stem
    directory = base.replace("_", "-")
    root = options["layer_source_root" if layer else "source_root"]
    output_dir = options["layer_output_dir" if layer else "output_dir"]
    output = _normalise(f"{output_dir}/{directory}.zip")
    found = _existing_source(module, package, (base, directory, stem), root)
    if found is not None:
        attribute, source = found
        return Plan(name, attribute, source, True, output)
    return Plan(name, "source_dir", _normalise(f"{root}/{directory}"), False, output)


def _identifier(text: str) -> str:
    name = re.sub(r"\W+", "_", text).strip("_") or "package"
    return name if not name[0].isdigit() else f"package_{name}"


def _existing_source(
    module: Module, package: Package, names: tuple[str, ...], root: str
) -> tuple[str, str] | None:
    """A directory or file next to the module holding the code, by name or handler."""
    directory = module.directory
    parent = posixpath.dirname(package.location)
    roots = _unique([root, *CODE_ROOTS, parent] if parent else [root, *CODE_ROOTS])
    names = _unique([*names, *(x.replace("-", "_") for x in names)])
    for folder in roots:
        for name in names:
            candidate = _normalise(f"{folder}/{name}")
            if disk.is_dir(directory / candidate):
                return "source_dir", candidate
    consumer = package.consumers[0]
    extensions = _extensions(consumer.block)
    modules = _unique([*names, *_handler_modules(consumer.block)])
    for folder in ["", *roots]:
        for name in modules:
            for extension in extensions:
                candidate = _normalise(
                    f"{folder}/{name}{extension}" if folder else name + extension
                )
                if disk.is_file(directory / candidate):
                    return "source_file", candidate
    return None


def _extensions(block: n.Block) -> tuple[str, ...]:
    runtime = block.body.attribute("runtime")
    value = literal_string(runtime.value) if runtime is not None else None
    if value is None:
        runtimes = block.body.attribute("compatible_runtimes")
        if runtimes is not None and type(runtimes.value) is n.Tuple and runtimes.value.items:
            value = literal_string(runtimes.value.items[0].value)
    for prefix, extensions in RUNTIME_EXTENSIONS.items():
        if value and value.startswith(prefix):
            return extensions
    return tuple(e for group in RUNTIME_EXTENSIONS.values() for e in group)


def _handler_modules(block: n.Block) -> list[str]:
    handler = block.body.attribute("handler")
    value = literal_string(handler.value) if handler is not None else None
    if not value or "." not in value:
        return []
    module_part = value.rsplit(".", 1)[0]
    return _unique([module_part, module_part.replace(".", "/")])


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


# ---------------------------------------------------------------- fixing


def _fix(module: Module, package: Package, plan: Plan | None, ephemeral: bool) -> Fix:
    name = plan.name if plan is not None else package.builder
    # Outside a throwaway stack a missing zip is usually built by a CI step before `terraform
    # apply` (and kept out of git): packaging it differently is the maintainers' decision.
    guessed = not ephemeral or any(c.via_variable for c in package.consumers)
    applicability = Applicability.UNSAFE if guessed else Applicability.SAFE
    what = f"build {package.location!r} with data.archive_file.{name}"
    texts = DeferredTexts(lambda: _fixed_texts(module, package, plan, name))
    return Fix(what, applicability, module.texts, texts)


def _fixed_texts(module: Module, package: Package, plan: Plan | None, name: str) -> dict[Path, str]:
    """The module's texts with the package built by `archive_file` (built only when a report
    or a run reads them: a check that prints findings does not)."""
    changes = Changeset(module)
    first = package.consumers[0]
    if plan is not None and not module.may_declare("data", "archive_file", name):
        doc = changes.document(first.path)
        body = insert_block_before(doc.tree.body, first.block, _archive_spec(plan), doc.style)
        doc.tree = doc.tree.with_changes(body=body)
    for consumer in package.consumers:
        doc = changes.document(consumer.path)
        doc.replace(consumer.block, _repointed(consumer, name, doc.style))
    archive = PROVIDERS["archive"]
    changes.ensure_required_provider("archive", archive.source, archive.version)
    return changes.changes()


def _home_made_name(module: Module, package: Package) -> str:
    """The archive_file takes the name of the local_file it replaces, unless that is taken."""
    name = package.home_made.symbol.node.label_values[1]
    taken = {n for t, n in module.data_sources if t == "archive_file"}
    counter, candidate = 1, name
    while candidate in taken:
        counter += 1
        candidate = f"{name}_{counter}"
    return candidate


def _home_made_fix(module: Module, package: Package) -> Fix | None:
    """The local_file becomes an archive_file holding its code, where the file it becomes in
    the zip is clear from the handlers and nothing else names the local_file."""
    maker = package.home_made
    if maker.is_command or maker.content is None or maker.referenced:
        return None
    entry = handler_file([c.block for c in package.consumers])
    if entry is None:
        return None
    name = _home_made_name(module, package)
    writer = maker.symbol.node
    output = writer.body.attribute("filename").value.render().strip()
    source = BlockSpec(
        "source", (), (("content", Expr(maker.content.render().strip())), ("filename", entry))
    )
    spec = BlockSpec(
        "data", ("archive_file", name), (("type", "zip"), ("output_path", Expr(output)), source)
    )
    changes = Changeset(module)
    doc = changes.document(maker.symbol.path)
    source = block_source(spec, "", doc.style.unit) + "\n"
    (archive,) = build_body_elements(convert_newlines(source, doc.style.newline))
    doc.replace(writer, archive)
    for consumer in package.consumers:
        doc = changes.document(consumer.path)
        doc.replace(consumer.block, _repointed(consumer, name, doc.style))
    archive = PROVIDERS["archive"]
    changes.ensure_required_provider("archive", archive.source, archive.version)
    what = f"replace {maker.address} with data.archive_file.{name}, zipping its code as {entry}"
    # Removes a resource and changes what is deployed: a person checks the code it zips.
    return Fix(what, Applicability.UNSAFE, changes.base(), changes.changes())


def _archive_spec(plan: Plan) -> BlockSpec:
    return BlockSpec(
        "data",
        ("archive_file", plan.name),
        (
            ("type", "zip"),
            (plan.source_attribute, Expr(f'"${{path.module}}/{plan.source}"')),
            ("output_path", Expr(f'"${{path.module}}/{plan.output}"')),
        ),
    )


def _repointed(consumer: Consumer, name: str, style: Style) -> n.Block:
    """The consumer with filename and source_code_hash taken from the archive_file."""
    block = consumer.block
    reference = f"data.archive_file.{name}"
    block = set_attribute(block, "filename", Expr(f"{reference}.output_path"), style)
    digest = f"{reference}.output_base64sha256"
    current = block.body.attribute("source_code_hash")
    if current is None:
        return _insert_after(block, "filename", "source_code_hash", digest, style)
    if _replaceable_hash(current.value):
        return set_attribute(block, "source_code_hash", Expr(digest), style)
    return block


def _replaceable_hash(value: n.Expression) -> bool:
    """A hash computed from a file (or a literal), as opposed to some other reference."""
    if type(value) is n.FunctionCall:
        return value.function_name in HASH_FUNCTIONS
    return type(value) is n.TemplateString


def _insert_after(block: n.Block, anchor: str, name: str, source: str, style: Style) -> n.Block:
    if block.open_newline is None:
        return set_attribute(block, name, Expr(source), style)
    elements = list(block.body.elements)
    index = next(
        i for i, e in enumerate(elements) if type(e) is n.Attribute and e.name.text == anchor
    )
    indent = indent_of(elements[index].name)
    elements.insert(
        index + 1, build_attribute(name, Expr(source), indent, style.unit, style.newline)
    )
    body = block.body.with_changes(elements=tuple(elements))
    return block.with_changes(body=realign_body(body, {index + 1}))
