"""Key values as bytes whose bytewise order is DynamoDB's order, for SQLite BLOB columns.

`ORDER BY` and range comparisons on the encoded bytes (memcmp, shorter prefix first) give
Query's order: strings by UTF-8 bytes and binary bytewise, encoded as themselves; numbers
numerically, encoded as

    negative:  0x00, 255 - (exponent + 130), each digit d as 0x39 - d, then 0xFF
    zero:      0x01
    positive:  0x02, exponent + 130, each digit as its ASCII byte

where exponent (-130..125) is the power of ten of the leading digit and the digits are the
significant ones (no trailing zeros). The 0xFF terminator makes a shorter negative sort
after a longer one with the same leading digits (-1.2 > -1.25). One key attribute has one
declared type, so the type needs no tag byte."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from cloudlet.services.dynamodb.values.compare import AttributeValue, type_of
from cloudlet.services.dynamodb.values.numbers import MIN_EXPONENT, format_number, to_decimal

_NEGATIVE, _ZERO, _POSITIVE = b"\x00", b"\x01", b"\x02"
_TERMINATOR = b"\xff"


def encode_key(value: AttributeValue) -> bytes:
    kind = type_of(value)
    if kind == "S":
        return str(value["S"]).encode("utf-8")
    if kind == "B":
        return bytes(value["B"])
    if kind == "N":
        return _encoded_number(value["N"])
    raise ValueError(f"key attributes are S, N or B, not {kind}")


@lru_cache(maxsize=8192)
def _encoded_number(text: str) -> bytes:
    return encode_number(to_decimal(text))


def encode_number(number: Decimal) -> bytes:
    if number.is_zero():
        return _ZERO
    sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    end = len(digits)
    while digits[end - 1] == 0:
        end -= 1
    leading = exponent + len(digits) - 1
    biased = leading - MIN_EXPONENT
    if sign:
        return _NEGATIVE + bytes([255 - biased]) + bytes(0x39 - d for d in digits[:end]) + _TERMINATOR
    return _POSITIVE + bytes([biased]) + bytes(0x30 + d for d in digits[:end])


def decode_key(data: bytes, kind: str) -> AttributeValue:
    """The attribute value `encode_key` encoded, given the key's declared type."""
    if kind == "S":
        return {"S": data.decode("utf-8")}
    if kind == "B":
        return {"B": bytes(data)}
    if kind == "N":
        return {"N": format_number(decode_number(data))}
    raise ValueError(f"key attributes are S, N or B, not {kind}")


def decode_number(data: bytes) -> Decimal:
    if data[:1] == _ZERO:
        return Decimal(0)
    negative = data[:1] == _NEGATIVE
    biased = 255 - data[1] if negative else data[1]
    body = data[2:-1] if negative else data[2:]
    digits = tuple(0x39 - b if negative else b - 0x30 for b in body)
    leading = biased + MIN_EXPONENT
    return Decimal((1 if negative else 0, digits, leading - len(digits) + 1))


def prefix_upper_bound(prefix: bytes) -> bytes | None:
    """The smallest byte string greater than every string starting with `prefix`
    (None when there is none: the prefix is empty or all 0xFF)."""
    trimmed = prefix.rstrip(b"\xff")
    if not trimmed:
        return None
    return trimmed[:-1] + bytes([trimmed[-1] + 1])
