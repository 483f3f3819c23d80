"""Event buses: the implicit default bus, custom buses, rules on them, bus-to-bus targets,
UpdateEventBus and resource policies."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from events_support import bodies, make_queue, put

from harness import Server

DEFAULT_ARN = "arn:aws:events:us-east-1:000000000000:event-bus/default"


def test_default_bus_exists(events: Any) -> None:
    described = events.describe_event_bus()
    assert described["Name"] == "default" and described["Arn"] == DEFAULT_ARN
    assert [b["Name"] for b in events.list_event_buses()["EventBuses"]] == ["default"]
    with pytest.raises(ClientError) as excinfo:
        events.delete_event_bus(Name="default")
    assert excinfo.value.response["Error"]["Code"] == "ValidationException"


def test_custom_bus_lifecycle(events: Any) -> None:
    created = events.create_event_bus(Name="orders", Description="order events")
    arn = "arn:aws:events:us-east-1:000000000000:event-bus/orders"
    assert created["EventBusArn"] == arn and created["Description"] == "order events"
    with pytest.raises(ClientError) as excinfo:
        events.create_event_bus(Name="orders")
    assert excinfo.value.response["Error"] == {
        "Code": "ResourceAlreadyExistsException",
        "Message": "Event bus orders already exists.",
    }
    described = events.describe_event_bus(Name=arn)
    assert described["Name"] == "orders" and described["Description"] == "order events"
    assert "CreationTime" in described and "LastModifiedTime" in described
    assert [b["Name"] for b in events.list_event_buses()["EventBuses"]] == ["default", "orders"]
    assert [b["Name"] for b in events.list_event_buses(NamePrefix="ord")["EventBuses"]] == ["orders"]
    updated = events.update_event_bus(Name="orders", Description="changed")
    assert updated["Description"] == "changed" and updated["Arn"] == arn
    events.put_rule(Name="r", EventBusName="orders", EventPattern='{"source": ["x"]}')
    rule = events.describe_rule(Name="r", EventBusName="orders")
    assert rule["Arn"] == "arn:aws:events:us-east-1:000000000000:rule/orders/r"
    assert rule["EventBusName"] == "orders"
    assert events.list_rules()["Rules"] == []
    events.delete_event_bus(Name="orders")
    with pytest.raises(ClientError) as excinfo:
        events.describe_event_bus(Name="orders")
    assert excinfo.value.response["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": "Event bus orders does not exist.",
    }


def test_events_on_a_custom_bus_reach_only_its_rules(server: Server, events: Any, sqs: Any) -> None:
    custom_url, custom_q = make_queue(sqs, "custom")
    default_url, default_q = make_queue(sqs, "default")
    events.create_event_bus(Name="orders")
    events.put_rule(Name="r", EventBusName="orders", EventPattern='{"source": ["my.app"]}')
    events.put_targets(Rule="r", EventBusName="orders", Targets=[{"Id": "q", "Arn": custom_q}])
    events.put_rule(Name="r", EventPattern='{"source": ["my.app"]}')
    events.put_targets(Rule="r", Targets=[{"Id": "q", "Arn": default_q}])
    put(events, detail={"on": "orders"}, EventBusName="orders")
    put(events, detail={"on": "default"})
    server.settle()
    assert [b["detail"] for b in bodies(sqs, custom_url)] == [{"on": "orders"}]
    assert [b["detail"] for b in bodies(sqs, default_url)] == [{"on": "default"}]


def test_bus_to_bus(server: Server, events: Any, sqs: Any) -> None:
    url, queue_arn = make_queue(sqs, "downstream")
    bus_arn = events.create_event_bus(Name="downstream")["EventBusArn"]
    events.put_rule(Name="forward", EventPattern='{"source": ["my.app"]}')
    events.put_targets(Rule="forward", Targets=[{"Id": "bus", "Arn": bus_arn}])
    events.put_rule(Name="catch", EventBusName="downstream", EventPattern='{"detail-type": ["thing"]}')
    events.put_targets(Rule="catch", EventBusName="downstream", Targets=[{"Id": "q", "Arn": queue_arn}])
    put(events, detail={"hop": 1}, Resources=["arn:aws:s3:::b"])
    server.settle()
    [event] = bodies(sqs, url)
    assert event["source"] == "my.app" and event["detail"] == {"hop": 1}
    assert event["resources"] == ["arn:aws:s3:::b"]


def test_permissions(events: Any) -> None:
    events.put_permission(Action="events:PutEvents", Principal="111122223333", StatementId="acct")
    policy = json.loads(events.describe_event_bus()["Policy"])
    [statement] = policy["Statement"]
    assert statement["Sid"] == "acct" and statement["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    assert statement["Resource"] == DEFAULT_ARN
    events.remove_permission(StatementId="acct")
    assert "Policy" not in events.describe_event_bus()
    with pytest.raises(ClientError) as excinfo:
        events.remove_permission(StatementId="acct")
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_put_events_to_another_accounts_bus_by_arn(server: Server, events: Any) -> None:
    other_events = server.client("events", access_key="111122223333")
    other_sqs = server.client("sqs", access_key="111122223333")
    url, queue_arn = make_queue(other_sqs, "inbox")
    bus_arn = other_events.create_event_bus(Name="shared")["EventBusArn"]
    assert bus_arn == "arn:aws:events:us-east-1:111122223333:event-bus/shared"
    other_events.put_rule(Name="r", EventBusName="shared", EventPattern='{"source": ["my.app"]}')
    other_events.put_targets(Rule="r", EventBusName="shared", Targets=[{"Id": "q", "Arn": queue_arn}])
    put(events, detail={"from": "elsewhere"}, EventBusName=bus_arn)
    server.settle()
    [event] = bodies(other_sqs, url)
    assert event["account"] == "000000000000" and event["detail"] == {"from": "elsewhere"}
