"""Helpers shared by the EventBridge Scheduler API tests."""

from __future__ import annotations

from typing import Any

ROLE = "arn:aws:iam::000000000000:role/scheduler"
OFF = {"Mode": "OFF"}


def drain(sqs: Any, url: str, attributes: bool = False) -> list[dict[str, Any]]:
    """Every message now in the queue (received and deleted)."""
    received: list[dict[str, Any]] = []
    while True:
        extra: dict[str, Any] = {"MessageAttributeNames": ["All"]} if attributes else {}
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, **extra).get("Messages", [])
        if not batch:
            return received
        received.extend(batch)
        for message in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def target(arn: str, **extra: Any) -> dict[str, Any]:
    return {"Arn": arn, "RoleArn": ROLE, **extra}


def error(exc: Any) -> tuple[str, str, int]:
    """(code, message, HTTP status) of a pytest.raises(ClientError) result."""
    e = exc.value.response
    return e["Error"]["Code"], e["Error"]["Message"], e["ResponseMetadata"]["HTTPStatusCode"]
