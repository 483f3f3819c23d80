"""Standard-queue messages through boto3: send, receive, delete, visibility, attributes, batches.
Time-based behaviour advances the virtual clock instead of sleeping."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from sqs_support import error_of

from harness import Server


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def bodies(response: dict[str, Any]) -> list[str]:
    return [message["Body"] for message in response.get("Messages", [])]


def test_send_receive_delete(sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue()
    sent = sqs.send_message(QueueUrl=url, MessageBody="hello")
    assert sent["MD5OfMessageBody"] == md5("hello")
    received = sqs.receive_message(QueueUrl=url)["Messages"]
    assert received[0]["MessageId"] == sent["MessageId"]
    assert received[0]["MD5OfBody"] == md5("hello")
    assert "Attributes" not in received[0] and "MessageAttributes" not in received[0]
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None  # in flight
    sqs.delete_message(QueueUrl=url, ReceiptHandle=received[0]["ReceiptHandle"])
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert counts["ApproximateNumberOfMessages"] == counts["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_visibility_timeout_on_the_clock(server: Server, sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue(VisibilityTimeout="10")
    sqs.send_message(QueueUrl=url, MessageBody="m")
    first = sqs.receive_message(QueueUrl=url)["Messages"][0]
    server.advance(9)
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None
    server.advance(1.5)
    second = sqs.receive_message(QueueUrl=url, AttributeNames=["ApproximateReceiveCount"])["Messages"][0]
    assert second["ReceiptHandle"] != first["ReceiptHandle"]
    assert second["Attributes"]["ApproximateReceiveCount"] == "2"
    # A standard queue accepts the older handle for delete.
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
    server.advance(31)
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None


def test_receive_visibility_override_and_change_visibility(
    server: Server, sqs: Any, make_queue: Callable[..., str]
) -> None:
    url = make_queue()
    sqs.send_message(QueueUrl=url, MessageBody="m")
    handle = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"][0]["ReceiptHandle"]
    handle = sqs.receive_message(QueueUrl=url, VisibilityTimeout=100)["Messages"][0]["ReceiptHandle"]
    server.advance(50)
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
    handle = sqs.receive_message(QueueUrl=url)["Messages"][0]["ReceiptHandle"]
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=300)
    server.advance(299)
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None
    server.advance(2)
    assert bodies(sqs.receive_message(QueueUrl=url)) == ["m"]


def test_visibility_limits(server: Server, sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue()
    sqs.send_message(QueueUrl=url, MessageBody="m")
    handle = sqs.receive_message(QueueUrl=url, VisibilityTimeout=43_000)["Messages"][0]["ReceiptHandle"]
    error = error_of(
        sqs.change_message_visibility, QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=43_201
    )
    assert error["Error"]["Code"] == "InvalidParameterValue"
    server.advance(1000)
    error = error_of(
        sqs.change_message_visibility, QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=43_000
    )
    assert error["Error"]["Message"].endswith(
        "Total VisibilityTimeout for the message is beyond the limit [43200 seconds]"
    )
    error = error_of(sqs.receive_message, QueueUrl=url, VisibilityTimeout=43_201)
    assert error["Error"]["Code"] == "InvalidParameterValue"


def test_change_visibility_after_expiry_is_accepted_on_standard_queues(
    server: Server, sqs: Any, make_queue: Callable[..., str]
) -> None:
    url = make_queue(VisibilityTimeout="1")
    sqs.send_message(QueueUrl=url, MessageBody="m")
    handle = sqs.receive_message(QueueUrl=url)["Messages"][0]["ReceiptHandle"]
    server.advance(2)
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=20)
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None


def test_receipt_handle_errors(sqs: Any, make_queue: Callable[..., str]) -> None:
    url, other = make_queue("a"), make_queue("b")
    error = error_of(sqs.delete_message, QueueUrl=url, ReceiptHandle="garbage")
    assert error["Error"]["Code"] == "ReceiptHandleIsInvalid"
    assert error["Error"]["Message"] == 'The input receipt handle "garbage" is not a valid receipt handle.'
    sqs.send_message(QueueUrl=other, MessageBody="m")
    handle = sqs.receive_message(QueueUrl=other)["Messages"][0]["ReceiptHandle"]
    assert error_of(sqs.delete_message, QueueUrl=url, ReceiptHandle=handle)["Error"]["Code"] == (
        "ReceiptHandleIsInvalid"
    )
    sqs.delete_message(QueueUrl=other, ReceiptHandle=handle)
    sqs.delete_message(QueueUrl=other, ReceiptHandle=handle)  # deleting twice succeeds
    error = error_of(sqs.change_message_visibility, QueueUrl=other, ReceiptHandle=handle, VisibilityTimeout=5)
    assert error["Error"]["Code"] == "InvalidParameterValue"


def test_delay_queue_and_per_message_delay(server: Server, sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue(DelaySeconds="5")
    sqs.send_message(QueueUrl=url, MessageBody="queue-delay")
    sqs.send_message(QueueUrl=url, MessageBody="no-delay", DelaySeconds=0)
    sqs.send_message(QueueUrl=url, MessageBody="long-delay", DelaySeconds=20)
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == ["no-delay"]
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert counts["ApproximateNumberOfMessagesDelayed"] == "2"
    assert counts["ApproximateNumberOfMessagesNotVisible"] == "1"
    server.advance(5)
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == ["queue-delay"]
    server.advance(15)
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == ["long-delay"]
    error = error_of(sqs.send_message, QueueUrl=url, MessageBody="x", DelaySeconds=901)
    assert error["Error"]["Code"] == "InvalidParameterValue"


def test_retention_expires_messages(server: Server, sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue(MessageRetentionPeriod="60")
    sqs.send_message(QueueUrl=url, MessageBody="old")
    server.advance(30)
    sqs.send_message(QueueUrl=url, MessageBody="new")
    server.advance(31)
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"
    ] == {"ApproximateNumberOfMessages": "1"}
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == ["new"]


def test_message_attributes_and_their_md5(sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue()
    attributes = {
        "Help.Me": {"DataType": "String", "StringValue": "Me"},
        "Hello": {"DataType": "String", "StringValue": "There"},
        "General": {"DataType": "String", "StringValue": "Kenobi"},
        "Count": {"DataType": "Number.int", "StringValue": "42"},
        "Blob": {"DataType": "Binary", "BinaryValue": b"\x00\xff"},
    }
    sent = sqs.send_message(QueueUrl=url, MessageBody="msg", MessageAttributes=attributes)
    message = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"], VisibilityTimeout=0)[
        "Messages"
    ][0]
    assert message["MessageAttributes"] == attributes
    assert message["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    three = {k: attributes[k] for k in ("Help.Me", "Hello", "General")}
    sqs.purge_queue(QueueUrl=url)
    sent = sqs.send_message(QueueUrl=url, MessageBody="msg", MessageAttributes=three)
    assert sent["MD5OfMessageAttributes"] == "4c360f3fdafd970e05fae2f149d997f5"  # as real SQS answers
    filtered = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["Hel.*"], VisibilityTimeout=0)[
        "Messages"
    ][0]
    assert set(filtered["MessageAttributes"]) == {"Hello", "Help.Me"}
    assert filtered["MD5OfMessageAttributes"] == "83fee93c1bcd8b9a5a923ffacdc636c7"
    exact = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["Hello", "Nope"], VisibilityTimeout=0)
    assert exact["Messages"][0]["MD5OfMessageAttributes"] == "a311262e065454b75da111d535b8dacd"
    none = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["Nope"])["Messages"][0]
    assert "MessageAttributes" not in none and "MD5OfMessageAttributes" not in none


def test_message_attribute_errors(sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue()
    error = error_of(
        sqs.send_message,
        QueueUrl=url,
        MessageBody="x",
        MessageAttributes={"ErrorDetails": {"DataType": "String", "StringValue": ""}},
    )
    assert error["Error"]["Message"] == (
        "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'."
    )
    too_many = {f"a{i}": {"DataType": "String", "StringValue": "v"} for i in range(11)}
    assert error_of(sqs.send_message, QueueUrl=url, MessageBody="x", MessageAttributes=too_many)["Error"][
        "Code"
    ] == ("InvalidParameterValue")
    reserved = {"AWS.thing": {"DataType": "String", "StringValue": "v"}}
    assert error_of(sqs.send_message, QueueUrl=url, MessageBody="x", MessageAttributes=reserved)["Error"][
        "Code"
    ] == ("InvalidParameterValue")


def test_system_attributes_on_receive(sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue()
    trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
    sent = sqs.send_message(
        QueueUrl=url,
        MessageBody="m",
        MessageSystemAttributes={"AWSTraceHeader": {"DataType": "String", "StringValue": trace}},
    )
    assert (
        sent["MD5OfMessageSystemAttributes"]
        == hashlib.md5(
            b"\x00\x00\x00\x0eAWSTraceHeader\x00\x00\x00\x06String\x01"
            + len(trace).to_bytes(4, "big")
            + trace.encode()
        ).hexdigest()
    )
    message = sqs.receive_message(QueueUrl=url, MessageSystemAttributeNames=["All"])["Messages"][0]
    attributes = message["Attributes"]
    assert set(attributes) == {
        "SenderId",
        "SentTimestamp",
        "ApproximateReceiveCount",
        "ApproximateFirstReceiveTimestamp",
        "AWSTraceHeader",
    }
    assert attributes["AWSTraceHeader"] == trace and attributes["SenderId"] == "000000000000"
    assert int(attributes["SentTimestamp"]) <= int(attributes["ApproximateFirstReceiveTimestamp"])
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
    only = sqs.receive_message(QueueUrl=url, AttributeNames=["SenderId"])["Messages"][0]
    assert only["Attributes"] == {"SenderId": "000000000000"}


def test_body_validation_and_size(sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue(MaximumMessageSize="1024")
    error = error_of(sqs.send_message, QueueUrl=url, MessageBody="bad \x00 char")
    assert error["Error"]["Code"] == "InvalidMessageContents"
    error = error_of(sqs.send_message, QueueUrl=url, MessageBody="")
    assert error["Error"]["Code"] == "MissingParameter"
    assert error["Error"]["Message"] == "The request must contain the parameter MessageBody."
    error = error_of(sqs.send_message, QueueUrl=url, MessageBody="x" * 1025)
    assert error["Error"]["Message"] == (
        "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes."
    )
    sqs.send_message(QueueUrl=url, MessageBody="x" * 1024)
    sqs.send_message(QueueUrl=url, MessageBody="emoji 😀 and ünïcode")
    big = make_queue("big")
    sqs.send_message(QueueUrl=big, MessageBody="x" * 1_048_576)
    error = error_of(sqs.send_message, QueueUrl=big, MessageBody="x" * 1_048_577)
    assert error["Error"]["Code"] == "InvalidParameterValue"


def test_receive_parameter_limits(sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue()
    error = error_of(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=11)
    assert error["Error"]["Message"] == (
        "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."
    )
    error = error_of(sqs.receive_message, QueueUrl=url, WaitTimeSeconds=21)
    assert error["Error"]["Message"] == (
        "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided."
    )
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": str(i)} for i in range(10)])
    assert len(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]) == 10


def test_send_batch(sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue(MaximumMessageSize="1024")
    result = sqs.send_message_batch(
        QueueUrl=url,
        Entries=[
            {
                "Id": "ok",
                "MessageBody": "a",
                "MessageAttributes": {"k": {"DataType": "String", "StringValue": "v"}},
            },
            {"Id": "too-big", "MessageBody": "x" * 1025},
            {"Id": "bad-chars", "MessageBody": "\x01"},
            {"Id": "delayed", "MessageBody": "d", "DelaySeconds": 10},
        ],
    )
    assert [entry["Id"] for entry in result["Successful"]] == ["ok", "delayed"]
    assert result["Successful"][0]["MD5OfMessageBody"] == md5("a")
    assert "MD5OfMessageAttributes" in result["Successful"][0]
    failed = {entry["Id"]: entry for entry in result["Failed"]}
    assert failed["too-big"] == {
        "Id": "too-big",
        "SenderFault": True,
        "Code": "InvalidParameterValue",
        "Message": "One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.",
    }
    assert failed["bad-chars"]["Code"] == "InvalidMessageContents"


def test_batch_request_errors(sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue()
    cases = [
        ([], "AWS.SimpleQueueService.EmptyBatchRequest"),
        (
            [{"Id": str(i), "MessageBody": "x"} for i in range(11)],
            "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
        ),
        (
            [{"Id": "a", "MessageBody": "x"}, {"Id": "a", "MessageBody": "y"}],
            "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
        ),
        ([{"Id": "bad:id", "MessageBody": "x"}], "AWS.SimpleQueueService.InvalidBatchEntryId"),
        (
            [{"Id": str(i), "MessageBody": "x" * 262_144} for i in range(5)],
            "AWS.SimpleQueueService.BatchRequestTooLong",
        ),
    ]
    for entries, code in cases:
        assert error_of(sqs.send_message_batch, QueueUrl=url, Entries=entries)["Error"]["Code"] == code
    error = error_of(sqs.delete_message_batch, QueueUrl=url, Entries=[])
    assert error["Error"]["Code"] == "AWS.SimpleQueueService.EmptyBatchRequest"
    error = error_of(
        sqs.change_message_visibility_batch,
        QueueUrl=url,
        Entries=[{"Id": str(i), "ReceiptHandle": "x", "VisibilityTimeout": 1} for i in range(11)],
    )
    assert error["Error"]["Code"] == "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"


def test_delete_and_change_visibility_batches(sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue()
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": str(i)} for i in range(4)])
    handles = [
        m["ReceiptHandle"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=4)["Messages"]
    ]
    changed = sqs.change_message_visibility_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "a", "ReceiptHandle": handles[0], "VisibilityTimeout": 0},
            {"Id": "b", "ReceiptHandle": "garbage", "VisibilityTimeout": 0},
        ],
    )
    assert changed["Successful"] == [{"Id": "a"}]
    assert changed["Failed"][0]["Id"] == "b" and changed["Failed"][0]["Code"] == "ReceiptHandleIsInvalid"
    deleted = sqs.delete_message_batch(
        QueueUrl=url,
        Entries=[{"Id": f"d{i}", "ReceiptHandle": handle} for i, handle in enumerate(handles[1:])]
        + [{"Id": "bad", "ReceiptHandle": "garbage"}],
    )
    assert [entry["Id"] for entry in deleted["Successful"]] == ["d0", "d1", "d2"]
    assert deleted["Failed"][0]["SenderFault"] is True
    assert len(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]) == 1


def test_deduplication_id_not_allowed_on_standard_queues(sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue()
    error = error_of(sqs.send_message, QueueUrl=url, MessageBody="x", MessageDeduplicationId="d")
    assert error["Error"]["Message"] == (
        "Value d for parameter MessageDeduplicationId is invalid. Reason: "
        "The request include parameter that is not valid for this queue type."
    )
    # Fair queues: a standard queue takes a MessageGroupId and reports it back.
    sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="tenant-1")
    message = sqs.receive_message(QueueUrl=url, MessageSystemAttributeNames=["MessageGroupId"])["Messages"][0]
    assert message["Attributes"] == {"MessageGroupId": "tenant-1"}


def test_counts(server: Server, sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue()
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "x"} for i in range(5)])
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=60)
    sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2)
    names = [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    ]
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"] == {
        "ApproximateNumberOfMessages": "3",
        "ApproximateNumberOfMessagesNotVisible": "2",
        "ApproximateNumberOfMessagesDelayed": "1",
    }
