"""A small LALR(1) driver over the tables lark computes from ``hcl.lark``.

lark stays the grammar compiler: it reads ``hcl.lark``, expands EBNF into helper rules and builds the
LALR(1) action/goto table. Its generic parse loop, though, is most of the cost of a parse: every
reduction looks up ``callbacks[rule]`` with Python-level ``Rule.__hash__``/``__eq__``, and each of
its ``__x_star_N`` helper rules builds a throwaway ``Tree`` that the parent then unpacks. This
driver runs the same table with everything resolved once:

- states are list indices, and each state's row is a dict from symbol name to one int action:
  ``>= 0`` shifts (or, for a nonterminal, goes) to that state, ``< 0`` reduces rule ``~action``;
- each rule carries its tree-builder method, already looked up;
- inlined rules (``_name``, including lark's helper rules) build nothing: their children stay on
  the value stack, so the parent rule takes them as its own, already flat, with no lists to splice;
- a ``?rule`` with one child hands the child through; for a one-symbol expansion
  (``?postfix: primary``) that is just a change of state, nothing is popped or built;
- an alias (``-> name``) picks the builder method, as in lark.

The table lives in a JSON file in the user cache directory, keyed by a digest of the grammar, the
installed lark version and this module's table format, so a process with a warm cache never
imports lark. JSON, not pickle: a cache file can at worst make parses fail, never run code.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from collections.abc import Callable, Iterable
from itertools import chain
from pathlib import Path
from typing import Any

from ..user_cache import user_cache_dir, write_atomically

# Bump when the JSON layout or the meaning of its fields changes.
TABLE_FORMAT = 2

# How a reduction builds its value.
UNIT = 0  # `?rule: symbol`: the child is the value, only the state changes
CALL = 1  # the builder method, called with the children
INLINE = 2  # `_rule`: nothing; the children stay on the value stack for the parent
EXPAND1 = 3  # `?rule` with more symbols: one child is passed through, more go to the method

END = "$END"  # lark's name for end of input

Rule = tuple[int, str, int, Callable[[list], Any] | None]


class ParseError(Exception):
    """No action for ``token`` in the current state; ``expected`` are the terminals that had one."""

    def __init__(self, token: Any, expected: list[str]) -> None:
        super().__init__(f"unexpected {getattr(token, 'type', token)!r}")
        self.token = token
        self.expected = expected


class _End:
    """The end-of-input pseudo token fed after the last real one."""

    __slots__ = ()
    type = END
    text = ""
    pos = -1


_END_TOKEN = _End()


class Driver:
    """Runs an LALR(1) table over a token list, building the tree with a builder's methods."""

    __slots__ = ("actions", "rules", "start", "terminals")

    def __init__(self, table: dict[str, Any], builder: object) -> None:
        actions: list[dict[str, int]] = table["actions"]
        # Accepting = shifting END from lark's end state into an extra, empty state; the main
        # loop then needs no end-of-input special case.
        accept = len(actions)
        self.actions = [dict(row) for row in actions] + [{}]
        self.actions[table["end"]][END] = accept
        self.start: int = table["start"]
        self.terminals = frozenset(table["terminals"])
        self.rules: list[Rule] = [_resolve(rule, builder) for rule in table["rules"]]

    def parse(self, tokens: Iterable[Any]) -> Any:
        """The value the start rule builds; raises ``ParseError`` at the first unexpected token.

        Three parallel stacks: LALR states, the value stack, and for each state the index in the
        value stack where its symbol's values begin. An inlined rule leaves its children where
        they are and only moves that mark, so its parent finds them already spliced in place.
        Iterative: nesting depth costs list space, never Python stack.
        """
        actions = self.actions
        rules = self.rules
        state = self.start
        states = [state]
        marks = [0]
        values: list[Any] = []
        push_state = states.append
        push_mark = marks.append
        push_value = values.append
        for token in chain(tokens, (_END_TOKEN,)):
            kind = token.type
            while True:
                try:
                    action = actions[state][kind]
                except KeyError:
                    raise ParseError(token, self.expected(state)) from None
                if action >= 0:
                    push_state(action)
                    push_mark(len(values))
                    push_value(token)
                    state = action
                    break
                size, origin, how, build = rules[~action]
                if how == UNIT:
                    state = states[-1] = actions[states[-2]][origin]
                    continue
                if size:
                    start = marks[-size]
                    del states[-size:]
                    del marks[-size:]
                else:
                    start = len(values)
                if how == CALL or (how == EXPAND1 and len(values) - start != 1):
                    children = values[start:]
                    del values[start:]
                    push_value(build(children))  # type: ignore[misc]
                state = actions[states[-1]][origin]
                push_state(state)
                push_mark(start)
        return values[0]

    # ---------------------------------------------------------------- recovery

    def parse_recovering(
        self,
        tokens: list[Any],
        damaged: Callable[[tuple[Any, ...]], Any],
        on_error: Callable[[Any, list[str], list[Any], bool], None],
    ) -> Any:
        """Like ``parse``, but text that does not parse becomes an error node and parsing goes on.

        Kept apart from ``parse`` so that valid files pay nothing for it. On an unexpected token
        the driver first finishes what is complete (default reductions), then unwinds to the
        nearest body, where an element may start (the top-level body at the end of the input),
        skips to the end of that element's line at the same nesting (or to the `}` closing the
        enclosing block), and shifts the grammar's ``ERROR`` terminal carrying
        ``damaged(tokens)``: the unwound and skipped tokens, in order, so nothing is lost.
        ``on_error(token, expected, unwound_leaves, at_end)`` is told about each recovery.
        """
        actions = self.actions
        states = [self.start]
        marks = [0]
        values: list[Any] = []
        stream = [*tokens, _END_TOKEN]
        i = 0
        while True:
            token = stream[i]
            action = actions[states[-1]].get(token.type)
            if action is None:
                i = self._recover(states, marks, values, stream, i, damaged, on_error)
            elif action >= 0:
                states.append(action)
                marks.append(len(values))
                values.append(token)
                if token is _END_TOKEN:
                    return values[0]
                i += 1
            else:
                self._reduce(states, marks, values, ~action)

    def _reduce(self, states: list[int], marks: list[int], values: list[Any], rule: int) -> None:
        """One reduction, as the loop in ``parse`` does it inline."""
        size, origin, how, build = self.rules[rule]
        actions = self.actions
        if how == UNIT:
            states[-1] = actions[states[-2]][origin]
            return
        if size:
            start = marks[-size]
            del states[-size:]
            del marks[-size:]
        else:
            start = len(values)
        if how == CALL or (how == EXPAND1 and len(values) - start != 1):
            children = values[start:]
            del values[start:]
            values.append(build(children))  # type: ignore[misc]
        states.append(actions[states[-1]][origin])
        marks.append(start)

    def _recover(self, states, marks, values, stream, i, damaged, on_error) -> int:
        """Turn the element around ``stream[i]`` into an error node; the index to go on from."""
        actions = self.actions
        token = stream[i]
        expected = self.expected(states[-1])
        # What is complete is kept: a block followed by junk stays a block.
        while True:
            row = actions[states[-1]]
            moves = {a for s, a in row.items() if s in self.terminals}
            if len(moves) != 1 or (only := next(iter(moves))) >= 0:
                break
            self._reduce(states, marks, values, ~only)
        if token.type in actions[states[-1]]:
            return i
        at_end = token.type in ("EOF", END) or (token.type == "NL" and not token.text)
        target = self._resume_state(states, marks, values, at_end)
        cut = marks[target + 1] if target + 1 < len(states) else len(values)
        unwound = _leaves(values[cut:])
        del values[cut:]
        del states[target + 1 :]
        del marks[target + 1 :]
        stop = i if at_end else _line_end(stream, i, _depth(unwound), _depth(values) > 0)
        if stop == i and not unwound:
            if at_end:  # pragma: no cover - the top-level body accepts the end of input
                raise RuntimeError("parser recovery made no progress at the end of the input")
            stop = i + 1
        on_error(token, expected, unwound, at_end)
        node = damaged((*unwound, *stream[i:stop]))
        state = actions[states[-1]][ERROR]
        states.append(state)
        marks.append(len(values))
        values.append(node)
        return stop

    def _resume_state(self, states, marks, values, at_end: bool) -> int:
        """Index of the stack state to unwind to: the nearest that accepts an element, or at the
        end of the input the nearest outside every open bracket (the top-level body)."""
        actions = self.actions
        for j in range(len(states) - 1, -1, -1):
            if ERROR not in actions[states[j]]:
                continue
            if not at_end:
                return j
            cut = marks[j + 1] if j + 1 < len(states) else len(values)
            if _depth(values[:cut]) == 0:
                return j
        return 0

    def expected(self, state: int) -> list[str]:
        """The terminals the table accepts in ``state``, for an error message."""
        return sorted(name for name in self.actions[state] if name in self.terminals)


