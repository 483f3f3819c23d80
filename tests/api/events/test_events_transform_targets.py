"""What targets receive: Input, InputPath and InputTransformer, end to end through SQS."""

from __future__ import annotations

import json
from typing import Any

from events_support import drain, make_queue, put

from harness import Server


def deliver(server: Server, events: Any, sqs: Any, target: dict[str, Any], detail: Any) -> str:
    url, arn = make_queue(sqs, "t")
    events.put_rule(Name="r", EventPattern='{"source": ["my.app"]}')
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": arn, **target}])
    put(events, detail=detail)
    server.settle()
    [message] = drain(sqs, url)
    return str(message["Body"])


def test_constant_input(server: Server, events: Any, sqs: Any) -> None:
    assert deliver(server, events, sqs, {"Input": '{"constant": [1, 2]}'}, {"a": 1}) == '{"constant": [1, 2]}'


def test_input_path(server: Server, events: Any, sqs: Any) -> None:
    assert json.loads(
        deliver(server, events, sqs, {"InputPath": "$.detail.order"}, {"order": {"id": 7}})
    ) == {"id": 7}


def test_json_template(server: Server, events: Any, sqs: Any) -> None:
    transformer = {
        "InputPathsMap": {"id": "$.detail.order.id", "who": "$.detail.customer", "src": "$.source"},
        "InputTemplate": '{"order": <id>, "note": "<who> ordered from <src>", "who": <who>, "rule": "<aws.events.rule-name>"}',
    }
    body = deliver(
        server, events, sqs, {"InputTransformer": transformer}, {"order": {"id": 7}, "customer": "ann"}
    )
    assert json.loads(body) == {"order": 7, "note": "ann ordered from my.app", "who": "ann", "rule": "r"}


def test_text_template(server: Server, events: Any, sqs: Any) -> None:
    transformer = {"InputPathsMap": {"who": "$.detail.customer"}, "InputTemplate": "<who> placed an order"}
    assert (
        deliver(server, events, sqs, {"InputTransformer": transformer}, {"customer": "ann"})
        == "ann placed an order"
    )


def test_whole_event_variable(server: Server, events: Any, sqs: Any) -> None:
    transformer = {"InputTemplate": '{"wrapped": <aws.events.event.json>, "arn": "<aws.events.rule-arn>"}'}
    body = json.loads(deliver(server, events, sqs, {"InputTransformer": transformer}, {"k": "v"}))
    assert body["wrapped"]["detail"] == {"k": "v"} and body["wrapped"]["source"] == "my.app"
    assert body["arn"] == "arn:aws:events:us-east-1:000000000000:rule/r"
