"""One request's expressions together: ExpressionAttributeNames/Values validation, unused
names and values across all expressions, and the expression-vs-legacy parameter rules."""

from __future__ import annotations

from typing import Any

import pytest

from cloudlet.errors import ServiceError
from cloudlet.services.dynamodb.expressions import check_expression_parameters, compile_request


def message(call: Any) -> str:
    with pytest.raises(ServiceError) as caught:
        call()
    assert caught.value.code == "ValidationException"
    return caught.value.message


def test_compiles_every_expression_of_a_request() -> None:
    compiled = compile_request(
        {
            "KeyConditionExpression": "#pk = :pk",
            "FilterExpression": "size(#tags) > :n",
            "ProjectionExpression": "#pk, #tags",
            "ExpressionAttributeNames": {"#pk": "pk", "#tags": "tags"},
            "ExpressionAttributeValues": {":pk": {"S": "a"}, ":n": {"N": "01"}},
        }
    )
    assert compiled.update is None and compiled.condition is None
    assert (
        compiled.key_condition is not None and compiled.filter is not None and compiled.projection is not None
    )
    assert compiled.key_condition.for_schema("pk", "S").partition_value == {"S": "a"}
    item: dict[str, Any] = {"pk": {"S": "a"}, "tags": {"SS": ["x", "y"]}, "other": {"N": "1"}}
    assert compiled.filter.matches(item)
    assert compiled.projection.apply(item) == {"pk": {"S": "a"}, "tags": {"SS": ["x", "y"]}}


def test_unused_names_and_values_span_all_expressions() -> None:
    params = {
        "UpdateExpression": "SET a = :v",
        "ConditionExpression": "#c = :w",
        "ExpressionAttributeNames": {"#c": "c"},
        "ExpressionAttributeValues": {":v": {"S": "x"}, ":w": {"S": "y"}},
    }
    compile_request(params)
    assert message(
        lambda: compile_request({**params, "ExpressionAttributeNames": {"#c": "c", "#u": "u", "#x": "x"}})
    ) == ("Value provided in ExpressionAttributeNames unused in expressions: keys: {#u, #x}")
    values = {**params["ExpressionAttributeValues"], ":unused": {"S": "z"}}  # type: ignore[dict-item]
    assert message(lambda: compile_request({**params, "ExpressionAttributeValues": values})) == (
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}"
    )


def test_expressions_are_validated_in_dynamodbs_order() -> None:
    params = {"UpdateExpression": "SET", "ConditionExpression": "", "ProjectionExpression": "a,"}
    assert message(lambda: compile_request(params)).startswith("Invalid UpdateExpression: Syntax error")
    del params["UpdateExpression"]
    assert (
        message(lambda: compile_request(params))
        == "Invalid ConditionExpression: The expression can not be empty;"
    )


@pytest.mark.parametrize(
    ("names", "values", "expected"),
    [
        ({}, None, "ExpressionAttributeNames must not be empty"),
        ({"a": "a"}, None, 'ExpressionAttributeNames contains invalid key: Syntax error; key: "a"'),
        ({"#a-b": "a"}, None, 'ExpressionAttributeNames contains invalid key: Syntax error; key: "#a-b"'),
        (None, {}, "ExpressionAttributeValues must not be empty"),
        (None, {"b": {"S": "a"}}, 'ExpressionAttributeValues contains invalid key: Syntax error; key: "b"'),
        (None, {":b": {}}, "ExpressionAttributeValues contains invalid value: Supplied AttributeValue is empty, "
         "must contain exactly one of the supported datatypes for key :b"),
        (None, {":b": {"SS": []}}, "ExpressionAttributeValues contains invalid value: One or more parameter values "
         "were invalid: An string set  may not be empty for key :b"),
        (None, {":b": {"NS": ["1", "1"]}},
         "ExpressionAttributeValues contains invalid value: Input collection contains duplicates for key :b"),
        (None, {":b": {"N": "x"}},
         "ExpressionAttributeValues contains invalid value: The parameter cannot be converted to a numeric value: x "
         "for key :b"),
    ],
)  # fmt: skip
def test_names_and_values_are_validated_first(
    names: dict[str, str] | None, values: dict[str, Any] | None, expected: str
) -> None:
    params = {"UpdateExpression": "", "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}
    assert message(lambda: compile_request(params)) == expected


def test_values_are_normalized_before_use() -> None:
    compiled = compile_request(
        {"ConditionExpression": "a = :v", "ExpressionAttributeValues": {":v": {"N": "1.50"}}}
    )
    assert compiled.condition is not None
    assert compiled.condition.matches({"a": {"N": "1.5"}})
    result = compile_request(
        {"UpdateExpression": "SET a = :v", "ExpressionAttributeValues": {":v": {"N": "1.50"}}}
    ).update.apply({})  # type: ignore[union-attr]
    assert result.new == {"a": {"N": "1.5"}}


@pytest.mark.parametrize(
    ("operation", "params", "expected"),
    [
        ("UpdateItem", {"UpdateExpression": "", "ConditionExpression": "", "AttributeUpdates": {}, "Expected": {}},
         "Can not use both expression and non-expression parameters in the same request: "
         "Non-expression parameters: {AttributeUpdates, Expected} Expression parameters: {UpdateExpression, ConditionExpression}"),
        ("PutItem", {"Expected": {}, "ConditionExpression": "x"},
         "Can not use both expression and non-expression parameters in the same request: "
         "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}"),
        ("PutItem", {"ExpressionAttributeNames": {"#a": "a"}}, "ExpressionAttributeNames can only be specified when using expressions"),
        ("PutItem", {"ExpressionAttributeValues": {":v": {"S": "a"}}},
         "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null"),
        ("UpdateItem", {"ExpressionAttributeValues": {":v": {"S": "a"}}},
         "ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null"),
        ("Query", {"ProjectionExpression": "a", "ExpressionAttributeValues": {":v": {"S": "a"}}},
         "ExpressionAttributeValues can only be specified when using expressions: FilterExpression and KeyConditionExpression are null"),
    ],
)  # fmt: skip
def test_expression_parameter_rules(operation: str, params: dict[str, Any], expected: str) -> None:
    assert message(lambda: check_expression_parameters(params, operation)) == expected


def test_legacy_key_conditions_may_go_with_a_filter_expression() -> None:
    check_expression_parameters({"KeyConditions": {}, "FilterExpression": "a = :v"}, "Query")
    check_expression_parameters({"ProjectionExpression": "a"}, "GetItem")
