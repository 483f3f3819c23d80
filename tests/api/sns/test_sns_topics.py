"""Topics through boto3: create (idempotent, FIFO rules), list with paging, attributes, delete, tags, errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sns_support import error_of

from harness import Server


def test_create_topic_and_default_attributes(sns: Any) -> None:
    arn = sns.create_topic(Name="orders")["TopicArn"]
    assert arn == "arn:aws:sns:us-east-1:000000000000:orders"
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    policy = json.loads(attributes.pop("Policy"))
    assert policy["Id"] == "__default_policy_ID"
    assert policy["Statement"][0]["Resource"] == arn
    assert policy["Statement"][0]["Condition"] == {"StringEquals": {"AWS:SourceOwner": "000000000000"}}
    effective = json.loads(attributes.pop("EffectiveDeliveryPolicy"))
    assert effective["http"]["defaultHealthyRetryPolicy"]["numRetries"] == 3
    assert attributes == {
        "Owner": "000000000000",
        "TopicArn": arn,
        "DisplayName": "",
        "SubscriptionsConfirmed": "0",
        "SubscriptionsPending": "0",
        "SubscriptionsDeleted": "0",
    }


def test_create_topic_is_idempotent_with_same_attributes(sns: Any) -> None:
    first = sns.create_topic(Name="t", Attributes={"DisplayName": "x"})["TopicArn"]
    assert sns.create_topic(Name="t", Attributes={"DisplayName": "x"})["TopicArn"] == first
    assert sns.create_topic(Name="t")["TopicArn"] == first
    with pytest.raises(sns.exceptions.InvalidParameterException) as excinfo:
        sns.create_topic(Name="t", Attributes={"DisplayName": "y"})
    assert error_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: Attributes Reason: Topic already exists with different attributes",
        400,
    )


def test_fifo_topics_need_the_suffix_and_the_attribute(sns: Any) -> None:
    arn = sns.create_topic(
        Name="o.fifo", Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"}
    )["TopicArn"]
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["FifoTopic"] == "true"
    assert attributes["ContentBasedDeduplication"] == "true"
    with pytest.raises(sns.exceptions.InvalidParameterException) as excinfo:
        sns.create_topic(Name="nofifo", Attributes={"FifoTopic": "true"})
    assert "Fifo Topic names must end with .fifo" in error_of(excinfo)[1]
    with pytest.raises(sns.exceptions.InvalidParameterException) as excinfo:
        sns.create_topic(Name="x.fifo")
    assert error_of(excinfo) == ("InvalidParameter", "Invalid parameter: Topic Name", 400)
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.create_topic(Name="std", Attributes={"ContentBasedDeduplication": "true"})


def test_invalid_names_and_unknown_topics(sns: Any) -> None:
    with pytest.raises(sns.exceptions.InvalidParameterException) as excinfo:
        sns.create_topic(Name="bad name!")
    assert error_of(excinfo) == ("InvalidParameter", "Invalid parameter: Topic Name", 400)
    missing = "arn:aws:sns:us-east-1:000000000000:missing"
    with pytest.raises(sns.exceptions.NotFoundException) as excinfo:
        sns.get_topic_attributes(TopicArn=missing)
    assert error_of(excinfo) == ("NotFound", "Topic does not exist", 404)
    with pytest.raises(sns.exceptions.InvalidParameterException) as excinfo:
        sns.get_topic_attributes(TopicArn="not-an-arn")
    assert error_of(excinfo) == ("InvalidParameter", "Invalid parameter: TopicArn", 400)
    with pytest.raises(sns.exceptions.NotFoundException):
        sns.publish(TopicArn=missing, Message="x")
    sns.delete_topic(TopicArn=missing)  # deleting what does not exist succeeds, as on AWS


def test_list_topics_pages_by_100(sns: Any, make_topic: Callable[..., str]) -> None:
    arns = {make_topic(f"t{i:03d}") for i in range(105)}
    first = sns.list_topics()
    assert len(first["Topics"]) == 100
    second = sns.list_topics(NextToken=first["NextToken"])
    assert len(second["Topics"]) == 5 and "NextToken" not in second
    assert {t["TopicArn"] for t in first["Topics"] + second["Topics"]} == arns
    paginated = [t for page in sns.get_paginator("list_topics").paginate() for t in page["Topics"]]
    assert len(paginated) == 105


def test_set_topic_attributes(sns: Any, make_topic: Callable[..., str]) -> None:
    arn = make_topic()
    sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName", AttributeValue="Orders")
    sns.set_topic_attributes(TopicArn=arn, AttributeName="KmsMasterKeyId", AttributeValue="alias/aws/sns")
    delivery = {
        "http": {"defaultHealthyRetryPolicy": {"numRetries": 5, "minDelayTarget": 1, "maxDelayTarget": 1}}
    }
    sns.set_topic_attributes(
        TopicArn=arn, AttributeName="DeliveryPolicy", AttributeValue=json.dumps(delivery)
    )
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["DisplayName"] == "Orders"
    assert attributes["KmsMasterKeyId"] == "alias/aws/sns"
    assert json.loads(attributes["DeliveryPolicy"]) == delivery
    effective = json.loads(attributes["EffectiveDeliveryPolicy"])
    assert effective["http"]["defaultHealthyRetryPolicy"]["numRetries"] == 5
    assert effective["http"]["defaultRequestPolicy"] == {"headerContentType": "text/plain; charset=UTF-8"}
    with pytest.raises(sns.exceptions.InvalidParameterException) as excinfo:
        sns.set_topic_attributes(TopicArn=arn, AttributeName="Bogus", AttributeValue="1")
    assert error_of(excinfo) == ("InvalidParameter", "Invalid parameter: AttributeName", 400)
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.set_topic_attributes(TopicArn=arn, AttributeName="SignatureVersion", AttributeValue="3")


def test_subscription_counts(sns: Any, make_topic: Callable[..., str]) -> None:
    arn = make_topic()
    queue = "arn:aws:sqs:us-east-1:000000000000:q"
    sub = sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue)["SubscriptionArn"]
    sns.subscribe(TopicArn=arn, Protocol="http", Endpoint="http://127.0.0.1:9/hook")
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert (attributes["SubscriptionsConfirmed"], attributes["SubscriptionsPending"]) == ("1", "1")
    sns.unsubscribe(SubscriptionArn=sub)
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert (attributes["SubscriptionsConfirmed"], attributes["SubscriptionsDeleted"]) == ("0", "1")


def test_delete_topic_removes_it_and_its_subscriptions(sns: Any, make_topic: Callable[..., str]) -> None:
    arn = make_topic()
    sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint="arn:aws:sqs:us-east-1:000000000000:q")
    sns.delete_topic(TopicArn=arn)
    assert sns.list_topics()["Topics"] == []
    assert sns.list_subscriptions()["Subscriptions"] == []


def test_tags(sns: Any, make_topic: Callable[..., str]) -> None:
    arn = sns.create_topic(Name="tagged", Tags=[{"Key": "team", "Value": "a"}])["TopicArn"]
    sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "b"}])
    tags = sns.list_tags_for_resource(ResourceArn=arn)["Tags"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("env", "dev"), ("team", "b")]
    sns.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "dev"}]
    with pytest.raises(sns.exceptions.ResourceNotFoundException) as excinfo:
        sns.list_tags_for_resource(ResourceArn="arn:aws:sns:us-east-1:000000000000:nope")
    assert error_of(excinfo)[0::2] == ("ResourceNotFound", 404)
    with pytest.raises(sns.exceptions.InvalidParameterException) as excinfo:
        sns.create_topic(Name="tagged", Tags=[{"Key": "team", "Value": "z"}])
    assert error_of(excinfo)[1] == "Invalid parameter: Tags Reason: Topic already exists with different tags"


def test_topics_are_per_account_and_region(server: Server, sns: Any) -> None:
    sns.create_topic(Name="mine")
    other = server.client("sns", access_key="111111111111", region="eu-west-1")
    assert other.list_topics()["Topics"] == []
    arn = other.create_topic(Name="mine")["TopicArn"]
    assert arn == "arn:aws:sns:eu-west-1:111111111111:mine"


def test_unimplemented_operations_answer_501(sns: Any) -> None:
    with pytest.raises(Exception) as excinfo:
        sns.create_platform_application(Name="app", Platform="GCM", Attributes={})
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501  # type: ignore[attr-defined]


def test_the_aws_cli(server: Server) -> None:
    created = json.loads(server.aws("sns", "create-topic", "--name", "cli-topic").stdout)
    assert created["TopicArn"].endswith(":cli-topic")
    listed = json.loads(server.aws("sns", "list-topics").stdout)
    assert [t["TopicArn"] for t in listed["Topics"]] == [created["TopicArn"]]
    published = json.loads(
        server.aws("sns", "publish", "--topic-arn", created["TopicArn"], "--message", "hello").stdout
    )
    assert len(published["MessageId"]) == 36


def test_add_and_remove_permission(sns: Any, make_topic: Callable[..., str]) -> None:
    arn = make_topic()
    sns.add_permission(TopicArn=arn, Label="share", AWSAccountId=["111111111111"], ActionName=["Publish"])
    policy = json.loads(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"])
    [default, shared] = policy["Statement"]
    assert default["Sid"] == "__default_statement_ID"
    assert shared == {
        "Sid": "share",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
        "Action": "SNS:Publish",
        "Resource": arn,
    }
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.add_permission(TopicArn=arn, Label="share", AWSAccountId=["1"], ActionName=["Publish"])
    sns.remove_permission(TopicArn=arn, Label="share")
    policy = json.loads(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["__default_statement_ID"]


def test_data_protection_policy(sns: Any, make_topic: Callable[..., str]) -> None:
    arn = make_topic()
    assert "DataProtectionPolicy" not in sns.get_data_protection_policy(ResourceArn=arn)
    policy = json.dumps({"Name": "p", "Version": "2021-06-01", "Statement": []})
    sns.put_data_protection_policy(ResourceArn=arn, DataProtectionPolicy=policy)
    assert sns.get_data_protection_policy(ResourceArn=arn)["DataProtectionPolicy"] == policy
