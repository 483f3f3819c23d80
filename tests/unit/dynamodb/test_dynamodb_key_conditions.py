"""Key condition expressions: the structure DynamoDB accepts, the range a Query reads, and
the errors (Query.KeyConditionExpressions)."""

from __future__ import annotations

from typing import Any

import pytest

from cloudlet.errors import ServiceError
from cloudlet.services.dynamodb.expressions import (
    Bound,
    ExpressionAttributes,
    KeyCondition,
    KeyRange,
    KeyTerm,
    compile_key_condition,
)
from cloudlet.services.dynamodb.values import encode_key

VALUES: dict[str, Any] = {":p": {"S": "user"}, ":a": {"N": "1"}, ":b": {"N": "5"}, ":s": {"S": "ab"}}


def key_condition(expression: str, values: dict[str, Any] | None = None) -> KeyCondition:
    used = values if values is not None else {k: v for k, v in VALUES.items() if k in expression}
    return compile_key_condition(expression, ExpressionAttributes({"#pk": "pk"}, used or None))


def message(call: Any) -> str:
    with pytest.raises(ServiceError) as caught:
        call()
    assert caught.value.code == "ValidationException"
    return caught.value.message


@pytest.mark.parametrize(
    ("expression", "op", "values"),
    [
        ("pk = :p AND sk = :a", "=", ("1",)),
        ("pk = :p AND sk < :a", "<", ("1",)),
        ("pk = :p AND :a <= sk", ">=", ("1",)),  # the value first: the operator flips
        ("(#pk = :p) AND (sk > :a)", ">", ("1",)),
        ("sk >= :a AND pk = :p", ">=", ("1",)),
        ("pk = :p AND sk BETWEEN :a AND :b", "BETWEEN", ("1", "5")),
    ],
)
def test_terms(expression: str, op: str, values: tuple[str, ...]) -> None:
    condition = key_condition(expression)
    assert KeyTerm("pk", "=", ({"S": "user"},)) in condition.terms
    assert KeyTerm("sk", op, tuple({"N": v} for v in values)) in condition.terms
    key_range = condition.for_schema("pk", "S", "sk", "N")
    assert key_range == KeyRange("pk", {"S": "user"}, "sk", op, tuple({"N": v} for v in values))


def test_ranges_and_bounds() -> None:
    one, five = encode_key({"N": "1"}), encode_key({"N": "5"})
    assert key_condition("pk = :p").for_schema("pk", "S").sort_bounds() == (None, None)
    assert key_condition("pk = :p").for_schema("pk", "S", "sk", "N") == KeyRange("pk", {"S": "user"})
    cases = {
        "pk = :p AND sk = :a": (Bound(one, True), Bound(one, True)),
        "pk = :p AND sk < :a": (None, Bound(one, False)),
        "pk = :p AND sk <= :a": (None, Bound(one, True)),
        "pk = :p AND sk > :a": (Bound(one, False), None),
        "pk = :p AND sk BETWEEN :a AND :b": (Bound(one, True), Bound(five, True)),
    }
    for expression, bounds in cases.items():
        assert key_condition(expression).for_schema("pk", "S", "sk", "N").sort_bounds() == bounds
    prefix = key_condition("pk = :p AND begins_with(sk, :s)").for_schema("pk", "S", "sk", "S")
    assert prefix.sort_bounds() == (Bound(b"ab", True), Bound(b"ac", False))
    assert prefix.matches_sort({"S": "abc"}) and not prefix.matches_sort({"S": "b"})
    between = key_condition("pk = :p AND sk BETWEEN :a AND :b").for_schema("pk", "S", "sk", "N")
    assert between.matches_sort({"N": "5"}) and not between.matches_sort({"N": "5.1"})
    assert prefix.partition_bytes == b"user"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("a > b and size(b) > c or a > c", "Invalid operator used in KeyConditionExpression: OR"),
        ("a in (b, size(c), d)", "Invalid operator used in KeyConditionExpression: IN"),
        ("attribute_exists(a)", "Invalid operator used in KeyConditionExpression: attribute_exists"),
        ("contains(a.d, b)", "Invalid operator used in KeyConditionExpression: contains"),
        ("not a > b", "Invalid operator used in KeyConditionExpression: NOT"),
        ("a <> b", "Invalid operator used in KeyConditionExpression: <>"),
        ("size(b) > a AND a.b > b AND b > c", "KeyConditionExpressions cannot contain nested operations"),
        ("a > size(b.d)", "KeyConditionExpressions cannot contain nested operations"),
        ("b > a.b", "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"),
        ("a between b and size(a)", "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"),
        ("begins_with(a, b)", "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"),
        ("b.d > a AND c.d > e.f", "KeyConditionExpressions cannot have conditions on nested attributes"),
        ("b[0] > a", "KeyConditionExpressions cannot have conditions on nested attributes"),
    ],
)  # fmt: skip
def test_structure_errors_have_no_prefix(expression: str, expected: str) -> None:
    assert message(lambda: key_condition(expression, {})) == expected


