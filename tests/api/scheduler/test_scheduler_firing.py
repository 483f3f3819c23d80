"""Schedules fire on the clock: rate, cron in a time zone, at(), StartDate/EndDate, State,
ActionAfterCompletion, FIFO targets, context attributes, dead-letter queues."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from botocore.exceptions import ClientError
from scheduler_support import OFF, drain, target

from harness import Server

ZONE_KOLKATA = ZoneInfo("Asia/Kolkata")


def now(server: Server) -> datetime:
    return datetime.fromisoformat(server.internal("GET", "/_cloudlet/clock")["now"])


def fire_times(server: Server, arn: str, after: str, count: int = 20) -> list[str]:
    path = f"/_cloudlet/scheduler/fire-times?ScheduleArn={quote(arn)}&After={quote(after)}&Count={count}"
    times: list[str] = server.internal("GET", path)["FireTimes"]
    return times


def test_rate_fires_on_creation_and_every_interval(
    server: Server, scheduler: Any, sqs: Any, make_queue: Any
) -> None:
    url, queue = make_queue("ticks")
    scheduler.create_schedule(
        Name="every5",
        ScheduleExpression="rate(5 minutes)",
        FlexibleTimeWindow=OFF,
        Target=target(queue, Input="tick"),
    )
    server.settle()
    assert [m["Body"] for m in drain(sqs, url)] == ["tick"]  # "starts invoking the target immediately"
    server.advance(3600)
    assert [m["Body"] for m in drain(sqs, url)] == ["tick"] * 12


def test_cron_in_a_time_zone(server: Server, scheduler: Any, sqs: Any, make_queue: Any) -> None:
    url, queue = make_queue("tokyo")
    scheduler.create_schedule(
        Name="nine-am-tokyo",
        ScheduleExpression="cron(0 9 * * ? *)",
        ScheduleExpressionTimezone="Asia/Tokyo",
        FlexibleTimeWindow=OFF,
        Target=target(queue, Input="<aws.scheduler.scheduled-time>"),
    )
    server.advance(2 * 86400)
    bodies = sorted(m["Body"] for m in drain(sqs, url))
    assert len(bodies) == 2
    assert all(body.endswith("T00:00:00Z") for body in bodies)  # 09:00 in Tokyo is 00:00 UTC


def test_cron_across_daylight_saving_changes(scheduler: Any, server: Server) -> None:
    # "When the time shifts forward in Spring, your schedule invocation gets skipped if the cron
    # expression falls on a non-existent date and time. When the time shifts back in the Fall,
    # your schedule runs only once" (Scheduler guide, "Daylight savings time").
    spring = scheduler.create_schedule(
        Name="spring",
        ScheduleExpression="cron(30 1,2,3 13-15 3 ? 2027)",
        ScheduleExpressionTimezone="America/New_York",
        FlexibleTimeWindow=OFF,
        Target=target("arn:aws:sqs:us-east-1:000000000000:q"),
    )["ScheduleArn"]
    assert fire_times(server, spring, "2027-01-01T00:00:00Z") == [
        "2027-03-13T06:30:00Z",  # EST, UTC-5
        "2027-03-13T07:30:00Z",
        "2027-03-13T08:30:00Z",
        "2027-03-14T06:30:00Z",  # 01:30 EST; 02:30 does not exist that night
        "2027-03-14T07:30:00Z",  # 03:30 EDT, UTC-4
        "2027-03-15T05:30:00Z",
        "2027-03-15T06:30:00Z",
        "2027-03-15T07:30:00Z",
    ]
    fall = scheduler.create_schedule(
        Name="fall",
        ScheduleExpression="cron(30 1 6-8 11 ? 2027)",
        ScheduleExpressionTimezone="America/New_York",
        FlexibleTimeWindow=OFF,
        Target=target("arn:aws:sqs:us-east-1:000000000000:q"),
    )["ScheduleArn"]
    assert fire_times(server, fall, "2027-01-01T00:00:00Z") == [
        "2027-11-06T05:30:00Z",  # EDT
        "2027-11-07T05:30:00Z",  # 01:30 happens twice that night: only the first fires
        "2027-11-08T06:30:00Z",  # EST
    ]


def test_at_fires_once_and_delete_after_completion(
    server: Server, scheduler: Any, sqs: Any, make_queue: Any
) -> None:
    url, queue = make_queue("once")
    at = (now(server) + timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%S")
    for name, action in (("kept", "NONE"), ("removed", "DELETE")):
        scheduler.create_schedule(
            Name=name,
            ScheduleExpression=f"at({at})",
            FlexibleTimeWindow=OFF,
            ActionAfterCompletion=action,
            Target=target(queue, Input=name),
        )
    server.settle()
    assert drain(sqs, url) == []
    server.advance(11 * 60)
    assert sorted(m["Body"] for m in drain(sqs, url)) == ["kept", "removed"]
    server.advance(86400)
    assert drain(sqs, url) == []
    assert [s["Name"] for s in scheduler.list_schedules()["Schedules"]] == ["kept"]
    with pytest.raises(ClientError):
        scheduler.get_schedule(Name="removed")


def test_at_in_a_time_zone(server: Server, scheduler: Any, sqs: Any, make_queue: Any) -> None:
    url, queue = make_queue("once-tz")
    local = (now(server) + timedelta(minutes=30)).astimezone(ZONE_KOLKATA)
    arn = scheduler.create_schedule(
        Name="kolkata",
        ScheduleExpression=f"at({local.strftime('%Y-%m-%dT%H:%M:%S')})",
        ScheduleExpressionTimezone="Asia/Kolkata",
        FlexibleTimeWindow=OFF,
        Target=target(queue, Input="<aws.scheduler.scheduled-time>"),
    )["ScheduleArn"]
    expected = local.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert fire_times(server, arn, now(server).isoformat()) == [expected]
    server.advance(29 * 60)
    assert drain(sqs, url) == []
    server.advance(2 * 60)
    assert [m["Body"] for m in drain(sqs, url)] == [expected]


def test_start_and_end_dates(server: Server, scheduler: Any, sqs: Any, make_queue: Any) -> None:
    url, queue = make_queue("window")
    start = (now(server) + timedelta(minutes=10)).replace(microsecond=0)
    scheduler.create_schedule(
        Name="bounded",
        ScheduleExpression="rate(5 minutes)",
        StartDate=start,
        EndDate=start + timedelta(minutes=17),
        ActionAfterCompletion="DELETE",
        FlexibleTimeWindow=OFF,
        Target=target(queue, Input="<aws.scheduler.scheduled-time>"),
    )
    server.advance(9 * 60)
    assert drain(sqs, url) == []
    server.advance(3600)
    bodies = sorted(m["Body"] for m in drain(sqs, url))
    expected = [(start + timedelta(minutes=k)).strftime("%Y-%m-%dT%H:%M:%SZ") for k in (0, 5, 10, 15)]
    assert bodies == expected
    assert scheduler.list_schedules()["Schedules"] == []  # completed past its EndDate: deleted


def test_disabled_does_not_fire_until_enabled(
    server: Server, scheduler: Any, sqs: Any, make_queue: Any
) -> None:
    url, queue = make_queue("paused")
    common: dict[str, Any] = {
        "Name": "paused",
        "ScheduleExpression": "rate(10 minutes)",
        "FlexibleTimeWindow": OFF,
        "Target": target(queue, Input="x"),
    }
    scheduler.create_schedule(State="DISABLED", **common)
    server.advance(3600)
    assert drain(sqs, url) == []
    scheduler.update_schedule(State="ENABLED", **common)
    server.advance(3600)
    assert len(drain(sqs, url)) == 6
    scheduler.update_schedule(State="DISABLED", **common)
    server.advance(3600)
    assert drain(sqs, url) == []


def test_deleted_schedule_stops(server: Server, scheduler: Any, sqs: Any, make_queue: Any) -> None:
    url, queue = make_queue("gone")
    scheduler.create_schedule(
        Name="s", ScheduleExpression="rate(1 minute)", FlexibleTimeWindow=OFF, Target=target(queue, Input="x")
    )
    server.advance(120)
    assert len(drain(sqs, url)) == 3
    scheduler.delete_schedule(Name="s")
    server.advance(600)
    assert drain(sqs, url) == []


def test_flexible_window_fires_at_its_start(
    server: Server, scheduler: Any, sqs: Any, make_queue: Any
) -> None:
    url, queue = make_queue("flex")
    scheduler.create_schedule(
        Name="flex",
        ScheduleExpression="cron(0 * * * ? *)",
        FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 30},
        Target=target(queue, Input="<aws.scheduler.scheduled-time>"),
    )
    server.advance(2 * 3600)
    bodies = [m["Body"] for m in drain(sqs, url)]
    assert len(bodies) == 2 and all(b.endswith(":00:00Z") for b in bodies)


def test_context_attributes(server: Server, scheduler: Any, sqs: Any, make_queue: Any) -> None:
    url, queue = make_queue("ctx")
    template = {
        "arn": "<aws.scheduler.schedule-arn>",
        "time": "<aws.scheduler.scheduled-time>",
        "id": "<aws.scheduler.execution-id>",
        "attempt": "<aws.scheduler.attempt-number>",
    }
    arn = scheduler.create_schedule(
        Name="ctx",
        ScheduleExpression="rate(1 hour)",
        FlexibleTimeWindow=OFF,
        Target=target(queue, Input=json.dumps(template)),
    )["ScheduleArn"]
    server.advance(3600)
    bodies = [json.loads(m["Body"]) for m in drain(sqs, url)]
    assert len(bodies) == 2
    assert {b["arn"] for b in bodies} == {arn}
    assert {b["attempt"] for b in bodies} == {"1"}
    assert len({b["id"] for b in bodies}) == 2
    times = sorted(datetime.fromisoformat(b["time"]) for b in bodies)
    assert times[1] - times[0] == timedelta(hours=1)


def test_fifo_target_with_message_group(server: Server, scheduler: Any, sqs: Any, make_queue: Any) -> None:
    # "If you specify an Amazon SQS FIFO queue as a target, the queue must have content-based
    # deduplication enabled." (API reference, SqsParameters)
    url, queue = make_queue("jobs.fifo", ContentBasedDeduplication="true")
    scheduler.create_schedule(
        Name="fifo",
        ScheduleExpression="rate(10 minutes)",
        FlexibleTimeWindow=OFF,
        Target=target(queue, Input="<aws.scheduler.scheduled-time>", SqsParameters={"MessageGroupId": "g1"}),
    )
    server.advance(1200)
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["MessageGroupId"])[
        "Messages"
    ]
    assert len(messages) == 3
    assert {m["Attributes"]["MessageGroupId"] for m in messages} == {"g1"}
    assert [m["Body"] for m in messages] == sorted(m["Body"] for m in messages)


def test_dead_letter_queue_when_the_target_is_gone(
    server: Server, scheduler: Any, sqs: Any, make_queue: Any
) -> None:
    url, queue = make_queue("doomed")
    dlq_url, dlq = make_queue("dlq")
    sqs.delete_queue(QueueUrl=url)
    arn = scheduler.create_schedule(
        Name="doomed",
        ScheduleExpression="rate(1 hour)",
        FlexibleTimeWindow=OFF,
        Target=target(queue, Input="payload", DeadLetterConfig={"Arn": dlq}),
    )["ScheduleArn"]
    server.settle()
    messages = drain(sqs, dlq_url, attributes=True)
    assert [m["Body"] for m in messages] == ["payload"]
    attributes = {k: v["StringValue"] for k, v in messages[0]["MessageAttributes"].items()}
    assert attributes["X-Amz-Scheduler-Schedule-Arn"] == arn
    assert attributes["X-Amz-Scheduler-Group"] == "default"
    assert attributes["X-Amz-Scheduler-Target-Arn"] == queue
    assert attributes["X-Amz-Scheduler-Error-Code"]
    assert "X-Amz-Scheduler-Error-Message" in attributes
    assert "X-Amz-Scheduler-Attempt" in attributes


def test_retry_policy_then_dead_letter_queue(
    server: Server, scheduler: Any, sqs: Any, make_queue: Any
) -> None:
    # A FIFO queue target without SqsParameters.MessageGroupId: every SendMessage fails with a
    # client error, which is retried per the RetryPolicy before the DLQ gets the event.
    _, queue = make_queue("strict.fifo")
    dlq_url, dlq = make_queue("retry-dlq")
    scheduler.create_schedule(
        Name="retried",
        ScheduleExpression="rate(1 day)",
        FlexibleTimeWindow=OFF,
        Target=target(
            queue,
            Input="payload",
            RetryPolicy={"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 60},
            DeadLetterConfig={"Arn": dlq},
        ),
    )
    server.settle()
    assert drain(sqs, dlq_url) == []  # first attempt failed; retries pending on the clock
    server.advance(30)
    messages = drain(sqs, dlq_url, attributes=True)
    assert [m["Body"] for m in messages] == ["payload"]
    assert "X-Amz-Scheduler-Error-Code" in messages[0]["MessageAttributes"]
