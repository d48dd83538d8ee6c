"""TF018 latest-image-tag: container images that run whatever `latest` means at deploy time."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from terrafix.engine.findings import Applicability, Finding
from terrafix.engine.locate import span_of
from terrafix.engine.rules import Rule, RuleContext
from terrafix.model import Module
from terrafix.model.module import Symbol, literal_string
from terrafix.model.references import traversal_parts
from terrafix.syntax import nodes as n
from terrafix.syntax.tokens import Leaf
from terrafix.writer.objects import object_key

# Where a resource names the images it runs: (resource type, argument).
IMAGE_ARGUMENTS: tuple[tuple[str, str], ...] = (
    ("aws_ecs_task_definition", "container_definitions"),
    ("aws_lambda_function", "image_uri"),
)
JSON_IMAGE = re.compile(r'"image"\s*:\s*"([^"]*)"')
HOLE = "\x00"  # stands for an interpolation in a template's text


@dataclass(frozen=True)
class ImageUse:
    """An image reference found in the module: where its text is written, and what it says."""

    path: object
    node: n.Node
    image: str  # with HOLE for the parts an expression computes
    owner: str  # the resource that runs it, e.g. aws_ecs_task_definition.app
    via: str | None  # "var.container_image" when the text is a variable's default


class LatestImageTag(Rule):
    code = "TF018"
    slug = "latest-image-tag"
    summary = "Report container images with the `latest` tag or no tag at all."
    applicability = Applicability.DISPLAY_ONLY
    explanation = """\
## What it does
Reports the container images that ECS task definitions (`image` in `container_definitions`,
written with `jsonencode` or as JSON text) and image-based Lambda functions (`image_uri`) run
when they are tagged `:latest` or not tagged at all (which means `latest`). An image given by a
variable or a local is followed to its default or value, and the finding points there.

## Why
`latest` is a moving target: two deployments of the same code can run different images, a
task that restarts picks up whatever was pushed last, and rolling back to the previous task
definition brings back nothing. Pin a version tag or, better, a digest.

## Example
Before:
```hcl
variable "container_image" {
  description = "Docker image for the container"
  type        = string
  default     = "nginx:latest"
}
```
What to write instead:
```hcl
variable "container_image" {
  description = "Docker image for the container (use specific version tags, not 'latest')"
  type        = string
  default     = "nginx:1.25.3-alpine"
}
```

## Fix safety
Display-only: which version to pin is the author's choice; none can be derived from the code.
"""

    def check(self, context: RuleContext) -> Iterable[Finding]:
        module = context.module
        seen: set[tuple[str, int]] = set()
        for use in image_uses(module):
            problem = tag_problem(use.image)
            if problem is None:
                continue
            tree = module.files[use.path].tree
            start, end = span_of(tree, use.node)
            if (str(use.path), start) in seen:
                continue
            seen.add((str(use.path), start))
            shown = use.image
            if HOLE in shown and type(use.node) is n.TemplateString:
                shown = _template_text(use.node, shown=True) or shown
            where = f" ({use.via}, used by {use.owner})" if use.via else f" in {use.owner}"
            yield Finding(
                self.code,
                self.slug,
                f'container image "{shown}"{where} {problem}: deployments may run different '
                "images and a rollback cannot return to the previous one; pin a version tag "
                "or a digest (@sha256:…)",
                use.path,
                start,
                end,
                key=f"{self.code}:{module.directory}:{use.path.name}:{start}",
                severity="warning",
            )


def tag_problem(image: str) -> str | None:
    """Why an image reference is not pinned, or None when it is (or cannot be told)."""
    if "@" in image:
        return None
    last = image.rsplit("/", 1)[-1]
    if ":" in last:
        tag = last.rsplit(":", 1)[1]
        return 'uses the moving "latest" tag' if tag == "latest" else None
    if last.endswith(HOLE) or not last.strip(HOLE):
        return None  # the tag may come from the expression
    return 'has no tag, so it runs "latest"'


def image_uses(module: Module) -> Iterator[ImageUse]:
    for (type_, name), symbol in sorted(module.resources.items()):
        for wanted_type, argument in IMAGE_ARGUMENTS:
            if type_ != wanted_type:
                continue
            attribute = symbol.node.body.attribute(argument)
            if attribute is None:
                continue
            owner = f"{type_}.{name}"
            if argument == "container_definitions":
                yield from _container_images(module, symbol, attribute.value, owner)
            else:
                yield from _image_value(module, symbol.path, attribute.value, owner)


def _container_images(
    module: Module, symbol: Symbol, value: n.Expression, owner: str
) -> Iterator[ImageUse]:
    if type(value) in (n.TemplateString, n.Heredoc):
        text = _template_text(value)
        if text is not None:
            for match in JSON_IMAGE.finditer(text):
                yield ImageUse(symbol.path, value, match.group(1), owner, None)
        return
    for node in value.walk():
        if type(node) is n.ObjectItem and object_key(node) == "image":
            yield from _image_value(module, symbol.path, node.value, owner)


def _image_value(module: Module, path, value: n.Expression, owner: str) -> Iterator[ImageUse]:
    """The image text an expression gives: a literal, a template, or a variable's default."""
    parts = traversal_parts(value) if type(value) in (n.GetAttr, n.Variable) else None
    if parts and len(parts) == 2 and parts[0] in ("var", "local"):
        symbol = (module.variables if parts[0] == "var" else module.locals).get(parts[1])
        if symbol is None:
            return
        source = symbol.node.body.attribute("default") if parts[0] == "var" else symbol.node
        if source is None or type(source.value) not in (n.TemplateString,):
            return
        text = _template_text(source.value)
        if text is not None:
            yield ImageUse(symbol.path, source.value, text, owner, ".".join(parts))
        return
    repository = _ecr_repository(value)
    if repository is not None:
        yield ImageUse(path, value, f"aws_ecr_repository.{repository}.repository_url", owner, None)
        return
    if type(value) is n.TemplateString:
        text = _template_text(value)
        if text is not None:
            yield ImageUse(path, value, text, owner, None)


def _ecr_repository(value: n.Expression) -> str | None:
    """``x`` when the expression is the bare URL of ``aws_ecr_repository.x`` (no tag)."""
    if type(value) is n.TemplateString and len(value.parts) == 1:
        part = value.parts[0]
        if type(part) is n.TemplateInterpolation:
            value = part.expression
    parts = traversal_parts(value) if type(value) is n.GetAttr else None
    if (
        parts
        and len(parts) == 3
        and parts[0] == "aws_ecr_repository"
        and parts[2] == "repository_url"
    ):
        return parts[1]
    return None


def _template_text(value: n.TemplateString | n.Heredoc, shown: bool = False) -> str | None:
    """A template's literal text with HOLE for each interpolation (their source when
    ``shown``); None with directives."""
    literal = literal_string(value) if type(value) is n.TemplateString else None
    if literal is not None:
        return literal
    pieces = []
    for part in value.parts:
        if type(part) is Leaf:
            pieces.append(part.text)
        elif type(part) is n.TemplateInterpolation:
            pieces.append(part.render() if shown else HOLE)
        else:
            return None
    return "".join(pieces)
