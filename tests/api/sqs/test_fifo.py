"""FIFO queues through boto3: group order and locking, deduplication, sequence numbers, retries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqs_support import error_of

from harness import Server


def bodies(response: dict[str, Any]) -> list[str]:
    return [message["Body"] for message in response.get("Messages", [])]


def send(sqs: Any, url: str, body: str, group: str = "g", dedup: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = sqs.send_message(
        QueueUrl=url, MessageBody=body, MessageGroupId=group, MessageDeduplicationId=dedup or body
    )
    return result


def test_order_within_a_group_and_sequence_numbers(sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue("ordered.fifo")
    sequences = [int(send(sqs, url, f"m{i}")["SequenceNumber"]) for i in range(5)]
    assert sequences == sorted(sequences) and len(set(sequences)) == 5
    assert all(len(str(number)) >= 20 for number in sequences)
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])["Messages"]
    assert [m["Body"] for m in received] == [f"m{i}" for i in range(5)]
    attributes = received[0]["Attributes"]
    assert attributes["MessageGroupId"] == "g"
    assert attributes["MessageDeduplicationId"] == "m0"
    assert int(attributes["SequenceNumber"]) == sequences[0]


def test_a_group_is_locked_while_a_message_is_in_flight(
    server: Server, sqs: Any, make_queue: Callable[..., str]
) -> None:
    url = make_queue("locked.fifo", VisibilityTimeout="30")
    for body in ("a1", "a2", "a3"):
        send(sqs, url, body, group="a")
    send(sqs, url, "b1", group="b")
    first = sqs.receive_message(QueueUrl=url)["Messages"]
    assert bodies({"Messages": first}) == ["a1"]
    # Group a is locked by a1: only b is available.
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == ["b1"]
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"])
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == ["a2", "a3"]


def test_a_receive_stops_at_the_first_invisible_message_of_a_group(
    server: Server, sqs: Any, make_queue: Callable[..., str]
) -> None:
    url = make_queue("prefix.fifo", VisibilityTimeout="1")
    for body in ("foo", "bar", "baz"):
        send(sqs, url, body)
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=5)["Messages"]
    assert bodies({"Messages": received}) == ["foo", "bar", "baz"]
    sqs.change_message_visibility(
        QueueUrl=url, ReceiptHandle=received[1]["ReceiptHandle"], VisibilityTimeout=4
    )
    server.advance(2)
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=5)) == ["foo"]


def test_groups_come_in_the_order_they_became_available(sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue("groups.fifo")
    send(sqs, url, "g1-m1", group="group-1")
    send(sqs, url, "g1-m2", group="group-1")
    send(sqs, url, "g2-m1", group="group-2")
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2)["Messages"]
    assert bodies({"Messages": received}) == ["g1-m1", "g1-m2"]
    sqs.change_message_visibility(
        QueueUrl=url, ReceiptHandle=received[0]["ReceiptHandle"], VisibilityTimeout=0
    )
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=3)) == ["g2-m1", "g1-m1"]


def test_deduplication_within_five_minutes(server: Server, sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue("dedup.fifo")
    original = send(sqs, url, "one", dedup="d")
    duplicate = send(sqs, url, "two", dedup="d")
    assert duplicate["MessageId"] == original["MessageId"]
    assert duplicate["SequenceNumber"] == original["SequenceNumber"]
    message = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert bodies({"Messages": message}) == ["one"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message[0]["ReceiptHandle"])
    send(sqs, url, "three", dedup="d")  # still inside the window, even after the delete
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None
    server.advance(301)
    send(sqs, url, "four", dedup="d")
    assert bodies(sqs.receive_message(QueueUrl=url)) == ["four"]


def test_content_based_deduplication(sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue("content.fifo", ContentBasedDeduplication="true")
    first = sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g")
    second = sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g")
    assert first["MessageId"] == second["MessageId"]
    message = sqs.receive_message(QueueUrl=url, AttributeNames=["MessageDeduplicationId"])["Messages"][0]
    assert message["Attributes"]["MessageDeduplicationId"] == (
        "0967115f2813a3541eaef77de9d9d5773f1c0c04314b0bbfe4ff3b3b1c55b5d5"  # SHA-256 of the body
    )


def test_deduplication_scope_message_group(sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue(
        "scoped.fifo", DeduplicationScope="messageGroup", FifoThroughputLimit="perMessageGroupId"
    )
    a = send(sqs, url, "x", group="a", dedup="same")
    b = send(sqs, url, "x", group="b", dedup="same")
    assert a["MessageId"] != b["MessageId"]
    assert len(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]) == 2
    error = error_of(
        sqs.create_queue,
        QueueName="bad.fifo",
        Attributes={"FifoQueue": "true", "FifoThroughputLimit": "perMessageGroupId"},
    )
    assert error["Error"]["Code"] == "InvalidAttributeValue"


def test_fifo_send_errors(sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue("strict.fifo")
    error = error_of(sqs.send_message, QueueUrl=url, MessageBody="x", MessageDeduplicationId="d")
    assert error["Error"] == {
        "Code": "MissingParameter",
        "Message": "The request must contain the parameter MessageGroupId.",
        "QueryErrorCode": "MissingRequiredParameterException",
        "Type": "Sender",
    }
    error = error_of(sqs.send_message, QueueUrl=url, MessageBody="x", MessageGroupId="g")
    assert error["Error"]["Code"] == "InvalidParameterValue"
    assert error["Error"]["Message"] == (
        "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"
    )
    error = error_of(
        sqs.send_message,
        QueueUrl=url,
        MessageBody="x",
        MessageGroupId="g",
        MessageDeduplicationId="d",
        DelaySeconds=2,
    )
    assert error["Error"]["Message"] == (
        "Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid "
        "for this queue type."
    )
    error = error_of(
        sqs.send_message, QueueUrl=url, MessageBody="x", MessageGroupId="g 1", MessageDeduplicationId="d"
    )
    assert (
        "MessageGroupId can only include alphanumeric and punctuation characters" in error["Error"]["Message"]
    )
    error = error_of(
        sqs.send_message_batch,
        QueueUrl=url,
        Entries=[{"Id": "1", "MessageBody": "x", "MessageDeduplicationId": "d"}],
    )
    assert error["Error"]["Message"] == "The request must contain the parameter MessageGroupId."
    sqs.send_message(
        QueueUrl=url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d", DelaySeconds=0
    )


def test_fifo_expired_receipt_handle(server: Server, sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue("expiring.fifo", VisibilityTimeout="5")
    send(sqs, url, "m")
    handle = sqs.receive_message(QueueUrl=url)["Messages"][0]["ReceiptHandle"]
    server.advance(6)
    error = error_of(sqs.delete_message, QueueUrl=url, ReceiptHandle=handle)
    assert error["Error"]["Code"] == "InvalidParameterValue"
    assert error["Error"]["Message"] == (
        f"Value {handle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired."
    )
    error = error_of(sqs.change_message_visibility, QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=10)
    assert error["Error"]["Code"] == "AWS.SimpleQueueService.MessageNotInflight"
    fresh = sqs.receive_message(QueueUrl=url)["Messages"][0]["ReceiptHandle"]
    assert error_of(sqs.delete_message, QueueUrl=url, ReceiptHandle=handle)["Error"]["Code"] == (
        "InvalidParameterValue"
    )
    sqs.delete_message(QueueUrl=url, ReceiptHandle=fresh)


def test_receive_request_attempt_id_returns_the_same_messages(
    server: Server, sqs: Any, make_queue: Callable[..., str]
) -> None:
    url = make_queue("attempts.fifo", VisibilityTimeout="30")
    for i in range(3):
        send(sqs, url, f"m{i}", group=f"g{i}")
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="try-1")[
        "Messages"
    ]
    server.advance(20)
    again = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="try-1")[
        "Messages"
    ]
    assert [(m["MessageId"], m["ReceiptHandle"]) for m in again] == [
        (m["MessageId"], m["ReceiptHandle"]) for m in first
    ]
    server.advance(20)  # the retry reset the visibility timeout: still in flight
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == ["m2"]


def test_fifo_queue_counts_and_delay(server: Server, sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue("delayed.fifo", DelaySeconds="10")
    send(sqs, url, "later")
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessagesDelayed"])[
        "Attributes"
    ] == {"ApproximateNumberOfMessagesDelayed": "1"}
    server.advance(10)
    assert bodies(sqs.receive_message(QueueUrl=url)) == ["later"]


def test_fifo_batch_keeps_order_and_deduplicates_within_the_batch(
    sqs: Any, make_queue: Callable[..., str]
) -> None:
    url = make_queue("batch.fifo")
    result = sqs.send_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "a", "MessageBody": "1", "MessageGroupId": "g", "MessageDeduplicationId": "d1"},
            {"Id": "b", "MessageBody": "2", "MessageGroupId": "g", "MessageDeduplicationId": "d2"},
            {"Id": "c", "MessageBody": "1 again", "MessageGroupId": "g", "MessageDeduplicationId": "d1"},
        ],
    )
    ids = {entry["Id"]: entry["MessageId"] for entry in result["Successful"]}
    assert ids["a"] == ids["c"] != ids["b"]
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == ["1", "2"]
