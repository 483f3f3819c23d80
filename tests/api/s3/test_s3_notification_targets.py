"""Event notifications to Lambda functions and EventBridge, and destination validation for
topics and functions (SNS delivery itself: tests/api/sns/test_sns_sources.py)."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from botocore.exceptions import ClientError
from test_notifications import _drain

from harness import Server

RECORDER = """
import json, os, boto3

def handler(event, context):
    boto3.client("sqs").send_message(QueueUrl=os.environ["QUEUE_URL"], MessageBody=json.dumps(event))
"""


@pytest.fixture
def queue(server: Server) -> tuple[str, str]:
    sqs = server.client("sqs")
    url = sqs.create_queue(QueueName="seen")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def _zip(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", source)
    return buffer.getvalue()


def test_object_created_invokes_a_function(
    server: Server, s3: Any, bucket: str, queue: tuple[str, str]
) -> None:
    url, _ = queue
    function = server.client("lambda").create_function(
        FunctionName="on-upload",
        Runtime="python3.12",
        Role="arn:aws:iam::000000000000:role/r",
        Handler="app.handler",
        Code={"ZipFile": _zip(RECORDER)},
        Environment={"Variables": {"QUEUE_URL": url}},
    )
    server.settle()
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {"LambdaFunctionArn": function["FunctionArn"], "Events": ["s3:ObjectCreated:*"]}
            ]
        },
    )
    s3.put_object(Bucket=bucket, Key="in/a file.csv", Body=b"x,y\n")
    [event] = _drain(server, url)  # functions get no s3:TestEvent
    [record] = event["Records"]
    assert record["eventName"] == "ObjectCreated:Put"
    assert record["s3"]["object"]["key"] == "in/a+file.csv"
    assert record["s3"]["object"]["size"] == 4


def test_eventbridge_gets_object_events_on_the_default_bus(
    server: Server, s3: Any, bucket: str, queue: tuple[str, str]
) -> None:
    url, arn = queue
    events = server.client("events")
    events.put_rule(
        Name="uploads",
        EventPattern=json.dumps({"source": ["aws.s3"], "detail": {"bucket": {"name": [bucket]}}}),
    )
    events.put_targets(Rule="uploads", Targets=[{"Id": "q", "Arn": arn}])
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"EventBridgeConfiguration": {}}
    )
    assert "EventBridgeConfiguration" in s3.get_bucket_notification_configuration(Bucket=bucket)
    etag = s3.put_object(Bucket=bucket, Key="a b.txt", Body=b"hello")["ETag"].strip('"')
    s3.delete_object(Bucket=bucket, Key="a b.txt")
    created, deleted = _drain(server, url)
    assert created["source"] == "aws.s3"
    assert created["detail-type"] == "Object Created"
    assert created["resources"] == [f"arn:aws:s3:::{bucket}"]
    detail = created["detail"]
    assert detail["bucket"] == {"name": bucket}
    assert detail["object"]["key"] == "a b.txt"  # not URL-encoded, unlike the S3 event record
    assert detail["object"]["size"] == 5 and detail["object"]["etag"] == etag
    assert detail["reason"] == "PutObject" and detail["requester"] == "000000000000"
    assert deleted["detail-type"] == "Object Deleted"
    assert deleted["detail"]["deletion-type"] == "Permanently Deleted"
    assert deleted["detail"]["reason"] == "DeleteObject"


@pytest.mark.parametrize(
    ("member", "arn_member", "arn", "reason"),
    [
        ("TopicConfigurations", "TopicArn", "arn:aws:sns:us-east-1:000000000000:nope", "topic"),
        (
            "LambdaFunctionConfigurations",
            "LambdaFunctionArn",
            "arn:aws:lambda:us-east-1:000000000000:function:nope",
            "Lambda function",
        ),
    ],
)
def test_missing_topic_or_function_is_refused(
    s3: Any, bucket: str, member: str, arn_member: str, arn: str, reason: str
) -> None:
    config = {member: [{arn_member: arn, "Events": ["s3:ObjectCreated:*"]}]}
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=config)
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidArgument"
    assert error["Message"] == "Unable to validate the following destination configurations"
    assert error["ArgumentName1"] == arn
    assert error["ArgumentValue1"] == f"The destination {reason} does not exist"
