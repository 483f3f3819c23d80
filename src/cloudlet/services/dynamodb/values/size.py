"""Item and key sizes as DynamoDB counts them, and the limits it enforces on them.

An item's size is the sum, over its attributes, of the UTF-8 length of the name plus the
size of the value: strings in UTF-8 bytes, binary in bytes, BOOL and NULL 1 byte, a List or
Map 3 bytes plus 1 byte per element plus the elements (a Map's elements include their
names), a set the sum of its elements
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html).
A number takes about 1 byte per two significant digits plus 1: exactly, 1 byte of exponent
plus one byte per base-100 digit (digit pairs aligned on the decimal point) plus 1 when
negative; zero takes 1. That exact count is what DynamoDB's 400 KB check agrees with."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

from cloudlet.errors import validation_error
from cloudlet.services.dynamodb.values.compare import AttributeValue, type_of
from cloudlet.services.dynamodb.values.numbers import to_decimal
from cloudlet.services.dynamodb.values.validation import INVALID

MAX_ITEM_SIZE = 400 * 1024
MAX_PARTITION_KEY_SIZE = 2048
MAX_SORT_KEY_SIZE = 1024

ITEM_TOO_LARGE = "Item size has exceeded the maximum allowed size"
UPDATED_ITEM_TOO_LARGE = "Item size to update has exceeded the maximum allowed size"
# AWS's wording, including the missing space in "of2048".
PARTITION_KEY_TOO_LARGE = INVALID + "Size of hashkey has exceeded the maximum size limit of2048 bytes"
SORT_KEY_TOO_LARGE = INVALID + "Aggregated size of all range keys has exceeded the size limit of 1024 bytes"


def item_size(item: dict[str, AttributeValue]) -> int:
    return sum(len(name.encode("utf-8")) + value_size(value) for name, value in item.items())


def value_size(value: AttributeValue) -> int:
    kind = type_of(value)
    data: Any = value[kind]
    if kind == "S":
        return len(data.encode("utf-8"))
    if kind == "B":
        return len(data)
    if kind == "N":
        return _number_text_size(data)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(element.encode("utf-8")) for element in data)
    if kind == "BS":
        return sum(len(element) for element in data)
    if kind == "NS":
        return sum(_number_text_size(element) for element in data)
    if kind == "L":
        return 3 + sum(1 + value_size(element) for element in data)
    if kind == "M":
        return 3 + sum(1 + len(name.encode("utf-8")) + value_size(v) for name, v in data.items())
    raise ValueError(f"unknown attribute type {kind}")


@lru_cache(maxsize=8192)
def _number_text_size(text: str) -> int:
    return number_size(to_decimal(text))


def number_size(number: Decimal) -> int:
    if number.is_zero():
        return 1
    sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    end = len(digits)
    while digits[end - 1] == 0:
        end -= 1
    leading = exponent + len(digits) - 1  # power of ten of the first digit
    trailing = leading - end + 1  # ... and of the last significant one
    pairs = leading // 2 - trailing // 2 + 1
    return 1 + pairs + sign


def check_item_size(item: dict[str, AttributeValue], *, update: bool = False) -> None:
    """Raise DynamoDB's error when `item` is over 400 KB (UpdateItem words it differently)."""
    if item_size(item) > MAX_ITEM_SIZE:
        raise validation_error(UPDATED_ITEM_TOO_LARGE if update else ITEM_TOO_LARGE)


def check_key_value(name: str, value: AttributeValue, *, partition: bool) -> None:
    """Raise for an empty string or binary key value, or one over the key size limit.

    (Whether `value` has the key's declared type is the caller's check: it knows the schema.)"""
    kind = type_of(value)
    if kind not in ("S", "B"):
        return
    data = value[kind]
    if len(data) == 0:
        what = "string" if kind == "S" else "binary"
        raise validation_error(
            "One or more parameter values are not valid. The AttributeValue for a key attribute "
            f"cannot contain an empty {what} value. Key: {name}"
        )
    size = len(data.encode("utf-8")) if kind == "S" else len(data)
    if partition and size > MAX_PARTITION_KEY_SIZE:
        raise validation_error(PARTITION_KEY_TOO_LARGE)
    if not partition and size > MAX_SORT_KEY_SIZE:
        raise validation_error(SORT_KEY_TOO_LARGE)
