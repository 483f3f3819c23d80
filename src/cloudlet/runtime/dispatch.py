"""Outbox subscribers: effects one service has on another, delivered after the commit that
caused them, through the internal API (DESIGN rule 3). Each kind of delivery is a module
of its own with a `register`; this is the list of them.

- `s3.notification`: an S3 event notification (or test event) for a queue, topic, function or
  the default event bus.
- lambda_destinations, event_targets, sns_deliveries: see each module."""

from __future__ import annotations

import json
import logging
from typing import Any

from cloudlet.client import InternalClients
from cloudlet.clock import Clock
from cloudlet.runtime import event_targets, lambda_destinations, sns_deliveries
from cloudlet.runtime.targets import Message, deliver
from cloudlet.services.base import Background
from cloudlet.storage.outbox import Outbox

log = logging.getLogger("cloudlet.dispatch")

S3_NOTIFICATION = "s3.notification"


class S3Notifications:
    def __init__(self, clients: InternalClients) -> None:
        self.clients = clients

    async def __call__(self, topic: str, payload: dict[str, Any]) -> None:
        arn = str(payload.get("arn") or "")
        body = json.dumps(payload["event"], separators=(",", ":"))
        # S3 publishes to topics with this subject; EventBridge gets the event itself.
        subject = "Amazon S3 Notification" if payload.get("kind") == "sns" else None
        try:
            await deliver(self.clients, arn, Message(body=body, subject=subject))
        except Exception as exc:  # a destination deleted since: S3 drops the event
            log.warning("S3 notification to %s dropped: %s", arn, exc)


def register(outbox: Outbox, clients: InternalClients, clock: Clock, background: Background) -> None:
    outbox.subscribe(S3_NOTIFICATION, S3Notifications(clients))
    for module in (lambda_destinations, event_targets, sns_deliveries):
        module.register(outbox, clients, clock, background)
