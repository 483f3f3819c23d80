"""DynamoDB Streams through boto3: records per change, view types, iterators of every type,
expiry and trimming on the clock, disabled streams, and TTL deletes in the stream."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from harness import Server


@pytest.fixture
def ddb(server: Server) -> Any:
    return server.client("dynamodb")


@pytest.fixture
def streams(server: Server) -> Any:
    return server.client("dynamodbstreams")


def make_table(ddb: Any, name: str = "streamed", view: str = "NEW_AND_OLD_IMAGES") -> str:
    described = ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": view},
    )["TableDescription"]
    arn: str = described["LatestStreamArn"]
    assert described["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": view}
    return arn


def shard_of(streams: Any, arn: str) -> str:
    (shard,) = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    return str(shard["ShardId"])


def iterator(streams: Any, arn: str, kind: str = "TRIM_HORIZON", **extra: Any) -> str:
    response = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard_of(streams, arn), ShardIteratorType=kind, **extra
    )
    return str(response["ShardIterator"])


def read_all(streams: Any, arn: str) -> list[dict[str, Any]]:
    response = streams.get_records(ShardIterator=iterator(streams, arn))
    records: list[dict[str, Any]] = response["Records"]
    return records


def test_records_for_each_change(ddb: Any, streams: Any) -> None:
    arn = make_table(ddb)
    ddb.put_item(TableName="streamed", Item={"pk": {"S": "a"}, "v": {"N": "1"}, "b": {"B": b"\x01"}})
    ddb.put_item(
        TableName="streamed", Item={"pk": {"S": "a"}, "v": {"N": "1"}, "b": {"B": b"\x01"}}
    )  # no change
    ddb.update_item(
        TableName="streamed",
        Key={"pk": {"S": "a"}},
        UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": {"N": "2"}},
    )
    ddb.delete_item(TableName="streamed", Key={"pk": {"S": "a"}})
    ddb.delete_item(TableName="streamed", Key={"pk": {"S": "a"}})  # nothing to delete
    records = read_all(streams, arn)
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    insert, modify, remove = (r["dynamodb"] for r in records)
    assert insert["Keys"] == {"pk": {"S": "a"}}
    assert insert["NewImage"]["b"] == {"B": b"\x01"} and "OldImage" not in insert
    assert modify["OldImage"]["v"] == {"N": "1"} and modify["NewImage"]["v"] == {"N": "2"}
    assert remove["OldImage"]["v"] == {"N": "2"} and "NewImage" not in remove
    numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3
    assert all(r["eventSource"] == "aws:dynamodb" and r["awsRegion"] == "us-east-1" for r in records)
    assert isinstance(insert["ApproximateCreationDateTime"], datetime)
    assert insert["SizeBytes"] > 0 and insert["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert "userIdentity" not in records[0]


def test_keys_only_view(ddb: Any, streams: Any) -> None:
    arn = make_table(ddb, "keys-only", "KEYS_ONLY")
    ddb.put_item(TableName="keys-only", Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    (record,) = read_all(streams, arn)
    assert set(record["dynamodb"]) == {
        "ApproximateCreationDateTime",
        "Keys",
        "SequenceNumber",
        "SizeBytes",
        "StreamViewType",
    }


def test_list_and_describe(ddb: Any, streams: Any) -> None:
    arn = make_table(ddb)
    make_table(ddb, "second")
    listed = streams.list_streams()["Streams"]
    assert [s["TableName"] for s in listed] == ["streamed", "second"]
    assert streams.list_streams(TableName="streamed")["Streams"][0]["StreamArn"] == arn
    page = streams.list_streams(Limit=1)
    assert len(page["Streams"]) == 1 and page["LastEvaluatedStreamArn"] == arn
    description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert description["StreamStatus"] == "ENABLED"
    assert description["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    (shard,) = description["Shards"]
    assert shard["ShardId"].startswith("shardId-")
    assert "EndingSequenceNumber" not in shard["SequenceNumberRange"]
    with pytest.raises(streams.exceptions.ResourceNotFoundException):
        streams.describe_stream(StreamArn=arn + "x")


def test_iterator_types(ddb: Any, streams: Any) -> None:
    arn = make_table(ddb)
    for n in range(3):
        ddb.put_item(TableName="streamed", Item={"pk": {"S": f"k{n}"}})
    records = read_all(streams, arn)
    second = records[1]["dynamodb"]["SequenceNumber"]
    at = streams.get_records(
        ShardIterator=iterator(streams, arn, "AT_SEQUENCE_NUMBER", SequenceNumber=second)
    )
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in at["Records"]] == ["k1", "k2"]
    after = streams.get_records(
        ShardIterator=iterator(streams, arn, "AFTER_SEQUENCE_NUMBER", SequenceNumber=second)
    )
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in after["Records"]] == ["k2"]
    latest = iterator(streams, arn, "LATEST")
    empty = streams.get_records(ShardIterator=latest)
    assert empty["Records"] == [] and empty["NextShardIterator"]
    ddb.put_item(TableName="streamed", Item={"pk": {"S": "k3"}})
    fresh = streams.get_records(ShardIterator=empty["NextShardIterator"])
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in fresh["Records"]] == ["k3"]
    limited = streams.get_records(ShardIterator=iterator(streams, arn), Limit=2)
    assert len(limited["Records"]) == 2
    rest = streams.get_records(ShardIterator=limited["NextShardIterator"])
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in rest["Records"]] == ["k2", "k3"]


def test_iterators_expire_after_fifteen_minutes(server: Server, ddb: Any, streams: Any) -> None:
    arn = make_table(ddb)
    kept = iterator(streams, arn)
    server.advance(14 * 60)
    streams.get_records(ShardIterator=kept)
    server.advance(2 * 60)
    with pytest.raises(ClientError) as excinfo:
        streams.get_records(ShardIterator=kept)
    assert excinfo.value.response["Error"]["Code"] == "ExpiredIteratorException"


def test_records_are_trimmed_after_24_hours(server: Server, ddb: Any, streams: Any) -> None:
    arn = make_table(ddb)
    ddb.put_item(TableName="streamed", Item={"pk": {"S": "old"}})
    (old,) = read_all(streams, arn)
    server.advance(23 * 3600)
    ddb.put_item(TableName="streamed", Item={"pk": {"S": "new"}})
    server.advance(2 * 3600)
    records = read_all(streams, arn)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in records] == ["new"]
    with pytest.raises(ClientError) as excinfo:
        iterator(streams, arn, "AT_SEQUENCE_NUMBER", SequenceNumber=old["dynamodb"]["SequenceNumber"])
    assert excinfo.value.response["Error"]["Code"] == "TrimmedDataAccessException"


def test_disabled_stream_closes_its_shard(ddb: Any, streams: Any) -> None:
    arn = make_table(ddb)
    ddb.put_item(TableName="streamed", Item={"pk": {"S": "a"}})
    open_iterator = iterator(streams, arn)
    ddb.update_table(TableName="streamed", StreamSpecification={"StreamEnabled": False})
    ddb.put_item(TableName="streamed", Item={"pk": {"S": "b"}})  # not streamed
    description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert description["StreamStatus"] == "DISABLED"
    assert "EndingSequenceNumber" in description["Shards"][0]["SequenceNumberRange"]
    last = streams.get_records(ShardIterator=open_iterator)
    assert [r["eventName"] for r in last["Records"]] == ["INSERT"]
    assert "NextShardIterator" not in last
    table = ddb.describe_table(TableName="streamed")["Table"]
    assert "StreamSpecification" not in table and table["LatestStreamArn"] == arn
    again = ddb.update_table(
        TableName="streamed", StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    )
    assert again["TableDescription"]["LatestStreamArn"] != arn


def test_ttl_deletes_on_the_clock_and_in_the_stream(server: Server, ddb: Any, streams: Any) -> None:
    arn = make_table(ddb)
    ddb.update_time_to_live(
        TableName="streamed", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}
    )
    now = datetime.fromisoformat(
        server.internal("GET", "/_cloudlet/clock")["now"].replace("Z", "+00:00")
    ).timestamp()
    ddb.put_item(TableName="streamed", Item={"pk": {"S": "soon"}, "expires": {"N": str(int(now) + 60)}})
    ddb.put_item(TableName="streamed", Item={"pk": {"S": "later"}, "expires": {"N": str(int(now) + 3600)}})
    ddb.put_item(TableName="streamed", Item={"pk": {"S": "never"}, "expires": {"S": "not a number"}})
    server.advance(120)
    assert "Item" not in ddb.get_item(TableName="streamed", Key={"pk": {"S": "soon"}})
    assert "Item" in ddb.get_item(TableName="streamed", Key={"pk": {"S": "later"}})
    server.advance(3600)
    assert "Item" not in ddb.get_item(TableName="streamed", Key={"pk": {"S": "later"}})
    assert "Item" in ddb.get_item(TableName="streamed", Key={"pk": {"S": "never"}})
    assert server.settle()
    removes = [r for r in read_all(streams, arn) if r["eventName"] == "REMOVE"]
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in removes] == ["soon", "later"]
    assert all(
        r["userIdentity"] == {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"} for r in removes
    )


def test_ttl_enabled_after_items_exist(server: Server, ddb: Any) -> None:
    make_table(ddb)
    now = datetime.fromisoformat(
        server.internal("GET", "/_cloudlet/clock")["now"].replace("Z", "+00:00")
    ).timestamp()
    ddb.put_item(TableName="streamed", Item={"pk": {"S": "x"}, "ttl": {"N": str(int(now) + 30)}})
    server.advance(60)
    assert "Item" in ddb.get_item(TableName="streamed", Key={"pk": {"S": "x"}})  # TTL not enabled yet
    ddb.update_time_to_live(
        TableName="streamed", TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"}
    )
    assert server.settle()
    assert "Item" not in ddb.get_item(TableName="streamed", Key={"pk": {"S": "x"}})
