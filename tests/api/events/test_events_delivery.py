"""Delivery failures: RetryPolicy on the clock and the dead-letter queue with EventBridge's
message attributes (RULE_ARN, TARGET_ARN, ERROR_CODE, ERROR_MESSAGE, ...)."""

from __future__ import annotations

import json
from typing import Any

from events_support import drain, make_queue, put

from harness import Server

RULE_ARN = "arn:aws:events:us-east-1:000000000000:rule/r"


def attributes(message: dict[str, Any]) -> dict[str, str]:
    return {name: value["StringValue"] for name, value in message.get("MessageAttributes", {}).items()}


def test_missing_target_goes_straight_to_the_dlq(server: Server, events: Any, sqs: Any) -> None:
    gone_url, gone_arn = make_queue(sqs, "gone")
    dlq_url, dlq_arn = make_queue(sqs, "dlq")
    sqs.delete_queue(QueueUrl=gone_url)
    events.put_rule(Name="r", EventPattern='{"source": ["my.app"]}')
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": gone_arn, "DeadLetterConfig": {"Arn": dlq_arn}}])
    event_id = put(events, detail={"lost": True})["Entries"][0]["EventId"]
    server.settle()
    [message] = drain(sqs, dlq_url, MessageAttributeNames=["All"])
    body = json.loads(message["Body"])
    assert body["id"] == event_id and body["detail"] == {"lost": True}
    found = attributes(message)
    assert found["RULE_ARN"] == RULE_ARN
    assert found["TARGET_ARN"] == gone_arn
    assert found["ERROR_CODE"] == "RESOURCE_NOT_FOUND"
    assert found["ERROR_MESSAGE"]
    assert found["RETRY_ATTEMPTS"] == "0"
    assert "EXHAUSTED_RETRY_CONDITION" not in found


def failing_target(events: Any, sqs: Any, retry: dict[str, int]) -> tuple[str, str]:
    """A target whose every delivery fails with a retryable error: the text template puts a
    character SQS rejects (U+0000, from the detail) into the message body."""
    _, target_arn = make_queue(sqs, "target")
    dlq_url, dlq_arn = make_queue(sqs, "dlq")
    events.put_rule(Name="r", EventPattern='{"source": ["my.app"]}')
    transformer = {"InputPathsMap": {"v": "$.detail.v"}, "InputTemplate": "value <v>"}
    target = {
        "Id": "t",
        "Arn": target_arn,
        "InputTransformer": transformer,
        "RetryPolicy": retry,
        "DeadLetterConfig": {"Arn": dlq_arn},
    }
    events.put_targets(Rule="r", Targets=[target])
    return dlq_url, target_arn


def test_retries_until_attempts_run_out(server: Server, events: Any, sqs: Any) -> None:
    dlq_url, target_arn = failing_target(
        events, sqs, {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 3600}
    )
    put(events, detail={"v": "bad\u0000"})
    server.settle()
    assert drain(sqs, dlq_url) == []  # the first retry waits on the clock
    server.advance(10)
    [message] = drain(sqs, dlq_url, MessageAttributeNames=["All"])
    found = attributes(message)
    assert found["ERROR_CODE"] == "SDK_CLIENT_ERROR"
    assert "Invalid binary character" in found["ERROR_MESSAGE"]
    assert found["EXHAUSTED_RETRY_CONDITION"] == "MaximumRetryAttemptsExhausted"
    assert found["RETRY_ATTEMPTS"] == "2"
    assert found["TARGET_ARN"] == target_arn and found["RULE_ARN"] == RULE_ARN


def test_retries_until_the_event_is_too_old(server: Server, events: Any, sqs: Any) -> None:
    dlq_url, _ = failing_target(events, sqs, {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 60})
    put(events, detail={"v": "bad\u0000"})
    server.advance(30)
    assert drain(sqs, dlq_url) == []
    server.advance(60)
    [message] = drain(sqs, dlq_url, MessageAttributeNames=["All"])
    found = attributes(message)
    assert found["EXHAUSTED_RETRY_CONDITION"] == "MaximumEventAgeExhausted"
    # Backoff 1, 2, 4, 8, 16 s: five retries fit in 60 s, the sixth (at 63 s) would not.
    assert found["RETRY_ATTEMPTS"] == "5"


def test_without_a_dlq_the_event_is_dropped(server: Server, events: Any, sqs: Any) -> None:
    gone_url, gone_arn = make_queue(sqs, "gone")
    ok_url, ok_arn = make_queue(sqs, "ok")
    sqs.delete_queue(QueueUrl=gone_url)
    events.put_rule(Name="r", EventPattern='{"source": ["my.app"]}')
    events.put_targets(Rule="r", Targets=[{"Id": "gone", "Arn": gone_arn}, {"Id": "ok", "Arn": ok_arn}])
    put(events)
    put(events)
    server.settle()
    assert len(drain(sqs, ok_url)) == 2  # a failing target does not hold up the others
