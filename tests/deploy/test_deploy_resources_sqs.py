"""AWS::SQS::Queue, QueuePolicy and QueueInlinePolicy handlers against a real server."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from deploy_support import context, create, delete

from cloudlet.deploy.resources import handler_for
from cloudlet.deploy.resources.base import Provisioned, Replace, ResourceHandler
from harness import Server


def _handler(type_name: str) -> ResourceHandler:
    found = handler_for(type_name)
    assert found is not None
    return found


QUEUE = _handler("AWS::SQS::Queue")
POLICY = _handler("AWS::SQS::QueuePolicy")
INLINE = _handler("AWS::SQS::QueueInlinePolicy")


def update(
    server: Server, handler: ResourceHandler, physical_id: str, new: dict[str, Any], old: dict[str, Any]
) -> Provisioned:
    return asyncio.run(handler.update(context(server, handler.type_name), physical_id, new, old))


def attributes(server: Server, url: str) -> dict[str, str]:
    found: dict[str, str] = server.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])[
        "Attributes"
    ]
    return found


def test_queue_with_generated_name_ref_url_and_attributes(server: Server) -> None:
    made = create(
        server, QUEUE, {"VisibilityTimeout": 45, "Tags": [{"Key": "app", "Value": "orders"}]}, "Jobs"
    )
    url = made.physical_id
    name = url.rsplit("/", 1)[-1]
    assert name.startswith("teststack-Jobs-")
    assert made.attributes == {
        "Arn": f"arn:aws:sqs:us-east-1:000000000000:{name}",
        "QueueName": name,
        "QueueUrl": url,
    }
    assert attributes(server, url)["VisibilityTimeout"] == "45"
    assert server.client("sqs").list_queue_tags(QueueUrl=url)["Tags"] == {"app": "orders"}


def test_fifo_queue_keeps_its_suffix_and_redrive_policy_object_becomes_json(server: Server) -> None:
    dlq = create(server, QUEUE, {"QueueName": "dead-letters"})
    properties = {
        "FifoQueue": "true",
        "ContentBasedDeduplication": True,
        "RedrivePolicy": {"deadLetterTargetArn": dlq.attributes["Arn"], "maxReceiveCount": 3},
    }
    # a FIFO queue's dead-letter queue must be FIFO too
    fifo_dlq = create(server, QUEUE, {"QueueName": "dead-letters.fifo", "FifoQueue": True})
    properties["RedrivePolicy"]["deadLetterTargetArn"] = fifo_dlq.attributes["Arn"]
    made = create(server, QUEUE, properties, "Orders")
    assert made.attributes["QueueName"].endswith(".fifo")
    found = attributes(server, made.physical_id)
    assert found["FifoQueue"] == "true" and found["ContentBasedDeduplication"] == "true"
    assert json.loads(found["RedrivePolicy"]) == {
        "deadLetterTargetArn": fifo_dlq.attributes["Arn"],
        "maxReceiveCount": 3,
    }


def test_update_sets_changed_attributes_and_resets_dropped_ones(server: Server) -> None:
    old = {
        "QueueName": "tuned",
        "VisibilityTimeout": 60,
        "DelaySeconds": 5,
        "Tags": [{"Key": "a", "Value": "1"}],
    }
    made = create(server, QUEUE, old)
    new = {"QueueName": "tuned", "VisibilityTimeout": "120", "Tags": [{"Key": "b", "Value": "2"}]}
    result = update(server, QUEUE, made.physical_id, new, old)
    assert result.physical_id == made.physical_id
    found = attributes(server, made.physical_id)
    assert found["VisibilityTimeout"] == "120" and found["DelaySeconds"] == "0"
    assert server.client("sqs").list_queue_tags(QueueUrl=made.physical_id)["Tags"] == {"b": "2"}


def test_name_or_fifo_change_needs_replacement(server: Server) -> None:
    assert QUEUE.replace_on == frozenset({"QueueName", "FifoQueue"})
    made = create(server, QUEUE, {"QueueName": "one"})
    with pytest.raises(Replace):
        update(server, QUEUE, made.physical_id, {"QueueName": "two"}, {"QueueName": "one"})


def test_delete_queue_and_a_missing_one(server: Server) -> None:
    made = create(server, QUEUE, {"QueueName": "doomed"})
    delete(server, QUEUE, made.physical_id, {})
    with pytest.raises(ClientError):
        server.client("sqs").get_queue_url(QueueName="doomed")
    delete(server, QUEUE, made.physical_id, {})


def test_queue_policy_applies_to_each_queue_and_is_removed_on_delete(server: Server) -> None:
    first = create(server, QUEUE, {"QueueName": "first"})
    second = create(server, QUEUE, {"QueueName": "second"})
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": "*",
            }
        ],
    }
    properties = {"Queues": [first.physical_id, second.physical_id], "PolicyDocument": document}
    made = create(server, POLICY, properties, "QueuesPolicy")
    assert made.physical_id.startswith("teststack-QueuesPolicy-")
    for url in (first.physical_id, second.physical_id):
        assert json.loads(attributes(server, url)["Policy"]) == document
    narrowed = {"Queues": [first.physical_id], "PolicyDocument": document}
    update(server, POLICY, made.physical_id, narrowed, properties)
    assert "Policy" not in attributes(server, second.physical_id)
    delete(server, POLICY, made.physical_id, narrowed)
    assert "Policy" not in attributes(server, first.physical_id)


def test_queue_inline_policy_refs_the_queue_url(server: Server) -> None:
    queue = create(server, QUEUE, {"QueueName": "inline"})
    document = {"Version": "2012-10-17", "Statement": []}
    made = create(server, INLINE, {"Queue": queue.physical_id, "PolicyDocument": document})
    assert made.physical_id == queue.physical_id
    assert json.loads(attributes(server, queue.physical_id)["Policy"]) == document
    delete(server, INLINE, made.physical_id, {"Queue": queue.physical_id})
    assert "Policy" not in attributes(server, queue.physical_id)
