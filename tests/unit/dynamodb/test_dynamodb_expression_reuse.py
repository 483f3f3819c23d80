"""Compiled requests reused across requests of one shape: the new values are used, parts
whose values did not change are shared, and every error is still the full compile's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from cloudlet.errors import ServiceError
from cloudlet.services.dynamodb.expressions import compile_request
from cloudlet.services.dynamodb.expressions.request import clear_cache
from cloudlet.services.dynamodb.expressions.reuse import LruCache


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    clear_cache()
    yield
    clear_cache()


def message(params: dict[str, Any]) -> str:
    with pytest.raises(ServiceError) as caught:
        compile_request(params)
    return caught.value.message


def update_params(value: dict[str, Any], step: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "UpdateExpression": "SET #n = :v, #c = if_not_exists(#c, :zero) + :one",
        "ConditionExpression": "attribute_not_exists(#g) OR #g <> :v",
        "ExpressionAttributeNames": {"#n": "name", "#c": "count", "#g": "gone"},
        "ExpressionAttributeValues": {":v": value, ":zero": {"N": "0"}, ":one": step or {"N": "1"}},
    }


def test_identical_requests_share_one_compiled_form() -> None:
    assert compile_request(update_params({"S": "a"})) is compile_request(update_params({"S": "a"}))


def test_other_values_are_put_into_the_cached_form() -> None:
    first = compile_request(update_params({"S": "a"}))
    second = compile_request(update_params({"S": "b"}, {"N": "5"}))
    assert first.update is not None and second.update is not None and second.condition is not None
    assert first.update.apply({}).new == {"name": {"S": "a"}, "count": {"N": "1"}}
    assert second.update.apply({}).new == {"name": {"S": "b"}, "count": {"N": "5"}}
    assert second.condition.matches({"gone": {"S": "a"}})
    assert not second.condition.matches({"gone": {"S": "b"}})


def test_a_part_whose_values_did_not_change_is_shared() -> None:
    params = {
        "KeyConditionExpression": "pk = :pk",
        "FilterExpression": "#s = :s",
        "ExpressionAttributeNames": {"#s": "status"},
        "ExpressionAttributeValues": {":pk": {"S": "a"}, ":s": {"S": "open"}},
    }
    first = compile_request(params)
    second = compile_request(
        {**params, "ExpressionAttributeValues": {":pk": {"S": "b"}, ":s": {"S": "open"}}}
    )
    assert second.filter is first.filter
    assert second.key_condition is not None
    assert second.key_condition.for_schema("pk", "S").partition_value == {"S": "b"}


def test_key_condition_gets_the_new_bounds() -> None:
    params = {
        "KeyConditionExpression": "pk = :pk AND sk BETWEEN :a AND :b",
        "ExpressionAttributeValues": {":pk": {"S": "p"}, ":a": {"N": "1"}, ":b": {"N": "9"}},
    }
    compile_request(params)
    again = compile_request(
        {**params, "ExpressionAttributeValues": {":pk": {"S": "q"}, ":a": {"N": "20"}, ":b": {"N": "30"}}}
    )
    assert again.key_condition is not None
    key_range = again.key_condition.for_schema("pk", "S", "sk", "N")
    assert key_range.partition_value == {"S": "q"}
    assert key_range.sort_values == ({"N": "20"}, {"N": "30"})


def test_bounds_out_of_order_after_a_cached_success_are_still_rejected() -> None:
    params = {
        "ConditionExpression": "n BETWEEN :a AND :b",
        "ExpressionAttributeValues": {":a": {"N": "1"}, ":b": {"N": "9"}},
    }
    compile_request(params)
    assert message({**params, "ExpressionAttributeValues": {":a": {"N": "9"}, ":b": {"N": "1"}}}) == (
        "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal "
        "to lower bound; lower bound operand: AttributeValue: {N:9}, upper bound operand: AttributeValue: {N:1}"
    )


def test_an_unknown_type_name_after_a_cached_success_is_still_rejected() -> None:
    params = {"ConditionExpression": "attribute_type(a, :t)", "ExpressionAttributeValues": {":t": {"S": "N"}}}
    compile_request(params)
    assert message({**params, "ExpressionAttributeValues": {":t": {"S": "X"}}}).startswith(
        "Invalid ConditionExpression: Invalid attribute type name found; type: X"
    )


def test_a_value_of_another_type_compiles_in_full() -> None:
    params = {"UpdateExpression": "ADD c :n", "ExpressionAttributeValues": {":n": {"N": "1"}}}
    compile_request(params)
    assert message({**params, "ExpressionAttributeValues": {":n": {"S": "x"}}}) == (
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, "
        "operand type: STRING"
    )


def test_an_invalid_value_is_rejected_as_before() -> None:
    params = {"ConditionExpression": "a = :a", "ExpressionAttributeValues": {":a": {"N": "1"}}}
    compile_request(params)
    assert message({**params, "ExpressionAttributeValues": {":a": {"N": "x"}}}) == (
        "ExpressionAttributeValues contains invalid value: The parameter cannot be converted to a numeric "
        "value: x for key :a"
    )


def test_values_are_normalized_once_per_request() -> None:
    params = {"UpdateExpression": "SET n = :n", "ExpressionAttributeValues": {":n": {"N": "1"}}}
    compile_request(params)
    again = compile_request({**params, "ExpressionAttributeValues": {":n": {"N": "0010.50"}}})
    assert again.update is not None
    assert again.update.apply({}).new == {"n": {"N": "10.5"}}


def test_the_cache_is_bounded_and_keeps_the_recently_used() -> None:
    cache: LruCache[str, int] = LruCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
    assert len(cache) == 2


CASES: list[tuple[dict[str, Any], list[dict[str, Any]]]] = [
    (
        {"ConditionExpression": "n BETWEEN :a AND :b AND attribute_type(t, :t) OR begins_with(s, :p)"},
        [
            {":a": {"N": "1"}, ":b": {"N": "5"}, ":t": {"S": "N"}, ":p": {"S": "x"}},
            {":a": {"N": "5"}, ":b": {"N": "1"}, ":t": {"S": "N"}, ":p": {"S": "x"}},
            {":a": {"N": "2"}, ":b": {"N": "9"}, ":t": {"S": "Q"}, ":p": {"S": "x"}},
            {":a": {"N": "2"}, ":b": {"N": "9"}, ":t": {"S": "S"}, ":p": {"N": "1"}},
            {":a": {"S": "2"}, ":b": {"N": "9"}, ":t": {"S": "S"}, ":p": {"S": "a"}},
            {":a": {"N": "x"}, ":b": {"N": "9"}, ":t": {"S": "S"}, ":p": {"S": "a"}},
            {":a": {"N": "0"}, ":b": {"N": "3"}, ":t": {"S": "S"}, ":p": {"S": "y"}},
        ],
    ),
    (
        {"UpdateExpression": "SET l = list_append(l, :l), c = c + :n ADD s :s"},
        [
            {":l": {"L": [{"N": "1"}]}, ":n": {"N": "2"}, ":s": {"SS": ["a"]}},
            {":l": {"L": []}, ":n": {"N": "-1"}, ":s": {"SS": ["b", "c"]}},
            {":l": {"S": "x"}, ":n": {"N": "2"}, ":s": {"SS": ["a"]}},
            {":l": {"L": [{"N": "1"}]}, ":n": {"N": "2"}, ":s": {"SS": []}},
            {":l": {"L": [{"N": "1"}]}, ":n": {"N": "2"}, ":s": {"SS": ["a", "a"]}},
        ],
    ),
    (
        {"KeyConditionExpression": "pk = :pk AND begins_with(sk, :p)", "FilterExpression": "size(v) > :n"},
        [
            {":pk": {"S": "a"}, ":p": {"S": "x"}, ":n": {"N": "1"}},
            {":pk": {"S": "b"}, ":p": {"S": "y"}, ":n": {"N": "2"}},
            {":pk": {"S": "b"}, ":p": {"N": "1"}, ":n": {"N": "2"}},
            {":pk": {"S": "b"}, ":p": {"S": "y"}, ":n": {"S": "2"}},
        ],
    ),
]
ITEMS: list[dict[str, Any]] = [
    {},
    {"n": {"N": "3"}, "t": {"S": "x"}, "s": {"S": "xy"}, "l": {"L": []}, "c": {"N": "1"}, "v": {"S": "abc"}},
    {"n": {"N": "0"}, "t": {"N": "1"}, "s": {"SS": ["c"]}, "l": {"L": [{"S": "q"}]}, "c": {"N": "7"}},
]


def outcome(params: dict[str, Any]) -> Any:
    """What a compiled request does: its error, or its results on sample items."""
    try:
        compiled = compile_request(params)
    except ServiceError as error:
        return ("error", error.message)
    results: list[Any] = []
    for item in ITEMS:
        for condition in (compiled.condition, compiled.filter):
            if condition is not None:
                results.append(condition.matches(item))
        if compiled.update is not None:
            try:
                results.append(compiled.update.apply(item).new)
            except ServiceError as error:
                results.append(error.message)
    if compiled.key_condition is not None:
        key_range = compiled.key_condition.for_schema("pk", "S", "sk", "S")
        results.append((key_range.partition_value, key_range.sort_op, key_range.sort_values))
    return results


@pytest.mark.parametrize(("expressions", "value_sets"), CASES)
def test_a_reused_compile_behaves_as_a_full_compile(
    expressions: dict[str, Any], value_sets: list[dict[str, Any]]
) -> None:
    for warm in value_sets:
        for values in value_sets:
            params = {**expressions, "ExpressionAttributeValues": values}
            clear_cache()
            expected = outcome(params)
            clear_cache()
            outcome({**expressions, "ExpressionAttributeValues": warm})  # caches this shape, if it compiles
            assert outcome(params) == expected, (warm, values)
