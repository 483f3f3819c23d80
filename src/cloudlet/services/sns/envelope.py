"""What subscribers receive: the JSON envelope (SQS, HTTP/S), the Lambda event, the raw message,
and the string SNS signs. Pure.

SNS developer guide: "Amazon SNS message and JSON formats" (the envelope's fields, in order),
"Verifying the signatures of Amazon SNS messages" (the string to sign), "Amazon SNS raw message
delivery" and Lambda's "Using AWS Lambda with Amazon SNS" (the event, with its own casing:
SigningCertUrl, UnsubscribeUrl, Subject null when absent, MessageAttributes always present)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

CERT_PATH = "/_cloudlet/sns/SimpleNotificationService.pem"

# The keys signed, in the byte order AWS sorts them, per message type.
_CONFIRMATION_KEYS = ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type")
_SIGNED = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": _CONFIRMATION_KEYS,
    "UnsubscribeConfirmation": _CONFIRMATION_KEYS,
}


def timestamp(ms: int) -> str:
    """ISO 8601 with milliseconds and Z, as in every SNS message."""
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def string_to_sign(message: Mapping[str, Any]) -> str:
    """Each signed key then its value, one per line; Subject only when the message has one."""
    lines = []
    for key in _SIGNED[str(message["Type"])]:
        value = message.get(key)
        if value is None:
            continue
        lines.append(f"{key}\n{value}\n")
    return "".join(lines)


def cert_url(endpoint: str) -> str:
    return endpoint.rstrip("/") + CERT_PATH


def unsubscribe_url(endpoint: str, subscription_arn: str) -> str:
    return f"{endpoint.rstrip('/')}/?Action=Unsubscribe&SubscriptionArn={quote(subscription_arn, safe=':')}"


def subscribe_url(endpoint: str, topic_arn: str, token: str) -> str:
    return (
        f"{endpoint.rstrip('/')}/?Action=ConfirmSubscription&TopicArn={quote(topic_arn, safe=':')}"
        f"&Token={quote(token)}"
    )


def envelope_attributes(attributes: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    """Publish's MessageAttributes as the envelope shows them: {"Type", "Value"}, binary in base64."""
    shown: dict[str, dict[str, str]] = {}
    for name, attribute in attributes.items():
        kind = str(attribute.get("DataType", "String"))
        if kind.startswith("Binary"):
            value = attribute.get("BinaryValue", b"")
            text = base64.b64encode(value).decode() if isinstance(value, bytes) else str(value)
        else:
            text = str(attribute.get("StringValue", ""))
        shown[name] = {"Type": kind, "Value": text}
    return shown


