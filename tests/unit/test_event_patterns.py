"""Event pattern matching, operator by operator, from the examples in the EventBridge user
guide ("Event patterns", "Content filtering", "Arrays", "Null values and empty strings") and
the event-ruler README that documents the same engine."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from cloudlet.patterns import compile_pattern


def matches(pattern: dict[str, Any] | str, event: dict[str, Any]) -> bool:
    return compile_pattern(pattern).matches(event)


EC2_EVENT: dict[str, Any] = {
    "version": "0",
    "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "111122223333",
    "time": "2017-12-22T18:43:48Z",
    "region": "us-west-1",
    "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
    "detail": {"instance-id": "i-1234567890abcdef0", "state": "terminated"},
}

RULER_EVENT: dict[str, Any] = {
    "version": "0",
    "id": "ddddd4-aaaa-7777-4444-345dd43cc333",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "012345679012",
    "time": "2017-10-02T16:24:49Z",
    "region": "us-east-1",
    "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
    "detail": {
        "c-count": 5,
        "d-count": 3,
        "x-limit": 301.8,
        "source-ip": "10.0.0.33",
        "instance-id": "i-000000aaaaaa00000",
        "state": "running",
    },
}


def with_detail(**detail: Any) -> dict[str, Any]:
    return {**RULER_EVENT, "detail": {**RULER_EVENT["detail"], **detail}}


# --- exact values, structure, arrays -------------------------------------------------------


def test_user_guide_ec2_termination_pattern() -> None:
    pattern = {
        "source": ["aws.ec2"],
        "detail-type": ["EC2 Instance State-change Notification"],
        "detail": {"state": ["terminated"]},
    }
    assert matches(pattern, EC2_EVENT)
    assert not matches(pattern, {**EC2_EVENT, "detail": {"state": "running"}})
    assert matches(json.dumps(pattern), EC2_EVENT)  # JSON text works the same


def test_fields_must_exist_with_the_same_nesting() -> None:
    assert not matches({"state": ["terminated"]}, EC2_EVENT)  # "state" is under "detail"
    assert not matches({"detail": {"missing": ["x"]}}, EC2_EVENT)


def test_pattern_array_is_or() -> None:
    pattern = {"source": ["aws.ec2", "aws.fargate"]}
    assert matches(pattern, EC2_EVENT)
    assert matches(pattern, {**EC2_EVENT, "source": "aws.fargate"})
    assert not matches(pattern, {**EC2_EVENT, "source": "aws.s3"})


def test_event_array_matches_when_the_intersection_is_non_empty() -> None:
    pattern = {
        "resources": [
            "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
            "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
            "arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f",
        ]
    }
    event = {
        "resources": [
            "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-"
            "d5978ed4a025:autoScalingGroupName/ASGTerminate",
            "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
        ]
    }
    assert matches(pattern, event)
    assert not matches(pattern, {"resources": ["arn:aws:ec2:us-east-1:999999999999:instance/i-x"]})
    assert not matches(pattern, {"resources": []})


def test_null_and_empty_string_are_distinct() -> None:
    event = {"source": "aws.autoscaling", "detail": {"eventVersion": "", "responseElements": None}}
    assert matches({"detail": {"eventVersion": [""]}}, event)
    assert matches({"detail": {"responseElements": [None]}}, event)
    assert not matches({"detail": {"eventVersion": [None]}}, event)
    assert not matches({"detail": {"responseElements": [""]}}, event)
    assert not matches({"detail": {"missing": [None]}}, event)  # absent is not null


def test_literals_match_only_their_json_type() -> None:
    assert matches({"flag": [True]}, {"flag": True})
    assert not matches({"flag": [True]}, {"flag": 1})
    assert not matches({"flag": [True]}, {"flag": "true"})
    assert not matches({"count": [1]}, {"count": True})
    assert not matches({"count": [5]}, {"count": "5"})
    assert not matches({"count": ["5"]}, {"count": 5})


def test_numbers_compare_by_value() -> None:
    assert matches({"x-limit": [301.8]}, {"x-limit": Decimal("3.018e2")})
    assert matches({"count": [5]}, {"count": 5.0})
    assert matches({"account": [123456789012]}, {"account": 123456789012})  # beyond the numeric range
    assert not matches({"count": [5]}, {"count": 5.000001})


def test_arrays_of_objects_match_within_one_element() -> None:
    # event-ruler README, "JSON Array Matching"
    event = {
        "employees": [
            {"firstName": "John", "lastName": "Doe"},
            {"firstName": "Anna", "lastName": "Smith"},
            {"firstName": "Peter", "lastName": "Jones"},
        ]
    }
    assert matches({"employees": {"firstName": ["Anna"]}}, event)
    assert matches({"employees": {"firstName": ["Anna"], "lastName": ["Smith"]}}, event)
    assert not matches({"employees": {"firstName": ["Anna"], "lastName": ["Jones"]}}, event)
    nested = {"employees": [event["employees"][:2], event["employees"][2:]]}
    assert matches({"employees": {"firstName": ["Peter"]}}, nested)


def test_nested_arrays_of_scalars_are_flattened() -> None:
    assert matches({"tags": ["b"]}, {"tags": [["a"], ["b", "c"]]})


# --- prefix / suffix / equals-ignore-case ---------------------------------------------------


def test_prefix() -> None:
    assert matches({"time": [{"prefix": "2017-10-02"}]}, {"time": "2017-10-02T18:43:48Z"})
    assert not matches({"time": [{"prefix": "2017-10-02"}]}, {"time": "2017-10-03T18:43:48Z"})
    pattern = {"source": ["aws.autoscaling"], "region": [{"prefix": "eu-"}]}
    assert matches(pattern, {"source": "aws.autoscaling", "region": "eu-west-1"})
    assert not matches(pattern, {"source": "aws.autoscaling", "region": "us-east-1"})
    assert not matches({"n": [{"prefix": "1"}]}, {"n": 12})  # string-valued fields only


def test_prefix_ignoring_case() -> None:
    pattern = {"service": [{"prefix": {"equals-ignore-case": "EventB"}}]}
    for value in ("EventBridge", "EVENTBRIDGE", "eventbridge"):
        assert matches(pattern, {"service": value})
    assert not matches(pattern, {"service": "Lambda"})


def test_suffix() -> None:
    assert matches({"FileName": [{"suffix": ".png"}]}, {"FileName": "image.png"})
    assert not matches({"FileName": [{"suffix": ".png"}]}, {"FileName": "image.PNG"})
    assert matches({"source": [{"suffix": "ec2"}]}, RULER_EVENT)


def test_suffix_ignoring_case() -> None:
    pattern = {"FileName": [{"suffix": {"equals-ignore-case": ".png"}}]}
    assert matches(pattern, {"FileName": "image.PNG"})
    assert matches(pattern, {"FileName": "image.png"})
    assert not matches(pattern, {"FileName": "image.jpg"})


def test_equals_ignore_case() -> None:
    pattern = {"detail-type": [{"equals-ignore-case": "ec2 instance state-change notification"}]}
    assert matches(pattern, EC2_EVENT)
    assert matches({"Name": [{"equals-ignore-case": "alice"}]}, {"Name": "ALICE"})
    assert not matches({"Name": [{"equals-ignore-case": "alice"}]}, {"Name": "alicia"})


# --- anything-but ---------------------------------------------------------------------------


def test_anything_but_single_values() -> None:
    pattern = {"detail": {"state": [{"anything-but": "initializing"}]}}
    assert matches(pattern, RULER_EVENT)
    assert not matches(pattern, with_detail(state="initializing"))
    numeric = {"detail": {"x-limit": [{"anything-but": 123}]}}
    assert matches(numeric, RULER_EVENT)
    assert not matches(numeric, with_detail(**{"x-limit": 123.0}))


def test_anything_but_lists() -> None:
    strings = {"detail": {"state": [{"anything-but": ["stopped", "overloaded"]}]}}
    assert matches(strings, RULER_EVENT)
    assert not matches(strings, with_detail(state="overloaded"))
    numbers = {"detail": {"x-limit": [{"anything-but": [100, 200, 300]}]}}
    assert matches(numbers, RULER_EVENT)
    assert not matches(numbers, with_detail(**{"x-limit": 200}))


def test_anything_but_needs_the_field() -> None:
    assert not matches({"detail": {"missing": [{"anything-but": "x"}]}}, RULER_EVENT)


def test_anything_but_against_an_event_array_is_per_element() -> None:
    pattern = {"price": [{"anything-but": [100, 500]}]}
    assert matches(pattern, {"price": [100, 50]})  # 50 is neither
    assert not matches(pattern, {"price": [100, 500]})


def test_anything_but_prefix_and_suffix() -> None:
    prefix = {"detail": {"state": [{"anything-but": {"prefix": "init"}}]}}
    assert matches(prefix, RULER_EVENT)
    assert not matches(prefix, with_detail(state="initializing"))
    suffix = {"FileName": [{"anything-but": {"suffix": ".txt"}}]}
    assert matches(suffix, {"FileName": "notes.md"})
    assert not matches(suffix, {"FileName": "notes.txt"})


def test_anything_but_equals_ignore_case() -> None:
    pattern = {"state": [{"anything-but": {"equals-ignore-case": ["initializing", "stopped"]}}]}
    assert matches(pattern, {"state": "running"})
    assert not matches(pattern, {"state": "INITIALIZING"})
    assert not matches(pattern, {"state": "Stopped"})
    single = {"state": [{"anything-but": {"equals-ignore-case": "initializing"}}]}
    assert not matches(single, {"state": "Initializing"})


def test_anything_but_wildcard() -> None:
    pattern = {"FilePath": [{"anything-but": {"wildcard": "*/lib/*"}}]}
    assert matches(pattern, {"FilePath": "/usr/bin/python"})
    assert not matches(pattern, {"FilePath": "/usr/lib/python"})


# --- numeric --------------------------------------------------------------------------------


def test_numeric_ranges_from_the_readme() -> None:
    pattern = {
        "detail": {
            "c-count": [{"numeric": [">", 0, "<=", 5]}],
            "d-count": [{"numeric": ["<", 10]}],
            "x-limit": [{"numeric": ["=", 3.018e2]}],
        }
    }
    assert matches(pattern, RULER_EVENT)
    assert not matches(pattern, with_detail(**{"c-count": 6}))
    assert not matches(pattern, with_detail(**{"c-count": 0}))
    assert not matches(pattern, with_detail(**{"d-count": 10}))
    assert not matches(pattern, with_detail(**{"x-limit": 301.9}))


@pytest.mark.parametrize(
    ("expression", "inside", "outside"),
    [
        (["<", 0], [-1, -0.5], [0, 1]),
        (["<=", 0], [0, -3], [0.000001]),
        ([">", 10], [10.000001, 11], [10, 9]),
        ([">=", 10], [10, 1e9], [9.999999]),
        (["=", 301.5], [301.5, Decimal("3.015e2"), Decimal("301.500")], [301.4]),
        ([">=", 0, "<", 10], [0, 9.999999], [10, -1]),
        ([">", 0, "<=", 150], [150, 0.000001], [0, 150.000001]),
    ],
)
def test_numeric_operators(expression: list[Any], inside: list[Any], outside: list[Any]) -> None:
    pattern = compile_pattern({"n": [{"numeric": expression}]})
    assert all(pattern.matches({"n": value}) for value in inside)
    assert not any(pattern.matches({"n": value}) for value in outside)


def test_numeric_matches_only_json_numbers_in_range() -> None:
    pattern = compile_pattern({"n": [{"numeric": [">", 0]}]})
    assert not pattern.matches({"n": "5"})
    assert not pattern.matches({"n": True})
    assert not pattern.matches({"n": None})
    assert pattern.matches({"n": 5_000_000_000})
    assert not pattern.matches({"n": 5_000_000_001})  # beyond +5.0e9
    assert not pattern.matches({"n": Decimal("1.0000001")})  # more than six decimals


def test_numeric_uses_decimal_not_float() -> None:
    pattern = compile_pattern({"n": [{"numeric": ["=", 0.3]}]})
    assert pattern.matches({"n": Decimal("0.30")})
    assert pattern.matches({"n": 0.3})
    assert not pattern.matches({"n": 0.1 + 0.2})  # 0.30000000000000004 has 17 decimals


def test_numeric_over_an_event_array() -> None:
    assert matches({"n": [{"numeric": [">", 100]}]}, {"n": [1, 2, 101]})


# --- cidr -----------------------------------------------------------------------------------


def test_cidr_ipv4() -> None:
    pattern = {"detail": {"source-ip": [{"cidr": "10.0.0.0/24"}]}}
    assert matches(pattern, RULER_EVENT)
    assert matches(pattern, with_detail(**{"source-ip": "10.0.0.255"}))
    assert not matches(pattern, with_detail(**{"source-ip": "10.0.1.0"}))
    assert not matches(pattern, with_detail(**{"source-ip": "not-an-ip"}))
    assert matches({"ip": [{"cidr": "10.0.0.0/8"}]}, {"ip": "10.200.3.4"})


def test_cidr_ipv6() -> None:
    pattern = {"sourceIPAddress": [{"cidr": "2001:db8::/64"}]}
    assert matches(pattern, {"sourceIPAddress": "2001:db8::1"})
    assert matches(pattern, {"sourceIPAddress": "2001:0DB8:0000:0000:ffff:ffff:ffff:ffff"})
    assert not matches(pattern, {"sourceIPAddress": "2001:db8:0:1::1"})
    assert not matches(pattern, {"sourceIPAddress": "10.0.0.1"})


def test_exact_ip_literals_match_any_spelling_of_the_address() -> None:
    assert matches({"ip": ["2001:db8::1"]}, {"ip": "2001:0db8:0:0:0:0:0:1"})
    assert not matches({"ip": ["2001:db8::1"]}, {"ip": "2001:db8::2"})


# --- exists ---------------------------------------------------------------------------------


def test_exists() -> None:
    present = {"detail": {"c-count": [{"exists": True}]}}
    absent = {"detail": {"c-count": [{"exists": False}]}}
    assert matches(present, RULER_EVENT)
    assert not matches(absent, RULER_EVENT)
    without = {**RULER_EVENT, "detail": {"state": "running"}}
    assert not matches(present, without)
    assert matches(absent, without)
    assert matches(absent, {"source": "aws.ec2"})  # no "detail" at all


def test_exists_only_sees_leaves() -> None:
    # event-ruler README: exists:false matches when c-count is an object, not a leaf
    event = {"detail": {"state": "running", "c-count": {"c1": 100}}}
    assert matches({"detail": {"c-count": [{"exists": False}]}}, event)
    assert not matches({"detail": {"c-count": [{"exists": True}]}}, event)


def test_exists_with_null_and_arrays() -> None:
    assert matches({"f": [{"exists": True}]}, {"f": None})  # null is a value
    assert matches({"f": [{"exists": True}]}, {"f": ["a"]})
    assert matches({"f": [{"exists": False}]}, {"f": []})  # an empty array holds no value


def test_exists_false_or_a_value() -> None:
    # SNS developer guide: anything-but "can be combined with exists: false"
    pattern = compile_pattern({"f": [{"anything-but": ["rugby"]}, {"exists": False}]})
    assert pattern.matches({})
    assert pattern.matches({"f": "tennis"})
    assert not pattern.matches({"f": "rugby"})


# --- wildcard -------------------------------------------------------------------------------


def test_wildcard() -> None:
    pattern = {"EventBusArn": [{"wildcard": "arn:aws:events:us-east-1:*:event-bus/*"}]}
    assert matches(pattern, {"EventBusArn": "arn:aws:events:us-east-1:123456789012:event-bus/default"})
    assert not matches(pattern, {"EventBusArn": "arn:aws:events:us-west-2:123456789012:event-bus/default"})
    assert matches({"source": [{"wildcard": "Simple*Service"}]}, {"source": "SimpleNotificationService"})
    assert matches({"source": [{"wildcard": "Simple*Service"}]}, {"source": "SimpleService"})
    assert matches({"f": [{"wildcard": "*.png"}]}, {"f": "dir/sub/a.png"})
    assert matches({"f": [{"wildcard": "*Title*"}]}, {"f": "The Title Page"})
    assert not matches({"f": [{"wildcard": "*.png"}]}, {"f": "a.png.txt"})


def test_wildcard_escapes() -> None:
    assert matches({"f": [{"wildcard": "a\\*b"}]}, {"f": "a*b"})
    assert not matches({"f": [{"wildcard": "a\\*b"}]}, {"f": "axb"})
    assert matches({"f": [{"wildcard": "a\\\\*"}]}, {"f": "a\\anything"})
    assert matches({"f": [{"wildcard": "a.c"}]}, {"f": "a.c"})
    assert not matches({"f": [{"wildcard": "a.c"}]}, {"f": "abc"})  # no regex leaks through


# --- $or ------------------------------------------------------------------------------------


def test_or_from_the_readme() -> None:
    pattern = compile_pattern(
        {
            "source": ["aws.cloudwatch"],
            "$or": [
                {"metricName": ["CPUUtilization", "ReadLatency"]},
                {"metricType": ["MetricType"], "namespace": ["AWS/EC2", "AWS/ES"]},
                {"scope": ["Service"]},
            ],
        }
    )
    base = {"source": "aws.cloudwatch"}
    assert pattern.matches({**base, "metricName": "ReadLatency"})
    assert pattern.matches({**base, "metricType": "MetricType", "namespace": "AWS/ES"})
    assert not pattern.matches({**base, "metricType": "MetricType"})
    assert pattern.matches({**base, "scope": "Service"})
    assert not pattern.matches({"source": "aws.ec2", "scope": "Service"})


def test_or_inside_a_nested_object() -> None:
    pattern = compile_pattern(
        {
            "detail": {
                "$or": [
                    {"c-count": [{"numeric": [">", 0, "<=", 5]}]},
                    {"d-count": [{"numeric": ["<", 10]}]},
                    {"x-limit": [{"numeric": ["=", 3.018e2]}]},
                ]
            }
        }
    )
    assert pattern.matches({"detail": {"c-count": 3}})
    assert pattern.matches({"detail": {"x-limit": 301.8}})
    assert not pattern.matches({"detail": {"c-count": 9, "d-count": 10}})


def test_parallel_and_nested_or() -> None:
    pattern = compile_pattern(
        {
            "$or": [{"metricName": ["CPUUtilization"]}, {"namespace": ["AWS/EC2"]}],
            "detail": {
                "$or": [{"source": ["aws.cloudwatch"]}, {"detail-type": ["CloudWatch Alarm State Change"]}]
            },
        }
    )
    assert pattern.matches({"namespace": "AWS/EC2", "detail": {"source": "aws.cloudwatch"}})
    assert not pattern.matches({"namespace": "AWS/EC2", "detail": {"source": "aws.ec2"}})
    nested = compile_pattern(
        {
            "source": ["aws.cloudwatch"],
            "$or": [
                {"metricName": ["CPUUtilization"]},
                {"metricType": ["MetricType"], "$or": [{"metricId": [1234]}, {"spaceId": [1000]}]},
            ],
        }
    )
    assert nested.matches({"source": "aws.cloudwatch", "metricType": "MetricType", "spaceId": 1000})
    assert not nested.matches({"source": "aws.cloudwatch", "metricType": "MetricType", "spaceId": 1})


def test_complex_readme_example() -> None:
    pattern = {
        "time": [{"prefix": "2017-10-02"}],
        "detail": {
            "state": [{"anything-but": "initializing"}],
            "c-count": [{"numeric": [">", 0, "<=", 5]}],
            "d-count": [{"numeric": ["<", 10]}],
            "x-limit": [{"anything-but": [100, 200, 300]}],
            "source-ip": [{"cidr": "10.0.0.0/8"}],
        },
    }
    assert matches(pattern, RULER_EVENT)
    assert not matches(pattern, with_detail(**{"source-ip": "11.0.0.1"}))


def test_matching_json_text_keeps_every_digit() -> None:
    pattern = compile_pattern({"n": [{"numeric": ["=", 0.1]}], "big": [12345678901234567890]})
    assert pattern.matches_json('{"n": 0.100000, "big": 12345678901234567890}')
    assert not pattern.matches_json('{"n": 0.1000001, "big": 12345678901234567890}')
    assert not pattern.matches_json("not json")
    assert not pattern.matches_json("[1]")
