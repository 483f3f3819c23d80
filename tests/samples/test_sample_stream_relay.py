"""samples/stream-relay end to end: the committed cloud assembly deployed through cloudlet,
items written to the table, the cron rules driven by the virtual clock, deliveries to a
local stand-in of the third-party API asserted exactly (order, retries, blocked groups)."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from samples_support import (
    SAMPLES,
    assert_assembly_in_step,
    assert_cfn_lint_clean,
    deploy,
    log_messages,
    peek,
    queue_counts,
)

from harness import Server

SAMPLE = "stream-relay"
STACK = "StreamRelayStack"
API_KEY_PARAMETER = "/stream-relay/api-key"
API_KEY = "s3cret-key"


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


standin = _load(SAMPLES / SAMPLE / "standin.py", "stream_relay_standin")


@pytest.fixture
def api() -> Iterator[Any]:
    server = standin.StandInApi(api_key=API_KEY).start()
    yield server
    server.stop()


def server_now(server: Server) -> datetime:
    return datetime.fromisoformat(server.internal("GET", "/_cloudlet/clock")["now"].replace("Z", "+00:00"))


def advance_to(server: Server, moment: datetime) -> None:
    seconds = (moment - server_now(server)).total_seconds()
    assert seconds > 0, f"the clock is already past {moment}"
    server.advance(seconds)


def next_monday(server: Server) -> datetime:
    """Midnight UTC starting the next Monday on the server's clock (never today)."""
    today = server_now(server).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=7 - today.weekday())


def put_item(server: Server, table: str, customer: str, seq: int, **attributes: str) -> None:
    item = {"customer": {"S": customer}, "seq": {"N": str(seq)}}
    item.update({name: {"S": value} for name, value in attributes.items()})
    server.client("dynamodb").put_item(TableName=table, Item=item)


def delivered(request: Any) -> tuple[str, int, int]:
    """(customer, seq, status) of one request the stand-in saw."""
    return request.body["item"]["customer"], request.body["item"]["seq"], request.status


def deploy_relay(server: Server, api: Any) -> dict[str, str]:
    # SecureString parameters can't be created by CloudFormation: the operator creates the
    # key first, as the README says.
    server.client("ssm").put_parameter(Name=API_KEY_PARAMETER, Value=API_KEY, Type="SecureString")
    return deploy(server, SAMPLE, STACK, {"ApiUrl": api.url})


def test_items_reach_the_api_in_order_per_key_and_a_failure_blocks_only_its_group(
    server: Server, api: Any
) -> None:
    # Start on a Monday just before 08:00 UTC: the business-hours rule fires every 5
    # minutes from 08:00, so every run below happens at a known minute.
    monday = next_monday(server)
    advance_to(server, monday + timedelta(hours=7, minutes=58))
    outputs = deploy_relay(server, api)
    table, queue_url = outputs["TableName"], outputs["QueueUrl"]

    put_item(server, table, "alice", 1, order="book")
    put_item(server, table, "bob", 1, order="pen")
    put_item(server, table, "alice", 2, order="lamp")
    # Updates and deletes are filtered out by the mapping: only the three INSERTs travel.
    put_item(server, table, "alice", 1, order="book", note="gift wrap")
    server.client("dynamodb").delete_item(TableName=table, Key={"customer": {"S": "bob"}, "seq": {"N": "1"}})
    assert server.settle()

    queued = peek(server, queue_url)
    assert len(queued) == 3
    bodies = [json.loads(message["Body"]) for message in queued]
    assert [(b["item"]["customer"], b["item"]["seq"], b["item"]["order"]) for b in bodies] == [
        ("alice", 1, "book"),
        ("bob", 1, "pen"),
        ("alice", 2, "lamp"),
    ]
    assert api.requests == []  # nothing is delivered before a scheduled run

    api.fail_next(1)
    advance_to(server, monday + timedelta(hours=8, seconds=30))  # the 08:00 run: alice#1 -> 503
    assert [delivered(r) for r in api.requests] == [("alice", 1, 503)]
    assert queue_counts(server, queue_url) == (2, 1)  # alice#1 in flight, not deleted

    advance_to(server, monday + timedelta(hours=8, minutes=5, seconds=30))
    # 08:05: alice#1 is still in flight (8-minute visibility timeout), so the alice group
    # delivers nothing; bob's group is independent and goes ahead.
    assert [delivered(r) for r in api.requests][1:] == [("bob", 1, 200)]

    advance_to(server, monday + timedelta(hours=8, minutes=10, seconds=30))
    # 08:10: alice#1 is visible again and, still first in its group, is retried.
    assert [delivered(r) for r in api.requests][2:] == [("alice", 1, 200)]

    advance_to(server, monday + timedelta(hours=8, minutes=20, seconds=30))  # 08:15 and 08:20
    assert [delivered(r) for r in api.requests] == [
        ("alice", 1, 503),
        ("bob", 1, 200),
        ("alice", 1, 200),
        ("alice", 2, 200),
    ]
    assert queue_counts(server, queue_url) == (0, 0)
    assert peek(server, outputs["RelayFailuresQueueUrl"]) == []  # every record was relayed
    assert [(b["customer"], b["seq"]) for b in (d["item"] for d in api.deliveries)] == [
        ("bob", 1),
        ("alice", 1),
        ("alice", 2),
    ]
    # The key came from the SecureString; the dedup id (the stream record's eventID)
    # travels as the idempotency key.
    assert {r.api_key for r in api.requests} == {API_KEY}
    assert all(r.idempotency_key == r.body["eventId"] for r in api.requests)
    assert len({r.body["eventId"] for r in api.requests}) == 3

    runs = [
        json.loads(line)
        for line in log_messages(server, outputs["DeliverFunctionName"])
        if '"delivered"' in line
    ]
    assert [(run["delivered"], run.get("status")) for run in runs] == [
        (False, 503),
        (True, 200),
        (True, 200),
        (True, 200),
        (False, None),  # 08:20: nothing left
    ]
    assert [run.get("receiveCount") for run in runs[:4]] == [1, 1, 2, 1]


