"""BatchGetItem, BatchWriteItem, TransactWriteItems and TransactGetItems through boto3."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from ddb_support import error_of


@pytest.fixture
def table(make_table: Callable[..., str]) -> str:
    return make_table("accounts", range=None)


def key(pk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}}


def test_batch_write_and_get(ddb: Any, table: str, make_table: Callable[..., str]) -> None:
    other = make_table("other", range=None)
    written = ddb.batch_write_item(
        RequestItems={
            table: [{"PutRequest": {"Item": {**key(f"k{n}"), "n": {"N": str(n)}}}} for n in range(20)],
            other: [{"PutRequest": {"Item": key("x")}}],
        },
        ReturnConsumedCapacity="TOTAL",
    )
    assert written["UnprocessedItems"] == {}
    assert {c["TableName"]: c["CapacityUnits"] for c in written["ConsumedCapacity"]} == {
        table: 20.0,
        other: 1.0,
    }
    ddb.batch_write_item(RequestItems={table: [{"DeleteRequest": {"Key": key("k0")}}]})
    got = ddb.batch_get_item(
        RequestItems={
            table: {"Keys": [key("k0"), key("k1"), key("k2")], "ProjectionExpression": "n"},
            other: {"Keys": [key("x")], "ConsistentRead": True},
        }
    )
    assert sorted(i["n"]["N"] for i in got["Responses"][table]) == ["1", "2"]
    assert got["Responses"][other] == [key("x")]
    assert got["UnprocessedKeys"] == {}


def test_batch_limits(ddb: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        ddb.batch_write_item(
            RequestItems={table: [{"PutRequest": {"Item": key(f"k{n}")}} for n in range(26)]}
        )
    assert error_of(excinfo)[0] == "ValidationException"
    assert "Member must have length less than or equal to 25" in error_of(excinfo)[1]
    with pytest.raises(ClientError) as excinfo:
        ddb.batch_get_item(RequestItems={table: {"Keys": [key(f"k{n}") for n in range(101)]}})
    assert error_of(excinfo) == ("ValidationException", "Too many items requested for the BatchGetItem call")
    with pytest.raises(ClientError) as excinfo:
        ddb.batch_write_item(
            RequestItems={table: [{"PutRequest": {"Item": key("a")}}, {"DeleteRequest": {"Key": key("a")}}]}
        )
    assert error_of(excinfo) == ("ValidationException", "Provided list of item keys contains duplicates")
    with pytest.raises(ClientError) as excinfo:
        ddb.batch_get_item(RequestItems={"missing": {"Keys": [key("a")]}})
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_batch_get_spills_past_16_mb(ddb: Any, table: str) -> None:
    blob = "x" * 390_000
    for start in range(0, 50, 25):
        ddb.batch_write_item(
            RequestItems={
                table: [
                    {"PutRequest": {"Item": {**key(f"k{n}"), "d": {"S": blob}}}}
                    for n in range(start, start + 25)
                ]
            }
        )
    got = ddb.batch_get_item(
        RequestItems={table: {"Keys": [key(f"k{n}") for n in range(50)], "ProjectionExpression": "pk"}}
    )
    returned = len(got["Responses"][table])
    unprocessed = got["UnprocessedKeys"][table]
    assert returned < 50 and returned + len(unprocessed["Keys"]) == 50
    assert unprocessed["ProjectionExpression"] == "pk"


def test_transact_write_all_or_nothing(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={**key("alice"), "balance": {"N": "100"}})
    ddb.put_item(TableName=table, Item={**key("bob"), "balance": {"N": "0"}})
    ddb.put_item(TableName=table, Item=key("bank"))

    def transfer(amount: int) -> None:
        ddb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": table,
                        "Key": key("alice"),
                        "UpdateExpression": "SET balance = balance - :a",
                        "ConditionExpression": "balance >= :a",
                        "ExpressionAttributeValues": {":a": {"N": str(amount)}},
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                },
                {
                    "Update": {
                        "TableName": table,
                        "Key": key("bob"),
                        "UpdateExpression": "SET balance = balance + :a",
                        "ExpressionAttributeValues": {":a": {"N": str(amount)}},
                    }
                },
                {"Put": {"TableName": table, "Item": {**key(f"log-{amount}"), "amount": {"N": str(amount)}}}},
                {
                    "ConditionCheck": {
                        "TableName": table,
                        "Key": key("bank"),
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                },
            ]
        )

    transfer(60)
    with pytest.raises(ClientError) as excinfo:
        transfer(60)
    code, message = error_of(excinfo)
    assert code == "TransactionCanceledException"
    assert message == (
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[ConditionalCheckFailed, None, None, None]"
    )
    reasons = excinfo.value.response["CancellationReasons"]
    assert reasons[0]["Code"] == "ConditionalCheckFailed"
    assert reasons[0]["Item"]["balance"] == {"N": "40"}
    assert reasons[1] == {"Code": "None"}
    balances = {
        pk: ddb.get_item(TableName=table, Key=key(pk))["Item"]["balance"]["N"] for pk in ("alice", "bob")
    }
    assert balances == {"alice": "40", "bob": "60"}
    assert "Item" in ddb.get_item(TableName=table, Key=key("log-60"))


def test_transact_errors_and_idempotency(ddb: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": key("a")}},
                {"Delete": {"TableName": table, "Key": key("a")}},
            ]
        )
    assert error_of(excinfo) == (
        "ValidationException",
        "Transaction request cannot include multiple operations on one item",
    )
    items = [
        {
            "Update": {
                "TableName": table,
                "Key": key("c"),
                "UpdateExpression": "ADD n :one",
                "ExpressionAttributeValues": {":one": {"N": "1"}},
            }
        }
    ]
    ddb.transact_write_items(TransactItems=items, ClientRequestToken="token-1")
    ddb.transact_write_items(TransactItems=items, ClientRequestToken="token-1")  # a retry: not applied again
    assert ddb.get_item(TableName=table, Key=key("c"))["Item"]["n"] == {"N": "1"}
    with pytest.raises(ClientError) as excinfo:
        ddb.transact_write_items(
            TransactItems=[{"Put": {"TableName": table, "Item": key("d")}}], ClientRequestToken="token-1"
        )
    assert error_of(excinfo)[0] == "IdempotentParameterMismatchException"
    with pytest.raises(ClientError) as excinfo:
        ddb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": table,
                        "Key": key("c"),
                        "UpdateExpression": "SET n = n + :s",
                        "ExpressionAttributeValues": {":s": {"S": "x"}},
                    }
                }
            ]
        )
    assert error_of(excinfo)[0] in ("TransactionCanceledException", "ValidationException")


def test_transact_token_expires_after_ten_minutes(server: Any, ddb: Any, table: str) -> None:
    items = [
        {
            "Update": {
                "TableName": table,
                "Key": key("c"),
                "UpdateExpression": "ADD n :one",
                "ExpressionAttributeValues": {":one": {"N": "1"}},
            }
        }
    ]
    ddb.transact_write_items(TransactItems=items, ClientRequestToken="token-2")
    server.advance(601)
    ddb.transact_write_items(TransactItems=items, ClientRequestToken="token-2")
    assert ddb.get_item(TableName=table, Key=key("c"))["Item"]["n"] == {"N": "2"}


def test_transact_get(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={**key("a"), "v": {"S": "1"}, "w": {"S": "2"}})
    got = ddb.transact_get_items(
        TransactItems=[
            {"Get": {"TableName": table, "Key": key("a"), "ProjectionExpression": "v"}},
            {"Get": {"TableName": table, "Key": key("missing")}},
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    assert got["Responses"] == [{"Item": {"v": {"S": "1"}}}, {}]
    assert got["ConsumedCapacity"][0]["CapacityUnits"] == 4.0
