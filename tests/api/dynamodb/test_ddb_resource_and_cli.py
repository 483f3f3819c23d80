"""The boto3 resource layer (Decimal, Binary, sets, Key/Attr conditions, batch_writer) and the
AWS CLI against the same server."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.conditions import Attr, Key
from boto3.dynamodb.types import Binary

from harness import Server


@pytest.fixture
def table(resource: Any) -> Any:
    created = resource.create_table(
        TableName="people",
        KeySchema=[
            {"AttributeName": "team", "KeyType": "HASH"},
            {"AttributeName": "name", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "team", "AttributeType": "S"},
            {"AttributeName": "name", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    created.wait_until_exists()
    return created


def test_resource_round_trip(table: Any) -> None:
    item = {
        "team": "red",
        "name": "ann",
        "age": 31,
        "score": Decimal("12.75"),
        "huge": Decimal("1E+30"),
        "tags": {"a", "b"},
        "nums": {1, 2},
        "raw": Binary(b"\x00\x01"),
        "nested": {"list": [1, "two", None, True], "map": {"x": Decimal("-0.001")}},
    }
    table.put_item(Item=item)
    got = table.get_item(Key={"team": "red", "name": "ann"})["Item"]
    assert got["age"] == Decimal(31)
    assert got["score"] == Decimal("12.75")
    assert got["huge"] == Decimal("1E+30")
    assert got["tags"] == {"a", "b"} and got["nums"] == {Decimal(1), Decimal(2)}
    assert got["raw"] == Binary(b"\x00\x01")
    assert got["nested"] == {"list": [Decimal(1), "two", None, True], "map": {"x": Decimal("-0.001")}}
    assert table.item_count == 1


def test_conditions_with_key_and_attr(table: Any) -> None:
    with table.batch_writer() as batch:
        for n in range(30):
            batch.put_item(
                Item={
                    "team": "blue" if n % 3 else "green",
                    "name": f"p{n:02d}",
                    "age": n,
                    "active": n % 2 == 0,
                }
            )
    blue = table.query(KeyConditionExpression=Key("team").eq("blue") & Key("name").begins_with("p1"))["Items"]
    assert [i["name"] for i in blue] == ["p10", "p11", "p13", "p14", "p16", "p17", "p19"]
    older = table.query(
        KeyConditionExpression=Key("team").eq("blue"),
        FilterExpression=Attr("age").gte(25) & Attr("active").eq(True),
        ScanIndexForward=False,
    )["Items"]
    assert [i["name"] for i in older] == ["p28", "p26"]
    scanned = table.scan(FilterExpression=Attr("age").between(3, 6) | Attr("name").is_in(["p29"]))["Items"]
    assert sorted(i["name"] for i in scanned) == ["p03", "p04", "p05", "p06", "p29"]
    exists = table.scan(FilterExpression=Attr("missing").not_exists() & Attr("name").contains("2"))["Items"]
    assert len(exists) == 12
    table.update_item(
        Key={"team": "green", "name": "p00"},
        UpdateExpression="SET age = age + :d, seen = list_append(if_not_exists(seen, :empty), :now)",
        ConditionExpression=Attr("age").eq(0),
        ExpressionAttributeValues={":d": Decimal("0.5"), ":empty": [], ":now": ["x"]},
    )
    item = table.get_item(Key={"team": "green", "name": "p00"})["Item"]
    assert item["age"] == Decimal("0.5") and item["seen"] == ["x"]
    with pytest.raises(table.meta.client.exceptions.ConditionalCheckFailedException):
        table.delete_item(Key={"team": "green", "name": "p00"}, ConditionExpression=Attr("age").lt(0))


def test_aws_cli(server: Server) -> None:
    server.aws(
        "dynamodb",
        "create-table",
        "--table-name",
        "cli-table",
        "--attribute-definitions",
        "AttributeName=id,AttributeType=S",
        "--key-schema",
        "AttributeName=id,KeyType=HASH",
        "--billing-mode",
        "PAY_PER_REQUEST",
    )
    server.aws("dynamodb", "wait", "table-exists", "--table-name", "cli-table")
    server.aws(
        "dynamodb",
        "put-item",
        "--table-name",
        "cli-table",
        "--item",
        json.dumps({"id": {"S": "1"}, "n": {"N": "5"}}),
    )
    got = json.loads(
        server.aws("dynamodb", "get-item", "--table-name", "cli-table", "--key", '{"id": {"S": "1"}}').stdout
    )
    assert got["Item"] == {"id": {"S": "1"}, "n": {"N": "5"}}
    updated = server.aws(
        "dynamodb",
        "update-item",
        "--table-name",
        "cli-table",
        "--key",
        '{"id": {"S": "1"}}',
        "--update-expression",
        "SET n = n + :one",
        "--expression-attribute-values",
        '{":one": {"N": "1"}}',
        "--return-values",
        "ALL_NEW",
    ).stdout
    assert json.loads(updated)["Attributes"]["n"] == {"N": "6"}
    scanned = json.loads(server.aws("dynamodb", "scan", "--table-name", "cli-table").stdout)
    assert scanned["Count"] == 1
    listed = json.loads(server.aws("dynamodb", "list-tables").stdout)
    assert listed["TableNames"] == ["cli-table"]
    failed = server.aws("dynamodb", "describe-table", "--table-name", "nope", check=False)
    assert failed.returncode != 0 and "ResourceNotFoundException" in failed.stderr
