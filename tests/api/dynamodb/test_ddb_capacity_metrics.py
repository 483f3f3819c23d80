"""ConsumedCapacity per index (ReturnConsumedCapacity=INDEXES) for writes, ItemCollectionMetrics
(ReturnItemCollectionMetrics=SIZE) on tables with local secondary indexes, and the 4 MB
transaction limit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from ddb_support import error_of

ONE = {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}
TWO = {"CapacityUnits": 2.0, "WriteCapacityUnits": 2.0}
BIG = "x" * (390 * 1024)


@pytest.fixture
def indexed(make_table: Callable[..., str]) -> str:
    """pk/sk with a KEYS_ONLY global index on g and an ALL local index on l."""
    return make_table(
        "indexed",
        attributes={"g": "S", "l": "S"},
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-g",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "by-l",
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "l", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )


@pytest.fixture
def table(make_table: Callable[..., str]) -> str:
    return make_table("plain")


def key(sk: str = "1") -> dict[str, Any]:
    return {"pk": {"S": "a"}, "sk": {"S": sk}}


def test_a_put_into_every_index_counts_a_write_per_index(ddb: Any, indexed: str) -> None:
    item = {**key(), "g": {"S": "g1"}, "l": {"S": "l1"}, "note": {"S": "o"}}
    used = ddb.put_item(TableName=indexed, Item=item, ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
    assert used == {
        "TableName": indexed,
        "CapacityUnits": 3.0,
        "WriteCapacityUnits": 3.0,
        "Table": ONE,
        "LocalSecondaryIndexes": {"by-l": ONE},
        "GlobalSecondaryIndexes": {"by-g": ONE},
    }
    total = ddb.put_item(TableName=indexed, Item={**item, "sk": {"S": "2"}}, ReturnConsumedCapacity="TOTAL")
    assert total["ConsumedCapacity"] == {
        "TableName": indexed,
        "CapacityUnits": 3.0,
        "WriteCapacityUnits": 3.0,
    }


def test_index_writes_follow_what_the_update_changes(ddb: Any, indexed: str) -> None:
    ddb.put_item(TableName=indexed, Item={**key(), "g": {"S": "g1"}, "l": {"S": "l1"}})

    def update(expression: str, values: dict[str, Any] | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {"TableName": indexed, "Key": key(), "UpdateExpression": expression}
        if values:
            params["ExpressionAttributeValues"] = values
        used: dict[str, Any] = ddb.update_item(**params, ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
        return used

    # A non-key attribute: the ALL local index rewrites its entry; the KEYS_ONLY global one is untouched.
    used = update("SET note = :o", {":o": {"S": "o"}})
    assert used["CapacityUnits"] == 2.0
    assert used["LocalSecondaryIndexes"] == {"by-l": ONE} and "GlobalSecondaryIndexes" not in used
    # A changed index key: delete the old entry, put the new one (the local index only rewrites).
    used = update("SET g = :g", {":g": {"S": "g2"}})
    assert used["GlobalSecondaryIndexes"] == {"by-g": TWO} and used["LocalSecondaryIndexes"] == {"by-l": ONE}
    assert used["CapacityUnits"] == 4.0
    used = update("SET l = :l", {":l": {"S": "l2"}})
    assert used["LocalSecondaryIndexes"] == {"by-l": TWO} and "GlobalSecondaryIndexes" not in used
    # Removing an index key takes the entry out: one write.
    used = update("REMOVE g")
    assert used["GlobalSecondaryIndexes"] == {"by-g": ONE}
    deleted = ddb.delete_item(TableName=indexed, Key=key(), ReturnConsumedCapacity="INDEXES")
    assert deleted["ConsumedCapacity"]["CapacityUnits"] == 2.0
    assert deleted["ConsumedCapacity"]["LocalSecondaryIndexes"] == {"by-l": ONE}


def test_batch_and_transaction_capacity_sum_the_indexes(ddb: Any, indexed: str) -> None:
    item = {**key(), "g": {"S": "g1"}, "l": {"S": "l1"}}
    batch = ddb.batch_write_item(
        RequestItems={
            indexed: [
                {"PutRequest": {"Item": item}},
                {"PutRequest": {"Item": {**key("2"), "l": {"S": "l2"}}}},
            ]
        },
        ReturnConsumedCapacity="INDEXES",
    )
    assert batch["ConsumedCapacity"] == [
        {
            "TableName": indexed,
            "CapacityUnits": 5.0,
            "WriteCapacityUnits": 5.0,
            "Table": TWO,
            "LocalSecondaryIndexes": {"by-l": TWO},
            "GlobalSecondaryIndexes": {"by-g": ONE},
        }
    ]
    transaction = ddb.transact_write_items(
        TransactItems=[{"Put": {"TableName": indexed, "Item": {**item, "sk": {"S": "3"}}}}],
        ReturnConsumedCapacity="INDEXES",
    )
    assert transaction["ConsumedCapacity"][0]["CapacityUnits"] == 6.0
    assert transaction["ConsumedCapacity"][0]["GlobalSecondaryIndexes"] == {"by-g": TWO}


def test_item_collection_metrics_on_a_table_with_a_local_index(ddb: Any, indexed: str, table: str) -> None:
    expected = {"ItemCollectionKey": {"pk": {"S": "a"}}, "SizeEstimateRangeGB": [0.0, 1.0]}
    item = {**key(), "l": {"S": "l1"}}
    put = ddb.put_item(TableName=indexed, Item=item, ReturnItemCollectionMetrics="SIZE")
    assert put["ItemCollectionMetrics"] == expected
    updated = ddb.update_item(
        TableName=indexed,
        Key=key(),
        UpdateExpression="SET n = :n",
        ExpressionAttributeValues={":n": {"N": "1"}},
        ReturnItemCollectionMetrics="SIZE",
    )
    assert updated["ItemCollectionMetrics"] == expected
    batch = ddb.batch_write_item(
        RequestItems={indexed: [{"PutRequest": {"Item": {**item, "sk": {"S": "2"}}}}]},
        ReturnItemCollectionMetrics="SIZE",
    )
    assert batch["ItemCollectionMetrics"] == {indexed: [expected]}
    transaction = ddb.transact_write_items(
        TransactItems=[{"Delete": {"TableName": indexed, "Key": key("2")}}],
        ReturnItemCollectionMetrics="SIZE",
    )
    assert transaction["ItemCollectionMetrics"] == {indexed: [expected]}
    assert "ItemCollectionMetrics" not in ddb.delete_item(TableName=indexed, Key=key())
    # A table without local secondary indexes has no item collections to report.
    plain = ddb.put_item(TableName=table, Item=key(), ReturnItemCollectionMetrics="SIZE")
    assert "ItemCollectionMetrics" not in plain
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=table, Item=key(), ReturnItemCollectionMetrics="COUNT")
    assert error_of(excinfo) == (
        "ValidationException",
        "1 validation error detected: Value 'COUNT' at 'returnItemCollectionMetrics' failed to satisfy "
        "constraint: Member must satisfy enum value set: [SIZE, NONE]",
    )


def test_transactions_over_four_megabytes_are_rejected(ddb: Any, table: str) -> None:
    puts = [{"Put": {"TableName": table, "Item": {**key(str(n)), "big": {"S": BIG}}}} for n in range(11)]
    with pytest.raises(ClientError) as excinfo:
        ddb.transact_write_items(TransactItems=puts)
    assert error_of(excinfo) == ("ValidationException", "Transaction item size has exceeded the 4 MB limit")
    assert "Item" not in ddb.get_item(TableName=table, Key=key("0"))
    ddb.transact_write_items(TransactItems=puts[:10])  # 3.8 MB
    ddb.put_item(TableName=table, Item={**key("10"), "big": {"S": BIG}})
    gets = [{"Get": {"TableName": table, "Key": key(str(n))}} for n in range(11)]
    with pytest.raises(ClientError) as excinfo:
        ddb.transact_get_items(TransactItems=gets)
    assert error_of(excinfo) == ("ValidationException", "Transaction item size has exceeded the 4 MB limit")
    assert len(ddb.transact_get_items(TransactItems=gets[:10])["Responses"]) == 10


def test_transactions_hold_at_most_one_hundred_actions(ddb: Any, table: str) -> None:
    checks = [
        {
            "ConditionCheck": {
                "TableName": table,
                "Key": key(str(n)),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        for n in range(101)
    ]
    with pytest.raises(ClientError) as excinfo:
        ddb.transact_write_items(TransactItems=checks)
    code, message = error_of(excinfo)
    assert code == "ValidationException"
    assert message.endswith(
        "at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100"
    )
    ddb.transact_write_items(TransactItems=checks[:100])
    with pytest.raises(ClientError) as excinfo:
        ddb.transact_get_items(
            TransactItems=[{"Get": {"TableName": table, "Key": key(str(n))}} for n in range(101)]
        )
    assert error_of(excinfo)[1].endswith("Member must have length less than or equal to 100")
