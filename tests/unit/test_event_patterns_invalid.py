"""Patterns AWS rejects, with event-ruler's reasons, and how each service words the error."""

from __future__ import annotations

from typing import Any

import pytest

from cloudlet.errors import ServiceError
from cloudlet.patterns import (
    PatternError,
    compile_lambda_filters,
    compile_pattern,
    eventbridge_error,
    lambda_filter_error,
    sns_filter_policy_error,
)

INVALID: list[tuple[Any, str]] = [
    # structure
    ('["source"]', "Filter is not an object"),
    ("{}", "Empty objects are not allowed"),
    ({"detail": {}}, "Empty objects are not allowed"),
    ({"source": "aws.ec2"}, '"source" must be an object or an array'),
    ({"source": 5}, '"source" must be an object or an array'),
    ({"source": []}, "Empty arrays are not allowed"),
    ({"source": [["aws.ec2"]]}, "Match value must be String, number, true, false, or null"),
    # match expressions
    ({"source": [{}]}, "Match expression name not found"),
    ({"source": [{"contains": "ec2"}]}, "Unrecognized match type contains"),
    ({"source": [{"prefix": "a", "suffix": "b"}]}, "Only one key allowed in match expression"),
    ({"source": [{"prefix": 5}]}, "prefix match pattern must be a string"),
    (
        {"source": [{"prefix": {"equals-ignore-case": 5}}]},
        "equals-ignore-case match pattern must be a string",
    ),
    ({"source": [{"suffix": None}]}, "suffix match pattern must be a string"),
    ({"source": [{"equals-ignore-case": ["a"]}]}, "equals-ignore-case match pattern must be a string"),
    ({"source": [{"wildcard": 1}]}, "wildcard match pattern must be a string"),
    ({"source": [{"exists": "true"}]}, "exists match pattern must be either true or false."),
    # wildcard
    ({"key": [{"wildcard": "abc**def"}]}, "Consecutive wildcard characters at pos 4"),
    ({"key": [{"wildcard": "a*c\\def"}]}, "Invalid escape character at pos 4"),
    ({"key": [{"wildcard": "abc\\"}]}, "Invalid escape character at pos 4"),
    # anything-but
    (
        {"s": [{"anything-but": None}]},
        "Value of anything-but must be an array or single string/number value.",
    ),
    (
        {"s": [{"anything-but": True}]},
        "Value of anything-but must be an array or single string/number value.",
    ),
    ({"s": [{"anything-but": [None]}]}, "Inside anything but list, start|null|boolean is not supported."),
    ({"s": [{"anything-but": [True]}]}, "Inside anything but list, start|null|boolean is not supported."),
    (
        {"s": [{"anything-but": ["a", 1]}]},
        "Inside anything but list, either all values are number or string, mixed type is not supported",
    ),
    (
        {"s": [{"anything-but": []}]},
        "Inside anything but list, either all values are number or string, mixed type is not supported",
    ),
    ({"s": [{"anything-but": {"contains": "x"}}]}, "Unsupported anything-but pattern: contains"),
    ({"s": [{"anything-but": {"prefix": 1}}]}, "prefix/suffix match pattern must be a string"),
    ({"s": [{"anything-but": {"prefix": ""}}]}, "Null prefix/suffix not allowed"),
    ({"s": [{"anything-but": {}}]}, "Anything-But expression name not found"),
    (
        {"s": [{"anything-but": {"equals-ignore-case": [1]}}]},
        "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.",
    ),
    ({"s": [{"anything-but": "a", "prefix": "b"}]}, "Too many elements in numeric expression"),
    # numeric
    ({"n": [{"numeric": 5}]}, "Value of numeric must be an array."),
    ({"n": [{"numeric": []}]}, "Invalid member in numeric match: ]"),
    ({"n": [{"numeric": [5, "<"]}]}, "Invalid member in numeric match: 5"),
    ({"n": [{"numeric": ["!=", 5]}]}, "Unrecognized numeric range operator: !="),
    ({"n": [{"numeric": [">", "5"]}]}, "Value of > must be numeric"),
    ({"n": [{"numeric": ["=", "5"]}]}, "Value of equals must be numeric"),
    ({"n": [{"numeric": ["<", 5, ">", 0]}]}, "Too many elements in numeric expression"),
    ({"n": [{"numeric": ["=", 5, "<", 6]}]}, "Too many elements in numeric expression"),
    ({"n": [{"numeric": [">", 0, 5]}]}, "Bad value in numeric range: 5"),
    ({"n": [{"numeric": [">", 0, ">", 5]}]}, "Bad numeric range operator: >"),
    ({"n": [{"numeric": [">", 0, "<", "5"]}]}, "Value of < must be numeric"),
    ({"n": [{"numeric": [">", 0, "<", 5, 6]}]}, "Too many terms in numeric range expression"),
    ({"n": [{"numeric": [">", 5, "<", 5]}]}, "Bottom must be less than top"),
    ({"n": [{"numeric": [">", 5e9 + 1]}]}, "Value must be between -5.0E9 and 5.0E9, inclusive"),
    ({"n": [{"numeric": ["<", 0.0000001]}]}, "Only values upto 6 decimals are supported"),
    ({"n": [{"numeric": [">", 0], "prefix": "x"}]}, "Too many elements in numeric expression"),
    # cidr
    ({"ip": [{"cidr": "10.0.0.0"}]}, "Malformed CIDR, one '/' required"),
    ({"ip": [{"cidr": "10.0.0.0/x"}]}, "Malformed CIDR, mask bits must be an integer"),
    ({"ip": [{"cidr": "10.0.0.0/-1"}]}, "Malformed CIDR, mask bits must not be negative"),
    ({"ip": [{"cidr": "10.0.0.0/32"}]}, "IPv4 mask bits must be < 32"),
    ({"ip": [{"cidr": "2001:db8::/128"}]}, "IPv6 mask bits must be < 128"),
    ({"ip": [{"cidr": "example.com/24"}]}, "Invalid IP address: example.com"),
    ({"ip": [{"cidr": 10}]}, "cidr match pattern must be a string"),
    # $or
    ({"$or": {"a": ["b"]}}, "It must be an Array followed with $or."),
    ({"$or": [{"a": ["b"]}]}, "There must have at least 2 Objects in $or relationship."),
    ({"$or": [{"a": ["b"]}, "c"]}, "Only JSON object is allowed in array of $or relationship."),
    ({"$or": [{"a": ["b"]}, {}]}, "Empty objects are not allowed"),
    (
        {"$or": [{"numeric": [">", 1]}, {"prefix": ["abc"]}]},
        "numeric is Ruler reserved fieldName which cannot be used inside $or.",
    ),
]


