"""Validation of attribute values in wire form, worded as DynamoDB words its errors.

Checks run in the order DynamoDB applies them to one value: per type key (numbers, NULL,
empty sets, set numbers, duplicates, nested values), then "more than one datatypes"; so
{"S": "", "N": ""} reports the bad number first. Unknown keys are ignored, as AWS's
deserializer ignores them. The wording (including "An string set  may not be empty", with
its double space) is AWS's, as its API answers it."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from cloudlet.errors import validation_error
from cloudlet.services.dynamodb.values.compare import ALL_TYPES, AttributeValue, Item
from cloudlet.services.dynamodb.values.numbers import format_number, normalize_number, parse_number

INVALID = "One or more parameter values were invalid: "
EMPTY_VALUE = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
MANY_TYPES = (
    "Supplied AttributeValue has more than one datatypes set, "
    "must contain exactly one of the supported datatypes"
)
NULL_NOT_TRUE = INVALID + "Null attribute value types must have the value of true"
EMPTY_SET = {
    "SS": INVALID + "An string set  may not be empty",
    "NS": INVALID + "An number set  may not be empty",
    "BS": INVALID + "Binary sets should not be empty",
}
NUMBER_SET_DUPLICATES = "Input collection contains duplicates"
_KNOWN = frozenset(ALL_TYPES)


def validate_item(item: Mapping[str, Any]) -> Item:
    """A normalized copy of `item` (numbers in canonical form), or the ValidationException."""
    return {name: validate_value(value) for name, value in item.items()}


def validate_value(value: Any) -> AttributeValue:
    """A normalized copy of one attribute value, or the ValidationException AWS gives."""
    if not isinstance(value, Mapping):
        raise validation_error(EMPTY_VALUE)
    if len(value) == 1:  # the usual shape: one type key, checked without scanning them all
        for kind, data in value.items():
            if data is not None and kind in _KNOWN:
                return {kind: _validate(kind, data)}
    present = [kind for kind in ALL_TYPES if value.get(kind) is not None]
    if not present:
        raise validation_error(EMPTY_VALUE)
    normalized: AttributeValue = {}
    for kind in (key for key in value if key in present):
        normalized[kind] = _validate(kind, value[kind])
    if len(present) > 1:
        raise validation_error(MANY_TYPES)
    return normalized


def _validate(kind: str, data: Any) -> Any:
    if kind == "S":
        return data
    if kind == "N":
        return normalize_number(data)
    if kind == "NULL":
        if data is not True:
            raise validation_error(NULL_NOT_TRUE)
        return True
    if kind in EMPTY_SET:
        return _validate_set(kind, list(data))
    if kind == "M":
        return {name: validate_value(member) for name, member in data.items()}
    if kind == "L":
        return [validate_value(member) for member in data]
    return data


def _validate_set(kind: str, elements: list[Any]) -> list[Any]:
    if not elements:
        raise validation_error(EMPTY_SET[kind])
    if kind == "NS":
        numbers = [parse_number(element) for element in elements]
        if len(set(numbers)) != len(numbers):
            raise validation_error(NUMBER_SET_DUPLICATES)
        return [format_number(number) for number in numbers]
    if len(set(elements)) != len(elements):
        if kind == "SS":
            raise validation_error(f"{INVALID}Input collection [{', '.join(elements)}] contains duplicates.")
        shown = ", ".join(base64.b64encode(element).decode() for element in elements)
        raise validation_error(f"{INVALID}Input collection [{shown}]of type BS contains duplicates.")
    return elements
