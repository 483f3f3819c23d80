"""Lambda subscriptions: the event in AWS's shape (Records[0].Sns, its own casing), async invoke,
and dead letters when the function is missing."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

from harness import Server

TopicFactory = Callable[..., str]
ROLE = "arn:aws:iam::000000000000:role/lambda-role"
REPORTER = """
import json, os
import boto3

def handler(event, context):
    boto3.client("sqs").send_message(QueueUrl=os.environ["TRACE"], MessageBody=json.dumps(event))
"""


def queue(server: Server, name: str) -> tuple[str, str]:
    sqs = server.client("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def reporter(server: Server, trace_url: str) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", REPORTER)
    created = server.client("lambda").create_function(
        FunctionName="reporter",
        Runtime="python3.12",
        Role=ROLE,
        Handler="handler.handler",
        Code={"ZipFile": buffer.getvalue()},
        Timeout=30,
        Environment={"Variables": {"TRACE": trace_url}},
    )
    server.settle()
    return str(created["FunctionArn"])


def receive_one(server: Server, url: str) -> dict[str, Any]:
    assert server.settle(60)  # settles once async invokes and deliveries are done
    messages = server.client("sqs").receive_message(QueueUrl=url).get("Messages", [])
    assert len(messages) == 1
    return dict(json.loads(messages[0]["Body"]))


def test_the_lambda_event(server: Server, make_topic: TopicFactory) -> None:
    sns = server.client("sns")
    trace_url, _ = queue(server, "trace")
    function = reporter(server, trace_url)
    topic = make_topic("alerts")
    sub = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=function)["SubscriptionArn"]
    published = sns.publish(
        TopicArn=topic,
        Message="wake up",
        MessageAttributes={"level": {"DataType": "String", "StringValue": "high"}},
    )
    event = receive_one(server, trace_url)
    [record] = event["Records"]
    assert record["EventSource"] == "aws:sns"
    assert record["EventVersion"] == "1.0"
    assert record["EventSubscriptionArn"] == sub
    note = record["Sns"]
    assert list(note) == [
        "Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion",
        "Signature", "SigningCertUrl", "UnsubscribeUrl", "MessageAttributes",
    ]  # fmt: skip
    assert note["Type"] == "Notification"
    assert note["MessageId"] == published["MessageId"]
    assert note["Subject"] is None  # Lambda's shape keeps Subject, null when absent
    assert note["Message"] == "wake up"
    assert note["MessageAttributes"] == {"level": {"Type": "String", "Value": "high"}}
    assert note["SigningCertUrl"].endswith("/_cloudlet/sns/SimpleNotificationService.pem")
    assert note["UnsubscribeUrl"].endswith(f"SubscriptionArn={sub}")


def test_a_missing_function_dead_letters(server: Server, make_topic: TopicFactory) -> None:
    sns = server.client("sns")
    dlq_url, dlq_arn = queue(server, "lambda-dlq")
    topic = make_topic()
    sns.subscribe(
        TopicArn=topic,
        Protocol="lambda",
        Endpoint="arn:aws:lambda:us-east-1:000000000000:function:missing",
        Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn})},
    )
    sns.publish(TopicArn=topic, Message="nobody home", Subject="s")
    note = receive_one(server, dlq_url)
    assert note["Type"] == "Notification"
    assert note["Message"] == "nobody home"
    assert "SigningCertURL" in note and "UnsubscribeURL" in note
