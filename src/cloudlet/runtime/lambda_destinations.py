"""Outbox subscriber: Lambda async invocation results to OnSuccess/OnFailure destinations and DLQs.

The Lambda service emits `lambda.destination` events ({"arn", "body", "sqs_attributes" or
"sns_attributes"}) in the transaction that finishes an invocation; this delivers each one.
A destination that cannot take it (deleted, FIFO, too large) loses the record, as in AWS,
which only counts DestinationDeliveryFailures / DeadLetterErrors
(https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html)."""

from __future__ import annotations

import logging
from typing import Any

from cloudlet.client import InternalClients
from cloudlet.clock import Clock
from cloudlet.runtime.targets import Message, deliver
from cloudlet.services.awslambda.async_records import DESTINATION_TOPIC
from cloudlet.services.base import Background
from cloudlet.storage.outbox import Outbox

log = logging.getLogger("cloudlet.lambda.destinations")


class LambdaDestinations:
    def __init__(self, clients: InternalClients) -> None:
        self.clients = clients

    async def __call__(self, topic: str, payload: dict[str, Any]) -> None:
        arn = str(payload.get("arn") or "")
        message = Message(
            body=str(payload.get("body") or ""),
            sqs_attributes=dict(payload.get("sqs_attributes") or {}),
            sns_attributes=dict(payload.get("sns_attributes") or {}),
        )
        try:
            await deliver(self.clients, arn, message)
        except Exception as exc:
            log.warning("Lambda invocation record for %s dropped: %s", arn, exc)


def register(outbox: Outbox, clients: InternalClients, clock: Clock, background: Background) -> None:
    """Subscribe this module's delivery to the outbox."""
    outbox.subscribe(DESTINATION_TOPIC, LambdaDestinations(clients))
