"""DynamoDB resource handlers against a real server: tables with indexes, streams, TTL and
PITR; in-place updates (GSIs, stream, billing, TTL, tags); one-region global tables."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from botocore.exceptions import ClientError
from deploy_support import context, create, delete

from cloudlet.deploy.errors import ValidationError
from cloudlet.deploy.resources import handler_for
from cloudlet.deploy.resources.base import Provisioned, ResourceHandler
from harness import Server


def handler(type_name: str) -> ResourceHandler:
    found = handler_for(type_name)
    assert found is not None
    return found


def update(
    server: Server, h: ResourceHandler, physical_id: str, new: dict[str, Any], old: dict[str, Any]
) -> Provisioned:
    return asyncio.run(h.update(context(server, h.type_name), physical_id, new, old))


TABLE: dict[str, Any] = {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    "AttributeDefinitions": [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "S"},
        {"AttributeName": "gk", "AttributeType": "S"},
    ],
    "BillingMode": "PAY_PER_REQUEST",
    "GlobalSecondaryIndexes": [
        {
            "IndexName": "byG",
            "KeySchema": [{"AttributeName": "gk", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"},
        }
    ],
    "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
    "TimeToLiveSpecification": {"AttributeName": "expires", "Enabled": "true"},
    "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
    "Tags": [{"Key": "env", "Value": "test"}],
}


def test_table_create_update_delete(server: Server) -> None:
    h = handler("AWS::DynamoDB::Table")
    assert {"TableName", "KeySchema"} <= h.replace_on
    made = create(server, h, TABLE, logical_id="Orders")
    name = made.physical_id
    assert name.startswith("teststack-Orders-")
    ddb = server.client("dynamodb")
    table = ddb.describe_table(TableName=name)["Table"]
    assert made.attributes == {"Arn": table["TableArn"], "StreamArn": table["LatestStreamArn"]}
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["byG"]
    assert table["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    ttl = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    backups = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    assert ddb.list_tags_of_resource(ResourceArn=table["TableArn"])["Tags"] == [
        {"Key": "env", "Value": "test"}
    ]
    ddb.put_item(
        TableName=name, Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "gk": {"S": "g"}, "hk": {"S": "h"}}
    )

    new = {
        **TABLE,
        "AttributeDefinitions": [
            *TABLE["AttributeDefinitions"],
            {"AttributeName": "hk", "AttributeType": "S"},
        ],
        "BillingMode": "PROVISIONED",
        "ProvisionedThroughput": {"ReadCapacityUnits": "5", "WriteCapacityUnits": 5},
        "GlobalSecondaryIndexes": [
            {
                "IndexName": "byH",
                "KeySchema": [{"AttributeName": "hk", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
                "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
            }
        ],
        "StreamSpecification": {"StreamViewType": "KEYS_ONLY"},
        "TimeToLiveSpecification": {"AttributeName": "ttl", "Enabled": True},
        "Tags": [{"Key": "owner", "Value": "me"}],
    }
    del new["PointInTimeRecoverySpecification"]
    again = update(server, h, name, new, TABLE)
    table = ddb.describe_table(TableName=name)["Table"]
    assert again.physical_id == name
    assert again.attributes["StreamArn"] == table["LatestStreamArn"] != made.attributes["StreamArn"]
    assert table["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["byH"]
    assert table["StreamSpecification"]["StreamViewType"] == "KEYS_ONLY"
    found = ddb.query(
        TableName=name,
        IndexName="byH",
        KeyConditionExpression="hk = :h",
        ExpressionAttributeValues={":h": {"S": "h"}},
    )
    assert found["Count"] == 1
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]["AttributeName"] == "ttl"
    backups = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "DISABLED"
    assert ddb.list_tags_of_resource(ResourceArn=table["TableArn"])["Tags"] == [
        {"Key": "owner", "Value": "me"}
    ]

    no_stream = {k: v for k, v in new.items() if k != "StreamSpecification"}
    update(server, h, name, no_stream, new)
    assert "StreamSpecification" not in ddb.describe_table(TableName=name)["Table"]

    delete(server, h, name, no_stream)
    with pytest.raises(ClientError):
        ddb.describe_table(TableName=name)
    delete(server, h, name, no_stream)


def test_named_table_and_service_errors(server: Server) -> None:
    h = handler("AWS::DynamoDB::Table")
    props = {
        "TableName": "plain",
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    assert create(server, h, props).physical_id == "plain"
    with pytest.raises(ClientError) as failure:
        create(server, h, props)
    assert failure.value.response["Error"]["Code"] == "ResourceInUseException"


def test_global_table_in_one_region(server: Server) -> None:
    h = handler("AWS::DynamoDB::GlobalTable")
    props = {
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
        "StreamSpecification": {"StreamViewType": "NEW_IMAGE"},
        "Replicas": [
            {"Region": "us-east-1", "DeletionProtectionEnabled": False, "Tags": [{"Key": "k", "Value": "v"}]}
        ],
    }
    made = create(server, h, props, logical_id="Global")
    table = server.client("dynamodb").describe_table(TableName=made.physical_id)["Table"]
    assert made.attributes == {
        "Arn": table["TableArn"],
        "StreamArn": table["LatestStreamArn"],
        "TableId": table["TableId"],
    }
    with pytest.raises(ValidationError, match="eu-west-1"):
        create(server, h, {**props, "Replicas": [*props["Replicas"], {"Region": "eu-west-1"}]})
    delete(server, h, made.physical_id, props)
