"""SNS fixtures: boto3 clients on the test server, a topic factory, and a queue subscribed to a topic."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sns_support import Subscribed

from harness import Server


@pytest.fixture
def sns(server: Server) -> Any:
    return server.client("sns")


@pytest.fixture
def sqs(server: Server) -> Any:
    return server.client("sqs")


@pytest.fixture
def make_topic(sns: Any) -> Callable[..., str]:
    """make_topic(name, **attributes) -> topic ARN (a ".fifo" name makes a FIFO topic)."""

    def make(name: str = "t", **attributes: str) -> str:
        if name.endswith(".fifo"):
            attributes.setdefault("FifoTopic", "true")
        arn: str = sns.create_topic(Name=name, Attributes=attributes)["TopicArn"]
        return arn

    return make


@pytest.fixture
def subscribe_queue(sns: Any, sqs: Any) -> Callable[..., Subscribed]:
    """subscribe_queue(topic_arn, queue_name, **subscription_attributes) -> Subscribed."""

    def make(topic_arn: str, name: str = "q", **attributes: str) -> Subscribed:
        queue_attributes = {"FifoQueue": "true"} if name.endswith(".fifo") else {}
        url = sqs.create_queue(QueueName=name, Attributes=queue_attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sub = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn, Attributes=attributes)
        return Subscribed(sqs, url, arn, sub["SubscriptionArn"])

    return make
