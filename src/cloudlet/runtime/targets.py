"""Deliver one message to a target ARN through the internal API. The one place that knows
how each kind of target takes a message: EventBridge and Scheduler targets, SNS
subscriptions, Lambda destinations and S3 notifications all deliver through `deliver`.

A failure raises (cloudlet.errors.ServiceError from the target service, or TargetError);
retries, dead-letter queues and the choice to drop belong to the caller."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cloudlet import ids
from cloudlet.client import InternalClients


class TargetError(Exception):
    """A target that cannot take messages: an ARN of an unknown kind, or malformed."""


@dataclass(frozen=True)
class Message:
    body: str  # the SQS body, SNS message, Lambda payload, or EventBridge event (JSON text)
    message_group_id: str | None = None  # FIFO queues and topics
    deduplication_id: str | None = None
    sqs_attributes: dict[str, Any] = field(default_factory=dict)  # SQS MessageAttributes shape
    sns_attributes: dict[str, Any] = field(default_factory=dict)  # SNS MessageAttributes shape
    subject: str | None = None  # SNS
    lambda_qualifier: str | None = None
    timestamp_ms: int | None = None  # log group targets: the event's time


async def deliver(clients: InternalClients, arn: str, message: Message) -> dict[str, Any]:
    """Send `message` to the queue, topic, function, event bus or log group `arn` names;
    returns the target operation's result."""
    parts = ids.parse_arn(arn)
    if parts is None:
        raise TargetError(f"not an ARN: {arn}")
    service, account, region, resource = (
        parts["service"],
        parts["account"],
        parts["region"],
        parts["resource"],
    )
    if service == "sqs":
        params: dict[str, Any] = {"QueueUrl": f"/{account}/{resource}", "MessageBody": message.body}
        if message.message_group_id is not None:
            params["MessageGroupId"] = message.message_group_id
        if message.deduplication_id is not None:
            params["MessageDeduplicationId"] = message.deduplication_id
        if message.sqs_attributes:
            params["MessageAttributes"] = message.sqs_attributes
        return await clients.call("sqs", "SendMessage", params, account, region)
    if service == "sns":
        params = {"TopicArn": arn, "Message": message.body}
        if message.subject is not None:
            params["Subject"] = message.subject
        if message.message_group_id is not None:
            params["MessageGroupId"] = message.message_group_id
        if message.deduplication_id is not None:
            params["MessageDeduplicationId"] = message.deduplication_id
        if message.sns_attributes:
            params["MessageAttributes"] = message.sns_attributes
        return await clients.call("sns", "Publish", params, account, region)
    if service == "lambda":
        params = {"FunctionName": arn, "InvocationType": "Event", "Payload": message.body.encode("utf-8")}
        if message.lambda_qualifier is not None:
            params["Qualifier"] = message.lambda_qualifier
        return await clients.call("lambda", "Invoke", params, account, region)
    if service == "events" and resource.startswith("event-bus/"):
        event = json.loads(message.body)
        entry = {
            "EventBusName": arn,
            "Source": event.get("source", ""),
            "DetailType": event.get("detail-type", ""),
            "Detail": json.dumps(event.get("detail", {}), separators=(",", ":")),
            "Resources": event.get("resources", []),
        }
        if "time" in event:
            entry["Time"] = datetime.fromisoformat(str(event["time"]).replace("Z", "+00:00"))
        return await clients.call("events", "PutEvents", {"Entries": [entry]}, account, region)
    if service == "logs" and resource.startswith("log-group:"):
        return await _to_log_group(clients, account, region, resource, message)
    raise TargetError(f"{arn} is not a target cloudlet delivers to")


async def _to_log_group(
    clients: InternalClients, account: str, region: str, resource: str, message: Message
) -> dict[str, Any]:
    if message.timestamp_ms is None:
        raise TargetError("a log group target needs the event's time")
    group = resource.removeprefix("log-group:").removesuffix(":*")
    stream = ids.uuid4()
    await clients.call(
        "logs", "CreateLogStream", {"logGroupName": group, "logStreamName": stream}, account, region
    )
    events = [{"timestamp": message.timestamp_ms, "message": message.body}]
    params = {"logGroupName": group, "logStreamName": stream, "logEvents": events}
    return await clients.call("logs", "PutLogEvents", params, account, region)
