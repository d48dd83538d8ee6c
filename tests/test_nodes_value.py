"""Nodes behave as immutable values: the contract ``@node`` gives every node class."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from terrafix.syntax import nodes as n
from terrafix.syntax import parse
from terrafix.syntax.tokens import leaf

SOURCE = 'a = 1\nb "x" { c = [for k, v in m : "${k}=${v}" if v != null] }\n'


def _node_classes() -> list[type[n.Node]]:
    return [
        value
        for value in vars(n).values()
        if isinstance(value, type) and issubclass(value, n.Node) and "__init__" in vars(value)
    ]


def test_fields_are_the_annotations_in_source_order() -> None:
    assert n.Block._field_names == (
        "type",
        "labels",
        "open",
        "open_newline",
        "body",
        "close",
        "newline",
    )
    for cls in _node_classes():
        assert cls._field_names == tuple(cls.__annotations__), cls
        assert cls.__slots__ == cls._field_names, cls
        assert cls.__match_args__ == cls._field_names, cls


def test_construction_by_position_and_keyword() -> None:
    token = leaf("NUMBER", "1")
    assert n.Number(token) == n.Number(token=token)
    assert n.Number(token).token is token
    with pytest.raises(TypeError):
        n.Number()
    with pytest.raises(TypeError):
        n.Number(token, token)
    with pytest.raises(TypeError):
        n.Number(value=token)


def test_slotted_and_frozen() -> None:
    number = n.Number(leaf("NUMBER", "1"))
    assert not hasattr(number, "__dict__")
    with pytest.raises(dataclasses.FrozenInstanceError):
        number.token = leaf("NUMBER", "2")
    with pytest.raises(dataclasses.FrozenInstanceError):
        del number.token
    with pytest.raises(AttributeError):
        number.other = 1


def test_equality_and_hash_are_by_class_and_fields() -> None:
    token = leaf("IDENT", "x")
    assert n.Variable(token) == n.Variable(leaf("IDENT", "x"))
    assert hash(n.Variable(token)) == hash(n.Variable(leaf("IDENT", "x")))
    assert n.Variable(token) != n.Variable(leaf("IDENT", "y"))
    assert n.Variable(token) != n.Number(token)  # same fields' values, another class
    assert n.Variable(token) != (token,)
    assert parse(SOURCE) == parse(SOURCE)
    assert hash(parse(SOURCE)) == hash(parse(SOURCE))


def test_repr_names_every_field() -> None:
    token = leaf("NUMBER", "1")
    assert repr(n.Number(token)) == f"Number(token={token!r})"
    assert repr(n.Body(())) == "Body(elements=())"


def test_with_changes_replaces_only_the_given_fields() -> None:
    tree = parse(SOURCE)
    attribute = next(tree.body.attributes())
    renamed = attribute.with_changes(name=leaf("IDENT", "z"))
    assert type(renamed) is n.Attribute
    assert renamed.render() == "z = 1\n"
    assert (renamed.equals, renamed.value, renamed.newline) == (
        attribute.equals,
        attribute.value,
        attribute.newline,
    )
    assert attribute.with_changes() == attribute
    with pytest.raises(TypeError):
        attribute.with_changes(nope=1)


@pytest.mark.parametrize(
    "clone", [copy.copy, copy.deepcopy, lambda tree: pickle.loads(pickle.dumps(tree))]
)
def test_copies_and_pickles(clone) -> None:
    tree = parse(SOURCE)
    again = clone(tree)
    assert again == tree
    assert again.render() == SOURCE
