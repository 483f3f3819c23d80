"""Archives keep what a bus takes; replays send it again to the bus's rules."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from events_support import bodies, make_queue, put

from harness import Server

BUS_ARN = "arn:aws:events:us-east-1:000000000000:event-bus/default"


def test_archive_lifecycle(server: Server, events: Any) -> None:
    created = events.create_archive(
        ArchiveName="orders", EventSourceArn=BUS_ARN, EventPattern='{"source": ["shop"]}', RetentionDays=7
    )
    assert created["ArchiveArn"] == "arn:aws:events:us-east-1:000000000000:archive/orders"
    assert created["State"] == "ENABLED"
    put(events, source="shop", detail={"n": 1})
    put(events, source="shop", detail={"n": 2})
    put(events, source="elsewhere")
    described = events.describe_archive(ArchiveName="orders")
    assert described["EventCount"] == 2 and described["SizeBytes"] > 0
    assert described["EventSourceArn"] == BUS_ARN and described["RetentionDays"] == 7
    assert json.loads(described["EventPattern"]) == {"source": ["shop"]}
    [listed] = events.list_archives()["Archives"]
    assert listed["ArchiveName"] == "orders" and listed["EventCount"] == 2
    events.update_archive(ArchiveName="orders", Description="all orders")
    assert events.describe_archive(ArchiveName="orders")["Description"] == "all orders"
    with pytest.raises(ClientError) as excinfo:
        events.create_archive(ArchiveName="orders", EventSourceArn=BUS_ARN)
    assert excinfo.value.response["Error"]["Code"] == "ResourceAlreadyExistsException"
    events.delete_archive(ArchiveName="orders")
    with pytest.raises(ClientError) as excinfo:
        events.describe_archive(ArchiveName="orders")
    assert excinfo.value.response["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": "Archive orders does not exist.",
    }


def test_replay_sends_archived_events_again(server: Server, events: Any, sqs: Any) -> None:
    url, queue_arn = make_queue(sqs, "replayed")
    archive_arn = events.create_archive(ArchiveName="all", EventSourceArn=BUS_ARN)["ArchiveArn"]
    start = datetime.now(UTC) - timedelta(hours=1)
    for n in range(3):
        put(events, detail={"n": n})
    events.put_rule(Name="late", EventPattern='{"source": ["my.app"]}')
    events.put_targets(Rule="late", Targets=[{"Id": "q", "Arn": queue_arn}])
    started = events.start_replay(
        ReplayName="again",
        EventSourceArn=archive_arn,
        EventStartTime=start,
        EventEndTime=start + timedelta(days=2),
        Destination={"Arn": BUS_ARN},
    )
    assert started["State"] == "STARTING"
    assert started["ReplayArn"] == "arn:aws:events:us-east-1:000000000000:replay/again"
    server.settle()
    replayed = bodies(sqs, url)
    assert sorted(event["detail"]["n"] for event in replayed) == [0, 1, 2]
    assert {event["replay-name"] for event in replayed} == {"again"}
    described = events.describe_replay(ReplayName="again")
    assert described["State"] == "COMPLETED" and "ReplayEndTime" in described
    assert described["Destination"] == {"Arn": BUS_ARN}
    assert [r["ReplayName"] for r in events.list_replays()["Replays"]] == ["again"]
    with pytest.raises(ClientError) as excinfo:
        events.cancel_replay(ReplayName="again")
    assert excinfo.value.response["Error"]["Code"] == "IllegalStatusException"


def test_replay_validation(events: Any) -> None:
    archive_arn = events.create_archive(ArchiveName="a", EventSourceArn=BUS_ARN)["ArchiveArn"]
    now = datetime.now(UTC)
    with pytest.raises(ClientError) as excinfo:
        events.start_replay(
            ReplayName="r", EventSourceArn=archive_arn, EventStartTime=now, EventEndTime=now - timedelta(1),
            Destination={"Arn": BUS_ARN},
        )  # fmt: skip
    assert excinfo.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.",
    }
    missing = archive_arn.replace("archive/a", "archive/nope")
    with pytest.raises(ClientError) as excinfo:
        events.start_replay(
            ReplayName="r", EventSourceArn=missing, EventStartTime=now, EventEndTime=now + timedelta(1),
            Destination={"Arn": BUS_ARN},
        )  # fmt: skip
    assert excinfo.value.response["Error"]["Message"] == (
        "Parameter EventSourceArn is not valid. Reason: Archive nope does not exist."
    )
    other = events.create_event_bus(Name="other")["EventBusArn"]
    with pytest.raises(ClientError) as excinfo:
        events.start_replay(
            ReplayName="r", EventSourceArn=archive_arn, EventStartTime=now, EventEndTime=now + timedelta(1),
            Destination={"Arn": other},
        )  # fmt: skip
    assert excinfo.value.response["Error"]["Message"] == (
        "Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted."
    )
