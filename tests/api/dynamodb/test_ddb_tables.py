"""The control plane through boto3: create, describe, update, delete, list, tags, TTL settings,
continuous backups, limits, endpoints."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from ddb_support import error_of

from harness import Server

KEYS = [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
DEFS = [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}]


def test_create_describe_and_waiters(ddb: Any) -> None:
    created = ddb.create_table(
        TableName="orders",
        KeySchema=KEYS,
        AttributeDefinitions=DEFS,
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 7},
        Tags=[{"Key": "team", "Value": "a"}],
        SSESpecification={"Enabled": True},
        DeletionProtectionEnabled=False,
    )["TableDescription"]
    assert created["TableStatus"] == "CREATING"  # as AWS answers; ACTIVE from the next call on
    assert created["TableArn"] == "arn:aws:dynamodb:us-east-1:000000000000:table/orders"
    ddb.get_waiter("table_exists").wait(TableName="orders", WaiterConfig={"Delay": 0, "MaxAttempts": 1})
    table = ddb.describe_table(TableName="orders")["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert table["KeySchema"] == KEYS
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    assert table["ProvisionedThroughput"]["WriteCapacityUnits"] == 7
    assert table["ItemCount"] == 0 and table["TableSizeBytes"] == 0
    assert table["SSEDescription"]["Status"] == "ENABLED"
    assert "BillingModeSummary" not in table
    ddb.put_item(TableName="orders", Item={"pk": {"S": "a"}, "sk": {"N": "1"}, "x": {"S": "hello"}})
    table = ddb.describe_table(TableName="orders")["Table"]
    assert table["ItemCount"] == 1
    assert table["TableSizeBytes"] == len("pk") + 1 + len("sk") + 2 + len("x") + 5


def test_create_table_errors(ddb: Any, make_table: Callable[..., str]) -> None:
    make_table("dupe")
    with pytest.raises(ClientError) as excinfo:
        make_table("dupe")
    assert error_of(excinfo) == ("ResourceInUseException", "Table already exists: dupe")
    with pytest.raises(ClientError) as excinfo:
        ddb.create_table(
            TableName="ab", KeySchema=KEYS, AttributeDefinitions=DEFS, BillingMode="PAY_PER_REQUEST"
        )
    assert error_of(excinfo) == (
        "ValidationException",
        "TableName must be at least 3 characters long and at most 255 characters long",
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.create_table(TableName="t-1", KeySchema=KEYS, AttributeDefinitions=DEFS)
    assert error_of(excinfo)[1] == (
        "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be "
        "specified when BillingMode is PROVISIONED"
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.create_table(
            TableName="t-1", KeySchema=KEYS, AttributeDefinitions=DEFS[:1], BillingMode="PAY_PER_REQUEST"
        )
    assert "Some index key attributes are not defined in AttributeDefinitions" in error_of(excinfo)[1]
    with pytest.raises(ClientError) as excinfo:
        ddb.create_table(
            TableName="t-1",
            KeySchema=KEYS[:1],
            AttributeDefinitions=DEFS,
            BillingMode="PAY_PER_REQUEST",
        )
    assert error_of(excinfo)[1] == (
        "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match "
        "number of attributes defined in AttributeDefinitions"
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.create_table(
            TableName="t-1", KeySchema=KEYS[::-1], AttributeDefinitions=DEFS, BillingMode="PAY_PER_REQUEST"
        )
    assert error_of(excinfo)[1] == "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"


def test_indexes_are_described(ddb: Any, make_table: Callable[..., str]) -> None:
    make_table(
        "idx",
        attributes={"g": "S", "l": "N"},
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-g",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x"]},
            }
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "by-l",
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "l", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
    )
    ddb.put_item(TableName="idx", Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "g": {"S": "x"}, "l": {"N": "2"}})
    table = ddb.describe_table(TableName="idx")["Table"]
    (gsi,) = table["GlobalSecondaryIndexes"]
    assert gsi["IndexStatus"] == "ACTIVE"
    assert gsi["ItemCount"] == 1
    assert gsi["IndexArn"].endswith("table/idx/index/by-g")
    assert gsi["Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x"]}
    (lsi,) = table["LocalSecondaryIndexes"]
    assert lsi["ItemCount"] == 1
    with pytest.raises(ClientError) as excinfo:
        make_table(
            "lsi-bad",
            attributes={"l": "N"},
            LocalSecondaryIndexes=[
                {
                    "IndexName": "by-l",
                    "KeySchema": [
                        {"AttributeName": "l", "KeyType": "HASH"},
                        {"AttributeName": "sk", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        )
    assert (
        "Index KeySchema does not have the same leading hash key as table KeySchema" in error_of(excinfo)[1]
    )


def test_update_table_indexes_billing_and_protection(ddb: Any, make_table: Callable[..., str]) -> None:
    make_table("upd")
    ddb.put_item(TableName="upd", Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "g": {"S": "x"}})
    ddb.put_item(TableName="upd", Item={"pk": {"S": "b"}, "sk": {"S": "1"}})
    described = ddb.update_table(
        TableName="upd",
        AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[
            {
                "Create": {
                    "IndexName": "by-g",
                    "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            }
        ],
    )["TableDescription"]
    assert described["GlobalSecondaryIndexes"][0]["ItemCount"] == 1  # backfilled, sparse
    items = ddb.query(
        TableName="upd",
        IndexName="by-g",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "x"}},
    )["Items"]
    assert [i["pk"]["S"] for i in items] == ["a"]
    ddb.update_table(TableName="upd", GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-g"}}])
    assert "GlobalSecondaryIndexes" not in ddb.describe_table(TableName="upd")["Table"]
    described = ddb.update_table(
        TableName="upd",
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
    )["TableDescription"]
    assert described["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert described["ProvisionedThroughput"]["WriteCapacityUnits"] == 4
    ddb.update_table(TableName="upd", DeletionProtectionEnabled=True)
    with pytest.raises(ClientError) as excinfo:
        ddb.delete_table(TableName="upd")
    assert error_of(excinfo)[0] == "ValidationException"
    assert "protected against deletion" in error_of(excinfo)[1]
    with pytest.raises(ClientError) as excinfo:
        ddb.update_table(TableName="upd")
    assert error_of(excinfo)[0] == "ValidationException"


def test_delete_and_not_found(ddb: Any, make_table: Callable[..., str]) -> None:
    make_table("gone")
    assert ddb.delete_table(TableName="gone")["TableDescription"]["TableStatus"] == "DELETING"
    ddb.get_waiter("table_not_exists").wait(TableName="gone", WaiterConfig={"Delay": 0, "MaxAttempts": 2})
    with pytest.raises(ClientError) as excinfo:
        ddb.describe_table(TableName="gone")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "Requested resource not found: Table: gone not found",
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.get_item(TableName="gone", Key={"pk": {"S": "a"}, "sk": {"S": "b"}})
    assert error_of(excinfo) == ("ResourceNotFoundException", "Requested resource not found")
    with pytest.raises(ddb.exceptions.ResourceNotFoundException):
        ddb.delete_table(TableName="gone")


def test_list_tables_paginates(ddb: Any, make_table: Callable[..., str]) -> None:
    for n in range(5):
        make_table(f"tbl-{n}")
    page = ddb.list_tables(Limit=2)
    assert page["TableNames"] == ["tbl-0", "tbl-1"]
    assert page["LastEvaluatedTableName"] == "tbl-1"
    rest = ddb.list_tables(ExclusiveStartTableName="tbl-1")
    assert rest["TableNames"] == ["tbl-2", "tbl-3", "tbl-4"]
    assert "LastEvaluatedTableName" not in rest
    names = [
        n
        for page in ddb.get_paginator("list_tables").paginate(PaginationConfig={"PageSize": 2})
        for n in page["TableNames"]
    ]
    assert names == [f"tbl-{n}" for n in range(5)]


def test_isolated_per_account_and_region(server: Server, ddb: Any, make_table: Callable[..., str]) -> None:
    make_table("shared-name")
    other_region = server.client("dynamodb", region="eu-west-1")
    other_account = server.client("dynamodb", access_key="111122223333")
    assert other_region.list_tables()["TableNames"] == []
    assert other_account.list_tables()["TableNames"] == []
    with pytest.raises(other_account.exceptions.ResourceNotFoundException):
        other_account.describe_table(TableName="shared-name")


def test_tags(ddb: Any, make_table: Callable[..., str]) -> None:
    make_table("tagged", Tags=[{"Key": "a", "Value": "1"}])
    arn = ddb.describe_table(TableName="tagged")["Table"]["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "b", "Value": "2"}, {"Key": "a", "Value": "3"}])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "a", "Value": "3"},
        {"Key": "b", "Value": "2"},
    ]
    ddb.untag_resource(ResourceArn=arn, TagKeys=["a"])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "b", "Value": "2"}]
    with pytest.raises(ddb.exceptions.ResourceNotFoundException):
        ddb.list_tags_of_resource(ResourceArn=arn.replace("tagged", "nope"))


def test_time_to_live_settings(ddb: Any, make_table: Callable[..., str]) -> None:
    make_table("ttl")
    assert ddb.describe_time_to_live(TableName="ttl")["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "DISABLED"
    }
    spec = ddb.update_time_to_live(
        TableName="ttl", TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"}
    )
    assert spec["TimeToLiveSpecification"] == {"Enabled": True, "AttributeName": "exp"}
    assert ddb.describe_time_to_live(TableName="ttl")["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": "exp",
    }
    with pytest.raises(ClientError) as excinfo:
        ddb.update_time_to_live(
            TableName="ttl", TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"}
        )
    assert error_of(excinfo) == ("ValidationException", "TimeToLive is already enabled")
    ddb.update_time_to_live(
        TableName="ttl", TimeToLiveSpecification={"Enabled": False, "AttributeName": "exp"}
    )
    assert (
        ddb.describe_time_to_live(TableName="ttl")["TimeToLiveDescription"]["TimeToLiveStatus"] == "DISABLED"
    )


def test_continuous_backups_limits_endpoints(ddb: Any, make_table: Callable[..., str]) -> None:
    make_table("pitr")
    described = ddb.describe_continuous_backups(TableName="pitr")["ContinuousBackupsDescription"]
    assert described["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "DISABLED"
    updated = ddb.update_continuous_backups(
        TableName="pitr", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )["ContinuousBackupsDescription"]
    assert updated["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    described = ddb.describe_continuous_backups(TableName="pitr")["ContinuousBackupsDescription"]
    assert described["PointInTimeRecoveryDescription"]["RecoveryPeriodInDays"] == 35
    with pytest.raises(ClientError) as excinfo:
        ddb.describe_continuous_backups(TableName="nope")
    assert error_of(excinfo)[0] == "TableNotFoundException"
    limits = ddb.describe_limits()
    assert limits["TableMaxReadCapacityUnits"] == 40000
    assert ddb.describe_endpoints()["Endpoints"][0]["CachePeriodInMinutes"] == 1440