ERROR = "ERROR"  # the grammar's terminal for damaged text; no lexer makes it
# Tokens that open and close a lexer context; ``BADCLOSE`` is the lexer's mark for a context it
# had to abandon, so the counts stay balanced even around damage.
OPENERS = frozenset(("LBRACE", "LPAR", "LBRACK", "QUOTE", "HEREDOC", "INTERP", "DIR_IF", "DIR_FOR"))
CLOSERS = frozenset(("RBRACE", "RPAR", "RBRACK", "QUOTE_END", "HEREDOC_END", "TCLOSE", "BADCLOSE"))


def _leaves(values: list[Any]) -> list[Any]:
    """The tokens of stack values (tokens and built nodes), in source order."""
    out: list[Any] = []
    for value in values:
        if hasattr(value, "leaves"):
            out.extend(value.leaves())
        else:
            out.append(value)
    return out


def _depth(values: list[Any]) -> int:
    """Brackets left open by the tokens among ``values`` (built nodes are balanced)."""
    depth = 0
    for value in values:
        kind = getattr(value, "type", None)
        if type(kind) is not str:
            continue
        if kind in OPENERS:
            depth += 1
        elif kind in CLOSERS:
            depth -= 1
    return depth


def _line_end(stream: list[Any], i: int, depth: int, nested: bool) -> int:
    """Where damage starting at ``stream[i]`` ends: after the newline that ends its line at
    ``depth`` 0, before the `}` that closes the enclosing block, or before the end of input."""
    n = len(stream)
    j = i
    while j < n:
        kind = stream[j].type
        if kind in ("EOF", END):
            break
        if kind == "RBRACE" and depth <= 0 and nested:
            break
        j += 1
        if kind in OPENERS:
            depth += 1
        elif kind in CLOSERS:
            depth -= 1
        elif kind == "NL" and depth <= 0:
            break
    return j


