"""Publish's validation (pure) and the delivery retry schedule."""

from __future__ import annotations

import pytest

from cloudlet.errors import ServiceError
from cloudlet.runtime.sns_deliveries import DeliveryFailed, SnsDeliveries, is_loopback
from cloudlet.services.sns.messages import validate


def test_structure_picks_the_protocol_text() -> None:
    out = validate({"Message": '{"default": "d", "lambda": "l"}', "MessageStructure": "json"})
    assert out.text_for("lambda") == "l" and out.text_for("sqs") == "d"


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        ({"Message": ""}, "InvalidParameterException"),
        ({"Message": "x", "Subject": " leading space"}, "InvalidParameterException"),
        ({"Message": "x", "Subject": "x" * 100}, "InvalidParameterException"),
        ({"Message": "x", "MessageAttributes": {"AWS.x": {"DataType": "String", "StringValue": "v"}}},
         "InvalidParameterValueException"),
        ({"Message": "x", "MessageAttributes": {"a": {"DataType": "String.Array", "StringValue": "nope"}}},
         "InvalidParameterValueException"),
        ({"Message": "x", "MessageAttributes": {"a": {"DataType": "String", "StringValue": ""}}},
         "InvalidParameterValueException"),
        ({"Message": "x", "MessageAttributes": {f"a{i}": {"DataType": "String", "StringValue": "v"} for i in range(11)}},
         "InvalidParameterValueException"),
        ({"Message": "x" * 262_000, "MessageAttributes": {"a": {"DataType": "String", "StringValue": "v" * 200}}},
         "InvalidParameterException"),
    ],
)  # fmt: skip
def test_invalid_messages(entry: dict[str, object], code: str) -> None:
    with pytest.raises(ServiceError) as excinfo:
        validate(entry)
    assert excinfo.value.code == code


def test_valid_attributes_pass() -> None:
    out = validate(
        {
            "Message": "x",
            "MessageAttributes": {
                "n": {"DataType": "Number.float", "StringValue": "-1.5"},
                "arr": {"DataType": "String.Array", "StringValue": '["a", 1]'},
                "b": {"DataType": "Binary", "BinaryValue": b"\x00"},
            },
        }
    )
    assert set(out.attributes) == {"n", "arr", "b"}


def test_retry_schedule() -> None:
    server_error = DeliveryFailed("boom", client_side=False)
    sqs = {"protocol": "sqs"}
    delays = []
    done = 0
    while (delay := SnsDeliveries._next_delay(sqs, done, server_error)) is not None:
        delays.append(delay)
        done += 1
    assert delays[:3] == [0, 0, 0] and max(delays) == 20 and len(delays) == 15
    assert SnsDeliveries._next_delay(sqs, 0, DeliveryFailed("gone", client_side=True)) is None
    http = {"protocol": "http", "retry": {"numRetries": 2, "minDelayTarget": 7}}
    assert [SnsDeliveries._next_delay(http, n, server_error) for n in range(3)] == [7.0, 7.0, None]


def test_only_loopback_hosts() -> None:
    assert is_loopback("http://127.0.0.1:8080/x")
    assert is_loopback("https://localhost/x")
    assert is_loopback("http://[::1]:80/")
    assert is_loopback("http://127.5.5.5/")
    assert not is_loopback("http://example.com/")
    assert not is_loopback("http://10.0.0.1/")
