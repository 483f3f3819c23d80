"""The lexer shared by every expression kind, and AWS's syntax error wording.

A character that starts no token (`!`, `"`, `/`, a lone `#` or `:`, a non-ASCII letter)
becomes a one-character token of its own, so the parser reports it as AWS does:
`Syntax error; token: "!", near: "!!"`. "near" is the source from the start of the token
before the offending one to the end of the token after it; at the end of input the
offending token is "<EOF>" and "near" runs to the end of the text."""

from __future__ import annotations

import re
from dataclasses import dataclass

IDENT, NAME, VALUE, NUMBER, PUNCT, UNKNOWN, EOF = (
    "ident",
    "name",
    "value",
    "number",
    "punct",
    "unknown",
    "eof",
)

_TOKEN = re.compile(
    r"""
    (?P<ws>[\ \t\r\n]+)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<name>\#[A-Za-z0-9_]+)
  | (?P<value>:[A-Za-z0-9_]+)
  | (?P<number>[0-9]+)
  | (?P<punct><>|<=|>=|[()\[\],.=<>+-])
  | (?P<unknown>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    start: int
    end: int

    def keyword(self) -> str:
        """The upper-cased text of an identifier (keywords are case-insensitive), else ""."""
        return self.text.upper() if self.kind == IDENT else ""

    def is_punct(self, text: str) -> bool:
        return self.kind == PUNCT and self.text == text


def tokenize(text: str) -> list[Token]:
    tokens = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        assert kind is not None
        if kind != "ws":
            tokens.append(Token(kind, match.group(), match.start(), match.end()))
    tokens.append(Token(EOF, "<EOF>", len(text), len(text)))
    return tokens


def syntax_error_message(text: str, tokens: list[Token], index: int) -> str:
    token = tokens[index]
    start = tokens[index - 1].start if index > 0 else token.start
    end = tokens[index + 1].end if token.kind != EOF else token.end
    return f'Syntax error; token: "{token.text}", near: "{text[start:end]}"'
