"""Dead-letter queues: redrive on receive, and message move tasks driven by the clock."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqs_support import arn_of, error_of

from harness import Server


def with_dlq(
    sqs: Any, make_queue: Callable[..., str], max_receives: int = 1, fifo: bool = False
) -> tuple[str, str]:
    suffix = ".fifo" if fifo else ""
    dlq = make_queue(f"dlq{suffix}")
    policy = json.dumps({"deadLetterTargetArn": arn_of(sqs, dlq), "maxReceiveCount": max_receives})
    source = make_queue(f"source{suffix}", VisibilityTimeout="0", RedrivePolicy=policy)
    return source, dlq


def test_a_message_received_max_times_moves_to_the_dlq(sqs: Any, make_queue: Callable[..., str]) -> None:
    source, dlq = with_dlq(sqs, make_queue, max_receives=2)
    attributes = {"MyAttribute": {"DataType": "String", "StringValue": "foobar"}}
    sent = sqs.send_message(QueueUrl=source, MessageBody="poison", MessageAttributes=attributes)
    for _ in range(2):
        assert sqs.receive_message(QueueUrl=source)["Messages"][0]["MessageId"] == sent["MessageId"]
    assert sqs.receive_message(QueueUrl=source).get("Messages") is None  # moved on this attempt
    moved = sqs.receive_message(QueueUrl=dlq, AttributeNames=["All"], MessageAttributeNames=["All"])[
        "Messages"
    ][0]
    assert moved["MessageId"] == sent["MessageId"] and moved["Body"] == "poison"
    assert moved["MessageAttributes"] == attributes
    assert moved["MD5OfMessageAttributes"] == "adb59cd4678ea5a855436b949cd07ab6"
    assert moved["Attributes"]["DeadLetterQueueSourceArn"] == arn_of(sqs, source)
    assert moved["Attributes"]["ApproximateReceiveCount"] == "3"
    original = sqs.get_queue_attributes(
        QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessagesNotVisible"]
    )
    assert original["Attributes"]["ApproximateNumberOfMessagesNotVisible"] == "1"


def test_fifo_dead_letter_queue_keeps_the_group(sqs: Any, make_queue: Callable[..., str]) -> None:
    source, dlq = with_dlq(sqs, make_queue, max_receives=1, fifo=True)
    sqs.send_message(QueueUrl=source, MessageBody="a", MessageGroupId="g", MessageDeduplicationId="a")
    sqs.send_message(QueueUrl=source, MessageBody="b", MessageGroupId="g", MessageDeduplicationId="b")
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=source)["Messages"]] == ["a"]
    # a has been received once: this attempt moves it and delivers b.
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=source)["Messages"]] == ["b"]
    moved = sqs.receive_message(QueueUrl=dlq, AttributeNames=["MessageGroupId", "DeadLetterQueueSourceArn"])
    assert moved["Messages"][0]["Body"] == "a"
    assert moved["Messages"][0]["Attributes"]["MessageGroupId"] == "g"


def redriven(sqs: Any, make_queue: Callable[..., str], count: int) -> tuple[str, str]:
    source, dlq = with_dlq(sqs, make_queue, max_receives=1)
    sqs.send_message_batch(
        QueueUrl=source, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(count)]
    )
    for _ in range(2):
        while sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10).get("Messages"):
            pass
    assert sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"
    ] == {"ApproximateNumberOfMessages": str(count)}
    return source, dlq


def test_move_task_back_to_the_source(server: Server, sqs: Any, make_queue: Callable[..., str]) -> None:
    source, dlq = redriven(sqs, make_queue, 3)
    sqs.set_queue_attributes(QueueUrl=source, Attributes={"RedrivePolicy": json.dumps({
        "deadLetterTargetArn": arn_of(sqs, dlq), "maxReceiveCount": 5})})  # fmt: skip
    handle = sqs.start_message_move_task(SourceArn=arn_of(sqs, dlq))["TaskHandle"]
    assert server.settle()
    tasks = sqs.list_message_move_tasks(SourceArn=arn_of(sqs, dlq))["Results"]
    assert len(tasks) == 1
    assert tasks[0]["Status"] == "COMPLETED"
    assert tasks[0]["ApproximateNumberOfMessagesMoved"] == tasks[0]["ApproximateNumberOfMessagesToMove"] == 3
    assert "TaskHandle" not in tasks[0] and "DestinationArn" not in tasks[0]
    received = sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10, AttributeNames=["All"])[
        "Messages"
    ]
    assert sorted(m["Body"] for m in received) == ["m0", "m1", "m2"]
    assert all("DeadLetterQueueSourceArn" not in m["Attributes"] for m in received)
    error = error_of(sqs.cancel_message_move_task, TaskHandle=handle)
    assert error["Error"]["Code"] == "ResourceNotFoundException"


def test_move_task_rate_runs_on_the_clock(server: Server, sqs: Any, make_queue: Callable[..., str]) -> None:
    _, dlq = redriven(sqs, make_queue, 10)
    target = make_queue("elsewhere")
    dlq_arn = arn_of(sqs, dlq)
    handle = sqs.start_message_move_task(
        SourceArn=dlq_arn, DestinationArn=arn_of(sqs, target), MaxNumberOfMessagesPerSecond=2
    )["TaskHandle"]
    error = error_of(sqs.start_message_move_task, SourceArn=dlq_arn)
    assert error["Error"]["Message"] == (
        "There is already a task running. Only one active task is allowed for a source queue arn at a given time."
    )
    server.advance(2)
    running = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"][0]
    assert running["Status"] == "RUNNING" and running["TaskHandle"] == handle
    assert running["ApproximateNumberOfMessagesMoved"] == 4
    assert running["MaxNumberOfMessagesPerSecond"] == 2
    assert running["DestinationArn"] == arn_of(sqs, target)
    cancelled = sqs.cancel_message_move_task(TaskHandle=handle)
    assert cancelled["ApproximateNumberOfMessagesMoved"] == 4
    server.advance(10)
    after = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"][0]
    assert after["Status"] == "CANCELLED" and after["ApproximateNumberOfMessagesMoved"] == 4
    handle = sqs.start_message_move_task(SourceArn=dlq_arn, DestinationArn=arn_of(sqs, target))["TaskHandle"]
    assert server.settle()
    assert (
        sqs.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=10)["Results"][0]["Status"] == "COMPLETED"
    )
    assert len(sqs.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=10)["Results"]) == 2
    counts = sqs.get_queue_attributes(QueueUrl=target, AttributeNames=["ApproximateNumberOfMessages"])
    assert counts["Attributes"]["ApproximateNumberOfMessages"] == "10"


def test_move_task_errors(sqs: Any, make_queue: Callable[..., str]) -> None:
    plain = make_queue("plain")
    error = error_of(sqs.start_message_move_task, SourceArn=arn_of(sqs, plain))
    assert error["Error"]["Message"] == "Source queue must be configured as a Dead Letter Queue."
    error = error_of(sqs.start_message_move_task, SourceArn="arn:aws:sqs:us-east-1:000000000000:nope")
    assert error["Error"]["Code"] == "ResourceNotFoundException"
    assert (
        error["Error"]["Message"]
        == "The resource that you specified for the SourceArn parameter doesn't exist."
    )
    _, dlq = with_dlq(sqs, make_queue)
    error = error_of(
        sqs.start_message_move_task,
        SourceArn=arn_of(sqs, dlq),
        DestinationArn="arn:aws:sqs:us-east-1:000000000000:x",
    )
    assert error["Error"]["Message"] == (
        "The resource that you specified for the DestinationArn parameter doesn't exist."
    )
    error = error_of(sqs.cancel_message_move_task, TaskHandle="not-a-handle")
    assert error["Error"]["Message"] == "Value for parameter TaskHandle is invalid."


def test_move_task_fails_when_the_destination_disappears(
    server: Server, sqs: Any, make_queue: Callable[..., str]
) -> None:
    _, dlq = redriven(sqs, make_queue, 4)
    target = make_queue("doomed")
    sqs.start_message_move_task(
        SourceArn=arn_of(sqs, dlq), DestinationArn=arn_of(sqs, target), MaxNumberOfMessagesPerSecond=1
    )
    server.advance(2)
    sqs.delete_queue(QueueUrl=target)
    server.advance(5)
    task = sqs.list_message_move_tasks(SourceArn=arn_of(sqs, dlq))["Results"][0]
    assert task["Status"] == "FAILED"
    assert task["FailureReason"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert task["ApproximateNumberOfMessagesMoved"] == 2


def test_redrive_fills_the_receive_without_repeating_a_message(
    sqs: Any, make_queue: Callable[..., str]
) -> None:
    source, dlq = with_dlq(sqs, make_queue, max_receives=1)  # VisibilityTimeout 0: claimed stays visible
    sqs.send_message(QueueUrl=source, MessageBody="first")
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=source)["Messages"]] == ["first"]
    sqs.send_message_batch(
        QueueUrl=source, Entries=[{"Id": b, "MessageBody": b} for b in ("second", "third")]
    )
    received = sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10)["Messages"]
    assert sorted(m["Body"] for m in received) == ["second", "third"]
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=dlq)["Messages"]] == ["first"]
