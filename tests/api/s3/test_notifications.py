"""Event notifications to SQS: configuration, validation, test event, event JSON, filters."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError
from s3_support import error_code
from test_post_object import post

from harness import Server


@pytest.fixture
def queue(server: Server) -> tuple[str, str]:
    sqs = server.client("sqs")
    url = sqs.create_queue(QueueName="events")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def _drain(server: Server, url: str) -> list[dict[str, Any]]:
    server.settle()
    sqs = server.client("sqs")
    bodies = []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
        messages = got.get("Messages", [])
        if not messages:
            return bodies
        for message in messages:
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def _configure(s3: Any, bucket: str, arn: str, events: list[str], **filters: str) -> None:
    config: dict[str, Any] = {"Id": "to-queue", "QueueArn": arn, "Events": events}
    if filters:
        config["Filter"] = {"Key": {"FilterRules": [{"Name": k, "Value": v} for k, v in filters.items()]}}
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [config]}
    )


def test_configuration_round_trip_and_test_event(
    server: Server, s3: Any, bucket: str, queue: tuple[str, str]
) -> None:
    url, arn = queue
    _configure(s3, bucket, arn, ["s3:ObjectCreated:*"], prefix="in/", suffix=".csv")
    got = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert got["QueueConfigurations"][0]["QueueArn"] == arn
    assert got["QueueConfigurations"][0]["Events"] == ["s3:ObjectCreated:*"]
    rules = got["QueueConfigurations"][0]["Filter"]["Key"]["FilterRules"]
    assert {(r["Name"].lower(), r["Value"]) for r in rules} == {("prefix", "in/"), ("suffix", ".csv")}
    [test_event] = _drain(server, url)
    assert test_event["Service"] == "Amazon S3"
    assert test_event["Event"] == "s3:TestEvent"
    assert test_event["Bucket"] == bucket


def test_missing_destination_is_rejected(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        _configure(s3, bucket, "arn:aws:sqs:us-east-1:000000000000:no-such-queue", ["s3:ObjectCreated:*"])
    assert error_code(excinfo) == "InvalidArgument"
    assert (
        excinfo.value.response["Error"]["Message"]
        == "Unable to validate the following destination configurations"
    )
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_notification_configuration(
            Bucket=bucket,
            NotificationConfiguration={
                "QueueConfigurations": [
                    {"QueueArn": "arn:aws:sqs:us-east-1:000000000000:x", "Events": ["s3:Nope"]}
                ]
            },
        )
    assert error_code(excinfo) == "InvalidArgument"


def test_created_and_removed_events(server: Server, s3: Any, bucket: str, queue: tuple[str, str]) -> None:
    url, arn = queue
    _configure(s3, bucket, arn, ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"])
    _drain(server, url)
    put = s3.put_object(Bucket=bucket, Key="my photo+1.jpg", Body=b"12345")
    s3.copy_object(Bucket=bucket, Key="copy.jpg", CopySource=f"{bucket}/my photo+1.jpg")
    uid = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="mp", UploadId=uid, PartNumber=1, Body=b"x")["ETag"]
    s3.complete_multipart_upload(
        Bucket=bucket, Key="mp", UploadId=uid, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]}
    )
    s3.delete_object(Bucket=bucket, Key="copy.jpg")
    post(server, bucket, [("key", "posted")], b"via a form")
    records = [event["Records"][0] for event in _drain(server, url)]
    assert [r["eventName"] for r in records] == [
        "ObjectCreated:Put",
        "ObjectCreated:Copy",
        "ObjectCreated:CompleteMultipartUpload",
        "ObjectRemoved:Delete",
        "ObjectCreated:Post",
    ]
    first = records[0]
    assert first["eventVersion"] == "2.1"
    assert first["eventSource"] == "aws:s3"
    assert first["awsRegion"] == "us-east-1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", first["eventTime"])
    assert first["userIdentity"]["principalId"]
    assert first["requestParameters"]["sourceIPAddress"]
    assert first["responseElements"]["x-amz-request-id"] == put["ResponseMetadata"]["RequestId"]
    assert first["responseElements"]["x-amz-id-2"]
    s3_part = first["s3"]
    assert s3_part["s3SchemaVersion"] == "1.0"
    assert s3_part["configurationId"] == "to-queue"
    assert s3_part["bucket"]["name"] == bucket
    assert s3_part["bucket"]["arn"] == f"arn:aws:s3:::{bucket}"
    assert s3_part["bucket"]["ownerIdentity"]["principalId"]
    assert s3_part["object"]["key"] == "my+photo%2B1.jpg"
    assert s3_part["object"]["size"] == 5
    assert s3_part["object"]["eTag"] == put["ETag"].strip('"')
    assert s3_part["object"]["sequencer"]
    assert "versionId" not in s3_part["object"]
    assert "size" not in records[3]["s3"]["object"]
    sequencers = [r["s3"]["object"]["sequencer"] for r in records]
    assert sequencers == sorted(sequencers)


def test_filters_and_delete_markers(server: Server, s3: Any, bucket: str, queue: tuple[str, str]) -> None:
    url, arn = queue
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": arn,
                    "Events": ["s3:ObjectCreated:Put"],
                    "Filter": {
                        "Key": {
                            "FilterRules": [
                                {"Name": "prefix", "Value": "in/"},
                                {"Name": "suffix", "Value": ".csv"},
                            ]
                        }
                    },
                },
                {"QueueArn": arn, "Events": ["s3:ObjectRemoved:DeleteMarkerCreated"]},
            ]
        },
    )
    _drain(server, url)
    s3.put_object(Bucket=bucket, Key="in/a.csv", Body=b"1")
    s3.put_object(Bucket=bucket, Key="in/a.txt", Body=b"1")
    s3.put_object(Bucket=bucket, Key="out/a.csv", Body=b"1")
    s3.delete_object(Bucket=bucket, Key="in/a.txt")
    records = [event["Records"][0] for event in _drain(server, url)]
    assert [(r["eventName"], r["s3"]["object"]["key"]) for r in records] == [
        ("ObjectCreated:Put", "in/a.csv"),
        ("ObjectRemoved:DeleteMarkerCreated", "in/a.txt"),
    ]
    assert records[0]["s3"]["object"]["versionId"]
    # Ids S3 generated for configurations given none.
    configs = s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"]
    assert all(c["Id"] for c in configs)


def test_clearing_the_configuration(server: Server, s3: Any, bucket: str, queue: tuple[str, str]) -> None:
    url, arn = queue
    _configure(s3, bucket, arn, ["s3:ObjectCreated:*"])
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={})
    _drain(server, url)
    s3.put_object(Bucket=bucket, Key="k", Body=b"1")
    assert _drain(server, url) == []
    assert "QueueConfigurations" not in s3.get_bucket_notification_configuration(Bucket=bucket)
