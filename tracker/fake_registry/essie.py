"""The subset of the API's Essie search syntax that the tracker sends, for the fake server.

Grammar (operators in upper case, as Essie wants them; adjacency means AND)::

    expression := and_expr ("OR" and_expr)*
    and_expr   := unary ("AND"? unary)*
    unary      := "NOT" unary | primary
    primary    := "(" expression ")" | '"' phrase '"' | "ALL" | word
                | "AREA[" piece "]" (primary | "RANGE[" low "," high "]")

Inside a phrase a backslash escapes the next character (`\"` is a quote). `ALL` alone,
unquoted, stands for every record, as in the real engine.

Matching folds case, compares whole words (letters and digits) and drops a plural `s`,
a crude stand-in for the stemming and synonyms of the real engine. A phrase matches a
run of consecutive words. `RANGE` bounds are dates (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) or
`MIN` / `MAX`; a partial date matches when any day it may stand for is in the range.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from tracker.ctgov.records import PartialDate

Lookup = Callable[[str], Sequence[str]]
"""Values of a search area or piece for one study, as text."""

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<open>\() | (?P<close>\)) |
        "(?P<phrase>(?:[^"\\]|\\.)*)" |
        AREA\[(?P<area>[^\]]*)\] |
        RANGE\[(?P<range>[^\]]*)\] |
        (?P<word>[^\s()"\[\]]+)
    )""",
    re.VERBOSE,
)
_OPERATORS = frozenset({"AND", "OR", "NOT"})
_WORD = re.compile(r"[a-z0-9]+")
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)


class EssieError(ValueError):
    """An expression the fake cannot read; the server answers 400 with this message."""


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]


@dataclass(frozen=True)
class Range:
    low: date
    high: date


@dataclass(frozen=True)
class Area:
    piece: str
    operand: Node


@dataclass(frozen=True)
class Everything:
    """`ALL`: every record."""


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class AllOf:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    operands: tuple[Node, ...]


Node = Term | Range | Area | Not | AllOf | AnyOf | Everything


def words(text: str) -> tuple[str, ...]:
    """The comparable words of a text: case-folded, plural `s` dropped."""
    return tuple(_stem(word) for word in _WORD.findall(text.casefold()))


def word_set(texts: Iterable[str]) -> set[str]:
    """The distinct `words` of some texts, each stemmed once (for a word index)."""
    return {_stem(word) for word in set(_WORD.findall(" ".join(texts).casefold()))}


def parse(expression: str) -> Node:
    """Read an expression; raise `EssieError` naming what is wrong."""
    parser = _Parser(list(_tokens(expression)), expression)
    node = parser.expression()
    if parser.peek() is not None:
        raise EssieError(f"unexpected {parser.peek()[1]!r} in {expression!r}")
    return node


def pieces(node: Node) -> Iterator[str]:
    """Every `AREA[...]` piece an expression names, so they can be checked before use."""
    if isinstance(node, Area):
        yield node.piece
        yield from pieces(node.operand)
    elif isinstance(node, Not):
        yield from pieces(node.operand)
    elif isinstance(node, AllOf | AnyOf):
        for operand in node.operands:
            yield from pieces(operand)


def matches(node: Node, lookup: Lookup, area: str) -> bool:
    """Does one study (seen through `lookup`) satisfy `node`, searching `area` by default?"""
    if isinstance(node, Everything):
        return True
    if isinstance(node, Term):
        return any(_contains(words(text), node.words) for text in lookup(area))
    if isinstance(node, Range):
        return any(_in_range(text, node) for text in lookup(area))
    if isinstance(node, Area):
        return matches(node.operand, lookup, node.piece)
    if isinstance(node, Not):
        return not matches(node.operand, lookup, area)
    if isinstance(node, AllOf):
        return all(matches(operand, lookup, area) for operand in node.operands)
    return any(matches(operand, lookup, area) for operand in node.operands)


def _stem(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    width = len(needle)
    return any(haystack[i : i + width] == needle for i in range(len(haystack) - width + 1))


def _in_range(text: str, bounds: Range) -> bool:
    value = PartialDate.parse(text)
    return value is not None and value.latest >= bounds.low and value.earliest <= bounds.high


def _tokens(expression: str) -> Iterator[tuple[str, str]]:
    position = 0
    while position < len(expression):
        if expression[position:].strip() == "":
            return
        found = _TOKEN.match(expression, position)
        if found is None or found.lastgroup is None:
            raise EssieError(f"cannot read {expression[position:]!r} in {expression!r}")
        yield found.lastgroup, found.group(found.lastgroup)
        position = found.end()


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], source: str) -> None:
        self._tokens = tokens
        self._source = source
        self._at = 0

    def peek(self) -> tuple[str, str] | None:
        return self._tokens[self._at] if self._at < len(self._tokens) else None

    def _take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise EssieError(f"unexpected end of {self._source!r}")
        self._at += 1
        return token

    def _is_operator(self, name: str) -> bool:
        return self.peek() == ("word", name)

    def expression(self) -> Node:
        operands = [self._and()]
        while self._is_operator("OR"):
            self._take()
            operands.append(self._and())
        return operands[0] if len(operands) == 1 else AnyOf(tuple(operands))

    def _and(self) -> Node:
        operands = [self._unary()]
        while (token := self.peek()) is not None and token[0] != "close":
            if self._is_operator("OR"):
                break
            if self._is_operator("AND"):
                self._take()
            operands.append(self._unary())
        return operands[0] if len(operands) == 1 else AllOf(tuple(operands))

    def _unary(self) -> Node:
        if self._is_operator("NOT"):
            self._take()
            return Not(self._unary())
        return self._primary()

    def _primary(self) -> Node:
        kind, text = self._take()
        if kind == "open":
            node = self.expression()
            if self._take()[0] != "close":
                raise EssieError(f"missing ')' in {self._source!r}")
            return node
        if kind == "area":
            return self._area(text)
        if kind == "range":
            raise EssieError(f"RANGE[{text}] needs an AREA[...] before it")
        if kind == "close" or (kind == "word" and text in _OPERATORS):
            raise EssieError(f"unexpected {text!r} in {self._source!r}")
        if kind == "word" and text == "ALL":
            return Everything()
        if kind == "phrase":
            text = _ESCAPED.sub(r"\1", text)
        found = words(text)
        if not found:
            raise EssieError(f"nothing to search for in {text!r}")
        return Term(found)

    def _area(self, piece: str) -> Node:
        if not piece.strip():
            raise EssieError(f"empty AREA[] in {self._source!r}")
        token = self.peek()
        if token is not None and token[0] == "range":
            self._take()
            return Area(piece.strip(), _range(token[1]))
        return Area(piece.strip(), self._primary())


def _range(text: str) -> Range:
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != 2:
        raise EssieError(f"RANGE[{text}] needs two bounds")
    low = date.min if parts[0].upper() == "MIN" else _bound(parts[0], text).earliest
    high = date.max if parts[1].upper() == "MAX" else _bound(parts[1], text).latest
    return Range(low, high)


def _bound(value: str, text: str) -> PartialDate:
    parsed = PartialDate.parse(value)
    if parsed is None:
        raise EssieError(f"RANGE[{text}]: {value!r} is not a date, MIN or MAX")
    return parsed
