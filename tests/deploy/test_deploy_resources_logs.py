"""AWS::Logs::LogGroup and LogStream handlers, and CloudWatch alarms (stored only)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from deploy_support import context, create, delete

from cloudlet.deploy.resources import handler_for
from cloudlet.deploy.resources.base import Provisioned, Replace, ResourceHandler
from harness import Server


def _handler(type_name: str) -> ResourceHandler:
    found = handler_for(type_name)
    assert found is not None
    return found


GROUP = _handler("AWS::Logs::LogGroup")
STREAM = _handler("AWS::Logs::LogStream")
ALARM = _handler("AWS::CloudWatch::Alarm")


def update(
    server: Server, handler: ResourceHandler, physical_id: str, new: dict[str, Any], old: dict[str, Any]
) -> Provisioned:
    return asyncio.run(handler.update(context(server, handler.type_name), physical_id, new, old))


def groups(server: Server) -> dict[str, dict[str, Any]]:
    listed = server.client("logs").describe_log_groups()["logGroups"]
    return {g["logGroupName"]: g for g in listed}


def test_log_group_generated_name_retention_tags_and_arn(server: Server) -> None:
    properties = {"RetentionInDays": 14, "Tags": [{"Key": "svc", "Value": "api"}]}
    made = create(server, GROUP, properties, "ApiLogs")
    name = made.physical_id
    assert name.startswith("teststack-ApiLogs-")
    assert made.attributes == {"Arn": f"arn:aws:logs:us-east-1:000000000000:log-group:{name}:*"}
    assert groups(server)[name]["retentionInDays"] == 14
    arn = f"arn:aws:logs:us-east-1:000000000000:log-group:{name}"
    assert server.client("logs").list_tags_for_resource(resourceArn=arn)["tags"] == {"svc": "api"}


def test_an_existing_group_is_adopted(server: Server) -> None:
    server.client("logs").create_log_group(logGroupName="/aws/lambda/early")
    properties = {
        "LogGroupName": "/aws/lambda/early",
        "RetentionInDays": "7",
        "Tags": [{"Key": "k", "Value": "v"}],
    }
    made = create(server, GROUP, properties)
    assert made.physical_id == "/aws/lambda/early"
    assert groups(server)["/aws/lambda/early"]["retentionInDays"] == 7
    arn = "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/early"
    assert server.client("logs").list_tags_for_resource(resourceArn=arn)["tags"] == {"k": "v"}


def test_retention_update_removal_and_replacement(server: Server) -> None:
    old = {"LogGroupName": "/app", "RetentionInDays": 3}
    create(server, GROUP, old)
    update(server, GROUP, "/app", {"LogGroupName": "/app", "RetentionInDays": 30}, old)
    assert groups(server)["/app"]["retentionInDays"] == 30
    update(server, GROUP, "/app", {"LogGroupName": "/app"}, {"LogGroupName": "/app", "RetentionInDays": 30})
    assert "retentionInDays" not in groups(server)["/app"]
    with pytest.raises(Replace):
        update(server, GROUP, "/app", {"LogGroupName": "/other"}, {"LogGroupName": "/app"})
    delete(server, GROUP, "/app", {})
    assert "/app" not in groups(server)
    delete(server, GROUP, "/app", {})


def test_log_stream_create_and_delete(server: Server) -> None:
    logs = server.client("logs")
    logs.create_log_group(logGroupName="/streams")
    made = create(server, STREAM, {"LogGroupName": "/streams", "LogStreamName": "s1"})
    assert made.physical_id == "s1"
    assert [s["logStreamName"] for s in logs.describe_log_streams(logGroupName="/streams")["logStreams"]] == [
        "s1"
    ]
    delete(server, STREAM, "s1", {"LogGroupName": "/streams"})
    assert logs.describe_log_streams(logGroupName="/streams")["logStreams"] == []


def test_alarm_is_stored_only(server: Server) -> None:
    made = create(server, ALARM, {"MetricName": "Errors", "Threshold": 1}, "ErrorsAlarm")
    assert made.physical_id.startswith("teststack-ErrorsAlarm-")
    assert made.attributes["Arn"] == f"arn:aws:cloudwatch:us-east-1:000000000000:alarm:{made.physical_id}"
    named = create(server, ALARM, {"AlarmName": "too-many-errors"})
    assert named.physical_id == "too-many-errors"
    delete(server, ALARM, "too-many-errors", {})
