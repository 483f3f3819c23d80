"""Record each scheduled EventBridge event as one item of the LambdaTriggeredEvents table.

The same handler serves both routes of the stack: events queued in SQS (an SQS batch of up
to 10 records, each body an EventBridge event) and events the rule delivers directly (one
EventBridge event per asynchronous invocation).

Each item is keyed by the EventBridge event's id, not by the Lambda request id as the seed
did: one invocation from SQS can carry several events (one item per request id lost all but
one), and a redelivered event gets a new request id (a duplicate item). The event id is
unique per scheduled event and stable across every retry, so a conditional put records
each event exactly once. The request id is kept as request_id.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.exceptions import ClientError

log = logging.getLogger()
log.setLevel(logging.INFO)

MESSAGE = "Lambda function triggered"

dynamodb = boto3.client("dynamodb")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any] | None:
    if "Records" in event:
        failures = []
        for record in event["Records"]:
            try:
                record_event(json.loads(record["body"]), context, route="queue")
            except Exception:
                log.exception("message %s failed; it will be retried", record["messageId"])
                failures.append({"itemIdentifier": record["messageId"]})
        return {"batchItemFailures": failures}
    record_event(event, context, route="direct")  # an error here makes Lambda retry the event
    return None


def record_event(event: dict[str, Any], context: Any, route: str) -> None:
    item = {
        "id": {"S": event["id"]},
        "timestamp": {"S": event["time"]},  # when the schedule fired
        "message": {"S": MESSAGE},
        "route": {"S": route},
        "rule": {"S": (event.get("resources") or ["?"])[0]},
        "request_id": {"S": context.aws_request_id},
        "recorded_at": {"S": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")},
    }
    try:
        dynamodb.put_item(
            TableName=os.environ.get("TABLE_NAME", "LambdaTriggeredEvents"),
            Item=item,
            ConditionExpression="attribute_not_exists(id)",
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        log.info(json.dumps({"id": event["id"], "duplicate": True}))
        return
    log.info(json.dumps({"id": event["id"], "route": route, "request_id": context.aws_request_id}))
