"""Log groups and streams through boto3: create, describe (filters, paging, order), delete, tags."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from harness import Server


def error_of(call: Callable[[], Any]) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as info:
        call()
    error = info.value.response["Error"]
    return error["Code"], error["Message"], info.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_create_describe_delete_group(logs: Any, now_ms: Callable[[], int]) -> None:
    before = now_ms()
    logs.create_log_group(logGroupName="/aws/lambda/orders", logGroupClass="INFREQUENT_ACCESS", kmsKeyId="k1")
    [group] = logs.describe_log_groups()["logGroups"]
    assert group["logGroupName"] == "/aws/lambda/orders"
    assert group["arn"] == "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/orders:*"
    assert group["logGroupArn"] == "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/orders"
    assert group["logGroupClass"] == "INFREQUENT_ACCESS"
    assert group["kmsKeyId"] == "k1"
    assert group["storedBytes"] == 0
    assert "retentionInDays" not in group
    assert before - 1000 <= group["creationTime"] <= now_ms() + 1000
    assert error_of(lambda: logs.create_log_group(logGroupName="/aws/lambda/orders")) == (
        "ResourceAlreadyExistsException",
        "The specified log group already exists",
        400,
    )
    logs.delete_log_group(logGroupName="/aws/lambda/orders")
    assert logs.describe_log_groups()["logGroups"] == []
    assert error_of(lambda: logs.delete_log_group(logGroupName="/aws/lambda/orders")) == (
        "ResourceNotFoundException",
        "The specified log group does not exist.",
        400,
    )


def test_invalid_group_name(logs: Any) -> None:
    code, message, _ = error_of(lambda: logs.create_log_group(logGroupName="bad name!"))
    assert code == "InvalidParameterException"
    assert "failed to satisfy constraint: Member must satisfy regular expression pattern" in message


def test_describe_groups_prefix_pattern_and_paging(logs: Any) -> None:
    for name in ["/app/a", "/app/b", "/app/c", "/other/APPLE", "/zzz"]:
        logs.create_log_group(logGroupName=name)
    listed = logs.describe_log_groups(logGroupNamePrefix="/app/")["logGroups"]
    assert [g["logGroupName"] for g in listed] == ["/app/a", "/app/b", "/app/c"]
    # logGroupNamePattern is a case-insensitive substring
    listed = logs.describe_log_groups(logGroupNamePattern="app")["logGroups"]
    assert [g["logGroupName"] for g in listed] == ["/app/a", "/app/b", "/app/c", "/other/APPLE"]
    assert error_of(lambda: logs.describe_log_groups(logGroupNamePrefix="/a", logGroupNamePattern="a")) == (
        "InvalidParameterException",
        "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.",
        400,
    )
    first = logs.describe_log_groups(limit=2)
    assert [g["logGroupName"] for g in first["logGroups"]] == ["/app/a", "/app/b"]
    second = logs.describe_log_groups(limit=2, nextToken=first["nextToken"])
    assert [g["logGroupName"] for g in second["logGroups"]] == ["/app/c", "/other/APPLE"]
    third = logs.describe_log_groups(limit=2, nextToken=second["nextToken"])
    assert [g["logGroupName"] for g in third["logGroups"]] == ["/zzz"]
    assert "nextToken" not in third
    pages = logs.get_paginator("describe_log_groups").paginate(PaginationConfig={"PageSize": 3})
    assert len([g for page in pages for g in page["logGroups"]]) == 5
    assert error_of(lambda: logs.describe_log_groups(nextToken="garbage"))[0] == "InvalidParameterException"


def test_groups_are_isolated_per_account_and_region(server: Server, logs: Any) -> None:
    logs.create_log_group(logGroupName="/mine")
    assert server.client("logs", region="eu-west-1").describe_log_groups()["logGroups"] == []
    other = server.client("logs", access_key="111122223333")
    assert other.describe_log_groups()["logGroups"] == []
    arn = "arn:aws:logs:us-east-1:000000000000:log-group:/mine"
    assert error_of(lambda: other.list_tags_for_resource(resourceArn=arn))[0] == "ResourceNotFoundException"


def test_streams_create_describe_delete(logs: Any) -> None:
    logs.create_log_group(logGroupName="/g")
    assert error_of(lambda: logs.create_log_stream(logGroupName="/missing", logStreamName="s")) == (
        "ResourceNotFoundException",
        "The specified log group does not exist.",
        400,
    )
    for name in ["b", "a", "c"]:
        logs.create_log_stream(logGroupName="/g", logStreamName=name)
    code, message, _ = error_of(lambda: logs.create_log_stream(logGroupName="/g", logStreamName="a"))
    assert (code, message) == ("ResourceAlreadyExistsException", "The specified log stream already exists")
    streams = logs.describe_log_streams(logGroupName="/g")["logStreams"]
    assert [s["logStreamName"] for s in streams] == ["a", "b", "c"]
    assert streams[0]["arn"] == "arn:aws:logs:us-east-1:000000000000:log-group:/g:log-stream:a"
    assert "lastEventTimestamp" not in streams[0]
    listed = logs.describe_log_streams(logGroupName="/g", descending=True, limit=2)
    assert [s["logStreamName"] for s in listed["logStreams"]] == ["c", "b"]
    rest = logs.describe_log_streams(
        logGroupName="/g", descending=True, limit=2, nextToken=listed["nextToken"]
    )
    assert [s["logStreamName"] for s in rest["logStreams"]] == ["a"]
    logs.delete_log_stream(logGroupName="/g", logStreamName="b")
    streams = logs.describe_log_streams(logGroupName="/g", logStreamNamePrefix="b")["logStreams"]
    assert streams == []
    assert error_of(lambda: logs.delete_log_stream(logGroupName="/g", logStreamName="b")) == (
        "ResourceNotFoundException",
        "The specified log stream does not exist.",
        400,
    )
    arn = "arn:aws:logs:us-east-1:000000000000:log-group:/g:*"
    by_arn = logs.describe_log_streams(logGroupIdentifier=arn)["logStreams"]
    assert [s["logStreamName"] for s in by_arn] == ["a", "c"]


def test_streams_ordered_by_last_event_time(logs: Any, now_ms: Callable[[], int]) -> None:
    logs.create_log_group(logGroupName="/g")
    now = now_ms()
    for offset, name in [(3, "x"), (1, "y"), (2, "z")]:
        logs.create_log_stream(logGroupName="/g", logStreamName=name)
        logs.put_log_events(
            logGroupName="/g",
            logStreamName=name,
            logEvents=[{"timestamp": now - 1000 + offset, "message": name}],
        )
    logs.create_log_stream(logGroupName="/g", logStreamName="empty")
    ordered = logs.describe_log_streams(logGroupName="/g", orderBy="LastEventTime", descending=True)
    assert [s["logStreamName"] for s in ordered["logStreams"]] == ["x", "z", "y", "empty"]
    first = logs.describe_log_streams(logGroupName="/g", orderBy="LastEventTime", limit=2)
    assert [s["logStreamName"] for s in first["logStreams"]] == ["empty", "y"]
    rest = logs.describe_log_streams(
        logGroupName="/g", orderBy="LastEventTime", limit=2, nextToken=first["nextToken"]
    )
    assert [s["logStreamName"] for s in rest["logStreams"]] == ["z", "x"]
    code, message, _ = error_of(
        lambda: logs.describe_log_streams(logGroupName="/g", orderBy="LastEventTime", logStreamNamePrefix="x")
    )
    assert (code, message) == (
        "InvalidParameterException",
        "Cannot order by LastEventTime with a logStreamNamePrefix.",
    )


def test_tags_by_arn_and_by_group_name(logs: Any) -> None:
    logs.create_log_group(logGroupName="/t", tags={"team": "core"})
    arn = "arn:aws:logs:us-east-1:000000000000:log-group:/t"
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "core"}
    logs.tag_resource(resourceArn=arn, tags={"env": "dev"})
    logs.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert logs.list_tags_log_group(logGroupName="/t")["tags"] == {"env": "dev"}
    logs.tag_log_group(logGroupName="/t", tags={"a": "1"})
    logs.untag_log_group(logGroupName="/t", tags=["env"])
    assert logs.list_tags_for_resource(resourceArn=arn + ":*")["tags"] == {"a": "1"}
    missing = "arn:aws:logs:us-east-1:000000000000:log-group:/nope"
    assert (
        error_of(lambda: logs.list_tags_for_resource(resourceArn=missing))[0] == "ResourceNotFoundException"
    )
    too_many = {f"k{i}": "v" for i in range(50)}
    assert error_of(lambda: logs.tag_resource(resourceArn=arn, tags=too_many))[0] == "TooManyTagsException"


def test_retention_policy_values(logs: Any) -> None:
    logs.create_log_group(logGroupName="/r")
    logs.put_retention_policy(logGroupName="/r", retentionInDays=30)
    assert logs.describe_log_groups()["logGroups"][0]["retentionInDays"] == 30
    code, message, _ = error_of(lambda: logs.put_retention_policy(logGroupName="/r", retentionInDays=2))
    assert code == "InvalidParameterException"
    assert "Member must satisfy enum value set: [1, 3, 5, 7, 14, 30," in message
    logs.delete_retention_policy(logGroupName="/r")
    assert "retentionInDays" not in logs.describe_log_groups()["logGroups"][0]
    assert error_of(lambda: logs.put_retention_policy(logGroupName="/x", retentionInDays=1))[0] == (
        "ResourceNotFoundException"
    )


def test_deletion_protection_and_limits(logs: Any) -> None:
    logs.create_log_group(logGroupName="/kept", deletionProtectionEnabled=True)
    assert logs.describe_log_groups()["logGroups"][0]["deletionProtectionEnabled"] is True
    assert error_of(lambda: logs.delete_log_group(logGroupName="/kept"))[0] == "ValidationException"
    code, message, _ = error_of(lambda: logs.describe_log_groups(limit=51))
    assert code == "InvalidParameterException"
    assert message.endswith("failed to satisfy constraint: Member must have value less than or equal to 50")
