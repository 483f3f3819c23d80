"""The AWS CLI against SQS, and the non-destructive peek for tooling."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from harness import Server


def aws(server: Server, *args: str, check: bool = True) -> Any:
    # The CLI v1 pins SQS to its legacy endpoint unless --endpoint-url is given
    # (awscli/customizations/sqs.py ignores AWS_ENDPOINT_URL).
    return server.aws(*args, "--endpoint-url", server.endpoint, check=check)


def test_cli_round_trip(server: Server) -> None:
    url = json.loads(aws(server, "sqs", "create-queue", "--queue-name", "cli-queue").stdout)["QueueUrl"]
    assert url.endswith("/000000000000/cli-queue")
    sent = json.loads(
        aws(
            server,
            "sqs",
            "send-message",
            "--queue-url",
            url,
            "--message-body",
            "from the cli",
            "--message-attributes",
            '{"kind": {"DataType": "String", "StringValue": "cli"}}',
        ).stdout
    )
    assert len(sent["MD5OfMessageAttributes"]) == 32
    received = json.loads(
        aws(
            server,
            "sqs",
            "receive-message",
            "--queue-url",
            url,
            "--message-attribute-names",
            "All",
            "--attribute-names",
            "All",
        ).stdout
    )
    message = received["Messages"][0]
    assert message["Body"] == "from the cli"
    assert message["MessageAttributes"]["kind"]["StringValue"] == "cli"
    aws(server, "sqs", "delete-message", "--queue-url", url, "--receipt-handle", message["ReceiptHandle"])
    listed = json.loads(aws(server, "sqs", "list-queues").stdout)
    assert listed["QueueUrls"] == [url]


def test_cli_reports_aws_error_codes(server: Server) -> None:
    result = aws(server, "sqs", "get-queue-url", "--queue-name", "missing", check=False)
    assert result.returncode != 0
    assert "AWS.SimpleQueueService.NonExistentQueue" in result.stderr


def test_peek_shows_every_state_without_receiving(
    server: Server, sqs: Any, make_queue: Callable[..., str]
) -> None:
    url = make_queue()
    sqs.send_message(
        QueueUrl=url,
        MessageBody="visible",
        MessageAttributes={"b": {"DataType": "Binary", "BinaryValue": b"\x01"}},
    )
    sqs.send_message(QueueUrl=url, MessageBody="delayed", DelaySeconds=30)
    sqs.send_message(QueueUrl=url, MessageBody="inflight")
    sqs.receive_message(QueueUrl=url)  # takes "visible" (oldest)
    sqs.send_message(QueueUrl=url, MessageBody="fresh")
    peek = server.internal("GET", f"/_cloudlet/sqs/messages?QueueUrl={url}")
    states = {m["Body"]: m["State"] for m in peek["messages"]}
    assert states == {"visible": "inflight", "delayed": "delayed", "inflight": "visible", "fresh": "visible"}
    first = peek["messages"][0]
    assert first["ReceiveCount"] == 1 and first["VisibleAt"].endswith("Z")
    assert first["MessageAttributes"] == {"b": {"DataType": "Binary", "BinaryValue": "AQ=="}}
    assert set(first) == {
        "MessageId", "Body", "Attributes", "MessageAttributes", "ReceiveCount", "VisibleAt", "MessageGroupId", "State"
    }  # fmt: skip
    again = server.internal("GET", f"/_cloudlet/sqs/messages?QueueUrl={url}")
    assert [m["ReceiveCount"] for m in again["messages"]] == [1, 0, 0, 0]
