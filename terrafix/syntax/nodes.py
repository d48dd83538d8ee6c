"""Immutable nodes of the HCL concrete syntax tree.

Every node's fields are declared in source order, and every byte of the source sits in some
``Leaf`` (its text or its leading trivia), so ``render()`` is a walk that concatenates leaves.
Nodes never change: ``with_changes(...)`` returns a copy with some fields replaced.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from typing import ClassVar, Union

from .strings import unescape
from .tokens import Leaf

Child = Union["Node", Leaf]


class Node:
    """Base of all tree nodes.

    Traversals use an explicit stack rather than recursion: expressions nest as deep as the
    source does (ten thousand brackets are legal HCL), and Python's call stack is not that deep.
    """

    __slots__ = ()
    _field_names: ClassVar[tuple[str, ...]] = ()
    # The fields' values as one tuple, in source order (set by ``@node``).
    _fields_of: ClassVar[Callable[[Node], tuple[object, ...]]] = staticmethod(lambda _: ())

    # Value semantics, as a frozen dataclass has them: equal when of the same class with equal
    # fields, hashed by the fields, and never assigned to after ``__init__``.

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._fields_of(self) == other._fields_of(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._fields_of(self))

    def __repr__(self) -> str:
        fields = zip(self._field_names, self._fields_of(self))
        return f"{self.__class__.__qualname__}({', '.join(f'{k}={v!r}' for k, v in fields)})"

    def __setattr__(self, name: str, value: object) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[type[Node], tuple[object, ...]]:
        # Slots and a refusing ``__setattr__`` defeat the default copy and pickle protocol.
        return self.__class__, self._fields_of(self)

    def children(self) -> Iterator[Child]:
        """Direct children (nodes and leaves) in source order."""
        for value in self._fields_of(self):
            if value is None:
                continue
            if type(value) is tuple:
                yield from value
            else:
                yield value

    def leaves(self) -> Iterator[Leaf]:
        """Every token under this node, in source order."""
        stack: list[object] = [self]
        pop = stack.pop
        push_all = stack.extend
        while stack:
            item = pop()
            kind = type(item)
            if kind is Leaf:
                yield item
            elif kind is tuple:
                push_all(reversed(item))
            elif item is not None:
                push_all(reversed(item._fields_of(item)))

    def render(self) -> str:
        """The source text of this node: every leaf's trivia and text, concatenated."""
        # Children are pushed in source order, so they pop last-first: collect the text
        # backwards and reverse once, which saves a ``reversed()`` per node on the hot path.
        out: list[str] = []
        emit = out.append
        stack: list[object] = [self]
        pop = stack.pop
        push_all = stack.extend
        while stack:
            item = pop()
            kind = type(item)
            if kind is Leaf:
                emit(item[1])  # text
                emit(item[2])  # pre
            elif kind is tuple:
                push_all(item)
            elif item is not None:
                push_all(item._fields_of(item))
        out.reverse()
        return "".join(out)

    def with_changes(self, **changes: object):
        """A copy of this node with the given fields replaced (LibCST's ``with_changes``)."""
        values = dict(zip(self._field_names, self._fields_of(self)))
        values.update(changes)
        return self.__class__(**values)

    def first_leaf(self) -> Leaf | None:
        return next(self.leaves(), None)

    def walk(self) -> Iterator[Node]:
        """This node and every node below it, parents before children."""
        stack: list[object] = [self]
        pop = stack.pop
        push_all = stack.extend
        while stack:
            item = pop()
            kind = type(item)
            if kind is tuple:
                push_all(reversed(item))
            elif kind is not Leaf and item is not None:
                yield item
                push_all(reversed(item._fields_of(item)))


def _fields_getter(names: tuple[str, ...]) -> Callable[[Node], tuple[object, ...]]:
    """A fast ``node -> (field values...)`` for one node class."""
    if not names:
        return lambda _: ()
    if len(names) == 1:
        get_one = operator.attrgetter(names[0])
        return lambda node: (get_one(node),)
    return operator.attrgetter(*names)


