"""Helpers for the EventBridge tests: queues that catch deliveries, and reading them back."""

from __future__ import annotations

import json
from typing import Any


def make_queue(sqs: Any, name: str, **attributes: str) -> tuple[str, str]:
    """Create a queue; returns (url, arn)."""
    if name.endswith(".fifo"):
        attributes.setdefault("FifoQueue", "true")
    url: str = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn: str = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def drain(sqs: Any, url: str, **options: Any) -> list[dict[str, Any]]:
    """Every message now in the queue (received and deleted)."""
    messages: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, **options).get("Messages", [])
        if not batch:
            return messages
        messages.extend(batch)
        for message in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def bodies(sqs: Any, url: str) -> list[Any]:
    """The JSON bodies of every message now in the queue."""
    return [json.loads(m["Body"]) for m in drain(sqs, url)]


def put(
    events: Any, source: str = "my.app", detail_type: str = "thing", detail: Any = None, **entry: Any
) -> Any:
    entry = {"Source": source, "DetailType": detail_type, "Detail": json.dumps(detail or {}), **entry}
    return events.put_events(Entries=[entry])
