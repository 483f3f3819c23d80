"""DynamoDB numbers: normalization, limits and exact arithmetic (HowItWorks.NamingRulesDataTypes)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cloudlet.errors import ServiceError
from cloudlet.services.dynamodb.values import add_numbers, normalize_number, parse_number, subtract_numbers


def message(text: object) -> str:
    with pytest.raises(ServiceError) as caught:
        parse_number(text)
    assert caught.value.code == "ValidationException"
    return caught.value.message


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("012.50", "12.5"),
        ("-0", "0"),
        ("0.000", "0"),
        ("00042", "42"),
        ("1.0", "1"),
        ("3.1400", "3.14"),
        ("1.5E2", "150"),
        ("1E2", "100"),
        ("+7", "7"),
        (".5", "0.5"),
        ("5.", "5"),
        ("-1.5e-3", "-0.0015"),
        ("12345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
        ("1000000000000000000000000000000000000000000", "1000000000000000000000000000000000000000000"),
        ("1E-130", "0." + "0" * 129 + "1"),
        ("9.9999999999999999999999999999999999999E+125", "99999999999999999999999999999999999999" + "0" * 88),
    ],
)
def test_numbers_are_normalized_to_plain_notation(text: str, normalized: str) -> None:
    assert normalize_number(text) == normalized


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "The parameter cannot be converted to a numeric value"),
        ("b", "The parameter cannot be converted to a numeric value: b"),
        ("1_000", "The parameter cannot be converted to a numeric value: 1_000"),
        (" 1", "The parameter cannot be converted to a numeric value:  1"),
        ("NaN", "The parameter cannot be converted to a numeric value: NaN"),
        ("Infinity", "The parameter cannot be converted to a numeric value: Infinity"),
        (
            "1e99999999999999999999999",
            "The parameter cannot be converted to a numeric value: 1e99999999999999999999999",
        ),
        (
            "123456789012345678901234567890123456789",
            "Attempting to store more than 38 significant digits in a Number",
        ),
        (
            "-1.23456789012345678901234567890123456789",
            "Attempting to store more than 38 significant digits in a Number",
        ),
        ("1e126", "Number overflow. Attempting to store a number with magnitude larger than supported range"),
        (
            "-1E+126",
            "Number overflow. Attempting to store a number with magnitude larger than supported range",
        ),
        (
            "1e-131",
            "Number underflow. Attempting to store a number with magnitude smaller than supported range",
        ),
        (
            "-1e-131",
            "Number underflow. Attempting to store a number with magnitude smaller than supported range",
        ),
    ],
)
def test_invalid_numbers_are_rejected_as_aws_words_it(text: str, expected: str) -> None:
    assert message(text) == expected


def test_trailing_zeros_do_not_count_as_significant_digits() -> None:
    assert parse_number("1" * 38 + "0" * 88) == Decimal("1" * 38 + "0" * 88)
    assert parse_number("1.1" + "0" * 60) == Decimal("1.1")


def test_arithmetic_is_exact_and_range_checked() -> None:
    assert add_numbers("0.1", "0.2") == "0.3"
    assert subtract_numbers("1", "1.5") == "-0.5"
    assert add_numbers("99999999999999999999999999999999999999", "1") == "1" + "0" * 38
    with pytest.raises(ServiceError, match="more than 38 significant digits"):
        add_numbers("1E+100", "1")
    with pytest.raises(ServiceError, match="Number overflow"):
        add_numbers("9.9999999999999999999999999999999999999E+125", "9E+125")
