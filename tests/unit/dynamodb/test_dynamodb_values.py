"""Attribute value validation, equality, ordering and sizes, against DynamoDB's documented
rules and the messages its API answers with."""

from __future__ import annotations

from typing import Any

import pytest

from cloudlet.errors import ServiceError
from cloudlet.services.dynamodb.values import (
    MAX_ITEM_SIZE,
    check_item_size,
    check_key_value,
    compare_values,
    item_size,
    validate_item,
    validate_value,
    value_size,
    values_equal,
)

INVALID = "One or more parameter values were invalid: "


def rejection(value: Any) -> str:
    with pytest.raises(ServiceError) as caught:
        validate_value(value)
    assert caught.value.code == "ValidationException"
    return caught.value.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({}, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
        ({"a": ""}, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
        (
            {"M": {"a": {}}},
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
        ),
        (
            {"L": [{}]},
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
        ),
        (
            {"S": "a", "N": "1"},
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes",
        ),
        ({"S": "", "N": ""}, "The parameter cannot be converted to a numeric value"),
        ({"S": "a", "N": "b"}, "The parameter cannot be converted to a numeric value: b"),
        ({"NULL": False}, INVALID + "Null attribute value types must have the value of true"),
        ({"SS": []}, INVALID + "An string set  may not be empty"),
        ({"NS": []}, INVALID + "An number set  may not be empty"),
        ({"BS": []}, INVALID + "Binary sets should not be empty"),
        ({"SS": ["a", "a"]}, INVALID + "Input collection [a, a] contains duplicates."),
        ({"BS": [b"b", b"b"]}, INVALID + "Input collection [Yg==, Yg==]of type BS contains duplicates."),
        ({"NS": ["1", "b"]}, "The parameter cannot be converted to a numeric value: b"),
        ({"NS": ["1", "1"]}, "Input collection contains duplicates"),
        ({"NS": ["1", "1.0"]}, "Input collection contains duplicates"),
        ({"M": {"x": {"L": [{"SS": []}]}}}, INVALID + "An string set  may not be empty"),
    ],
)
def test_invalid_values_are_rejected_as_aws_words_it(value: Any, expected: str) -> None:
    assert rejection(value) == expected


def test_valid_values_come_back_normalized() -> None:
    item = validate_item(
        {
            "n": {"N": "012.50"},
            "ns": {"NS": ["1.0", "-0"]},
            "nested": {"M": {"l": {"L": [{"N": "1E2"}, {"S": ""}, {"B": b""}]}}},
            "flag": {"BOOL": False},
            "nothing": {"NULL": True},
        }
    )
    assert item == {
        "n": {"N": "12.5"},
        "ns": {"NS": ["1", "0"]},
        "nested": {"M": {"l": {"L": [{"N": "100"}, {"S": ""}, {"B": b""}]}}},
        "flag": {"BOOL": False},
        "nothing": {"NULL": True},
    }


@pytest.mark.parametrize(
    ("left", "right", "equal"),
    [
        ({"N": "1"}, {"N": "1.00"}, True),
        ({"N": "1"}, {"S": "1"}, False),
        ({"SS": ["a", "b"]}, {"SS": ["b", "a"]}, True),
        ({"NS": ["1", "2"]}, {"NS": ["2.0", "1"]}, True),
        ({"BS": [b"a"]}, {"BS": [b"a", b"b"]}, False),
        ({"L": [{"N": "1"}, {"S": "x"}]}, {"L": [{"N": "1.0"}, {"S": "x"}]}, True),
        ({"L": [{"N": "1"}, {"S": "x"}]}, {"L": [{"S": "x"}, {"N": "1"}]}, False),
        ({"M": {"a": {"BOOL": True}}}, {"M": {"a": {"BOOL": True}}}, True),
        ({"M": {"a": {"BOOL": True}}}, {"M": {"b": {"BOOL": True}}}, False),
        ({"NULL": True}, {"NULL": True}, True),
        ({"BOOL": True}, {"BOOL": False}, False),
    ],
)
def test_equality(left: dict[str, Any], right: dict[str, Any], equal: bool) -> None:
    assert values_equal(left, right) is equal
    assert values_equal(right, left) is equal


