"""Subscriptions through boto3: Subscribe (idempotent, validation), listing with paging,
Get/SetSubscriptionAttributes, Unsubscribe, errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sns_support import error_of

TopicFactory = Callable[..., str]
QUEUE = "arn:aws:sqs:us-east-1:000000000000:q"
FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:f"


def test_subscribe_sqs_and_lambda_are_confirmed_at_once(sns: Any, make_topic: TopicFactory) -> None:
    topic = make_topic()
    sqs_sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=QUEUE)["SubscriptionArn"]
    lambda_sub = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=FUNCTION)["SubscriptionArn"]
    assert sqs_sub.startswith(topic + ":") and lambda_sub.startswith(topic + ":")
    attributes = sns.get_subscription_attributes(SubscriptionArn=sqs_sub)["Attributes"]
    assert attributes == {
        "Owner": "000000000000",
        "RawMessageDelivery": "false",
        "TopicArn": topic,
        "Endpoint": QUEUE,
        "Protocol": "sqs",
        "PendingConfirmation": "false",
        "ConfirmationWasAuthenticated": "true",
        "SubscriptionArn": sqs_sub,
    }
    listed = sns.list_subscriptions()["Subscriptions"]
    assert listed == [
        {
            "SubscriptionArn": sqs_sub,
            "Owner": "000000000000",
            "Protocol": "sqs",
            "Endpoint": QUEUE,
            "TopicArn": topic,
        },
        {
            "SubscriptionArn": lambda_sub,
            "Owner": "000000000000",
            "Protocol": "lambda",
            "Endpoint": FUNCTION,
            "TopicArn": topic,
        },
    ]


def test_subscribe_is_idempotent(sns: Any, make_topic: TopicFactory) -> None:
    topic = make_topic()
    first = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=QUEUE)["SubscriptionArn"]
    assert sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=QUEUE)["SubscriptionArn"] == first
    with pytest.raises(sns.exceptions.InvalidParameterException) as excinfo:
        sns.subscribe(
            TopicArn=topic, Protocol="sqs", Endpoint=QUEUE, Attributes={"RawMessageDelivery": "true"}
        )
    assert error_of(excinfo)[1] == (
        "Invalid parameter: Attributes Reason: Subscription already exists with different attributes"
    )
    assert len(sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]) == 1


def test_subscribe_validation(sns: Any, make_topic: TopicFactory) -> None:
    topic = make_topic()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"Protocol": "carrier-pigeon", "Endpoint": "x"},
         "Invalid parameter: Amazon SNS does not support this protocol string: carrier-pigeon"),
        ({"Protocol": "sqs", "Endpoint": "not-an-arn"}, "Invalid parameter: SQS endpoint ARN"),
        ({"Protocol": "lambda", "Endpoint": QUEUE}, "Invalid parameter: Lambda endpoint ARN"),
        ({"Protocol": "http", "Endpoint": "https://127.0.0.1/x"},
         "Invalid parameter: Endpoint must match the specified protocol"),
        ({"Protocol": "lambda", "Endpoint": FUNCTION, "Attributes": {"RawMessageDelivery": "true"}},
         "Invalid parameter: Attributes Reason: Delivery protocol [lambda] does not support raw message delivery."),
        ({"Protocol": "sqs", "Endpoint": QUEUE, "Attributes": {"FilterPolicyScope": "Elsewhere"}},
         "Invalid parameter: Attributes Reason: FilterPolicyScope: Invalid value [Elsewhere]. "
         "Please use either MessageBody or MessageAttributes"),
    ]  # fmt: skip
    for params, message in cases:
        with pytest.raises(sns.exceptions.InvalidParameterException) as excinfo:
            sns.subscribe(TopicArn=topic, **params)
        assert error_of(excinfo) == ("InvalidParameter", message, 400)
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint="+15555550100")  # cloudlet sends no SMS
    with pytest.raises(sns.exceptions.NotFoundException):
        sns.subscribe(TopicArn=topic + "-gone", Protocol="sqs", Endpoint=QUEUE)


def test_set_subscription_attributes(sns: Any, make_topic: TopicFactory) -> None:
    topic = make_topic()
    arn = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=QUEUE)["SubscriptionArn"]
    redrive = json.dumps({"deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:dlq"})
    sns.set_subscription_attributes(
        SubscriptionArn=arn, AttributeName="RawMessageDelivery", AttributeValue="true"
    )
    sns.set_subscription_attributes(
        SubscriptionArn=arn, AttributeName="RedrivePolicy", AttributeValue=redrive
    )
    sns.set_subscription_attributes(
        SubscriptionArn=arn, AttributeName="FilterPolicy", AttributeValue=json.dumps({"k": ["v"]})
    )
    attributes = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert attributes["RawMessageDelivery"] == "true"
    assert attributes["RedrivePolicy"] == redrive
    assert attributes["FilterPolicyScope"] == "MessageAttributes"
    with pytest.raises(sns.exceptions.InvalidParameterException) as excinfo:
        sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName="Color", AttributeValue="x")
    assert error_of(excinfo)[1] == "Invalid parameter: AttributeName"
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.set_subscription_attributes(
            SubscriptionArn=arn,
            AttributeName="RedrivePolicy",
            AttributeValue=json.dumps({"deadLetterTargetArn": "x"}),
        )


def test_list_subscriptions_pages_by_100(sns: Any, make_topic: TopicFactory) -> None:
    topic = make_topic()
    for i in range(103):
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=f"{QUEUE}{i}")
    first = sns.list_subscriptions_by_topic(TopicArn=topic)
    assert len(first["Subscriptions"]) == 100
    second = sns.list_subscriptions_by_topic(TopicArn=topic, NextToken=first["NextToken"])
    assert len(second["Subscriptions"]) == 3 and "NextToken" not in second
    everything = [
        s for page in sns.get_paginator("list_subscriptions").paginate() for s in page["Subscriptions"]
    ]
    assert len({s["SubscriptionArn"] for s in everything}) == 103


def test_unsubscribe_errors(sns: Any, make_topic: TopicFactory) -> None:
    topic = make_topic()
    with pytest.raises(sns.exceptions.NotFoundException) as excinfo:
        sns.unsubscribe(SubscriptionArn=topic + ":00000000-0000-4000-8000-000000000000")
    assert error_of(excinfo) == ("NotFound", "Subscription does not exist", 404)
    with pytest.raises(sns.exceptions.InvalidParameterException) as excinfo:
        sns.unsubscribe(SubscriptionArn="garbage")
    assert error_of(excinfo) == ("InvalidParameter", "Invalid parameter: SubscriptionArn", 400)
