"""What JSON and space-delimited filter patterns share: literals, values and comparisons (pure)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class FilterPatternError(ValueError):
    """The pattern does not parse (AWS: InvalidParameterException "Invalid filter pattern")."""


def regex(source: str) -> re.Pattern[str]:
    try:
        return re.compile(source)
    except re.error as exc:
        raise FilterPatternError(f"invalid regular expression: {exc}") from exc


def quoted(text: str, i: int) -> tuple[str, int]:
    """The string literal starting at text[i] == '"' and the index after it."""
    out: list[str] = []
    i += 1
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if char == '"':
            return "".join(out), i + 1
        out.append(char)
        i += 1
    raise FilterPatternError("unterminated quoted string")


@dataclass(frozen=True)
class Value:
    text: str
    quoted: bool = False
    regex: re.Pattern[str] | None = None

    @property
    def number(self) -> float | None:
        if self.quoted or self.regex is not None:
            return None
        try:
            return float(self.text)
        except ValueError:
            return None


def _glob(value: Value) -> re.Pattern[str]:
    return re.compile("^" + ".*".join(re.escape(part) for part in value.text.split("*")) + "$", re.DOTALL)


def _equals(field: Any, value: Value) -> bool:
    if value.regex is not None:
        return isinstance(field, str) and value.regex.search(field) is not None
    if isinstance(field, bool):
        return not value.quoted and value.text.lower() == str(field).lower()
    number = value.number
    if isinstance(field, int | float):
        return number is not None and float(field) == number
    if isinstance(field, str):
        if number is not None and not value.quoted:
            try:
                return float(field) == number
            except ValueError:
                return False
        return _glob(value).match(field) is not None
    return False


_ORDER: dict[str, Callable[[float, float], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def compare(field: Any, op: str, value: Value) -> bool:
    if op == "=":
        return _equals(field, value)
    if op == "!=":
        return not _equals(field, value)
    number = value.number
    if number is None or isinstance(field, bool):
        return False
    if isinstance(field, str):
        try:
            field = float(field)
        except ValueError:
            return False
    if not isinstance(field, int | float):
        return False
    return _ORDER[op](float(field), number)