@pytest.mark.parametrize(("pattern", "reason"), INVALID)
def test_invalid_patterns_are_rejected_with_aws_reason(pattern: Any, reason: str) -> None:
    with pytest.raises(PatternError) as caught:
        compile_pattern(pattern)
    assert caught.value.reason == reason


def test_invalid_json() -> None:
    with pytest.raises(PatternError, match="Filter is not valid JSON"):
        compile_pattern('{"source": [')


def test_reserved_words_are_ordinary_fields_outside_or() -> None:
    assert compile_pattern({"prefix": ["a"]}).matches({"prefix": "a"})


def test_service_errors() -> None:
    error = PatternError("Empty arrays are not allowed")
    eventbridge = eventbridge_error(error)
    assert isinstance(eventbridge, ServiceError)
    assert eventbridge.code == "InvalidEventPatternException"
    assert eventbridge.message == "Event pattern is not valid. Reason: Empty arrays are not allowed"
    lambda_error = lambda_filter_error(error)
    assert (lambda_error.code, lambda_error.message) == (
        "InvalidParameterValueException",
        "Invalid filter pattern definition.",
    )
    sns = sns_filter_policy_error(error)
    assert (sns.code, sns.message) == (
        "InvalidParameter",
        "Invalid parameter: FilterPolicy: Empty arrays are not allowed",
    )
    assert sns_filter_policy_error(error, subscribe=True).message.startswith(
        "Invalid parameter: Attributes Reason: FilterPolicy: "
    )


def test_lambda_filter_criteria() -> None:
    patterns = compile_lambda_filters(
        {"Filters": [{"Pattern": '{"body": {"kind": ["a"]}}'}, {"Pattern": '{"body": {"kind": ["b"]}}'}]}
    )
    assert [p.matches({"body": {"kind": "b"}}) for p in patterns] == [False, True]
    with pytest.raises(PatternError):
        compile_lambda_filters({"Filters": [{"Pattern": '{"body": "a"}'}]})


def test_anything_but_numbers_share_the_numeric_limits() -> None:
    with pytest.raises(PatternError, match="Value must be between -5.0E9 and 5.0E9, inclusive"):
        compile_pattern({"n": [{"anything-but": [1, 6e9]}]})
    with pytest.raises(PatternError, match="Only values upto 6 decimals are supported"):
        compile_pattern({"n": [{"anything-but": 0.1234567}]})
