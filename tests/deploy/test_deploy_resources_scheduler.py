"""EventBridge Scheduler resource handlers against a real server: groups, schedules firing
on the clock into a queue, updates, deletes."""

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

ROLE = "arn:aws:iam::000000000000:role/scheduler-role"


def handler(type_name: str) -> ResourceHandler:
    found = handler_for(type_name)
    assert found is not None
    return found


def update(
    server: Server, h: ResourceHandler, physical_id: str, new: dict[str, Any], old: dict[str, Any]
) -> Provisioned:
    return asyncio.run(h.update(context(server, h.type_name), physical_id, new, old))


def drain(server: Server, url: str) -> list[Any]:
    sqs = server.client("sqs")
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    for message in messages:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return [json.loads(m["Body"]) for m in messages]


def test_group_and_schedule_fire_update_and_delete(server: Server) -> None:
    group_h, schedule_h = handler("AWS::Scheduler::ScheduleGroup"), handler("AWS::Scheduler::Schedule")
    group_props = {"Tags": [{"Key": "team", "Value": "ops"}]}
    group = create(server, group_h, group_props, logical_id="Jobs")
    assert group.physical_id.startswith("teststack-Jobs-")
    assert group.attributes["Arn"].endswith(f":schedule-group/{group.physical_id}")
    assert group.attributes["State"] == "ACTIVE" and group.attributes["CreationDate"]

    sqs = server.client("sqs")
    url = sqs.create_queue(QueueName="due")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    props = {
        "GroupName": group.physical_id,
        "ScheduleExpression": "rate(5 minutes)",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "Target": {
            "Arn": arn,
            "RoleArn": ROLE,
            "Input": '{"job": 1}',
            "RetryPolicy": {"MaximumRetryAttempts": "2"},
        },
        "Description": "every five",
    }
    schedule = create(server, schedule_h, props, logical_id="Every5")
    name = schedule.physical_id
    assert schedule.attributes["Arn"].endswith(f":schedule/{group.physical_id}/{name}")
    got = server.client("scheduler").get_schedule(Name=name, GroupName=group.physical_id)
    assert got["Target"]["RetryPolicy"]["MaximumRetryAttempts"] == 2
    server.advance(300)
    fired = drain(server, url)
    assert fired and all(body == {"job": 1} for body in fired)

    new = {**props, "Target": {**props["Target"], "Input": '{"job": 2}'}, "State": "ENABLED"}
    del new["Description"]
    update(server, schedule_h, name, new, props)
    got = server.client("scheduler").get_schedule(Name=name, GroupName=group.physical_id)
    assert "Description" not in got or not got["Description"]
    server.advance(300)
    fired = drain(server, url)
    assert fired and all(body == {"job": 2} for body in fired)

    delete(server, schedule_h, name, new)
    with pytest.raises(ClientError):
        server.client("scheduler").get_schedule(Name=name, GroupName=group.physical_id)
    delete(server, schedule_h, name, new)
    update(server, group_h, group.physical_id, {"Tags": [{"Key": "team", "Value": "dev"}]}, group_props)
    tags = server.client("scheduler").list_tags_for_resource(ResourceArn=group.attributes["Arn"])["Tags"]
    assert tags == [{"Key": "team", "Value": "dev"}]
    delete(server, group_h, group.physical_id, {})
    delete(server, group_h, group.physical_id, {})


def test_one_time_schedule_with_dates_on_the_default_group(server: Server) -> None:
    sqs = server.client("sqs")
    url = sqs.create_queue(QueueName="once")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    props = {
        "Name": "later",
        "ScheduleExpression": "cron(0 12 * * ? *)",
        "ScheduleExpressionTimezone": "Europe/Paris",
        "StartDate": "2030-01-01T00:00:00Z",
        "FlexibleTimeWindow": {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": "10"},
        "Target": {"Arn": arn, "RoleArn": ROLE},
    }
    made = create(server, handler("AWS::Scheduler::Schedule"), props)
    assert made.physical_id == "later"
    got = server.client("scheduler").get_schedule(Name="later")
    assert got["StartDate"].year == 2030 and got["FlexibleTimeWindow"]["MaximumWindowInMinutes"] == 10
    with pytest.raises(ClientError) as failure:
        create(server, handler("AWS::Scheduler::Schedule"), {**props, "ScheduleExpression": "nonsense"})
    assert failure.value.response["Error"]["Code"] == "ValidationException"