def _initializer(cls: type[Node], names: tuple[str, ...]) -> Callable[..., None]:
    """``__init__(self, <fields>)``, storing each argument through its slot's descriptor.

    The descriptors' ``__set__`` bypass the refusing ``__setattr__`` and are the quickest way
    to fill a slot, which matters: the parser builds every node through this.
    """
    setters = {f"_set_{name}": getattr(cls, name).__set__ for name in names}
    body = "".join(f"    _set_{name}(self, {name})\n" for name in names) or "    pass\n"
    namespace: dict[str, object] = dict(setters)
    exec(f"def __init__(self, {', '.join(names)}):\n{body}", namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def node(cls: type) -> type:
    """Class decorator: an immutable, slotted node whose fields are its annotations, in order.

    It does what ``dataclass(frozen=True, slots=True)`` did here (the same ``__init__``,
    equality, hash, repr and immutability, see ``Node``) at a fraction of the import cost:
    one small ``exec`` per class, and no ``inspect``.
    """
    inherited = next(
        (base._field_names for base in cls.__mro__[1:] if "_field_names" in vars(base)), ()
    )
    own = tuple(
        name
        for name, annotation in cls.__annotations__.items()
        if name not in inherited and not str(annotation).startswith(("ClassVar", "typing.ClassVar"))
    )
    namespace = dict(cls.__dict__)
    for name in own:
        if name in namespace:
            raise TypeError(f"{cls.__name__}.{name}: node fields take no default")
    namespace.pop("__dict__", None)
    namespace.pop("__weakref__", None)
    namespace["__slots__"] = own
    namespace["_field_names"] = names = inherited + own
    namespace["_fields_of"] = staticmethod(_fields_getter(names))
    namespace["__match_args__"] = names
    slotted = type(cls)(cls.__name__, cls.__bases__, namespace)
    slotted.__qualname__ = cls.__qualname__
    slotted.__init__ = _initializer(slotted, names)
    return slotted


# ---------------------------------------------------------------- expressions


class Expression(Node):
    __slots__ = ()


@node
class Number(Expression):
    token: Leaf


@node
class Variable(Expression):
    """A bare identifier: a root variable (``var``, ``local``…) or ``true``/``false``/``null``."""

    name: Leaf

    @property
    def identifier(self) -> str:
        return self.name.text


@node
class TemplateInterpolation(Node):
    open: Leaf  # "${" or "${~"
    expression: Expression
    close: Leaf  # "}" or "~}"


@node
class TemplateIf(Node):
    open: Leaf  # "%{ if"
    condition: Expression
    open_close: Leaf
    then_parts: tuple[TemplatePart, ...]
    else_: Leaf | None  # the whole "%{ else }"
    else_parts: tuple[TemplatePart, ...]
    endif: Leaf  # the whole "%{ endif }"


@node
class TemplateFor(Node):
    open: Leaf  # "%{ for"
    key: Leaf | None
    comma: Leaf | None
    value: Leaf
    in_: Leaf
    collection: Expression
    open_close: Leaf
    parts: tuple[TemplatePart, ...]
    endfor: Leaf


TemplatePart = Leaf | TemplateInterpolation | TemplateIf | TemplateFor


@node
class TemplateString(Expression):
    """A quoted string: literal leaves (``TLIT``), interpolations and directives."""

    open: Leaf
    parts: tuple[TemplatePart, ...]
    close: Leaf


@node
class Heredoc(Expression):
    open: Leaf  # "<<EOT\n" or "<<-EOT\n"
    parts: tuple[TemplatePart, ...]
    close: Leaf  # the marker line, with its indentation

    @property
    def strips_indent(self) -> bool:
        return self.open.text.startswith("<<-")

    @property
    def marker(self) -> str:
        return self.open.text.lstrip("<-").rstrip("\r\n")


@node
class TupleItem(Node):
    value: Expression
    comma: Leaf | None


@node
class Tuple(Expression):
    open: Leaf
    items: tuple[TupleItem, ...]
    close: Leaf


@node
class ObjectItem(Node):
    key: Expression
    assign: Leaf  # "=" or ":"
    value: Expression
    separators: tuple[Leaf, ...]  # the comma and/or newlines after the item


@node
class Object(Expression):
    open: Leaf
    leading: tuple[Leaf, ...]  # newlines right after "{"
    items: tuple[ObjectItem, ...]
    close: Leaf


@node
class Argument(Node):
    value: Expression
    ellipsis: Leaf | None
    comma: Leaf | None


@node
class FunctionCall(Expression):
    name: tuple[Leaf, ...]  # `f`, or `provider :: aws :: arn_parse`
    open: Leaf
    arguments: tuple[Argument, ...]
    close: Leaf

    @property
    def function_name(self) -> str:
        return "".join(leaf.text for leaf in self.name)


@node
class Parenthesized(Expression):
    open: Leaf
    expression: Expression
    close: Leaf


@node
class UnaryOp(Expression):
    operator: Leaf
    operand: Expression


@node
class BinaryOp(Expression):
    left: Expression
    operator: Leaf
    right: Expression


@node
class Conditional(Expression):
    condition: Expression
    question: Leaf
    true_result: Expression
    colon: Leaf
    false_result: Expression


@node
class ForTuple(Expression):
    open: Leaf
    for_: Leaf
    key: Leaf | None
    comma: Leaf | None
    value: Leaf
    in_: Leaf
    collection: Expression
    colon: Leaf
    result: Expression
    if_: Leaf | None
    condition: Expression | None
    close: Leaf


@node
class ForObject(Expression):
    open: Leaf
    for_: Leaf
    key: Leaf | None
    comma: Leaf | None
    value: Leaf
    in_: Leaf
    collection: Expression
    colon: Leaf
    key_result: Expression
    arrow: Leaf
    value_result: Expression
    ellipsis: Leaf | None
    if_: Leaf | None
    condition: Expression | None
    close: Leaf


@node
class GetAttr(Expression):
    target: Expression
    dot: Leaf
    name: Leaf


@node
class Index(Expression):
    target: Expression
    open: Leaf
    key: Expression
    close: Leaf


@node
class LegacyIndex(Expression):
    """`list.0`: HCL 1's index syntax, still accepted."""

    target: Expression
    dot: Leaf
    index: Leaf


@node
class Splat(Expression):
    """`x[*]` (full splat) or `x.*` (attribute-only splat)."""

    target: Expression
    open: Leaf  # "[" or "."
    star: Leaf
    close: Leaf | None  # "]" for the full splat


# ---------------------------------------------------------------- structure


@node
class EmptyLine(Node):
    """A line with no attribute or block: blank, or holding only comments."""

    newline: Leaf

    @property
    def is_blank(self) -> bool:
        return not self.newline.pre.strip()


@node
class Attribute(Node):
    name: Leaf
    equals: Leaf
    value: Expression
    newline: Leaf | None  # None inside a one-line block

    @property
    def key(self) -> str:
        return self.name.text


@node
class Body(Node):
    elements: tuple[BodyElement, ...]

    def attributes(self) -> Iterator[Attribute]:
        return (e for e in self.elements if type(e) is Attribute)

    def blocks(self, type_: str | None = None) -> Iterator[Block]:
        return (
            e
            for e in self.elements
            if type(e) is Block and (type_ is None or e.block_type == type_)
        )

    def attribute(self, name: str) -> Attribute | None:
        for element in self.elements:
            if type(element) is Attribute and element.name.text == name:
                return element
        return None


@node
class Block(Node):
    type: Leaf
    labels: tuple[Leaf | TemplateString, ...]
    open: Leaf
    open_newline: Leaf | None  # None for a one-line block `x { a = 1 }`
    body: Body
    close: Leaf
    newline: Leaf

    @property
    def block_type(self) -> str:
        return self.type.text

    @property
    def label_values(self) -> tuple[str, ...]:
        return tuple(map(label_text, self.labels))


@node
class Damaged(Node):
    """Source that did not parse, kept verbatim as its tokens (an error node).

    It holds leaves only, never nodes: a walk over the tree finds no attribute, block or
    reference inside damaged text, so nothing downstream mistakes a fragment for code.
    """

    tokens: tuple[Leaf, ...]

    @property
    def header(self) -> tuple[str, tuple[str, ...]] | None:
        """Block type and labels when the text still opens a block (`variable "x" {`), else None."""
        return _block_header(self.tokens, 0)

    def declarations(self) -> list[tuple[str, tuple[str, ...]]]:
        """Every block header at the start of a line in the damaged text, nested ones included.

        An over-approximation on purpose: what damaged text may declare is treated as declared,
        so nothing adds a second declaration next to it.
        """
        tokens = self.tokens
        found = []
        for i in _line_starts(tokens):
            header = _block_header(tokens, i)
            if header is not None:
                found.append(header)
        return found

    def argument_names(self) -> set[str]:
        """Names at the start of a line followed by `=`: arguments, locals, provider entries."""
        tokens = self.tokens
        return {
            tokens[i].text
            for i in _line_starts(tokens)
            if tokens[i].type == "IDENT" and i + 1 < len(tokens) and tokens[i + 1].type == "EQUAL"
        }


def _line_starts(tokens: tuple[Leaf, ...]) -> list[int]:
    return [
        i
        for i, token in enumerate(tokens)
        if i == 0 or tokens[i - 1].type in ("NL", "LBRACE") or "\n" in token.pre
    ]


def _block_header(tokens: tuple[Leaf, ...], i: int) -> tuple[str, tuple[str, ...]] | None:
    """`IDENT label* {` from ``tokens[i]``: the block type and label values."""
    if i >= len(tokens) or tokens[i].type != "IDENT":
        return None
    block_type = tokens[i].text
    labels: list[str] = []
    i += 1
    while i < len(tokens):
        kind = tokens[i].type
        if kind == "LBRACE":
            return block_type, tuple(labels)
        if kind == "IDENT":
            labels.append(tokens[i].text)
            i += 1
        elif kind == "QUOTE" and i + 1 < len(tokens) and tokens[i + 1].type == "QUOTE_END":
            labels.append("")
            i += 2
        elif (
            kind == "QUOTE"
            and i + 2 < len(tokens)
            and tokens[i + 1].type == "TLIT"
            and tokens[i + 2].type == "QUOTE_END"
        ):
            labels.append(unescape(tokens[i + 1].text))
            i += 3
        else:
            return None
    return None


BodyElement = Attribute | Block | EmptyLine | Damaged


@node
class ConfigFile(Node):
    """One parsed file: its body and the end-of-input token."""

    body: Body
    eof: Leaf


def label_text(label: Leaf | TemplateString) -> str:
    """The value of a block label: an identifier, or a quoted literal string."""
    if type(label) is Leaf:
        return label.text
    parts = label.parts
    if len(parts) == 1 and type(parts[0]) is Leaf:  # nearly every label: read on every lookup
        return unescape(parts[0].text)
    return "".join(unescape(part.text) for part in parts if type(part) is Leaf)
