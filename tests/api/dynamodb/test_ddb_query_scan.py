"""Query and Scan through the boto3 client: key conditions, order, Limit and paging, the 1 MB
page, filters, projections, Select, secondary indexes, parallel scan segments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from ddb_support import error_of


@pytest.fixture
def table(ddb: Any, make_table: Callable[..., str]) -> str:
    name = make_table(
        "events",
        range=("sk", "N"),
        attributes={"kind": "S", "at": "S"},
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-kind",
                "KeySchema": [
                    {"AttributeName": "kind", "KeyType": "HASH"},
                    {"AttributeName": "sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "by-at",
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "at", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["note"]},
            }
        ],
    )
    for pk in ("a", "b"):
        for n in range(-5, 15):
            item = {
                "pk": {"S": pk},
                "sk": {"N": str(n)},
                "kind": {"S": "even" if n % 2 == 0 else "odd"},
                "at": {"S": f"2024-01-{n + 10:02d}"},
                "note": {"S": f"n{n}"},
                "extra": {"N": str(n * 10)},
            }
            ddb.put_item(TableName=name, Item=item)
    return name


def sks(items: list[dict[str, Any]]) -> list[int]:
    return [int(i["sk"]["N"]) for i in items]


def query(ddb: Any, table: str, condition: str, **params: Any) -> dict[str, Any]:
    values = params.pop("values", {})
    response: dict[str, Any] = ddb.query(
        TableName=table,
        KeyConditionExpression=condition,
        ExpressionAttributeValues={":pk": {"S": "a"}, **values},
        **params,
    )
    return response


def test_key_conditions(ddb: Any, table: str) -> None:
    assert sks(query(ddb, table, "pk = :pk")["Items"]) == list(range(-5, 15))  # numeric order
    assert sks(query(ddb, table, "pk = :pk AND sk < :v", values={":v": {"N": "-3"}})["Items"]) == [-5, -4]
    assert sks(query(ddb, table, "pk = :pk AND sk <= :v", values={":v": {"N": "-3"}})["Items"]) == [
        -5,
        -4,
        -3,
    ]
    assert sks(query(ddb, table, "pk = :pk AND sk > :v", values={":v": {"N": "12"}})["Items"]) == [13, 14]
    assert sks(query(ddb, table, "pk = :pk AND sk >= :v", values={":v": {"N": "12.5"}})["Items"]) == [13, 14]
    assert sks(query(ddb, table, "pk = :pk AND sk = :v", values={":v": {"N": "3"}})["Items"]) == [3]
    between = query(
        ddb, table, "pk = :pk AND sk BETWEEN :lo AND :hi", values={":lo": {"N": "-1"}, ":hi": {"N": "1"}}
    )
    assert sks(between["Items"]) == [-1, 0, 1]
    backwards = query(
        ddb,
        table,
        "pk = :pk AND sk BETWEEN :lo AND :hi",
        values={":lo": {"N": "-1"}, ":hi": {"N": "1"}},
        ScanIndexForward=False,
    )
    assert sks(backwards["Items"]) == [1, 0, -1]
    by_at = query(
        ddb,
        table,
        "pk = :pk AND begins_with(#at, :p)",
        values={":p": {"S": "2024-01-1"}},
        IndexName="by-at",
        ExpressionAttributeNames={"#at": "at"},
    )
    assert sks(by_at["Items"]) == list(range(0, 10))
    assert query(ddb, table, "pk = :pk AND sk = :v", values={":v": {"N": "99"}})["Items"] == []


def test_key_condition_errors(ddb: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        ddb.query(
            TableName=table, KeyConditionExpression="sk = :v", ExpressionAttributeValues={":v": {"N": "1"}}
        )
    assert error_of(excinfo) == ("ValidationException", "Query condition missed key schema element: pk")
    with pytest.raises(ClientError) as excinfo:
        query(ddb, table, "pk = :pk", FilterExpression="sk > :v", values={":v": {"N": "1"}})
    assert (
        error_of(excinfo)[1]
        == "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk"
    )
    with pytest.raises(ClientError) as excinfo:
        query(ddb, table, "pk = :pk", IndexName="nope")
    assert error_of(excinfo)[1] == "The table does not have the specified index: nope"
    with pytest.raises(ClientError) as excinfo:
        ddb.query(TableName=table)
    assert error_of(excinfo)[0] == "ValidationException"


def test_paging_with_limit_both_directions(ddb: Any, table: str) -> None:
    for forward in (True, False):
        seen: list[int] = []
        start: dict[str, Any] | None = None
        pages = 0
        while True:
            extra: dict[str, Any] = {"ExclusiveStartKey": start} if start else {}
            page = query(ddb, table, "pk = :pk", Limit=6, ScanIndexForward=forward, **extra)
            pages += 1
            seen += sks(page["Items"])
            start = page.get("LastEvaluatedKey")
            if start is None:
                break
            assert set(start) == {"pk", "sk"}
        expected = list(range(-5, 15))
        assert seen == (expected if forward else expected[::-1])
        assert pages == 4  # 6 + 6 + 6 + 2


def test_filter_projection_select(ddb: Any, table: str) -> None:
    page = query(ddb, table, "pk = :pk", FilterExpression="extra > :x", values={":x": {"N": "100"}}, Limit=17)
    assert page["ScannedCount"] == 17 and page["Count"] == 1
    assert sks(page["Items"]) == [11]
    assert "LastEvaluatedKey" in page
    count = query(ddb, table, "pk = :pk", Select="COUNT")
    assert count["Count"] == 20 and "Items" not in count
    projected = query(
        ddb, table, "pk = :pk AND sk = :v", ProjectionExpression="note", values={":v": {"N": "0"}}
    )
    assert projected["Items"] == [{"note": {"S": "n0"}}]
    specific = query(
        ddb,
        table,
        "pk = :pk AND sk = :v",
        Select="SPECIFIC_ATTRIBUTES",
        ProjectionExpression="extra",
        values={":v": {"N": "0"}},
    )
    assert specific["Items"] == [{"extra": {"N": "0"}}]
    with pytest.raises(ClientError) as excinfo:
        query(ddb, table, "pk = :pk", Select="ALL_ATTRIBUTES", ProjectionExpression="note")
    assert (
        error_of(excinfo)[1] == "Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES"
    )
    with pytest.raises(ClientError) as excinfo:
        query(ddb, table, "pk = :pk", Select="ALL_PROJECTED_ATTRIBUTES")
    assert (
        error_of(excinfo)[1] == "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"
    )


def test_global_and_local_indexes(ddb: Any, table: str) -> None:
    odd = ddb.query(
        TableName=table,
        IndexName="by-kind",
        KeyConditionExpression="kind = :k AND sk > :v",
        ExpressionAttributeValues={":k": {"S": "odd"}, ":v": {"N": "10"}},
    )["Items"]
    assert sorted((i["pk"]["S"], int(i["sk"]["N"])) for i in odd) == [
        ("a", 11),
        ("a", 13),
        ("b", 11),
        ("b", 13),
    ]
    assert set(odd[0]) == {"pk", "sk", "kind"}  # KEYS_ONLY
    with pytest.raises(ClientError) as excinfo:
        ddb.query(
            TableName=table,
            IndexName="by-kind",
            KeyConditionExpression="kind = :k",
            ExpressionAttributeValues={":k": {"S": "odd"}},
            Select="ALL_ATTRIBUTES",
        )
    assert error_of(excinfo)[1] == (
        "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global "
        "secondary index by-kind because its projection type is not ALL"
    )
    # Paging through a GSI where many items share the index key.
    seen = []
    start = None
    while True:
        extra: dict[str, Any] = {"ExclusiveStartKey": start} if start else {}
        page = ddb.query(
            TableName=table,
            IndexName="by-kind",
            KeyConditionExpression="kind = :k",
            ExpressionAttributeValues={":k": {"S": "even"}},
            Limit=3,
            **extra,
        )
        seen += [(i["pk"]["S"], i["sk"]["N"]) for i in page["Items"]]
        start = page.get("LastEvaluatedKey")
        if not start:
            break
        assert set(start) == {"pk", "sk", "kind"}
    assert len(seen) == len(set(seen)) == 20
    # A local index fetches attributes it does not project from the table.
    full = query(
        ddb,
        table,
        "pk = :pk AND #at = :at",
        IndexName="by-at",
        ExpressionAttributeNames={"#at": "at"},
        values={":at": {"S": "2024-01-10"}},
        Select="ALL_ATTRIBUTES",
    )
    assert full["Items"][0]["extra"] == {"N": "0"}
    projected = query(
        ddb,
        table,
        "pk = :pk AND #at = :at",
        IndexName="by-at",
        ExpressionAttributeNames={"#at": "at"},
        values={":at": {"S": "2024-01-10"}},
    )
    assert "extra" not in projected["Items"][0] and projected["Items"][0]["note"] == {"S": "n0"}
    # Index entries follow updates and deletes.
    ddb.update_item(
        TableName=table, Key={"pk": {"S": "a"}, "sk": {"N": "11"}}, UpdateExpression="REMOVE kind"
    )
    ddb.delete_item(TableName=table, Key={"pk": {"S": "b"}, "sk": {"N": "11"}})
    odd = ddb.query(
        TableName=table,
        IndexName="by-kind",
        KeyConditionExpression="kind = :k AND sk BETWEEN :lo AND :hi",
        ExpressionAttributeValues={":k": {"S": "odd"}, ":lo": {"N": "10"}, ":hi": {"N": "12"}},
    )["Items"]
    assert odd == []


def test_one_megabyte_page(ddb: Any, make_table: Callable[..., str]) -> None:
    name = make_table("big", range=("sk", "N"))
    blob = "x" * 100_000
    for n in range(25):
        ddb.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"N": str(n)}, "d": {"S": blob}})
    first = ddb.query(
        TableName=name, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}}
    )
    assert 10 <= first["Count"] <= 11
    assert "LastEvaluatedKey" in first
    total = first["Count"]
    start = first["LastEvaluatedKey"]
    while start:
        page = ddb.query(
            TableName=name,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "p"}},
            ExclusiveStartKey=start,
        )
        total += page["Count"]
        start = page.get("LastEvaluatedKey")
    assert total == 25
    scanned = ddb.scan(TableName=name, Select="COUNT")
    assert scanned["Count"] < 25 and "LastEvaluatedKey" in scanned


def test_scan_paging_segments_and_filters(ddb: Any, table: str) -> None:
    everything = []
    for page in ddb.get_paginator("scan").paginate(TableName=table, PaginationConfig={"PageSize": 7}):
        everything += [(i["pk"]["S"], int(i["sk"]["N"])) for i in page["Items"]]
    assert len(everything) == len(set(everything)) == 40
    segments = []
    for segment in range(3):
        items = ddb.scan(TableName=table, Segment=segment, TotalSegments=3)["Items"]
        segments += [(i["pk"]["S"], int(i["sk"]["N"])) for i in items]
    assert sorted(segments) == sorted(everything)
    filtered = ddb.scan(
        TableName=table,
        FilterExpression="extra >= :x AND pk = :a",
        ExpressionAttributeValues={":x": {"N": "130"}, ":a": {"S": "b"}},
    )
    assert sorted(sks(filtered["Items"])) == [13, 14]
    legacy = ddb.scan(
        TableName=table,
        ScanFilter={"extra": {"ComparisonOperator": "GE", "AttributeValueList": [{"N": "130"}]}},
    )
    assert legacy["Count"] == 4
    index_scan = ddb.scan(TableName=table, IndexName="by-kind")
    assert index_scan["Count"] == 40 and set(index_scan["Items"][0]) == {"pk", "sk", "kind"}
    with pytest.raises(ClientError) as excinfo:
        ddb.scan(TableName=table, Segment=3, TotalSegments=3)
    assert error_of(excinfo)[1] == (
        "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 3 is not less "
        "than TotalSegments: 3"
    )


def test_legacy_key_conditions_and_query_filter(ddb: Any, table: str) -> None:
    page = ddb.query(
        TableName=table,
        KeyConditions={
            "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "a"}]},
            "sk": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "0"}, {"N": "5"}]},
        },
        QueryFilter={"kind": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "odd"}]}},
    )
    assert sks(page["Items"]) == [1, 3, 5]
    assert page["ScannedCount"] == 6


def test_query_cost_follows_the_page(ddb: Any, make_table: Callable[..., str]) -> None:
    name = make_table("wide", range=("sk", "S"))
    requests = [
        {"PutRequest": {"Item": {"pk": {"S": f"p{n % 40}"}, "sk": {"S": f"{n:05d}"}}}} for n in range(1000)
    ]
    for chunk in range(0, len(requests), 25):
        ddb.batch_write_item(RequestItems={name: requests[chunk : chunk + 25]})
    page = ddb.query(
        TableName=name,
        KeyConditionExpression="pk = :p AND sk BETWEEN :lo AND :hi",
        ExpressionAttributeValues={":p": {"S": "p7"}, ":lo": {"S": "00100"}, ":hi": {"S": "00200"}},
        ReturnConsumedCapacity="TOTAL",
    )
    # Only the range is read: ScannedCount counts the two items in it, not the partition's 25.
    assert [i["sk"]["S"] for i in page["Items"]] == ["00127", "00167"]
    assert page["ScannedCount"] == 2


def test_binary_and_string_sort_orders(ddb: Any, make_table: Callable[..., str]) -> None:
    binary = make_table("bin", hash=("pk", "B"), range=("sk", "B"))
    values = [b"\x00", b"\x00\x01", b"\x01", b"\x7f", b"\x80", b"\xff", b"\xff\x00"]
    for value in reversed(values):
        ddb.put_item(TableName=binary, Item={"pk": {"B": b"p"}, "sk": {"B": value}})
    page = ddb.query(
        TableName=binary, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"B": b"p"}}
    )
    assert [i["sk"]["B"] for i in page["Items"]] == values  # unsigned bytewise
    prefixed = ddb.query(
        TableName=binary,
        KeyConditionExpression="pk = :p AND begins_with(sk, :x)",
        ExpressionAttributeValues={":p": {"B": b"p"}, ":x": {"B": b"\xff"}},
    )
    assert [i["sk"]["B"] for i in prefixed["Items"]] == [b"\xff", b"\xff\x00"]
    text = make_table("text")
    words = ["A", "Z", "a", "z", "é", "日本", "😀"]  # UTF-8 byte order
    for word in reversed(words):
        ddb.put_item(TableName=text, Item={"pk": {"S": "p"}, "sk": {"S": word}})
    page = ddb.query(
        TableName=text, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}}
    )
    assert [i["sk"]["S"] for i in page["Items"]] == words
    numbers = make_table("nums", range=("sk", "N"))
    series = ["-1E+10", "-100", "-1.5", "-1.25", "-0.001", "0", "0.001", "1.25", "1.5", "100", "1E+10"]
    for number in reversed(series):
        ddb.put_item(TableName=numbers, Item={"pk": {"S": "p"}, "sk": {"N": number}})
    page = ddb.query(
        TableName=numbers, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}}
    )
    assert [float(i["sk"]["N"]) for i in page["Items"]] == [float(n) for n in series]
