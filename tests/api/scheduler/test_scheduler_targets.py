"""What each kind of templated target receives: SNS Publish, EventBridge PutEvents, Lambda
asynchronous Invoke. SQS is in test_scheduler_firing.py."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from scheduler_support import OFF, drain, target

from harness import Server

# Reports the event it got to the queue named by the environment, so the test can see it.
REPORTING_HANDLER = """
import json, os
import boto3

def handler(event, context):
    boto3.client("sqs").send_message(QueueUrl=os.environ["REPORT_TO"], MessageBody=json.dumps(event))
"""


def zip_of(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", source)
    return buffer.getvalue()


def test_sns_target(server: Server, scheduler: Any, sqs: Any, make_queue: Any) -> None:
    sns = server.client("sns")
    url, queue = make_queue("from-topic")
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue, Attributes={"RawMessageDelivery": "true"})
    scheduler.create_schedule(
        Name="to-sns",
        ScheduleExpression="rate(1 hour)",
        FlexibleTimeWindow=OFF,
        Target=target(topic, Input="ping"),
    )
    server.settle()
    assert [m["Body"] for m in drain(sqs, url)] == ["ping"]


def test_event_bus_target(server: Server, scheduler: Any, sqs: Any, make_queue: Any) -> None:
    events = server.client("events")
    url, queue = make_queue("from-bus")
    events.put_rule(Name="scheduled", EventPattern=json.dumps({"source": ["my.app"]}))
    events.put_targets(Rule="scheduled", Targets=[{"Id": "q", "Arn": queue}])
    bus = "arn:aws:events:us-east-1:000000000000:event-bus/default"
    arn = scheduler.create_schedule(
        Name="to-bus",
        ScheduleExpression="rate(1 hour)",
        FlexibleTimeWindow=OFF,
        Target=target(
            bus, Input='{"order": 7}', EventBridgeParameters={"DetailType": "Order Due", "Source": "my.app"}
        ),
    )["ScheduleArn"]
    server.settle()
    received = [json.loads(m["Body"]) for m in drain(sqs, url)]
    assert len(received) == 1
    event = received[0]
    assert event["source"] == "my.app"
    assert event["detail-type"] == "Order Due"
    assert event["detail"] == {"order": 7}
    assert event["resources"] == [arn]


def test_lambda_target(server: Server, scheduler: Any, sqs: Any, make_queue: Any) -> None:
    url, _ = make_queue("lambda-report")
    function = server.client("lambda").create_function(
        FunctionName="scheduled",
        Runtime="python3.12",
        Role="arn:aws:iam::000000000000:role/lambda-role",
        Handler="handler.handler",
        Code={"ZipFile": zip_of(REPORTING_HANDLER)},
        Environment={"Variables": {"REPORT_TO": url}},
        Timeout=30,
    )["FunctionArn"]
    server.settle()
    scheduler.create_schedule(
        Name="to-lambda",
        ScheduleExpression="rate(1 hour)",
        FlexibleTimeWindow=OFF,
        Target=target(function, Input='{"job": "x"}'),
    )
    server.settle(60)
    assert [json.loads(m["Body"]) for m in drain(sqs, url)] == [{"job": "x"}]
    scheduler.create_schedule(
        Name="no-input", ScheduleExpression="rate(1 hour)", FlexibleTimeWindow=OFF, Target=target(function)
    )
    server.settle(60)
    assert [json.loads(m["Body"]) for m in drain(sqs, url)] == [{}]
