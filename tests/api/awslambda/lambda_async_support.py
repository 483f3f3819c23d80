"""Helpers of the Lambda asynchronous invocation tests: functions from inline code, queues
that see what handlers and destinations send."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from harness import Server

ROLE = "arn:aws:iam::000000000000:role/lambda-role"

# Every run reports itself to event["trace"] (a queue URL), then fails when event["fail"].
TRACING_HANDLER = """
import json
import boto3

def handler(event, context):
    if event.get("trace"):
        boto3.client("sqs").send_message(
            QueueUrl=event["trace"],
            MessageBody=json.dumps({"requestId": context.aws_request_id, "event": event}),
        )
    if event.get("fail"):
        raise Exception("intentional failure")
    return {"echo": event}
"""


def zip_of(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", source)
    return buffer.getvalue()


def make_function(server: Server, name: str, source: str = TRACING_HANDLER, **extra: Any) -> str:
    """Create a Python function whose handler.py is `source`; returns its ARN once Active."""
    client = server.client("lambda")
    created = client.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=ROLE,
        Handler="handler.handler",
        Code={"ZipFile": zip_of(source)},
        Timeout=30,
        **extra,
    )
    server.settle()
    return str(created["FunctionArn"])


def make_queue(server: Server, name: str) -> tuple[str, str]:
    """(queue URL, queue ARN)."""
    sqs = server.client("sqs")
    url = str(sqs.create_queue(QueueName=name)["QueueUrl"])
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, str(arn)


def drain(server: Server, url: str, **receive: Any) -> list[dict[str, Any]]:
    """Every message now in the queue (received and deleted)."""
    sqs = server.client("sqs")
    found: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, **receive).get("Messages", [])
        if not batch:
            return found
        for message in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        found.extend(batch)


def bodies(server: Server, url: str) -> list[Any]:
    return [json.loads(m["Body"]) for m in drain(server, url)]


def invoke_event(server: Server, function: str, payload: dict[str, Any], **extra: Any) -> dict[str, Any]:
    response: dict[str, Any] = server.client("lambda").invoke(
        FunctionName=function, InvocationType="Event", Payload=json.dumps(payload).encode(), **extra
    )
    return response


def error_of(call: Callable[..., Any], **kwargs: Any) -> dict[str, Any]:
    """The error part and HTTP status of a call that must fail."""
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    response: dict[str, Any] = caught.value.response
    return {**response["Error"], "Status": response["ResponseMetadata"]["HTTPStatusCode"]}
