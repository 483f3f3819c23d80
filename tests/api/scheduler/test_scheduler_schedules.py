"""Schedules: create, get, update, delete, list; validation and errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from scheduler_support import OFF, ROLE, error, target

from harness import Server

QUEUE = "arn:aws:sqs:us-east-1:000000000000:q"


def create(scheduler: Any, name: str = "s", **kwargs: Any) -> str:
    kwargs.setdefault("ScheduleExpression", "rate(1 hour)")
    kwargs.setdefault("FlexibleTimeWindow", OFF)
    kwargs.setdefault("Target", target(QUEUE))
    arn: str = scheduler.create_schedule(Name=name, **kwargs)["ScheduleArn"]
    return arn


def test_create_and_get_returns_every_field(scheduler: Any) -> None:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    end = start + timedelta(days=30)
    arn = create(
        scheduler,
        "nightly",
        ScheduleExpression="cron(0 2 * * ? *)",
        ScheduleExpressionTimezone="Europe/Paris",
        StartDate=start,
        EndDate=end,
        Description="every night",
        State="DISABLED",
        FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15},
        Target=target(QUEUE, Input='{"a":1}', DeadLetterConfig={"Arn": QUEUE + "-dlq"}),
        ActionAfterCompletion="NONE",
    )
    assert arn == "arn:aws:scheduler:us-east-1:000000000000:schedule/default/nightly"
    got = scheduler.get_schedule(Name="nightly")
    assert got["Arn"] == arn
    assert got["Name"] == "nightly" and got["GroupName"] == "default"
    assert got["ScheduleExpression"] == "cron(0 2 * * ? *)"
    assert got["ScheduleExpressionTimezone"] == "Europe/Paris"
    assert got["StartDate"] == start and got["EndDate"] == end
    assert got["Description"] == "every night"
    assert got["State"] == "DISABLED"
    assert got["FlexibleTimeWindow"] == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15}
    assert got["ActionAfterCompletion"] == "NONE"
    assert got["Target"] == {
        "Arn": QUEUE,
        "RoleArn": ROLE,
        "Input": '{"a":1}',
        "DeadLetterConfig": {"Arn": QUEUE + "-dlq"},
        "RetryPolicy": {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185},
    }
    assert got["CreationDate"] == got["LastModificationDate"]


def test_defaults(scheduler: Any) -> None:
    create(scheduler)
    got = scheduler.get_schedule(Name="s", GroupName="default")
    assert got["State"] == "ENABLED"
    assert got["ScheduleExpressionTimezone"] == "UTC"
    assert got["ActionAfterCompletion"] == "NONE"
    assert "Description" not in got and "StartDate" not in got


def test_missing_schedule(scheduler: Any) -> None:
    for call in (scheduler.get_schedule, scheduler.delete_schedule):
        with pytest.raises(ClientError) as exc:
            call(Name="nope")
        assert error(exc) == ("ResourceNotFoundException", "Schedule nope does not exist.", 404)
    with pytest.raises(ClientError) as exc:
        scheduler.update_schedule(
            Name="nope", ScheduleExpression="rate(1 hour)", FlexibleTimeWindow=OFF, Target=target(QUEUE)
        )
    assert error(exc) == ("ResourceNotFoundException", "Schedule nope does not exist.", 404)


def test_duplicate_conflicts_but_other_group_is_fine(scheduler: Any) -> None:
    create(scheduler)
    with pytest.raises(ClientError) as exc:
        create(scheduler)
    assert error(exc) == ("ConflictException", "Schedule s already exists.", 409)
    scheduler.create_schedule_group(Name="other")
    arn = create(scheduler, GroupName="other")
    assert arn.endswith(":schedule/other/s")


def test_missing_group(scheduler: Any) -> None:
    with pytest.raises(ClientError) as exc:
        create(scheduler, GroupName="nope")
    assert error(exc) == ("ResourceNotFoundException", "Schedule group nope does not exist.", 404)


def test_client_token_idempotency(scheduler: Any) -> None:
    first = create(scheduler, ClientToken="abc")
    assert create(scheduler, ClientToken="abc") == first
    scheduler.delete_schedule(Name="s", ClientToken="del-1")
    scheduler.delete_schedule(Name="s", ClientToken="del-1")  # a retry of the same delete


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"ScheduleExpression": "rate(0 minutes)"}, "Invalid Schedule Expression rate(0 minutes)."),
        ({"ScheduleExpression": "cron(0 2 * * * *)"}, "Invalid Schedule Expression"),
        ({"ScheduleExpression": "every day"}, "Invalid Schedule Expression"),
        ({"ScheduleExpressionTimezone": "Mars/Olympus"}, "Invalid timezone"),
        ({"FlexibleTimeWindow": {"Mode": "FLEXIBLE"}}, "MaximumWindowInMinutes"),
        ({"FlexibleTimeWindow": {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 2000}}, "between 1 and 1440"),
        ({"Target": {"Arn": QUEUE, "RoleArn": "not-a-role"}}, "target.roleArn"),
        ({"Target": target("nonsense")}, "Provided Arn is not in correct format."),
        ({"Target": target(QUEUE, RetryPolicy={"MaximumRetryAttempts": 500})}, "between 0 and 185"),
        (
            {"Target": target(QUEUE, DeadLetterConfig={"Arn": "arn:aws:sns:us-east-1:000000000000:t"})},
            "deadLetterConfig",
        ),
        ({"Target": target("arn:aws:lambda:us-east-1:000000000000:function:f", Input="not json")}, "JSON"),
        ({"StartDate": datetime.now(UTC) - timedelta(hours=1)}, "cannot be earlier than 5 minutes ago"),
        (
            {
                "StartDate": datetime.now(UTC) + timedelta(hours=2),
                "EndDate": datetime.now(UTC) + timedelta(hours=1),
            },
            "EndDate",
        ),
        ({"State": "PAUSED"}, "enum value set"),
        ({"ActionAfterCompletion": "ARCHIVE"}, "enum value set"),
    ],
)
def test_validation(scheduler: Any, overrides: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ClientError) as exc:
        create(scheduler, **overrides)
    code, message, status = error(exc)
    assert (code, status) == ("ValidationException", 400)
    assert fragment in message


@pytest.mark.parametrize(
    "expression",
    ["rate(10 minutess)", "rate(10 seconds)", "rate( 10 minutes )", "at(2021-12-31)", "cron(0 1 * * * *)"],
)
def test_invalid_expressions_as_aws_words_them(scheduler: Any, expression: str) -> None:
    with pytest.raises(ClientError) as exc:
        create(scheduler, ScheduleExpression=expression)
    assert error(exc) == ("ValidationException", f"Invalid Schedule Expression {expression}.", 400)


def test_rate_unit_may_be_singular(scheduler: Any) -> None:
    # AWS accepts "rate(2 minute)" and returns it as given.
    create(scheduler, ScheduleExpression="rate(2 minute)")
    assert scheduler.get_schedule(Name="s")["ScheduleExpression"] == "rate(2 minute)"


def test_name_pattern_and_length(scheduler: Any) -> None:
    for name in ("has space", "x" * 65):
        with pytest.raises(ClientError) as exc:
            create(scheduler, name)
        assert error(exc)[0] == "ValidationException"


def test_event_bus_target_needs_event_bridge_parameters(scheduler: Any) -> None:
    bus = "arn:aws:events:us-east-1:000000000000:event-bus/default"
    with pytest.raises(ClientError) as exc:
        create(scheduler, Target=target(bus, Input="{}"))
    assert error(exc)[0] == "ValidationException"
    with pytest.raises(ClientError) as exc:
        create(scheduler, Target=target(bus, EventBridgeParameters={"DetailType": "t", "Source": "aws.fake"}))
    assert error(exc)[0] == "ValidationException"
    create(scheduler, Target=target(bus, EventBridgeParameters={"DetailType": "t", "Source": "my.app"}))


def test_universal_and_undelivered_targets_are_not_implemented(scheduler: Any) -> None:
    for arn in (
        "arn:aws:scheduler:::aws-sdk:sqs:createQueue",
        "arn:aws:states:us-east-1:000000000000:stateMachine:m",
    ):
        with pytest.raises(ClientError) as exc:
            create(scheduler, Target=target(arn))
        code, _, status = error(exc)
        assert (code, status) == ("NotImplemented", 501)


def test_update_replaces_every_setting(scheduler: Any) -> None:
    create(scheduler, Description="old", Target=target(QUEUE, Input="x"))
    before = scheduler.get_schedule(Name="s")
    arn = scheduler.update_schedule(
        Name="s",
        ScheduleExpression="rate(5 minutes)",
        FlexibleTimeWindow=OFF,
        Target=target(QUEUE),
        State="DISABLED",
    )["ScheduleArn"]
    assert arn == before["Arn"]
    after = scheduler.get_schedule(Name="s")
    assert after["ScheduleExpression"] == "rate(5 minutes)"
    assert after["State"] == "DISABLED"
    assert "Description" not in after and "Input" not in after["Target"]
    assert after["CreationDate"] == before["CreationDate"]
    assert after["LastModificationDate"] >= before["LastModificationDate"]


def test_list_filters_and_pages(scheduler: Any) -> None:
    scheduler.create_schedule_group(Name="other")
    for name in ("alpha", "beta", "alps"):
        create(scheduler, name)
    create(scheduler, "alpha", GroupName="other", State="DISABLED")
    everything = scheduler.list_schedules()["Schedules"]
    assert [(s["Name"], s["GroupName"]) for s in everything] == [
        ("alpha", "default"),
        ("alpha", "other"),
        ("alps", "default"),
        ("beta", "default"),
    ]
    assert everything[0]["Target"] == {"Arn": QUEUE}
    assert everything[0]["State"] == "ENABLED" and everything[0]["CreationDate"]
    assert [
        s["Name"] for s in scheduler.list_schedules(NamePrefix="al", GroupName="default")["Schedules"]
    ] == [
        "alpha",
        "alps",
    ]
    assert [s["GroupName"] for s in scheduler.list_schedules(State="DISABLED")["Schedules"]] == ["other"]
    pages = list(scheduler.get_paginator("list_schedules").paginate(PaginationConfig={"PageSize": 1}))
    assert [s["Name"] for p in pages for s in p["Schedules"]] == ["alpha", "alpha", "alps", "beta"]
    with pytest.raises(ClientError) as exc:
        scheduler.list_schedules(GroupName="nope")
    assert error(exc)[0] == "ResourceNotFoundException"


def test_aws_cli(server: Server) -> None:
    server.aws("scheduler", "create-schedule-group", "--name", "cli")
    created = server.aws(
        "scheduler",
        "create-schedule",
        "--name",
        "from-cli",
        "--group-name",
        "cli",
        "--schedule-expression",
        "rate(5 minutes)",
        "--flexible-time-window",
        '{"Mode": "OFF"}',
        "--target",
        json.dumps(target(QUEUE, Input="hello")),
    )
    assert json.loads(created.stdout)["ScheduleArn"].endswith(":schedule/cli/from-cli")
    got = json.loads(
        server.aws("scheduler", "get-schedule", "--name", "from-cli", "--group-name", "cli").stdout
    )
    assert got["Target"]["Input"] == "hello"
    missing = server.aws("scheduler", "get-schedule", "--name", "nope", check=False)
    assert missing.returncode != 0 and "ResourceNotFoundException" in missing.stderr


def test_accounts_and_regions_are_isolated(server: Server, scheduler: Any) -> None:
    create(scheduler)
    other_account = server.client("scheduler", access_key="111111111111")
    other_region = server.client("scheduler", region="eu-west-1")
    for client in (other_account, other_region):
        assert client.list_schedules()["Schedules"] == []
        with pytest.raises(ClientError) as exc:
            client.get_schedule(Name="s")
        assert error(exc)[0] == "ResourceNotFoundException"
    arn = other_account.create_schedule(
        Name="s", ScheduleExpression="rate(1 hour)", FlexibleTimeWindow=OFF, Target=target(QUEUE)
    )["ScheduleArn"]
    assert arn == "arn:aws:scheduler:us-east-1:111111111111:schedule/default/s"