def _resolve(rule: list, builder: object) -> Rule:
    origin, expansion, name, expand1 = rule
    size = len(expansion)
    if origin.startswith("_"):
        return size, origin, INLINE, None
    if expand1 and size == 1 and not expansion[0].startswith("_"):
        return size, origin, UNIT, None
    build = getattr(builder, name, None)
    if build is None:
        raise LookupError(f"{type(builder).__name__} has no method for grammar rule {name!r}")
    return size, origin, EXPAND1 if expand1 else CALL, build


# ---------------------------------------------------------------- the table and its cache


def load_table(grammar: Path, start: str = "start") -> dict[str, Any]:
    """The compact table for ``grammar``: from the user cache, else computed by lark and cached.

    Any problem with the cache (missing, unreadable, unwritable, stale, corrupt) falls back to
    computing the table; the parse never depends on the cache being usable.
    """
    source = grammar.read_bytes()
    digest = hashlib.sha256(
        b"%s\0%s\0%d\0%s" % (source, _lark_version().encode(), TABLE_FORMAT, start.encode())
    ).hexdigest()[:20]
    cache_dir = user_cache_dir()
    path = cache_dir / f"lalr-{digest}.json" if cache_dir else None
    if path is not None:
        try:
            table = json.loads(path.read_text(encoding="utf-8"))
            if table.get("digest") == digest:
                return table
        except (OSError, ValueError, AttributeError):
            pass
    table = compute_table(source.decode("utf-8"), start)
    table["digest"] = digest
    if path is not None:
        _store(path, table)
    return table


