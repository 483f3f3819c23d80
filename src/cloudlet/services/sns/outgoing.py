"""The "sns.delivery" outbox events: one per message per subscription, rendered here so the
deliverer (runtime/sns_deliveries.py) only sends. Emitted in the Publish (or Subscribe)
transaction, so a message is durable for every subscriber before Publish answers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from cloudlet.services.sns import envelope
from cloudlet.services.sns.store import Subscription, Topic
from cloudlet.storage.db import Transaction

TOPIC = "sns.delivery"


def _http_retry(topic: Topic, sub: Subscription) -> dict[str, Any]:
    """numRetries and the delay between them from the subscription's or topic's DeliveryPolicy
    (defaults: 3 retries, 20 s apart; "Amazon SNS message delivery retries")."""
    policy: dict[str, Any] = {"numRetries": 3, "minDelayTarget": 20}
    for source in (topic.attributes.get("DeliveryPolicy"), sub.attributes.get("DeliveryPolicy")):
        if not source:
            continue
        parsed = json.loads(source)
        section = parsed.get("http", parsed) if isinstance(parsed, dict) else {}
        healthy = section.get("defaultHealthyRetryPolicy", section.get("healthyRetryPolicy", {}))
        if isinstance(healthy, dict):
            policy.update({k: healthy[k] for k in ("numRetries", "minDelayTarget") if k in healthy})
    return policy


def dead_letter_arn(sub: Subscription) -> str | None:
    redrive = sub.attributes.get("RedrivePolicy")
    if not redrive:
        return None
    target = json.loads(redrive).get("deadLetterTargetArn")
    return str(target) if target else None


def emit_notification(
    tx: Transaction,
    topic: Topic,
    sub: Subscription,
    note: Mapping[str, Any],
    message: str,
    attributes: Mapping[str, Mapping[str, Any]],
    group_id: str | None,
    dedup_id: str | None,
    endpoint: str,
) -> None:
    """`note`: the (signed) notification fields, whose Message is `message`, the text for this
    subscription's protocol (MessageStructure=json gives each protocol its own)."""
    raw = sub.attributes.get("RawMessageDelivery", "false").lower() == "true"
    payload: dict[str, Any] = {
        "protocol": sub.protocol,
        "endpoint": sub.endpoint,
        "subscription_arn": sub.arn,
        "topic_arn": topic.arn,
        "message_id": note["MessageId"],
        "message_type": "Notification",
        "dead_letter_arn": dead_letter_arn(sub),
    }
    if sub.protocol == "lambda":
        payload["body"] = envelope.lambda_event(note, sub.arn, endpoint)
    elif raw:
        payload["body"] = message
        payload["raw"] = True
        if sub.protocol == "sqs":
            payload["sqs_attributes"] = envelope.sqs_attributes(attributes)
    else:
        payload["body"] = envelope.for_subscriber(note, sub.arn, endpoint)
    if sub.protocol == "sqs" and sub.endpoint.endswith(".fifo"):
        # FIFO topic -> FIFO queue (and its FIFO dead-letter queue): the group and dedup id go
        # along; a standard queue subscribed to a FIFO topic gets neither.
        if group_id is not None:
            payload["group_id"] = group_id
        if dedup_id is not None:
            payload["dedup_id"] = dedup_id
    if sub.protocol in ("http", "https"):
        payload["retry"] = _http_retry(topic, sub)
    tx.emit(TOPIC, payload)


def emit_confirmation(
    tx: Transaction, topic: Topic, sub: Subscription, kind: str, message: Mapping[str, Any]
) -> None:
    """A SubscriptionConfirmation (or UnsubscribeConfirmation) POST to an HTTP/S endpoint."""
    tx.emit(
        TOPIC,
        {
            "protocol": sub.protocol,
            "endpoint": sub.endpoint,
            "subscription_arn": sub.arn,
            "topic_arn": topic.arn,
            "message_id": message["MessageId"],
            "message_type": kind,
            "body": envelope.render(message),
            "retry": _http_retry(topic, sub),
            "dead_letter_arn": None,
        },
    )
