"""SQS -> Lambda event source mappings end to end: a real function (worker process) writes
what it gets to DynamoDB. Partial batch failures and the dead-letter queue, FIFO group
blocking, FilterCriteria, batching windows; clock advances instead of sleeps."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from harness import Server

ROLE = "arn:aws:iam::000000000000:role/lambda-role"

# Each message body is {"id": ..., "fail": bool}. Every record seen is written to the table
# (pk "<id>#<receive count>"); failures are raised, or reported when REPORT is set.
HANDLER = """
import json, os
import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE"])

def handler(event, context):
    failures = []
    records = event["Records"]
    for record in records:
        body = json.loads(record["body"])
        count = record["attributes"]["ApproximateReceiveCount"]
        table.put_item(Item={
            "pk": f"{body['id']}#{count}",
            "id": body["id"],
            "batch": len(records),
            "record": json.dumps(record),
        })
        if body.get("fail"):
            failures.append({"itemIdentifier": record["messageId"]})
    if failures and not os.environ.get("REPORT"):
        raise RuntimeError("a message failed")
    return {"batchItemFailures": failures}
"""


def _setup(server: Server, report: bool = False) -> None:
    server.client("dynamodb").create_table(
        TableName="seen",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", HANDLER)
    variables = {"TABLE": "seen", **({"REPORT": "1"} if report else {})}
    server.client("lambda").create_function(
        FunctionName="consumer",
        Runtime="python3.12",
        Role=ROLE,
        Handler="app.handler",
        Code={"ZipFile": buffer.getvalue()},
        Timeout=10,
        Environment={"Variables": variables},
    )
    server.settle()


def _queue(server: Server, name: str, **attributes: str) -> tuple[str, str]:
    sqs = server.client("sqs")
    if name.endswith(".fifo"):
        attributes["FifoQueue"] = "true"
    url = str(sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"])
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, str(arn)


def _map(server: Server, queue_arn: str, **params: Any) -> str:
    uuid = server.client("lambda").create_event_source_mapping(
        EventSourceArn=queue_arn, FunctionName="consumer", **params
    )["UUID"]
    server.settle()
    return str(uuid)


def _seen(server: Server) -> dict[str, dict[str, Any]]:
    items = server.client("dynamodb").scan(TableName="seen")["Items"]
    return {item["pk"]["S"]: item for item in items}


def _counts(server: Server, url: str) -> tuple[int, int]:
    attributes = server.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]), int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def _send(server: Server, url: str, message_id: str, fail: bool = False, **extra: Any) -> None:
    body = json.dumps({"id": message_id, "fail": fail})
    server.client("sqs").send_message(QueueUrl=url, MessageBody=body, **extra)


def test_messages_reach_the_handler_as_aws_shapes_them(server: Server) -> None:
    _setup(server)
    url, arn = _queue(server, "jobs")
    _map(server, arn)
    server.client("sqs").send_message(
        QueueUrl=url,
        MessageBody=json.dumps({"id": "m1"}),
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "order"}},
    )
    assert server.settle()
    seen = _seen(server)
    assert set(seen) == {"m1#1"}
    record = json.loads(seen["m1#1"]["record"]["S"])
    assert set(record) == {
        "messageId",
        "receiptHandle",
        "body",
        "attributes",
        "messageAttributes",
        "md5OfBody",
        "md5OfMessageAttributes",
        "eventSource",
        "eventSourceARN",
        "awsRegion",
    }
    assert record["eventSource"] == "aws:sqs" and record["eventSourceARN"] == arn
    assert record["awsRegion"] == "us-east-1"
    assert {
        "ApproximateReceiveCount",
        "SentTimestamp",
        "SenderId",
        "ApproximateFirstReceiveTimestamp",
    } <= set(record["attributes"])
    assert record["messageAttributes"] == {
        "kind": {"stringValue": "order", "stringListValues": [], "binaryListValues": [], "dataType": "String"}
    }
    assert _counts(server, url) == (0, 0)  # deleted after the successful invoke

    for n in range(25):
        _send(server, url, f"bulk{n}")
    assert server.settle()
    assert {f"bulk{n}#1" for n in range(25)} <= set(_seen(server))
    assert _counts(server, url) == (0, 0)


def test_partial_batch_failures_then_dead_letter_queue(server: Server) -> None:
    _setup(server, report=True)
    dlq_url, dlq_arn = _queue(server, "jobs-dlq")
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})
    url, arn = _queue(server, "jobs", VisibilityTimeout="30", RedrivePolicy=redrive)
    _map(server, arn, FunctionResponseTypes=["ReportBatchItemFailures"])
    server.client("sqs").send_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": name, "MessageBody": json.dumps({"id": name, "fail": name == "bad"})}
            for name in ("ok1", "bad", "ok2")
        ],
    )
    assert server.settle()
    assert {"ok1#1", "ok2#1", "bad#1"} <= set(_seen(server))
    assert _counts(server, url) == (0, 1)  # only the failed one is left, invisible

    server.advance(31)  # visible again: received a second time, fails again
    assert "bad#2" in _seen(server)
    server.advance(31)  # past maxReceiveCount: the queue's redrive moves it to the DLQ
    assert "bad#3" not in _seen(server)
    assert _counts(server, url) == (0, 0)
    moved = server.client("sqs").receive_message(QueueUrl=dlq_url).get("Messages", [])
    assert [json.loads(m["Body"])["id"] for m in moved] == ["bad"]
    assert not any(key.startswith("ok1#2") for key in _seen(server))


def test_function_error_returns_the_whole_batch(server: Server) -> None:
    _setup(server)
    url, arn = _queue(server, "jobs", VisibilityTimeout="30")
    server.client("sqs").send_message_batch(
        QueueUrl=url,
        Entries=[{"Id": n, "MessageBody": json.dumps({"id": n, "fail": n == "b"})} for n in ("a", "b")],
    )
    _map(server, arn)
    assert server.settle()
    assert {"a#1", "b#1"} <= set(_seen(server))
    assert _counts(server, url) == (0, 2)
    server.advance(31)
    assert {"a#2", "b#2"} <= set(_seen(server))


def test_fifo_failing_group_blocks_only_itself(server: Server) -> None:
    _setup(server)
    url, arn = _queue(server, "jobs.fifo", VisibilityTimeout="30", ContentBasedDeduplication="true")
    _map(server, arn, BatchSize=1)
    for group, name, fail in (("A", "a1", True), ("A", "a2", False), ("B", "b1", False), ("B", "b2", False)):
        _send(server, url, name, fail, MessageGroupId=group)
    assert server.settle()
    seen = _seen(server)
    assert {"a1#1", "b1#1", "b2#1"} <= set(seen)
    assert "a2#1" not in seen  # behind the failing a1 in its group
    server.advance(31)
    assert "a1#2" in _seen(server) and "a2#1" not in _seen(server)


def test_fifo_reported_failure_keeps_the_rest_of_its_group(server: Server) -> None:
    _setup(server, report=True)
    url, arn = _queue(server, "jobs.fifo", VisibilityTimeout="30", ContentBasedDeduplication="true")
    server.client("sqs").send_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "a1", "MessageBody": json.dumps({"id": "a1", "fail": True}), "MessageGroupId": "A"},
            {"Id": "a2", "MessageBody": json.dumps({"id": "a2"}), "MessageGroupId": "A"},
            {"Id": "b1", "MessageBody": json.dumps({"id": "b1"}), "MessageGroupId": "B"},
        ],
    )
    _map(server, arn, FunctionResponseTypes=["ReportBatchItemFailures"])
    assert server.settle()
    assert {"a1#1", "a2#1", "b1#1"} <= set(_seen(server))
    assert _counts(server, url) == (0, 2)  # a1 and a2 (after it in group A) stay; b1 is deleted
    server.advance(31)
    assert {"a1#2", "a2#2"} <= set(_seen(server))
    assert "b1#2" not in _seen(server)


def test_filter_criteria_deletes_what_does_not_match(server: Server) -> None:
    _setup(server)
    url, arn = _queue(server, "jobs")
    _map(
        server,
        arn,
        FilterCriteria={"Filters": [{"Pattern": json.dumps({"body": {"id": [{"prefix": "keep"}]}})}]},
    )
    for name in ("keep1", "drop1", "keep2"):
        _send(server, url, name)
    assert server.settle()
    assert set(_seen(server)) == {"keep1#1", "keep2#1"}
    assert _counts(server, url) == (0, 0)


def test_batching_window_waits_on_the_clock(server: Server) -> None:
    _setup(server)
    url, arn = _queue(server, "jobs")
    _map(server, arn, BatchSize=50, MaximumBatchingWindowInSeconds=10)
    for n in range(15):
        _send(server, url, f"m{n}")
    assert server.settle()
    assert _seen(server) == {}
    server.advance(10)
    seen = _seen(server)
    assert len(seen) == 15
    assert {int(item["batch"]["N"]) for item in seen.values()} == {15}


def test_disabled_mapping_leaves_messages(server: Server) -> None:
    _setup(server)
    url, arn = _queue(server, "jobs")
    uuid = _map(server, arn)
    client = server.client("lambda")
    client.update_event_source_mapping(UUID=uuid, Enabled=False)
    assert server.settle()
    _send(server, url, "later")
    assert server.settle()
    assert _seen(server) == {}
    assert _counts(server, url) == (1, 0)
    client.update_event_source_mapping(UUID=uuid, Enabled=True)
    assert server.settle()
    assert set(_seen(server)) == {"later#1"}


# Counts the invocations running at once (the work itself takes a moment of wall time).
CONCURRENCY_PROBE = """
import time
import boto3

