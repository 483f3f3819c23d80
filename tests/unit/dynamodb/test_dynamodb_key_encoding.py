"""encode_key: byte order must be DynamoDB's order (numbers numerically, strings by UTF-8
bytes, binary bytewise), so SQLite's ORDER BY on the encoded BLOB is Query's order."""

from __future__ import annotations

from decimal import Decimal
from functools import cmp_to_key
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cloudlet.services.dynamodb.values import (
    decode_key,
    encode_key,
    format_number,
    normalize_number,
    prefix_upper_bound,
)


@st.composite
def numbers(draw: st.DrawFn) -> str:
    """Any valid DynamoDB number: up to 38 significant digits, magnitude 1E-130..<1E+126."""
    if draw(st.integers(0, 20)) == 0:
        return "0"
    digits = draw(st.integers(1, 38))
    coefficient = draw(st.integers(10 ** (digits - 1), 10**digits - 1))
    leading = draw(
        st.one_of(st.integers(-130, 125), st.sampled_from([-130, -129, 124, 125]), st.integers(-3, 3))
    )
    sign = draw(st.sampled_from(["", "-"]))
    return normalize_number(f"{sign}{coefficient}E{leading - digits + 1}")


def dynamodb_order(left: tuple[str, Any], right: tuple[str, Any]) -> int:
    """A reference ordering written independently of the engine."""
    kind, a = left
    _, b = right
    if kind == "N":
        x, y = Decimal(a), Decimal(b)
    elif kind == "S":
        x, y = a.encode("utf-8"), b.encode("utf-8")
    else:
        x, y = a, b
    return (x > y) - (x < y)


@settings(max_examples=300, deadline=None)
@given(st.lists(numbers(), min_size=2, max_size=12))
def test_number_byte_order_is_numeric_order(values: list[str]) -> None:
    by_bytes = sorted(values, key=lambda v: encode_key({"N": v}))
    by_value = sorted(values, key=cmp_to_key(lambda a, b: dynamodb_order(("N", a), ("N", b))))
    assert [Decimal(v) for v in by_bytes] == [Decimal(v) for v in by_value]


@settings(max_examples=200, deadline=None)
@given(numbers(), numbers())
def test_number_pairs_compare_like_their_bytes(a: str, b: str) -> None:
    left, right = encode_key({"N": a}), encode_key({"N": b})
    assert ((left > right) - (left < right)) == dynamodb_order(("N", a), ("N", b))
    assert (left == right) == (Decimal(a) == Decimal(b))


@settings(max_examples=200, deadline=None)
@given(numbers())
def test_numbers_round_trip(value: str) -> None:
    assert decode_key(encode_key({"N": value}), "N") == {"N": value}


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1, max_size=8), st.text(min_size=1, max_size=8))
def test_string_byte_order_is_utf8_order(a: str, b: str) -> None:
    left, right = encode_key({"S": a}), encode_key({"S": b})
    assert ((left > right) - (left < right)) == dynamodb_order(("S", a), ("S", b))
    assert decode_key(left, "S") == {"S": a}


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=8), st.binary(min_size=1, max_size=8))
def test_binary_byte_order_is_bytewise(a: bytes, b: bytes) -> None:
    left, right = encode_key({"B": a}), encode_key({"B": b})
    assert ((left > right) - (left < right)) == dynamodb_order(("B", a), ("B", b))


def test_extremes_and_signs() -> None:
    ordered = [
        "-9.9999999999999999999999999999999999999E+125",
        "-1E+125",
        "-1.25",
        "-1.2",
        "-1",
        "-1E-130",
        "0",
        "1E-130",
        "1",
        "1.2",
        "1.25",
        "99999999999999999999999999999999999999",
        "9.9999999999999999999999999999999999999E+125",
    ]
    keys = [encode_key({"N": normalize_number(v)}) for v in ordered]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    assert format_number(Decimal("-0")) == "0"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4), st.binary(max_size=6))
def test_prefix_upper_bound_bounds_exactly_the_strings_with_the_prefix(prefix: bytes, other: bytes) -> None:
    upper = prefix_upper_bound(prefix)
    starts = other.startswith(prefix)
    below = upper is None or other < upper
    assert (other >= prefix and below) == starts
