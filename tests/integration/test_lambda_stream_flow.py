"""DynamoDB Streams -> Lambda event source mappings end to end: a real function sees
INSERT/MODIFY/REMOVE records in order; TRIM_HORIZON and LATEST; bisecting, retries and the
OnFailure destination; FilterCriteria; ReportBatchItemFailures; checkpoints across a restart."""

from __future__ import annotations

import io
import json
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from harness import Server

ROLE = "arn:aws:iam::000000000000:role/lambda-role"

# Every record is written to the "seen" table (one item per record delivery); a record whose
# key starts with "bad" fails the batch (or is reported, when REPORT is set).
HANDLER = """
import json, os, uuid
import boto3

table = boto3.resource("dynamodb").Table("seen")

def handler(event, context):
    failures = []
    for record in event["Records"]:
        key = record["dynamodb"]["Keys"]["pk"]["S"]
        table.put_item(Item={
            "pk": str(uuid.uuid4()),
            "key": key,
            "name": record["eventName"],
            "seq": record["dynamodb"]["SequenceNumber"],
            "batch": len(event["Records"]),
            "record": json.dumps(record),
        })
        if key.startswith("bad"):
            failures.append({"itemIdentifier": record["dynamodb"]["SequenceNumber"]})
    if failures and not os.environ.get("REPORT"):
        raise RuntimeError("poison record")
    return {"batchItemFailures": failures}
"""