ddb = boto3.client("dynamodb")

def _add(key, amount):
    result = ddb.update_item(
        TableName="seen", Key={"pk": {"S": key}}, UpdateExpression="ADD n :d",
        ExpressionAttributeValues={":d": {"N": str(amount)}}, ReturnValues="UPDATED_NEW",
    )
    return int(result["Attributes"]["n"]["N"])

def handler(event, context):
    running = _add("running", 1)
    try:
        ddb.update_item(
            TableName="seen", Key={"pk": {"S": "peak"}}, UpdateExpression="SET n = :v",
            ConditionExpression="attribute_not_exists(n) OR n < :v",
            ExpressionAttributeValues={":v": {"N": str(running)}},
        )
    except ddb.exceptions.ConditionalCheckFailedException:
        pass
    time.sleep(0.2)
    _add("done", len(event["Records"]))
    _add("running", -1)
"""


def test_maximum_concurrency_caps_concurrent_invokes(server: Server) -> None:
    _setup(server)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("probe.py", CONCURRENCY_PROBE)
    server.client("lambda").create_function(
        FunctionName="probe",
        Runtime="python3.12",
        Role=ROLE,
        Handler="probe.handler",
        Code={"ZipFile": buffer.getvalue()},
        Timeout=10,
    )
    url, arn = _queue(server, "jobs")
    for n in range(8):
        _send(server, url, f"m{n}")
    server.client("lambda").create_event_source_mapping(
        EventSourceArn=arn, FunctionName="probe", BatchSize=1, ScalingConfig={"MaximumConcurrency": 2}
    )
    assert server.settle(30)
    seen = _seen(server)
    assert seen["done"]["n"] == {"N": "8"}
    assert 1 <= int(seen["peak"]["n"]["N"]) <= 2


def test_a_deleted_queue_leaves_the_mapping_idle(server: Server) -> None:
    _setup(server)
    url, arn = _queue(server, "jobs")
    uuid = _map(server, arn)
    server.client("sqs").delete_queue(QueueUrl=url)
    assert server.settle()
    server.advance(60)
    assert server.settle()
    assert server.client("lambda").get_event_source_mapping(UUID=uuid)["State"] == "Enabled"
    url, _ = _queue(server, "jobs")  # the same ARN again: the mapping picks it up
    _send(server, url, "again")
    server.advance(21)
    assert "again#1" in _seen(server)
