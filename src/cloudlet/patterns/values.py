"""Leaf matchers: one pattern value (a literal or a `{"op": ...}` expression) tested against
one leaf value of an event (str, number, bool or None)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from cloudlet.patterns.dialects import Dialect


class PatternError(ValueError):
    """An invalid pattern. `reason` follows event-ruler's wording (the open-source engine behind
    EventBridge); each service wraps it in its own error code and prefix."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def as_number(value: Any) -> Decimal | None:
    """The number a JSON leaf holds, or None for strings, booleans, null and non-finite floats."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # repr() is the shortest text that round-trips, so 0.1 stays 0.1 and not 0.1000000000000000055...
        number = Decimal(repr(value))
    elif isinstance(value, Decimal):
        number = value
    else:
        return None
    return number if number.is_finite() else None


def comparable(number: Decimal, dialect: Dialect) -> Decimal | None:
    """`number` if numeric matching can use it: within the dialect's range and with no more
    decimal places than it keeps. event-ruler's ComparableNumber rejects the rest rather than
    rounding, so an event value such as 1.0000001 never satisfies a numeric range."""
    if not dialect.numeric_min <= number <= dialect.numeric_max:
        return None
    if decimal_places(number) > dialect.decimal_places:
        return None
    return number


def decimal_places(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


class Matcher(Protocol):
    def matches(self, value: Any) -> bool: ...


@dataclass(frozen=True)
class ExactString:
    text: str

    def matches(self, value: Any) -> bool:
        return isinstance(value, str) and value == self.text


@dataclass(frozen=True)
class ExactLiteral:
    """true, false or null: matches only that JSON literal (null is not "", false is not 0)."""

    literal: bool | None

    def matches(self, value: Any) -> bool:
        if self.literal is None:
            return value is None
        return isinstance(value, bool) and value is self.literal


@dataclass(frozen=True)
class ExactNumber:
    """A number literal matches numerically: 301.5 matches 3.015e2 (SNS developer guide,
    "Numeric value matching"), and 5 matches 5.0."""

    number: Decimal

    def matches(self, value: Any) -> bool:
        return as_number(value) == self.number


@dataclass(frozen=True)
class ExactAddress:
    """A string literal that is an IP address matches the same address however it is written:
    event-ruler turns address literals on both sides into their bytes ("2001:db8::1" matches
    "2001:0DB8:0:0:0:0:0:1")."""

    address: ipaddress.IPv4Address | ipaddress.IPv6Address

    def matches(self, value: Any) -> bool:
        return isinstance(value, str) and parse_address(value) == self.address


def parse_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if "%" in text:  # a zone id is not part of an address literal here
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class Prefix:
    text: str
    ignore_case: bool = False

    def matches(self, value: Any) -> bool:
        if not isinstance(value, str):
            return False
        if self.ignore_case:
            return value.lower().startswith(self.text.lower())
        return value.startswith(self.text)


@dataclass(frozen=True)
class Suffix:
    text: str
    ignore_case: bool = False

    def matches(self, value: Any) -> bool:
        if not isinstance(value, str):
            return False
        if self.ignore_case:
            return value.lower().endswith(self.text.lower())
        return value.endswith(self.text)


@dataclass(frozen=True)
class EqualsIgnoreCase:
    texts: frozenset[str]  # already lower-cased

    def matches(self, value: Any) -> bool:
        return isinstance(value, str) and value.lower() in self.texts


@dataclass(frozen=True)
class Wildcard:
    """The literal pieces between the stars. Matching is prefix, suffix and a leftmost search
    for each middle piece: linear, unlike a backtracking regex."""

    pieces: tuple[str, ...]  # len >= 1; more than one means there were stars between them

    def matches(self, value: Any) -> bool:
        if not isinstance(value, str):
            return False
        if len(self.pieces) == 1:
            return value == self.pieces[0]
        first, *middle, last = self.pieces
        if len(value) < len(first) + len(last) or not value.startswith(first) or not value.endswith(last):
            return False
        position, end = len(first), len(value) - len(last)
        for piece in middle:
            found = value.find(piece, position, end)
            if found < 0:
                return False
            position = found + len(piece)
        return True


def compile_wildcard(text: str) -> Wildcard:
    """`*` matches any run of characters; `\\*` and `\\\\` are a literal star and backslash.

    Positions in errors count UTF-8 bytes of the quoted JSON string, as event-ruler's
    WildcardParser does ("abc**def" -> "Consecutive wildcard characters at pos 4")."""
    pieces: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "*":
            if text.startswith("*", index + 1):
                raise PatternError(f"Consecutive wildcard characters at pos {_byte_pos(text, index)}")
            pieces.append("".join(current))
            current = []
        elif char == "\\":
            if index + 1 >= len(text) or text[index + 1] not in "*\\":
                raise PatternError(f"Invalid escape character at pos {_byte_pos(text, index)}")
            index += 1
            current.append(text[index])
        else:
            current.append(char)
        index += 1
    pieces.append("".join(current))
    return Wildcard(tuple(pieces))


def _byte_pos(text: str, index: int) -> int:
    return len(text[:index].encode()) + 1


@dataclass(frozen=True)
class NumericRange:
    low: Decimal | None
    low_open: bool
    high: Decimal | None
    high_open: bool
    dialect: Dialect

    def matches(self, value: Any) -> bool:
        number = as_number(value)
        if number is None:
            return False
        number = comparable(number, self.dialect)
        if number is None:
            return False
        if self.low is not None and (number < self.low or (self.low_open and number == self.low)):
            return False
        if self.high is not None and (number > self.high or (self.high_open and number == self.high)):
            return False
        return True


@dataclass(frozen=True)
class Cidr:
    version: int
    low: int
    high: int

    def matches(self, value: Any) -> bool:
        address = parse_address(value) if isinstance(value, str) else None
        return (
            address is not None and address.version == self.version and self.low <= int(address) <= self.high
        )


def compile_cidr(text: str) -> Cidr:
    """IPv4 or IPv6 CIDR, with event-ruler's CIDR rules and wording: the range runs from the
    address as written (host bits are not cleared) to that address with the host bits set, and
    the mask must be below 32 (IPv4) or 128 (IPv6)."""
    parts = text.split("/")
    if len(parts) != 2:
        raise PatternError("Malformed CIDR, one '/' required")
    if re.fullmatch(r"[+-]?[0-9]+", parts[1]) is None:  # what Java's Integer.parseInt accepts
        raise PatternError("Malformed CIDR, mask bits must be an integer")
    bits = int(parts[1])
    if bits < 0:
        raise PatternError("Malformed CIDR, mask bits must not be negative")
    address = parse_address(parts[0])
    if address is None:
        raise PatternError(f"Invalid IP address: {parts[0]}")
    if bits >= address.max_prefixlen:
        raise PatternError(f"IPv{address.version} mask bits must be < {address.max_prefixlen}")
    host = (1 << (address.max_prefixlen - bits)) - 1
    return Cidr(address.version, int(address), int(address) | host)


@dataclass(frozen=True)
class AnythingBut:
    """Matches a present value that none of `excluded` matches. Against an event array this
    is per element: ["a", "b"] matches anything-but "a" because "b" is not "a" (SNS docs,
    "Anything-but matching": [100, 50] matches anything-but [100, 500])."""

    excluded: tuple[Matcher, ...]

    def matches(self, value: Any) -> bool:
        return not any(matcher.matches(value) for matcher in self.excluded)
