"""DynamoDB numbers: parsed, range-checked, normalized and added exactly with Decimal, never float.

A Number holds up to 38 significant digits with a magnitude of 1E-130 to
9.9999999999999999999999999999999999999E+125; leading and trailing zeros are trimmed
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes.Number).
DynamoDB answers with the plain notation ("1.5E2" comes back as "150", "-0" as "0")."""

from __future__ import annotations

import re
from decimal import Context, Decimal, InvalidOperation
from functools import lru_cache

from cloudlet.errors import validation_error

MAX_DIGITS = 38
MAX_EXPONENT = 125  # adjusted exponent (of the leading digit) of the largest magnitude
MIN_EXPONENT = -130  # ... and of the smallest

# Wide enough that the sum of two in-range numbers is exact (their digits span at most
# 125 + 130 + 1 places), so arithmetic never rounds before the range checks see it.
CONTEXT = Context(prec=300, Emax=10**6, Emin=-(10**6))

_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")

NOT_NUMERIC = "The parameter cannot be converted to a numeric value"
OVERFLOW = "Number overflow. Attempting to store a number with magnitude larger than supported range"
UNDERFLOW = "Number underflow. Attempting to store a number with magnitude smaller than supported range"
TOO_PRECISE = "Attempting to store more than 38 significant digits in a Number"


def parse_number(text: object) -> Decimal:
    """The Decimal of an N string, raising the ValidationException AWS gives for a bad one."""
    if not isinstance(text, str) or text == "":
        raise validation_error(NOT_NUMERIC)
    if _NUMBER.match(text) is None:
        raise validation_error(f"{NOT_NUMERIC}: {text}")
    try:
        value = Decimal(text)
    except InvalidOperation:  # an exponent too long even for Decimal
        raise validation_error(f"{NOT_NUMERIC}: {text}") from None
    check_range(value)
    return value


def check_range(value: Decimal) -> None:
    """Raise unless `value` fits DynamoDB's magnitude range and 38 significant digits."""
    if value.is_zero():
        return
    adjusted = value.adjusted()
    if adjusted > MAX_EXPONENT:
        raise validation_error(OVERFLOW)
    if adjusted < MIN_EXPONENT:
        raise validation_error(UNDERFLOW)
    if significant_digits(value) > MAX_DIGITS:
        raise validation_error(TOO_PRECISE)


def significant_digits(value: Decimal) -> int:
    digits = value.as_tuple().digits
    end = len(digits)
    while end > 1 and digits[end - 1] == 0:
        end -= 1
    return end


def format_number(value: Decimal) -> str:
    """The normalized plain text of a number: no exponent, no leading or trailing zeros."""
    if value.is_zero():
        return "0"
    return format(value.normalize(CONTEXT), "f")


def normalize_number(text: object) -> str:
    """The normalized text of an N string, or the ValidationException for a bad one."""
    if not isinstance(text, str):
        raise validation_error(NOT_NUMERIC)
    return _normalized(text)


@lru_cache(maxsize=8192)
def _normalized(text: str) -> str:  # errors propagate uncached
    return format_number(parse_number(text))


@lru_cache(maxsize=8192)
def to_decimal(text: str) -> Decimal:
    """The Decimal of an already validated N string (cached: comparisons parse the same few)."""
    return Decimal(text)


def add_numbers(left: str, right: str) -> str:
    return _checked(CONTEXT.add(to_decimal(left), to_decimal(right)))


def subtract_numbers(left: str, right: str) -> str:
    return _checked(CONTEXT.subtract(to_decimal(left), to_decimal(right)))


def _checked(value: Decimal) -> str:
    check_range(value)
    return format_number(value)
