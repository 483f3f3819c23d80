"""SNS subscription filter policies, from the SNS developer guide's examples ("String value
matching", "Numeric value matching", "Key matching", "OR operator", "Filter policy
constraints")."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cloudlet.patterns import FilterPolicy, PatternError, compile_filter_policy


def string(value: str) -> dict[str, Any]:
    return {"Type": "String", "Value": value}


def number(value: str) -> dict[str, Any]:
    return {"Type": "Number", "Value": value}


def strings(*values: str) -> dict[str, Any]:
    return {"Type": "String.Array", "Value": json.dumps(list(values))}


def attributes_policy(policy: dict[str, Any]) -> FilterPolicy:
    return compile_filter_policy(json.dumps(policy), scope="MessageAttributes")


def test_string_exact_matching() -> None:
    policy = attributes_policy({"customer_interests": ["rugby", "tennis"]})
    assert policy.matches_attributes({"customer_interests": string("rugby")})
    assert policy.matches_attributes({"customer_interests": string("tennis")})
    assert policy.matches_attributes({"customer_interests": strings("rugby", "tennis")})
    assert not policy.matches_attributes({"customer_interests": string("baseball")})
    assert not policy.matches_attributes({"customer_interests": strings("baseball")})
    assert not policy.matches_attributes({})


def test_string_anything_but() -> None:
    policy = attributes_policy({"customer_interests": [{"anything-but": ["rugby", "tennis"]}]})
    assert policy.matches_attributes({"customer_interests": string("baseball")})
    assert policy.matches_attributes({"customer_interests": string("football")})
    assert policy.matches_attributes({"customer_interests": strings("rugby", "baseball")})
    assert not policy.matches_attributes({"customer_interests": string("rugby")})


def test_prefix_suffix_and_ignore_case() -> None:
    prefix = attributes_policy({"customer_interests": [{"prefix": "bas"}]})
    assert prefix.matches_attributes({"customer_interests": string("baseball")})
    assert prefix.matches_attributes({"customer_interests": string("basketball")})
    assert not prefix.matches_attributes({"customer_interests": string("rugby")})
    suffix = attributes_policy({"customer_interests": [{"suffix": "ball"}]})
    assert suffix.matches_attributes({"customer_interests": string("baseball")})
    assert not suffix.matches_attributes({"customer_interests": string("rugby")})
    ignore_case = attributes_policy({"customer_interests": [{"equals-ignore-case": "tennis"}]})
    assert ignore_case.matches_attributes({"customer_interests": string("TENNIS")})
    not_prefix = attributes_policy({"event": [{"anything-but": {"prefix": "order-"}}]})
    assert not_prefix.matches_attributes({"event": string("data-entry")})
    assert not not_prefix.matches_attributes({"event": string("order-cancelled")})


def test_ip_address_matching() -> None:
    policy = attributes_policy({"source_ip": [{"cidr": "10.0.0.0/24"}]})
    assert policy.matches_attributes({"source_ip": string("10.0.0.0")})
    assert policy.matches_attributes({"source_ip": string("10.0.0.255")})
    assert not policy.matches_attributes({"source_ip": string("10.1.1.0")})


def test_numeric_exact_matching() -> None:
    policy = attributes_policy({"price_usd": [{"numeric": ["=", 301.5]}]})
    assert policy.matches_attributes({"price_usd": number("301.5")})
    assert policy.matches_attributes({"price_usd": number("3.015e2")})
    assert not policy.matches_attributes({"price_usd": number("301.6")})
    # a String attribute is not a number, even when it looks like one
    assert not policy.matches_attributes({"price_usd": string("301.5")})


def test_numeric_anything_but() -> None:
    policy = attributes_policy({"price": [{"anything-but": [100, 500]}]})
    assert policy.matches_attributes({"price": number("101")})
    assert policy.matches_attributes({"price": number("100.1")})
    assert policy.matches_attributes({"price": {"Type": "Number.Array", "Value": "[100, 50]"}})
    assert not policy.matches_attributes({"price": number("100")})


def test_numeric_range_matching() -> None:
    negative = attributes_policy({"price_usd": [{"numeric": ["<", 0]}]})
    assert negative.matches_attributes({"price_usd": number("-0.5")})
    assert not negative.matches_attributes({"price_usd": number("0")})
    bounded = attributes_policy({"price_usd": [{"numeric": [">", 0, "<=", 150]}]})
    assert bounded.matches_attributes({"price_usd": number("150")})
    assert not bounded.matches_attributes({"price_usd": number("150.00001")})
    assert not bounded.matches_attributes({"price_usd": number("0")})


def test_key_matching() -> None:
    present = attributes_policy({"store": [{"exists": True}]})
    absent = attributes_policy({"store": [{"exists": False}]})
    with_store = {"store": string("example_corp")}
    without_store = {"event": string("order_placed")}
    assert present.matches_attributes(with_store)
    assert not present.matches_attributes(without_store)
    assert absent.matches_attributes(without_store)
    assert not absent.matches_attributes(with_store)


def test_and_or_logic() -> None:
    policy = attributes_policy(
        {"customer_interests": ["rugby", "football", "baseball"], "price_usd": [{"numeric": [">=", 100]}]}
    )
    assert policy.matches_attributes({"customer_interests": string("rugby"), "price_usd": number("100")})
    assert not policy.matches_attributes({"customer_interests": string("rugby"), "price_usd": number("99")})
    either = attributes_policy(
        {
            "source": ["aws.cloudwatch"],
            "$or": [{"metricName": ["CPUUtilization"]}, {"namespace": ["AWS/EC2"]}],
        }
    )
    assert either.matches_attributes({"source": string("aws.cloudwatch"), "namespace": string("AWS/EC2")})
    assert not either.matches_attributes({"source": string("aws.cloudwatch"), "namespace": string("AWS/ES")})


def test_binary_attributes_are_not_compared() -> None:
    policy = attributes_policy({"blob": [{"exists": True}]})
    assert not policy.matches_attributes({"blob": {"Type": "Binary", "Value": "AAEC"}})


def test_publish_shape_and_custom_types() -> None:
    policy = attributes_policy({"price": [{"numeric": [">", 10]}], "kind": ["a"]})
    attributes = {
        "price": {"DataType": "Number.float", "StringValue": "10.5"},
        "kind": {"DataType": "String.custom", "StringValue": "a"},
    }
    assert policy.matches_attributes(attributes)
    assert policy.matches("ignored body", attributes)


def test_message_body_scope() -> None:
    policy = compile_filter_policy(
        {"store": ["example_corp"], "customer": {"interests": ["baseball"]}}, scope="MessageBody"
    )
    body = {"store": "example_corp", "customer": {"interests": ["soccer", "baseball"]}}
    assert policy.matches(json.dumps(body), None)
    assert policy.matches_body(body)
    assert not policy.matches_body({"store": "example_corp", "customer": {"interests": "rugby"}})
    assert not policy.matches("not json", None)
    assert not policy.matches("[1, 2]", None)
    numeric = compile_filter_policy({"price_usd": [{"numeric": ["=", 301.5]}]}, scope="MessageBody")
    assert numeric.matches('{"price_usd": 3.015e2}', None)


@pytest.mark.parametrize(
    ("policy", "scope", "reason"),
    [
        (
            {"a": ["1"], "b": ["1"], "c": ["1"], "d": ["1"], "e": ["1"], "f": ["1"]},
            "MessageAttributes",
            "Filter policy can not have more than 5 keys",
        ),
        (
            # "Filter policy constraints": 3x4 x 2x3 x 1x3 = 216 > 150
            {
                "key_a": {"key_b": {"key_c": ["value_one", "value_two", "value_three", "value_four"]}},
                "key_d": {"key_e": ["value_one", "value_two", "value_three"]},
                "key_f": ["value_one", "value_two", "value_three"],
            },
            "MessageBody",
            "Filter policy is too complex",
        ),
        (
            {"a": [str(n) for n in range(151)]},
            "MessageAttributes",
            "Filter policy is too complex",
        ),
        (
            {"customer": {"interests": ["rugby"]}},
            "MessageAttributes",
            "Filter policy scope MessageAttributes does not support nested filter policy",
        ),
        ({"a": [{"wildcard": "x*"}]}, "MessageBody", "Unrecognized match type wildcard"),
        (
            {"a": [{"numeric": [">", 1_000_000_001]}]},
            "MessageBody",
            "Value must be between -1.0E9 and 1.0E9, inclusive",
        ),
        ({"a": [{"numeric": [">", 0.000001]}]}, "MessageBody", "Only values upto 5 decimals are supported"),
        ({"a": "b"}, "MessageAttributes", '"a" must be an object or an array'),
    ],
)
def test_invalid_filter_policies(policy: dict[str, Any], scope: Any, reason: str) -> None:
    with pytest.raises(PatternError) as caught:
        compile_filter_policy(policy, scope=scope)
    assert caught.value.reason == reason


def test_combinations_within_limits_are_accepted() -> None:
    # 3x4 x 2x3 = 72 <= 150
    compile_filter_policy(
        {
            "key_a": {"key_b": {"key_c": ["value_one", "value_two", "value_three", "value_four"]}},
            "key_d": {"key_e": ["value_one", "value_two", "value_three"]},
        },
        scope="MessageBody",
    )
    compile_filter_policy({"a": [str(n) for n in range(150)]})
