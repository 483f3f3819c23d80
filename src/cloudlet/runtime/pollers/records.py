"""The events Lambda's pollers hand a function, shaped exactly as AWS's (pure):
https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html (Example standard queue message event)
https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html (Example event)
https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html (on-failure record)"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

_SQS_ATTRIBUTES = (
    "ApproximateReceiveCount",
    "AWSTraceHeader",
    "SentTimestamp",
    "SequenceNumber",
    "MessageGroupId",
    "SenderId",
    "MessageDeduplicationId",
    "ApproximateFirstReceiveTimestamp",
    "DeadLetterQueueSourceArn",
)


def _b64(value: Any) -> str:
    data = value if isinstance(value, bytes) else str(value).encode("utf-8")
    return base64.b64encode(data).decode("ascii")


def _message_attribute(value: dict[str, Any]) -> dict[str, Any]:
    shown: dict[str, Any] = {}
    if "StringValue" in value:
        shown["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        shown["binaryValue"] = _b64(value["BinaryValue"])
    shown["stringListValues"] = list(value.get("StringListValues") or [])
    shown["binaryListValues"] = [_b64(v) for v in value.get("BinaryListValues") or []]
    shown["dataType"] = value.get("DataType", "String")
    return shown


def sqs_record(message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """One ReceiveMessage message (the internal API's dict) as a Records[] entry."""
    attributes = message.get("Attributes") or {}
    record: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""),
        "attributes": {name: str(attributes[name]) for name in _SQS_ATTRIBUTES if name in attributes},
        "messageAttributes": {
            name: _message_attribute(value)
            for name, value in (message.get("MessageAttributes") or {}).items()
        },
        "md5OfBody": message.get("MD5OfBody", ""),
    }
    if message.get("MD5OfMessageAttributes"):
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    record.update({"eventSource": "aws:sqs", "eventSourceARN": queue_arn, "awsRegion": region})
    return record


def filter_view(record: dict[str, Any], body_key: str) -> dict[str, Any]:
    """What FilterCriteria patterns see: the record with its body (SQS `body`) parsed when it
    is JSON (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html)."""
    if body_key not in record:
        return record
    try:
        parsed = json.loads(record[body_key])
    except (TypeError, ValueError):
        return record
    return {**record, body_key: parsed}


def _epoch(value: Any) -> float:
    if isinstance(value, datetime):
        return value.timestamp()
    return float(value)


def stream_record(record: dict[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """One GetRecords record as a Records[] entry (ApproximateCreationDateTime in epoch seconds)."""
    dynamodb = dict(record.get("dynamodb") or {})
    if "ApproximateCreationDateTime" in dynamodb:
        moment = _epoch(dynamodb["ApproximateCreationDateTime"])
        dynamodb["ApproximateCreationDateTime"] = int(moment) if moment.is_integer() else moment
    shown: dict[str, Any] = {
        "eventID": record.get("eventID"),
        "eventName": record.get("eventName"),
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": record.get("awsRegion", region),
        "dynamodb": dynamodb,
        "eventSourceARN": stream_arn,
    }
    if "userIdentity" in record:
        shown["userIdentity"] = record["userIdentity"]
    return shown


def created_at(record: dict[str, Any]) -> float:
    moment = (record.get("dynamodb") or {}).get("ApproximateCreationDateTime")
    return 0.0 if moment is None else _epoch(moment)


def _iso(moment: float, millis: bool) -> str:
    text = datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if millis:
        text += f".{int(moment * 1000) % 1000:03d}"
    return text + "Z"


def stream_failure(
    *,
    request_id: str,
    function_arn: str,
    condition: str,
    invoke_count: int,
    function_error: str | None,
    executed_version: str,
    now: float,
    shard_id: str,
    stream_arn: str,
    records: list[dict[str, Any]],
) -> dict[str, Any]:
    """The OnFailure destination's record for a batch Lambda gave up on."""
    failure: dict[str, Any] = {
        "requestContext": {
            "requestId": request_id,
            "functionArn": function_arn,
            "condition": condition,  # RetryAttemptsExhausted | RecordAgeExceeded
            "approximateInvokeCount": invoke_count,
        },
        "responseContext": {"statusCode": 200, "executedVersion": executed_version},
        "version": "1.0",
        "timestamp": _iso(now, True),
        "DDBStreamBatchInfo": {
            "shardId": shard_id,
            "startSequenceNumber": records[0]["dynamodb"]["SequenceNumber"],
            "endSequenceNumber": records[-1]["dynamodb"]["SequenceNumber"],
            "approximateArrivalOfFirstRecord": _iso(created_at(records[0]), False),
            "approximateArrivalOfLastRecord": _iso(created_at(records[-1]), False),
            "batchSize": len(records),
            "streamArn": stream_arn,
        },
    }
    if function_error:
        failure["responseContext"]["functionError"] = function_error
    return failure
