"""FIFO topics to FIFO queues: order, group ids, deduplication (explicit and content-based) on the clock."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sns_support import Subscribed, error_of

from harness import Server

TopicFactory = Callable[..., str]
QueueFactory = Callable[..., Subscribed]


def test_order_group_and_sequence_numbers(
    server: Server, sns: Any, make_topic: TopicFactory, subscribe_queue: QueueFactory
) -> None:
    topic = make_topic("events.fifo")
    queue = subscribe_queue(topic, "events.fifo")
    results = [
        sns.publish(TopicArn=topic, Message=f"m{i}", MessageGroupId="g1", MessageDeduplicationId=f"d{i}")
        for i in range(5)
    ]
    sequences = [int(r["SequenceNumber"]) for r in results]
    assert sequences == sorted(sequences) and len(set(sequences)) == 5
    assert all(len(r["SequenceNumber"]) == 20 for r in results)
    messages = queue.receive(server)
    notes = [json.loads(m["Body"]) for m in messages]
    assert [n["Message"] for n in notes] == ["m0", "m1", "m2", "m3", "m4"]
    first = notes[0]
    assert list(first) == [
        "Type",
        "MessageId",
        "SequenceNumber",
        "TopicArn",
        "Message",
        "Timestamp",
        "UnsubscribeURL",
    ]
    assert first["SequenceNumber"] == results[0]["SequenceNumber"]
    assert first["MessageId"] == results[0]["MessageId"]
    assert messages[0]["Attributes"]["MessageGroupId"] == "g1"
    assert messages[0]["Attributes"]["MessageDeduplicationId"] == "d0"


def test_deduplication_window_is_five_minutes(
    server: Server, sns: Any, make_topic: TopicFactory, subscribe_queue: QueueFactory
) -> None:
    topic = make_topic("dedup.fifo")
    queue = subscribe_queue(topic, "dedup.fifo", RawMessageDelivery="true")
    first = sns.publish(TopicArn=topic, Message="once", MessageGroupId="g", MessageDeduplicationId="same")
    again = sns.publish(TopicArn=topic, Message="twice", MessageGroupId="g", MessageDeduplicationId="same")
    assert again["MessageId"] == first["MessageId"]
    assert again["SequenceNumber"] == first["SequenceNumber"]
    messages = queue.receive(server)
    assert [m["Body"] for m in messages] == ["once"]
    queue.sqs.delete_message(QueueUrl=queue.url, ReceiptHandle=messages[0]["ReceiptHandle"])
    server.advance(301)  # past SNS's and SQS's five-minute windows
    later = sns.publish(TopicArn=topic, Message="later", MessageGroupId="g", MessageDeduplicationId="same")
    assert later["MessageId"] != first["MessageId"]
    assert [m["Body"] for m in queue.receive(server)] == ["later"]


def test_content_based_deduplication(
    server: Server, sns: Any, make_topic: TopicFactory, subscribe_queue: QueueFactory
) -> None:
    topic = make_topic("cbd.fifo", ContentBasedDeduplication="true")
    queue = subscribe_queue(topic, "cbd.fifo", RawMessageDelivery="true")
    a = sns.publish(TopicArn=topic, Message="same body", MessageGroupId="g")
    b = sns.publish(TopicArn=topic, Message="same body", MessageGroupId="g")
    sns.publish(TopicArn=topic, Message="other body", MessageGroupId="g")
    assert a["MessageId"] == b["MessageId"]
    assert [m["Body"] for m in queue.receive(server)] == ["same body", "other body"]


def test_fifo_publish_errors(sns: Any, make_topic: TopicFactory) -> None:
    topic = make_topic("strict.fifo")
    with pytest.raises(sns.exceptions.InvalidParameterException) as excinfo:
        sns.publish(TopicArn=topic, Message="x", MessageDeduplicationId="d")
    assert (
        error_of(excinfo)[1] == "Invalid parameter: The MessageGroupId parameter is required for FIFO topics"
    )
    with pytest.raises(sns.exceptions.InvalidParameterException) as excinfo:
        sns.publish(TopicArn=topic, Message="x", MessageGroupId="g")
    assert error_of(excinfo)[1] == (
        "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or"
        " MessageDeduplicationId provided explicitly"
    )
    result = sns.publish_batch(
        TopicArn=topic,
        PublishBatchRequestEntries=[
            {"Id": "ok", "Message": "m", "MessageGroupId": "g", "MessageDeduplicationId": "1"},
            {"Id": "nogroup", "Message": "m", "MessageDeduplicationId": "2"},
        ],
    )
    assert [s["Id"] for s in result["Successful"]] == ["ok"]
    assert "SequenceNumber" in result["Successful"][0]
    assert [f["Id"] for f in result["Failed"]] == ["nogroup"]


def test_fifo_subscription_rules(sns: Any, make_topic: TopicFactory) -> None:
    standard = make_topic("std")
    with pytest.raises(sns.exceptions.InvalidParameterException) as excinfo:
        sns.subscribe(TopicArn=standard, Protocol="sqs", Endpoint="arn:aws:sqs:us-east-1:000000000000:q.fifo")
    assert "FIFO SQS Queues can not be subscribed to standard SNS topics" in error_of(excinfo)[1]
    fifo = make_topic("f.fifo")
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.subscribe(
            TopicArn=fifo, Protocol="lambda", Endpoint="arn:aws:lambda:us-east-1:000000000000:function:f"
        )


def test_a_standard_queue_on_a_fifo_topic(
    server: Server, sns: Any, make_topic: TopicFactory, subscribe_queue: QueueFactory
) -> None:
    topic = make_topic("mixed.fifo")
    queue = subscribe_queue(topic, "plain")
    sns.publish(TopicArn=topic, Message="m", MessageGroupId="g", MessageDeduplicationId="d")
    [note] = queue.bodies(server)
    assert note["Message"] == "m" and "SequenceNumber" in note
