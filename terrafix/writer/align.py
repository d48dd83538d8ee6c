"""`terraform fmt`'s alignment, applied only to the runs an edit touched.

hclwrite aligns the `=` of consecutive lines that each hold a whole single-line assignment (a
run ends at a blank line, a comment-only line, or a line without such an `=`), and aligns the
trailing comments of consecutive lines. A heredoc's assignment line counts as single-line.
"""

from __future__ import annotations

from ..syntax import nodes as n
from ..syntax.tokens import Leaf
from ..syntax.trivia import COMMENT


def _last_line(text: str) -> str:
    return text[text.rfind("\n") + 1 :]


def is_single_line(value: n.Expression) -> bool:
    return type(value) is n.Heredoc or "\n" not in value.render()


def attribute_runs(body: n.Body) -> list[list[int]]:
    """Indices of the body's elements grouped into alignment runs."""
    runs: list[list[int]] = []
    current: list[int] = []
    for i, element in enumerate(body.elements):
        if type(element) is n.Attribute and is_single_line(element.value):
            current.append(i)
            continue
        if current:
            runs.append(current)
        current = []
    if current:
        runs.append(current)
    return runs


def _aligned_comment(newline: Leaf, column: int, width: int) -> Leaf:
    match = COMMENT.search(newline.pre)
    if match is None or newline.pre[: match.start()].strip():
        return newline
    return newline.with_changes(pre=" " * (width - column + 1) + newline.pre[match.start() :])


def realign_body(body: n.Body, touched: set[int]) -> n.Body:
    """Re-align every run of ``body`` that contains (or borders) a touched element index."""
    elements = list(body.elements)
    for run in attribute_runs(body):
        if not any(i in touched or i - 1 in touched or i + 1 in touched for i in run):
            continue
        leads = [len(_last_line(elements[i].name.pre)) + len(elements[i].name.text) for i in run]
        width = max(leads)
        for i, lead in zip(run, leads, strict=True):
            attr = elements[i]
            elements[i] = attr.with_changes(
                equals=attr.equals.with_changes(pre=" " * (width - lead + 1))
            )
        _align_comments(elements, run)
    return body.with_changes(elements=tuple(elements))


def _comment_column(attr: n.Attribute) -> int:
    """Width of the line up to its trailing comment's leading spaces."""
    name, equals = attr.name, attr.equals
    return (
        len(_last_line(name.pre)) + len(name.text) + len(equals.pre) + 1 + len(attr.value.render())
    )


def _align_comments(elements: list, run: list[int]) -> None:
    chain: list[int] = []

    def close() -> None:
        if chain:
            columns = {i: _comment_column(elements[i]) for i in chain}
            width = max(columns.values())
            for i in chain:
                attr = elements[i]
                elements[i] = attr.with_changes(
                    newline=_aligned_comment(attr.newline, columns[i], width)
                )
        chain.clear()

    for i in run:
        attr = elements[i]
        has_comment = attr.newline is not None and COMMENT.search(attr.newline.pre)
        if has_comment and "\n" not in attr.value.render():
            chain.append(i)
        else:
            close()
    close()


def object_runs(obj: n.Object) -> list[list[int]]:
    """Indices of the object's items grouped into alignment runs."""
    runs: list[list[int]] = []
    current: list[int] = []
    starts_line = any(leaf.type == "NL" for leaf in obj.leading)
    for i, item in enumerate(obj.items):
        newlines = [leaf for leaf in item.separators if leaf.type == "NL"]
        alignable = starts_line and item.assign.text == "=" and is_single_line(item.value)
        if alignable:
            current.append(i)
        elif current:
            runs.append(current)
            current = []
        if len(newlines) != 1 and current:
            runs.append(current)
            current = []
        starts_line = bool(newlines)
    if current:
        runs.append(current)
    return runs


def realign_object(obj: n.Object, touched: set[int]) -> n.Object:
    items = list(obj.items)
    for run in object_runs(obj):
        if not any(i in touched or i - 1 in touched or i + 1 in touched for i in run):
            continue
        leads = []
        for i in run:
            key = items[i].key.render()
            leads.append(len(_last_line(key)))
        width = max(leads)
        for i, lead in zip(run, leads, strict=True):
            item = items[i]
            items[i] = item.with_changes(
                assign=item.assign.with_changes(pre=" " * (width - lead + 1))
            )
    return obj.with_changes(items=tuple(items))
