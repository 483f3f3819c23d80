"""Equality and ordering of attribute values as DynamoDB defines them.

Numbers compare numerically, strings by their UTF-8 bytes and binary values bytewise
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html#Expressions.OperatorsAndFunctions.Comparators).
Python orders str by code point, which is the UTF-8 byte order, so strings need no encoding.
Sets are equal when they hold the same elements, in any order."""

from __future__ import annotations

from typing import Any

from cloudlet.services.dynamodb.values.numbers import to_decimal

AttributeValue = dict[str, Any]
Item = dict[str, AttributeValue]

SCALAR_TYPES = frozenset({"S", "N", "B"})
SET_TYPES = frozenset({"SS", "NS", "BS"})
ALL_TYPES = ("S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL")


def type_of(value: AttributeValue) -> str:
    """The type key of a validated attribute value ("S", "N", "M", ...)."""
    for key in value:
        return key
    raise ValueError("empty attribute value")


def values_equal(left: AttributeValue | None, right: AttributeValue | None) -> bool:
    if left is None or right is None:
        return False
    kind = type_of(left)
    if kind not in right:
        return False
    a, b = left[kind], right[kind]
    if kind == "N":
        return a == b or to_decimal(a) == to_decimal(b)
    if kind in ("S", "B", "BOOL", "NULL"):
        return bool(a == b)
    if kind == "NS":
        return len(a) == len(b) and {to_decimal(x) for x in a} == {to_decimal(x) for x in b}
    if kind in ("SS", "BS"):
        return len(a) == len(b) and set(a) == set(b)
    if kind == "L":
        return len(a) == len(b) and all(values_equal(x, y) for x, y in zip(a, b, strict=True))
    if kind == "M":
        return a.keys() == b.keys() and all(values_equal(a[k], b[k]) for k in a)
    return False


def compare_values(left: AttributeValue | None, right: AttributeValue | None) -> int | None:
    """-1, 0 or 1 when both are the same scalar type (S, N or B); None when not comparable."""
    if left is None or right is None:
        return None
    kind = type_of(left)
    if kind not in SCALAR_TYPES or kind not in right:
        return None
    a, b = left[kind], right[kind]
    if kind == "N":
        a, b = to_decimal(a), to_decimal(b)
    return -1 if a < b else (1 if a > b else 0)


def set_key(kind: str, element: Any) -> Any:
    """What identifies a set element: numbers by value ("1" and "1.0" are the same member)."""
    return to_decimal(element) if kind == "NS" else element