def compute_table(grammar_text: str, start: str = "start") -> dict[str, Any]:
    """Let lark build the LALR(1) table, then flatten it into JSON-ready ints, strings and lists."""
    from lark import Lark
    from lark.lexer import Lexer
    from lark.parsers.lalr_analysis import Shift

    class NoLexer(Lexer):  # tokens come from our own lexer; lark only needs a lexer class
        __future_interface__ = 0

        def __init__(self, lexer_conf: object) -> None:
            pass

        def lex(self, *args: object):  # pragma: no cover - never called
            raise NotImplementedError

    lark = Lark(grammar_text, parser="lalr", lexer=NoLexer, start=start, maybe_placeholders=False)
    try:
        parse_table = lark.parser.parser.parser.parse_table
    except AttributeError as err:  # pragma: no cover - guards a lark upgrade
        raise RuntimeError(f"this lark ({_lark_version()}) keeps its LALR table elsewhere") from err

    nonterminals = {rule.origin.name for rule in lark.rules}
    rule_index: dict[Any, int] = {}
    rules: list[list] = []
    terminals: set[str] = set()
    for symbol_rows in parse_table.states.values():
        for action, arg in symbol_rows.values():
            if action is not Shift and arg not in rule_index:
                rule_index[arg] = len(rules)
                rules.append(_rule_entry(arg))
    states = sorted(parse_table.states)
    if states != list(range(len(states))):  # pragma: no cover - IntParseTable numbers from 0
        raise RuntimeError("lark's LALR states are not numbered 0..n-1")
    actions = []
    for state in states:
        row = {}
        for symbol, (action, arg) in parse_table.states[state].items():
            row[symbol] = arg if action is Shift else ~rule_index[arg]
            if symbol not in nonterminals:
                terminals.add(symbol)
        actions.append(row)
    return {
        "format": TABLE_FORMAT,
        "start": parse_table.start_states[start],
        "end": parse_table.end_states[start],
        "terminals": sorted(terminals),
        "actions": actions,
        "rules": rules,
    }


def _rule_entry(rule: Any) -> list:
    """[origin, [symbol names], builder method name, expand1 (`?rule` without an alias)]."""
    options = rule.options
    origin = rule.origin.name
    # The driver keeps every token; lark would drop anonymous ("=") and `_NAME` terminals.
    if not options.keep_all_tokens and any(s.is_term and s.filter_out for s in rule.expansion):
        raise NotImplementedError(f"rule {origin!r}: the driver needs named, kept terminals")
    expand1 = bool(options.expand1 and not rule.alias)
    if expand1 and origin.startswith("_"):  # pragma: no cover - not in our grammar
        raise NotImplementedError(f"`?{origin}`: an inlined rule cannot also be `?`")
    name = rule.alias or options.template_source or origin
    return [origin, [s.name for s in rule.expansion], name, expand1]


def _lark_version() -> str:
    """lark's version, read from its ``__init__.py`` so that a warm cache never imports lark."""
    spec = importlib.util.find_spec("lark")
    if spec is not None and spec.origin:
        try:
            source = Path(spec.origin).read_text(encoding="utf-8")
        except OSError:
            source = ""
        match = re.search(r"""^__version__\s*(?::\s*str\s*)?=\s*["']([^"']+)""", source, re.M)
        if match:
            return match.group(1)
    import lark

    return lark.__version__


def _store(path: Path, table: dict[str, Any]) -> None:
    write_atomically(path, json.dumps(table, separators=(",", ":")))
