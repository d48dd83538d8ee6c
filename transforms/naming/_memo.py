"""Answers about modules that hold for one check of one module, asked for again and again.

Planning a module plans its callers and its children too, and each of those asks who calls
it: without a memo the same callers are read, analysed and planned once per name. The files
on disk do not change while one module is checked, so within ``one_check`` each answer is
computed once; outside it (and after it) nothing is kept, so a long-running language server
never answers from files that have changed since.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from terrafix.model import Module

Value = TypeVar("Value")

_ANSWERS: ContextVar[dict | None] = ContextVar("naming_answers", default=None)


@contextmanager
def one_check() -> Iterator[None]:
    """Keep answers until the end of this block."""
    token = _ANSWERS.set({})
    try:
        yield
    finally:
        _ANSWERS.reset(token)


def remembered(
    question: str, module: Module, options: dict | None, compute: Callable[[], Value]
) -> Value:
    """``compute()``, asked once per question, module and options within ``one_check``.

    The module is kept with the answer, so its identity stays its own while the answer is.
    """
    key = (question, id(module), None if options is None else repr(sorted(options.items())))
    return _answer(key, module, compute)


def remembered_for(question: str, subject: Hashable, compute: Callable[[], Value]) -> Value:
    """``compute()``, asked once per question and ``subject`` (a path, a name) within
    ``one_check``."""
    return _answer((question, subject), None, compute)


def _answer(key: Hashable, keep: object, compute: Callable[[], Value]) -> Value:
    answers = _ANSWERS.get()
    if answers is None:
        return compute()
    found = answers.get(key)
    if found is None:
        found = answers[key] = (keep, compute())
    return found[1]
