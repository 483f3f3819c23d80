"""Relay: DynamoDB stream INSERT records -> the FIFO queue, in stream order.

The event source mapping's filter already drops MODIFY and REMOVE records; the check below
only guards against a mapping deployed without it.

- MessageGroupId is the item's partition key: items of one key are delivered in order,
  different keys independently.
- MessageDeduplicationId is the stream record's eventID: when a batch is retried after a
  partial send (the function raises, Lambda redelivers the whole batch), SQS drops the
  copies it already has (5-minute deduplication window).
"""

import hashlib
import json
import os
import re
from decimal import Decimal
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer

QUEUE_URL = os.environ["QUEUE_URL"]
GROUP_KEY = os.environ.get("GROUP_KEY", "customer")

sqs = boto3.client("sqs")
deserializer = TypeDeserializer()

# MessageGroupId: 1-128 characters from alphanumerics and punctuation (SQS API reference).
_VALID_GROUP = re.compile(r"[!-~]{1,128}")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def group_id(key: Any) -> str:
    text = str(_plain(key) if isinstance(key, Decimal) else key)
    return text if _VALID_GROUP.fullmatch(text) else hashlib.sha256(text.encode()).hexdigest()


def handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    relayed = 0
    for record in event["Records"]:
        if record.get("eventName") != "INSERT":
            continue
        change = record["dynamodb"]
        item = {name: deserializer.deserialize(value) for name, value in change["NewImage"].items()}
        key = deserializer.deserialize(change["Keys"][GROUP_KEY])
        body = {"eventId": record["eventID"], "item": item}
        sqs.send_message(
            QueueUrl=QUEUE_URL,
            MessageBody=json.dumps(body, default=_plain, sort_keys=True),
            MessageGroupId=group_id(key),
            MessageDeduplicationId=record["eventID"],
        )
        relayed += 1
    print(json.dumps({"records": len(event["Records"]), "relayed": relayed}))
    return {"relayed": relayed}
