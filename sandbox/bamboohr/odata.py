"""The OData-style filter language of BambooHR's Datasets API (eq ne lt le gt ge, and, or, in).

Parsed once per request into a predicate over a record's string values. Comparisons are numeric
when both sides are numbers and textual otherwise, which covers ids, levels and ISO dates.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

Record = Mapping[str, str | None]
Predicate = Callable[[Record], bool]

_TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<number>-?\d+(?:\.\d+)?)|(?P<punct>[(),])|(?P<word>[A-Za-z_][\w.]*))"
)
_COMPARATORS = {"eq", "ne", "lt", "le", "gt", "ge"}
_ORDERINGS: dict[str, Callable[[Any, Any], bool]] = {
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


class FilterError(ValueError):
    """The filter text is not valid; the message says where."""


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None:
            raise FilterError(
                f"Unexpected character at position {position}: {text[position : position + 10]!r}"
            )
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def _compare(left: str | None, verb: str, right: str | None) -> bool:
    if verb in ("eq", "ne"):
        equal = (left or None) == (right or None)
        return equal if verb == "eq" else not equal
    if left is None or right is None:
        return False
    compare = _ORDERINGS[verb]
    try:
        return compare(float(left), float(right))
    except ValueError:
        return compare(left, right)


class _Parser:
    def __init__(self, text: str, known_fields: set[str]) -> None:
        self.tokens = _tokens(text)
        self.index = 0
        self.known = known_fields

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise FilterError("Filter ends too early")
        self.index += 1
        return token

    def expect(self, value: str) -> None:
        _, text = self.take()
        if text != value:
            raise FilterError(f"Expected {value!r}, found {text!r}")

    def parse(self) -> Predicate:
        predicate = self.disjunction()
        leftover = self.peek()
        if leftover is not None:
            raise FilterError(f"Unexpected {leftover[1]!r}")
        return predicate

    def disjunction(self) -> Predicate:
        parts = [self.conjunction()]
        while self.peek() == ("word", "or"):
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else (lambda record: any(part(record) for part in parts))

    def conjunction(self) -> Predicate:
        parts = [self.term()]
        while self.peek() == ("word", "and"):
            self.take()
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else (lambda record: all(part(record) for part in parts))

    def term(self) -> Predicate:
        if self.peek() == ("punct", "("):
            self.take()
            inner = self.disjunction()
            self.expect(")")
            return inner
        kind, name = self.take()
        if kind != "word":
            raise FilterError(f"Expected a field name, found {name!r}")
        if name not in self.known:
            raise FilterError(f"Unknown field in filter: {name}")
        _, verb = self.take()
        if verb == "in":
            self.expect("(")
            values = [self.literal()]
            while self.peek() == ("punct", ","):
                self.take()
                values.append(self.literal())
            self.expect(")")
            allowed = set(values)
            return lambda record: record.get(name) in allowed
        if verb not in _COMPARATORS:
            raise FilterError(f"Unknown operator {verb!r}")
        value = self.literal()
        return lambda record: _compare(record.get(name), verb, value)

    def literal(self) -> str | None:
        kind, text = self.take()
        if kind == "string":
            return text[1:-1].replace("''", "'")
        if kind == "number":
            return text
        if kind == "word" and text == "null":
            return None
        if kind == "word" and text in ("true", "false"):
            return text
        raise FilterError(f"Expected a value, found {text!r}")


def parse_filter(text: str, known_fields: set[str]) -> Predicate:
    """Compile `text`; raise `FilterError` naming the problem."""
    if not text.strip():
        return lambda record: True
    return _Parser(text, known_fields).parse()
