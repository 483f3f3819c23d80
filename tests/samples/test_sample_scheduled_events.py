"""samples/scheduled-events end to end: two rate(1 minute) rules, one feeding an SQS queue
the recorder consumes, one invoking the recorder directly; each scheduled event becomes one
item {id, timestamp, message, ...} of LambdaTriggeredEvents, however it is batched or
redelivered; failures end in the dead-letter queue. The clock is advanced, never slept."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from samples_support import (
    assert_assembly_in_step,
    assert_cfn_lint_clean,
    assert_sqs_mapping,
    create_function,
    create_queue,
    create_table,
    deploy,
    map_queue,
    peek,
    queue_counts,
    redrive_policy,
    scan_all,
)

from harness import Server

SAMPLE = "scheduled-events"
TABLE = "LambdaTriggeredEvents"
VISIBILITY = 60  # the stack's: six times the recorder's 10 s timeout


def build_directly(server: Server) -> dict[str, str]:
    """The stack's resources, made with boto3 from the sample's handler; named like its Outputs."""
    create_table(server, TABLE, [("id", "S")])
    dead_url, dead_arn = create_queue(server, "scheduled-events-dlq", MessageRetentionPeriod=str(14 * 86400))
    queue_url, queue_arn = create_queue(
        server,
        "scheduled-events",
        VisibilityTimeout=str(VISIBILITY),
        RedrivePolicy=redrive_policy(dead_arn, 3),
    )
    function_arn = create_function(
        server, SAMPLE, "event_recorder", "event-recorder", {"TABLE_NAME": TABLE}, 10
    )
    lambda_ = server.client("lambda")
    lambda_.update_function_configuration(
        FunctionName="event-recorder", DeadLetterConfig={"TargetArn": dead_arn}
    )
    map_queue(server, queue_arn, "event-recorder")
    events = server.client("events")
    to_queue = events.put_rule(Name="every-minute-to-queue", ScheduleExpression="rate(1 minute)")["RuleArn"]
    events.put_targets(
        Rule="every-minute-to-queue",
        Targets=[{"Id": "Target0", "Arn": queue_arn, "DeadLetterConfig": {"Arn": dead_arn}}],
    )
    to_function = events.put_rule(Name="every-minute-to-function", ScheduleExpression="rate(1 minute)")[
        "RuleArn"
    ]
    lambda_.add_permission(
        FunctionName="event-recorder",
        StatementId="every-minute",
        Action="lambda:InvokeFunction",
        Principal="events.amazonaws.com",
        SourceArn=to_function,
    )
    events.put_targets(
        Rule="every-minute-to-function",
        Targets=[
            {
                "Id": "Target0",
                "Arn": function_arn,
                "DeadLetterConfig": {"Arn": dead_arn},
                "RetryPolicy": {"MaximumRetryAttempts": 2},
            }
        ],
    )
    assert to_queue.endswith("every-minute-to-queue")
    server.settle()
    return {
        "TableName": TABLE,
        "EventsQueueUrl": queue_url,
        "DeadLetterQueueUrl": dead_url,
        "RecorderFunctionName": "event-recorder",
        "QueueRuleName": "every-minute-to-queue",
        "DirectRuleName": "every-minute-to-function",
    }


@pytest.fixture(params=["cdk.out", "boto3"])
def stack(request: pytest.FixtureRequest, server: Server) -> dict[str, str]:
    if request.param == "cdk.out":
        return deploy(server, SAMPLE, "ScheduledEventsStack")
    return build_directly(server)


@pytest.fixture
def built(server: Server) -> dict[str, str]:
    return build_directly(server)


def recorded(server: Server) -> list[dict[str, str]]:
    """The table's items as plain strings, oldest first."""
    items = [{key: value["S"] for key, value in item.items()} for item in scan_all(server, TABLE)]
    return sorted(items, key=lambda item: (item["timestamp"], item["route"]))


