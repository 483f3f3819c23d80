"""Rules through boto3 and the AWS CLI: PutRule, Describe/List/Enable/Disable/DeleteRule,
targets bookkeeping, tags and validation errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from events_support import bodies, make_queue, put

from harness import Server

PATTERN = json.dumps({"source": ["my.app"]})


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"], excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_put_describe_list_rule(events: Any) -> None:
    arn = events.put_rule(Name="r1", EventPattern=PATTERN, Description="first")["RuleArn"]
    assert arn == "arn:aws:events:us-east-1:000000000000:rule/r1"
    events.put_rule(Name="r2", ScheduleExpression="rate(5 minutes)", State="DISABLED")
    described = events.describe_rule(Name="r1")
    assert described["Name"] == "r1"
    assert described["Arn"] == arn
    assert json.loads(described["EventPattern"]) == {"source": ["my.app"]}
    assert described["State"] == "ENABLED"
    assert described["Description"] == "first"
    assert described["EventBusName"] == "default"
    assert described["CreatedBy"] == "000000000000"
    listed = events.list_rules()["Rules"]
    assert [r["Name"] for r in listed] == ["r1", "r2"]
    assert listed[1]["ScheduleExpression"] == "rate(5 minutes)"
    assert listed[1]["State"] == "DISABLED"
    assert [r["Name"] for r in events.list_rules(NamePrefix="r2")["Rules"]] == ["r2"]
    first = events.list_rules(Limit=1)
    assert [r["Name"] for r in first["Rules"]] == ["r1"]
    second = events.list_rules(Limit=1, NextToken=first["NextToken"])
    assert [r["Name"] for r in second["Rules"]] == ["r2"] and "NextToken" not in second


def test_put_rule_updates_in_place_and_keeps_targets(events: Any, sqs: Any) -> None:
    _, queue_arn = make_queue(sqs, "keep")
    events.put_rule(Name="r", EventPattern=PATTERN)
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": queue_arn}])
    events.put_rule(Name="r", EventPattern=json.dumps({"source": ["other"]}), Description="changed")
    assert events.describe_rule(Name="r")["Description"] == "changed"
    assert [t["Id"] for t in events.list_targets_by_rule(Rule="r")["Targets"]] == ["t"]


def test_enable_disable_delete(server: Server, events: Any, sqs: Any) -> None:
    url, queue_arn = make_queue(sqs, "toggle")
    events.put_rule(Name="r", EventPattern=PATTERN)
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": queue_arn}])
    events.disable_rule(Name="r")
    assert events.describe_rule(Name="r")["State"] == "DISABLED"
    put(events)
    server.settle()
    assert bodies(sqs, url) == []
    events.enable_rule(Name="r")
    put(events)
    server.settle()
    assert len(bodies(sqs, url)) == 1
    with pytest.raises(ClientError) as excinfo:
        events.delete_rule(Name="r")
    assert error_of(excinfo) == ("ValidationException", "Rule can't be deleted since it has targets.", 400)
    assert events.remove_targets(Rule="r", Ids=["t"])["FailedEntryCount"] == 0
    events.delete_rule(Name="r")
    assert events.list_rules()["Rules"] == []
    events.delete_rule(Name="r")  # deleting again is not an error
    with pytest.raises(ClientError) as excinfo:
        events.enable_rule(Name="r")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "Rule r does not exist on EventBus default.",
        400,
    )


def test_describe_missing_rule(events: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        events.describe_rule(Name="nope")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "Rule nope does not exist on EventBus default.",
        400,
    )


@pytest.mark.parametrize(
    "expression",
    [
        "rate(1 minutes)",
        "rate(2 minute)",
        "rate(0 minutes)",
        "rate(1 hours)",
        "rate(5 day)",
        "rate(5 seconds)",
        "rate(-1 minutes)",
        "cron(0 12 * * * *)",  # one of day-of-month / day-of-week must be ?
        "cron(0 12 ? * ? *)",
        "cron(0 12 * *)",
        "cron(60 12 * * ? *)",
        "cron(0 12 ? * 8 *)",
        "at(2030-01-01T00:00:00)",
        "every minute",
    ],
)
def test_invalid_schedule_expressions(events: Any, expression: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        events.put_rule(Name="bad", ScheduleExpression=expression)
    assert error_of(excinfo) == ("ValidationException", "Parameter ScheduleExpression is not valid.", 400)


@pytest.mark.parametrize(
    "expression",
    ["rate(1 minute)", "rate(2 minutes)", "rate(1 hour)", "rate(3 hours)", "rate(1 day)", "rate(7 days)",
     "cron(0/15 * * * ? *)", "cron(0 8 ? * MON-FRI *)", "cron(0 0 L * ? *)", "cron(0 9 ? * 6#3 *)",
     "cron(0 10 15W * ? 2030)", "cron(5,35 14 * * ? *)"],
)  # fmt: skip
def test_valid_schedule_expressions(events: Any, expression: str) -> None:
    events.put_rule(Name="good", ScheduleExpression=expression)
    assert events.describe_rule(Name="good")["ScheduleExpression"] == expression


def test_put_rule_validation(events: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        events.put_rule(Name="empty")
    assert error_of(excinfo) == (
        "ValidationException",
        "Parameter(s) EventPattern or ScheduleExpression must be specified.",
        400,
    )
    with pytest.raises(ClientError) as excinfo:
        events.put_rule(Name="bad name!", EventPattern=PATTERN)
    code, message, status = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert "failed to satisfy constraint: Member must satisfy regular expression pattern" in message
    with pytest.raises(ClientError) as excinfo:
        events.put_rule(Name="p", EventPattern='{"source": "not-a-list"}')
    code, message, status = error_of(excinfo)
    assert (code, status) == ("InvalidEventPatternException", 400)
    assert message.startswith("Event pattern is not valid. Reason: ")
    with pytest.raises(ClientError) as excinfo:
        events.put_rule(Name="p", EventPattern=PATTERN, EventBusName="missing")
    assert error_of(excinfo) == ("ResourceNotFoundException", "Event bus missing does not exist.", 400)
    events.create_event_bus(Name="custom")
    with pytest.raises(ClientError) as excinfo:
        events.put_rule(Name="s", ScheduleExpression="rate(1 minute)", EventBusName="custom")
    assert error_of(excinfo) == (
        "ValidationException",
        "ScheduleExpression is supported only on the default event bus.",
        400,
    )


def test_targets_bookkeeping(events: Any, sqs: Any) -> None:
    _, a = make_queue(sqs, "a")
    _, b = make_queue(sqs, "b")
    events.put_rule(Name="r1", EventPattern=PATTERN)
    events.put_rule(Name="r2", EventPattern=PATTERN)
    result = events.put_targets(
        Rule="r1", Targets=[{"Id": "1", "Arn": a}, {"Id": "2", "Arn": b, "Input": '{"k": 1}'}]
    )
    assert result["FailedEntryCount"] == 0 and result["FailedEntries"] == []
    events.put_targets(Rule="r2", Targets=[{"Id": "x", "Arn": a}])
    targets = events.list_targets_by_rule(Rule="r1")["Targets"]
    assert targets == [{"Id": "1", "Arn": a}, {"Id": "2", "Arn": b, "Input": '{"k": 1}'}]
    events.put_targets(Rule="r1", Targets=[{"Id": "2", "Arn": b, "InputPath": "$.detail"}])
    assert events.list_targets_by_rule(Rule="r1")["Targets"][1] == {
        "Id": "2",
        "Arn": b,
        "InputPath": "$.detail",
    }
    assert events.list_rule_names_by_target(TargetArn=a)["RuleNames"] == ["r1", "r2"]
    assert events.list_rule_names_by_target(TargetArn=b)["RuleNames"] == ["r1"]
    with pytest.raises(ClientError) as excinfo:
        events.put_targets(Rule="r1", Targets=[{"Id": str(n), "Arn": a} for n in range(3, 7)])
    assert error_of(excinfo)[0] == "LimitExceededException"
    with pytest.raises(ClientError) as excinfo:
        events.put_targets(Rule="missing", Targets=[{"Id": "1", "Arn": a}])
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "Rule missing does not exist on EventBus default.",
        400,
    )
    with pytest.raises(ClientError) as excinfo:
        events.put_targets(Rule="r1", Targets=[{"Id": "3", "Arn": a, "Input": "{}", "InputPath": "$.detail"}])
    assert error_of(excinfo)[0] == "ValidationException"
    with pytest.raises(ClientError) as excinfo:
        events.put_targets(
            Rule="r1", Targets=[{"Id": "3", "Arn": a, "RetryPolicy": {"MaximumEventAgeInSeconds": 90000}}]
        )
    assert error_of(excinfo)[0] == "ValidationException"
    _, fifo = make_queue(sqs, "f.fifo")
    result = events.put_targets(
        Rule="r2", Targets=[{"Id": "3", "Arn": fifo}, {"Id": "4", "Arn": "not-an-arn"}]
    )
    assert result["FailedEntryCount"] == 2
    assert result["FailedEntries"] == [
        {
            "TargetId": "3",
            "ErrorCode": "ValidationException",
            "ErrorMessage": "Parameter(s) SqsParameters must be specified for target: 3.",
        },
        {
            "TargetId": "4",
            "ErrorCode": "ValidationException",
            "ErrorMessage": "Parameter not-an-arn is not valid. Reason: Provided Arn is not in correct format.",
        },
    ]
    assert [t["Id"] for t in events.list_targets_by_rule(Rule="r2")["Targets"]] == ["x"]
    transformer = {"InputPathsMap": {"a": "$.detail.a"}, "InputTemplate": '{"a": <a>, "b": <b>}'}
    with pytest.raises(ClientError) as excinfo:
        events.put_targets(Rule="r2", Targets=[{"Id": "5", "Arn": a, "InputTransformer": transformer}])
    assert error_of(excinfo) == (
        "ValidationException",
        "InputTemplate for target 5 contains invalid placeholder b.",
        400,
    )
    removed = events.remove_targets(Rule="r2", Ids=["x", "nope"])
    assert removed["FailedEntryCount"] == 1
    assert removed["FailedEntries"] == [
        {
            "TargetId": "nope",
            "ErrorCode": "ResourceNotFoundException",
            "ErrorMessage": "Rule 'r2' does not have a target with the Id 'nope'.",
        }
    ]


def test_tags_on_rules_and_buses(events: Any) -> None:
    rule_arn = events.put_rule(Name="r", EventPattern=PATTERN, Tags=[{"Key": "team", "Value": "a"}])[
        "RuleArn"
    ]
    assert events.list_tags_for_resource(ResourceARN=rule_arn)["Tags"] == [{"Key": "team", "Value": "a"}]
    events.tag_resource(ResourceARN=rule_arn, Tags=[{"Key": "env", "Value": "dev"}])
    events.untag_resource(ResourceARN=rule_arn, TagKeys=["team"])
    assert events.list_tags_for_resource(ResourceARN=rule_arn)["Tags"] == [{"Key": "env", "Value": "dev"}]
    bus_arn = events.create_event_bus(Name="b", Tags=[{"Key": "k", "Value": "v"}])["EventBusArn"]
    assert events.list_tags_for_resource(ResourceARN=bus_arn)["Tags"] == [{"Key": "k", "Value": "v"}]
    default_arn = "arn:aws:events:us-east-1:000000000000:event-bus/default"
    events.tag_resource(ResourceARN=default_arn, Tags=[{"Key": "d", "Value": "1"}])
    assert events.list_tags_for_resource(ResourceARN=default_arn)["Tags"] == [{"Key": "d", "Value": "1"}]
    with pytest.raises(ClientError) as excinfo:
        events.list_tags_for_resource(ResourceARN="arn:aws:events:us-east-1:000000000000:rule/nope")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "Rule nope does not exist on EventBus default.",
        400,
    )


def test_cli_put_rule_targets_events(server: Server, sqs: Any) -> None:
    url, queue_arn = make_queue(sqs, "cli")
    rule = json.loads(
        server.aws("events", "put-rule", "--name", "cli-rule", "--event-pattern", PATTERN).stdout
    )
    assert rule["RuleArn"].endswith(":rule/cli-rule")
    targets = json.loads(
        server.aws(
            "events",
            "put-targets",
            "--rule",
            "cli-rule",
            "--targets",
            json.dumps([{"Id": "q", "Arn": queue_arn}]),
        ).stdout
    )
    assert targets["FailedEntryCount"] == 0
    entries = [{"Source": "my.app", "DetailType": "cli", "Detail": json.dumps({"via": "cli"})}]
    sent = json.loads(server.aws("events", "put-events", "--entries", json.dumps(entries)).stdout)
    assert sent["FailedEntryCount"] == 0 and len(sent["Entries"][0]["EventId"]) == 36
    server.settle()
    [event] = bodies(sqs, url)
    assert event["detail"] == {"via": "cli"} and event["detail-type"] == "cli"
    failed = server.aws("events", "describe-rule", "--name", "nope", check=False)
    assert failed.returncode != 0 and "ResourceNotFoundException" in failed.stderr
