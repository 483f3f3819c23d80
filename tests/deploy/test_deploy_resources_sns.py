"""AWS::SNS::Topic, Subscription and TopicPolicy handlers against a real server."""

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


TOPIC = _handler("AWS::SNS::Topic")
SUBSCRIPTION = _handler("AWS::SNS::Subscription")
POLICY = _handler("AWS::SNS::TopicPolicy")


def update(
    server: Server, handler: ResourceHandler, physical_id: str, new: dict[str, Any], old: dict[str, Any]
) -> Provisioned:
    return asyncio.run(handler.update(context(server, handler.type_name), physical_id, new, old))


def queue_arn(server: Server, name: str) -> str:
    sqs = server.client("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn: str = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return arn


def test_topic_ref_is_its_arn_with_attributes_and_subscriptions(server: Server) -> None:
    sns = server.client("sns")
    target = queue_arn(server, "inbox")
    properties = {
        "DisplayName": "Alerts",
        "Subscription": [{"Protocol": "sqs", "Endpoint": target}],
        "Tags": [{"Key": "env", "Value": "dev"}],
    }
    made = create(server, TOPIC, properties, "AlertsTopic")
    arn = made.physical_id
    name = arn.rsplit(":", 1)[-1]
    assert name.startswith("teststack-AlertsTopic-")
    assert made.attributes == {"TopicArn": arn, "TopicName": name}
    assert sns.get_topic_attributes(TopicArn=arn)["Attributes"]["DisplayName"] == "Alerts"
    subs = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subs] == [("sqs", target)]
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "dev"}]


def test_fifo_topic_and_in_place_update(server: Server) -> None:
    sns = server.client("sns")
    old = {"FifoTopic": True, "ContentBasedDeduplication": "true", "DisplayName": "one"}
    made = create(server, TOPIC, old, "Events")
    assert made.physical_id.endswith(".fifo")
    found = sns.get_topic_attributes(TopicArn=made.physical_id)["Attributes"]
    assert found["FifoTopic"] == "true" and found["ContentBasedDeduplication"] == "true"
    new = {**old, "DisplayName": "two"}
    update(server, TOPIC, made.physical_id, new, old)
    assert sns.get_topic_attributes(TopicArn=made.physical_id)["Attributes"]["DisplayName"] == "two"
    with pytest.raises(Replace):
        update(server, TOPIC, made.physical_id, {"TopicName": "renamed"}, {})


def test_topic_subscription_list_update_and_delete(server: Server) -> None:
    sns = server.client("sns")
    first, second = queue_arn(server, "q1"), queue_arn(server, "q2")
    old = {"TopicName": "fanout", "Subscription": [{"Protocol": "sqs", "Endpoint": first}]}
    made = create(server, TOPIC, old)
    new = {"TopicName": "fanout", "Subscription": [{"Protocol": "sqs", "Endpoint": second}]}
    update(server, TOPIC, made.physical_id, new, old)
    subs = sns.list_subscriptions_by_topic(TopicArn=made.physical_id)["Subscriptions"]
    assert [s["Endpoint"] for s in subs] == [second]
    delete(server, TOPIC, made.physical_id, new)
    assert sns.list_topics()["Topics"] == []
    assert sns.list_subscriptions()["Subscriptions"] == []
    delete(server, TOPIC, made.physical_id, new)


def test_subscription_with_filter_policy_object_and_raw_delivery(server: Server) -> None:
    sns = server.client("sns")
    topic = sns.create_topic(Name="orders")["TopicArn"]
    target = queue_arn(server, "big-orders")
    properties = {
        "TopicArn": topic,
        "Protocol": "sqs",
        "Endpoint": target,
        "FilterPolicy": {"size": ["big"]},
        "FilterPolicyScope": "MessageAttributes",
        "RawMessageDelivery": "true",
    }
    made = create(server, SUBSCRIPTION, properties)
    found = sns.get_subscription_attributes(SubscriptionArn=made.physical_id)["Attributes"]
    assert json.loads(found["FilterPolicy"]) == {"size": ["big"]}
    assert found["RawMessageDelivery"] == "true"
    new = {**properties, "FilterPolicy": {"size": ["small"]}}
    del new["RawMessageDelivery"]
    update(server, SUBSCRIPTION, made.physical_id, new, properties)
    found = sns.get_subscription_attributes(SubscriptionArn=made.physical_id)["Attributes"]
    assert json.loads(found["FilterPolicy"]) == {"size": ["small"]}
    assert found["RawMessageDelivery"] == "false"
    assert {"Protocol", "Endpoint", "TopicArn"} <= SUBSCRIPTION.replace_on
    delete(server, SUBSCRIPTION, made.physical_id, new)
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []
    delete(server, SUBSCRIPTION, made.physical_id, new)


def test_topic_policy_set_and_reset(server: Server) -> None:
    sns = server.client("sns")
    topic = sns.create_topic(Name="guarded")["TopicArn"]
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": topic,
            }
        ],
    }
    properties = {"Topics": [topic], "PolicyDocument": document}
    made = create(server, POLICY, properties, "TopicPolicy")
    assert made.physical_id.startswith("teststack-TopicPolicy-")
    assert json.loads(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"]) == document
    delete(server, POLICY, made.physical_id, properties)
    reset = json.loads(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"])
    assert reset != document


def test_deleting_a_missing_subscription_or_topic_is_not_an_error(server: Server) -> None:
    missing = "arn:aws:sns:us-east-1:000000000000:nothing"
    delete(server, TOPIC, missing, {})
    with pytest.raises(ClientError):
        server.client("sns").get_topic_attributes(TopicArn=missing)