def seconds(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def assert_every_minute(items: list[dict[str, str]]) -> None:
    stamps = [seconds(item["timestamp"]) for item in items]
    assert [later - earlier for earlier, later in zip(stamps, stamps[1:], strict=False)] == [60.0] * (
        len(stamps) - 1
    )


def test_each_minute_each_route_records_one_event(server: Server, stack: dict[str, str]) -> None:
    assert stack["TableName"] == TABLE
    assert_sqs_mapping(server, stack["RecorderFunctionName"], stack["EventsQueueUrl"], max_receives=3)
    server.advance(5 * 60)
    assert server.settle()

    items = recorded(server)
    assert len(items) == 10
    for route, rule in (("queue", stack["QueueRuleName"]), ("direct", stack["DirectRuleName"])):
        mine = [item for item in items if item["route"] == route]
        assert len(mine) == 5
        assert {item["message"] for item in mine} == {"Lambda function triggered"}
        assert {item["rule"].rsplit("/", 1)[1] for item in mine} == {rule}
        assert_every_minute(mine)
    assert len({item["id"] for item in items}) == 10
    assert len({item["request_id"] for item in items}) == 10  # one invocation per event here
    assert queue_counts(server, stack["EventsQueueUrl"]) == (0, 0)
    assert peek(server, stack["DeadLetterQueueUrl"]) == []


def test_events_batched_into_one_invocation_are_each_recorded(server: Server, stack: dict[str, str]) -> None:
    """The seed keyed items by request id: five events in one SQS batch left one item."""
    lambda_ = server.client("lambda")
    [mapping] = lambda_.list_event_source_mappings(FunctionName=stack["RecorderFunctionName"])[
        "EventSourceMappings"
    ]
    lambda_.update_event_source_mapping(UUID=mapping["UUID"], Enabled=False)
    server.client("events").disable_rule(Name=stack["DirectRuleName"])
    assert server.settle()
    server.advance(5 * 60)
    assert server.settle()
    assert queue_counts(server, stack["EventsQueueUrl"]) == (5, 0)  # buffered while the consumer is off
    assert recorded(server) == []

    lambda_.update_event_source_mapping(UUID=mapping["UUID"], Enabled=True)
    assert server.settle()
    items = recorded(server)
    assert [item["route"] for item in items] == ["queue"] * 5
    assert len({item["id"] for item in items}) == 5
    assert len({item["request_id"] for item in items}) == 1  # one invocation, five items
    assert_every_minute(items)


def test_a_redelivered_event_is_recorded_once(server: Server, built: dict[str, str]) -> None:
    events = server.client("events")
    events.disable_rule(Name=built["QueueRuleName"])
    events.disable_rule(Name=built["DirectRuleName"])
    event = {
        "version": "0",
        "id": "7bf73129-1428-4cd3-a780-95db273d1602",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "000000000000",
        "time": "2026-11-25T12:00:00Z",
        "region": "us-east-1",
        "resources": ["arn:aws:events:us-east-1:000000000000:rule/every-minute-to-queue"],
        "detail": {},
    }
    sqs = server.client("sqs")
    sqs.send_message(QueueUrl=built["EventsQueueUrl"], MessageBody=json.dumps(event))
    sqs.send_message(QueueUrl=built["EventsQueueUrl"], MessageBody=json.dumps(event))
    lambda_ = server.client("lambda")
    for _ in range(2):
        lambda_.invoke(
            FunctionName=built["RecorderFunctionName"], InvocationType="Event", Payload=json.dumps(event)
        )
    assert server.settle()
    [item] = recorded(server)
    assert item["id"] == event["id"] and item["timestamp"] == "2026-11-25T12:00:00Z"
    assert queue_counts(server, built["EventsQueueUrl"]) == (0, 0)


def test_events_that_cannot_be_recorded_end_in_the_dead_letter_queue(
    server: Server, built: dict[str, str]
) -> None:
    server.client("dynamodb").delete_table(TableName=TABLE)  # every write now fails
    server.advance(60)  # each rule fires once
    assert server.settle()
    events = server.client("events")
    events.disable_rule(Name=built["QueueRuleName"])
    events.disable_rule(Name=built["DirectRuleName"])
    # The queued event is received 3 times (a visibility timeout apart), then moved; the direct
    # one is retried twice by Lambda (about 1 and 2 minutes later), then dead-lettered.
    for _ in range(4):
        server.advance(VISIBILITY)
        assert server.settle()
    assert queue_counts(server, built["EventsQueueUrl"]) == (0, 0)
    dead: dict[str, Any] = {}
    for message in peek(server, built["DeadLetterQueueUrl"]):
        route = "queue" if "DeadLetterQueueSourceArn" in message["Attributes"] else "direct"
        dead[route] = message
    assert set(dead) == {"queue", "direct"}
    assert json.loads(dead["queue"]["Body"])["detail-type"] == "Scheduled Event"
    assert dead["queue"]["Attributes"]["ApproximateReceiveCount"] == "3"
    direct = dead["direct"]
    assert json.loads(direct["Body"])["resources"][0].endswith("/" + built["DirectRuleName"])
    assert direct["MessageAttributes"]["ErrorCode"]["StringValue"] == "200"
    assert "ResourceNotFoundException" in direct["MessageAttributes"]["ErrorMessage"]["StringValue"]


def test_committed_assembly_is_in_step_with_the_app(tmp_path: Path) -> None:
    assert_assembly_in_step(SAMPLE, tmp_path)


def test_templates_pass_cfn_lint() -> None:
    assert_cfn_lint_clean(SAMPLE)
