"""The input transformer: JSONPath reads and template filling (pure)."""

from __future__ import annotations

import json

import pytest

from cloudlet.services.events.transformer import (
    MISSING,
    PathError,
    parse_path,
    read_path,
    render_input,
    render_template,
)

EVENT = {
    "version": "0",
    "id": "e-1",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "123456789012",
    "time": "2015-11-11T21:29:54Z",
    "region": "us-east-1",
    "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
    "detail": {
        "instance-id": "i-0123456789",
        "state": "RUNNING",
        "count": 3,
        "tags": ["a", "b"],
        "say": 'he said "hi"',
    },
}
RULE_ARN = "arn:aws:events:us-east-1:123456789012:rule/r"


def render(target: dict[str, object]) -> str:
    return render_input(target, EVENT, RULE_ARN, "r", "2015-11-11T21:29:55Z")


def test_paths() -> None:
    assert read_path(EVENT, "$") == EVENT
    assert read_path(EVENT, "$.detail.instance-id") == "i-0123456789"
    assert read_path(EVENT, "$.detail-type") == EVENT["detail-type"]
    assert read_path(EVENT, "$.resources[0]") == EVENT["resources"][0]
    assert read_path(EVENT, "$.detail.tags[*]") == ["a", "b"]
    assert read_path(EVENT, "$['detail']['state']") == "RUNNING"
    assert read_path(EVENT, "$.detail.missing") is MISSING
    assert read_path(EVENT, "$.detail.tags[5]") is MISSING
    for bad in ("detail", "$.", "$..x", "$.a[", "$.a b"):
        with pytest.raises(PathError):
            parse_path(bad)


def test_default_input_is_the_compact_event() -> None:
    assert render({}) == json.dumps(EVENT, separators=(",", ":"))


def test_input_and_input_path() -> None:
    assert render({"Input": '{"fixed": true}'}) == '{"fixed": true}'
    assert json.loads(render({"InputPath": "$.detail"})) == EVENT["detail"]
    assert render({"InputPath": "$.detail.state"}) == '"RUNNING"'


def test_json_template_quotes_strings_outside_and_escapes_inside() -> None:
    transformer = {
        "InputPathsMap": {
            "instance": "$.detail.instance-id",
            "state": "$.detail.state",
            "n": "$.detail.count",
        },
        "InputTemplate": '{"myInstance": <instance>, "myStatus": "<instance> is in state \\"<state>\\"", "n": <n>}',
    }
    out = render({"InputTransformer": transformer})
    assert json.loads(out) == {
        "myInstance": "i-0123456789",
        "myStatus": 'i-0123456789 is in state "RUNNING"',
        "n": 3,
    }


def test_json_template_with_objects_lists_and_missing() -> None:
    transformer = {
        "InputPathsMap": {
            "d": "$.detail",
            "tags": "$.detail.tags",
            "gone": "$.detail.nothing",
            "say": "$.detail.say",
        },
        "InputTemplate": '{"d": <d>, "tags": <tags>, "gone": <gone>, "inside": "<gone>", "say": "<say>"}',
    }
    assert json.loads(render({"InputTransformer": transformer})) == {
        "d": EVENT["detail"],
        "tags": ["a", "b"],
        "gone": None,
        "inside": "",
        "say": 'he said "hi"',
    }


def test_text_templates() -> None:
    paths = {"instance": "$.detail.instance-id", "state": "$.detail.state", "n": "$.detail.count"}
    plain = {"InputPathsMap": paths, "InputTemplate": "<instance> is in state <state> (<n>)"}
    assert render({"InputTransformer": plain}) == "i-0123456789 is in state RUNNING (3)"
    quoted = {"InputPathsMap": paths, "InputTemplate": '"<instance> is in state <state>"'}
    assert json.loads(render({"InputTransformer": quoted})) == "i-0123456789 is in state RUNNING"
    escaped = {"InputPathsMap": {"say": "$.detail.say"}, "InputTemplate": '"<say>"'}
    assert json.loads(render({"InputTransformer": escaped})) == 'he said "hi"'


def test_predefined_variables() -> None:
    template = (
        '{"rule": "<aws.events.rule-name>", "arn": <aws.events.rule-arn>, "at": "<aws.events.event.ingestion-time>",'
        ' "event": <aws.events.event>, "full": <aws.events.event.json>}'
    )
    out = json.loads(render({"InputTransformer": {"InputTemplate": template}}))
    assert out["rule"] == "r" and out["arn"] == RULE_ARN and out["at"] == "2015-11-11T21:29:55Z"
    assert out["full"] == EVENT
    expected = {"detailType" if k == "detail-type" else k: v for k, v in EVENT.items() if k != "detail"}
    assert out["event"] == expected


def test_unknown_placeholders_stay_as_written() -> None:
    assert render_template("<a> and <b>", {"a": "x"}, {}) == "x and <b>"
