"""Queues through boto3: create (idempotent), find, list, attributes, purge, delete, tags, permissions."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
from sqs_support import arn_of, error_of

from harness import Server


def test_create_queue_defaults_and_url_from_the_host_used(server: Server, sqs: Any) -> None:
    url = sqs.create_queue(QueueName="plain")["QueueUrl"]
    assert url == f"{server.endpoint}/000000000000/plain"
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    created = attributes.pop("CreatedTimestamp")
    assert attributes.pop("LastModifiedTimestamp") == created
    assert attributes == {
        "ApproximateNumberOfMessages": "0",
        "ApproximateNumberOfMessagesDelayed": "0",
        "ApproximateNumberOfMessagesNotVisible": "0",
        "DelaySeconds": "0",
        "MaximumMessageSize": "1048576",
        "MessageRetentionPeriod": "345600",
        "QueueArn": "arn:aws:sqs:us-east-1:000000000000:plain",
        "ReceiveMessageWaitTimeSeconds": "0",
        "SqsManagedSseEnabled": "true",
        "VisibilityTimeout": "30",
    }
    localhost = boto3.client(
        "sqs",
        endpoint_url=f"http://localhost:{server.port}",
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    assert (
        localhost.get_queue_url(QueueName="plain")["QueueUrl"]
        == f"http://localhost:{server.port}/000000000000/plain"
    )


def test_fifo_queue_attributes(sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue("f.fifo", ContentBasedDeduplication="true")
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["FifoQueue"] == "true"
    assert attributes["ContentBasedDeduplication"] == "true"
    assert attributes["DeduplicationScope"] == "queue"
    assert attributes["FifoThroughputLimit"] == "perQueue"


def test_create_is_idempotent_unless_attributes_differ(sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue("same", ReceiveMessageWaitTimeSeconds="1", DelaySeconds="1")
    assert sqs.create_queue(QueueName="same")["QueueUrl"] == url
    assert sqs.create_queue(QueueName="same", Attributes={"DelaySeconds": "1"})["QueueUrl"] == url
    error = error_of(sqs.create_queue, QueueName="same", Attributes={"DelaySeconds": "2"})
    assert error["Error"]["Code"] == "QueueAlreadyExists"
    assert error["Error"]["Message"] == (
        "A queue already exists with the same name and a different value for attribute DelaySeconds"
    )
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "2"})
    assert sqs.create_queue(QueueName="same", Attributes={"DelaySeconds": "2"})["QueueUrl"] == url


def test_queue_name_rules(sqs: Any) -> None:
    for name, attributes in (
        ("bad.name", {}),
        ("x" * 81, {}),
        ("has space", {}),
        ("no-suffix", {"FifoQueue": "true"}),
        ("suffix.fifo", {}),
    ):
        error = error_of(sqs.create_queue, QueueName=name, Attributes=attributes)
        assert error["Error"]["Code"] == "InvalidParameterValue", name
    assert sqs.create_queue(QueueName="x" * 80)["QueueUrl"].endswith("x" * 80)


def test_attribute_validation_errors(sqs: Any, make_queue: Callable[..., str]) -> None:
    error = error_of(sqs.create_queue, QueueName="v", Attributes={"VisibilityTimeout": "43201"})
    assert error["Error"] == {
        "Code": "InvalidAttributeValue",
        "Message": "Invalid value for the parameter VisibilityTimeout.",
        "QueryErrorCode": "InvalidAttributeValue",
        "Type": "Sender",
    }
    error = error_of(sqs.create_queue, QueueName="v", Attributes={"FifoQueue": "false"})
    assert error["Error"]["Code"] == "InvalidAttributeName"
    assert error["Error"]["Message"] == "Unknown Attribute FifoQueue."
    url = make_queue("v")
    error = error_of(sqs.set_queue_attributes, QueueUrl=url, Attributes={"MaximumMessageSize": "100"})
    assert error["Error"]["Code"] == "InvalidAttributeValue"
    error = error_of(sqs.get_queue_attributes, QueueUrl=url, AttributeNames=["Bogus"])
    assert error["Error"]["Code"] == "InvalidAttributeName"


def test_set_attributes_and_policies(sqs: Any, make_queue: Callable[..., str]) -> None:
    dlq = make_queue("dlq")
    url = make_queue("main")
    policy = {"deadLetterTargetArn": arn_of(sqs, dlq), "maxReceiveCount": "3"}
    sqs.set_queue_attributes(
        QueueUrl=url,
        Attributes={
            "VisibilityTimeout": "69",
            "RedrivePolicy": json.dumps(policy),
            "KmsMasterKeyId": "alias/aws/sqs",
        },
    )
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["VisibilityTimeout"] == "69"
    assert json.loads(attributes["RedrivePolicy"]) == {**policy, "maxReceiveCount": 3}
    assert attributes["KmsMasterKeyId"] == "alias/aws/sqs"
    assert attributes["KmsDataKeyReusePeriodSeconds"] == "300"
    assert attributes["SqsManagedSseEnabled"] == "false"
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedrivePolicy": "", "KmsMasterKeyId": ""})
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert "RedrivePolicy" not in attributes and "KmsMasterKeyId" not in attributes
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout"])["Attributes"] == {
        "VisibilityTimeout": "69"
    }


def test_redrive_policy_needs_an_existing_target_of_the_same_type(
    sqs: Any, make_queue: Callable[..., str]
) -> None:
    url = make_queue("src")
    fifo_dlq = make_queue("dlq.fifo")
    missing = {"deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:nope", "maxReceiveCount": 1}
    error = error_of(
        sqs.set_queue_attributes, QueueUrl=url, Attributes={"RedrivePolicy": json.dumps(missing)}
    )
    assert error["Error"]["Code"] == "InvalidParameterValue"
    assert "Dead letter target does not exist" in error["Error"]["Message"]
    other_type = {"deadLetterTargetArn": arn_of(sqs, fifo_dlq), "maxReceiveCount": 1}
    error = error_of(
        sqs.set_queue_attributes, QueueUrl=url, Attributes={"RedrivePolicy": json.dumps(other_type)}
    )
    assert error["Error"]["Code"] == "InvalidParameterValue"
    too_many = {"deadLetterTargetArn": arn_of(sqs, make_queue("dlq")), "maxReceiveCount": 1001}
    error = error_of(
        sqs.set_queue_attributes, QueueUrl=url, Attributes={"RedrivePolicy": json.dumps(too_many)}
    )
    assert "valid values are from 1 to 1000" in error["Error"]["Message"]


def test_redrive_allow_policy_is_enforced(sqs: Any, make_queue: Callable[..., str]) -> None:
    allowed, denied = make_queue("allowed"), make_queue("denied")
    dlq = make_queue(
        "guarded-dlq",
        RedriveAllowPolicy=json.dumps(
            {"redrivePermission": "byQueue", "sourceQueueArns": [arn_of(sqs, allowed)]}
        ),
    )
    policy = json.dumps({"deadLetterTargetArn": arn_of(sqs, dlq), "maxReceiveCount": 2})
    sqs.set_queue_attributes(QueueUrl=allowed, Attributes={"RedrivePolicy": policy})
    error = error_of(sqs.set_queue_attributes, QueueUrl=denied, Attributes={"RedrivePolicy": policy})
    assert error["Error"]["Code"] == "InvalidParameterValue"


def test_unknown_queue(sqs: Any) -> None:
    error = error_of(sqs.get_queue_url, QueueName="nope")
    assert error["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert error["Error"]["Message"] == "The specified queue does not exist."
    assert error["Error"]["QueryErrorCode"] == "QueueDoesNotExist"
    error = error_of(sqs.send_message, QueueUrl="http://elsewhere:1/000000000000/nope", MessageBody="x")
    assert error["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"


def test_queue_url_of_any_host_or_a_bare_name(sqs: Any, make_queue: Callable[..., str]) -> None:
    make_queue("anywhere")
    for form in ("https://sqs.us-east-1.amazonaws.com/000000000000/anywhere", "anywhere"):
        sqs.send_message(QueueUrl=form, MessageBody="x")
    assert sqs.get_queue_attributes(QueueUrl="anywhere", AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"
    ] == {"ApproximateNumberOfMessages": "2"}


def test_list_queues_prefix_and_pages(sqs: Any, make_queue: Callable[..., str]) -> None:
    for i in range(5):
        make_queue(f"page-{i}")
    make_queue("other")
    everything = sqs.list_queues()["QueueUrls"]
    assert len(everything) == 6 and "NextToken" not in sqs.list_queues()
    assert [u.rsplit("/", 1)[1] for u in sqs.list_queues(QueueNamePrefix="page-")["QueueUrls"]] == [
        f"page-{i}" for i in range(5)
    ]
    first = sqs.list_queues(QueueNamePrefix="page-", MaxResults=2)
    assert len(first["QueueUrls"]) == 2
    rest = sqs.list_queues(QueueNamePrefix="page-", MaxResults=10, NextToken=first["NextToken"])
    assert len(rest["QueueUrls"]) == 3 and "NextToken" not in rest
    paginator = sqs.get_paginator("list_queues")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 2}))
    assert sum(len(page.get("QueueUrls", [])) for page in pages) == 6
    assert error_of(sqs.list_queues, MaxResults=1001)["Error"]["Code"] == "InvalidParameterValue"
    assert sqs.list_queues(QueueNamePrefix="zzz").get("QueueUrls") is None


def test_delete_queue_and_recreate_after_sixty_seconds(
    server: Server, sqs: Any, make_queue: Callable[..., str]
) -> None:
    url = make_queue("short-lived")
    sqs.send_message(QueueUrl=url, MessageBody="x")
    sqs.delete_queue(QueueUrl=url)
    assert error_of(sqs.get_queue_url, QueueName="short-lived")["Error"]["Code"] == (
        "AWS.SimpleQueueService.NonExistentQueue"
    )
    error = error_of(sqs.create_queue, QueueName="short-lived")
    assert error["Error"]["Code"] == "AWS.SimpleQueueService.QueueDeletedRecently"
    assert error["Error"]["Message"] == (
        "You must wait 60 seconds after deleting a queue before you can create another with the same name."
    )
    server.advance(61)
    again = make_queue("short-lived")
    assert sqs.receive_message(QueueUrl=again).get("Messages") is None


def test_purge_once_a_minute(server: Server, sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue("purged")
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "x"} for i in range(5)])
    sqs.purge_queue(QueueUrl=url)
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None
    error = error_of(sqs.purge_queue, QueueUrl=url)
    assert error["Error"]["Code"] == "AWS.SimpleQueueService.PurgeQueueInProgress"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error["Error"]["Message"] == "Only one PurgeQueue operation on purged is allowed every 60 seconds."
    server.advance(60)
    sqs.purge_queue(QueueUrl=url)


def test_tags(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="tagged", tags={"team": "a"})["QueueUrl"]
    sqs.tag_queue(QueueUrl=url, Tags={"env": "dev", "empty": ""})
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "a", "env": "dev", "empty": ""}
    sqs.untag_queue(QueueUrl=url, TagKeys=["team", "empty", "never-set"])
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "dev"}
    sqs.untag_queue(QueueUrl=url, TagKeys=["env"])
    assert "Tags" not in sqs.list_queue_tags(QueueUrl=url)
    error = error_of(sqs.tag_queue, QueueUrl=url, Tags={f"k{i}": "v" for i in range(51)})
    assert error["Error"]["Code"] == "InvalidParameterValue"


def test_permissions_live_in_the_policy(sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue("shared")
    arn = arn_of(sqs, url)
    sqs.add_permission(QueueUrl=url, Label="one", AWSAccountIds=["111122223333"], Actions=["SendMessage"])
    sqs.add_permission(
        QueueUrl=url,
        Label="two",
        AWSAccountIds=["111122223333", "444455556666"],
        Actions=["ReceiveMessage", "*"],
    )
    policy = json.loads(
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"]
    )
    assert policy["Version"] == "2008-10-17"
    assert policy["Id"] == f"{arn}/SQSDefaultPolicy"
    assert policy["Statement"][0] == {
        "Sid": "one",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": "SQS:SendMessage",
        "Resource": arn,
    }
    assert policy["Statement"][1]["Action"] == ["SQS:ReceiveMessage", "SQS:*"]
    error = error_of(
        sqs.add_permission, QueueUrl=url, Label="one", AWSAccountIds=["1"], Actions=["SendMessage"]
    )
    assert error["Error"]["Message"] == "Value one for parameter Label is invalid. Reason: Already exists."
    error = error_of(sqs.add_permission, QueueUrl=url, Label="x", AWSAccountIds=["1"], Actions=["Fly"])
    assert error["Error"]["Code"] == "InvalidParameterValue"
    sqs.remove_permission(QueueUrl=url, Label="one")
    sqs.remove_permission(QueueUrl=url, Label="two")
    assert "Attributes" not in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])
    error = error_of(sqs.remove_permission, QueueUrl=url, Label="two")
    assert error["Error"]["Message"] == "Value two for parameter Label is invalid. Reason: can't find label."


def test_dead_letter_source_queues(sqs: Any, make_queue: Callable[..., str]) -> None:
    dlq = make_queue("the-dlq")
    policy = json.dumps({"deadLetterTargetArn": arn_of(sqs, dlq), "maxReceiveCount": 1})
    sources = [make_queue(f"source-{i}", RedrivePolicy=policy) for i in range(3)]
    make_queue("unrelated")
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == sources
    first = sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=2)
    assert first["queueUrls"] == sources[:2]
    rest = sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=2, NextToken=first["NextToken"])
    assert rest["queueUrls"] == sources[2:]
    assert sqs.list_dead_letter_source_queues(QueueUrl=sources[0])["queueUrls"] == []


def test_queues_are_isolated_per_account_and_region(server: Server, sqs: Any) -> None:
    sqs.create_queue(QueueName="mine")
    other_region = server.client("sqs", region="eu-west-1")
    assert error_of(other_region.get_queue_url, QueueName="mine")["Error"]["Code"] == (
        "AWS.SimpleQueueService.NonExistentQueue"
    )
    other_account = server.client("sqs", access_key="111122223333")
    assert other_account.get_queue_url(QueueName="mine", QueueOwnerAWSAccountId="000000000000")[
        "QueueUrl"
    ].endswith("/000000000000/mine")
    assert error_of(other_account.get_queue_url, QueueName="mine")["Error"]["Code"] == (
        "AWS.SimpleQueueService.NonExistentQueue"
    )