def test_ordering_is_numeric_for_numbers_and_bytewise_for_strings_and_binary() -> None:
    assert compare_values({"N": "10"}, {"N": "9"}) == 1
    assert compare_values({"N": "-10"}, {"N": "-9"}) == -1
    assert compare_values({"N": "1E-130"}, {"N": "0"}) == 1
    assert compare_values({"S": "B"}, {"S": "a"}) == -1  # "B" (0x42) < "a" (0x61)
    assert compare_values({"S": "\uffff"}, {"S": "\U0001f600"}) == -1  # UTF-8 order, not UTF-16
    assert compare_values({"B": b"\x00\xff"}, {"B": b"\x01"}) == -1
    assert compare_values({"S": "a"}, {"N": "1"}) is None
    assert compare_values({"BOOL": True}, {"BOOL": True}) is None


@pytest.mark.parametrize(
    ("number", "size"),
    [
        # Sizes DynamoDB's 400 KB check agrees with (one byte more or less flips the outcome).
        ("1" * 38 + "0" * 88, 20),
        ("1" + "0" * 125, 2),
        ("11" + "0" * 124, 2),
        ("11111" + "0" * 121, 4),
        ("111111" + "0" * 120, 4),
        ("1111111" + "0" * 119, 5),
        ("0", 1),
        ("1", 2),
        ("12", 2),
        ("123", 3),
        ("1.2", 3),
        ("-1", 3),
    ],
)
def test_number_sizes(number: str, size: int) -> None:
    assert value_size({"N": number}) == size


def test_item_size_counts_names_and_values_as_documented() -> None:
    assert item_size({"a": {"S": "héllo"}}) == 1 + 6
    assert item_size({"bin": {"B": b"\x00" * 10}}) == 3 + 10
    assert item_size({"t": {"BOOL": True}, "n": {"NULL": True}}) == 2 + 2
    assert item_size({"l": {"L": []}}) == 1 + 3
    assert item_size({"l": {"L": [{"S": "ab"}, {"N": "1"}]}}) == 1 + 3 + (1 + 2) + (1 + 2)
    assert item_size({"m": {"M": {"key": {"S": "v"}}}}) == 1 + 3 + (1 + 3 + 1)
    assert item_size({"ss": {"SS": ["a", "bc"]}, "bs": {"BS": [b"x"]}}) == (2 + 3) + (2 + 1)


def test_the_400_kb_limit() -> None:
    at_limit = {"a": {"S": "k"}, "b": {"S": "x" * (MAX_ITEM_SIZE - 3)}}
    assert item_size(at_limit) == MAX_ITEM_SIZE
    check_item_size(at_limit)
    over = {"a": {"S": "k"}, "b": {"S": "x" * (MAX_ITEM_SIZE - 2)}}
    with pytest.raises(ServiceError, match=": Item size has exceeded the maximum allowed size$"):
        check_item_size(over)
    with pytest.raises(ServiceError, match=": Item size to update has exceeded the maximum allowed size$"):
        check_item_size(over, update=True)


def test_key_values() -> None:
    check_key_value("pk", {"S": "x" * 2048}, partition=True)
    check_key_value("sk", {"B": b"x" * 1024}, partition=False)
    check_key_value("sk", {"N": "1" * 38}, partition=False)
    with pytest.raises(ServiceError) as caught:
        check_key_value("pk", {"S": "é" * 1025}, partition=True)
    assert caught.value.message == (
        "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes"
    )
    with pytest.raises(ServiceError) as caught:
        check_key_value("sk", {"S": "x" * 1025}, partition=False)
    assert caught.value.message == (
        "One or more parameter values were invalid: "
        "Aggregated size of all range keys has exceeded the size limit of 1024 bytes"
    )
    with pytest.raises(ServiceError) as caught:
        check_key_value("pk", {"S": ""}, partition=True)
    assert caught.value.message == (
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain "
        "an empty string value. Key: pk"
    )
    with pytest.raises(ServiceError, match="cannot contain an empty binary value. Key: sk$"):
        check_key_value("sk", {"B": b""}, partition=False)
