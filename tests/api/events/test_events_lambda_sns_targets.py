"""Lambda (asynchronous invoke) and SNS topic targets, end to end."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from events_support import bodies, make_queue, put

from harness import Server

# The handler forwards what it was invoked with to the queue in event["detail"]["trace"].
FORWARDER = """
import json
import boto3

def handler(event, context):
    boto3.client("sqs").send_message(QueueUrl=event["detail"]["trace"], MessageBody=json.dumps(event))
"""


def zip_of(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", source)
    return buffer.getvalue()


def test_lambda_target_gets_the_event(server: Server, events: Any, sqs: Any) -> None:
    trace_url, _ = make_queue(sqs, "trace")
    function_arn = server.client("lambda").create_function(
        FunctionName="on-event",
        Runtime="python3.12",
        Role="arn:aws:iam::000000000000:role/lambda-role",
        Handler="handler.handler",
        Code={"ZipFile": zip_of(FORWARDER)},
        Timeout=30,
    )["FunctionArn"]
    server.settle()
    events.put_rule(Name="r", EventPattern='{"source": ["my.app"]}')
    events.put_targets(Rule="r", Targets=[{"Id": "fn", "Arn": function_arn}])
    event_id = put(events, detail={"trace": trace_url})["Entries"][0]["EventId"]
    server.settle(60)
    [event] = bodies(sqs, trace_url)
    assert event["id"] == event_id and event["source"] == "my.app"


def test_scheduled_rule_invokes_lambda(server: Server, events: Any, sqs: Any) -> None:
    trace_url, _ = make_queue(sqs, "trace")
    function_arn = server.client("lambda").create_function(
        FunctionName="cron-fn",
        Runtime="python3.12",
        Role="arn:aws:iam::000000000000:role/lambda-role",
        Handler="handler.handler",
        Code={"ZipFile": zip_of(FORWARDER)},
        Timeout=30,
    )["FunctionArn"]
    server.settle()
    events.put_rule(Name="tick", ScheduleExpression="rate(1 hour)")
    transformer = {
        "InputTemplate": '{"detail": {"trace": "'
        + trace_url
        + '"}, "time": "<aws.events.event.ingestion-time>"}'
    }
    events.put_targets(
        Rule="tick", Targets=[{"Id": "fn", "Arn": function_arn, "InputTransformer": transformer}]
    )
    server.advance(2 * 3600)
    server.settle(60)
    assert len(bodies(sqs, trace_url)) == 2


def test_sns_target(server: Server, events: Any, sqs: Any) -> None:
    sns = server.client("sns")
    topic_arn = sns.create_topic(Name="fanout")["TopicArn"]
    url, queue_arn = make_queue(sqs, "subscriber")
    sns.subscribe(
        TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"}
    )
    events.put_rule(Name="r", EventPattern='{"source": ["my.app"]}')
    events.put_targets(Rule="r", Targets=[{"Id": "topic", "Arn": topic_arn, "InputPath": "$.detail"}])
    put(events, detail={"via": "sns"})
    server.settle()
    assert bodies(sqs, url) == [{"via": "sns"}]