def _table(server: Server, name: str, stream: bool) -> str | None:
    params: dict[str, Any] = {
        "TableName": name,
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if stream:
        params["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    created = server.client("dynamodb").create_table(**params)
    return created["TableDescription"].get("LatestStreamArn")


def _setup(server: Server, report: bool = False) -> str:
    """The source table's stream ARN, once the function and the "seen" table exist."""
    _table(server, "seen", stream=False)
    stream_arn = _table(server, "orders", stream=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", HANDLER)
    server.client("lambda").create_function(
        FunctionName="consumer",
        Runtime="python3.12",
        Role=ROLE,
        Handler="app.handler",
        Code={"ZipFile": buffer.getvalue()},
        Timeout=10,
        Environment={"Variables": {"REPORT": "1"} if report else {}},
    )
    server.settle()
    assert stream_arn
    return stream_arn


def _map(server: Server, stream_arn: str, position: str = "TRIM_HORIZON", **params: Any) -> str:
    uuid = server.client("lambda").create_event_source_mapping(
        EventSourceArn=stream_arn, FunctionName="consumer", StartingPosition=position, **params
    )["UUID"]
    assert server.settle()
    return str(uuid)


def _put(server: Server, key: str, **attributes: str) -> None:
    item = {"pk": {"S": key}, **{name: {"S": value} for name, value in attributes.items()}}
    server.client("dynamodb").put_item(TableName="orders", Item=item)


def _seen(server: Server) -> list[dict[str, Any]]:
    """Deliveries in stream order (by sequence number)."""
    items = server.client("dynamodb").scan(TableName="seen")["Items"]
    rows = [
        {
            "key": i["key"]["S"],
            "name": i["name"]["S"],
            "seq": i["seq"]["S"],
            "batch": int(i["batch"]["N"]),
            "record": json.loads(i["record"]["S"]),
        }
        for i in items
    ]
    return sorted(rows, key=lambda row: int(row["seq"]))


def _queue(server: Server, name: str) -> tuple[str, str]:
    sqs = server.client("sqs")
    url = str(sqs.create_queue(QueueName=name)["QueueUrl"])
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, str(arn)


def _failures(server: Server, url: str) -> list[dict[str, Any]]:
    messages = server.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(m["Body"]) for m in messages]


def test_trim_horizon_sees_earlier_records_in_order(server: Server) -> None:
    stream_arn = _setup(server)
    _put(server, "a", v="1")
    _put(server, "a", v="2")
    _map(server, stream_arn, "TRIM_HORIZON")
    server.client("dynamodb").delete_item(TableName="orders", Key={"pk": {"S": "a"}})
    _put(server, "b", v="1")
    assert server.settle()
    seen = _seen(server)
    assert [(row["key"], row["name"]) for row in seen] == [
        ("a", "INSERT"),
        ("a", "MODIFY"),
        ("a", "REMOVE"),
        ("b", "INSERT"),
    ]
    record = seen[0]["record"]
    assert set(record) == {
        "eventID",
        "eventName",
        "eventVersion",
        "eventSource",
        "awsRegion",
        "dynamodb",
        "eventSourceARN",
    }
    assert record["eventVersion"] == "1.1" and record["eventSource"] == "aws:dynamodb"
    assert record["eventSourceARN"] == stream_arn and record["awsRegion"] == "us-east-1"
    assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], (int, float))
    assert record["dynamodb"]["NewImage"] == {"pk": {"S": "a"}, "v": {"S": "1"}}
    assert record["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    mapping = server.client("lambda").list_event_source_mappings()["EventSourceMappings"][0]
    assert mapping["LastProcessingResult"] == "OK"


def test_latest_skips_earlier_records(server: Server) -> None:
    stream_arn = _setup(server)
    _put(server, "before")
    _map(server, stream_arn, "LATEST")
    _put(server, "after")
    assert server.settle()
    assert [row["key"] for row in _seen(server)] == ["after"]


def test_filter_criteria_skips_records(server: Server) -> None:
    stream_arn = _setup(server)
    _map(server, stream_arn, FilterCriteria={"Filters": [{"Pattern": json.dumps({"eventName": ["INSERT"]})}]})
    _put(server, "a", v="1")
    _put(server, "a", v="2")
    _put(server, "b", v="1")
    assert server.settle()
    assert [(row["key"], row["name"]) for row in _seen(server)] == [("a", "INSERT"), ("b", "INSERT")]


def test_bisect_isolates_the_poison_record_and_sends_it_on_failure(server: Server) -> None:
    stream_arn = _setup(server)
    failures_url, failures_arn = _queue(server, "failures")
    for key in ("p1", "p2", "bad", "p4"):
        _put(server, key)
    _map(
        server,
        stream_arn,
        BisectBatchOnFunctionError=True,
        MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": failures_arn}},
    )
    assert server.settle()
    seen = _seen(server)
    batches = {(row["key"], row["batch"]) for row in seen}
    assert {("p1", 4), ("p1", 2), ("bad", 1), ("p4", 1)} <= batches
    sent = _failures(server, failures_url)
    assert len(sent) == 1
    failure = sent[0]
    assert failure["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert failure["requestContext"]["functionArn"].endswith(":function:consumer")
    assert failure["responseContext"]["functionError"] == "Unhandled"
    assert failure["version"] == "1.0"
    info = failure["DDBStreamBatchInfo"]
    bad_seq = next(row["seq"] for row in seen if row["key"] == "bad")
    assert info["batchSize"] == 1 and info["streamArn"] == stream_arn
    assert info["startSequenceNumber"] == info["endSequenceNumber"] == bad_seq
    assert {"shardId", "approximateArrivalOfFirstRecord", "approximateArrivalOfLastRecord"} <= set(info)
    # the shard moved on: a new record is delivered once, alone
    _put(server, "p5")
    assert server.settle()
    assert [row["batch"] for row in _seen(server) if row["key"] == "p5"] == [1]


def test_retries_back_off_on_the_clock_then_give_up(server: Server) -> None:
    stream_arn = _setup(server)
    failures_url, failures_arn = _queue(server, "failures")
    _map(
        server,
        stream_arn,
        MaximumRetryAttempts=2,
        DestinationConfig={"OnFailure": {"Destination": failures_arn}},
    )
    _put(server, "bad1")
    assert server.settle()
    assert len(_seen(server)) == 1  # the first attempt; retries wait on the clock
    mapping = server.client("lambda").list_event_source_mappings()["EventSourceMappings"][0]
    assert mapping["LastProcessingResult"].startswith("PROBLEM")
    server.advance(10)
    assert len(_seen(server)) == 3
    sent = _failures(server, failures_url)
    assert [f["requestContext"]["approximateInvokeCount"] for f in sent] == [3]


def test_report_batch_item_failures_resumes_at_the_failed_record(server: Server) -> None:
    stream_arn = _setup(server, report=True)
    failures_url, failures_arn = _queue(server, "failures")
    for key in ("a", "bad", "c"):
        _put(server, key)
    _map(
        server,
        stream_arn,
        FunctionResponseTypes=["ReportBatchItemFailures"],
        MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": failures_arn}},
    )
    server.advance(5)
    keys = [row["key"] for row in _seen(server)]
    assert keys.count("a") == 1 and keys.count("bad") == 2 and keys.count("c") == 2
    sent = _failures(server, failures_url)
    assert [f["DDBStreamBatchInfo"]["batchSize"] for f in sent] == [2]


def test_latest_without_checkpoint_resumes_from_its_creation_after_a_restart() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="cloudlet-stream-"))
    try:
        first = Server(data_dir=data_dir).start()
        try:
            stream_arn = _setup(first)
            _put(first, "old")
            uuid = _map(first, stream_arn, "LATEST")
            first.client("lambda").update_event_source_mapping(UUID=uuid, Enabled=False)
            assert first.settle()
            _put(first, "while-disabled")  # no poller: nothing processed, no checkpoint
            first.client("lambda").update_event_source_mapping(UUID=uuid, Enabled=True)
            first.stop()  # before the enabled poller ran (or right after; either way no checkpoint)
        finally:
            first.stop()
        second = Server(data_dir=data_dir, port=first.port).start()
        try:
            _put(second, "new")
            assert second.settle()
            keys = [row["key"] for row in _seen(second)]
            assert "old" not in keys and "new" in keys
        finally:
            second.stop()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def test_checkpoint_survives_a_restart() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="cloudlet-stream-"))
    try:
        first = Server(data_dir=data_dir).start()
        try:
            stream_arn = _setup(first)
            _map(first, stream_arn, "LATEST")
            _put(first, "a")
            assert first.settle()
            assert [row["key"] for row in _seen(first)] == ["a"]
        finally:
            first.stop()
        second = Server(data_dir=data_dir, port=first.port).start()
        try:
            _put(second, "b")
            assert second.settle()
            assert [row["key"] for row in _seen(second)] == ["a", "b"]  # "a" not again
            mapping = second.client("lambda").list_event_source_mappings()["EventSourceMappings"][0]
            assert mapping["State"] == "Enabled"
        finally:
            second.stop()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


