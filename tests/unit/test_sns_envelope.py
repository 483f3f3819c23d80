"""The SNS envelope, Lambda event and string to sign (pure)."""

from __future__ import annotations

import json

from cloudlet.services.sns import envelope

ENDPOINT = "http://127.0.0.1:4566"
TOPIC = "arn:aws:sns:us-east-1:000000000000:t"
SUB = TOPIC + ":11111111-2222-4333-8444-555555555555"


def note(**extra: object) -> dict[str, object]:
    fields = envelope.notification(
        message_id="m-1", topic_arn=TOPIC, subject=None, message="hi", timestamp_ms=1_700_000_000_007,
        sequence_number=None, attributes={},
    )  # fmt: skip
    fields.update(extra)
    return fields


def test_timestamp_has_milliseconds_and_z() -> None:
    assert envelope.timestamp(1_700_000_000_007) == "2023-11-14T22:13:20.007Z"


def test_string_to_sign_follows_aws_order_and_skips_a_missing_subject() -> None:
    assert envelope.string_to_sign(note()) == (
        "Message\nhi\nMessageId\nm-1\nTimestamp\n2023-11-14T22:13:20.007Z\nTopicArn\n"
        + TOPIC
        + "\nType\nNotification\n"
    )
    assert "Subject\ns\n" in envelope.string_to_sign(note(Subject="s"))


def test_confirmation_is_signed_over_its_own_keys() -> None:
    fields = envelope.confirmation(
        kind="SubscriptionConfirmation",
        message_id="c",
        token="tok",
        topic_arn=TOPIC,
        timestamp_ms=0,
        endpoint=ENDPOINT,
    )
    text = envelope.string_to_sign(fields)
    assert text.startswith("Message\nYou have chosen to subscribe to the topic ")
    assert "\nSubscribeURL\n" in text and "\nToken\ntok\n" in text


def test_for_subscriber_omits_empty_parts() -> None:
    body = json.loads(envelope.for_subscriber(note(), SUB, ENDPOINT))
    assert list(body) == ["Type", "MessageId", "TopicArn", "Message", "Timestamp", "UnsubscribeURL"]
    assert body["UnsubscribeURL"] == f"{ENDPOINT}/?Action=Unsubscribe&SubscriptionArn={SUB}"


def test_attributes_show_binary_as_base64() -> None:
    shown = envelope.envelope_attributes(
        {
            "b": {"DataType": "Binary", "BinaryValue": b"\x01"},
            "s": {"DataType": "String.Array", "StringValue": "[1]"},
        }
    )
    assert shown == {"b": {"Type": "Binary", "Value": "AQ=="}, "s": {"Type": "String.Array", "Value": "[1]"}}


def test_lambda_event_keeps_null_subject_and_empty_attributes() -> None:
    signed = envelope.signed(note(), "1", lambda text, version: "sig", ENDPOINT)
    event = json.loads(envelope.lambda_event(signed, SUB, ENDPOINT))
    sns = event["Records"][0]["Sns"]
    assert sns["Subject"] is None and sns["MessageAttributes"] == {}
    assert sns["Signature"] == "sig"
    assert sns["SigningCertUrl"] == ENDPOINT + envelope.CERT_PATH
    assert "SigningCertURL" not in sns and "UnsubscribeURL" not in sns


def test_layout_is_aws_s() -> None:
    attributes = {"store": {"DataType": "String", "StringValue": "north"}}
    body = envelope.for_subscriber(
        note(MessageAttributes=envelope.envelope_attributes(attributes)), SUB, ENDPOINT
    )
    assert body.startswith('{\n  "Type" : "Notification",\n  "MessageId" : "m-1",\n')
    assert body.endswith('  "MessageAttributes" : {\n    "store" : {"Type":"String","Value":"north"}\n  }\n}')
