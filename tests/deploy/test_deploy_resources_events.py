"""EventBridge resource handlers against a real server: buses, rules with patterns and
schedules delivering to queues, target diffs on update, archives."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from deploy_support import context, create, delete

from cloudlet.deploy.resources import handler_for
from cloudlet.deploy.resources.base import Provisioned, ResourceHandler
from harness import Server


def handler(type_name: str) -> ResourceHandler:
    found = handler_for(type_name)
    assert found is not None
    return found


def update(
    server: Server, h: ResourceHandler, physical_id: str, new: dict[str, Any], old: dict[str, Any]
) -> Provisioned:
    return asyncio.run(h.update(context(server, h.type_name), physical_id, new, old))


def queue(server: Server, name: str) -> tuple[str, str]:
    sqs = server.client("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def bodies(server: Server, url: str) -> list[Any]:
    sqs = server.client("sqs")
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    for message in messages:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return [json.loads(m["Body"]) for m in messages]


def test_rule_on_a_custom_bus_delivers_and_diffs_targets(server: Server) -> None:
    bus_h, rule_h = handler("AWS::Events::EventBus"), handler("AWS::Events::Rule")
    bus_props = {"Name": "orders", "Description": "order events", "Tags": [{"Key": "t", "Value": "1"}]}
    bus = create(server, bus_h, bus_props)
    assert bus.physical_id == "orders"
    assert bus.attributes == {
        "Arn": "arn:aws:events:us-east-1:000000000000:event-bus/orders",
        "Name": "orders",
    }
    first_url, first_arn = queue(server, "first")
    second_url, second_arn = queue(server, "second")
    props = {
        "EventBusName": bus.attributes["Arn"],
        "EventPattern": {"source": ["shop"], "detail-type": ["placed"]},
        "Targets": [
            {"Id": "q1", "Arn": first_arn, "InputPath": "$.detail"},
            {"Id": "q2", "Arn": second_arn, "RetryPolicy": {"MaximumRetryAttempts": "3"}},
        ],
    }
    rule = create(server, rule_h, props, logical_id="OnPlaced")
    bus_name, _, rule_name = rule.physical_id.partition("|")
    assert bus_name == "orders" and rule_name.startswith("teststack-OnPlaced-")
    assert rule.attributes["Arn"] == f"arn:aws:events:us-east-1:000000000000:rule/orders/{rule_name}"
    events = server.client("events")
    described = events.describe_rule(Name=rule_name, EventBusName="orders")
    assert json.loads(described["EventPattern"]) == props["EventPattern"]
    entry = {
        "EventBusName": "orders",
        "Source": "shop",
        "DetailType": "placed",
        "Detail": json.dumps({"id": 7}),
    }
    events.put_events(Entries=[entry])
    assert server.settle()
    assert bodies(server, first_url) == [{"id": 7}]
    assert bodies(server, second_url)[0]["detail"] == {"id": 7}

    new = {
        **props,
        "Targets": [{"Id": "q2", "Arn": second_arn, "Input": '{"fixed": true}'}],
        "State": "ENABLED",
    }
    assert update(server, rule_h, rule.physical_id, new, props).physical_id == rule.physical_id
    targets = events.list_targets_by_rule(Rule=rule_name, EventBusName="orders")["Targets"]
    assert [(t["Id"], t.get("Input")) for t in targets] == [("q2", '{"fixed": true}')]
    events.put_events(Entries=[entry])
    assert server.settle()
    assert bodies(server, first_url) == []
    assert bodies(server, second_url) == [{"fixed": True}]

    delete(server, rule_h, rule.physical_id, new)
    assert events.list_rules(EventBusName="orders")["Rules"] == []
    delete(server, rule_h, rule.physical_id, new)
    bus_new = {"Name": "orders", "Description": "changed"}
    update(server, bus_h, "orders", bus_new, bus_props)
    assert events.describe_event_bus(Name="orders")["Description"] == "changed"
    arn = bus.attributes["Arn"]
    assert events.list_tags_for_resource(ResourceARN=arn)["Tags"] == []
    delete(server, bus_h, "orders", bus_new)
    with pytest.raises(ClientError):
        events.describe_event_bus(Name="orders")


def test_scheduled_rule_on_the_default_bus(server: Server) -> None:
    url, arn = queue(server, "ticks")
    props = {
        "Name": "tick",
        "ScheduleExpression": "rate(1 minute)",
        "Targets": [{"Id": "t", "Arn": arn, "Input": '"tick"'}],
    }
    rule = create(server, handler("AWS::Events::Rule"), props)
    assert rule.physical_id == "tick"
    server.advance(60)
    assert bodies(server, url) == ["tick"]
    disabled = {**props, "State": "DISABLED"}
    update(server, handler("AWS::Events::Rule"), "tick", disabled, props)
    server.advance(120)
    assert bodies(server, url) == []


def test_rule_with_a_bad_target_fails_and_leaves_nothing(server: Server) -> None:
    props = {"Name": "bad", "EventPattern": {"source": ["x"]}, "Targets": [{"Id": "t", "Arn": "not-an-arn"}]}
    with pytest.raises(Exception):  # noqa: B017 - the service's validation error, whatever its form
        create(server, handler("AWS::Events::Rule"), props)
    assert server.client("events").list_rules()["Rules"] == []


def test_archive(server: Server) -> None:
    h = handler("AWS::Events::Archive")
    source = "arn:aws:events:us-east-1:000000000000:event-bus/default"
    props = {"SourceArn": source, "EventPattern": {"source": ["shop"]}, "RetentionDays": "3"}
    made = create(server, h, props, logical_id="Keep")
    described = server.client("events").describe_archive(ArchiveName=made.physical_id)
    assert made.attributes["Arn"] == described["ArchiveArn"] and described["RetentionDays"] == 3
    update(server, h, made.physical_id, {**props, "RetentionDays": 9}, props)
    assert server.client("events").describe_archive(ArchiveName=made.physical_id)["RetentionDays"] == 9
    delete(server, h, made.physical_id, props)
    assert server.client("events").list_archives()["Archives"] == []
