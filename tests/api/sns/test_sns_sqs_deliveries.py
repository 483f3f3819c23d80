"""Publish to SQS subscriptions: the envelope field by field, its signature, raw delivery,
filter policies on attributes and on the body, MessageStructure, PublishBatch, dead letters."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from sns_support import Subscribed, error_of, verify

from harness import Server

TopicFactory = Callable[..., str]
QueueFactory = Callable[..., Subscribed]


def test_the_envelope_field_by_field(
    server: Server, sns: Any, make_topic: TopicFactory, subscribe_queue: QueueFactory
) -> None:
    topic = make_topic("orders")
    queue = subscribe_queue(topic)
    assert queue.subscription_arn.startswith(topic + ":")
    published = sns.publish(
        TopicArn=topic,
        Message="hello",
        Subject="Greetings",
        MessageAttributes={
            "store": {"DataType": "String", "StringValue": "north"},
            "price": {"DataType": "Number", "StringValue": "12.5"},
            "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
        },
    )
    [message] = queue.receive(server)
    assert "MessageAttributes" not in message  # the attributes are inside the envelope
    note = json.loads(message["Body"])
    assert list(note) == [
        "Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion",
        "Signature", "SigningCertURL", "UnsubscribeURL", "MessageAttributes",
    ]  # fmt: skip
    assert note["Type"] == "Notification"
    assert note["MessageId"] == published["MessageId"]
    assert note["TopicArn"] == topic
    assert note["Subject"] == "Greetings"
    assert note["Message"] == "hello"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", note["Timestamp"])
    assert note["SignatureVersion"] == "1"
    assert note["SigningCertURL"] == f"{server.endpoint}/_cloudlet/sns/SimpleNotificationService.pem"
    assert (
        note["UnsubscribeURL"]
        == f"{server.endpoint}/?Action=Unsubscribe&SubscriptionArn={queue.subscription_arn}"
    )
    assert note["MessageAttributes"] == {
        "store": {"Type": "String", "Value": "north"},
        "price": {"Type": "Number", "Value": "12.5"},
        "blob": {"Type": "Binary", "Value": "AAE="},
    }
    verify(note)


def test_subject_and_attributes_are_left_out_when_absent(
    server: Server, sns: Any, make_topic: TopicFactory, subscribe_queue: QueueFactory
) -> None:
    topic = make_topic()
    queue = subscribe_queue(topic)
    sns.publish(TopicArn=topic, Message="plain")
    [note] = queue.bodies(server)
    assert "Subject" not in note and "MessageAttributes" not in note
    verify(note)


def test_signature_version_2_is_sha256(
    server: Server, sns: Any, make_topic: TopicFactory, subscribe_queue: QueueFactory
) -> None:
    topic = make_topic(SignatureVersion="2")
    queue = subscribe_queue(topic)
    sns.publish(TopicArn=topic, Message="v2", Subject="s")
    [note] = queue.bodies(server)
    assert note["SignatureVersion"] == "2"
    verify(note)
    tampered = {**note, "Message": "v3"}
    with pytest.raises(InvalidSignature):
        verify(tampered)


def test_the_unsubscribe_url_unsubscribes(
    server: Server, sns: Any, make_topic: TopicFactory, subscribe_queue: QueueFactory
) -> None:
    topic = make_topic()
    queue = subscribe_queue(topic)
    sns.publish(TopicArn=topic, Message="one")
    [note] = queue.bodies(server)
    with urllib.request.urlopen(note["UnsubscribeURL"]) as response:
        assert response.status == 200
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []


def test_raw_message_delivery_maps_attributes(
    server: Server, sns: Any, make_topic: TopicFactory, subscribe_queue: QueueFactory
) -> None:
    topic = make_topic()
    queue = subscribe_queue(topic, RawMessageDelivery="true")
    sns.publish(
        TopicArn=topic,
        Message='{"raw": true}',
        MessageAttributes={
            "color": {"DataType": "String", "StringValue": "red"},
            "size": {"DataType": "Number", "StringValue": "3"},
            "bin": {"DataType": "Binary", "BinaryValue": b"\xff"},
        },
    )
    [message] = queue.receive(server)
    assert message["Body"] == '{"raw": true}'
    assert message["MessageAttributes"] == {
        "color": {"DataType": "String", "StringValue": "red"},
        "size": {"DataType": "Number", "StringValue": "3"},
        "bin": {"DataType": "Binary", "BinaryValue": b"\xff"},
    }


def test_filter_policy_on_attributes(
    server: Server, sns: Any, make_topic: TopicFactory, subscribe_queue: QueueFactory
) -> None:
    topic = make_topic()
    policy = {"store": ["north"], "price": [{"numeric": [">", 10]}]}
    queue = subscribe_queue(topic, FilterPolicy=json.dumps(policy))
    everything = subscribe_queue(topic, "all")

    def publish(store: str, price: str) -> None:
        attributes = {
            "store": {"DataType": "String", "StringValue": store},
            "price": {"DataType": "Number", "StringValue": price},
        }
        sns.publish(TopicArn=topic, Message=f"{store}-{price}", MessageAttributes=attributes)

    publish("north", "20")
    publish("north", "5")
    publish("south", "20")
    sns.publish(TopicArn=topic, Message="no-attributes")
    assert [n["Message"] for n in queue.bodies(server)] == ["north-20"]
    assert len(everything.receive(server)) == 4


def test_filter_policy_on_the_body(
    server: Server, sns: Any, make_topic: TopicFactory, subscribe_queue: QueueFactory
) -> None:
    topic = make_topic()
    policy = {"order": {"kind": ["book"], "total": [{"numeric": [">=", 100]}]}}
    queue = subscribe_queue(topic, FilterPolicy=json.dumps(policy), FilterPolicyScope="MessageBody")
    sns.publish(TopicArn=topic, Message=json.dumps({"order": {"kind": "book", "total": 150}}))
    sns.publish(TopicArn=topic, Message=json.dumps({"order": {"kind": "book", "total": 50}}))
    sns.publish(TopicArn=topic, Message="not json")
    assert [json.loads(n["Message"])["order"]["total"] for n in queue.bodies(server)] == [150]
    attributes = sns.get_subscription_attributes(SubscriptionArn=queue.subscription_arn)["Attributes"]
    assert attributes["FilterPolicyScope"] == "MessageBody"
    assert json.loads(attributes["FilterPolicy"]) == policy


def test_filter_policy_changes_and_errors(
    server: Server, sns: Any, make_topic: TopicFactory, subscribe_queue: QueueFactory
) -> None:
    topic = make_topic()
    queue = subscribe_queue(topic)
    arn = queue.subscription_arn
    sns.set_subscription_attributes(
        SubscriptionArn=arn, AttributeName="FilterPolicy", AttributeValue=json.dumps({"a": ["x"]})
    )
    sns.publish(
        TopicArn=topic, Message="m1", MessageAttributes={"a": {"DataType": "String", "StringValue": "y"}}
    )
    assert queue.receive(server) == []
    sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName="FilterPolicy", AttributeValue="")
    sns.publish(TopicArn=topic, Message="m2")
    assert [n["Message"] for n in queue.bodies(server)] == ["m2"]
    with pytest.raises(sns.exceptions.InvalidParameterException) as excinfo:
        sns.set_subscription_attributes(
            SubscriptionArn=arn, AttributeName="FilterPolicy", AttributeValue=json.dumps({"a": "x"})
        )
    code, message, status = error_of(excinfo)
    assert (code, status) == ("InvalidParameter", 400) and message.startswith(
        "Invalid parameter: FilterPolicy: "
    )
    with pytest.raises(sns.exceptions.InvalidParameterException) as excinfo:
        sns.subscribe(
            TopicArn=topic, Protocol="sqs", Endpoint=queue.arn + "x", Attributes={"FilterPolicy": "{not json"}
        )
    assert error_of(excinfo)[1].startswith("Invalid parameter: Attributes Reason: FilterPolicy: ")


def test_message_structure_json(
    server: Server, sns: Any, make_topic: TopicFactory, subscribe_queue: QueueFactory
) -> None:
    topic = make_topic()
    queue = subscribe_queue(topic)
    sns.publish(
        TopicArn=topic, MessageStructure="json", Message=json.dumps({"default": "d", "sqs": "for sqs"})
    )
    [note] = queue.bodies(server)
    assert note["Message"] == "for sqs"
    verify(note)
    with pytest.raises(sns.exceptions.InvalidParameterException) as excinfo:
        sns.publish(TopicArn=topic, MessageStructure="json", Message=json.dumps({"sqs": "x"}))
    assert (
        error_of(excinfo)[1] == "Invalid parameter: Message Structure - No default entry in JSON message body"
    )


def test_publish_validation(sns: Any, make_topic: TopicFactory) -> None:
    topic = make_topic()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"Message": ""}, "Invalid parameter: Empty message"),
        ({"Message": "x" * 262_145}, "Invalid parameter: Message too long"),
        ({"Message": "x", "Subject": "line\nbreak"}, "Invalid parameter: Subject"),
        (
            {"Message": "x", "MessageDeduplicationId": "d"},
            "Invalid parameter: MessageDeduplicationId Reason:",
        ),
    ]
    for params, message in cases:
        with pytest.raises(sns.exceptions.InvalidParameterException) as excinfo:
            sns.publish(TopicArn=topic, **params)
        assert error_of(excinfo)[1].startswith(message)
    with pytest.raises(sns.exceptions.InvalidParameterValueException) as excinfo:
        sns.publish(
            TopicArn=topic, Message="x", MessageAttributes={"n": {"DataType": "Number", "StringValue": "abc"}}
        )
    assert error_of(excinfo)[0] == "ParameterValueInvalid"
    with pytest.raises(sns.exceptions.InvalidParameterValueException):
        sns.publish(
            TopicArn=topic, Message="x", MessageAttributes={"n": {"DataType": "Float", "StringValue": "1"}}
        )
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.publish(PhoneNumber="+15555550100", Message="sms")


def test_publish_batch(
    server: Server, sns: Any, make_topic: TopicFactory, subscribe_queue: QueueFactory
) -> None:
    topic = make_topic()
    queue = subscribe_queue(topic)
    result = sns.publish_batch(
        TopicArn=topic,
        PublishBatchRequestEntries=[
            {"Id": "a", "Message": "first"},
            {"Id": "b", "Message": ""},
            {"Id": "c", "Message": "third", "Subject": "s"},
        ],
    )
    assert [s["Id"] for s in result["Successful"]] == ["a", "c"]
    assert result["Failed"] == [
        {
            "Id": "b",
            "Code": "InvalidParameter",
            "Message": "Invalid parameter: Empty message",
            "SenderFault": True,
        }
    ]
    assert sorted(n["Message"] for n in queue.bodies(server)) == ["first", "third"]

    def batch_error(entries: list[dict[str, Any]]) -> tuple[str, str, int]:
        with pytest.raises(sns.exceptions.ClientError) as excinfo:
            sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=entries)
        return error_of(excinfo)

    assert batch_error([{"Id": "x", "Message": "1"}, {"Id": "x", "Message": "2"}]) == (
        "BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id.", 400,
    )  # fmt: skip
    assert (
        batch_error([{"Id": str(i), "Message": "m"} for i in range(11)])[0] == "TooManyEntriesInBatchRequest"
    )
    assert batch_error([])[0] == "EmptyBatchRequest"
    assert batch_error([{"Id": "bad id!", "Message": "m"}])[0] == "InvalidBatchEntryId"


def test_deleted_queue_sends_to_the_dead_letter_queue(
    server: Server, sns: Any, sqs: Any, make_topic: TopicFactory, subscribe_queue: QueueFactory
) -> None:
    topic = make_topic()
    dlq_url = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    queue = subscribe_queue(topic, RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq_arn}))
    sqs.delete_queue(QueueUrl=queue.url)
    sns.publish(TopicArn=topic, Message="lost")
    server.settle()
    [message] = sqs.receive_message(QueueUrl=dlq_url).get("Messages", [])
    assert json.loads(message["Body"])["Message"] == "lost"


def test_publish_batch_attributes_and_array_filters(
    server: Server, sns: Any, make_topic: TopicFactory, subscribe_queue: QueueFactory
) -> None:
    topic = make_topic()
    queue = subscribe_queue(topic, RawMessageDelivery="true", FilterPolicy=json.dumps({"tags": ["red"]}))
    sns.publish_batch(
        TopicArn=topic,
        PublishBatchRequestEntries=[
            {
                "Id": "hit",
                "Message": "tagged red",
                "MessageAttributes": {
                    "tags": {"DataType": "String.Array", "StringValue": '["blue", "red"]'},
                    "raw": {"DataType": "Binary", "BinaryValue": b"\x01\x02"},
                },
            },
            {
                "Id": "miss",
                "Message": "tagged blue",
                "MessageAttributes": {"tags": {"DataType": "String.Array", "StringValue": '["blue"]'}},
            },
        ],
    )
    [message] = queue.receive(server)
    assert message["Body"] == "tagged red"
    assert message["MessageAttributes"]["tags"] == {
        "DataType": "String.Array",
        "StringValue": '["blue", "red"]',
    }
    assert message["MessageAttributes"]["raw"] == {"DataType": "Binary", "BinaryValue": b"\x01\x02"}
