"""JSON filter patterns: { $.level = "ERROR" && ($.latency > 100 || $.retry IS TRUE) } (pure)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from cloudlet.services.logs.pattern_values import FilterPatternError, Value, compare, quoted, regex

Matcher = Callable[[str], bool]

_TOKEN = re.compile(
    r'\s*(?:(?P<punct>&&|\|\||\(|\)|!=|<=|>=|=|<|>)|(?P<string>")|(?P<regex>%(?:[^%\\]|\\.)*%)'
    r"|(?P<word>[^\s()=!<>&|\"]+))"
)
_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+|\*)\]")

Node = Callable[[Any], bool]


class JsonParser:
    def __init__(self, text: str) -> None:
        self.tokens = self._tokenize(text)
        self.pos = 0

    @staticmethod
    def _tokenize(text: str) -> list[tuple[str, Any]]:
        tokens: list[tuple[str, Any]] = []
        i = 0
        while i < len(text):
            if text[i:].strip() == "":
                break
            match = _TOKEN.match(text, i)
            if match is None:
                raise FilterPatternError(f"unexpected character at {i}")
            if match.group("string") is not None:
                literal, i = quoted(text, match.start("string"))
                tokens.append(("value", Value(literal, quoted=True)))
                continue
            i = match.end()
            if match.group("punct"):
                tokens.append(("punct", match.group("punct")))
            elif match.group("regex"):
                tokens.append(("value", Value(match.group("regex"), regex=regex(match.group("regex")[1:-1]))))
            else:
                tokens.append(("word", match.group("word")))
        return tokens

    def _peek(self) -> tuple[str, Any] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _next(self) -> tuple[str, Any]:
        token = self._peek()
        if token is None:
            raise FilterPatternError("unexpected end of pattern")
        self.pos += 1
        return token

    def parse(self) -> Node:
        node = self._or()
        if self._peek() is not None:
            raise FilterPatternError(f"unexpected {self._peek()}")
        return node

    def _or(self) -> Node:
        nodes = [self._and()]
        while self._peek() == ("punct", "||"):
            self.pos += 1
            nodes.append(self._and())
        return nodes[0] if len(nodes) == 1 else lambda doc: any(node(doc) for node in nodes)

    def _and(self) -> Node:
        nodes = [self._primary()]
        while self._peek() == ("punct", "&&"):
            self.pos += 1
            nodes.append(self._primary())
        return nodes[0] if len(nodes) == 1 else lambda doc: all(node(doc) for node in nodes)

    def _primary(self) -> Node:
        kind, text = self._next()
        if (kind, text) == ("punct", "("):
            node = self._or()
            if self._next() != ("punct", ")"):
                raise FilterPatternError("expected )")
            return node
        if kind != "word" or not str(text).startswith("$"):
            raise FilterPatternError(f"expected a selector, got {text}")
        select = _selector(str(text))
        kind, op = self._next()
        if kind == "word" and str(op).upper() in {"IS", "NOT"}:
            return self._keyword(select, str(op).upper())
        if kind != "punct" or op not in {"=", "!=", "<", "<=", ">", ">="}:
            raise FilterPatternError(f"expected an operator, got {op}")
        kind, raw = self._next()
        if kind == "punct":
            raise FilterPatternError(f"expected a value, got {raw}")
        value = raw if isinstance(raw, Value) else Value(str(raw))
        return lambda doc: any(compare(field, op, value) for field in select(doc))

    def _keyword(self, select: Callable[[Any], list[Any]], first: str) -> Node:
        words = [first]
        while (token := self._peek()) is not None and token[0] == "word" and not token[1].startswith("$"):
            words.append(str(self._next()[1]).upper())
        phrase = " ".join(words)
        tests: dict[str, Node] = {
            "IS TRUE": lambda doc: any(field is True for field in select(doc)),
            "IS FALSE": lambda doc: any(field is False for field in select(doc)),
            "IS NULL": lambda doc: any(field is None for field in select(doc)),
            "IS NOT NULL": lambda doc: any(field is not None for field in select(doc)),
            "NOT EXISTS": lambda doc: not select(doc),
            "EXISTS": lambda doc: bool(select(doc)),
        }
        if phrase not in tests:
            raise FilterPatternError(f"unknown test {phrase}")
        return tests[phrase]


def _selector(text: str) -> Callable[[Any], list[Any]]:
    """`$.a.b[0].c` (or `[*]` for any element) -> doc -> the values found (empty: missing)."""
    rest = text[1:]
    steps: list[str | int | None] = []  # name, index, None for [*]
    pos = 0
    while pos < len(rest):
        match = _STEP.match(rest, pos)
        if match is None:
            raise FilterPatternError(f"invalid selector {text}")
        if match.group(1) is not None:
            steps.append(match.group(1))
        else:
            steps.append(None if match.group(2) == "*" else int(match.group(2)))
        pos = match.end()

    def select(doc: Any) -> list[Any]:
        current = [doc]
        for step in steps:
            found: list[Any] = []
            for item in current:
                if isinstance(step, str) and isinstance(item, dict) and step in item:
                    found.append(item[step])
                elif isinstance(step, int) and isinstance(item, list) and step < len(item):
                    found.append(item[step])
                elif step is None and isinstance(item, list):
                    found.extend(item)
            current = found
        return current

    return select


def json_matcher(node: Node) -> Matcher:
    def matches(message: str) -> bool:
        try:
            doc = json.loads(message)
        except ValueError:
            return False
        return isinstance(doc, dict | list) and node(doc)

    return matches
