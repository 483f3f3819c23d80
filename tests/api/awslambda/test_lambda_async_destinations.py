"""Invocation records to SNS topics and EventBridge buses; configs of aliases; reserved
concurrency 0; a DLQ topic."""

from __future__ import annotations

import json
from typing import Any

from lambda_async_support import bodies, drain, invoke_event, make_function, make_queue

from harness import Server


def _topic_to_queue(server: Server, name: str) -> tuple[str, str]:
    """(topic ARN, URL of a queue subscribed to it)."""
    sns = server.client("sns")
    topic = str(sns.create_topic(Name=name)["TopicArn"])
    url, queue_arn = make_queue(server, f"{name}-q")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    return topic, url


def _sns_messages(server: Server, url: str) -> list[dict[str, Any]]:
    return [json.loads(m["Body"]) for m in drain(server, url)]


def test_failure_record_to_an_sns_topic(server: Server) -> None:
    arn = make_function(server, "to-sns")
    topic, url = _topic_to_queue(server, "results")
    server.client("lambda").put_function_event_invoke_config(
        FunctionName="to-sns", MaximumRetryAttempts=0, DestinationConfig={"OnFailure": {"Destination": topic}}
    )
    invoke_event(server, "to-sns", {"fail": True})
    server.settle()
    (envelope,) = _sns_messages(server, url)
    assert envelope["TopicArn"] == topic
    record = json.loads(envelope["Message"])
    assert record["requestContext"]["functionArn"] == f"{arn}:$LATEST"
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestPayload"] == {"fail": True}


def test_records_to_an_event_bus(server: Server) -> None:
    arn = make_function(server, "to-bus")
    events = server.client("events")
    bus_arn = events.create_event_bus(Name="results")["EventBusArn"]
    url, queue_arn = make_queue(server, "bus-q")
    events.put_rule(
        Name="from-lambda", EventBusName="results", EventPattern=json.dumps({"source": ["lambda"]})
    )
    events.put_targets(Rule="from-lambda", EventBusName="results", Targets=[{"Id": "q", "Arn": queue_arn}])
    server.client("lambda").put_function_event_invoke_config(
        FunctionName="to-bus",
        MaximumRetryAttempts=0,
        DestinationConfig={"OnSuccess": {"Destination": bus_arn}, "OnFailure": {"Destination": bus_arn}},
    )
    invoke_event(server, "to-bus", {"mode": "success"})
    server.settle()
    invoke_event(server, "to-bus", {"mode": "failure", "fail": True})
    server.settle()
    received = sorted(bodies(server, url), key=lambda e: str(e["detail-type"]))
    assert [e["detail-type"] for e in received] == [
        "Lambda Function Invocation Result - Failure",
        "Lambda Function Invocation Result - Success",
    ]
    failure, success = received
    for event in received:
        assert event["source"] == "lambda"
        assert event["resources"] == [bus_arn, f"{arn}:$LATEST"]
    assert success["detail"]["requestContext"]["condition"] == "Success"
    assert success["detail"]["responsePayload"] == {"echo": {"mode": "success"}}
    assert failure["detail"]["requestContext"]["condition"] == "RetriesExhausted"
    assert failure["detail"]["responseContext"]["functionError"] == "Unhandled"


def test_an_alias_has_its_own_config(server: Server) -> None:
    arn = make_function(server, "aliased")
    lam = server.client("lambda")
    lam.publish_version(FunctionName="aliased")
    lam.create_alias(FunctionName="aliased", Name="live", FunctionVersion="1")
    done, done_arn = make_queue(server, "done")
    lam.put_function_event_invoke_config(
        FunctionName="aliased", Qualifier="live", DestinationConfig={"OnSuccess": {"Destination": done_arn}}
    )
    invoke_event(server, "aliased", {"via": "latest"})
    invoke_event(server, "aliased", {"via": "alias"}, Qualifier="live")
    server.settle()
    (record,) = bodies(server, done)
    assert record["requestPayload"] == {"via": "alias"}
    assert record["requestContext"]["functionArn"] == f"{arn}:1"
    assert record["responseContext"]["executedVersion"] == "1"


def test_reserved_concurrency_zero_sends_events_to_failure_without_running(server: Server) -> None:
    make_function(server, "stopped")
    trace, _ = make_queue(server, "trace")
    failures, failures_arn = make_queue(server, "failures")
    lam = server.client("lambda")
    lam.put_function_concurrency(FunctionName="stopped", ReservedConcurrentExecutions=0)
    lam.put_function_event_invoke_config(
        FunctionName="stopped", DestinationConfig={"OnFailure": {"Destination": failures_arn}}
    )
    invoke_event(server, "stopped", {"trace": trace})
    server.settle()
    (record,) = bodies(server, failures)
    assert record["requestContext"]["condition"] == "ZeroReservedConcurrency"
    assert record["requestContext"]["approximateInvokeCount"] == 0
    assert "responseContext" not in record
    assert drain(server, trace) == []


def test_dead_letter_topic(server: Server) -> None:
    topic, url = _topic_to_queue(server, "dead")
    make_function(server, "dlq-topic", DeadLetterConfig={"TargetArn": topic})
    server.client("lambda").put_function_event_invoke_config(FunctionName="dlq-topic", MaximumRetryAttempts=0)
    invoke_event(server, "dlq-topic", {"fail": True, "id": 3})
    server.settle()
    (envelope,) = _sns_messages(server, url)
    assert json.loads(envelope["Message"]) == {"fail": True, "id": 3}
    assert envelope["MessageAttributes"]["ErrorCode"] == {"Type": "Number", "Value": "200"}
    assert envelope["MessageAttributes"]["ErrorMessage"] == {"Type": "String", "Value": "intentional failure"}
    assert set(envelope["MessageAttributes"]) == {"RequestID", "ErrorCode", "ErrorMessage"}


SLOW_HANDLER = """
import json
import time
import boto3

def handler(event, context):
    time.sleep(0.5)
    boto3.client("sqs").send_message(QueueUrl=event["trace"], MessageBody=json.dumps(event))
    return event
"""


def test_throttled_events_go_back_on_the_queue(server: Server) -> None:
    make_function(server, "narrow", source=SLOW_HANDLER)
    trace, _ = make_queue(server, "trace")
    done, done_arn = make_queue(server, "done")
    lam = server.client("lambda")
    lam.put_function_concurrency(FunctionName="narrow", ReservedConcurrentExecutions=1)
    lam.put_function_event_invoke_config(
        FunctionName="narrow",
        MaximumRetryAttempts=0,
        DestinationConfig={"OnSuccess": {"Destination": done_arn}},
    )
    for n in range(3):
        invoke_event(server, "narrow", {"trace": trace, "n": n})
    server.settle()
    server.advance(30)  # throttles retry after 1 s, 2 s, 4 s, ...: every event runs in the end
    assert sorted(json.loads(m["Body"])["n"] for m in drain(server, trace)) == [0, 1, 2]
    records = bodies(server, done)
    # A throttle is not a run: each record counts the one run that happened.
    assert sorted(r["requestContext"]["approximateInvokeCount"] for r in records) == [1, 1, 1]