def test_off_hours_rules_fire_hourly_and_a_wrong_key_is_never_acknowledged(server: Server, api: Any) -> None:
    monday = next_monday(server)
    advance_to(server, monday + timedelta(hours=17, minutes=58))
    outputs = deploy_relay(server, api)
    server.client("ssm").put_parameter(
        Name=API_KEY_PARAMETER, Value="stale", Type="SecureString", Overwrite=True
    )
    put_item(server, outputs["TableName"], "carol", 1)
    assert server.settle()

    # Business hours end with the 17:55 run; the off-hours rule runs at 18:00 and 19:00.
    advance_to(server, monday + timedelta(hours=18, minutes=59))
    assert [delivered(r) for r in api.requests] == [("carol", 1, 401)]
    assert queue_counts(server, outputs["QueueUrl"]) == (1, 0)  # back after 8 minutes

    server.client("ssm").put_parameter(
        Name=API_KEY_PARAMETER, Value=API_KEY, Type="SecureString", Overwrite=True
    )
    advance_to(server, monday + timedelta(hours=19, seconds=30))
    assert [delivered(r) for r in api.requests] == [("carol", 1, 401), ("carol", 1, 200)]
    assert queue_counts(server, outputs["QueueUrl"]) == (0, 0)


def test_a_redelivered_stream_record_is_queued_once(server: Server, api: Any) -> None:
    outputs = deploy_relay(server, api)
    record = {
        "eventID": "c0ffee00c0ffee00c0ffee00c0ffee00",
        "eventName": "INSERT",
        "eventSource": "aws:dynamodb",
        "dynamodb": {
            "Keys": {"customer": {"S": "dave"}, "seq": {"N": "7"}},
            "NewImage": {"customer": {"S": "dave"}, "seq": {"N": "7"}, "total": {"N": "12.5"}},
            "SequenceNumber": "100",
            "StreamViewType": "NEW_IMAGE",
        },
    }
    modify = {**record, "eventID": "f00d", "eventName": "MODIFY"}
    lam = server.client("lambda")
    # The same batch twice, as Lambda redelivers a batch whose invocation failed.
    for _ in range(2):
        answer = lam.invoke(
            FunctionName=outputs["RelayFunctionName"], Payload=json.dumps({"Records": [record, modify]})
        )
        assert json.loads(answer["Payload"].read()) == {"relayed": 1}
    queued = peek(server, outputs["QueueUrl"])
    assert len(queued) == 1
    assert json.loads(queued[0]["Body"]) == {
        "eventId": record["eventID"],
        "item": {"customer": "dave", "seq": 7, "total": 12.5},
    }
    received = server.client("sqs").receive_message(
        QueueUrl=outputs["QueueUrl"], MessageSystemAttributeNames=["All"]
    )["Messages"][0]["Attributes"]
    assert received["MessageGroupId"] == "dave"
    assert received["MessageDeduplicationId"] == record["eventID"]


def test_committed_assembly_is_in_step_with_the_app(tmp_path: Path) -> None:
    assert_assembly_in_step(SAMPLE, tmp_path)


def test_templates_pass_cfn_lint() -> None:
    assert_cfn_lint_clean(SAMPLE)


def test_rules_are_valid_eventbridge_cron_expressions() -> None:
    from cloudlet.schedules import parse_schedule

    template = json.loads((SAMPLES / SAMPLE / "cdk.out" / f"{STACK}.template.json").read_text())
    expressions = sorted(
        r["Properties"]["ScheduleExpression"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Events::Rule"
    )
    assert expressions == [
        "cron(0 0-7,18-23 ? * MON-FRI *)",
        "cron(0 0/2 ? * SAT,SUN *)",
        "cron(0/5 8-17 ? * MON-FRI *)",
    ]
    # The three never fire in the same minute (a week of fires, no duplicates).
    start = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday
    fires = [t for e in expressions for t in parse_schedule(e).fire_times(start, start + timedelta(days=7))]
    assert len(fires) == len(set(fires)) == 5 * (10 * 12 + 14) + 2 * 12


def test_demo_script_runs_the_sample(server: Server) -> None:
    demo = _load(SAMPLES / SAMPLE / "demo.py", "stream_relay_demo")
    steps: list[str] = []
    report = demo.run(server.endpoint, progress=steps.append)
    assert report.problems == []
    assert report.system == SAMPLE
    assert steps[0].startswith("deploying StreamRelayStack")
    deliveries = [line.strip() for line in report.lines if "->" in line]
    assert [line.split(": ", 1)[1] for line in deliveries] == [
        "alice#1 -> 503",
        "bob#1 -> 200",
        "alice#1 -> 200",
        "alice#2 -> 200",
    ]
    assert report.lines[-1] == "accepted, in order: bob#1, alice#1, alice#2 (per customer, order kept)"
