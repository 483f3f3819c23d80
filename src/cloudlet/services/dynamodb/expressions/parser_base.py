"""The recursive-descent machinery the three grammars share, plus document paths and the
projection grammar (a comma-separated list of paths).

Alternatives backtrack; a syntax error names the furthest token any alternative reached,
which is where AWS's parser reports it too for the inputs we have seen. Rules that
alternatives re-enter memoize their result by position, so nested parentheses cost
linear time rather than exponential."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import NoReturn, TypeVar

from cloudlet.services.dynamodb.expressions.errors import ExpressionError
from cloudlet.services.dynamodb.expressions.nodes import (
    Name,
    NameRef,
    ParsedProjection,
    PathElement,
    PathNode,
)
from cloudlet.services.dynamodb.expressions.tokens import (
    EOF,
    IDENT,
    NAME,
    NUMBER,
    Token,
    syntax_error_message,
    tokenize,
)

T = TypeVar("T")


class ParseFailure(Exception):
    """Internal: this alternative does not match here."""


class Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[Token] = tokenize(text)
        self.pos = 0
        self.furthest = 0

    def peek(self, offset: int = 0) -> Token:
        return self.tokens[min(self.pos + offset, len(self.tokens) - 1)]

    def fail(self) -> NoReturn:
        self.furthest = max(self.furthest, self.pos)
        raise ParseFailure

    def expect(self, punct: str) -> None:
        if not self.peek().is_punct(punct):
            self.fail()
        self.pos += 1

    def attempt(self, rule: Callable[[], T]) -> T | None:
        start = self.pos
        try:
            return rule()
        except ParseFailure:
            self.pos = start
            return None

    def memoized(self, memo: dict[int, tuple[T, int] | None], rule: Callable[[], T]) -> T:
        start = self.pos
        if start in memo:
            entry = memo[start]
            if entry is None:
                raise ParseFailure
            self.pos = entry[1]
            return entry[0]
        try:
            result = rule()
        except ParseFailure:
            memo[start] = None
            raise
        memo[start] = (result, self.pos)
        return result

    def run(self, rule: Callable[[], T]) -> T:
        """Parse the whole text with `rule`, or raise the syntax error AWS would."""
        try:
            result = rule()
            if self.peek().kind != EOF:
                self.fail()
            return result
        except ParseFailure:
            raise ExpressionError(syntax_error_message(self.text, self.tokens, self.furthest)) from None
        except RecursionError:  # absurdly deep nesting: report where it got too deep
            index = min(self.pos, len(self.tokens) - 1)
            raise ExpressionError(syntax_error_message(self.text, self.tokens, index)) from None

    # Document paths: name ( "." name | "[" digits "]" )*, a name being an identifier or #name.

    def path_element(self, keywords: frozenset[str]) -> PathElement:
        token = self.peek()
        if token.kind == IDENT and token.keyword() not in keywords:
            self.pos += 1
            return Name(token.text)
        if token.kind == NAME:
            self.pos += 1
            return NameRef(token.text)
        self.fail()

    def path_tail(self, elements: list[PathElement], keywords: frozenset[str]) -> PathNode:
        while True:
            token = self.peek()
            if token.is_punct("."):
                self.pos += 1
                elements.append(self.path_element(keywords))
            elif token.is_punct("["):
                self.pos += 1
                index = self.peek()
                if index.kind != NUMBER:
                    self.fail()
                self.pos += 1
                self.expect("]")
                elements.append(int(index.text))
            else:
                return PathNode(tuple(elements))

    def path(self, keywords: frozenset[str] = frozenset()) -> PathNode:
        return self.path_tail([self.path_element(keywords)], keywords)


@lru_cache(maxsize=2048)
def parse_projection(text: str) -> ParsedProjection:
    parser = ProjectionParser(text)
    return parser.run(parser.paths)


class ProjectionParser(Parser):
    def paths(self) -> ParsedProjection:
        paths = [self.path()]
        while self.peek().is_punct(","):
            self.pos += 1
            paths.append(self.path())
        return ParsedProjection(tuple(paths))