@pytest.mark.parametrize(
    ("expression", "values", "expected"),
    [
        (":a between size(b) and size(a) and b > :b", {":a": {"S": "1"}, ":b": {"S": "1"}},
         "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand"),
        ("begins_with(:a, b) and a > :b", {":a": {"S": "1"}, ":b": {"S": "1"}},
         "Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand"),
        (":b > :a AND a < :b", {":a": {"N": "1"}, ":b": {"N": "1"}},
         "Invalid condition in KeyConditionExpression: No key attribute specified"),
        ("b > :a AND b < :a and c = :a", {":a": {"N": "1"}}, "KeyConditionExpressions must only contain one condition per key"),
        ("attribute_type(a, :a)", {":a": {"S": "S"}}, "Invalid operator used in KeyConditionExpression: attribute_type"),
        ("a between :b and :a", {":a": {"S": "a"}, ":b": {"S": "b"}},
         "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to "
         "lower bound; lower bound operand: AttributeValue: {S:b}, upper bound operand: AttributeValue: {S:a}"),
        ("attribute_type(a, b)", {},
         "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: "
         "attribute_type, operand type: {NS,SS,L,BS,N,M,B,BOOL,NULL,S}"),
        ("", {}, "Invalid KeyConditionExpression: The expression can not be empty;"),
        ("a > 4", {}, 'Invalid KeyConditionExpression: Syntax error; token: "4", near: "> 4"'),
    ],
)  # fmt: skip
def test_errors(expression: str, values: dict[str, Any], expected: str) -> None:
    assert message(lambda: key_condition(expression, values)) == expected


@pytest.mark.parametrize(
    ("expression", "schema", "expected"),
    [
        ("sk = :a", ("pk", "S", "sk", "N"), "Query condition missed key schema element: pk"),
        ("attr1 = :a", ("pk", "S", None, None), "Query condition missed key schema element: pk"),
        ("pk = :p AND attr2 = :a", ("pk", "S", "sk", "N"), "Query condition missed key schema element: sk"),
        ("pk > :p", ("pk", "S", None, None), "Query key condition not supported"),
        ("begins_with(pk, :p)", ("pk", "S", None, None), "Query key condition not supported"),
        ("pk = :p AND sk = :a", ("pk", "S", None, None), "Query key condition not supported"),
        ("y = :p and z = :p", ("pk", "S", None, None), "Query key condition not supported"),
        ("pk = :a", ("pk", "S", None, None),
         "One or more parameter values were invalid: Condition parameter type does not match schema type"),
        ("pk = :p AND begins_with(sk, :s)", ("pk", "S", "sk", "N"),
         "One or more parameter values were invalid: Condition parameter type does not match schema type"),
    ],
)  # fmt: skip
def test_schema_errors(expression: str, schema: tuple[Any, ...], expected: str) -> None:
    condition = key_condition(expression)
    assert message(lambda: condition.for_schema(*schema)) == expected