# Counts the records of a tumbling window in its state; the final invoke writes the total.
AGGREGATOR = """
import boto3

table = boto3.resource("dynamodb").Table("seen")

def handler(event, context):
    state = dict(event.get("state") or {})
    state["count"] = state.get("count", 0) + len(event["Records"])
    state["invokes"] = state.get("invokes", 0) + 1
    if event["isFinalInvokeForWindow"]:
        table.put_item(Item={
            "pk": "window#" + event["window"]["start"],
            "key": event["window"]["end"],
            "name": "final",
            "seq": "0",
            "batch": state["count"],
            "record": str(state["invokes"]),
        })
    return {"state": state, "batchItemFailures": []}
"""


def test_tumbling_window_carries_state_to_a_final_invoke(server: Server) -> None:
    stream_arn = _setup(server)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("agg.py", AGGREGATOR)
    server.client("lambda").create_function(
        FunctionName="aggregator",
        Runtime="python3.12",
        Role=ROLE,
        Handler="agg.handler",
        Code={"ZipFile": buffer.getvalue()},
        Timeout=10,
    )
    assert server.settle()
    server.client("lambda").create_event_source_mapping(
        EventSourceArn=stream_arn,
        FunctionName="aggregator",
        StartingPosition="LATEST",
        TumblingWindowInSeconds=900,
    )
    assert server.settle()
    for key in ("a", "b"):
        _put(server, key)
        assert server.settle()
    _put(server, "c")
    assert server.settle()
    assert server.client("dynamodb").scan(TableName="seen")["Items"] == []
    server.advance(900)
    items = server.client("dynamodb").scan(TableName="seen")["Items"]
    # three records counted across the window's invokes (two windows if a boundary fell between)
    assert len(items) in (1, 2)
    assert sum(int(item["batch"]["N"]) for item in items) == 3
    assert items[0]["pk"]["S"].startswith("window#") and items[0]["pk"]["S"].endswith("Z")


def test_batching_window_gathers_records_on_the_clock(server: Server) -> None:
    stream_arn = _setup(server)
    _map(server, stream_arn, "LATEST", BatchSize=10, MaximumBatchingWindowInSeconds=30)
    for key in ("a", "b", "c"):
        _put(server, key)
        assert server.settle()
    assert _seen(server) == []
    server.advance(30)
    assert [(row["key"], row["batch"]) for row in _seen(server)] == [("a", 3), ("b", 3), ("c", 3)]


def test_records_too_old_are_given_up(server: Server) -> None:
    stream_arn = _setup(server)
    failures_url, failures_arn = _queue(server, "failures")
    _map(
        server,
        stream_arn,
        "LATEST",
        MaximumRecordAgeInSeconds=60,
        DestinationConfig={"OnFailure": {"Destination": failures_arn}},
    )
    _put(server, "bad-forever")
    assert server.settle()
    server.advance(200)  # retried with backoff (infinite retries) until the record is 60 s old
    sent = _failures(server, failures_url)
    assert [f["requestContext"]["condition"] for f in sent] == ["RecordAgeExceeded"]
    attempts = len(_seen(server))
    server.advance(200)
    assert len(_seen(server)) == attempts  # given up: no more retries


def test_parallelization_factor_keeps_order_per_item(server: Server) -> None:
    stream_arn = _setup(server)
    for n in range(3):
        for key in ("a", "b", "c", "d"):
            _put(server, key, v=str(n))
    _map(server, stream_arn, ParallelizationFactor=3)
    seen = _seen(server)
    assert len(seen) == 12
    for key in ("a", "b", "c", "d"):
        names = [row["name"] for row in seen if row["key"] == key]
        assert names == ["INSERT", "MODIFY", "MODIFY"]
        assert len({row["batch"] for row in seen if row["key"] == key}) == 1  # one batch per item