def sqs_attributes(attributes: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    """Raw delivery to SQS: each SNS attribute becomes an SQS message attribute (binary values
    travel base64-encoded as "BinaryValue" text; the deliverer decodes them)."""
    mapped: dict[str, dict[str, str]] = {}
    for name, attribute in attributes.items():
        kind = str(attribute.get("DataType", "String"))
        if kind.startswith("Binary"):
            value = attribute.get("BinaryValue", b"")
            encoded = base64.b64encode(value).decode() if isinstance(value, bytes) else str(value)
            mapped[name] = {"DataType": kind, "BinaryValue": encoded}
        else:
            mapped[name] = {"DataType": kind, "StringValue": str(attribute.get("StringValue", ""))}
    return mapped


def notification(
    *,
    message_id: str,
    topic_arn: str,
    subject: str | None,
    message: str,
    timestamp_ms: int,
    sequence_number: str | None,
    attributes: Mapping[str, Mapping[str, Any]],
) -> dict[str, Any]:
    """The signed part of a Notification, in AWS's field order (no signature or URLs yet)."""
    fields: dict[str, Any] = {"Type": "Notification", "MessageId": message_id}
    if sequence_number is not None:
        fields["SequenceNumber"] = sequence_number
    fields["TopicArn"] = topic_arn
    if subject is not None:
        fields["Subject"] = subject
    fields["Message"] = message
    fields["Timestamp"] = timestamp(timestamp_ms)
    fields["MessageAttributes"] = envelope_attributes(attributes)
    return fields


def signed(
    fields: dict[str, Any], version: str, sign: Callable[[str, str], str], endpoint: str
) -> dict[str, Any]:
    """`fields` plus SignatureVersion, Signature and SigningCertURL."""
    return {
        **fields,
        "SignatureVersion": version,
        "Signature": sign(string_to_sign(fields), version),
        "SigningCertURL": cert_url(endpoint),
    }


def for_subscriber(note: Mapping[str, Any], subscription_arn: str, endpoint: str) -> str:
    """The envelope SQS and HTTP/S subscribers get, as AWS lays it out: Subject only when
    given, MessageAttributes only when there are some, UnsubscribeURL per subscription. FIFO
    notifications carry SequenceNumber and no signature."""
    order = ("Type", "MessageId", "SequenceNumber", "TopicArn", "Subject", "Message", "Timestamp",
             "SignatureVersion", "Signature", "SigningCertURL")  # fmt: skip
    body: dict[str, Any] = {key: note[key] for key in order if key in note}
    body["UnsubscribeURL"] = unsubscribe_url(endpoint, subscription_arn)
    if note.get("MessageAttributes"):
        body["MessageAttributes"] = note["MessageAttributes"]
    return render(body)


def lambda_event(note: Mapping[str, Any], subscription_arn: str, endpoint: str) -> str:
    sns: dict[str, Any] = {
        "Type": "Notification",
        "MessageId": note["MessageId"],
    }
    if "SequenceNumber" in note:
        sns["SequenceNumber"] = note["SequenceNumber"]
    sns.update(
        {
            "TopicArn": note["TopicArn"],
            "Subject": note.get("Subject"),
            "Message": note["Message"],
            "Timestamp": note["Timestamp"],
        }
    )
    if "Signature" in note:
        sns["SignatureVersion"] = note["SignatureVersion"]
        sns["Signature"] = note["Signature"]
        sns["SigningCertUrl"] = note["SigningCertURL"]
    sns["UnsubscribeUrl"] = unsubscribe_url(endpoint, subscription_arn)
    sns["MessageAttributes"] = dict(note.get("MessageAttributes") or {})
    record = {
        "EventSource": "aws:sns",
        "EventVersion": "1.0",
        "EventSubscriptionArn": subscription_arn,
        "Sns": sns,
    }
    return json.dumps({"Records": [record]})


def confirmation(
    *, kind: str, message_id: str, token: str, topic_arn: str, timestamp_ms: int, endpoint: str
) -> dict[str, Any]:
    """SubscriptionConfirmation (or UnsubscribeConfirmation) fields, before signing."""
    if kind == "SubscriptionConfirmation":
        text = (
            f"You have chosen to subscribe to the topic {topic_arn}.\n"
            "To confirm the subscription, visit the SubscribeURL included in this message."
        )
    else:
        text = (
            f"You have chosen to deactivate subscription {topic_arn}.\n"
            "To cancel this operation and restore the subscription, visit the SubscribeURL included in this message."
        )
    return {
        "Type": kind,
        "MessageId": message_id,
        "Token": token,
        "TopicArn": topic_arn,
        "Message": text,
        "SubscribeURL": subscribe_url(endpoint, topic_arn, token),
        "Timestamp": timestamp(timestamp_ms),
    }


def render(body: Mapping[str, Any]) -> str:
    """AWS's layout: one top-level key per line, two-space indent, " : " between key and
    value, and each message attribute compact on its own line:
        "MessageAttributes" : {
          "store" : {"Type":"String","Value":"north"}
        }"""
    lines = []
    for key, value in body.items():
        if key == "MessageAttributes" and isinstance(value, Mapping) and value:
            inner = ",\n".join(
                f"    {_json(name)} : {json.dumps(attribute, separators=(',', ':'), ensure_ascii=False)}"
                for name, attribute in value.items()
            )
            text = "{\n" + inner + "\n  }"
        else:
            text = _json(value)
        lines.append(f"  {_json(key)} : {text}")
    return "{\n" + ",\n".join(lines) + "\n}"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
