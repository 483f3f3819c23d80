"""Single-item operations through the boto3 client: PutItem, GetItem, UpdateItem, DeleteItem,
conditions, every ReturnValues, ReturnValuesOnConditionCheckFailure, consumed capacity."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from ddb_support import error_of


@pytest.fixture
def table(make_table: Callable[..., str]) -> str:
    return make_table("items", range=("sk", "N"))


def key(pk: str = "a", sk: str = "1") -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"N": sk}}


def test_put_get_delete(ddb: Any, table: str) -> None:
    item = {
        **key(),
        "s": {"S": "x"},
        "n": {"N": "01.50"},
        "b": {"B": b"\x00\xff"},
        "l": {"L": [{"BOOL": True}, {"NULL": True}]},
    }
    item["m"] = {"M": {"ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2.0"]}, "bs": {"BS": [b"1"]}}}
    assert "Attributes" not in ddb.put_item(TableName=table, Item=item)
    got = ddb.get_item(TableName=table, Key=key())["Item"]
    assert got["n"] == {"N": "1.5"}  # numbers come back normalized
    assert got["b"] == {"B": b"\x00\xff"}
    assert sorted(got["m"]["M"]["ns"]["NS"]) == ["1", "2"]
    assert got["l"] == {"L": [{"BOOL": True}, {"NULL": True}]}
    assert "Item" not in ddb.get_item(TableName=table, Key=key("zz"))
    old = ddb.delete_item(TableName=table, Key=key(), ReturnValues="ALL_OLD")["Attributes"]
    assert old["s"] == {"S": "x"}
    assert "Attributes" not in ddb.delete_item(TableName=table, Key=key(), ReturnValues="ALL_OLD")
    assert "Item" not in ddb.get_item(TableName=table, Key=key())


def test_put_return_old_and_projection(ddb: Any, table: str) -> None:
    ddb.put_item(
        TableName=table, Item={**key(), "a": {"S": "1"}, "c": {"M": {"d": {"N": "4"}, "e": {"N": "5"}}}}
    )
    old = ddb.put_item(TableName=table, Item={**key(), "a": {"S": "2"}}, ReturnValues="ALL_OLD")["Attributes"]
    assert old["a"] == {"S": "1"}
    ddb.put_item(
        TableName=table, Item={**key(), "a": {"S": "1"}, "c": {"M": {"d": {"N": "4"}, "e": {"N": "5"}}}}
    )
    got = ddb.get_item(
        TableName=table, Key=key(), ProjectionExpression="#a, c.d", ExpressionAttributeNames={"#a": "a"}
    )["Item"]
    assert got == {"a": {"S": "1"}, "c": {"M": {"d": {"N": "4"}}}}
    got = ddb.get_item(TableName=table, Key=key(), AttributesToGet=["a"])["Item"]
    assert got == {"a": {"S": "1"}}
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=table, Item=key(), ReturnValues="ALL_NEW")
    assert error_of(excinfo) == ("ValidationException", "ReturnValues can only be ALL_OLD or NONE")


def test_key_validation(ddb: Any, table: str) -> None:
    cases = [
        ({"pk": {"S": "a"}}, "One or more parameter values were invalid: Missing the key sk in the item"),
        (
            {"pk": {"N": "1"}, "sk": {"N": "1"}},
            "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N",
        ),
        (
            {"pk": {"S": ""}, "sk": {"N": "1"}},
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an "
            "empty string value. Key: pk",
        ),
    ]
    for item, message in cases:
        with pytest.raises(ClientError) as excinfo:
            ddb.put_item(TableName=table, Item=item)
        assert error_of(excinfo) == ("ValidationException", message)
    for bad in ({"pk": {"S": "a"}}, {**key(), "x": {"S": "y"}}, {"pk": {"S": "a"}, "sk": {"S": "1"}}):
        with pytest.raises(ClientError) as excinfo:
            ddb.get_item(TableName=table, Key=bad)
        assert error_of(excinfo) == (
            "ValidationException",
            "The provided key element does not match the schema",
        )
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=table, Item={**key(), "n": {"N": "abc"}})
    assert error_of(excinfo)[1].startswith("The parameter cannot be converted to a numeric value")
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=table, Item={**key(), "big": {"S": "x" * 400 * 1024}})
    assert error_of(excinfo) == ("ValidationException", "Item size has exceeded the maximum allowed size")


def test_conditions(ddb: Any, table: str) -> None:
    ddb.put_item(
        TableName=table, Item={**key(), "v": {"N": "1"}}, ConditionExpression="attribute_not_exists(pk)"
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(
            TableName=table, Item={**key(), "v": {"N": "2"}}, ConditionExpression="attribute_not_exists(pk)"
        )
    assert error_of(excinfo) == ("ConditionalCheckFailedException", "The conditional request failed")
    assert "Item" not in excinfo.value.response
    with pytest.raises(ClientError) as excinfo:
        ddb.delete_item(
            TableName=table,
            Key=key(),
            ConditionExpression="v > :v",
            ExpressionAttributeValues={":v": {"N": "5"}},
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    assert excinfo.value.response["Item"] == {**key(), "v": {"N": "1"}}
    ddb.delete_item(
        TableName=table, Key=key(), ConditionExpression="v = :v", ExpressionAttributeValues={":v": {"N": "1"}}
    )
    # A condition on an item that does not exist sees no attributes.
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.update_item(
            TableName=table,
            Key=key(),
            UpdateExpression="SET v = :v",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues={":v": {"N": "1"}},
        )
    # Legacy Expected.
    ddb.put_item(TableName=table, Item={**key(), "v": {"N": "1"}}, Expected={"v": {"Exists": False}})
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.put_item(TableName=table, Item=key(), Expected={"v": {"Value": {"N": "2"}}})
    ddb.put_item(
        TableName=table,
        Item=key(),
        Expected={"v": {"ComparisonOperator": "LT", "AttributeValueList": [{"N": "2"}]}},
    )


def test_expression_errors(ddb: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=table, Item=key(), ConditionExpression="size(")
    assert error_of(excinfo)[1].startswith("Invalid ConditionExpression: Syntax error;")
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(
            TableName=table,
            Item=key(),
            ConditionExpression="a = :a",
            ExpressionAttributeValues={":a": {"S": "1"}, ":b": {"S": "2"}},
        )
    assert (
        error_of(excinfo)[1]
        == "Value provided in ExpressionAttributeValues unused in expressions: keys: {:b}"
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(
            TableName=table,
            Item=key(),
            ConditionExpression="a = :a",
            Expected={"a": {"Exists": False}},
            ExpressionAttributeValues={":a": {"S": "1"}},
        )
    assert error_of(excinfo)[1].startswith("Can not use both expression and non-expression parameters")
    with pytest.raises(ClientError) as excinfo:
        ddb.update_item(
            TableName=table,
            Key=key(),
            UpdateExpression="SET pk = :a",
            ExpressionAttributeValues={":a": {"S": "1"}},
        )
    assert error_of(excinfo)[1] == (
        "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"
    )


def test_update_return_values(ddb: Any, table: str) -> None:
    ddb.put_item(
        TableName=table, Item={**key(), "a": {"N": "1"}, "b": {"S": "x"}, "m": {"M": {"c": {"N": "1"}}}}
    )

    def update(returns: str, expression: str, **values: Any) -> dict[str, Any]:
        response = (
            ddb.update_item(
                TableName=table,
                Key=key(),
                UpdateExpression=expression,
                ExpressionAttributeValues={f":{k}": v for k, v in values.items()} or None,
                ReturnValues=returns,
            )
            if values
            else ddb.update_item(
                TableName=table, Key=key(), UpdateExpression=expression, ReturnValues=returns
            )
        )
        return dict(response.get("Attributes", {}))

    assert update("NONE", "SET a = a + :one", one={"N": "1"}) == {}
    assert update("UPDATED_OLD", "SET a = a + :one", one={"N": "1"}) == {"a": {"N": "2"}}
    assert update("UPDATED_NEW", "SET a = a + :one, m.c = :one", one={"N": "1"}) == {
        "a": {"N": "4"},
        "m": {"M": {"c": {"N": "1"}}},
    }
    assert update("ALL_OLD", "REMOVE b")["b"] == {"S": "x"}
    new = update("ALL_NEW", "ADD s :s", s={"SS": ["q"]})
    assert new["s"] == {"SS": ["q"]} and "b" not in new
    assert update("UPDATED_OLD", "DELETE s :s", s={"SS": ["q"]}) == {"s": {"SS": ["q"]}}
    assert "s" not in ddb.get_item(TableName=table, Key=key())["Item"]


def test_update_creates_missing_item(ddb: Any, table: str) -> None:
    response = ddb.update_item(
        TableName=table,
        Key=key("new"),
        UpdateExpression="SET #c = if_not_exists(#c, :zero) + :one",
        ExpressionAttributeNames={"#c": "count"},
        ExpressionAttributeValues={":zero": {"N": "0"}, ":one": {"N": "1"}},
        ReturnValues="ALL_NEW",
    )
    assert response["Attributes"] == {**key("new"), "count": {"N": "1"}}
    ddb.update_item(TableName=table, Key=key("bare"))
    assert ddb.get_item(TableName=table, Key=key("bare"))["Item"] == key("bare")
    ddb.update_item(
        TableName=table,
        Key=key("legacy"),
        AttributeUpdates={"tags": {"Action": "ADD", "Value": {"L": [{"S": "t"}]}}},
    )
    ddb.update_item(
        TableName=table,
        Key=key("legacy"),
        AttributeUpdates={
            "tags": {"Action": "ADD", "Value": {"L": [{"S": "u"}]}},
            "n": {"Action": "ADD", "Value": {"N": "2"}},
        },
    )
    got = ddb.get_item(TableName=table, Key=key("legacy"))["Item"]
    assert got["tags"] == {"L": [{"S": "t"}, {"S": "u"}]} and got["n"] == {"N": "2"}
    with pytest.raises(ClientError) as excinfo:
        ddb.update_item(
            TableName=table,
            Key=key(),
            UpdateExpression="SET a = b + :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
        )
    assert error_of(excinfo) == (
        "ValidationException",
        "The provided expression refers to an attribute that does not exist in the item",
    )


def test_consumed_capacity(ddb: Any, table: str) -> None:
    put = ddb.put_item(
        TableName=table, Item={**key(), "x": {"S": "y" * 1500}}, ReturnConsumedCapacity="TOTAL"
    )
    assert put["ConsumedCapacity"]["TableName"] == table
    assert put["ConsumedCapacity"]["CapacityUnits"] == 2.0
    got = ddb.get_item(TableName=table, Key=key(), ReturnConsumedCapacity="INDEXES")
    assert got["ConsumedCapacity"]["CapacityUnits"] == 0.5
    assert got["ConsumedCapacity"]["Table"]["CapacityUnits"] == 0.5
    got = ddb.get_item(TableName=table, Key=key(), ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
    assert got["ConsumedCapacity"]["CapacityUnits"] == 1.0
    assert "ConsumedCapacity" not in ddb.get_item(TableName=table, Key=key())
