"""PutEvents: matching, fan-out to SQS (standard and FIFO) and log groups, entry errors and
limits; TestEventPattern."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError
from events_support import bodies, drain, make_queue, put

from harness import Server


def test_event_shape_and_matching(server: Server, events: Any, sqs: Any) -> None:
    url, arn = make_queue(sqs, "shape")
    pattern = {"source": ["shop"], "detail": {"amount": [{"numeric": [">", 100]}]}}
    events.put_rule(Name="big", EventPattern=json.dumps(pattern))
    events.put_targets(Rule="big", Targets=[{"Id": "q", "Arn": arn}])
    resource = "arn:aws:s3:::bucket"
    result = events.put_events(
        Entries=[
            {"Source": "shop", "DetailType": "order", "Detail": '{"amount": 150}', "Resources": [resource]},
            {"Source": "shop", "DetailType": "order", "Detail": '{"amount": 50}'},
            {"Source": "other", "DetailType": "order", "Detail": '{"amount": 500}'},
        ]
    )
    assert result["FailedEntryCount"] == 0
    ids = [entry["EventId"] for entry in result["Entries"]]
    assert len(set(ids)) == 3
    server.settle()
    [event] = bodies(sqs, url)
    assert list(event) == [
        "version",
        "id",
        "detail-type",
        "source",
        "account",
        "time",
        "region",
        "resources",
        "detail",
    ]
    assert event["version"] == "0" and event["id"] == ids[0]
    assert event["detail-type"] == "order" and event["source"] == "shop"
    assert event["account"] == "000000000000" and event["region"] == "us-east-1"
    assert event["resources"] == [resource] and event["detail"] == {"amount": 150}
    assert event["time"].endswith("Z") and len(event["time"]) == 20


def test_entry_time_is_kept(server: Server, events: Any, sqs: Any) -> None:
    url, arn = make_queue(sqs, "time")
    events.put_rule(Name="r", EventPattern='{"source": ["my.app"]}')
    events.put_targets(Rule="r", Targets=[{"Id": "q", "Arn": arn}])
    put(events, Time="2024-02-29T12:34:56Z")
    server.settle()
    assert bodies(sqs, url)[0]["time"] == "2024-02-29T12:34:56Z"


def test_two_rules_two_targets_each(server: Server, events: Any, sqs: Any) -> None:
    queues = [make_queue(sqs, f"q{n}") for n in range(3)]
    events.put_rule(Name="a", EventPattern='{"source": ["my.app"]}')
    events.put_rule(Name="b", EventPattern='{"detail-type": ["thing"]}')
    events.put_targets(Rule="a", Targets=[{"Id": "0", "Arn": queues[0][1]}, {"Id": "1", "Arn": queues[1][1]}])
    events.put_targets(Rule="b", Targets=[{"Id": "1", "Arn": queues[1][1]}, {"Id": "2", "Arn": queues[2][1]}])
    put(events)
    server.settle()
    assert [len(bodies(sqs, url)) for url, _ in queues] == [1, 2, 1]


def test_fifo_queue_target_with_message_group(server: Server, events: Any, sqs: Any) -> None:
    url, arn = make_queue(sqs, "orders.fifo")
    events.put_rule(Name="r", EventPattern='{"source": ["my.app"]}')
    target = {"Id": "f", "Arn": arn, "SqsParameters": {"MessageGroupId": "g1"}, "InputPath": "$.detail"}
    events.put_targets(Rule="r", Targets=[target])
    for n in range(3):
        put(events, detail={"n": n})
    server.settle()
    messages = drain(sqs, url, AttributeNames=["All"])
    assert [json.loads(m["Body"]) for m in messages] == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert {m["Attributes"]["MessageGroupId"] for m in messages} == {"g1"}


def test_log_group_target(server: Server, events: Any) -> None:
    logs = server.client("logs")
    logs.create_log_group(logGroupName="/aws/events/audit")
    group_arn = "arn:aws:logs:us-east-1:000000000000:log-group:/aws/events/audit"
    events.put_rule(Name="r", EventPattern='{"source": ["my.app"]}')
    events.put_targets(Rule="r", Targets=[{"Id": "logs", "Arn": group_arn}])
    result = put(events, detail={"logged": True})
    server.settle()
    [logged] = logs.filter_log_events(logGroupName="/aws/events/audit")["events"]
    event = json.loads(logged["message"])
    assert event["id"] == result["Entries"][0]["EventId"] and event["detail"] == {"logged": True}
    # The log event's timestamp is the event's time (whole seconds).
    assert logged["timestamp"] % 1000 == 0
    assert time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(logged["timestamp"] / 1000)) == event["time"]


@pytest.mark.parametrize(
    ("entry", "code", "message"),
    [
        ({"DetailType": "t", "Detail": "{}"}, "InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument."),
        ({"Source": "s", "Detail": "{}"}, "InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument."),
        ({"Source": "s", "DetailType": "t"}, "InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument."),
        ({"Source": "s", "DetailType": "t", "Detail": "not json"}, "MalformedDetail", "Detail is malformed."),
        ({"Source": "s", "DetailType": "t", "Detail": "[1, 2]"}, "MalformedDetail", "Detail is malformed."),
        ({"Source": "aws.s3", "DetailType": "t", "Detail": "{}"}, "NotAuthorizedForSourceException", "Not authorized for the source."),
    ],
)  # fmt: skip
def test_per_entry_errors(events: Any, entry: dict[str, Any], code: str, message: str) -> None:
    good = {"Source": "s", "DetailType": "t", "Detail": "{}"}
    result = events.put_events(Entries=[good, entry])
    assert result["FailedEntryCount"] == 1
    assert "EventId" in result["Entries"][0]
    assert result["Entries"][1] == {"ErrorCode": code, "ErrorMessage": message}


def test_request_limits(events: Any) -> None:
    entry = {"Source": "s", "DetailType": "t", "Detail": "{}"}
    with pytest.raises(ClientError) as excinfo:
        events.put_events(Entries=[entry] * 11)
    assert excinfo.value.response["Error"]["Code"] == "ValidationException"
    assert "Member must have length less than or equal to 10" in excinfo.value.response["Error"]["Message"]
    big = {"Source": "s", "DetailType": "t", "Detail": json.dumps({"x": "y" * (256 * 1024)})}
    with pytest.raises(ClientError) as excinfo:
        events.put_events(Entries=[big])
    assert excinfo.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": "Total size of the entries in the request is over the limit.",
    }
    # Exactly 256 KB in all (Time counts 14 bytes, then the UTF-8 bytes of each field) is fine.
    detail_size = 256 * 1024 - 14 - len("s") - len("t") - len('{"x":""}')
    exact = {"Time": 1, "Source": "s", "DetailType": "t", "Detail": '{"x":"' + "y" * detail_size + '"}'}
    assert events.put_events(Entries=[exact])["FailedEntryCount"] == 0


def test_test_event_pattern(events: Any) -> None:
    event = {
        "id": "1", "account": "123456789012", "source": "shop", "time": "2026-01-01T00:00:00Z",
        "region": "us-east-1", "detail-type": "order", "resources": [], "detail": {"amount": 150},
    }  # fmt: skip
    assert (
        events.test_event_pattern(EventPattern='{"source": ["shop"]}', Event=json.dumps(event))["Result"]
        is True
    )
    pattern = '{"detail": {"amount": [{"numeric": ["<", 100]}]}}'
    assert events.test_event_pattern(EventPattern=pattern, Event=json.dumps(event))["Result"] is False
    with pytest.raises(ClientError) as excinfo:
        events.test_event_pattern(EventPattern='{"source": "shop"}', Event=json.dumps(event))
    assert excinfo.value.response["Error"]["Code"] == "InvalidEventPatternException"
    with pytest.raises(ClientError) as excinfo:
        events.test_event_pattern(EventPattern='{"source": ["shop"]}', Event="{}")
    assert excinfo.value.response["Error"]["Code"] == "ValidationException"


def test_a_bus_that_does_not_exist_takes_and_drops_the_event(events: Any) -> None:
    # AWS answers with an EventId and no error (aws/aws-cli#9186).
    result = events.put_events(
        Entries=[{"Source": "s", "DetailType": "t", "Detail": "{}", "EventBusName": "nope"}]
    )
    assert result["FailedEntryCount"] == 0 and len(result["Entries"][0]["EventId"]) == 36


def test_too_many_entries_message(events: Any) -> None:
    entry = {"Source": "s", "DetailType": "t", "Detail": '{"a":1}'}
    with pytest.raises(ClientError) as excinfo:
        events.put_events(Entries=[entry] * 11)
    message = excinfo.value.response["Error"]["Message"]
    one = (
        'PutEventsRequestEntry(time=null, source=s, resources=null, detailType=t, detail={"a": 1}, '
        "eventBusName=null, traceHeader=null, kmsKeyIdentifier=null, internalMetadata=null)"
    )
    assert message == (
        f"1 validation error detected: Value '[{', '.join([one] * 11)}]' at 'entries' failed to satisfy "
        "constraint: Member must have length less than or equal to 10"
    )
